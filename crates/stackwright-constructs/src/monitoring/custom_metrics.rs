//! An autoscaler scaling on a custom metric (`Pods` or `Object`, read from the custom metrics
//! API) needs a Prometheus that the metric comes from: with monitoring's Prometheus off, every
//! such HorizontalPodAutoscaler of the cluster — a `FlaskApp`'s `CustomMetric`, a `Workload`'s
//! `HpaMetric::Pods` or `HpaMetric::Object`, or one included from YAML — is an error at the
//! construct that added it, whether it was added before monitoring or after.

use stackwright_core::{Diagnostic, KubeCluster, Node};

/// Registers the check at monitoring's `node` (at `path`).
pub(crate) fn require_prometheus(node: &Node, kube: &KubeCluster, path: &str) {
    let path = path.to_string();
    kube.check_objects_of_kind(node, "HorizontalPodAutoscaler", move |hpas| {
        hpas.iter().flat_map(|(owner, hpa)| problems(owner, hpa, &path)).collect()
    });
}

/// A problem per custom metric of `hpa` (added by the construct at `owner`).
fn problems(owner: &str, hpa: &serde_json::Value, monitoring: &str) -> Vec<Diagnostic> {
    let text = |pointer: &str| hpa.pointer(pointer).and_then(serde_json::Value::as_str).unwrap_or_default();
    let name = format!("{}/{}", text("/metadata/namespace"), text("/metadata/name"));
    let metrics = hpa.pointer("/spec/metrics").and_then(serde_json::Value::as_array).map_or(&[][..], Vec::as_slice);
    metrics
        .iter()
        .filter_map(|m| {
            let source = match m.get("type").and_then(serde_json::Value::as_str) {
                Some("Pods") => "pods",
                Some("Object") => "object",
                _ => return None,
            };
            let metric = m.pointer(&format!("/{source}/metric/name")).and_then(serde_json::Value::as_str)?;
            Some(Diagnostic::new(
                owner,
                format!(
                    "the autoscaler {name} scales on the custom metric '{metric}', but Prometheus is off in '{monitoring}': nothing would serve it"
                ),
                "turn Prometheus on in that Monitoring (Prometheus::On(PrometheusProps::default())), or scale on CPU and memory",
            ))
        })
        .collect()
}
