from flask_app.metrics import Metrics, normalise_method

from .helpers import sample_value, samples


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_metrics_content_type(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "version=" in response.headers["Content-Type"]


def test_metric_families_are_declared(client):
    text = scrape(client)
    assert "# TYPE http_requests_total counter" in text
    assert "# TYPE http_request_duration_seconds histogram" in text


def test_counter_increments_with_route_label(client):
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/")
    text = scrape(client)
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    assert sample_value(text, "http_requests_total", **labels) == 3
    assert sample_value(text, "http_requests_total", method="GET", route="/", status="200") == 1
    assert sample_value(text, "http_request_duration_seconds_count", **labels) == 3
    assert sample_value(text, "http_request_duration_seconds_sum", **labels) > 0
    assert sample_value(text, "http_request_duration_seconds_bucket", le="+Inf", **labels) == 3


def test_route_label_is_the_template_not_the_path(client):
    for name in ("a", "b", "c", "d"):
        client.get(f"/hello/{name}")
    text = scrape(client)
    assert sample_value(
        text, "http_requests_total", method="GET", route="/hello/<name>", status="200"
    ) == 4
    routes = {s.labels.get("route") for s in samples(text) if s.name == "http_requests_total"}
    assert not any(r.startswith("/hello/") and r != "/hello/<name>" for r in routes)


def test_unmatched_paths_share_one_label(client):
    for path in ("/x", "/y/z", "/random-123"):
        assert client.get(path).status_code == 404
    text = scrape(client)
    assert sample_value(
        text, "http_requests_total", method="GET", route="unmatched", status="404"
    ) == 3


def test_status_label_for_errors(client):
    client.post("/healthz")
    text = scrape(client)
    assert sample_value(
        text, "http_requests_total", method="POST", route="unmatched", status="405"
    ) == 1


def test_readiness_failures_are_counted_as_503(app, client):
    app.extensions["flask_app.readiness"].mark_not_ready("test")
    assert client.get("/readyz").status_code == 503
    text = scrape(client)
    assert sample_value(
        text, "http_requests_total", method="GET", route="/readyz", status="503"
    ) == 1


def test_metrics_endpoint_is_not_counted(client):
    for _ in range(3):
        scrape(client)
    text = scrape(client)
    routes = {s.labels.get("route") for s in samples(text) if s.name.startswith("http_")}
    assert "/metrics" not in routes


def test_apps_have_independent_registries():
    from flask_app import create_app

    first = create_app({}).test_client()
    second = create_app({}).test_client()
    first.get("/healthz")
    assert sample_value(scrape(first), "http_requests_total", route="/healthz") == 1
    assert sample_value(scrape(second), "http_requests_total", route="/healthz") == 0


def test_unusual_methods_are_folded():
    assert normalise_method("get") == "GET"
    assert normalise_method("PROPFIND") == "OTHER"
    assert normalise_method("") == "OTHER"


def test_observe_clamps_negative_durations():
    metrics = Metrics()
    metrics.observe("BREW", "/coffee", 418, -1.0)
    text = metrics.render()[0].decode()
    labels = {"method": "OTHER", "route": "/coffee", "status": "418"}
    assert sample_value(text, "http_requests_total", **labels) == 1
    assert sample_value(text, "http_request_duration_seconds_sum", **labels) == 0
