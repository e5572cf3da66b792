//! Prometheus alert rules: the cluster's (crash-looping pods, nodes not ready, autoscalers at
//! their maximum, unreachable kubelets) and each scraped app's (error rate, latency, no
//! healthy target). Rendered as rule files that `promtool check rules` 2.42 accepts.

use serde_json::{Value as Json, json};

use super::props::AlertThresholds;
use super::scrape::ScrapeTarget;

fn alert(name: &str, expr: &str, for_: &str, severity: &str, summary: &str, description: &str) -> Json {
    json!({
        "alert": name,
        "expr": expr,
        "for": for_,
        "labels": { "severity": severity },
        "annotations": { "summary": summary, "description": description },
    })
}

/// `kubernetes.rules.yml`: rules on kube-state-metrics (when it runs) and the kubelets.
pub(crate) fn kubernetes_rules(kube_state_metrics: bool) -> Json {
    let mut rules = kubernetes_rule_list();
    if !kube_state_metrics {
        // Only the kubelets' rule reads no kube-state-metrics series.
        rules.retain(|r| r["alert"] == "KubeletDown");
    }
    json!({ "groups": [{ "name": "kubernetes", "rules": rules }]})
}

fn kubernetes_rule_list() -> Vec<Json> {
    vec![
        alert(
            "KubePodCrashLooping",
            "max_over_time(kube_pod_container_status_waiting_reason{reason=\"CrashLoopBackOff\"}[5m]) >= 1",
            "15m",
            "critical",
            "Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping",
            "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes: read its logs and the previous container's (kubectl logs --previous).",
        ),
        alert(
            "KubeNodeNotReady",
            "kube_node_status_condition{condition=\"Ready\",status=\"true\"} == 0",
            "15m",
            "critical",
            "Node {{ $labels.node }} is not ready",
            "Node {{ $labels.node }} has not been Ready for 15 minutes; its pods are being evicted. Check the node group and the instance's status checks.",
        ),
        alert(
            "KubeHpaMaxedOut",
            "kube_horizontalpodautoscaler_status_current_replicas >= on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas",
            "15m",
            "warning",
            "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is at its maximum",
            "The autoscaler has run at its maximum replicas for 15 minutes: the load may exceed what it may add. Raise max_replicas or find the cause.",
        ),
        alert(
            "KubeletDown",
            "up{job=\"kubernetes-nodes\"} == 0",
            "15m",
            "critical",
            "Prometheus cannot scrape the kubelet of {{ $labels.instance }}",
            "The kubelet of {{ $labels.instance }} has not answered for 15 minutes: the node may be down or partitioned.",
        ),
        alert(
            "KubeStateMetricsDown",
            "absent(up{job=\"kube-state-metrics\"} == 1)",
            "15m",
            "warning",
            "kube-state-metrics is down",
            "Without kube-state-metrics the crash-loop, node and autoscaler alerts cannot fire.",
        ),
    ]
}

/// `<namespace>-<app>.rules.yml`: the app's error rate, latency and availability, on the
/// metrics its `/metrics` serves.
pub(crate) fn app_rules(target: &ScrapeTarget, thresholds: &AlertThresholds) -> Json {
    let sel = format!("namespace=\"{}\",app=\"{}\"", target.namespace, target.name);
    let id = stackwright_core::names::pascal_case(&target.name);
    let errors = format!(
        "sum(rate(http_requests_total{{{sel},status=~\"5..\"}}[5m])) / sum(rate(http_requests_total{{{sel}}}[5m])) > {}",
        thresholds.error_rate
    );
    let latency = format!(
        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[5m]))) > {}",
        thresholds.latency_p95_seconds
    );
    let down = format!("sum(up{{job=\"kubernetes-pods\",{sel}}}) == 0 or absent(up{{job=\"kubernetes-pods\",{sel}}})");
    let app = format!("{}/{}", target.namespace, target.name);
    json!({ "groups": [{
        "name": format!("{}-{}", target.namespace, target.name),
        "rules": [
            alert(
                &format!("{id}HighErrorRate"),
                &errors,
                "5m",
                "critical",
                &format!("{app}: more than {}% of requests fail", thresholds.error_rate * 100.0),
                &format!("{app} has answered more than {}% of its requests with 5xx for 5 minutes ({{{{ $value | humanizePercentage }}}} now).", thresholds.error_rate * 100.0),
            ),
            alert(
                &format!("{id}HighLatency"),
                &latency,
                "10m",
                "warning",
                &format!("{app}: p95 latency above {}s", thresholds.latency_p95_seconds),
                &format!("The 95th percentile of {app}'s request duration has been above {}s for 10 minutes ({{{{ $value | humanizeDuration }}}} now).", thresholds.latency_p95_seconds),
            ),
            alert(
                &format!("{id}Down"),
                &down,
                "5m",
                "critical",
                &format!("{app}: no pod can be scraped"),
                &format!("Prometheus has scraped no pod of {app} for 5 minutes."),
            ),
        ],
    }]})
}
