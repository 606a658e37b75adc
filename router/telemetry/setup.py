"""The router's telemetry, built once from `telemetry` in router.yaml.

`Telemetry.instrument` puts the observing stage first and wraps the parse, validate and
plan stages in spans (tracing only); `Telemetry.wrap_fetcher` times every subgraph
fetch. When everything is off, `enabled` is false and nothing is added to the pipeline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from router.executor.errors import SubgraphFetcher, SubgraphFetchError
from router.pipeline.cache import LruCache
from router.pipeline.chain import Stage
from router.pipeline.observe import Observe
from router.telemetry.access_log import access_logger
from router.telemetry.config import TelemetryConfig
from router.telemetry.metrics import RouterMetrics
from router.telemetry.tracing import TracedStage, Tracing

__all__ = ["Telemetry"]

# Stages whose own work gets a span, by class name (the stages stay unaware of tracing).
SPANNED_STAGES = {"Parse": "graphql.parse", "Validate": "graphql.validate", "Plan": "router.plan"}


class Telemetry:
    def __init__(
        self,
        *,
        metrics: RouterMetrics | None = None,
        tracing: Tracing | None = None,
        access_log: logging.Logger | None = None,
        metrics_path: str = "/metrics",
    ) -> None:
        self.metrics = metrics
        self.tracing = tracing
        self.access_log = access_log
        self.metrics_path = metrics_path

    @classmethod
    def from_config(
        cls, config: TelemetryConfig, *, plans: Callable[[], LruCache[Any, Any]] | None = None
    ) -> Telemetry:
        return cls(
            metrics=(
                RouterMetrics(plans=plans, label_limit=config.metrics.max_label_values)
                if config.metrics.enabled
                else None
            ),
            tracing=Tracing(config.tracing) if config.tracing.enabled else None,
            access_log=(
                access_logger(stdout=config.access_log.stdout)
                if config.access_log.enabled
                else None
            ),
            metrics_path=config.metrics.path,
        )

    @property
    def enabled(self) -> bool:
        return self.metrics is not None or self.tracing is not None or self.access_log is not None

    def instrument(self, stages: Sequence[Stage]) -> list[Stage]:
        """`stages` with the observing stage first and, when tracing, spans around some."""
        if not self.enabled:
            return list(stages)
        instrumented: list[Stage] = [Observe(self)]
        for stage in stages:
            name = SPANNED_STAGES.get(type(stage).__name__)
            if self.tracing is not None and name is not None:
                instrumented.append(TracedStage(stage, name, self.tracing.tracer))
            else:
                instrumented.append(stage)
        return instrumented

    def wrap_fetcher(self, fetcher: SubgraphFetcher) -> SubgraphFetcher:
        if self.tracing is not None:
            fetcher = self.tracing.traced_fetcher(fetcher)
        metrics = self.metrics
        if metrics is None:
            return fetcher
        inner = fetcher

        async def timed(subgraph: str, request: dict[str, Any]) -> dict[str, Any]:
            started = time.perf_counter()
            try:
                return await inner(subgraph, request)
            except SubgraphFetchError:
                metrics.fetch_errors.labels(subgraph).inc()
                raise
            finally:
                metrics.fetch_duration.labels(subgraph).observe(time.perf_counter() - started)

        return timed

    @property
    def wraps_fetches(self) -> bool:
        return self.metrics is not None or self.tracing is not None

    def shutdown(self) -> None:
        if self.tracing is not None:
            self.tracing.shutdown()
