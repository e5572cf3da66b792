//! The NVIDIA device plugin: what makes a GPU node's GPUs schedulable. The EKS-optimized
//! AL2023 NVIDIA AMI brings the driver and the container toolkit, but the kubelet advertises
//! `nvidia.com/gpu` only once a device plugin registers with it; without one a pod asking for
//! a GPU stays `Pending` on a node full of them (EKS User Guide, "Use the NVIDIA DRA driver or
//! device plugin on Amazon EKS", read 2026-12-07).
//!
//! A cluster the program creates gets the plugin with its first node group on an NVIDIA AMI
//! (`EksClusterProps::nvidia_device_plugin`, default on), as one DaemonSet in `kube-system`
//! that runs on those node groups only: they carry [`ACCELERATOR_LABEL`], and the pods tolerate
//! the `nvidia.com/gpu` taint GPU node groups are usually given.
//!
//! The plugin is the upstream release's static deployment, hardened where it allows: no
//! privilege escalation, every capability dropped, a read-only root filesystem, `RuntimeDefault`
//! seccomp, no API token (it does not call the API server), requests and limits. It runs as
//! root, the one exception, because it serves its socket in the kubelet's root-owned
//! `/var/lib/kubelet/device-plugins` (a `hostPath`); it has no health endpoint to probe (the
//! kubelet sees its registration). A NetworkPolicy closes its pods to every connection but DNS
//! (it talks to the kubelet over a Unix socket). Those exceptions are written on the DaemonSet as checkov
//! skips with these reasons, so they travel with the object.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use stackwright_core::k8s_openapi::api::core::v1::{
    Capabilities, Container, EnvVar, HostPathVolumeSource, PodSecurityContext, PodSpec, PodTemplateSpec,
    ResourceRequirements, SecurityContext, Toleration, Volume, VolumeMount,
};
use stackwright_core::k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicySpec};
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stackwright_core::{KubeCluster, Node, Result};

use crate::internal::labels::{selector, string_map};
use crate::internal::network_policy::dns_egress;
use crate::workload::pod_security::runtime_default_seccomp;

/// The label every node of a node group on an NVIDIA AMI carries (and the autoscaler's node
/// template with it), which the plugin's pods select.
pub(crate) const ACCELERATOR_LABEL: (&str, &str) = ("stackwright.io/accelerator", "nvidia");

/// The plugin's image: upstream's latest release, v0.20.0 (tag read 2026-12-07 from
/// NVIDIA/k8s-device-plugin; its static deployment names this image).
pub(crate) const DEFAULT_IMAGE: &str = "nvcr.io/nvidia/k8s-device-plugin:v0.20.0";

const NAME: &str = "nvidia-device-plugin";
const NAMESPACE: &str = "kube-system";
const SOCKETS: &str = "/var/lib/kubelet/device-plugins";

/// The exceptions to the hardened pod, as checkov skips with their reasons.
const EXCEPTIONS: &[(&str, &str)] = &[
    ("CKV_K8S_40", "runs as root: it serves its socket in the kubelet's root-owned /var/lib/kubelet/device-plugins"),
    ("CKV_K8S_23", "root admitted: it serves its socket in the kubelet's root-owned /var/lib/kubelet/device-plugins"),
    ("CKV_K8S_8", "no health endpoint to probe: the kubelet sees the plugin's registration"),
    ("CKV_K8S_9", "no readiness endpoint: the kubelet sees the plugin's registration"),
];

/// Adds the plugin's DaemonSet to `kube`, owned by `scope` (the cluster).
///
/// # Errors
///
/// When the object cannot be added (a name taken on the cluster).
pub(crate) fn install(scope: &Node, kube: &KubeCluster, image: &str) -> Result<()> {
    kube.add(scope, &daemon_set(image))?;
    kube.add(scope, &network_policy())
}

/// The plugin talks to the kubelet over a Unix socket: no connection in, and out only DNS (the
/// one flow every pod of the house is allowed, so a resolver lookup never hangs it).
fn network_policy() -> NetworkPolicy {
    NetworkPolicy {
        metadata: ObjectMeta {
            name: Some(NAME.into()),
            namespace: Some(NAMESPACE.into()),
            labels: Some(labels()),
            ..Default::default()
        },
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector(&labels())),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            egress: Some(vec![dns_egress()]),
            ..Default::default()
        }),
    }
}

fn labels() -> BTreeMap<String, String> {
    string_map([("app.kubernetes.io/name", NAME), ("app.kubernetes.io/component", "device-plugin")])
}

/// The plugin's container: hardened where the plugin allows, the kubelet's socket directory
/// mounted.
fn container(image: &str) -> Container {
    let quantities = |cpu: &str, memory: &str| {
        BTreeMap::from([("cpu".to_string(), Quantity(cpu.into())), ("memory".to_string(), Quantity(memory.into()))])
    };
    Container {
        name: NAME.into(),
        image: Some(image.into()),
        image_pull_policy: Some(if image.contains('@') { "IfNotPresent" } else { "Always" }.into()),
        // A node whose GPUs the plugin cannot initialise keeps its pod running (and logging why)
        // rather than crash-looping.
        env: Some(vec![EnvVar {
            name: "FAIL_ON_INIT_ERROR".into(),
            value: Some("false".into()),
            ..Default::default()
        }]),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            privileged: Some(false),
            read_only_root_filesystem: Some(true),
            capabilities: Some(Capabilities { drop: Some(vec!["ALL".into()]), ..Default::default() }),
            seccomp_profile: Some(runtime_default_seccomp()),
            ..Default::default()
        }),
        resources: Some(ResourceRequirements {
            requests: Some(quantities("10m", "32Mi")),
            limits: Some(quantities("100m", "128Mi")),
            ..Default::default()
        }),
        volume_mounts: Some(vec![VolumeMount {
            name: "device-plugins".into(),
            mount_path: SOCKETS.into(),
            ..Default::default()
        }]),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        ..Default::default()
    }
}

fn daemon_set(image: &str) -> DaemonSet {
    let labels = labels();
    let annotations: BTreeMap<String, String> = EXCEPTIONS
        .iter()
        .enumerate()
        .map(|(i, (check, reason))| (format!("checkov.io/skip{}", i + 1), format!("{check}={reason}")))
        .collect();
    let pod = PodSpec {
        containers: vec![container(image)],
        node_selector: Some(string_map([ACCELERATOR_LABEL])),
        tolerations: Some(vec![Toleration {
            key: Some("nvidia.com/gpu".into()),
            operator: Some("Exists".into()),
            effect: Some("NoSchedule".into()),
            ..Default::default()
        }]),
        priority_class_name: Some("system-node-critical".into()),
        automount_service_account_token: Some(false),
        security_context: Some(PodSecurityContext {
            seccomp_profile: Some(runtime_default_seccomp()),
            ..Default::default()
        }),
        volumes: Some(vec![Volume {
            name: "device-plugins".into(),
            host_path: Some(HostPathVolumeSource { path: SOCKETS.into(), type_: Some("Directory".into()) }),
            ..Default::default()
        }]),
        ..Default::default()
    };
    DaemonSet {
        metadata: ObjectMeta {
            name: Some(NAME.into()),
            namespace: Some(NAMESPACE.into()),
            labels: Some(labels.clone()),
            annotations: Some(annotations),
            ..Default::default()
        },
        spec: Some(DaemonSetSpec {
            selector: selector(&labels),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta { labels: Some(labels), ..Default::default() }),
                spec: Some(pod),
            },
            update_strategy: Some(DaemonSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDaemonSet {
                    max_unavailable: Some(IntOrString::Int(1)),
                    ..Default::default()
                }),
            }),
            revision_history_limit: Some(5),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plugin_runs_on_gpu_nodes_only_with_its_exceptions_written_down() {
        let ds = serde_json::to_value(daemon_set(DEFAULT_IMAGE)).unwrap();
        let pod = &ds["spec"]["template"]["spec"];
        assert_eq!(pod["nodeSelector"]["stackwright.io/accelerator"], "nvidia");
        assert_eq!(pod["tolerations"][0]["key"], "nvidia.com/gpu");
        assert_eq!(pod["automountServiceAccountToken"], false);
        let c = &pod["containers"][0];
        assert_eq!(c["securityContext"]["allowPrivilegeEscalation"], false);
        assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
        assert_eq!(c["volumeMounts"][0]["mountPath"], SOCKETS);
        let annotations = ds["metadata"]["annotations"].as_object().unwrap();
        assert_eq!(annotations.len(), EXCEPTIONS.len());
        assert!(annotations.values().all(|v| v.as_str().unwrap().contains('=')), "{annotations:?}");
        // No connection in, only DNS out.
        let policy = serde_json::to_value(network_policy()).unwrap();
        assert_eq!(policy["spec"]["policyTypes"], serde_json::json!(["Ingress", "Egress"]));
        assert!(policy["spec"].get("ingress").is_none());
        assert_eq!(policy["spec"]["egress"].as_array().unwrap().len(), 1);
        assert_eq!(policy["spec"]["podSelector"]["matchLabels"], ds["spec"]["selector"]["matchLabels"]);
    }
}
