"""JSON logs, one object per line, each carrying the current request id.

The request id lives in a context variable set by `RequestIdMiddleware` (shared.app) for the
duration of a request, so every log line written while serving it — by our code, SQLAlchemy or
uvicorn — carries it without threading it through calls.
"""

from __future__ import annotations

import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["JsonFormatter", "configure_logging", "request_id_var"]

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed via `extra=` and is logged too.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "color_message"}  # color_message: uvicorn's ANSI duplicate
)


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object: time, level, logger, message, request_id, extras."""

    def __init__(self, *, service: str = "") -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self._service:
            entry["service"] = self._service
        entry.update(
            (key, value)
            for key, value in vars(record).items()
            if key not in _STANDARD_ATTRS and not key.startswith("_") and value is not None
        )
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return orjson.dumps(entry, default=str).decode()


def _install_request_id_stamp() -> None:
    """Stamp `request_id` on every record when it is created, i.e. in the request's context
    (formatting may happen later or elsewhere, e.g. in pytest's caplog)."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "stamps_request_id", False):
        return

    def stamped(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.request_id = request_id_var.get()
        return record

    stamped.stamps_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(stamped)


def configure_logging(*, level: str, service: str) -> None:
    """Send every logger's records to stderr as JSON (idempotent; replaces root handlers)."""
    _install_request_id_stamp()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service=service))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing.formatter, JsonFormatter):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # shared.request_id writes the access line, with the request id; uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
