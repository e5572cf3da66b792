"""A gunicorn logger class that writes JSON lines to stdout.

Used as ``logger_class`` in gunicorn.conf.py. Both gunicorn's error log
(startup, worker lifecycle) and its access log become one JSON object per
line on stdout, in the same shape as the application's own logs.
"""

from __future__ import annotations

import logging

from gunicorn import glogging

from .logging_setup import JsonFormatter, StdoutHandler

# Set by the Flask app in the WSGI environ (see flask_app.app).
ENV_ROUTE = "flask_app.route"
ENV_REQUEST_ID = "flask_app.request_id"


def _status_code(resp) -> int | None:
    status = getattr(resp, "status_code", None) or getattr(resp, "status", None)
    if isinstance(status, str):
        status = status.split(None, 1)[0]
    try:
        return int(status)
    except (TypeError, ValueError):
        return None


class JsonGunicornLogger(glogging.Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        formatter = JsonFormatter()
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                if not getattr(handler, "_gunicorn", False):
                    continue
                if type(handler) is logging.StreamHandler:
                    # "-" means stderr for gunicorn's error log; send it to
                    # stdout like everything else.
                    log.removeHandler(handler)
                    handler = StdoutHandler()
                    handler._gunicorn = True  # type: ignore[attr-defined]
                    log.addHandler(handler)
                handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        try:
            method = environ.get("REQUEST_METHOD", "-")
            path = environ.get("PATH_INFO", "-")
            status = _status_code(resp)
            fields = {
                "type": "access",
                "method": method,
                "path": path,
                "route": environ.get(ENV_ROUTE),
                "status": status,
                "duration_ms": round(request_time.total_seconds() * 1000.0, 3),
                "bytes": getattr(resp, "sent", None),
                "remote_addr": environ.get("REMOTE_ADDR"),
                "user_agent": environ.get("HTTP_USER_AGENT"),
                "protocol": environ.get("SERVER_PROTOCOL"),
                "request_id": environ.get(ENV_REQUEST_ID),
            }
            query = environ.get("QUERY_STRING")
            if query:
                fields["query"] = query
            self.access_log.info("%s %s %s", method, path, status, extra=fields)
        except Exception:
            self.exception("failed to write access log")
