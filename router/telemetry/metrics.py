"""Prometheus metrics of one router (its own registry, served at `telemetry.metrics.path`).

```
router_http_requests_total{operation, client, status}      counter
router_http_request_duration_seconds{operation, client}    histogram
router_subgraph_fetch_duration_seconds{subgraph}           histogram
router_subgraph_fetch_errors_total{subgraph}               counter
router_operation_cost{kind=estimated|actual}               histogram
router_refusals_total{code}                                counter (rate limits, limits, cost, ...)
router_persisted_unknown_documents_total{client}           counter
router_query_plan_cache_{hits,misses}_total                counter (of the current supergraph)
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from router.pipeline.cache import LruCache

__all__ = ["CONTENT_TYPE", "OTHER", "BoundedLabel", "RouterMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_COST_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 100000)


OTHER = "__other__"


class BoundedLabel:
    """Label values chosen by clients (operation and client names), capped in number.

    The first `limit` distinct values are kept; later ones are reported as `__other__`,
    so a client inventing names cannot grow the registry without bound.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self._seen:
            return value
        if len(self._seen) < self._limit:
            self._seen.add(value)
            return value
        return OTHER


class _PlanCacheCollector(Collector):
    """Hits and misses of the live plan cache (they restart with each supergraph reload)."""

    def __init__(self, plans: Callable[[], LruCache[object, object]]) -> None:
        self._plans = plans

    def collect(self) -> Iterator[Metric]:
        plans = self._plans()
        hits = CounterMetricFamily(
            "router_query_plan_cache_hits", "Query plans served from the cache"
        )
        hits.add_metric([], plans.hits)
        misses = CounterMetricFamily(
            "router_query_plan_cache_misses", "Operations that had to be planned"
        )
        misses.add_metric([], plans.misses)
        yield hits
        yield misses


class RouterMetrics:
    def __init__(
        self,
        *,
        plans: Callable[[], LruCache[object, object]] | None = None,
        label_limit: int = 500,
    ) -> None:
        self.operation_label = BoundedLabel(label_limit)
        self.client_label = BoundedLabel(label_limit)
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.requests = Counter(
            "router_http_requests",
            "GraphQL requests by operation, client and HTTP status",
            ["operation", "client", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "router_http_request_duration_seconds",
            "Time from request to response",
            ["operation", "client"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.fetch_duration = Histogram(
            "router_subgraph_fetch_duration_seconds",
            "Time of each subgraph request",
            ["subgraph"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.fetch_errors = Counter(
            "router_subgraph_fetch_errors",
            "Subgraph requests that failed below GraphQL",
            ["subgraph"],
            registry=registry,
        )
        self.cost = Histogram(
            "router_operation_cost",
            "Estimated and actual cost of operations (demand control)",
            ["kind"],
            buckets=_COST_BUCKETS,
            registry=registry,
        )
        self.refusals = Counter(
            "router_refusals",
            "Requests refused before execution, by error code",
            ["code"],
            registry=registry,
        )
        self.unknown_documents = Counter(
            "router_persisted_unknown_documents",
            "Documents outside the manifests of a log_unknown client",
            ["client"],
            registry=registry,
        )
        if plans is not None:
            registry.register(_PlanCacheCollector(plans))

    def render(self) -> bytes:
        return generate_latest(self.registry)
