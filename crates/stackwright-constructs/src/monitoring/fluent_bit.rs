//! Fluent Bit as a DaemonSet, shipping every container's log lines (enriched with namespace,
//! pod and container) to the CloudWatch Logs group `/aws/eks/<cluster>/containers`, with an
//! IRSA role that may write to that one group.
//!
//! It runs as root, the one exception to the `restricted` profile, and is therefore opt-in:
//! see "Fluent Bit" in the docs of [`crate::monitoring`].

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use stackwright_core::k8s_openapi::api::core::v1::{ConfigMap, HostPathVolumeSource, Toleration, Volume};
use stackwright_core::k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicySpec};
use stackwright_core::k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule};
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stackwright_core::{Arn, Attr};

use super::Ctx;
use super::workload::{Pod, config_map_volume};
use crate::iam::{PolicyDocument, Statement};
use crate::internal::config_hash;
use crate::internal::network_policy::{default_deny, dns_egress, https_anywhere};
use crate::workload::meta::{cluster_role_binding, meta, selector, string_map};
use crate::workload::pod_security::{self, PodSecurityLevel};
use crate::workload::resources::{ComputeResources, Cpu, Memory};

pub(crate) const NAMESPACE: &str = "logging";
const PORT: i32 = 2020;

/// `fluent-bit.conf`.
pub(crate) fn config(region: &str, log_group: &str) -> String {
    format!(
        r#"[SERVICE]
    Flush              5
    Log_Level          info
    Daemon             off
    Parsers_File       /fluent-bit/etc/parsers.conf
    HTTP_Server        On
    HTTP_Listen        0.0.0.0
    HTTP_Port          {PORT}
    Health_Check       On
    storage.path       /var/fluent-bit/state/flb-storage/

[INPUT]
    Name               tail
    Tag                kube.*
    Path               /var/log/containers/*.log
    Exclude_Path       /var/log/containers/fluent-bit-*_{NAMESPACE}_*.log
    multiline.parser   cri
    DB                 /var/fluent-bit/state/flb_container.db
    Mem_Buf_Limit      50MB
    Skip_Long_Lines    On
    Refresh_Interval   10
    storage.type       filesystem

[FILTER]
    Name                kubernetes
    Match               kube.*
    Kube_URL            https://kubernetes.default.svc:443
    Kube_Tag_Prefix     kube.var.log.containers.
    Merge_Log           On
    Keep_Log            Off
    K8S-Logging.Exclude On
    Labels              Off
    Annotations         Off

[OUTPUT]
    Name                cloudwatch_logs
    Match               kube.*
    region              {region}
    log_group_name      {log_group}
    log_stream_template $kubernetes['namespace_name'].$kubernetes['pod_name'].$kubernetes['container_name']
    log_stream_prefix   node-
    auto_create_group   Off
    retry_limit         5
"#
    )
}

pub(crate) fn add(cx: &Ctx<'_>, log_group: &str, log_group_arn: &Attr<Arn>) -> stackwright_core::Result<()> {
    let labels = string_map([("app.kubernetes.io/name", "fluent-bit"), ("app.kubernetes.io/instance", "fluent-bit")]);
    namespace(cx)?;
    let (pod, files) = pod(cx, &labels, log_group)?;
    access(cx, &pod, &labels, log_group_arn)?;
    cx.add(&ConfigMap { metadata: pod.meta("fluent-bit-config"), data: Some(files), ..Default::default() })?;
    cx.add(&daemon_set(&pod, &labels))?;
    network_policies(cx, &pod, &labels)
}

/// The `logging` namespace: enforcing `privileged` (host paths, root), warning and auditing at
/// `restricted`.
fn namespace(cx: &Ctx<'_>) -> stackwright_core::Result<()> {
    let mut ns_labels = pod_security::namespace_labels(PodSecurityLevel::Privileged, cx.cluster.kubernetes_version());
    // Enforce privileged (hostPath, root), but keep warning and auditing at restricted.
    for mode in ["audit", "warn"] {
        ns_labels.insert(format!("pod-security.kubernetes.io/{mode}"), "restricted".into());
    }
    ns_labels.insert("app.kubernetes.io/part-of".into(), cx.node.app_name());
    cx.add(&stackwright_core::k8s_openapi::api::core::v1::Namespace {
        metadata: meta(NAMESPACE, None, &ns_labels),
        ..Default::default()
    })
}

/// The pod: the pinned image, its configuration (hashed into an annotation), the nodes' logs
/// mounted read-only and a state directory for positions.
fn pod(
    cx: &Ctx<'_>,
    labels: &BTreeMap<String, String>,
    log_group: &str,
) -> stackwright_core::Result<(Pod, BTreeMap<String, String>)> {
    let image = &cx.props.images.fluent_bit;
    let mut pod = Pod::new("fluent-bit", NAMESPACE, labels.clone(), image.render(cx.kube)?, image.pull_policy());
    pod.args = vec!["--config=/fluent-bit/config/fluent-bit.conf".into()];
    pod.ports = vec![("http".into(), PORT)];
    pod.liveness = ("/".into(), "http".into());
    pod.readiness = ("/api/v1/health".into(), "http".into());
    pod.resources = ComputeResources::new(Cpu::millicores(50), Memory::mebibytes(64))
        .limits(Cpu::millicores(250), Memory::mebibytes(256));
    pod.api_token = true;
    let conf = config(cx.cluster.region().as_str(), log_group);
    let files: BTreeMap<String, String> = string_map([("fluent-bit.conf", conf)]);
    pod.annotations.insert(config_hash::ANNOTATION.into(), config_hash::of_map(&files));
    pod.mount(config_map_volume("config", "fluent-bit-config"), "/fluent-bit/config", true);
    let host = |name: &str, path: &str, kind: &str| Volume {
        name: name.into(),
        host_path: Some(HostPathVolumeSource { path: path.into(), type_: Some(kind.into()) }),
        ..Default::default()
    };
    pod.mount(host("varlog", "/var/log", "Directory"), "/var/log", true);
    pod.mount(host("state", "/var/fluent-bit/state", "DirectoryOrCreate"), "/var/fluent-bit/state", false);

    Ok((pod, files))
}

/// The IRSA role that may write the containers' log group only, the service account, and
/// read access to pods and namespaces (for the Kubernetes metadata of each record).
fn access(
    cx: &Ctx<'_>,
    pod: &Pod,
    labels: &BTreeMap<String, String>,
    log_group_arn: &Attr<Arn>,
) -> stackwright_core::Result<()> {
    let policy = PolicyDocument::new([Statement::allow(
        ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        [log_group_arn.value().clone()],
    )
    .sid("WriteTheContainersLogGroupOnly")]);
    let role = cx.cluster.service_account_role(cx.node, "FluentBitRole", NAMESPACE, "fluent-bit", policy)?;
    let mut sa = pod.service_account();
    sa.metadata.annotations = Some(string_map([
        ("eks.amazonaws.com/role-arn", cx.kube.late_bound(role)?),
        ("eks.amazonaws.com/sts-regional-endpoints", "true".to_string()),
    ]));
    cx.add(&sa)?;
    let name = "stackwright-fluent-bit";
    cx.add(&ClusterRole {
        metadata: meta(name, None, labels),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["pods".into(), "namespaces".into()]),
            verbs: vec!["get".into(), "list".into(), "watch".into()],
            ..Default::default()
        }]),
        ..Default::default()
    })?;
    cx.add(&cluster_role_binding(name, labels, "fluent-bit", NAMESPACE))?;

    Ok(())
}

/// The DaemonSet: one pod per node, as root for the root-owned log files (nothing else is
/// relaxed), tolerating every taint.
fn daemon_set(pod: &Pod, labels: &BTreeMap<String, String>) -> DaemonSet {
    let mut template = pod.template(0);
    if let Some(spec) = template.spec.as_mut() {
        // Root, for the root-owned log files (see the module docs); nothing else is relaxed.
        if let Some(sc) = spec.security_context.as_mut() {
            sc.run_as_non_root = Some(false);
            sc.run_as_user = Some(0);
            sc.run_as_group = Some(0);
            sc.fs_group = None;
        }
        for c in &mut spec.containers {
            if let Some(sc) = c.security_context.as_mut() {
                sc.run_as_non_root = Some(false);
                sc.run_as_user = Some(0);
                sc.run_as_group = Some(0);
            }
        }
        spec.tolerations = Some(vec![Toleration { operator: Some("Exists".into()), ..Default::default() }]);
        spec.priority_class_name = Some("system-node-critical".into());
        spec.termination_grace_period_seconds = Some(30);
    }
    DaemonSet {
        metadata: pod.meta("fluent-bit"),
        spec: Some(DaemonSetSpec {
            selector: selector(labels),
            template,
            update_strategy: Some(DaemonSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDaemonSet {
                    max_unavailable: Some(IntOrString::String("20%".into())),
                    ..Default::default()
                }),
            }),
            revision_history_limit: Some(5),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The namespace is closed except for what Fluent Bit needs.
fn network_policies(cx: &Ctx<'_>, pod: &Pod, labels: &BTreeMap<String, String>) -> stackwright_core::Result<()> {
    // The namespace is closed except for what Fluent Bit needs: DNS, and HTTPS to the API
    // server, STS and CloudWatch Logs.
    let policy = |name: &str, spec: NetworkPolicySpec| NetworkPolicy { metadata: pod.meta(name), spec: Some(spec) };
    cx.add(&policy("default-deny", default_deny()))?;
    cx.add(&policy(
        "fluent-bit-egress",
        NetworkPolicySpec {
            pod_selector: Some(selector(labels)),
            policy_types: Some(vec!["Egress".into()]),
            egress: Some(vec![dns_egress(), https_anywhere()]),
            ..Default::default()
        },
    ))
}
