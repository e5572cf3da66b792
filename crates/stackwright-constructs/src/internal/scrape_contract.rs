//! The contract between monitoring and what it scrapes: where Prometheus runs and how its pods
//! are labelled. Workloads (FlaskApp, the cluster controllers) open their NetworkPolicies to
//! exactly these pods; `Monitoring` deploys Prometheus with them. Kept here, below both, so
//! that neither imports the other.

use std::collections::BTreeMap;

use super::labels::string_map;

/// The namespace the monitoring workloads run in (`Monitoring`'s `NAMESPACE`).
pub(crate) const MONITORING_NAMESPACE: &str = "monitoring";

/// The labels that select Prometheus' pods (apps' NetworkPolicies let these in).
pub(crate) fn prometheus_selector() -> BTreeMap<String, String> {
    string_map([("app.kubernetes.io/name", "prometheus"), ("app.kubernetes.io/instance", "prometheus")])
}

/// The metric families the Flask service of `examples/flask-app` serves on `/metrics`
/// (`flask_app/metrics.py`; a test reads that file and holds the two together). The histograms
/// are named by family: their series are `<name>_bucket`, `<name>_sum` and `<name>_count`.
pub(crate) const FLASK_APP_METRICS: [&str; 6] = [
    "http_requests_total",
    "http_request_duration_seconds",
    "db_operations_total",
    "db_operation_duration_seconds",
    "db_connection_attempts_total",
    "db_secret_reads_total",
];
