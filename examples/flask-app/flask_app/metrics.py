"""Prometheus metrics: a request counter and a latency histogram.

Labels are ``method``, ``route`` and ``status``. ``route`` is the Flask URL
rule template (``/items/<int:item_id>``), never the raw path, so the number
of series stays bounded; requests that match no rule get ``route="unmatched"``
and unusual HTTP methods are folded into ``method="OTHER"``.

The ``/metrics`` endpoint itself is not counted.

Database calls (flask_app/db.py), named like the HTTP ones:

* ``db_operations_total{operation,outcome}`` and
  ``db_operation_duration_seconds{operation,outcome}``: one per pooled
  connection use. ``operation`` is a fixed name (``items_create``,
  ``items_list``, ``items_get``, ``ping``, ``migrate``); ``outcome`` is
  ``ok``, ``rejected`` (a constraint or value error: the
  request's fault), ``unavailable`` or ``error``.
* ``db_connection_attempts_total{outcome}``: new connections, ``ok``,
  ``auth_failed`` (the server rejected the credentials), ``error`` or
  ``credentials_error`` (the secret could not be read).
* ``db_secret_reads_total{outcome}``: reads of the credentials' secret
  (the first one, and one per re-read after an authentication failure).

Under gunicorn with several workers, prometheus_client's multiprocess mode
is used: ``PROMETHEUS_MULTIPROC_DIR`` must be set before prometheus_client
is imported (gunicorn.conf.py does that), every worker writes its samples
to files in that directory, and ``/metrics`` aggregates them.
"""

from __future__ import annotations

from typing import Optional

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess, values

UNMATCHED_ROUTE = "unmatched"
OTHER_METHOD = "OTHER"
KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)
LABELS = ("method", "route", "status")
DB_LABELS = ("operation", "outcome")


def normalise_method(method: str) -> str:
    method = (method or "").upper()
    return method if method in KNOWN_METHODS else OTHER_METHOD


class Metrics:
    """The service's metrics, registered in their own registry.

    A registry per app keeps apps built in tests independent. In
    multiprocess mode the values live in files regardless of registry, and
    ``render`` collects them from the directory instead.
    """

    def __init__(self, multiproc_dir: Optional[str] = None) -> None:
        self.multiprocess = multiprocess_mode()
        if self.multiprocess and not multiproc_dir:
            raise RuntimeError(
                "prometheus_client is in multiprocess mode but no "
                "PROMETHEUS_MULTIPROC_DIR directory was configured"
            )
        self.multiproc_dir = multiproc_dir if self.multiprocess else None
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests_total = Counter(
            "http_requests_total",
            "HTTP requests handled, by method, route template and status code.",
            LABELS,
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency in seconds, by method, route template and status code.",
            LABELS,
            registry=self.registry,
        )

        self.db_operations_total = Counter(
            "db_operations_total",
            "Database operations, by operation name and outcome.",
            DB_LABELS,
            registry=self.registry,
        )
        self.db_operation_duration = Histogram(
            "db_operation_duration_seconds",
            "Database operation latency in seconds (pool wait included), by operation name and outcome.",
            DB_LABELS,
            registry=self.registry,
        )
        self.db_connection_attempts_total = Counter(
            "db_connection_attempts_total",
            "New database connections attempted, by outcome.",
            ("outcome",),
            registry=self.registry,
        )
        self.db_secret_reads_total = Counter(
            "db_secret_reads_total",
            "Reads of the database credentials' secret, by outcome.",
            ("outcome",),
            registry=self.registry,
        )

    def db_operation(self, operation: str, outcome: str, seconds: float) -> None:
        self.db_operations_total.labels(operation, outcome).inc()
        self.db_operation_duration.labels(operation, outcome).observe(max(seconds, 0.0))

    def db_connection_attempt(self, outcome: str) -> None:
        self.db_connection_attempts_total.labels(outcome).inc()

    def db_secret_read(self, outcome: str) -> None:
        self.db_secret_reads_total.labels(outcome).inc()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (normalise_method(method), route, str(status))
        self.requests_total.labels(*labels).inc()
        self.request_duration.labels(*labels).observe(max(seconds, 0.0))

    def render(self) -> tuple[bytes, str]:
        """Return the exposition body and its content type."""
        if self.multiprocess:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=self.multiproc_dir)
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def multiprocess_mode() -> bool:
    """True when prometheus_client was imported in multiprocess mode.

    prometheus_client decides this once, at import, from the presence of
    ``PROMETHEUS_MULTIPROC_DIR`` in the environment.
    """
    return values.ValueClass is not values.MutexValue
