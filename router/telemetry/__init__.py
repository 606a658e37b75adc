"""Observability: Prometheus metrics (`metrics`), OpenTelemetry spans (`tracing`) and JSON
access logs (`access_log`). The pipeline stage that feeds them is `router.pipeline.observe`."""
