"""JSON access log: one line per request on the `router.access` logger."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["ACCESS_LOGGER", "access_logger", "write_access_log"]

ACCESS_LOGGER = "router.access"


def access_logger(*, stdout: bool) -> logging.Logger:
    """The access logger; with `stdout` it writes bare JSON lines to stdout (set up once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.setLevel(logging.INFO)
    if stdout and not any(getattr(h, "_router_access", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._router_access = True  # type: ignore[attr-defined]  # marks ours
        logger.addHandler(handler)
        logger.propagate = False
    return logger


def write_access_log(logger: logging.Logger, entry: dict[str, Any]) -> None:
    if logger.isEnabledFor(logging.INFO):
        line = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}
        logger.info(orjson.dumps(line).decode())
