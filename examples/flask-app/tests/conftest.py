import secrets
import uuid
from dataclasses import dataclass, field

import pytest

from flask_app import create_app

from .pg_server import PostgresServer


@pytest.fixture
def app():
    # A mapping replaces the process environment: hermetic configuration.
    return create_app({"APP_NAME": "test-svc", "APP_VERSION": "1.2.3"})


@pytest.fixture
def client(app):
    return app.test_client()


# ---- a real PostgreSQL server (tests/pg_server.py) ----------------------------
@pytest.fixture(scope="session")
def postgres():
    """One temporary cluster for the session, started on first use and removed
    at the end. Fails (never skips) when PostgreSQL cannot start."""
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@dataclass
class PgDatabase:
    """An empty database owned by its own login role, on the session's server."""

    server: PostgresServer
    name: str
    user: str
    password: str = field(repr=False)

    @property
    def env(self) -> dict:
        """The service's DB_* variables for this database (user and password
        from the environment; sslmode disable: the test server has no TLS)."""
        return {
            "APP_NAME": "test-svc",
            "DB_HOST": self.server.host,
            "DB_PORT": str(self.server.port),
            "DB_NAME": self.name,
            "DB_USER": self.user,
            "DB_PASSWORD": self.password,
            "DB_SSLMODE": "disable",
            "DB_POOL_TIMEOUT_SECONDS": "3",
            "DB_CONNECT_TIMEOUT_SECONDS": "2",
        }

    def execute(self, sql, params=None) -> list:
        """Run SQL in this database as the superuser."""
        return self.server.execute(sql, params, dbname=self.name)


def new_pg_db(postgres: PostgresServer) -> PgDatabase:
    """A new empty database and its owner role (CREATE DATABASE takes 0.1-0.4 s:
    share one where the tests allow it)."""
    from psycopg import sql

    postgres.start()  # a test that stopped the server and failed must not break the next one
    suffix = uuid.uuid4().hex[:10]
    db = PgDatabase(postgres, f"db_{suffix}", f"app_{suffix}", secrets.token_urlsafe(12))
    postgres.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
        sql.Identifier(db.user), sql.Literal(db.password)))
    postgres.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
        sql.Identifier(db.name), sql.Identifier(db.user)))
    return db


@pytest.fixture
def pg_db(postgres) -> PgDatabase:
    return new_pg_db(postgres)


def close_db_app(app) -> None:
    database = app.extensions.get("flask_app.database")
    if database is not None:
        database.close()


@pytest.fixture
def make_db_app(pg_db):
    """Build apps on ``pg_db``; their pools are closed after the test."""
    apps = []

    def make(extra=None, **kwargs):
        app = create_app({**pg_db.env, **(extra or {})}, **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_db_app(app)
