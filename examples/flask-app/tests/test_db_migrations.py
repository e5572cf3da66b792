"""Schema migrations against the real PostgreSQL server (tests/pg_server.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from flask_app.migrate import LOCK_KEY, MIGRATIONS_DIR, MigrationError, load, migrate

APP_DIR = Path(__file__).resolve().parent.parent
VERSIONS = [m.version for m in load()]


def conninfo(pg_db) -> str:
    return (
        f"host={pg_db.server.host} port={pg_db.server.port} dbname={pg_db.name} "
        f"user={pg_db.user} password={pg_db.password} sslmode=disable connect_timeout=5"
    )


def recorded(pg_db) -> list:
    return [r[0] for r in pg_db.execute("SELECT version FROM schema_migrations ORDER BY version")]


def test_the_package_ships_ordered_migrations():
    assert VERSIONS and VERSIONS == sorted(VERSIONS)
    assert VERSIONS[0] == "0001_create_items"
    assert all(p.suffix == ".sql" for p in MIGRATIONS_DIR.iterdir() if p.is_file())


def test_migration_from_empty_then_nothing_to_do(pg_db, make_db_app):
    assert pg_db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") == [(0,)]
    app = make_db_app()
    assert app.test_client().get("/readyz").status_code == 200
    assert recorded(pg_db) == VERSIONS
    constraints = {r[0] for r in pg_db.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'items'::regclass")}
    assert {"items_name_unique", "items_name_length", "items_quantity_non_negative"} <= constraints
    # The tables belong to the service's role (it ran the migration).
    assert pg_db.execute(
        "SELECT tableowner FROM pg_tables WHERE tablename = 'items' AND schemaname = current_schema()"
    ) == [(pg_db.user,)]

    # A second start (another worker, a new pod) finds nothing to apply.
    with psycopg.connect(conninfo(pg_db)) as conn:
        with conn.transaction():
            assert migrate(conn) == []
    assert recorded(pg_db) == VERSIONS


def test_two_processes_at_once_migrate_exactly_once(pg_db):
    """Both processes start while the test holds the advisory lock; once both
    wait on it, the lock is released: one applies everything, the other nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DB_")}
    env.update(pg_db.env, PYTHONPATH=str(APP_DIR))
    waiting_sql = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    with psycopg.connect(pg_db.superuser_conninfo()) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        procs = [
            subprocess.Popen([sys.executable, "-m", "flask_app.migrate"], cwd=APP_DIR, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        try:
            deadline = time.monotonic() + 20
            while pg_db.execute(waiting_sql) != [(2,)]:
                assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
                assert time.monotonic() < deadline, "the two processes never both waited on the lock"
                time.sleep(0.05)
        finally:
            holder.commit()  # releases the transaction-level lock
        outputs = [p.communicate(timeout=20) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    results = sorted((json.loads(out)["applied"] for out, _ in outputs), key=len)
    assert results == [[], VERSIONS]
    assert recorded(pg_db) == VERSIONS
    assert pg_db.execute(
        "SELECT count(*) FROM pg_tables WHERE tablename = 'items' AND schemaname = current_schema()") == [(1,)]


def _write(directory: Path, name: str, sql: str) -> None:
    (directory / name).write_text(sql)


def test_an_edited_migration_is_refused(pg_db, tmp_path):
    _write(tmp_path, "0001_t.sql", "CREATE TABLE t (id int);")
    with psycopg.connect(conninfo(pg_db)) as conn:
        with conn.transaction():
            assert migrate(conn, tmp_path) == ["0001_t"]
        _write(tmp_path, "0001_t.sql", "CREATE TABLE t (id bigint);")
        with pytest.raises(MigrationError, match="never edit an applied migration"):
            with conn.transaction():
                migrate(conn, tmp_path)


def test_a_failing_migration_leaves_nothing_behind(pg_db, tmp_path):
    _write(tmp_path, "0001_ok.sql", "CREATE TABLE ok (id int);")
    _write(tmp_path, "0002_bad.sql", "CREATE TABLE bad (id nosuchtype);")
    with psycopg.connect(conninfo(pg_db)) as conn:
        with pytest.raises(MigrationError, match="0002_bad failed"):
            with conn.transaction():
                migrate(conn, tmp_path)
    assert pg_db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") == [(0,)]


def test_versions_from_a_newer_release_are_tolerated(pg_db, tmp_path):
    _write(tmp_path, "0001_a.sql", "CREATE TABLE a (id int);")
    _write(tmp_path, "0002_b.sql", "CREATE TABLE b (id int);")
    with psycopg.connect(conninfo(pg_db)) as conn:
        with conn.transaction():
            migrate(conn, tmp_path)
        (tmp_path / "0002_b.sql").unlink()  # the previous release, during a rolling update
        with conn.transaction():
            assert migrate(conn, tmp_path) == []


@pytest.mark.parametrize(
    "files, message",
    [
        ({"1_a.sql": ""}, "named NNNN_lowercase_name.sql"),
        ({"0001_a.sql": "", "0001_b.sql": ""}, "have the same number"),
        ({}, "no migration files"),
    ],
)
def test_malformed_migration_sets(tmp_path, files, message):
    for name, text in files.items():
        _write(tmp_path, name, text)
    with pytest.raises(MigrationError, match=message):
        load(tmp_path)


def test_a_schema_that_cannot_be_migrated_is_not_ready_and_answers_503(pg_db, make_db_app):
    """A recorded migration whose file changed (someone edited it): the
    service stays alive but out of rotation, and says why."""
    with psycopg.connect(conninfo(pg_db)) as conn:
        with conn.transaction():
            migrate(conn)
    pg_db.execute("UPDATE schema_migrations SET checksum = 'edited'")
    client = make_db_app().test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "never edit an applied migration" in ready.get_json()["checks"]["database"]["reason"]
    response = client.get("/items")
    assert response.status_code == 503
    assert response.get_json()["message"] == "the database schema could not be migrated"
    assert client.get("/healthz").status_code == 200
