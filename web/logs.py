"""Logging for `peoplegraph serve`: readable text by default, one JSON object per line with
PEOPLEGRAPH_LOG_FORMAT=json (for log shippers), access log included."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            entry.update(client=client, method=method, path=path, http=version, status=status)
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _AccessLogger(logging.Logger):
    """uvicorn's access logger, without the stack walk `Logger.findCaller` does for every record
    (about a fifth of a cached read's logging calls): no formatter here prints where a record
    was logged (`pathname`, `lineno`, `funcName`; JsonFormatter leaves them out), and an access
    line is always logged at the same place in uvicorn's protocol."""

    def findCaller(self, stack_info: bool = False, stacklevel: int = 1) -> tuple[str, int, str, str | None]:  # noqa: N802
        return "(unknown file)", 0, "(unknown function)", None


def lean_access_log() -> None:
    """Make `uvicorn.access` an `_AccessLogger` (the app factory calls this; idempotent)."""
    logger = logging.getLogger("uvicorn.access")
    if type(logger) is logging.Logger:
        logger.__class__ = _AccessLogger


def log_config(fmt: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn and the app."""
    formatter = (
        {"()": JsonFormatter} if fmt == "json" else {"format": "%(levelname)s:     %(name)s %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"level": "INFO"},
            "uvicorn.access": {"level": "INFO"},
            "tortoise": {"level": "WARNING"},
        },
    }
