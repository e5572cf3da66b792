"""The real gunicorn server (2 workers) on the real PostgreSQL server.

Both workers build the app, hence migrate, at the same moment: the
advisory lock lets one apply the migrations and the other find them done.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from .helpers import sample_value
from .test_gunicorn_server import _OPENER, REQUEST_TIMEOUT, WORKERS, get, read_json_lines, server  # noqa: F401


@pytest.fixture
def server_env_extra(pg_db) -> dict:
    env = dict(pg_db.env)
    env["APP_NAME"] = "gunicorn-test"
    return env


def post_json(port: int, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    try:
        with _OPENER.open(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_workers_migrate_once_and_serve_items(server, pg_db):
    port = server["port"]
    assert pg_db.execute("SELECT count(*) FROM schema_migrations") == [(1,)]
    migrated = [line for line in read_json_lines(server["stdout"]) if line["message"] == "schema migrated"]
    assert len(migrated) == WORKERS
    assert sorted(len(line["applied"]) for line in migrated) == [0, 1]

    assert get(port, "/readyz")[0] == 200
    status, item = post_json(port, "/items", {"name": "served", "quantity": 2})
    assert status == 201
    assert post_json(port, "/items", {"name": "served"})[0] == 409
    for _ in range(4):  # whichever worker answers
        status, body, _ = get(port, f"/items/{item['id']}")
        assert status == 200 and json.loads(body) == item

    text = get(port, "/metrics")[1]
    # Summed over both workers by the multiprocess collector.
    assert sample_value(text, "db_operations_total", operation="migrate", outcome="ok") == WORKERS
    assert sample_value(text, "db_operations_total", operation="items_get", outcome="ok") == 4
    assert sample_value(text, "db_operations_total", operation="items_create", outcome="rejected") == 1

    # The database adds no file: nothing in the working directory or HOME,
    # nothing on stderr (the read-only root filesystem stays valid).
    assert list(server["cwd"].iterdir()) == []
    assert list(server["home"].iterdir()) == []
    assert server["stderr"].read_text() == ""
