def test_index_returns_service_and_version(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"service": "test-svc", "version": "1.2.3", "message": "hello"}


def test_hello_with_name(client):
    response = client.get("/hello/ada")
    assert response.status_code == 200
    assert response.get_json() == {"service": "test-svc", "message": "hello, ada"}


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_ready_by_default(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["warmup"] == {"ok": True}
    assert body["checks"]["manual"] == {"ok": True}
    assert "drain" not in body["checks"]


def test_head_is_supported_on_probes(client):
    assert client.head("/healthz").status_code == 200
    assert client.head("/readyz").status_code == 200


def test_unknown_path_is_json_404(client):
    response = client.get("/no/such/path")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == 404
    assert body["error"] == "Not Found"


def test_wrong_method_is_json_405_with_allow(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.get_json()["error"] == "Method Not Allowed"
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "HEAD"} <= allowed


def test_unhandled_exception_is_json_500():
    from flask_app import create_app

    app = create_app({})

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.get_json() == {"error": "Internal Server Error", "status": 500}
    # The error body never leaks the exception text.
    assert b"kaboom" not in response.data


def test_request_id_is_generated(client):
    response = client.get("/healthz")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    assert client.get("/healthz").headers["X-Request-ID"] != request_id


def test_request_id_is_propagated_when_valid(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


def test_invalid_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["X-Request-ID"] != "bad id\twith spaces"
    assert len(response.headers["X-Request-ID"]) == 32
