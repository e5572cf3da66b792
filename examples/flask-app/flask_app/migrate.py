"""Schema migrations: ordered SQL files, applied once, under an advisory lock.

Why at startup under a PostgreSQL advisory lock rather than a Kubernetes Job:
the lock makes concurrent starts safe by construction (every worker of
every pod may try; one applies, the others wait on the lock and then find
nothing to do), needs no extra object, no ordering between a Job and the
Deployment's rollout and no pruning of old Jobs, and it is provable here
with a real server (tests/test_db_migrations.py starts two processes at
once). The cost: a migration must stay compatible with the pods of the
previous version still running during a rolling update (expand, then
contract in a later release), and a long migration delays readiness.

* Files: ``flask_app/migrations/NNNN_name.sql``, applied in the order of
  their number; each file's SHA-256 is recorded, and a recorded migration
  whose file changed is an error (never edit an applied migration: add one).
* Table: ``schema_migrations(version, checksum, applied_at)``.
* Everything runs in the caller's transaction after
  ``pg_advisory_xact_lock``: the lock is released at commit, and a failing
  migration leaves nothing behind (PostgreSQL's DDL is transactional; a
  statement that cannot run in a transaction, such as
  ``CREATE INDEX CONCURRENTLY``, is not supported here).
* Versions recorded by a newer release and unknown to this one are
  tolerated (an older pod during a rolling update or a rollback).

Run by hand: ``python -m flask_app.migrate`` (configuration from the DB_*
environment variables, as the service).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The advisory lock's key: b"flaskapp" as a big-endian bigint. Any process
# migrating this schema takes the same key.
LOCK_KEY = 7380381037704081520
_FILE_RE = re.compile(r"^([0-9]{4})_[a-z0-9_]+\.sql$")

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text        PRIMARY KEY,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(RuntimeError):
    """A migration file is malformed, was changed after being applied, or failed."""


@dataclass(frozen=True)
class Migration:
    version: str  # the file name without .sql, e.g. "0001_create_items"
    sql: str
    checksum: str


def load(directory: Optional[Path] = None) -> list[Migration]:
    """The migrations in ``directory`` (default: the package's), in order."""
    directory = Path(directory or MIGRATIONS_DIR)
    migrations: list[Migration] = []
    numbers: dict[str, str] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_RE.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_lowercase_name.sql")
        if match.group(1) in numbers:
            raise MigrationError(f"{path.name} and {numbers[match.group(1)]} have the same number")
        numbers[match.group(1)] = path.name
        data = path.read_bytes()
        migrations.append(Migration(path.stem, data.decode("utf-8"), hashlib.sha256(data).hexdigest()))
    if not migrations:
        raise MigrationError(f"no migration files in {directory}")
    return migrations


def migrate(conn, directory: Optional[Path] = None) -> list[str]:
    """Apply the pending migrations on ``conn``, inside its open transaction.

    Returns the versions applied by this call (empty when another process
    had applied them). Raises :class:`MigrationError`; a lost connection
    propagates as psycopg's ``OperationalError``.
    """
    import psycopg

    migrations = load(directory)
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    conn.execute(CREATE_TABLE)
    recorded = dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())
    applied: list[str] = []
    for migration in migrations:
        checksum = recorded.get(migration.version)
        if checksum is not None:
            if checksum != migration.checksum:
                raise MigrationError(
                    f"migration {migration.version} was applied with checksum {checksum}, but its "
                    f"file now has {migration.checksum}: never edit an applied migration, add a new one"
                )
            continue
        try:
            conn.execute(migration.sql)
        except psycopg.OperationalError:
            raise
        except psycopg.Error as error:
            raise MigrationError(f"migration {migration.version} failed: {error}") from error
        conn.execute(
            "INSERT INTO schema_migrations (version, checksum) VALUES (%s, %s)",
            (migration.version, migration.checksum),
        )
        applied.append(migration.version)
    return applied


def main(argv: Optional[list[str]] = None) -> int:
    """``python -m flask_app.migrate [--directory DIR]``: migrate, print JSON, exit 0/1."""
    import argparse
    import json
    import os
    import time

    from .config import Config
    from .credentials import provider_from_config

    parser = argparse.ArgumentParser(prog="python -m flask_app.migrate", description=main.__doc__)
    parser.add_argument("--directory", type=Path, default=None, help="migrations directory (tests)")
    args = parser.parse_args(argv)
    cfg = Config.from_env()
    if not cfg.database_configured:
        print(json.dumps({"error": "no database configured: set DB_HOST"}))
        return 1
    import psycopg
    from psycopg.conninfo import make_conninfo

    credentials = provider_from_config(cfg).current()
    started = time.time()
    conninfo = make_conninfo(
        host=cfg.db_host, port=cfg.db_port, dbname=cfg.db_name, sslmode=cfg.db_sslmode,
        connect_timeout=cfg.db_connect_timeout_seconds, application_name=f"{cfg.app_name}-migrate",
        user=credentials.user, password=credentials.password,
    )
    with psycopg.connect(conninfo) as conn:
        with conn.transaction():
            applied = migrate(conn, args.directory)
    print(json.dumps({"pid": os.getpid(), "applied": applied, "started": started, "finished": time.time()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
