"""Runs the real gunicorn server (2 workers) as a subprocess on 127.0.0.1.

Only loopback is contacted, every wait is bounded, and the server's whole
process group is always stopped at the end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .helpers import sample_value

APP_DIR = Path(__file__).resolve().parent.parent
CONF = APP_DIR / "gunicorn.conf.py"

STARTUP_TIMEOUT = 15.0
REQUEST_TIMEOUT = 2.0
STOP_TIMEOUT = 10.0
WORKERS = 2

# No proxy, whatever the environment says: requests go straight to loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str, dict]:
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with _OPENER.open(url, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def base_env(tmp_path: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k.upper() not in {"PROMETHEUS_MULTIPROC_DIR", "XDG_RUNTIME_DIR"}
        and not k.startswith(("GUNICORN_", "READINESS_", "DB_"))
        and k not in {"PORT", "APP_NAME", "APP_VERSION", "LOG_LEVEL", "GUNICORN_CMD_ARGS"}
    }
    home = tmp_path / "home"
    home.mkdir()
    env["HOME"] = str(home)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group, SIGKILL it if it does not stop."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=STOP_TIMEOUT)


def read_json_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _created(stdout_path: Path) -> list[int]:
    """Pids of the workers that logged 'application created' so far."""
    pids = []
    for line in stdout_path.read_text().splitlines():
        if '"application created"' in line:
            try:
                pids.append(json.loads(line)["pid"])
            except json.JSONDecodeError:
                pass  # a line still being written
    return pids


@pytest.fixture
def server_env_extra() -> dict:
    """Variables added to the server's environment (a module can override it)."""
    return {}


@pytest.fixture
def server(tmp_path, server_env_extra):
    port = free_port()
    multiproc = tmp_path / "prometheus"
    drain = tmp_path / "drain"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = base_env(tmp_path)
    env.update(
        {
            "PORT": str(port),
            "GUNICORN_WORKERS": str(WORKERS),
            "APP_NAME": "gunicorn-test",
            "APP_VERSION": "9.9.9",
            "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
            "READINESS_DRAIN_FILE": str(drain),
            **server_env_extra,
        }
    )
    stdout_path = tmp_path / "stdout.log"
    stderr_path = tmp_path / "stderr.log"
    # The config binds 0.0.0.0:$PORT; the command line overrides it so the
    # test listens on loopback only.
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", str(CONF),
        "--bind", f"127.0.0.1:{port}",
    ]
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=err,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    info = {
        "process": process, "port": port, "multiproc": multiproc, "drain": drain,
        "cwd": cwd, "home": Path(env["HOME"]), "stdout": stdout_path, "stderr": stderr_path,
        "healthz_ok": 0,
    }
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"gunicorn exited with {process.returncode}:\n"
                    f"{stdout_path.read_text()}\n{stderr_path.read_text()}"
                )
            try:
                status, _, _ = get(port, "/healthz")
                if status == 200:
                    info["healthz_ok"] += 1
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz within {STARTUP_TIMEOUT}s")
            time.sleep(0.1)
        # Wait until both workers have built the app, so every test sees
        # the full pool.
        while len(_created(stdout_path)) < WORKERS:
            if time.monotonic() > deadline:
                pytest.fail(f"{WORKERS} workers did not start within {STARTUP_TIMEOUT}s")
            time.sleep(0.05)
        yield info
    finally:
        stop(process)


def test_server_serves_probes_metrics_and_json_logs(server):
    port = server["port"]

    status, body, _ = get(port, "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    healthz_ok = server["healthz_ok"] + 1

    status, body, _ = get(port, "/readyz")
    assert status == 200 and json.loads(body)["status"] == "ready"

    status, body, _ = get(port, "/")
    assert status == 200
    assert json.loads(body) == {"service": "gunicorn-test", "version": "9.9.9", "message": "hello"}

    for name in ("a", "b", "c"):
        assert get(port, f"/hello/{name}")[0] == 200
    assert get(port, "/missing")[0] == 404

    # Readiness flips when the drain file appears, in every worker.
    server["drain"].touch()
    for _ in range(4):
        status, body, _ = get(port, "/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["drain"]["ok"] is False
    assert get(port, "/healthz")[0] == 200
    healthz_ok += 1
    server["drain"].unlink()
    assert get(port, "/readyz")[0] == 200

    status, text, headers = get(port, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    # Summed over both workers by the multiprocess collector.
    assert sample_value(text, "http_requests_total", method="GET", route="/healthz", status="200") == healthz_ok
    assert sample_value(text, "http_requests_total", method="GET", route="/hello/<name>", status="200") == 3
    assert sample_value(text, "http_requests_total", method="GET", route="/readyz", status="503") == 4
    assert sample_value(text, "http_requests_total", method="GET", route="/readyz", status="200") == 2
    assert sample_value(text, "http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert sample_value(
        text, "http_request_duration_seconds_count", method="GET", route="/", status="200"
    ) == 1
    assert 'route="/metrics"' not in text

    # Multiprocess files live in the configured directory only.
    assert list(server["multiproc"].glob("*.db"))

    stop(server["process"])
    assert server["process"].returncode == 0

    # Every line on stdout is a JSON object; access lines carry the request.
    lines = read_json_lines(server["stdout"])
    for line in lines:
        assert {"timestamp", "level", "logger", "message"} <= set(line)
    access = [l for l in lines if l.get("type") == "access"]
    hello = [l for l in access if l["path"] == "/hello/a"]
    assert len(hello) == 1
    assert hello[0]["method"] == "GET"
    assert hello[0]["status"] == 200
    assert hello[0]["route"] == "/hello/<name>"
    assert hello[0]["duration_ms"] >= 0
    assert any(l["path"] == "/metrics" and l["status"] == 200 for l in access)
    assert any(l["message"].startswith("Booting worker") for l in lines)
    assert any(l["logger"] == "flask_app" and l["message"] == "application created" for l in lines)
    assert server["stderr"].read_text() == ""

    # Nothing was written to the working directory or HOME (gunicorn's
    # control socket is disabled).
    assert list(server["cwd"].iterdir()) == []
    assert list(server["home"].iterdir()) == []


def test_counters_survive_a_worker_restart(server):
    port = server["port"]
    for _ in range(5):
        assert get(port, "/")[0] == 200
    text = get(port, "/metrics")[1]
    before = sample_value(text, "http_requests_total", method="GET", route="/", status="200")
    assert before == 5

    pids = _created(server["stdout"])
    assert len(pids) == WORKERS
    os.kill(pids[0], signal.SIGKILL)

    # The master notices, calls child_exit and boots a replacement.
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if len(_created(server["stdout"])) == WORKERS + 1:
            break
        time.sleep(0.1)
    else:
        pytest.fail("no replacement worker was booted")

    # Every answer now comes from a live worker; the dead worker's counts
    # are still part of the total.
    text = get(port, "/metrics")[1]
    after = sample_value(text, "http_requests_total", method="GET", route="/", status="200")
    assert after == before


def test_invalid_configuration_stops_gunicorn_with_a_clear_message(tmp_path):
    env = base_env(tmp_path)
    env.update({"PORT": "not-a-port", "GUNICORN_WORKERS": "0",
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")})
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", str(CONF), "--bind", "127.0.0.1:0"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=20,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    (line,) = [json.loads(l) for l in result.stdout.splitlines() if l.strip()]
    assert line["level"] == "CRITICAL"
    assert "PORT='not-a-port'" in line["message"]
    assert "GUNICORN_WORKERS='0'" in line["message"]
