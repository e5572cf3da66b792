"""The database going away and coming back, and a password rotated under the service."""

from __future__ import annotations

import json
import time

import pytest
from psycopg import sql

from flask_app.credentials import SecretCredentials, StaticCredentials

from .helpers import sample_value

# A syntactically valid ARN: the configuration names a Secrets Manager secret,
# and the test replaces the reader with one reading a file it rewrites.
FAKE_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-test-AbCdEf"


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(interval)


def test_database_outage_fails_readiness_then_recovers(postgres, make_db_app):
    client = make_db_app({"DB_POOL_TIMEOUT_SECONDS": "0.5"}).test_client()
    item = client.post("/items", json={"name": "kept"}).get_json()
    assert client.get("/readyz").status_code == 200

    postgres.stop()
    try:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        check = ready.get_json()["checks"]["database"]
        assert check["ok"] is False and "unavailable" in check["reason"]
        down = client.get("/items")
        assert down.status_code == 503
        assert down.get_json()["message"].startswith("database unavailable")
        assert down.headers["Retry-After"] == "1"
        assert client.get("/healthz").status_code == 200  # liveness never depends on it
    finally:
        postgres.start()

    wait_for(lambda: client.get("/readyz").status_code == 200)
    assert client.get(f"/items/{item['id']}").get_json() == item
    assert client.post("/items", json={"name": "after"}).status_code == 201
    exposition = client.get("/metrics").get_data(as_text=True)
    assert sample_value(exposition, "db_operations_total", operation="ping", outcome="unavailable") >= 1


def test_started_before_the_database_migrates_when_it_comes(postgres, make_db_app, pg_db):
    """Pods may start before their database: they serve /healthz, are not
    ready, and migrate and become ready once it answers."""
    postgres.stop()
    try:
        client = make_db_app({"DB_POOL_TIMEOUT_SECONDS": "0.5"}).test_client()
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        reason = ready.get_json()["checks"]["database"]["reason"]
        assert "last connection error: connection failed" in reason
    finally:
        postgres.start()
    wait_for(lambda: client.get("/readyz").status_code == 200)
    assert pg_db.execute("SELECT count(*) FROM schema_migrations") == [(1,)]
    assert client.post("/items", json={"name": "late"}).status_code == 201


def _terminate_sessions(pg_db) -> None:
    """Drop the service's connections, as a restart or failover would: the
    pool must open new ones, which authenticate again."""
    pg_db.server.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (pg_db.user,)
    )


def test_password_rotation_is_survived_by_re_reading_the_secret(pg_db, make_db_app, tmp_path):
    secret_file = tmp_path / "secret.json"

    def write_secret(password: str) -> None:
        secret_file.write_text(json.dumps(
            {"username": pg_db.user, "password": password, "engine": "postgres"}))

    write_secret(pg_db.password)
    credentials = SecretCredentials(secret_file.read_text, "test secret file")
    env = {"DB_USER": "", "DB_PASSWORD": "", "DB_SECRET_ARN": FAKE_ARN}
    client = make_db_app(env, db_credentials=credentials).test_client()
    assert client.post("/items", json={"name": "before"}).status_code == 201
    assert credentials.reads == 1

    # RDS rotates: the password changes and the secret holds the new one.
    write_secret("rotated-1")
    pg_db.server.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        sql.Identifier(pg_db.user), sql.Literal("rotated-1")))
    _terminate_sessions(pg_db)

    # The next request gets a new connection: rejected with the cached
    # password, the secret is re-read once, and the request succeeds.
    # (psycopg_pool waits ~1 s after a second broken connection in a row:
    # the pool timeout of the tests, 3 s, covers it.)
    response = client.post("/items", json={"name": "after"})
    assert response.status_code == 201, response.get_json()
    assert credentials.reads == 2
    exposition = client.get("/metrics").get_data(as_text=True)
    assert sample_value(exposition, "db_connection_attempts_total", outcome="auth_failed") >= 1
    assert sample_value(exposition, "db_secret_reads_total", outcome="ok") == 2

    # The password changes before the secret does: not ready, 503, until the
    # secret catches up; then the pool's next attempt re-reads it and recovers.
    pg_db.server.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        sql.Identifier(pg_db.user), sql.Literal("rotated-2")))
    _terminate_sessions(pg_db)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "password authentication failed" in ready.get_json()["checks"]["database"]["reason"]
    write_secret("rotated-2")
    wait_for(lambda: client.get("/readyz").status_code == 200)
    assert [i["name"] for i in client.get("/items").get_json()["items"]] == ["before", "after"]


def test_static_credentials_have_nothing_to_re_read(pg_db, make_db_app):
    """DB_USER/DB_PASSWORD: a rejected password stays rejected (no loop), 503."""
    client = make_db_app({"DB_POOL_TIMEOUT_SECONDS": "0.5"}).test_client()
    assert client.get("/readyz").status_code == 200
    pg_db.server.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        sql.Identifier(pg_db.user), sql.Literal("changed")))
    _terminate_sessions(pg_db)
    assert client.get("/items").status_code == 503
    static = StaticCredentials("u", "p")
    assert static.refresh(static.current()) is False
