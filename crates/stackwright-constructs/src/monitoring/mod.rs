//! `Monitoring`: metrics, dashboards, alerts and logs for a cluster and the apps on it.
//!
//! **In the cluster** (namespace `monitoring`, Pod Security `restricted`), plain workloads —
//! no operator, no CRDs: Prometheus (scraping the API server, the kubelets and cAdvisor,
//! kube-state-metrics and every pod annotated `prometheus.io/scrape: "true"`), kube-state-metrics,
//! Alertmanager (routing to its [receivers](Receiver): the alarm SNS topic by default, e-mail,
//! webhooks, Slack, PagerDuty, with credentials from Secrets you create) and Grafana (data
//! source and dashboards provisioned); NetworkPolicies that deny by default. Optionally Fluent
//! Bit (namespace `logging`; see *Fluent Bit* below for why it is opt-in).
//!
//! Each part is on or off with its own configuration ([`Prometheus`], [`Alertmanager`],
//! [`Grafana`], [`KubeStateMetrics`], [`LogShipping`]; all on but log shipping by default).
//! Alertmanager, Grafana and kube-state-metrics need Prometheus: one of them on with Prometheus
//! off is an error, and so is, with Prometheus or the [custom metrics adapter](CustomMetricsAdapter)
//! off, an autoscaler of the cluster scaling on a custom metric (`Pods` or `Object`) — reported
//! at the construct that added it. With both on, prometheus-adapter serves those metrics (in
//! `kube-system`, its rules made from the autoscalers added before monitoring).
//!
//! **In AWS** (the cluster's stack): a KMS key and the alarm SNS topic, with an optional e-mail
//! subscription; alarms on the EKS control plane; a CloudWatch dashboard; the containers' log
//! group when Fluent Bit runs. The billing alarm and budget go into a self-contained stack in
//! us-east-1 (see *Billing* below).
//!
//! **In the assembly**: `monitoring/<environment>-<cluster>/prometheus.yml`, the rule files
//! `*.rules.yml` and `alertmanager.yml`, the same bytes as in the ConfigMaps, so that
//! `promtool check config`, `promtool check rules` and `amtool check-config` run on them.
//!
//! # Fluent Bit: the one exception to the restricted profile
//! The kubelet writes container logs under `/var/log/pods` as root, mode 0640: only root can
//! read them. Fluent Bit therefore runs as **root** (with every capability dropped, no
//! privilege escalation, a read-only root filesystem and `RuntimeDefault` seccomp), reading the
//! host's `/var/log` read-only through a `hostPath` volume. Both are forbidden by the `restricted`
//! and `baseline` Pod Security levels, so Fluent Bit gets a namespace of its own, `logging`,
//! that enforces `privileged` (and warns and audits at `restricted`), and checkov's root checks
//! (CKV_K8S_23, CKV_K8S_40) fail for this DaemonSet. That is why Fluent Bit is opt-in; the
//! alternative is EKS's `amazon-cloudwatch-observability` add-on.
//!
//! # Billing
//! `AWS/Billing EstimatedCharges` exists only in us-east-1, whatever region the resources run
//! in, and a stack may only use values of its own environment. So the alarm goes into a
//! self-contained stack in us-east-1 of the cluster's account, with its own KMS key and SNS
//! topic: nothing crosses environments. Where that stack lives:
//!
//! 1. the stack given in `MonitoringProps::billing_stack` (it must be in us-east-1 of the same
//!    account — anything else is an error);
//! 2. otherwise, when the cluster's environment is in us-east-1, a new stack
//!    `billing-<cluster>` in it;
//! 3. otherwise the first environment of the app in us-east-1 of the same account, or a new
//!    one, `<environment>-us-east-1` — unless that id is taken by an environment of another
//!    account or region, which is an error naming it.
//!
//! The budget (AWS Budgets is a global service) goes into the same stack.
//!
//! ```
//! use stackwright_constructs::{ContainerImage, EksCluster, EksClusterProps, FlaskApp, FlaskAppProps, ImageReference, KubernetesVersion, Monitoring, MonitoringProps, NodeGroup, NodeGroupProps, Vpc, VpcProps};
//! use stackwright_core::{Account, App, Construct, Region};
//!
//! let app = App::new("demo");
//! let prod = app.environment("prod", Account::new("123456789012")?, Region::EuWest1);
//! let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default())?;
//! let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))?;
//! NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6))?;
//! let image = ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.0.0".into()));
//! let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image))?;
//! let monitoring = Monitoring::new(&cluster, "monitoring", MonitoringProps::default().scrape(&web).billing_alarm_usd(500))?;
//! // The cluster is in eu-west-1: the billing alarm got an environment in us-east-1.
//! assert_eq!(monitoring.billing_stack().unwrap().node().path(), "prod-us-east-1/billing-demo-prod-cluster");
//! let assembly = app.synth()?;
//! assert!(assembly.file("monitoring/prod-demo-prod-cluster/prometheus.yml").is_some());
//! # Ok::<(), stackwright_core::Error>(())
//! ```

mod adapter;
mod alert_rules;
mod alertmanager;
mod billing;
mod cloudwatch;
#[cfg(test)]
mod cloudwatch_sources;
mod compat;
mod custom_metrics;
mod dashboards;
mod encode;
mod exported_metrics;
mod fluent_bit;
mod grafana;
mod grafana_dashboards;
mod kube_state_metrics;
mod parts;
mod policies;
mod program_checks;
mod prometheus;
mod promql;
mod props;
mod receiver_checks;
mod receivers;
mod rules;
mod scrape;
mod workload;

use std::collections::BTreeMap;

pub use adapter::part::{CustomMetricsAdapter, CustomMetricsAdapterProps};
pub use alert_rules::{AlertRule, RuleGroup};
pub use grafana_dashboards::{DashboardPanel, GrafanaDashboard, PanelKind, PanelQuery};
pub use parts::{
    Alertmanager, AlertmanagerProps, Grafana, GrafanaProps, KubeStateMetrics, KubeStateMetricsProps, LogShipping,
    PersistentStorage, Prometheus, PrometheusProps,
};
pub use props::{AlertThresholds, MonitoringImages, MonitoringProps};
pub use receivers::{
    EmailReceiver, PagerDutyReceiver, Receiver, ReceiverKind, SecretKeyRef, Severity, SlackReceiver, WebhookReceiver,
};
pub use scrape::{ScrapeTarget, Scrapeable};
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::{Arn, Attr, Construct, Diagnostic, KubeCluster, Node, Result, Stack};

use crate::internal::problems::built_or_rejected;
use crate::internal::scrape_contract::MONITORING_NAMESPACE;
use crate::workload::cluster::WorkloadCluster;
use crate::workload::meta::string_map;
use crate::workload::pod_security::{self, PodSecurityLevel};

/// The namespace the monitoring workloads run in: the one the workloads' NetworkPolicies let
/// Prometheus in from.
pub const NAMESPACE: &str = MONITORING_NAMESPACE;

/// What the parts share while they are added.
pub(crate) struct Ctx<'a> {
    pub cluster: &'a dyn WorkloadCluster,
    pub kube: &'a KubeCluster,
    pub node: &'a Node,
    pub props: &'a MonitoringProps,
}

impl Ctx<'_> {
    pub(crate) fn add<K>(&self, object: &K) -> Result<()>
    where
        K: stackwright_core::k8s_openapi::Resource
            + stackwright_core::k8s_openapi::Metadata<Ty = ObjectMeta>
            + serde::Serialize
            + 'static,
    {
        self.kube.add(self.node, object)
    }
}

/// Monitoring of one cluster. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct Monitoring {
    node: Node,
    alarm_topic: Attr<Arn>,
    billing_stack: Option<Stack>,
}

impl Monitoring {
    /// Adds monitoring to `cluster` with id `id`.
    ///
    /// # Errors
    /// None of the input's: every problem with `props` (and with where the billing alarm would
    /// go) at once — and a bad or duplicate `id`, or an object name the cluster already has —
    /// is recorded at the construct's path and reported by synth with every other construct's
    /// problems; monitoring is then *rejected* and adds nothing (its alarm topic is a value
    /// synth never renders). On a rejected cluster, or scraping a rejected app (a target whose
    /// `workload_node` is rejected), it checks its own props only and is rejected with it. What is left is an error of building that is not the program's
    /// description (serialization of a configuration).
    pub fn new(cluster: &impl WorkloadCluster, id: &str, props: MonitoringProps) -> Result<Monitoring> {
        let cluster_path = cluster.node().path();
        let path = format!("{cluster_path}/{id}");
        let mut problems = props.problems(&path, &cluster_path);
        problems.extend(program_checks::problems(&props, &path));
        if let Prometheus::On(p) = &props.prometheus
            && p.storage.is_some()
            && !cluster.has_ebs_csi_driver()
        {
            problems.push(Diagnostic::new(
                &path,
                "Prometheus' persistent storage is an EBS volume, but the cluster has no EBS CSI driver to provision it",
                "turn on OptionalAddons::ebs_csi_driver (on a referenced cluster: install the aws-ebs-csi-driver add-on \
                 and say so with ExistingAddons::ebs_csi_driver(true)), or leave the storage unset",
            ));
        }
        let placement = match billing::place(cluster, &path, &props) {
            Ok(p) => p,
            Err(d) => {
                problems.push(d);
                None
            }
        };
        let node = cluster.node().add_child_deferred(id);
        if !problems.is_empty() {
            node.reject(problems);
        }
        if !node.is_rejected() && cluster.node().is_rejected() {
            node.reject_because_of(cluster);
        }
        // A rejected app to scrape: its problems are reported, and there is nothing to scrape.
        if !node.is_rejected()
            && let Some(app) = props.targets.iter().filter_map(|t| t.workload_node.as_ref()).find(|n| n.is_rejected())
        {
            node.reject_because_of(app);
        }
        let rejected = |node: Node| Monitoring { alarm_topic: node.rejected_attr(), node, billing_stack: None };
        if node.is_rejected() {
            return Ok(rejected(node));
        }
        built_or_rejected(&node, build(cluster, node.clone(), &path, &props, placement), || rejected(node.clone()))
    }

    /// The SNS topic CloudWatch alarms and Alertmanager notify: subscribe more endpoints to it.
    pub fn alarm_topic(&self) -> &Attr<Arn> {
        &self.alarm_topic
    }

    /// The us-east-1 stack holding the billing alarm and budget, when there is one.
    pub fn billing_stack(&self) -> Option<&Stack> {
        self.billing_stack.as_ref()
    }
}

/// Adds the checked monitoring's AWS resources, Kubernetes objects and assembly files to `node`.
fn build(
    cluster: &impl WorkloadCluster,
    node: Node,
    path: &str,
    props: &MonitoringProps,
    placement: Option<billing::Placement>,
) -> Result<Monitoring> {
    let kube = cluster.kube();
    let cluster_name = kube.name();
    let region = cluster.region();
    let cx = Ctx { cluster, kube, node: &node, props };

    // AWS: key, alarm topic, alarms, dashboard, log group.
    let fluent_bit = props.log_shipping == LogShipping::FluentBit;
    let mut key_grants = Vec::new();
    if fluent_bit {
        key_grants.push(cloudwatch::logs_key_grant(region.as_str(), &cluster_name));
    }
    let (key, topic) = cloudwatch::alarm_topic(
        &node,
        &format!("alarms of {cluster_name}"),
        &[("cloudwatch.amazonaws.com", "CloudWatch")],
        key_grants,
        props.alert_email.as_deref(),
    )?;
    let topic_arn: Attr<Arn> = topic.reference();
    let key_arn: Attr<Arn> = key.arn();
    cloudwatch::control_plane_alarms(&node, &cluster_name, &topic_arn)?;
    if props.cloudwatch_dashboard {
        let logs = cluster.has_cloudwatch_observability();
        cloudwatch::dashboard(&node, &cluster_name, region.as_str(), &props.targets, logs)?;
    }

    // Kubernetes: the monitoring namespace and its policies, then each part that is on (all
    // of them need Prometheus); log shipping in a namespace of its own.
    let (mut files, mut alertmanager_yml) = (BTreeMap::new(), None);
    if let Prometheus::On(p) = &props.prometheus {
        cx.add(&pod_security::namespace(
            NAMESPACE,
            PodSecurityLevel::Restricted,
            cluster.kubernetes_version(),
            string_map([("app.kubernetes.io/part-of", node.app_name())]),
        ))?;
        policies::add(&cx)?;
        (files, alertmanager_yml) = in_cluster_parts(&cx, path, p, &topic_arn, &key_arn)?;
    } else {
        custom_metrics::require_prometheus(&node, kube, path);
    }
    if fluent_bit {
        let group = cloudwatch::containers_log_group(&node, &cluster_name, props.log_retention_days, &key)?;
        fluent_bit::add(&cx, &cloudwatch::containers_log_group_name(&cluster_name), &group.arn())?;
    }

    // The same configuration as plain files, for promtool and amtool.
    // The cluster is in a stack, so in an environment; were it not, say so rather than write
    // `monitoring/-<cluster>`.
    let env = node.require_stack("Monitoring")?.environment().id();
    let dir = format!("monitoring/{env}-{cluster_name}");
    for (file, contents) in files {
        node.add_assembly_file(&format!("{dir}/{file}"), contents);
    }
    if let Some(contents) = alertmanager_yml {
        node.add_assembly_file(&format!("{dir}/alertmanager.yml"), contents);
    }

    let billing_stack = match placement {
        Some(p) => Some(billing::add(cluster, &cluster_name, p, props)?),
        None => None,
    };
    Ok(Monitoring { node, alarm_topic: topic_arn, billing_stack })
}

/// Prometheus and the parts that need it (kube-state-metrics, Alertmanager, Grafana), each when
/// on. Returns the configuration files to write into the assembly too: `prometheus.yml` and
/// the rule files, and `alertmanager.yml` when Alertmanager is on.
fn in_cluster_parts(
    cx: &Ctx<'_>,
    path: &str,
    p: &PrometheusProps,
    topic_arn: &Attr<Arn>,
    key_arn: &Attr<Arn>,
) -> Result<(BTreeMap<String, String>, Option<String>)> {
    let props = cx.props;
    let alertmanager = match &props.alertmanager {
        Alertmanager::On(a) => Some(a),
        Alertmanager::Off => None,
    };
    let ksm = match &props.kube_state_metrics {
        KubeStateMetrics::On(k) => Some(k),
        KubeStateMetrics::Off => None,
    };
    let what = format!("monitoring configuration of {path}");
    let yaml = |v: &serde_json::Value| encode::yaml(&what, v);
    let mut files = BTreeMap::new();
    let config = prometheus::config(&cx.kube.name(), p.scrape_interval_seconds, alertmanager.is_some(), ksm.is_some());
    files.insert("prometheus.yml".to_string(), yaml(&config)?);
    files.insert("kubernetes.rules.yml".to_string(), yaml(&rules::kubernetes_rules(ksm.is_some()))?);
    for t in &props.targets {
        files.insert(format!("{}-{}.rules.yml", t.namespace, t.name), yaml(&rules::app_rules(t, &props.thresholds))?);
    }
    if !props.alert_rules.is_empty() {
        files.insert(alert_rules::FILE.to_string(), yaml(&alert_rules::file(&props.alert_rules))?);
    }
    prometheus::add(cx, p, &files)?;
    adapter::add(cx, path, p)?;
    if let Some(k) = ksm {
        kube_state_metrics::add(cx, k)?;
    }
    let alertmanager_yml = if let Some(a) = alertmanager {
        let region = cx.cluster.region();
        let config = alertmanager::config(&a.receivers, &cx.kube.late_bound(topic_arn)?, region.as_str());
        let alertmanager_yml = yaml(&config)?;
        alertmanager::add(cx, a, &alertmanager_yml, topic_arn, key_arn)?;
        Some(alertmanager_yml)
    } else {
        None
    };
    if let Grafana::On(g) = &props.grafana {
        grafana::add(cx, g, p.scrape_interval_seconds)?;
    }
    Ok((files, alertmanager_yml))
}

impl Construct for Monitoring {
    fn node(&self) -> &Node {
        &self.node
    }
}
