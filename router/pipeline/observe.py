"""Stage: observe each request (first in the pipeline, only when telemetry is on).

Times the whole request, opens its span, and afterwards records what the other stages
left in the context: the operation and client, the caller, the cost
(`ctx.extras["cost"]`), an unknown persisted document (`ctx.extras["persisted_unknown"]`)
and, for refusals, their error codes. Feeds the metrics and the JSON access log.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from router.pipeline.chain import Handler
from router.pipeline.client import client_name
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.cost import cost_report
from router.pipeline.errors import INTERNAL_SERVER_ERROR, RequestError
from router.telemetry.access_log import write_access_log

if TYPE_CHECKING:
    from router.telemetry.setup import Telemetry

__all__ = ["Observe", "operation_name"]


def operation_name(ctx: RequestContext) -> str:
    if ctx.operation is not None and ctx.operation.name is not None:
        return ctx.operation.name.value
    if ctx.request is not None and ctx.request.operation_name:
        return ctx.request.operation_name
    return ""


def _codes(errors: list[dict[str, Any]]) -> list[str]:
    return [str((error.get("extensions") or {}).get("code", "")) for error in errors]


class Observe:
    def __init__(self, telemetry: Telemetry) -> None:
        self._metrics = telemetry.metrics
        self._tracing = telemetry.tracing
        self._access_log = telemetry.access_log

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        started = time.perf_counter()
        status, refused = 500, [INTERNAL_SERVER_ERROR]
        span = (
            self._tracing.request_span(ctx)
            if self._tracing is not None
            else contextlib.nullcontext(None)
        )
        with span as current:
            try:
                response = await call_next(ctx)
            except RequestError as error:
                status, refused = error.status, _codes(error.errors)
                raise
            else:
                status = response.status
                refused = [] if response.has_data else _codes(response.errors)
                return response
            finally:
                seconds = time.perf_counter() - started
                if current is not None:
                    current.set_attribute("graphql.operation.name", operation_name(ctx))
                    current.set_attribute("http.response.status_code", status)
                self._record(ctx, status, refused, seconds)

    def _record(self, ctx: RequestContext, status: int, refused: list[str], seconds: float) -> None:
        operation = operation_name(ctx)
        client = client_name(ctx) or ""
        cost = cost_report(ctx)
        metrics = self._metrics
        if metrics is not None:
            operation_label = metrics.operation_label(operation)
            client_label = metrics.client_label(client)
            metrics.requests.labels(operation_label, client_label, str(status)).inc()
            metrics.duration.labels(operation_label, client_label).observe(seconds)
            for code in refused:
                metrics.refusals.labels(code).inc()
            if cost is not None:
                metrics.cost.labels("estimated").observe(cost.estimated)
                if cost.actual is not None:
                    metrics.cost.labels("actual").observe(cost.actual)
            if ctx.extras.get("persisted_unknown"):
                metrics.unknown_documents.labels(client_label).inc()
        if self._access_log is not None:
            write_access_log(
                self._access_log,
                {
                    "method": ctx.http.method,
                    "operation": operation or None,
                    "client": client or None,
                    "user": getattr(ctx.identity, "user_id", None),
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                    "cost": None
                    if cost is None
                    else {"estimated": cost.estimated, "actual": cost.actual},
                    "errors": refused,
                },
            )
