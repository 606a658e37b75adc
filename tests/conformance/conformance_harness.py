"""Each case's subgraphs and the real router, all on ephemeral 127.0.0.1 ports over HTTP.

A case is started the first time one of its queries runs (subgraphs served, SDLs composed by
`router.composition.compose`, router built from the composed supergraph) and kept for the
session. A query whose faults take a subgraph `down` gets its own router, whose supergraph
points that subgraph at a port nothing listens on.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from conformance_cases import Case
from conformance_subgraph import CaseState, SubgraphExecutor, SubgraphServer

from router.app import RouterApp
from router.composition.compose import compose
from router.composition.sources import SubgraphSource
from router.config import RouterConfig
from router.reload import FileSupergraphSource, StateHolder, build_state


async def serve(app: Any) -> tuple[str, uvicorn.Server, asyncio.Task[None]]:
    """Serve an ASGI app on 127.0.0.1:<ephemeral>; returns (base URL, server, task)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return f"http://127.0.0.1:{port}", server, task


def unused_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/graphql"


@dataclass
class RunningCase:
    case: Case
    state: CaseState
    servers: dict[str, SubgraphServer]
    urls: dict[str, str]
    supergraph: str
    routers: dict[frozenset[str], str] = field(default_factory=dict)

    def reset(self) -> None:
        self.state.log.clear()
        for server in self.servers.values():
            server.reset()


@dataclass
class Conformance:
    """Starts cases on demand and stops everything it started."""

    workdir: Path
    cases: dict[str, RunningCase] = field(default_factory=dict)
    apps: list[RouterApp] = field(default_factory=list)
    uvicorns: list[tuple[uvicorn.Server, asyncio.Task[None]]] = field(default_factory=list)

    async def start(self, case: Case) -> RunningCase:
        if case.name in self.cases:
            return self.cases[case.name]
        state = CaseState()
        resolvers = case.resolvers()
        servers: dict[str, SubgraphServer] = {}
        urls: dict[str, str] = {}
        for name, sdl in case.subgraphs.items():
            executor = SubgraphExecutor(
                name=name,
                sdl=sdl,
                data=case.data[name],
                hooks=resolvers.get(name, {}),
                state=state,
            )
            servers[name] = SubgraphServer(executor)
            base, server, task = await serve(servers[name])
            self.uvicorns.append((server, task))
            urls[name] = f"{base}/graphql"
        sources = [SubgraphSource(name, urls[name], sdl) for name, sdl in case.subgraphs.items()]
        result = compose(sources)
        if result.supergraph_sdl is None:
            messages = "\n".join(f"{e.code}: {e.message}" for e in result.errors)
            pytest.fail(f"{case.name}: composition refused the subgraphs:\n{messages}")
        running = RunningCase(case, state, servers, urls, result.supergraph_sdl)
        self.cases[case.name] = running
        return running

    async def router_url(self, running: RunningCase, down: frozenset[str]) -> str:
        if down not in running.routers:
            sdl = running.supergraph
            for name in down:
                sdl = sdl.replace(f'url: "{running.urls[name]}"', f'url: "{unused_url()}"')
            path = self.workdir / f"{running.case.name}-{len(running.routers)}.graphql"
            path.write_text(sdl, encoding="utf-8")
            config = RouterConfig.model_validate(running.case.router)
            source = FileSupergraphSource(path)
            app = RouterApp(
                config=config,
                holder=StateHolder(build_state(source, config)),
                source=source,
                watch=False,
            )
            await app.startup()
            self.apps.append(app)
            base, server, task = await serve(app)
            self.uvicorns.append((server, task))
            running.routers[down] = f"{base}/graphql"
        return running.routers[down]

    async def close(self) -> None:
        for running in self.cases.values():
            running.reset()
        for server, _ in self.uvicorns:
            server.should_exit = True
            server.force_exit = True
        for _, task in self.uvicorns:
            await task
        for app in self.apps:
            await app.shutdown()
