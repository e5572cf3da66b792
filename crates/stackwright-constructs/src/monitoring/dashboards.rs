//! Grafana dashboards, provisioned as JSON: one per scraped app (request rate, p50/p95/p99
//! latency, error rate, pod CPU and memory) and one for the cluster.

use serde_json::{Value as Json, json};

use super::scrape::ScrapeTarget;

/// The uid of the provisioned Prometheus data source.
pub(crate) const DATASOURCE_UID: &str = "prometheus";

pub(crate) fn datasource() -> Json {
    json!({ "type": "prometheus", "uid": DATASOURCE_UID })
}

/// A time-series panel at grid cell (x, y), 12 wide and 8 high.
fn panel(id: u32, title: &str, unit: &str, x: u32, y: u32, queries: &[(&str, &str)]) -> Json {
    let targets: Vec<Json> = queries
        .iter()
        .enumerate()
        .map(|(i, (expr, legend))| {
            json!({
                "refId": char::from(b'A' + i as u8).to_string(),
                "datasource": datasource(),
                "expr": expr,
                "legendFormat": legend,
            })
        })
        .collect();
    json!({
        "id": id,
        "type": "timeseries",
        "title": title,
        "datasource": datasource(),
        "gridPos": { "x": x, "y": y, "w": 12, "h": 8 },
        "fieldConfig": { "defaults": { "unit": unit }, "overrides": [] },
        "options": { "legend": { "displayMode": "list", "placement": "bottom" }, "tooltip": { "mode": "multi" } },
        "targets": targets,
    })
}

pub(crate) fn dashboard(uid: &str, title: &str, panels: Vec<Json>) -> Json {
    json!({
        "uid": uid,
        "title": title,
        "tags": ["stackwright"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": false,
        "refresh": "30s",
        "time": { "from": "now-6h", "to": "now" },
        "panels": panels,
    })
}

/// Grafana's longest dashboard uid.
const MAX_UID: usize = 40;

/// `uid` when it fits in Grafana's 40 characters; a longer one is cut to 31 and given a hash
/// of the whole, so that two apps whose uids share their first 40 characters do not overwrite
/// each other's dashboard (a cut alone would make them one).
pub(crate) fn dashboard_uid(uid: &str) -> String {
    if uid.len() <= MAX_UID {
        return uid.to_string();
    }
    let hash = crate::internal::config_hash::of_str(uid);
    format!("{}-{}", &uid[..MAX_UID - 9], &hash[..8])
}

/// The dashboard of one app.
pub(crate) fn app(target: &ScrapeTarget) -> Json {
    let sel = format!("namespace=\"{}\",app=\"{}\"", target.namespace, target.name);
    let pods = format!("namespace=\"{}\",pod=~\"{}-.*\",container!=\"\"", target.namespace, target.name);
    let quantile = |q: &str| {
        format!("histogram_quantile({q}, sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[5m])))")
    };
    let uid = dashboard_uid(&format!("app-{}-{}", target.namespace, target.name));
    dashboard(
        &uid,
        &format!("{} / {}", target.namespace, target.name),
        vec![
            panel(
                1,
                "Request rate",
                "reqps",
                0,
                0,
                &[(&format!("sum by (route) (rate(http_requests_total{{{sel}}}[5m]))"), "{{route}}")],
            ),
            panel(
                2,
                "Latency",
                "s",
                12,
                0,
                &[(&quantile("0.5"), "p50"), (&quantile("0.95"), "p95"), (&quantile("0.99"), "p99")],
            ),
            panel(
                3,
                "Error rate (5xx)",
                "percentunit",
                0,
                8,
                &[(
                    &format!(
                        "sum(rate(http_requests_total{{{sel},status=~\"5..\"}}[5m])) / sum(rate(http_requests_total{{{sel}}}[5m]))"
                    ),
                    "5xx share",
                )],
            ),
            panel(
                4,
                "Pod CPU",
                "cores",
                12,
                8,
                &[(&format!("sum by (pod) (rate(container_cpu_usage_seconds_total{{{pods}}}[5m]))"), "{{pod}}")],
            ),
            panel(
                5,
                "Pod memory (working set)",
                "bytes",
                0,
                16,
                &[(&format!("sum by (pod) (container_memory_working_set_bytes{{{pods}}})"), "{{pod}}")],
            ),
            panel(6, "Pods scraped", "short", 12, 16, &[(&format!("sum(up{{job=\"kubernetes-pods\",{sel}}})"), "up")]),
        ],
    )
}

/// The cluster dashboard.
pub(crate) fn cluster() -> Json {
    dashboard(
        "stackwright-cluster",
        "Cluster",
        vec![
            panel(
                1,
                "Node CPU (containers)",
                "cores",
                0,
                0,
                &[("sum by (node) (rate(container_cpu_usage_seconds_total{container!=\"\"}[5m]))", "{{node}}")],
            ),
            panel(
                2,
                "Node memory (containers, working set)",
                "bytes",
                12,
                0,
                &[("sum by (node) (container_memory_working_set_bytes{container!=\"\"})", "{{node}}")],
            ),
            panel(
                3,
                "Nodes ready",
                "short",
                0,
                8,
                &[("sum(kube_node_status_condition{condition=\"Ready\",status=\"true\"})", "ready")],
            ),
            panel(
                4,
                "Container restarts (15m)",
                "short",
                12,
                8,
                &[(
                    "sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[15m])) > 0",
                    "{{namespace}}/{{pod}}",
                )],
            ),
            panel(
                5,
                "HPA replicas (current / max)",
                "short",
                0,
                16,
                &[
                    (
                        "kube_horizontalpodautoscaler_status_current_replicas",
                        "{{namespace}}/{{horizontalpodautoscaler}} current",
                    ),
                    ("kube_horizontalpodautoscaler_spec_max_replicas", "{{namespace}}/{{horizontalpodautoscaler}} max"),
                ],
            ),
            panel(
                6,
                "API server requests by code",
                "reqps",
                12,
                16,
                &[("sum by (code) (rate(apiserver_request_total[5m]))", "{{code}}")],
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_uids_stay_unique_within_grafanas_limit() {
        assert_eq!(dashboard_uid("app-shop-web"), "app-shop-web");
        let a = dashboard_uid("app-payments-production-checkout-service-api");
        let b = dashboard_uid("app-payments-production-checkout-service-worker");
        assert!(a.len() == MAX_UID && b.len() == MAX_UID, "{a} {b}");
        assert!(a.starts_with("app-payments-production-checkou-"), "{a}");
        assert_ne!(a, b, "a cut alone made them one");
    }
}
