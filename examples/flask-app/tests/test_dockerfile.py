"""Static checks of the Dockerfile, gunicorn.conf.py and service.json."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from . import dockerfile_lint as lint

APP_DIR = Path(__file__).resolve().parent.parent
DOCKERFILE = lint.parse((APP_DIR / "Dockerfile").read_text())
SERVICE = json.loads((APP_DIR / "service.json").read_text())


def gunicorn_settings() -> dict:
    """Top-level literal assignments of gunicorn.conf.py, read without running it."""
    tree = ast.parse((APP_DIR / "gunicorn.conf.py").read_text())
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                values[node.targets[0].id] = ast.unparse(node.value)
    return values


# ---- the real Dockerfile ---------------------------------------------------


def test_is_multi_stage_and_final_stage_copies_from_builder():
    assert len(DOCKERFILE.stages) >= 2
    builder = DOCKERFILE.stages[0]
    assert builder.name == "builder"
    copies = DOCKERFILE.final.all("COPY")
    assert any(c.flags.get("from") == "builder" and "/opt/venv" in c.args for c in copies)


def test_base_images_are_pinned():
    assert lint.check_base_images_pinned(DOCKERFILE) == []
    for stage in DOCKERFILE.stages:
        ref = lint.parse_image(stage.base)
        # Stricter for this project: full version tag AND digest.
        assert ref.repository == "python"
        assert ref.tag is not None and ref.tag.startswith("3.11.") and ref.tag.endswith("-slim-bookworm")
        assert ref.digest is not None and lint._DIGEST_RE.match(ref.digest)
    assert len({s.base for s in DOCKERFILE.stages}) == 1, "builder and runtime share one base"


def test_final_user_is_numeric_and_unprivileged():
    assert lint.check_final_user(DOCKERFILE) == []
    assert lint.final_user(DOCKERFILE) == "10001:10001"


def test_user_is_created_with_the_same_ids():
    runs = " ".join(i.args for i in DOCKERFILE.final.all("RUN"))
    assert "--uid 10001" in runs and "--gid 10001" in runs


def test_nothing_is_written_outside_tmp_at_runtime():
    assert lint.check_runtime_writes_under_tmp(DOCKERFILE) == []
    env = DOCKERFILE.final.env()
    assert env["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/prometheus"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["HOME"] == "/tmp"


def test_gunicorn_config_writes_only_under_tmp():
    settings = gunicorn_settings()
    assert lint.is_under_tmp(settings["worker_tmp_dir"])
    assert lint.is_under_tmp(settings["DEFAULT_MULTIPROC_DIR"])
    assert settings["control_socket_disable"] is True
    assert settings["pidfile"] is None
    assert settings["accesslog"] == "-"
    assert settings["errorlog"] == "-"
    assert settings["capture_output"] is False
    assert settings["logger_class"] == "flask_app.gunicorn_logging.JsonGunicornLogger"


def test_gunicorn_config_values_come_from_the_environment(tmp_path):
    # Run the config file in a child interpreter, as gunicorn would, so that
    # the PROMETHEUS_MULTIPROC_DIR it sets does not leak into this process.
    script = (
        "import json, os, runpy, sys\n"
        "ns = runpy.run_path(sys.argv[1])\n"
        "keys = ['bind', 'workers', 'timeout', 'graceful_timeout', 'loglevel', 'proc_name',\n"
        "        'worker_tmp_dir', 'wsgi_app']\n"
        "out = {k: ns[k] for k in keys}\n"
        "out['multiproc'] = os.environ['PROMETHEUS_MULTIPROC_DIR']\n"
        "print(json.dumps(out))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PORT": "8123", "GUNICORN_WORKERS": "3",
           "GUNICORN_TIMEOUT": "45", "GUNICORN_GRACEFUL_TIMEOUT": "15", "LOG_LEVEL": "warning",
           "APP_NAME": "svc"}
    result = subprocess.run([sys.executable, "-c", script, str(APP_DIR / "gunicorn.conf.py")],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "bind": ["0.0.0.0:8123"], "workers": 3, "timeout": 45, "graceful_timeout": 15,
        "loglevel": "warning", "proc_name": "svc", "worker_tmp_dir": "/tmp",
        "wsgi_app": "flask_app.wsgi:app", "multiproc": "/tmp/prometheus",
    }


def test_no_risky_instructions():
    assert lint.check_no_risky_instructions(DOCKERFILE) == []


def test_exposes_the_service_port():
    expose = DOCKERFILE.final.last("EXPOSE")
    assert expose is not None
    assert expose.args.split() == [str(SERVICE["port"])]
    assert DOCKERFILE.final.env()["PORT"] == str(SERVICE["port"])


def test_healthcheck_uses_python_stdlib_on_liveness_path():
    healthcheck = DOCKERFILE.final.last("HEALTHCHECK")
    assert healthcheck is not None
    assert set(healthcheck.flags) >= {"interval", "timeout", "retries"}
    command = healthcheck.args
    assert command.startswith("CMD ")
    argv = json.loads(command[len("CMD "):])
    assert argv[0] == "python"
    assert "urllib.request" in argv[-1]
    assert SERVICE["liveness_path"] in argv[-1]
    assert "curl" not in command and "wget" not in command


def test_entrypoint_runs_gunicorn_with_the_config():
    entrypoint = DOCKERFILE.final.last("ENTRYPOINT").exec_form()
    assert entrypoint == ["gunicorn", "--config", "/app/gunicorn.conf.py"]
    assert DOCKERFILE.final.last("CMD").exec_form() == ["flask_app.wsgi:app"]
    copies = " ".join(c.args for c in DOCKERFILE.final.all("COPY"))
    assert "/app" in copies


def test_dockerignore_keeps_tests_and_caches_out():
    ignored = (APP_DIR / ".dockerignore").read_text().split()
    for pattern in ("tests", "**/__pycache__", ".venv"):
        assert pattern in ignored


# ---- service.json contract -------------------------------------------------


def test_service_contract():
    assert SERVICE == {
        "port": 8080,
        "liveness_path": "/healthz",
        "readiness_path": "/readyz",
        "metrics_path": "/metrics",
    }


def test_service_contract_matches_the_app():
    from flask_app import create_app
    from flask_app.config import Config

    assert Config().port == SERVICE["port"]
    client = create_app({}).test_client()
    for key in ("liveness_path", "readiness_path", "metrics_path"):
        assert client.get(SERVICE[key]).status_code == 200, key


# ---- the parser and the checks on bad input --------------------------------


def test_parser_handles_continuations_comments_and_directives():
    parsed = lint.parse(
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=python:3.11.15-slim\n"
        "FROM ${BASE} AS build\n"
        "RUN echo a \\\n"
        "    # a comment inside the continuation\n"
        "    && echo b\n"
        "FROM build\n"
        'ENV A=1 B="two words" \\\n    C=/tmp/c\n'
        "ENV LEGACY some value\n"
        "COPY --from=build --chown=1:1 /x /y\n"
    )
    assert parsed.directives == {"syntax": "docker/dockerfile:1"}
    assert [s.base for s in parsed.stages] == ["python:3.11.15-slim", "build"]
    assert parsed.stages[0].all("RUN")[0].args == "echo a && echo b"
    assert parsed.final.env() == {"A": "1", "B": "two words", "C": "/tmp/c", "LEGACY": "some value"}
    copy = parsed.final.last("COPY")
    assert copy.flags == {"from": "build", "chown": "1:1"} and copy.args == "/x /y"
    assert lint.check_base_images_pinned(parsed) == []


@pytest.mark.parametrize(
    "base, ok",
    [
        ("python:latest", False),
        ("python", False),
        ("python:3.11-slim", False),
        ("python:3.11.15-slim-bookworm", True),
        ("registry.example:5000/team/python:3.11.15", True),
        ("registry.example:5000/team/python", False),
        ("python@sha256:" + "a" * 64, True),
        ("python:latest@sha256:" + "a" * 64, False),
        ("python:3.11.15@sha256:abc", False),
    ],
)
def test_base_image_pinning_rule(base, ok):
    parsed = lint.parse(f"FROM {base}\nUSER 10001\n")
    assert (lint.check_base_images_pinned(parsed) == []) is ok


@pytest.mark.parametrize(
    "user, ok",
    [
        ("10001", True),
        ("10001:10001", True),
        ("10000:20000", True),
        ("app", False),
        ("1000", False),
        ("0", False),
        ("10001:app", False),
        ("10001:100", False),
    ],
)
def test_final_user_rule(user, ok):
    parsed = lint.parse(f"FROM python:3.11.15\nUSER {user}\n")
    assert (lint.check_final_user(parsed) == []) is ok


def test_final_user_rule_uses_the_last_stage_and_last_user():
    parsed = lint.parse("FROM a:1.2.3 AS b\nUSER 10001\nFROM a:1.2.3\nUSER 10001\nUSER root\n")
    assert lint.check_final_user(parsed) != []
    parsed = lint.parse("FROM a:1.2.3 AS b\nUSER 10001\nFROM a:1.2.3\n")
    assert lint.check_final_user(parsed) == ["the final stage has no USER instruction (it would run as root)"]


def test_runtime_write_rule():
    bad = lint.parse(
        "FROM a:1.2.3\nENV PROMETHEUS_MULTIPROC_DIR=/var/run/prom HOME=/home/app\n"
        "VOLUME /data\nVOLUME [\"/tmp/x\"]\n"
    )
    problems = lint.check_runtime_writes_under_tmp(bad)
    assert any("PROMETHEUS_MULTIPROC_DIR" in p for p in problems)
    assert any("HOME" in p for p in problems)
    assert any("PYTHONDONTWRITEBYTECODE" in p for p in problems)
    assert any("'/data'" in p for p in problems)
    assert not any("/tmp/x" in p for p in problems)


@pytest.mark.parametrize(
    "path, ok",
    [("/tmp", True), ("/tmp/prometheus", True), ("//tmp//x/", True),
     ("/tmpfoo", False), ("/tmp/../etc", False), ("tmp/x", False), ("/var/tmp", False)],
)
def test_is_under_tmp(path, ok):
    assert lint.is_under_tmp(path) is ok


def test_risky_instruction_rule():
    bad = lint.parse(
        "FROM a:1.2.3\nADD https://example.invalid/x.tgz /x\n"
        "RUN sudo true\nRUN curl -fsSL x | sh\nRUN apt-get update && apt-get install -y git\n"
    )
    problems = lint.check_no_risky_instructions(bad)
    assert len(problems) == 5


def test_parser_refuses_what_it_does_not_understand():
    with pytest.raises(lint.DockerfileError):
        lint.parse("# escape=`\nFROM a:1.2.3\n")
    with pytest.raises(lint.DockerfileError):
        lint.parse("FROM a:1.2.3\nRUN <<EOF\necho hi\nEOF\n")
    with pytest.raises(lint.DockerfileError):
        lint.parse("RUN echo before from\n")
