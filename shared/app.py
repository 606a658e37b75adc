"""`create_subgraph_app`: the FastAPI + Strawberry federation app every subgraph is.

    GET  /graphql, POST /graphql   the subgraph schema (federation FEDERATION_VERSION)
    POST /events                   signed event deliveries (when the subgraph consumes any)
    GET  /health                   liveness: the process serves requests
    GET  /ready                    readiness: Postgres (and Redis, when configured) answer

The lifespan applies the subgraph's migrations (MIGRATE_ON_START), starts the outbox
dispatcher, and at shutdown closes the engine, HTTP client and Redis.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import strawberry
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from graphql import GraphQLError
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.types import ExecutionContext

from shared.context import SubgraphContext
from shared.db import SessionFactory, create_engine, create_session_factory, ping
from shared.error_mapping import ErrorMappingRouter
from shared.events import (
    ConsumerRegistry,
    Dispatcher,
    HttpTransport,
    RetryPolicy,
    Transport,
    consumed_by,
    consumer_urls,
    events_router,
)
from shared.federation import FEDERATION_VERSION
from shared.identity import IDENTITY_HEADER, verify_identity
from shared.logging import configure_logging, request_id_var
from shared.migrations import upgrade
from shared.request_id import RequestIdMiddleware
from shared.settings import ServiceSettings

__all__ = ["Subgraph", "SubgraphSchema", "build_schema", "create_subgraph_app"]

logger = logging.getLogger(__name__)

_READY_TIMEOUT_SECONDS = 2.0


class SubgraphSchema(strawberry.federation.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Not here: shared.error_mapping logs unexpected errors (only) as it masks them."""


def build_schema(
    *,
    query: type,
    mutation: type | None = None,
    types: Sequence[type] = (),
    document_cache_size: int = 1024,
) -> SubgraphSchema:
    """The subgraph schema, parsing and validation cached (most of a request's CPU otherwise)."""
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=document_cache_size),
        lambda: ValidationCache(maxsize=document_cache_size),
    ]
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        types=types,
        extensions=extensions,
        federation_version=FEDERATION_VERSION,
    )


@dataclass(frozen=True, slots=True)
class Subgraph:
    """What the app holds at runtime (`app.state.subgraph`), for tools and tests."""

    settings: ServiceSettings
    schema: SubgraphSchema
    engine: AsyncEngine
    sessions: SessionFactory
    dispatcher: Dispatcher
    redis: Redis | None


def create_subgraph_app(
    *,
    settings: ServiceSettings,
    query: type,
    build_loaders: Callable[[SessionFactory], Any],
    services: Any = None,
    mutation: type | None = None,
    types: Sequence[type] = (),
    consumers: ConsumerRegistry | None = None,
    routers: Sequence[APIRouter] = (),
    transport: Transport | None = None,
) -> FastAPI:
    """Build one subgraph's ASGI app.

    `build_loaders(sessions)` runs once per request (fresh DataLoaders); `services` is any
    long-lived object the resolvers need (hashers, signers), shared by all requests;
    `transport` defaults to signed HTTP to the URLs from supergraph.yaml.
    """
    service = settings.service_name
    configure_logging(level=settings.log_level, service=service)
    for variable in settings.insecure_defaults():
        logger.warning("%s is the development default; set it in production", variable)
    _check_consumers(service, consumers)
    secret = settings.internal_identity_secret.get_secret_value()
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    sessions = create_session_factory(engine, service=service)
    http_client = httpx.AsyncClient(timeout=settings.outbox_delivery_timeout_seconds)
    transport = transport or HttpTransport(
        client=http_client,
        urls=consumer_urls(
            supergraph_config=settings.supergraph_config, overrides=settings.event_consumer_urls
        ),
        secret=secret,
    )
    subgraph = Subgraph(
        settings=settings,
        schema=build_schema(
            query=query,
            mutation=mutation,
            types=types,
            document_cache_size=settings.graphql_document_cache_size,
        ),
        engine=engine,
        sessions=sessions,
        dispatcher=Dispatcher(
            service=service,
            sessions=sessions,
            transport=transport,
            retry=RetryPolicy(
                base_seconds=settings.outbox_retry_base_seconds,
                max_seconds=settings.outbox_retry_max_seconds,
            ),
            batch_size=settings.outbox_batch_size,
            poll_interval=settings.outbox_poll_interval_seconds,
            notifications=engine,
            retention=timedelta(hours=settings.outbox_retention_hours),
        ),
        redis=Redis.from_url(settings.redis_url) if settings.redis_url else None,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:  # idempotent, and serialised across processes
            await asyncio.to_thread(upgrade, service, settings.database_url)
        if settings.outbox_dispatcher_enabled:
            subgraph.dispatcher.start()
        try:
            yield
        finally:
            await subgraph.dispatcher.stop()
            await http_client.aclose()
            if subgraph.redis is not None:
                await subgraph.redis.aclose()
            await engine.dispose()

    async def get_context(request: Request) -> SubgraphContext[Any, Any]:
        return SubgraphContext(
            identity=verify_identity(request.headers.get(IDENTITY_HEADER), secret=secret),
            request_id=request_id_var.get() or "",
            sessions=sessions,
            loaders=build_loaders(sessions),
            services=services,
        )

    app = FastAPI(title=f"go2asia {service} subgraph", lifespan=lifespan, openapi_url=None)
    app.state.subgraph = subgraph
    app.add_middleware(RequestIdMiddleware)
    app.include_router(
        ErrorMappingRouter(
            subgraph.schema,
            context_getter=get_context,
            graphql_ide="graphiql" if settings.graphql_ide else None,
        ),
        prefix="/graphql",
    )
    app.include_router(_probes(subgraph))
    if consumers is not None:
        app.include_router(events_router(registry=consumers, sessions=sessions, secret=secret))
    for router in routers:
        app.include_router(router)
    return app


def _check_consumers(service: str, consumers: ConsumerRegistry | None) -> None:
    handled = consumers.event_types if consumers is not None else frozenset()
    expected = consumed_by(service)
    if handled != expected:
        raise RuntimeError(
            f"{service} handles {sorted(handled)} but shared.events.topology routes "
            f"{sorted(expected)} to it"
        )


def _probes(subgraph: Subgraph) -> APIRouter:
    router = APIRouter()

    @router.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": subgraph.settings.service_name}

    @router.get("/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        checks = {"database": await _check(ping(subgraph.engine))}
        if subgraph.redis is not None:
            checks["redis"] = await _check(subgraph.redis.ping())
        ok = all(status == "ok" for status in checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    return router


async def _check(probe: Any) -> str:
    try:
        await asyncio.wait_for(probe, timeout=_READY_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("readiness check failed", exc_info=True)
        return "down"
    return "ok"
