"""Observability through HTTP: Prometheus /metrics, OpenTelemetry spans, JSON access logs."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from router_fakes import FakeSubgraph, make_token
from router_harness import RouterFactory

PRODUCTS = "query Products { products(first: 2) { upc reviews { body } } }"
WEB = {"apollographql-client-name": "web"}


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text exposition."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.removeprefix(prefix))
    raise AssertionError(f"no sample {prefix!r} in /metrics")


async def test_metrics_count_requests_fetches_costs_refusals_and_plan_cache(
    make_router: RouterFactory, cost_sdl: str, subgraphs: dict[str, FakeSubgraph]
) -> None:
    config = {
        "telemetry": {"metrics": {"enabled": True}},
        "demand_control": {"enabled": True, "mode": "enforce"},
    }
    router = await make_router(config, sdl=cost_sdl)
    for _ in range(2):
        assert (await router.post(PRODUCTS, headers=WEB)).status_code == 200
    refused = await router.post("{ products(first: 5000) { upc } }", headers=WEB)
    assert refused.json()["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    subgraphs["reviews"].mode = "http500"
    await router.post(PRODUCTS, headers=WEB)

    text = (await router.client.get("/metrics")).text
    requests = "router_http_requests_total"
    assert metric(text, requests, client="web", operation="Products", status="200") == 3
    assert metric(text, requests, client="web", operation="", status="400") == 1
    assert metric(text, "router_refusals_total", code="COST_LIMIT_EXCEEDED") == 1
    fetches = "router_subgraph_fetch_duration_seconds_count"
    assert metric(text, fetches, subgraph="products") == 3
    assert metric(text, fetches, subgraph="reviews") == 3
    assert metric(text, "router_subgraph_fetch_errors_total", subgraph="reviews") == 1
    assert metric(text, "router_operation_cost_count", kind="estimated") == 4
    assert metric(text, "router_operation_cost_count", kind="actual") == 3
    assert metric(text, "router_query_plan_cache_misses_total") == 1
    assert metric(text, "router_query_plan_cache_hits_total") == 2
    duration = "router_http_request_duration_seconds_count"
    assert metric(text, duration, client="web", operation="Products") == 3


async def test_metrics_endpoint_is_absent_when_disabled(make_router: RouterFactory) -> None:
    router = await make_router()
    assert (await router.client.get("/metrics")).status_code == 404
    stage_names = [type(stage).__name__ for stage in router.app.pipeline.stages]
    assert "Observe" not in stage_names
    assert "TracedStage" not in stage_names


async def test_spans_for_request_parse_validate_plan_and_each_fetch(
    make_router: RouterFactory,
) -> None:
    router = await make_router({"telemetry": {"tracing": {"enabled": True}}})
    tracing = router.app.telemetry.tracing
    assert tracing is not None
    exporter = InMemorySpanExporter()
    tracing.provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    traceparent = f"00-{trace_id}-b7ad6b7169203331-01"
    response = await router.post(PRODUCTS, headers={"traceparent": traceparent})
    assert response.json()["data"]["products"][0]["upc"] == "p1"

    spans = exporter.get_finished_spans()
    names = sorted(span.name for span in spans)
    assert names == [
        "graphql.parse",
        "graphql.validate",
        "router.plan",
        "router.request",
        "subgraph.fetch",
        "subgraph.fetch",
    ]
    request = next(span for span in spans if span.name == "router.request")
    assert request.attributes is not None
    assert request.attributes["graphql.operation.name"] == "Products"
    assert request.context is not None
    assert f"{request.context.trace_id:032x}" == trace_id
    for span in spans:
        if span is not request:
            assert span.parent is not None
            assert span.parent.span_id == request.context.span_id
    fetched = {
        span.attributes["graphql.subgraph.name"]
        for span in spans
        if span.attributes and span.name == "subgraph.fetch"
    }
    assert fetched == {"products", "reviews"}


async def test_access_log_is_one_json_line_per_request(
    make_router: RouterFactory, cost_sdl: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = {
        "telemetry": {"access_log": {"enabled": True, "stdout": False}},
        "demand_control": {"enabled": True},
    }
    router = await make_router(config, sdl=cost_sdl)
    token = make_token(sub="42")
    with caplog.at_level(logging.INFO, logger="router.access"):
        await router.post(PRODUCTS, headers={**WEB, "authorization": f"Bearer {token}"})
        await router.post("{ nope }")
    lines: list[dict[str, Any]] = [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "router.access"
    ]
    assert len(lines) == 2
    ok, invalid = lines
    assert ok["operation"] == "Products"
    assert ok["client"] == "web"
    assert ok["user"] == "42"
    assert ok["status"] == 200
    assert ok["cost"] == {"estimated": 2 * (1 + 10 * 3), "actual": 1 + 3 + 1 + 2 * 3}
    assert ok["errors"] == []
    assert ok["duration_ms"] > 0
    assert invalid["status"] == 400
    assert invalid["errors"] == ["GRAPHQL_VALIDATION_FAILED"]
    assert invalid["user"] is None


async def test_operation_names_beyond_the_label_limit_count_as_other(
    make_router: RouterFactory,
) -> None:
    config = {"telemetry": {"metrics": {"enabled": True, "max_label_values": 2}}}
    router = await make_router(config)
    for name in ("A", "B", "C", "D", "A"):
        await router.post(f"query {name} {{ __typename }}")
    text = (await router.client.get("/metrics")).text
    requests = "router_http_requests_total"
    assert metric(text, requests, client="", operation="A", status="200") == 2
    assert metric(text, requests, client="", operation="B", status="200") == 1
    assert metric(text, requests, client="", operation="__other__", status="200") == 2
    assert 'operation="C"' not in text


async def test_spans_are_exported_over_otlp_http(make_router: RouterFactory) -> None:
    received: list[tuple[str, str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append((self.path, self.headers["content-type"], body))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
        config = {"telemetry": {"tracing": {"enabled": True, "otlp_endpoint": endpoint}}}
        router = await make_router(config)
        assert (await router.post(PRODUCTS)).status_code == 200
        await asyncio.to_thread(router.app.telemetry.shutdown)  # flushes the batch
    finally:
        server.shutdown()
        server.server_close()
    exported = ExportTraceServiceRequest()
    for path, content_type, body in received:
        assert path == "/v1/traces"
        assert content_type == "application/x-protobuf"
        exported.MergeFromString(body)
    names = sorted(
        span.name
        for resource in exported.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    )
    assert names.count("subgraph.fetch") == 2
    assert {"router.request", "graphql.parse", "graphql.validate", "router.plan"} <= set(names)


async def test_rate_limit_refusals_are_counted_by_code(make_router: RouterFactory) -> None:
    config = {
        "telemetry": {"metrics": {"enabled": True}},
        "rate_limit": {"enabled": True, "per_ip": {"capacity": 1, "refill_per_second": 0.001}},
    }
    router = await make_router(config)
    statuses = [(await router.post("{ __typename }")).status_code for _ in range(3)]
    assert statuses == [200, 429, 429]
    text = (await router.client.get("/metrics")).text
    assert metric(text, "router_refusals_total", code="RATE_LIMITED") == 2
    assert metric(text, "router_http_requests_total", client="", operation="", status="429") == 2
