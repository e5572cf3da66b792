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


# The throw-away cluster's own database: creating another one would cost 0.5-1 s more.
SHARED_DATABASE = "postgres"


@dataclass
class PgDatabase:
    """What the service sees as an empty database: its own login role, whose
    ``search_path`` is its own empty schema, in a database the tests share
    (CREATE DATABASE takes 0.4-1 s; a role and a schema take milliseconds).
    The service's SQL names no schema, so it behaves as in its own database."""

    server: PostgresServer
    name: str
    user: str
    password: str = field(repr=False)
    schema: str = ""

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

    def superuser_conninfo(self) -> str:
        """The superuser in this database, with the role's schema first in its search_path."""
        from psycopg.conninfo import make_conninfo

        return make_conninfo(self.server.superuser_conninfo(self.name),
                             options=f"-c search_path={self.schema}")

    def execute(self, sql, params=None) -> list:
        """Run SQL as the superuser, unqualified names resolving in the role's schema."""
        import psycopg

        with psycopg.connect(self.superuser_conninfo(), autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []


def new_pg_db(postgres: PostgresServer) -> PgDatabase:
    """A new login role with an empty schema of its own (see PgDatabase)."""
    from psycopg import sql

    postgres.start()  # a test that stopped the server and failed must not break the next one
    suffix = uuid.uuid4().hex[:10]
    db = PgDatabase(postgres, SHARED_DATABASE, f"app_{suffix}", secrets.token_urlsafe(12),
                    schema=f"app_{suffix}")
    postgres.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
        sql.Identifier(db.user), sql.Literal(db.password)))
    postgres.execute(sql.SQL("ALTER ROLE {} SET search_path = {}").format(
        sql.Identifier(db.user), sql.Identifier(db.schema)))
    postgres.execute(sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(
        sql.Identifier(db.schema), sql.Identifier(db.user)), dbname=SHARED_DATABASE)
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
