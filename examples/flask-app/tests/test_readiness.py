from flask_app import create_app
from flask_app.readiness import Readiness


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_warmup_delay_flips_from_503_to_200():
    app = create_app({"READINESS_DELAY_SECONDS": "5"})
    readiness = app.extensions["flask_app.readiness"]
    clock = FakeClock()
    readiness.clock = clock
    readiness.started_at = clock.now
    client = app.test_client()

    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["warmup"]["ok"] is False
    assert body["checks"]["warmup"]["remaining_seconds"] == 5.0

    clock.now += 4.5
    assert client.get("/readyz").status_code == 503

    clock.now += 0.5
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["warmup"] == {"ok": True}

    # Liveness never depended on readiness.
    clock.now -= 5
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_real_clock_short_delay():
    import time

    app = create_app({"READINESS_DELAY_SECONDS": "0.2"})
    client = app.test_client()
    assert client.get("/readyz").status_code == 503
    time.sleep(0.25)
    assert client.get("/readyz").status_code == 200


def test_drain_file_flips_readiness(tmp_path):
    drain = tmp_path / "drain"
    app = create_app({"READINESS_DRAIN_FILE": str(drain)})
    client = app.test_client()

    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["drain"] == {"ok": True}

    drain.touch()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["drain"]["ok"] is False
    assert str(drain) in response.get_json()["checks"]["drain"]["reason"]
    assert client.get("/healthz").status_code == 200

    drain.unlink()
    assert client.get("/readyz").status_code == 200


def test_manual_not_ready_and_back(app, client):
    readiness = app.extensions["flask_app.readiness"]
    readiness.mark_not_ready("database unreachable")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["manual"] == {
        "ok": False,
        "reason": "database unreachable",
    }
    readiness.mark_ready()
    assert client.get("/readyz").status_code == 200


def test_readiness_unit_all_conditions(tmp_path):
    clock = FakeClock()
    drain = tmp_path / "d"
    readiness = Readiness(delay_seconds=1, drain_file=str(drain), clock=clock)
    ready, checks = readiness.check()
    assert not ready and set(checks) == {"warmup", "drain", "manual"}
    clock.now += 1
    assert readiness.check()[0]
    drain.touch()
    assert not readiness.check()[0]
