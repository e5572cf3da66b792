//! `Monitoring`: Prometheus, Grafana and Alertmanager as plain workloads (no operator, no
//! CRDs), an optional Fluent Bit DaemonSet, and the AWS side (log groups, a dashboard, alarms,
//! the billing alarm and a budget).

use std::collections::BTreeMap;

use crate::kube_meta::string_map;

/// The namespace the monitoring workloads run in.
pub const NAMESPACE: &str = "monitoring";

/// The labels that select Prometheus' pods (apps' NetworkPolicies let these in).
pub fn prometheus_selector() -> BTreeMap<String, String> {
    string_map([("app.kubernetes.io/name", "prometheus"), ("app.kubernetes.io/instance", "prometheus")])
}
