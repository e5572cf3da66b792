"""Proof that the names agree, with real tools: the autoscaler's custom metric, the
prometheus-adapter rule that serves it and the series the Flask service exports.

The real service runs under gunicorn (the ``server`` fixture of test_gunicorn_server); a real
Prometheus (Debian's ``prometheus``, /usr/bin/prometheus, installed by tools/install) scrapes it
on 127.0.0.1 through a file-based target carrying the labels the synthesized relabelling gives
every pod (namespace and pod). Everything else is read from the reference platform's
synthesized output (``$STACKWRIGHT_SYNTH_DIR/prod``, written by scripts/test's synth step):
the HPA's metric, the adapter's rule (its ConfigMap) and the relabelling (Prometheus' ConfigMap).
The rule's ``metricsQuery`` is filled the way prometheus-adapter fills it for
``/namespaces/<ns>/pods/*/<metric>`` and evaluated over HTTP: it must give a value per pod.

Fails, never skips, when the synthesized output or Prometheus is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml

from .test_gunicorn_server import free_port, get, server, server_env_extra, stop  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[3]
PROMETHEUS = os.environ.get("STACKWRIGHT_PROMETHEUS", "/usr/bin/prometheus")
EXAMPLE = "prod"
POD = "flask-app-7d9f8b6c4-x2k9p"
TIMEOUT = 60.0


def synth_dir() -> Path:
    root = Path(os.environ.get("STACKWRIGHT_SYNTH_DIR") or REPO / "target" / "synth")
    out = root / EXAMPLE / "k8s"
    if not out.is_dir():
        pytest.fail(
            f"no synthesized manifests in {out}: run scripts/test (its synth step writes them), "
            f"or `cargo run --example {EXAMPLE} -- synth --out {root / EXAMPLE}` and set STACKWRIGHT_SYNTH_DIR={root}"
        )
    return out


def objects() -> list[dict]:
    docs = []
    for path in sorted(synth_dir().glob("*/*.yaml")):
        docs.extend(d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict))
    return docs


def one(docs: list[dict], kind: str, name: str) -> dict:
    found = [d for d in docs if d.get("kind") == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{len(found)} {kind} named {name} in the synthesized manifests"
    return found[0]


def pods_metric(docs: list[dict]) -> tuple[dict, str]:
    """The first autoscaler with a Pods metric, and that metric's name."""
    for hpa in (d for d in docs if d.get("kind") == "HorizontalPodAutoscaler"):
        for m in hpa["spec"].get("metrics", []):
            if m["type"] == "Pods":
                return hpa, m["pods"]["metric"]["name"]
    pytest.fail("no autoscaler of the reference platform scales on a Pods metric")


def relabelled(docs: list[dict]) -> dict:
    """Which label Prometheus' pod job writes each Kubernetes fact into."""
    config = yaml.safe_load(one(docs, "ConfigMap", "prometheus-config")["data"]["prometheus.yml"])
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "kubernetes-pods")
    out = {}
    for r in job["relabel_configs"]:
        if r.get("target_label") and r.get("source_labels") in (["__meta_kubernetes_namespace"], ["__meta_kubernetes_pod_name"]):
            out[r["source_labels"][0]] = r["target_label"]
    return out


def query(port: int, path: str, params: dict) -> list:
    status, body, _ = get(port, f"{path}?{urllib.parse.urlencode(params, doseq=True)}")
    assert status == 200, body
    doc = json.loads(body)
    assert doc["status"] == "success", doc
    return doc["data"] if path.endswith("/series") else doc["data"]["result"]


@pytest.fixture
def prometheus(tmp_path):
    """A factory: starts Prometheus scraping the given targets every second; stopped at the end."""
    if not os.access(PROMETHEUS, os.X_OK):
        pytest.fail(f"{PROMETHEUS} is missing: tools/install installs Debian's prometheus package")
    processes = []

    def start(targets: list[dict], metrics_path: str) -> int:
        port = free_port()
        (tmp_path / "targets.json").write_text(json.dumps(targets))
        (tmp_path / "prometheus.yml").write_text(json.dumps({
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [{
                "job_name": "kubernetes-pods",
                "metrics_path": metrics_path,
                "file_sd_configs": [{"files": [str(tmp_path / "targets.json")], "refresh_interval": "1s"}],
            }],
        }))
        log = open(tmp_path / "prometheus.log", "wb")
        processes.append(subprocess.Popen(
            [PROMETHEUS, f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        ))
        deadline = time.monotonic() + TIMEOUT
        while True:
            if processes[-1].poll() is not None:
                pytest.fail(f"prometheus exited with {processes[-1].returncode}:\n{(tmp_path / 'prometheus.log').read_text()}")
            try:
                if get(port, "/-/ready")[0] == 200:
                    return port
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"prometheus was not ready within {TIMEOUT}s")
            time.sleep(0.1)

    yield start
    for p in processes:
        stop(p)
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_the_adapter_rule_serves_the_hpa_metric_from_the_real_service(server, prometheus):
    docs = objects()
    hpa, metric = pods_metric(docs)
    namespace = hpa["metadata"]["namespace"]
    labels = relabelled(docs)
    ns_label, pod_label = labels["__meta_kubernetes_namespace"], labels["__meta_kubernetes_pod_name"]
    rules = yaml.safe_load(one(docs, "ConfigMap", "prometheus-adapter-config")["data"]["config.yaml"])["rules"]
    # The rule's resources are the labels the relabelling writes.
    for rule in rules:
        overrides = rule["resources"]["overrides"]
        assert overrides[ns_label] == {"resource": "namespace"} and overrides[pod_label] == {"resource": "pod"}, rule

    # Where and how the pod is scraped: its template's annotations.
    target = one(docs, hpa["spec"]["scaleTargetRef"]["kind"], hpa["spec"]["scaleTargetRef"]["name"])
    annotations = target["spec"]["template"]["metadata"].get("annotations", {})
    assert annotations.get("prometheus.io/scrape") == "true", annotations
    port = prometheus(
        [{"targets": [f"127.0.0.1:{server['port']}"], "labels": {ns_label: namespace, pod_label: POD}}],
        annotations.get("prometheus.io/path", "/metrics"),
    )

    # Traffic, while Prometheus scrapes: a rate needs two samples that differ.
    deadline = time.monotonic() + TIMEOUT
    series = []
    while time.monotonic() < deadline:
        for path in ("/", "/hello/adapter", "/missing"):
            get(server["port"], path)
        # Which rule gives the metric, as the adapter finds out: its seriesQuery's series,
        # renamed by name.matches / name.as.
        found = []
        for rule in rules:
            for s in query(port, "/api/v1/series", {"match[]": rule["seriesQuery"]}):
                name = s["__name__"]
                if re.search(rule["name"]["matches"], name):
                    renamed = re.sub(rule["name"]["matches"], rule["name"]["as"].replace("${", "\\g<").replace("}", ">"), name)
                    if renamed == metric:
                        found.append((rule, name))
        if found:
            rule, series_name = found[0]
            # Filled as prometheus-adapter fills it for /namespaces/<ns>/pods/*/<metric>.
            promql = (
                rule["metricsQuery"]
                .replace("<<.Series>>", series_name)
                .replace("<<.LabelMatchers>>", f'{ns_label}="{namespace}",{pod_label}=~"{POD}"')
                .replace("<<.GroupBy>>", pod_label)
            )
            assert "<<" not in promql, promql
            series = query(port, "/api/v1/query", {"query": promql})
            if series and float(series[0]["value"][1]) > 0:
                break
        time.sleep(0.5)
    assert found, f"no series of the adapter's rules {rules} is named '{metric}' after renaming"
    assert series, f"'{promql}' gave no result"
    assert [s["metric"] for s in series] == [{pod_label: POD}], series
    assert float(series[0]["value"][1]) > 0, series
