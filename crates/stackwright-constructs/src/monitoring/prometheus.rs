//! Prometheus as a plain Deployment: its configuration (API server, kubelets and cAdvisor,
//! kube-state-metrics, annotated pods), the RBAC its discovery needs, retention, and an optional
//! encrypted gp3 volume.
//!
//! The configuration uses only what Prometheus 2.x reads (and Debian bookworm's `promtool`
//! 2.42 checks): no 3.x-only fields.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};
use stackwright_core::k8s_openapi::api::core::v1::{
    ConfigMap, PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, Volume,
    VolumeResourceRequirements,
};
use stackwright_core::k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule};
use stackwright_core::k8s_openapi::api::storage::v1::StorageClass;
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::workload::{Pod, config_map_volume, empty_dir};
use super::{Ctx, NAMESPACE, PersistentStorage, PrometheusProps};
use crate::internal::config_hash;
use crate::internal::scrape_contract::prometheus_selector;
use crate::workload::meta::{TOKEN_DIR, cluster_role_binding, meta, string_map};

pub(crate) const PORT: i32 = 9090;
/// The StorageClass of Prometheus' volume: gp3, encrypted, kept when the claim goes away.
pub(crate) const STORAGE_CLASS: &str = "stackwright-gp3-encrypted";

/// The scrape timeout for a scrape interval: Prometheus' own rule for a timeout left unset
/// (its default, 10 s, unless the interval is shorter, since a timeout may not exceed the
/// interval), written out so that `promtool` and readers see it. Derived, not a user input cut
/// down: the interval itself is checked (5 to 300 s) and used as given.
fn scrape_timeout_seconds(scrape_interval_seconds: u32) -> u32 {
    const PROMETHEUS_DEFAULT_TIMEOUT_SECONDS: u32 = 10;
    scrape_interval_seconds.min(PROMETHEUS_DEFAULT_TIMEOUT_SECONDS)
}

/// `prometheus.yml`; `alertmanager` and `kube_state_metrics` say whether those run (and are
/// sent alerts, or scraped).
pub(crate) fn config(
    cluster_name: &str,
    scrape_interval_seconds: u32,
    alertmanager: bool,
    kube_state_metrics: bool,
) -> Json {
    let token = format!("{TOKEN_DIR}/token");
    let ca = format!("{TOKEN_DIR}/ca.crt");
    let in_cluster = |job: &str, role: &str| {
        json!({
            "job_name": job,
            "scheme": "https",
            "kubernetes_sd_configs": [{ "role": role }],
            "tls_config": { "ca_file": ca },
            "authorization": { "credentials_file": token },
        })
    };
    let mut apiservers = in_cluster("kubernetes-apiservers", "endpointslice");
    apiservers["relabel_configs"] = json!([{
        "source_labels": ["__meta_kubernetes_namespace", "__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"],
        "action": "keep",
        "regex": "default;kubernetes;https",
    }]);
    // Kubelets serve certificates signed by the cluster CA (EKS approves their CSRs), for the
    // node's address: they are verified, not skipped.
    let node_labels = json!([
        { "action": "labelmap", "regex": "__meta_kubernetes_node_label_(.+)" },
        { "source_labels": ["__meta_kubernetes_node_name"], "target_label": "node" },
    ]);
    let mut nodes = in_cluster("kubernetes-nodes", "node");
    nodes["relabel_configs"] = node_labels.clone();
    let mut cadvisor = in_cluster("kubernetes-cadvisor", "node");
    cadvisor["metrics_path"] = json!("/metrics/cadvisor");
    cadvisor["relabel_configs"] = node_labels;
    let pods = json!({
        "job_name": "kubernetes-pods",
        "kubernetes_sd_configs": [{ "role": "pod" }],
        "relabel_configs": [
            { "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], "action": "keep", "regex": "true" },
            { "source_labels": ["__meta_kubernetes_pod_phase"], "action": "drop", "regex": "Pending|Succeeded|Failed|Completed" },
            { "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_path"], "action": "replace", "target_label": "__metrics_path__", "regex": "(.+)" },
            {
                "source_labels": ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
                "action": "replace",
                "regex": "([^:]+)(?::\\d+)?;(\\d+)",
                "replacement": "$1:$2",
                "target_label": "__address__",
            },
            { "source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace" },
            { "source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod" },
            { "source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], "target_label": "app" },
        ],
    });
    let mut jobs = vec![
        json!({ "job_name": "prometheus", "static_configs": [{ "targets": [format!("localhost:{PORT}")] }] }),
        apiservers,
        nodes,
        cadvisor,
    ];
    if kube_state_metrics {
        jobs.push(json!({
            "job_name": "kube-state-metrics",
            "honor_labels": true,
            "static_configs": [{ "targets": [format!("kube-state-metrics.{NAMESPACE}.svc:{}", super::kube_state_metrics::PORT)] }],
        }));
    }
    jobs.push(pods);
    let mut config = json!({
        "global": {
            "scrape_interval": format!("{scrape_interval_seconds}s"),
            "scrape_timeout": format!("{}s", scrape_timeout_seconds(scrape_interval_seconds)),
            "evaluation_interval": format!("{scrape_interval_seconds}s"),
            "external_labels": { "cluster": cluster_name },
        },
        "rule_files": ["/etc/prometheus/*.rules.yml"],
        "alerting": { "alertmanagers": [{ "static_configs": [{ "targets": [format!("alertmanager.{NAMESPACE}.svc:{}", super::alertmanager::PORT)] }] }] },
        "scrape_configs": jobs,
    });
    if !alertmanager && let Some(c) = config.as_object_mut() {
        c.shift_remove("alerting");
    }
    config
}

/// The Kubernetes objects of Prometheus. `files` are the configuration and rule files.
pub(crate) fn add(cx: &Ctx<'_>, p: &PrometheusProps, files: &BTreeMap<String, String>) -> stackwright_core::Result<()> {
    let labels = prometheus_selector();
    let image = &cx.props.images.prometheus;
    let mut pod = Pod::new("prometheus", NAMESPACE, labels.clone(), image.render(cx.kube)?, image.pull_policy());
    let mut args = vec![
        "--config.file=/etc/prometheus/prometheus.yml".to_string(),
        "--storage.tsdb.path=/prometheus".to_string(),
        format!("--storage.tsdb.retention.time={}d", p.retention_days),
        format!("--web.listen-address=:{PORT}"),
    ];
    if let Some(storage) = &p.storage {
        args.push(format!("--storage.tsdb.retention.size={}GB", retention_size_gb(storage.size_gib)));
    }
    pod.args = args;
    pod.ports = vec![("web".into(), PORT)];
    pod.liveness = ("/-/healthy".into(), "web".into());
    pod.readiness = ("/-/ready".into(), "web".into());
    pod.resources = p.resources;
    pod.api_token = true;
    pod.annotations.insert(config_hash::ANNOTATION.into(), config_hash::of_map(files));
    pod.mount(config_map_volume("config", "prometheus-config"), "/etc/prometheus", true);
    let data = match &p.storage {
        Some(_) => Volume {
            name: "data".into(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: "prometheus-data".into(),
                read_only: Some(false),
            }),
            ..Default::default()
        },
        None => empty_dir("data", "20Gi", false),
    };
    pod.mount(data, "/prometheus", false);

    cx.add(&pod.service_account())?;
    cx.add(&cluster_role(&labels))?;
    cx.add(&cluster_role_binding("stackwright-prometheus", &labels, "prometheus", NAMESPACE))?;
    cx.add(&ConfigMap { metadata: pod.meta("prometheus-config"), data: Some(files.clone()), ..Default::default() })?;
    if let Some(storage) = &p.storage {
        persistent_volume(cx, &pod, storage)?;
    }
    cx.add(&pod.deployment(p.storage.is_some()))?;
    cx.add(&pod.service())?;
    Ok(())
}

/// Read access to what Prometheus discovers and scrapes: nodes and their metrics, services,
/// pods, endpoint slices, and the API server's `/metrics`.
fn cluster_role(labels: &BTreeMap<String, String>) -> ClusterRole {
    ClusterRole {
        metadata: meta("stackwright-prometheus", None, labels),
        rules: Some(vec![
            PolicyRule {
                api_groups: Some(vec![String::new()]),
                resources: Some(vec!["nodes".into(), "nodes/metrics".into(), "services".into(), "pods".into()]),
                verbs: vec!["get".into(), "list".into(), "watch".into()],
                ..Default::default()
            },
            PolicyRule {
                api_groups: Some(vec!["discovery.k8s.io".into()]),
                resources: Some(vec!["endpointslices".into()]),
                verbs: vec!["get".into(), "list".into(), "watch".into()],
                ..Default::default()
            },
            PolicyRule {
                non_resource_urls: Some(vec!["/metrics".into()]),
                verbs: vec!["get".into()],
                ..Default::default()
            },
        ]),
        ..Default::default()
    }
}

/// The encrypted gp3 StorageClass (kept when the claim goes away) and the data volume's claim.
/// The class encrypts with the cluster's EBS volume key when it has one (`kmsKeyId`, else the
/// AWS managed key) and tags each volume with the storage's backup tag (`tagSpecification_1`)
/// when it has one, so that the backup plan selecting that tag picks the volume up.
fn persistent_volume(cx: &Ctx<'_>, pod: &Pod, storage: &PersistentStorage) -> stackwright_core::Result<()> {
    let mut parameters = string_map([("type", "gp3"), ("encrypted", "true")]);
    if let Some(key) = cx.cluster.ebs_volume_key() {
        // A referenced cluster's key is a literal ARN, known at synth; a created one's is
        // late-bound to its stack output.
        let key_id = match key.value() {
            stackwright_core::Value::String(arn) => arn.clone(),
            _ => cx.kube.late_bound(key)?,
        };
        parameters.insert("kmsKeyId".into(), key_id);
    }
    if let Some(tag) = &storage.backup_tag {
        parameters.insert("tagSpecification_1".into(), tag.tag_specification());
    }
    cx.add(&StorageClass {
        metadata: meta(STORAGE_CLASS, None, &string_map([("app.kubernetes.io/part-of", "stackwright")])),
        provisioner: "ebs.csi.aws.com".into(),
        parameters: Some(parameters),
        reclaim_policy: Some("Retain".into()),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        allow_volume_expansion: Some(true),
        ..Default::default()
    })?;
    cx.add(&PersistentVolumeClaim {
        metadata: pod.meta("prometheus-data"),
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            storage_class_name: Some(STORAGE_CLASS.into()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".to_string(), Quantity(format!("{}Gi", storage.size_gib)))])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The size-based retention for a volume of `size_gib`: 80 %, a margin TSDB compaction needs.
/// The volume is checked to be 10 to 16384 GiB, so this is 8 to 13107 (no floor needed; the
/// arithmetic is in `u64` so that no size can overflow it).
fn retention_size_gb(size_gib: u32) -> u64 {
    u64::from(size_gib) * 8 / 10
}
