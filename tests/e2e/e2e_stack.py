"""The end-to-end stack: real subgraph processes' apps on real sockets, composed, routed.

`start_stack(names, database_url=...)` serves each subgraph's own app factory
(`subgraphs.<name>.app:create_app`) with uvicorn on 127.0.0.1:<ephemeral>, lifespan on (so
each outbox dispatcher runs and delivers events to the others over signed HTTP), composes
their printed SDL with the project's composer and serves the router on another ephemeral
port. Tests talk GraphQL over HTTP to the router, exactly as clients do.

Each subgraph's engine carries a `StatementLog` (a SQLAlchemy `before_cursor_execute`
listener), so a test can count the SQL statements a request cost in each subgraph.
"""

from __future__ import annotations

import asyncio
import importlib
import socket
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import event

from router.app import RouterApp
from router.composition import SubgraphSource, compose
from router.composition.errors import CompositionFailed
from router.config import RouterConfig
from router.pipeline.state import RouterState
from router.reload import StateHolder
from shared.identity import Role
from shared.settings import ServiceSettings
from subgraphs.users.tokens import TokenSigner

__all__ = [
    "E2E_INTERNAL_SECRET",
    "E2E_JWT_SECRET",
    "GraphQLResult",
    "RunningSubgraph",
    "Stack",
    "StatementLog",
    "start_stack",
]

E2E_INTERNAL_SECRET = "e2e-internal-identity-secret"
E2E_JWT_SECRET = "e2e-jwt-secret-with-at-least-32-bytes!"
JWT_ISSUER = "https://go2asia.local/users"
JWT_AUDIENCE = "go2asia"

# Settings every subgraph under test gets (each applied only where the class has the field).
_SUBGRAPH_SETTINGS: dict[str, Any] = {
    "internal_identity_secret": E2E_INTERNAL_SECRET,
    "jwt_secret": E2E_JWT_SECRET,
    "argon2_time_cost": 1,
    "argon2_memory_cost_kib": 1024,
    "argon2_parallelism": 1,
    "outbox_dispatcher_enabled": True,
    "outbox_poll_interval_seconds": 0.05,
    "outbox_retry_base_seconds": 0.05,
    "outbox_retry_max_seconds": 1.0,
    "graphql_ide": False,
    "log_level": "WARNING",
    "db_pool_size": 5,
    "db_max_overflow": 5,
}
# Tables the platform (dispatcher, inbox, seeds) touches: not the domain's statements.
_PLATFORM_TABLES = ("outbox", "processed_events", "seed_history")


@dataclass
class StatementLog:
    """Every SQL statement one subgraph's engine ran, platform bookkeeping left out."""

    statements: list[str] = field(default_factory=list)

    def record(self, statement: str) -> None:
        if not any(f".{table}" in statement for table in _PLATFORM_TABLES):
            self.statements.append(statement)

    @contextmanager
    def capture(self) -> Iterator[list[str]]:
        """The statements run while the block runs (a live list, complete at exit)."""
        start = len(self.statements)
        captured: list[str] = []
        try:
            yield captured
        finally:
            captured.extend(self.statements[start:])


@dataclass
class RunningSubgraph:
    name: str
    base_url: str
    app: Any
    statements: StatementLog
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def url(self) -> str:
        return f"{self.base_url}/graphql"


@dataclass(frozen=True)
class GraphQLResult:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.body.get("errors") or []
        return errors

    @property
    def codes(self) -> list[str | None]:
        return [(error.get("extensions") or {}).get("code") for error in self.errors]

    def ok(self) -> Any:
        """The data, after asserting there were no errors."""
        assert self.status == 200, self.body
        assert not self.errors, self.errors
        return self.data


@dataclass
class Stack:
    database_url: str
    subgraphs: dict[str, RunningSubgraph]
    router_url: str
    client: httpx.AsyncClient
    supergraph_sdl: str
    _router: RouterApp
    _router_server: uvicorn.Server
    _router_task: asyncio.Task[None]
    _signer: TokenSigner = field(
        default_factory=lambda: TokenSigner(
            secret=E2E_JWT_SECRET,
            private_key_file=None,
            key_id="users-1",
            issuer=JWT_ISSUER,
            audience=JWT_AUDIENCE,
            ttl_seconds=900,
        )
    )

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> GraphQLResult:
        """POST one operation to the router (as `application/json`)."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        response = await self.client.post("/graphql", json=body, headers=headers)
        return GraphQLResult(status=response.status_code, body=response.json())

    def token(self, role: Role = Role.USER, *, user_id: str | None = None) -> str:
        """An access token as the users subgraph would issue it (same secret and claims)."""
        subject = uuid.UUID(user_id) if user_id else uuid.uuid4()
        return self._signer.issue(user_id=subject, role=role, now=datetime.now(UTC)).token

    def statements(self, name: str) -> StatementLog:
        return self.subgraphs[name].statements

    async def stop(self) -> None:
        await self.client.aclose()
        await _stop_server(self._router_server, self._router_task)
        await self._router.shutdown()
        for running in reversed(self.subgraphs.values()):
            await _stop_server(running.server, running.task)


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


async def _serve(app: Any, sock: socket.socket, *, lifespan: str) -> tuple[uvicorn.Server, Any]:
    config = uvicorn.Config(app, lifespan=lifespan, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("server exited during start-up")
        await asyncio.sleep(0.01)
    return server, task


async def _stop_server(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    with suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)


def settings_class(name: str) -> type[ServiceSettings]:
    """The one ServiceSettings subclass `subgraphs.<name>.settings` declares for `name`."""
    module = importlib.import_module(f"subgraphs.{name}.settings")
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, ServiceSettings)
            and value.service_name == name
        ):
            return value
    raise LookupError(f"subgraphs.{name}.settings declares no settings class for {name!r}")


def subgraph_settings(
    name: str, *, database_url: str, consumer_urls: dict[str, str], **overrides: Any
) -> ServiceSettings:
    cls = settings_class(name)
    values = {key: value for key, value in _SUBGRAPH_SETTINGS.items() if key in cls.model_fields}
    values |= {
        "database_url": database_url,
        "event_consumer_urls": consumer_urls,
        # Not the repo's supergraph.yaml: consumers are exactly the subgraphs of this stack.
        "supergraph_config": Path("/nonexistent/e2e-supergraph.yaml"),
    }
    return cls(**(values | overrides))


def router_config() -> RouterConfig:
    return RouterConfig.model_validate(
        {
            "authentication": {
                "jwt": {
                    "hs256_secret": E2E_JWT_SECRET,
                    "issuer": JWT_ISSUER,
                    "audience": JWT_AUDIENCE,
                },
                "identity": {"secret": E2E_INTERNAL_SECRET},
            },
            "traffic_shaping": {"all": {"timeout": "10s"}},
        }
    )


def compose_running(running: dict[str, RunningSubgraph]) -> str:
    """The supergraph of the running subgraphs, from the SDL their schemas print."""
    sources = [
        SubgraphSource(name, item.url, item.app.state.subgraph.schema.as_str())
        for name, item in running.items()
    ]
    result = compose(sources)
    if result.supergraph_sdl is None:
        raise CompositionFailed(result.errors)
    return result.supergraph_sdl


async def start_stack(
    names: Sequence[str],
    *,
    database_url: str,
    settings_overrides: dict[str, dict[str, Any]] | None = None,
) -> Stack:
    """Serve `names` (already migrated and seeded in `database_url`) and a router over them."""
    sockets = {name: _bound_socket() for name in names}
    base_urls = {
        name: f"http://127.0.0.1:{sock.getsockname()[1]}" for name, sock in sockets.items()
    }
    running: dict[str, RunningSubgraph] = {}
    try:
        for name in names:
            create_app = importlib.import_module(f"subgraphs.{name}.app").create_app
            settings = subgraph_settings(
                name,
                database_url=database_url,
                consumer_urls=base_urls,
                **(settings_overrides or {}).get(name, {}),
            )
            app = create_app(settings)
            log = StatementLog()
            event.listen(
                app.state.subgraph.engine.sync_engine,
                "before_cursor_execute",
                lambda _conn, _cursor, statement, *_rest, log=log: log.record(statement),
            )
            server, task = await _serve(app, sockets[name], lifespan="on")
            running[name] = RunningSubgraph(name, base_urls[name], app, log, server, task)
        supergraph_sdl = compose_running(running)
        config = router_config()
        state = RouterState.from_sdl(
            supergraph_sdl,
            document_cache_size=config.supergraph.document_cache_size,
            plan_cache_size=config.supergraph.query_plan_cache_size,
        )
        router = RouterApp(config=config, holder=StateHolder(state), source=None, watch=False)
        await router.startup()
        router_server, router_task = await _serve(router, _bound_socket(), lifespan="off")
    except BaseException:
        for item in reversed(running.values()):
            await _stop_server(item.server, item.task)
        raise
    port = router_server.servers[0].sockets[0].getsockname()[1]
    router_url = f"http://127.0.0.1:{port}"
    return Stack(
        database_url=database_url,
        subgraphs=running,
        router_url=router_url,
        client=httpx.AsyncClient(base_url=router_url, timeout=30),
        supergraph_sdl=supergraph_sdl,
        _router=router,
        _router_server=router_server,
        _router_task=router_task,
    )
