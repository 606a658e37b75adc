"""`telemetry` in router.yaml: Prometheus metrics, OpenTelemetry tracing, JSON access logs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AccessLogConfig", "MetricsConfig", "TelemetryConfig", "TracingConfig"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricsConfig(_Section):
    enabled: bool = False
    path: str = Field(default="/metrics", pattern=r"^/")
    max_label_values: int = Field(
        default=500,
        ge=1,
        description="distinct operation (and client) names kept as labels; later ones "
        "count as __other__",
    )


class TracingConfig(_Section):
    """Spans for the request, parse, validate, plan and every subgraph fetch."""

    enabled: bool = False
    service_name: str = "go2asia-router"
    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces",
    )
    sample_ratio: float = Field(default=1.0, ge=0, le=1)


class AccessLogConfig(_Section):
    """One JSON line per request on the `router.access` logger (stdout when `stdout`)."""

    enabled: bool = False
    stdout: bool = True


class TelemetryConfig(_Section):
    metrics: MetricsConfig = MetricsConfig()
    tracing: TracingConfig = TracingConfig()
    access_log: AccessLogConfig = AccessLogConfig()
