//! kube-state-metrics: the state of Kubernetes objects as metrics (pod restarts and waiting
//! reasons, node conditions, autoscaler sizes), which the crash-loop, node and autoscaler
//! alerts read. It reads only the kinds those need, never Secrets.

use stackwright_core::k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule};

use super::workload::Pod;
use super::{Ctx, KubeStateMetricsProps, NAMESPACE};
use crate::workload::meta::{cluster_role_binding, meta, string_map};

pub(crate) const PORT: i32 = 8080;
const TELEMETRY_PORT: i32 = 8081;

/// (API group, resources): what it lists and watches, and nothing else.
const WATCHED: [(&str, &[&str]); 4] = [
    ("", &["nodes", "pods", "namespaces", "persistentvolumeclaims"]),
    ("apps", &["deployments", "replicasets", "daemonsets", "statefulsets"]),
    ("autoscaling", &["horizontalpodautoscalers"]),
    ("policy", &["poddisruptionbudgets"]),
];

pub(crate) fn add(cx: &Ctx<'_>, props: &KubeStateMetricsProps) -> stackwright_core::Result<()> {
    let labels = string_map([
        ("app.kubernetes.io/name", "kube-state-metrics"),
        ("app.kubernetes.io/instance", "kube-state-metrics"),
    ]);
    let image = &cx.props.images.kube_state_metrics;
    let mut pod =
        Pod::new("kube-state-metrics", NAMESPACE, labels.clone(), image.render(cx.kube)?, image.pull_policy());
    let resources: Vec<&str> = WATCHED.iter().flat_map(|(_, r)| r.iter().copied()).collect();
    pod.args = vec![
        format!("--port={PORT}"),
        format!("--telemetry-port={TELEMETRY_PORT}"),
        format!("--resources={}", resources.join(",")),
    ];
    pod.ports = vec![("http-metrics".into(), PORT), ("telemetry".into(), TELEMETRY_PORT)];
    pod.liveness = ("/livez".into(), "http-metrics".into());
    pod.readiness = ("/readyz".into(), "telemetry".into());
    pod.resources = props.resources;
    pod.api_token = true;

    cx.add(&pod.service_account())?;
    let name = "stackwright-kube-state-metrics";
    cx.add(&ClusterRole {
        metadata: meta(name, None, &labels),
        rules: Some(
            WATCHED
                .iter()
                .map(|(group, resources)| PolicyRule {
                    api_groups: Some(vec![group.to_string()]),
                    resources: Some(resources.iter().map(|r| r.to_string()).collect()),
                    verbs: vec!["list".into(), "watch".into()],
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    })?;
    cx.add(&cluster_role_binding(name, &labels, "kube-state-metrics", NAMESPACE))?;
    cx.add(&pod.deployment(false))?;
    cx.add(&pod.service())
}
