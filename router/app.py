"""The router's ASGI application: HTTP in, the pipeline's stages in order, HTTP out.

A plain ASGI callable (no web framework in the hot path). Routes:

- `POST/GET <supergraph.path>`: GraphQL over HTTP, through `build_pipeline`'s stages;
  `GET` from a browser (`Accept: text/html`, no `query`) gets GraphiQL.
- `GET /health`: liveness; `GET /ready`: readiness (a supergraph is loaded).
- `GET /__graphiql/*`: GraphiQL's built assets.

Response media type follows GraphQL-over-HTTP: `application/graphql-response+json` when
the client accepts it (request errors get 4xx), else `application/json` (200 with
errors, except for HTTP-level refusals). Request errors become GraphQL errors here and
nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from router import graphiql
from router.config import RouterConfig
from router.executor.transport import SubgraphTransport
from router.pipeline import GraphQLResponse, HttpRequest, Pipeline, RequestContext, RequestError
from router.pipeline.auth import Authenticate
from router.pipeline.authorization import Authorize, RequireAuthentication
from router.pipeline.chain import Stage
from router.pipeline.cors import Cors
from router.pipeline.cost import DemandControl
from router.pipeline.csrf import CsrfPrevention
from router.pipeline.dedup import DeduplicateInbound
from router.pipeline.errors import PAYLOAD_TOO_LARGE, internal_error_response
from router.pipeline.execute import Execute
from router.pipeline.headers import PropagateHeaders
from router.pipeline.introspection import Introspection
from router.pipeline.introspection_policy import IntrospectionPolicy
from router.pipeline.limits import OperationLimits
from router.pipeline.operation import SelectOperation
from router.pipeline.parse import Parse
from router.pipeline.persisted import PersistedDocuments
from router.pipeline.plan import Plan, expose_plan_mode
from router.pipeline.ratelimit import RateLimit, make_limiter
from router.pipeline.read_request import ReadRequest
from router.pipeline.validate import Validate
from router.pipeline.variables import CoerceVariables
from router.reload import StateHolder, SupergraphSource, SupergraphWatcher
from router.telemetry.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from router.telemetry.setup import Telemetry

__all__ = ["RouterApp", "build_pipeline", "negotiate_media_type"]

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"


def build_pipeline(
    config: RouterConfig, transport: SubgraphTransport, *, telemetry: Telemetry | None = None
) -> Pipeline:
    """The stages in order: each one reads what the previous ones put in the context."""
    stages: list[Stage] = [] if config.csrf.unsafe_disabled else [CsrfPrevention(config.csrf)]
    by_reference = config.persisted_queries.enabled
    stages += [
        ReadRequest(documents_by_reference=by_reference),
        Authenticate(config.authentication),
    ]
    if config.authorization.require_authentication:
        stages.append(RequireAuthentication())
    if PropagateHeaders.configured(config.headers):
        stages.append(
            PropagateHeaders(
                config.headers, identity_header=config.authentication.identity.header_name
            )
        )
    redis = config.redis
    if config.persisted_queries.enabled:
        stages.append(
            PersistedDocuments(
                config.persisted_queries, redis_url=redis.url, key_prefix=redis.key_prefix
            )
        )
    rate_limit = config.rate_limit
    limiter = make_limiter(redis.url) if rate_limit.enabled else None
    # With a cost budget the rate limits wait for the estimate: one check for everything.
    with_budget = rate_limit.cost_budget is not None and config.demand_control.enabled
    if limiter is not None and not with_budget:
        stages.append(RateLimit(rate_limit, limiter=limiter, key_prefix=redis.key_prefix))
    stages.append(Parse(max_tokens=config.limits.parser_max_tokens))
    if OperationLimits.enabled(config.limits):
        stages.append(OperationLimits(config.limits))
    stages += [Validate(), SelectOperation(), CoerceVariables()]
    if config.demand_control.enabled:
        stages.append(DemandControl(config.demand_control))
        if limiter is not None and with_budget:
            stages.append(
                RateLimit(
                    rate_limit,
                    limiter=limiter,
                    key_prefix=redis.key_prefix,
                    with_cost_budget=True,
                )
            )
    if config.traffic_shaping.router.deduplicate_query:
        stages.append(
            DeduplicateInbound(identity_header=config.authentication.identity.header_name)
        )
    introspection = config.supergraph.introspection
    exceptions = config.supergraph.introspection_exceptions
    if not introspection and (exceptions.roles or exceptions.clients):
        stages.append(IntrospectionPolicy(config.supergraph.introspection_exceptions))
        introspection = True  # the policy stage refuses whoever may not introspect
    stages.append(Introspection(enabled=introspection))
    if config.authorization.directives.enabled:
        stages.append(Authorize(config.authorization))
    stages.append(Plan())
    wrap_fetcher = None
    if telemetry is not None and telemetry.enabled:
        stages = telemetry.instrument(stages)
        wrap_fetcher = telemetry.wrap_fetcher if telemetry.wraps_fetches else None
    return Pipeline(stages, terminal=Execute(transport, wrap_fetcher=wrap_fetcher))


def negotiate_media_type(accept: str) -> str:
    """Pick the response media type from an `Accept` header (GraphQL-over-HTTP)."""
    if not accept:
        return APPLICATION_JSON
    best_json = best_graphql = -1.0
    for item in accept.split(","):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                with contextlib.suppress(ValueError):
                    quality = float(value)
        if media == GRAPHQL_RESPONSE_JSON:
            best_graphql = max(best_graphql, quality)
        elif media in {APPLICATION_JSON, "*/*", "application/*"}:
            best_json = max(best_json, quality)
    if best_graphql > 0 and best_graphql >= best_json:
        return GRAPHQL_RESPONSE_JSON
    return APPLICATION_JSON


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


class _BodyTooLargeError(Exception):
    pass


async def _read_body(receive: Receive, *, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _BodyTooLargeError
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _respond(
    send: Send, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(name.encode(), value.encode()) for name, value in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RouterApp:
    """ASGI entry point; owns the transport, the pipeline and the reload watcher."""

    def __init__(
        self,
        *,
        config: RouterConfig,
        holder: StateHolder,
        source: SupergraphSource | None = None,
        watch: bool = True,
    ) -> None:
        self.config = config
        self.holder = holder
        self.transport = SubgraphTransport(
            config.traffic_shaping, identity_header=config.authentication.identity.header_name
        )
        self.telemetry = Telemetry.from_config(config.telemetry, plans=lambda: holder.current.plans)
        self.pipeline = build_pipeline(config, self.transport, telemetry=self.telemetry)
        # The watcher can always reload on demand; `watch` starts its file watching too.
        self.watcher = SupergraphWatcher(holder, source, config) if source is not None else None
        self._watch = watch
        self._stop_watching = asyncio.Event()
        self._watch_task: asyncio.Task[None] | None = None
        self._graphql_path = config.supergraph.path
        self._health_path = config.health_check.path
        self._ready_path = config.health_check.readiness_path
        self._edge = Cors(config.cors, self._http) if Cors.configured(config.cors) else self._http
        self._max_body = config.limits.http_max_request_bytes

    async def startup(self) -> None:
        if self.watcher is not None and self._watch and self._watch_task is None:
            self._stop_watching.clear()
            self._watch_task = asyncio.create_task(self.watcher.run(self._stop_watching))

    async def shutdown(self) -> None:
        if self._watch_task is not None:
            self._stop_watching.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._watch_task, timeout=5)
            self._watch_task = None
        await self.transport.aclose()
        for stage in self.pipeline.stages:
            close = getattr(stage, "aclose", None)
            if close is not None:
                await close()
        self.telemetry.shutdown()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._edge(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        if path == self._graphql_path:
            await self._graphql(scope, receive, send)
        elif path == self._health_path:
            await _respond(send, 200, b'{"status":"UP"}', APPLICATION_JSON)
        elif path == self._ready_path:
            state = self.holder.current
            body = orjson.dumps({"status": "READY", "generation": state.generation})
            await _respond(send, 200, body, APPLICATION_JSON)
        elif path.startswith(graphiql.ASSET_PREFIX) and method == "GET":
            found = graphiql.asset(path.removeprefix(graphiql.ASSET_PREFIX))
            if found is None:
                await _respond(send, 404, b"not found", "text/plain")
            else:
                content, content_type = found
                await _respond(send, 200, content, content_type, {"cache-control": "no-cache"})
        elif self.telemetry.metrics is not None and path == self.telemetry.metrics_path:
            await _respond(send, 200, self.telemetry.metrics.render(), METRICS_CONTENT_TYPE)
        else:
            await _respond(send, 404, b"not found", "text/plain")

    async def _graphql(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        method: str = scope["method"]
        query_string: bytes = scope.get("query_string", b"")
        if (
            method == "GET"
            and self.config.sandbox.enabled
            and b"query=" not in query_string
            and "text/html" in headers.get("accept", "")
        ):
            await _respond(send, 200, graphiql.page(self._graphql_path), "text/html; charset=utf-8")
            return
        try:
            body = await _read_body(receive, limit=self._max_body) if method == "POST" else b""
        except _BodyTooLargeError:
            error = RequestError.single(
                f"the request body is larger than {self._max_body} bytes",
                code=PAYLOAD_TOO_LARGE,
                status=413,
                http_level=True,
            )
            await _respond(
                send, 413, error.to_response().encode(), f"{APPLICATION_JSON}; charset=utf-8"
            )
            return
        http = HttpRequest(
            method=method,
            path=scope["path"],
            query_string=query_string,
            headers=headers,
            body=body,
            client_ip=(scope.get("client") or (None,))[0],
        )
        ctx = RequestContext(http=http, state=self.holder.current)
        ctx.expose_plan = expose_plan_mode(ctx) is not None
        response = await self.handle(ctx)
        media_type = negotiate_media_type(headers.get("accept", ""))
        if media_type == GRAPHQL_RESPONSE_JSON or response.http_level or response.status >= 500:
            status = response.status
        else:
            status = 200
        await _respond(
            send, status, response.encode(), f"{media_type}; charset=utf-8", response.headers
        )

    async def handle(self, ctx: RequestContext) -> GraphQLResponse:
        """Run the pipeline; the one place request errors become GraphQL errors."""
        try:
            return await self.pipeline(ctx)
        except RequestError as error:
            return error.to_response()
        except Exception:
            logger.exception("unexpected failure while handling a request")
            return internal_error_response()
