"""Fixtures for router tests: fake subgraphs over real HTTP and a router factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from router_fakes import (
    FakeSubgraph,
    make_subgraphs,
    render_supergraph,
    serve_asgi,
)
from router_harness import RouterFactory, RouterHarness, router_config

from router.app import RouterApp
from router.reload import FileSupergraphSource, StateHolder, build_state


@pytest.fixture(scope="session")
async def subgraphs() -> AsyncIterator[dict[str, FakeSubgraph]]:
    fakes = make_subgraphs()
    for fake in fakes.values():
        base, fake.server, fake.task = await serve_asgi(fake)
        fake.url = f"{base}/graphql"
    yield fakes
    for fake in fakes.values():
        fake.reset()
        assert fake.server is not None
        assert fake.task is not None
        fake.server.should_exit = True
        fake.server.force_exit = True
        await fake.task


@pytest.fixture(autouse=True)
def _fresh_subgraphs(subgraphs: dict[str, FakeSubgraph]) -> Any:
    for fake in subgraphs.values():
        fake.reset()
    yield
    for fake in subgraphs.values():
        fake.reset()


@pytest.fixture
def supergraph_sdl(subgraphs: dict[str, FakeSubgraph]) -> str:
    return render_supergraph({name: fake.url for name, fake in subgraphs.items()})


@pytest.fixture
async def make_router(tmp_path: Path, supergraph_sdl: str) -> AsyncIterator[RouterFactory]:
    harnesses: list[RouterHarness] = []

    async def factory(
        overrides: dict[str, Any] | None = None, *, sdl: str | None = None, watch: bool = False
    ) -> RouterHarness:
        config = router_config(overrides)
        path = tmp_path / f"supergraph-{len(harnesses)}.graphql"
        path.write_text(sdl or supergraph_sdl, encoding="utf-8")
        source = FileSupergraphSource(path)
        app = RouterApp(
            config=config,
            holder=StateHolder(build_state(source, config)),
            source=source,
            watch=watch,
        )
        await app.startup()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://router.test"
        )
        harness = RouterHarness(app=app, client=client, supergraph_path=path)
        harnesses.append(harness)
        return harness

    yield factory
    for harness in harnesses:
        await harness.client.aclose()
        await harness.app.shutdown()
