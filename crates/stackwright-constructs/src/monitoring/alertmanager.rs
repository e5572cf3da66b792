//! Alertmanager: routes alerts to its receivers (by default the alarm SNS topic, the one
//! CloudWatch alarms use too), critical ones repeated hourly, warnings every four hours; a
//! critical alert silences the warning of the same name and namespace. With an SNS receiver it
//! publishes with an IRSA role allowed to publish to that one topic; the other receivers'
//! credentials are files of mounted Secrets. The configuration is one `amtool` 0.25 accepts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value as Json, json};
use stackwright_core::k8s_openapi::api::core::v1::{ConfigMap, KeyToPath, SecretVolumeSource, Volume};
use stackwright_core::{Arn, Attr};

use super::receivers::{self, Receiver, ReceiverKind, SECRETS_DIR};
use super::workload::{Pod, config_map_volume, empty_dir};
use super::{AlertmanagerProps, Ctx, NAMESPACE};
use crate::iam::{PolicyDocument, Statement};
use crate::internal::config_hash;
use crate::workload::meta::string_map;
use crate::workload::resources::{ComputeResources, Cpu, Memory};

pub(crate) const PORT: i32 = 9093;

/// `alertmanager.yml`: the route tree and `receivers`; `topic_arn` is a late-bound
/// placeholder.
pub(crate) fn config(receivers: &[Receiver], topic_arn: &str, region: &str) -> Json {
    json!({
        "global": { "resolve_timeout": "5m" },
        "route": receivers::route(receivers),
        "inhibit_rules": [{
            "source_matchers": ["severity=\"critical\""],
            "target_matchers": ["severity=\"warning\""],
            "equal": ["alertname", "namespace"],
        }],
        "receivers": receivers.iter().map(|r| r.config(topic_arn, region)).collect::<Vec<_>>(),
    })
}

pub(crate) fn add(
    cx: &Ctx<'_>,
    props: &AlertmanagerProps,
    yaml: &str,
    topic_arn: &Attr<Arn>,
    key_arn: &Attr<Arn>,
) -> stackwright_core::Result<()> {
    let labels =
        string_map([("app.kubernetes.io/name", "alertmanager"), ("app.kubernetes.io/instance", "alertmanager")]);
    let image = &cx.props.images.alertmanager;
    let mut pod = Pod::new("alertmanager", NAMESPACE, labels, image.render(cx.kube)?, image.pull_policy());
    pod.args = vec![
        "--config.file=/etc/alertmanager/alertmanager.yml".into(),
        "--storage.path=/alertmanager".into(),
        format!("--web.listen-address=:{PORT}"),
        // One replica: no gossip cluster to form.
        "--cluster.listen-address=".into(),
    ];
    pod.ports = vec![("web".into(), PORT)];
    pod.liveness = ("/-/healthy".into(), "web".into());
    pod.readiness = ("/-/ready".into(), "web".into());
    pod.resources = ComputeResources::new(Cpu::millicores(50), Memory::mebibytes(64))
        .limits(Cpu::millicores(200), Memory::mebibytes(256));
    let files = string_map([("alertmanager.yml", yaml)]);
    pod.annotations.insert(config_hash::ANNOTATION.into(), config_hash::of_map(&files));
    pod.mount(config_map_volume("config", "alertmanager-config"), "/etc/alertmanager", true);
    pod.mount(empty_dir("data", "1Gi", false), "/alertmanager", false);
    mount_secrets(&mut pod, &props.receivers);

    let mut sa = pod.service_account();
    // The role that publishes to the topic, only when a receiver does.
    if props.receivers.iter().any(|r| r.kind == ReceiverKind::Sns) {
        sa.metadata.annotations = Some(sns_role(cx, topic_arn, key_arn)?);
    }
    cx.add(&sa)?;
    cx.add(&ConfigMap { metadata: pod.meta("alertmanager-config"), data: Some(files), ..Default::default() })?;
    cx.add(&pod.deployment(false))?;
    cx.add(&pod.service())
}

/// An IRSA role that may publish to the alarm topic (and encrypt for it), as the service
/// account's annotations.
fn sns_role(
    cx: &Ctx<'_>,
    topic_arn: &Attr<Arn>,
    key_arn: &Attr<Arn>,
) -> stackwright_core::Result<BTreeMap<String, String>> {
    let policy = PolicyDocument::new([
        Statement::allow(["sns:Publish"], [topic_arn.value().clone()]).sid("PublishAlertsToTheAlarmTopic"),
        Statement::allow(["kms:GenerateDataKey", "kms:Decrypt"], [key_arn.value().clone()])
            .sid("EncryptForTheAlarmTopic"),
    ]);
    let role = cx.cluster.service_account_role(cx.node, "AlertmanagerRole", NAMESPACE, "alertmanager", policy)?;
    Ok(string_map([
        ("eks.amazonaws.com/role-arn", cx.kube.late_bound(role)?),
        ("eks.amazonaws.com/sts-regional-endpoints", "true".to_string()),
    ]))
}

/// Each Secret the receivers read, mounted read-only at `<SECRETS_DIR>/<secret>`, with only
/// the keys they name: the configuration reads them as files, never as text of its own.
fn mount_secrets(pod: &mut Pod, receivers: &[Receiver]) {
    let mut keys: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for secret in receivers.iter().flat_map(Receiver::secrets) {
        keys.entry(secret.name.as_str()).or_default().insert(secret.key.as_str());
    }
    for (i, (secret, keys)) in keys.into_iter().enumerate() {
        let volume = Volume {
            name: format!("receiver-secret-{i}"),
            secret: Some(SecretVolumeSource {
                secret_name: Some(secret.to_string()),
                items: Some(
                    keys.into_iter()
                        .map(|k| KeyToPath { key: k.to_string(), path: k.to_string(), mode: None })
                        .collect(),
                ),
                default_mode: Some(0o440),
                optional: Some(false),
            }),
            ..Default::default()
        };
        pod.mount(volume, &format!("{SECRETS_DIR}/{secret}"), true);
    }
}
