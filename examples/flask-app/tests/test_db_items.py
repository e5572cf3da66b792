"""The /items data API against the real PostgreSQL server."""

from __future__ import annotations

import pytest

from flask_app import create_app

from .conftest import close_db_app, new_pg_db
from .helpers import sample_value


@pytest.fixture(scope="module")
def items_app(postgres):
    """One database and app for the module (creating a database per test is slow)."""
    pg_db = new_pg_db(postgres)
    app = create_app(pg_db.env)
    app.extensions["test.pg_db"] = pg_db
    yield app
    close_db_app(app)


@pytest.fixture
def items_client(items_app):
    items_app.extensions["test.pg_db"].execute("TRUNCATE items RESTART IDENTITY")
    return items_app.test_client()


def test_round_trip(items_client):
    created = items_client.post("/items", json={"name": "widget", "quantity": 3})
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert item["name"] == "widget" and item["quantity"] == 3
    assert isinstance(item["id"], int) and item["created_at"]
    assert created.headers["Location"] == f"/items/{item['id']}"

    fetched = items_client.get(created.headers["Location"])
    assert fetched.status_code == 200
    assert fetched.get_json() == item

    listed = items_client.get("/items")
    assert listed.status_code == 200
    assert listed.get_json() == {"items": [item], "next_after": None}

    # quantity defaults to 0
    assert items_client.post("/items", json={"name": "gadget"}).get_json()["quantity"] == 0


def test_list_pages_in_id_order(items_client):
    ids = [items_client.post("/items", json={"name": f"n{i}"}).get_json()["id"] for i in range(5)]
    first = items_client.get("/items?limit=2").get_json()
    assert [i["id"] for i in first["items"]] == ids[:2] and first["next_after"] == ids[1]
    second = items_client.get(f"/items?limit=2&after={first['next_after']}").get_json()
    assert [i["id"] for i in second["items"]] == ids[2:4]
    last = items_client.get(f"/items?limit=2&after={second['next_after']}").get_json()
    assert [i["id"] for i in last["items"]] == ids[4:] and last["next_after"] is None


def test_missing_item_is_404(items_client):
    response = items_client.get("/items/424242")
    assert response.status_code == 404
    assert response.get_json()["message"] == "no item 424242"
    assert items_client.get("/items/99999999999999999999").status_code == 404


@pytest.mark.parametrize(
    "body, status, message, constraint",
    [
        ({"name": ""}, 422, "name must be 1 to 100 characters long", "items_name_length"),
        ({"name": "x" * 101}, 422, "name must be 1 to 100 characters long", "items_name_length"),
        ({"name": "neg", "quantity": -1}, 422, "quantity must be 0 or more", "items_quantity_non_negative"),
    ],
)
def test_check_constraint_violations_are_422(items_client, body, status, message, constraint):
    response = items_client.post("/items", json=body)
    assert response.status_code == status
    assert response.get_json() == {
        "error": "Unprocessable Content", "status": status, "message": message, "constraint": constraint,
    }
    assert items_client.get("/items").get_json()["items"] == []


def test_duplicate_name_is_409(items_client):
    assert items_client.post("/items", json={"name": "dup"}).status_code == 201
    response = items_client.post("/items", json={"name": "dup", "quantity": 9})
    assert response.status_code == 409
    assert response.get_json() == {
        "error": "Conflict", "status": 409,
        "message": "an item with this name already exists", "constraint": "items_name_unique",
    }
    # The failed transaction was rolled back and the connection is reusable.
    assert len(items_client.get("/items").get_json()["items"]) == 1


def test_out_of_range_quantity_is_422(items_client):
    response = items_client.post("/items", json={"name": "big", "quantity": 2**40})
    assert response.status_code == 422
    assert "out of range" in response.get_json()["message"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"data": "nope", "content_type": "text/plain"}, "the body must be a JSON object"),
        ({"json": ["a"]}, "the body must be a JSON object"),
        ({"json": {}}, "field 'name' is required"),
        ({"json": {"name": 5}}, "field 'name' must be a string"),
        ({"json": {"name": "a", "quantity": "3"}}, "field 'quantity' must be an integer"),
        ({"json": {"name": "a", "quantity": True}}, "field 'quantity' must be an integer"),
        ({"json": {"name": "a", "colour": "red"}}, "unknown field(s): colour"),
    ],
)
def test_malformed_requests_are_400(items_client, kwargs, message):
    response = items_client.post("/items", **kwargs)
    assert response.status_code == 400
    assert message in response.get_json()["message"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "after=-1"])
def test_bad_list_parameters_are_400(items_client, query):
    assert items_client.get(f"/items?{query}").status_code == 400


def test_database_calls_are_measured(make_db_app):
    items_client = make_db_app().test_client()  # its own app: its own counters
    items_client.post("/items", json={"name": "m"})
    items_client.post("/items", json={"name": "m"})
    items_client.get("/items")
    exposition = items_client.get("/metrics").get_data(as_text=True)
    assert sample_value(exposition, "db_operations_total", operation="items_create", outcome="ok") == 1
    assert sample_value(exposition, "db_operations_total", operation="items_create", outcome="rejected") == 1
    assert sample_value(exposition, "db_operations_total", operation="items_list", outcome="ok") == 1
    assert sample_value(exposition, "db_operations_total", operation="migrate", outcome="ok") == 1
    assert sample_value(
        exposition, "db_operation_duration_seconds_count", operation="items_list", outcome="ok") == 1
    assert sample_value(exposition, "db_connection_attempts_total", outcome="ok") >= 1
    # The HTTP metrics label the route template, not the path.
    assert sample_value(exposition, "http_requests_total", method="POST", route="/items", status="409") == 1


def test_without_a_database_the_data_api_answers_503_and_the_rest_works():
    app = create_app({"APP_NAME": "test-svc"})
    assert app.extensions["flask_app.database"] is None
    client = app.test_client()
    for response in (client.get("/items"), client.get("/items/1"), client.post("/items", json={"name": "a"})):
        assert response.status_code == 503
        assert response.get_json()["message"].startswith("no database configured: set DB_HOST")
    ready = client.get("/readyz")
    assert ready.status_code == 200 and "database" not in ready.get_json()["checks"]
    assert client.get("/").status_code == 200
