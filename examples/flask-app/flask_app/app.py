"""The Flask application factory."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Mapping, Optional, Union

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from . import items
from .config import Config
from .credentials import CredentialProvider, provider_from_config
from .db import Database
from .logging_setup import configure_logging
from .metrics import UNMATCHED_ROUTE, Metrics
from .readiness import Readiness

log = logging.getLogger("flask_app")

# Paths whose requests are not counted in the HTTP metrics.
METRICS_PATH = "/metrics"
EXCLUDED_ROUTES = frozenset({METRICS_PATH})

# WSGI environ keys shared with the gunicorn access logger.
ENV_START = "flask_app.start"
ENV_ROUTE = "flask_app.route"
ENV_REQUEST_ID = "flask_app.request_id"

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class _StartTime:
    """WSGI middleware recording when a request entered the application."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ[ENV_START] = time.perf_counter()
        return self.wsgi_app(environ, start_response)


def _resolve_config(config: Union[Config, Mapping[str, str], None]) -> Config:
    if config is None:
        return Config.from_env()
    if isinstance(config, Config):
        return config
    return Config.from_env(config)


def create_app(
    config: Union[Config, Mapping[str, str], None] = None,
    *,
    db_credentials: Optional[CredentialProvider] = None,
) -> Flask:
    """Build the application.

    ``config`` is a :class:`Config`, a mapping of environment-style
    variables (``{"APP_NAME": "demo"}``; it replaces the process environment,
    so it is hermetic), or ``None`` to read ``os.environ``. Invalid values
    raise :class:`flask_app.config.ConfigError`.

    With ``DB_HOST`` set, the app opens a connection pool (without waiting
    for the database), runs the schema migrations and adds the ``database``
    readiness check and the /items API; ``db_credentials`` replaces the
    provider the configuration names (tests pass one reading a file).
    """
    cfg = _resolve_config(config)
    configure_logging(cfg.log_level)

    app = Flask("flask_app")
    app.config["SERVICE"] = cfg
    app.json.sort_keys = False

    readiness = Readiness(cfg.readiness_delay_seconds, cfg.readiness_drain_file)
    metrics = Metrics(cfg.prometheus_multiproc_dir)
    app.extensions["flask_app.readiness"] = readiness
    app.extensions["flask_app.metrics"] = metrics
    database: Optional[Database] = None
    if cfg.database_configured:
        credentials = db_credentials or provider_from_config(cfg)
        database = Database(cfg, credentials, metrics)
        database.open()
        readiness.add_check("database", database.readiness_check)
    app.extensions["flask_app.database"] = database
    items.register(app, database)
    app.wsgi_app = _StartTime(app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request
    def _request_id() -> None:
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = supplied if _REQUEST_ID_RE.match(supplied) else uuid.uuid4().hex
        request.environ[ENV_REQUEST_ID] = g.request_id

    @app.after_request
    def _observe(response: Response) -> Response:
        rule = request.url_rule
        route = rule.rule if rule is not None else UNMATCHED_ROUTE
        request.environ[ENV_ROUTE] = route
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        if route not in EXCLUDED_ROUTES:
            started = request.environ.get(ENV_START)
            elapsed = time.perf_counter() - started if started is not None else 0.0
            metrics.observe(request.method, route, response.status_code, elapsed)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        response = jsonify(error=error.name, status=error.code, message=error.description)
        response.status_code = error.code or 500
        if error.code == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def _unhandled(error: Exception):
        log.exception(
            "unhandled exception",
            extra={"method": request.method, "path": request.path,
                   "request_id": g.get("request_id")},
        )
        response = jsonify(error="Internal Server Error", status=500)
        response.status_code = 500
        return response

    @app.get("/")
    def index():
        return jsonify(service=cfg.app_name, version=cfg.app_version, message="hello")

    @app.get("/hello/<name>")
    def hello(name: str):
        return jsonify(service=cfg.app_name, message=f"hello, {name[:64]}")

    @app.get("/healthz")
    def healthz():
        # Liveness: answering at all means the worker is up.
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        ready, checks = readiness.check()
        body = {"status": "ready" if ready else "not ready", "checks": checks}
        return jsonify(body), (200 if ready else 503)

    @app.get(METRICS_PATH)
    def metrics_endpoint():
        body, content_type = metrics.render()
        return Response(body, status=200, headers={"Content-Type": content_type})

    log.info(
        "application created",
        extra={
            "service": cfg.app_name,
            "version": cfg.app_version,
            "readiness_delay_seconds": cfg.readiness_delay_seconds,
            "readiness_drain_file": cfg.readiness_drain_file,
            "metrics_multiprocess": metrics.multiprocess,
            "database": database.description if database else None,
        },
    )
    return app
