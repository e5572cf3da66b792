"""JSON structured logging to stdout: one JSON object per line, no files."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Any

# Attributes every LogRecord has; anything else on a record came from
# ``extra=`` and is copied into the JSON object.
_RESERVED = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime", "taskName"}

# Keys the formatter always writes; extra fields may not overwrite them.
_CORE_KEYS = ("timestamp", "level", "logger", "message")


def _iso_utc(created: float) -> str:
    moment = datetime.fromtimestamp(created, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON.

    Always present: ``timestamp`` (RFC 3339, UTC, milliseconds), ``level``,
    ``logger``, ``message``, ``pid``. Fields passed with ``extra={...}`` are
    added as top-level keys; an exception adds ``exception``.
    """

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "timestamp": _iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key in _RESERVED or key.startswith("_") or key in _CORE_KEYS:
                continue
            payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, default=str, separators=(",", ":"), ensure_ascii=False)


class StdoutHandler(logging.StreamHandler):
    """A StreamHandler that always writes to the *current* ``sys.stdout``.

    Resolving the stream at emit time keeps it correct when stdout is
    replaced (pytest capture, gunicorn's output redirection).
    """

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


_MARK = "_flask_app_json_handler"


def configure_logging(level: str = "INFO") -> logging.Handler:
    """Send every log record that reaches the root logger to stdout as JSON.

    Idempotent: calling it again replaces the handler it installed before
    and leaves other handlers (pytest's, for instance) alone.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
    handler = StdoutHandler()
    handler.setFormatter(JsonFormatter())
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
