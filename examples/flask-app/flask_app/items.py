"""The data API: items stored in PostgreSQL.

* ``POST /items`` ``{"name": str, "quantity": int (default 0)}`` ->
  ``201`` with the item and a ``Location`` header.
* ``GET /items?limit=N&after=ID`` -> ``200 {"items": [...], "next_after": ID|null}``
  (ordered by id; ``limit`` 1-100, default 50; pass ``next_after`` back as
  ``after`` for the next page).
* ``GET /items/<id>`` -> ``200`` with the item, or ``404``.

An item is ``{"id", "name", "quantity", "created_at"}``. The request's JSON
types are checked here (``400``); the values are checked by the table's
constraints (flask_app/migrations/0001_create_items.sql), whose violations
come back as ``409`` (a name already taken) or ``422`` (a value out of
range), naming the constraint. Without a database configured, or while it
is unreachable, these endpoints answer ``503``.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import psycopg
from flask import Flask, abort, jsonify, request, url_for
from psycopg import errors as pg_errors
from psycopg.rows import dict_row

from .db import Database, DatabaseUnavailable
from .migrate import MigrationError

log = logging.getLogger("flask_app.items")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
FIELDS = ("name", "quantity")

# What a violated constraint means, in the API's words.
CONSTRAINT_MESSAGES = {
    "items_name_unique": "an item with this name already exists",
    "items_name_length": "name must be 1 to 100 characters long",
    "items_quantity_non_negative": "quantity must be 0 or more",
}
_COLUMNS = "id, name, quantity, created_at"


def _error(status: int, error: str, message: str, **extra: Any):
    response = jsonify(error=error, status=status, message=message, **extra)
    response.status_code = status
    return response


def _item(row: dict) -> dict:
    return {
        "id": row["id"],
        "name": row["name"],
        "quantity": row["quantity"],
        "created_at": row["created_at"].isoformat(),
    }


def _query_int(name: str, default: Optional[int], lo: int, hi: int) -> Optional[int]:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        abort(400, description=f"query parameter {name!r} must be an integer from {lo} to {hi}")
    return int(raw)


def _parse_item_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="the body must be a JSON object (Content-Type: application/json)")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        abort(400, description=f"unknown field(s): {', '.join(unknown)}; expected {', '.join(FIELDS)}")
    if "name" not in body:
        abort(400, description="field 'name' is required")
    if not isinstance(body["name"], str):
        abort(400, description="field 'name' must be a string")
    quantity = body.get("quantity", 0)
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        abort(400, description="field 'quantity' must be an integer")
    return {"name": body["name"], "quantity": quantity}


def register(app: Flask, database: Optional[Database]) -> None:
    """Add the /items routes and their error handlers to ``app``."""

    def db() -> Database:
        if database is None:
            abort(
                503,
                description="no database configured: set DB_HOST, DB_NAME and DB_SECRET_ARN "
                "(or DB_USER and DB_PASSWORD) to use /items",
            )
        database.ensure_migrated()
        return database

    @app.errorhandler(DatabaseUnavailable)
    def _unavailable(error: DatabaseUnavailable):
        response = _error(503, "Service Unavailable", f"database unavailable: {error}")
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(MigrationError)
    def _not_migrated(error: MigrationError):
        # The schema is not what this release expects: a deployment problem,
        # logged in full; readiness reports it too.
        log.error("schema migration failed", extra={"error": str(error)})
        return _error(503, "Service Unavailable", "the database schema could not be migrated")

    @app.errorhandler(pg_errors.UniqueViolation)
    def _conflict(error: pg_errors.UniqueViolation):
        constraint = error.diag.constraint_name or ""
        message = CONSTRAINT_MESSAGES.get(constraint, "the value conflicts with an existing one")
        return _error(409, "Conflict", message, constraint=constraint)

    @app.errorhandler(pg_errors.IntegrityError)
    def _integrity(error: psycopg.IntegrityError):
        constraint = error.diag.constraint_name or ""
        if isinstance(error, pg_errors.NotNullViolation):
            message = f"{error.diag.column_name} is required"
        else:
            message = CONSTRAINT_MESSAGES.get(constraint, "the values violate a constraint")
        return _error(422, "Unprocessable Content", message, constraint=constraint)

    @app.errorhandler(pg_errors.NumericValueOutOfRange)
    def _out_of_range(error: pg_errors.NumericValueOutOfRange):
        return _error(422, "Unprocessable Content", "quantity is out of range (at most 2147483647)")

    @app.post("/items")
    def create_item():
        values = _parse_item_body()
        with db().connection("items_create") as conn:
            row = conn.cursor(row_factory=dict_row).execute(
                f"INSERT INTO items (name, quantity) VALUES (%(name)s, %(quantity)s) RETURNING {_COLUMNS}",
                values,
            ).fetchone()
        response = jsonify(_item(row))
        response.status_code = 201
        response.headers["Location"] = url_for("get_item", item_id=row["id"])
        return response

    @app.get("/items")
    def list_items():
        limit = _query_int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        after = _query_int("after", 0, 0, 2**63 - 1)
        with db().connection("items_list") as conn:
            rows = conn.cursor(row_factory=dict_row).execute(
                f"SELECT {_COLUMNS} FROM items WHERE id > %s ORDER BY id LIMIT %s", (after, limit)
            ).fetchall()
        items = [_item(row) for row in rows]
        next_after = items[-1]["id"] if len(items) == limit else None
        return jsonify(items=items, next_after=next_after)

    @app.get("/items/<int:item_id>")
    def get_item(item_id: int):
        if item_id > 2**63 - 1:
            abort(404, description=f"no item {item_id}")
        with db().connection("items_get") as conn:
            row = conn.cursor(row_factory=dict_row).execute(
                f"SELECT {_COLUMNS} FROM items WHERE id = %s", (item_id,)
            ).fetchone()
        if row is None:
            abort(404, description=f"no item {item_id}")
        return jsonify(_item(row))
