//! Alertmanager: routes every alert to the alarm SNS topic (the one CloudWatch alarms use too),
//! critical ones repeated hourly, warnings every four hours; a critical alert silences the
//! warning of the same name and namespace. It publishes with an IRSA role allowed to publish
//! to that one topic. The configuration is one `amtool` 0.25 accepts.

use serde_json::{Value as Json, json};
use stackwright_core::k8s_openapi::api::core::v1::ConfigMap;
use stackwright_core::{Arn, Attr};

use super::workload::{Pod, config_map_volume, empty_dir};
use super::{Ctx, NAMESPACE};
use crate::iam::{PolicyDocument, Statement};
use crate::internal::config_hash;
use crate::workload::meta::string_map;
use crate::workload::resources::{ComputeResources, Cpu, Memory};

pub(crate) const PORT: i32 = 9093;

/// `alertmanager.yml`; `topic_arn` is a late-bound placeholder.
pub(crate) fn config(topic_arn: &str, region: &str) -> Json {
    let sns = json!({
        "topic_arn": topic_arn,
        "sigv4": { "region": region },
        "subject": "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})",
        "message": "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\nlabels: {{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}\n\n{{ end }}",
        "send_resolved": true,
    });
    json!({
        "global": { "resolve_timeout": "5m" },
        "route": {
            "receiver": "sns",
            "group_by": ["alertname", "namespace"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": [{
                "receiver": "sns",
                "matchers": ["severity=\"critical\""],
                "repeat_interval": "1h",
            }],
        },
        "inhibit_rules": [{
            "source_matchers": ["severity=\"critical\""],
            "target_matchers": ["severity=\"warning\""],
            "equal": ["alertname", "namespace"],
        }],
        "receivers": [{ "name": "sns", "sns_configs": [sns] }],
    })
}

pub(crate) fn add(
    cx: &Ctx<'_>,
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

    let policy = PolicyDocument::new([
        Statement::allow(["sns:Publish"], [topic_arn.value().clone()]).sid("PublishAlertsToTheAlarmTopic"),
        Statement::allow(["kms:GenerateDataKey", "kms:Decrypt"], [key_arn.value().clone()])
            .sid("EncryptForTheAlarmTopic"),
    ]);
    let role = cx.cluster.service_account_role(cx.node, "AlertmanagerRole", NAMESPACE, "alertmanager", policy)?;
    let mut sa = pod.service_account();
    sa.metadata.annotations = Some(string_map([
        ("eks.amazonaws.com/role-arn", cx.kube.late_bound(role)?),
        ("eks.amazonaws.com/sts-regional-endpoints", "true".to_string()),
    ]));
    cx.add(&sa)?;
    cx.add(&ConfigMap { metadata: pod.meta("alertmanager-config"), data: Some(files), ..Default::default() })?;
    cx.add(&pod.deployment(false))?;
    cx.add(&pod.service())
}
