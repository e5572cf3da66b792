"""The PostgreSQL connection pool, its credentials, readiness and metrics.

* One psycopg_pool ``ConnectionPool`` per worker process (gunicorn forks the
  workers, and the app, hence the pool, is created in each worker:
  ``preload_app = False``). It is opened without waiting: the service starts
  and answers ``/healthz`` while the database is unreachable, ``/readyz``
  says 503 and the data endpoints 503 until the pool connects.
* Every new connection asks the credential provider for the current user
  and password. When the server rejects them (RDS rotated the managed
  password), the provider re-reads its source once and, if the credentials
  changed, the connection is retried with the new ones at once.
* A connection taken from the pool is checked first (an empty query), so
  one broken by a database restart is replaced instead of failing a request.
* Schema migrations (flask_app/migrate.py) run at startup, and until they
  succeed, before the readiness check and before each data request.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from .config import Config
from .credentials import CredentialProvider, CredentialsError
from .metrics import Metrics
from .migrate import MigrationError, migrate

log = logging.getLogger("flask_app.db")

# How long the readiness check waits for a pooled connection: well inside
# the probe's 2-second timeout (the FlaskApp construct's readiness probe).
READINESS_TIMEOUT_SECONDS = 1.0
# How long a starting worker waits for the database to run the migrations
# before it starts serving anyway (not ready until they have run).
STARTUP_TIMEOUT_SECONDS = 2.0

# SQLSTATE invalid_password / invalid_authorization_specification. libpq
# reports a failed login with no SQLSTATE on the client side, so the server's
# message is matched too.
_AUTH_SQLSTATES = frozenset({"28P01", "28000"})
_AUTH_MESSAGES = ("password authentication failed", "PAM authentication failed")


class DatabaseUnavailable(RuntimeError):
    """No connection to the database right now (down, unreachable, no credentials)."""


def is_auth_failure(error: BaseException) -> bool:
    if getattr(error, "sqlstate", None) in _AUTH_SQLSTATES:
        return True
    message = str(error)
    return any(text in message for text in _AUTH_MESSAGES)


class Database:
    """The pool and everything around it; see the module docstring."""

    def __init__(
        self,
        cfg: Config,
        credentials: CredentialProvider,
        metrics: Metrics,
    ) -> None:
        self.credentials = credentials
        self.metrics = metrics
        if getattr(credentials, "on_read", False) is None:
            credentials.on_read = metrics.db_secret_read  # type: ignore[attr-defined]
        self.description = f"{cfg.db_host}:{cfg.db_port}/{cfg.db_name}"
        self.pool_timeout = cfg.db_pool_timeout_seconds
        self._migrated = False
        # The last new connection's failure (None once one succeeds), for /readyz.
        self.last_connect_error: Optional[str] = None
        self._migrate_lock = threading.Lock()
        conninfo = make_conninfo(
            host=cfg.db_host,
            port=cfg.db_port,
            dbname=cfg.db_name,
            sslmode=cfg.db_sslmode,
            connect_timeout=cfg.db_connect_timeout_seconds,
            application_name=cfg.app_name,
        )
        self.pool = ConnectionPool(
            conninfo,
            connection_class=self._connection_class(),
            min_size=cfg.db_pool_min_size,
            max_size=cfg.db_pool_max_size,
            open=False,
            check=ConnectionPool.check_connection,
            timeout=cfg.db_pool_timeout_seconds,
            name=cfg.app_name,
        )

    # -- connecting ----------------------------------------------------------
    def _connection_class(self) -> type:
        database = self

        class _Connection(psycopg.Connection):
            @classmethod
            def connect(cls, conninfo: str = "", **kwargs):  # type: ignore[override]
                base = super().connect
                return database._connect(lambda creds: base(
                    conninfo, user=creds.user, password=creds.password, **kwargs))

        return _Connection

    def _connect(self, connect: Callable) -> psycopg.Connection:
        """A new connection; its failure is kept for the readiness reason."""
        try:
            conn = self._connect_refreshing(connect)
        except psycopg.OperationalError as error:
            self.last_connect_error = " ".join(str(error).split())
            raise
        self.last_connect_error = None
        self.metrics.db_connection_attempt("ok")
        return conn

    def _connect_refreshing(self, connect: Callable) -> psycopg.Connection:
        """Connect with the current credentials; after an authentication
        failure, re-read them once and retry at once if they changed."""
        credentials = self._read_credentials(self.credentials.current)
        try:
            return connect(credentials)
        except psycopg.OperationalError as error:
            if not is_auth_failure(error):
                self.metrics.db_connection_attempt("error")
                raise
            self.metrics.db_connection_attempt("auth_failed")
            log.warning(
                "database rejected the credentials; re-reading them",
                extra={"database": self.description, "source": self.credentials.description},
            )
            if not self._read_credentials(lambda: self.credentials.refresh(credentials)):
                raise  # nothing newer: the pool retries later, with backoff
        try:
            return connect(self.credentials.current())
        except psycopg.OperationalError as error:
            self.metrics.db_connection_attempt("auth_failed" if is_auth_failure(error) else "error")
            raise

    def _read_credentials(self, read: Callable):
        """``read()`` (a provider method); a CredentialsError becomes the
        OperationalError the pool understands as a failed connection."""
        try:
            return read()
        except CredentialsError as error:
            self.metrics.db_connection_attempt("credentials_error")
            raise psycopg.OperationalError(str(error)) from error

    def open(self) -> None:
        """Start connecting in the background and try the migrations once."""
        self.pool.open(wait=False)
        try:
            # Briefly: a worker waiting here answers no probe yet.
            self.ensure_migrated(timeout=min(self.pool_timeout, STARTUP_TIMEOUT_SECONDS))
        except DatabaseUnavailable as error:
            log.warning(
                "database not reachable at startup; migrations will run when it is",
                extra={"database": self.description, "error": str(error)},
            )
        except MigrationError as error:
            # Not fatal to the process: readiness reports it, and /healthz
            # keeps answering so that the logs can be read.
            log.error("schema migration failed", extra={"database": self.description, "error": str(error)})

    def close(self) -> None:
        self.pool.close(timeout=2)

    # -- using it ------------------------------------------------------------
    @contextmanager
    def connection(self, operation: str, timeout: Optional[float] = None) -> Iterator[psycopg.Connection]:
        """A pooled connection in a transaction, for ``operation`` (a metric label).

        Database errors other than a lost connection propagate (the caller
        maps constraint violations to 4xx); a pool timeout or a lost
        connection becomes :class:`DatabaseUnavailable`.
        """
        started = time.perf_counter()
        outcome = "error"
        try:
            with self.pool.connection(timeout=timeout) as conn:
                with conn.transaction():
                    yield conn
            outcome = "ok"
        except PoolTimeout as error:
            outcome = "unavailable"
            raise DatabaseUnavailable(f"no pooled connection: {error}") from error
        except psycopg.OperationalError as error:
            outcome = "unavailable"
            raise DatabaseUnavailable(f"database connection failed: {error}") from error
        except (psycopg.IntegrityError, psycopg.DataError):
            outcome = "rejected"
            raise
        finally:
            self.metrics.db_operation(operation, outcome, time.perf_counter() - started)

    def ensure_migrated(self, timeout: Optional[float] = None) -> None:
        """Run the migrations unless this process already did (cheap after the first time)."""
        if self._migrated:
            return
        with self._migrate_lock:
            if self._migrated:
                return
            with self.connection("migrate", timeout=timeout) as conn:
                applied = migrate(conn)
            self._migrated = True
            log.info("schema migrated", extra={"database": self.description, "applied": applied})

    def readiness_check(self) -> Optional[str]:
        """None if the database answers (and is migrated), else the reason."""
        try:
            self.ensure_migrated(timeout=READINESS_TIMEOUT_SECONDS)
            with self.connection("ping", timeout=READINESS_TIMEOUT_SECONDS) as conn:
                conn.execute("SELECT 1")
        except DatabaseUnavailable as error:
            reason = f"database {self.description} unavailable: {error}"
            last = self.last_connect_error
            return f"{reason} (last connection error: {last})" if last else reason
        except MigrationError as error:
            return f"schema migration failed: {error}"
        return None
