"""OpenTelemetry spans: the request, parse, validate, plan and every subgraph fetch.

Installed only when `telemetry.tracing.enabled`: with tracing off no stage is wrapped
and no span object is ever created. The router keeps its own `TracerProvider` (sampled
by ratio, parent-based) exporting over OTLP/HTTP when an endpoint is configured; an
incoming W3C `traceparent` makes the request span a child of the caller's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry.propagate import extract
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from router.executor.errors import SubgraphFetcher
from router.pipeline.chain import Handler, Stage
from router.pipeline.context import GraphQLResponse, RequestContext
from router.telemetry.config import TracingConfig

__all__ = ["TracedStage", "Tracing"]


class Tracing:
    def __init__(self, config: TracingConfig, *, exporter: SpanExporter | None = None) -> None:
        self.provider = TracerProvider(
            resource=Resource.create({"service.name": config.service_name}),
            sampler=ParentBased(TraceIdRatioBased(config.sample_ratio)),
        )
        if exporter is not None:
            self.provider.add_span_processor(SimpleSpanProcessor(exporter))
        elif config.otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            otlp = OTLPSpanExporter(endpoint=config.otlp_endpoint)
            self.provider.add_span_processor(BatchSpanProcessor(otlp))
        self.tracer: Tracer = self.provider.get_tracer("router")

    @contextmanager
    def request_span(self, ctx: RequestContext) -> Iterator[Span]:
        parent = extract(dict(ctx.http.headers))
        with self.tracer.start_as_current_span(
            "router.request", context=parent, kind=SpanKind.SERVER
        ) as span:
            span.set_attribute("http.request.method", ctx.http.method)
            yield span

    def traced_fetcher(self, fetcher: SubgraphFetcher) -> SubgraphFetcher:
        tracer = self.tracer

        async def fetch(subgraph: str, request: dict[str, Any]) -> dict[str, Any]:
            with tracer.start_as_current_span("subgraph.fetch", kind=SpanKind.CLIENT) as span:
                span.set_attribute("graphql.subgraph.name", subgraph)
                if request.get("operationName"):
                    span.set_attribute("graphql.operation.name", request["operationName"])
                return await fetcher(subgraph, request)

        return fetch

    def shutdown(self) -> None:
        self.provider.shutdown()


class TracedStage:
    """A span for one stage's own work: it ends when the stage hands over to the next."""

    def __init__(self, stage: Stage, name: str, tracer: Tracer) -> None:
        self.stage = stage
        self._name = name
        self._tracer = tracer

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        span = self._tracer.start_span(self._name)
        open_ = True

        async def rest(ctx: RequestContext) -> GraphQLResponse:
            nonlocal open_
            if open_:
                open_ = False
                span.end()
            return await call_next(ctx)

        try:
            return await self.stage(ctx, rest)
        except Exception as error:
            if open_:
                span.set_status(Status(StatusCode.ERROR, str(error)))
            raise
        finally:
            if open_:
                span.end()
