import datetime
import json
import logging
import re

import pytest

from flask_app import create_app
from flask_app.logging_setup import JsonFormatter, configure_logging

TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def json_lines(text: str) -> list[dict]:
    """Parse every non-empty line; fails the test if one is not JSON."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_formatter_core_fields_and_extra():
    record = logging.LogRecord("svc.db", logging.WARNING, __file__, 1, "slow %s", ("query",), None)
    record.duration_ms = 12.5
    record.message = "must not override"
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING"
    assert data["logger"] == "svc.db"
    assert data["message"] == "slow query"
    assert data["duration_ms"] == 12.5
    assert TIMESTAMP_RE.match(data["timestamp"])
    assert isinstance(data["pid"], int)


def test_formatter_exception_stays_on_one_line():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert "ValueError: bad" in data["exception"]


def test_formatter_non_serialisable_extra_uses_str():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.when = datetime.date(2024, 1, 2)
    assert json.loads(JsonFormatter().format(record))["when"] == "2024-01-02"


def test_configure_logging_writes_json_to_stdout(capsys):
    configure_logging("INFO")
    logging.getLogger("flask_app.test").info("hello %s", "world", extra={"user": "ada"})
    logging.getLogger("flask_app.test").debug("hidden")
    out, err = capsys.readouterr()
    lines = json_lines(out)
    assert [l["message"] for l in lines] == ["hello world"]
    assert lines[0]["user"] == "ada"
    assert lines[0]["logger"] == "flask_app.test"
    assert err == ""


def test_configure_logging_is_idempotent(capsys):
    configure_logging("INFO")
    configure_logging("INFO")
    logging.getLogger("flask_app.test").warning("once")
    lines = json_lines(capsys.readouterr().out)
    assert [l["message"] for l in lines] == ["once"]


def test_log_level_is_applied(capsys):
    create_app({"LOG_LEVEL": "WARNING"})
    logging.getLogger("flask_app.test").info("not shown")
    logging.getLogger("flask_app.test").warning("shown")
    messages = [l["message"] for l in json_lines(capsys.readouterr().out)]
    assert messages == ["shown"]


def test_app_startup_and_error_logs_are_json(capsys):
    app = create_app({"APP_NAME": "log-svc"})

    @app.get("/explode")
    def explode():
        raise RuntimeError("kaboom")

    app.test_client().get("/explode", headers={"X-Request-ID": "req-1"})
    lines = json_lines(capsys.readouterr().out)
    created = [l for l in lines if l["message"] == "application created"]
    assert created and created[0]["service"] == "log-svc"
    errors = [l for l in lines if l["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["path"] == "/explode"
    assert errors[0]["method"] == "GET"
    assert errors[0]["request_id"] == "req-1"
    assert "RuntimeError: kaboom" in errors[0]["exception"]
    for line in lines:
        assert {"timestamp", "level", "message", "logger"} <= set(line)


class _Resp:
    status = "201 CREATED"
    sent = 42
    headers = []


class _Req:
    headers = []


@pytest.fixture
def gunicorn_logger():
    from gunicorn.config import Config as GunicornConfig

    from flask_app.gunicorn_logging import JsonGunicornLogger

    cfg = GunicornConfig()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    return JsonGunicornLogger(cfg)


def test_gunicorn_access_log_is_json(capsys, gunicorn_logger):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/hello/ada",
        "QUERY_STRING": "x=1",
        "RAW_URI": "/hello/ada?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "pytest",
        "flask_app.route": "/hello/<name>",
        "flask_app.request_id": "rid-7",
    }
    gunicorn_logger.access(_Resp(), _Req(), environ, datetime.timedelta(milliseconds=12, microseconds=345))
    lines = json_lines(capsys.readouterr().out)
    assert len(lines) == 1
    line = lines[0]
    assert line["logger"] == "gunicorn.access"
    assert line["level"] == "INFO"
    assert line["message"] == "POST /hello/ada 201"
    assert line["type"] == "access"
    assert line["method"] == "POST"
    assert line["path"] == "/hello/ada"
    assert line["route"] == "/hello/<name>"
    assert line["status"] == 201
    assert line["duration_ms"] == 12.345
    assert line["bytes"] == 42
    assert line["query"] == "x=1"
    assert line["request_id"] == "rid-7"
    assert TIMESTAMP_RE.match(line["timestamp"])


def test_gunicorn_error_log_goes_to_stdout_as_json(capsys, gunicorn_logger):
    gunicorn_logger.info("Booting worker with pid: %s", 123)
    out, err = capsys.readouterr()
    assert err == ""
    (line,) = json_lines(out)
    assert line["logger"] == "gunicorn.error"
    assert line["message"] == "Booting worker with pid: 123"
