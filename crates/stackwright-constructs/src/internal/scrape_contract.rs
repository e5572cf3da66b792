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
