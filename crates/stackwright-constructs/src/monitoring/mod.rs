//! `Monitoring`: metrics, dashboards, alerts and logs for a cluster and the apps on it.
//!
//! **In the cluster** (namespace `monitoring`, Pod Security `restricted`), plain workloads —
//! no operator, no CRDs: Prometheus (scraping the API server, the kubelets and cAdvisor,
//! kube-state-metrics and every pod annotated `prometheus.io/scrape: "true"`), kube-state-metrics,
//! Alertmanager (routing to the alarm SNS topic) and Grafana (data source and dashboards
//! provisioned); NetworkPolicies that deny by default. Optionally Fluent Bit (namespace
//! `logging`; see *Fluent Bit* below for why it is opt-in).
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

mod alertmanager;
mod billing;
mod cloudwatch;
mod dashboards;
mod encode;
mod fluent_bit;
mod grafana;
mod kube_state_metrics;
mod prometheus;
mod props;
mod rules;
mod scrape;
mod workload;

use std::collections::BTreeMap;

pub use props::{AlertThresholds, MonitoringImages, MonitoringProps, PersistentStorage};
pub use scrape::{ScrapeTarget, Scrapeable};
use stackwright_core::k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicySpec};
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::{Arn, Attr, Construct, KubeCluster, Node, Result, Stack};

use crate::internal::network_policy::{
    default_deny, dns_egress, from_pods, https_anywhere, to_namespace, to_pods, to_private_networks,
};
use crate::internal::problems::built_or_rejected;
use crate::internal::scrape_contract::{MONITORING_NAMESPACE, prometheus_selector};
use crate::workload::cluster::WorkloadCluster;
use crate::workload::meta::{meta, selector, string_map};
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
    let mut key_grants = Vec::new();
    if props.fluent_bit {
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
        cloudwatch::dashboard(&node, &cluster_name, region.as_str(), &props.targets)?;
    }

    // Kubernetes: the namespace and its policies, then each workload.
    cx.add(&pod_security::namespace(
        NAMESPACE,
        PodSecurityLevel::Restricted,
        cluster.kubernetes_version(),
        string_map([("app.kubernetes.io/part-of", node.app_name())]),
    ))?;
    network_policies(&cx)?;
    let mut prometheus_files = BTreeMap::new();
    let what = format!("monitoring configuration of {path}");
    let yaml = |v: &serde_json::Value| encode::yaml(&what, v);
    prometheus_files
        .insert("prometheus.yml".to_string(), yaml(&prometheus::config(&cluster_name, props.scrape_interval_seconds))?);
    prometheus_files.insert("kubernetes.rules.yml".to_string(), yaml(&rules::kubernetes_rules())?);
    for t in &props.targets {
        prometheus_files
            .insert(format!("{}-{}.rules.yml", t.namespace, t.name), yaml(&rules::app_rules(t, &props.thresholds))?);
    }
    prometheus::add(&cx, &prometheus_files)?;
    kube_state_metrics::add(&cx)?;
    let alertmanager_yml = yaml(&alertmanager::config(&kube.late_bound(&topic_arn)?, region.as_str()))?;
    alertmanager::add(&cx, &alertmanager_yml, &topic_arn, &key_arn)?;
    grafana::add(&cx)?;
    if props.fluent_bit {
        let group = cloudwatch::containers_log_group(&node, &cluster_name, props.log_retention_days, &key)?;
        fluent_bit::add(&cx, &cloudwatch::containers_log_group_name(&cluster_name), &group.arn())?;
    }

    // The same configuration as plain files, for promtool and amtool.
    // The cluster is in a stack, so in an environment; were it not, say so rather than write
    // `monitoring/-<cluster>`.
    let env = node.require_stack("Monitoring")?.environment().id();
    let dir = format!("monitoring/{env}-{cluster_name}");
    for (file, contents) in &prometheus_files {
        node.add_assembly_file(&format!("{dir}/{file}"), contents.clone());
    }
    node.add_assembly_file(&format!("{dir}/alertmanager.yml"), alertmanager_yml);

    let billing_stack = match placement {
        Some(p) => Some(billing::add(cluster, &cluster_name, p, props)?),
        None => None,
    };
    Ok(Monitoring { node, alarm_topic: topic_arn, billing_stack })
}

impl Construct for Monitoring {
    fn node(&self) -> &Node {
        &self.node
    }
}

fn labels_of(name: &str) -> BTreeMap<String, String> {
    string_map([("app.kubernetes.io/name", name), ("app.kubernetes.io/instance", name)])
}

/// Where Prometheus may connect: every pod flow by namespace and pod selectors — Alertmanager,
/// kube-state-metrics, each target on its metrics port, and kube-system's pods (the cluster's
/// add-on controllers, scraped by their `prometheus.io` annotations, each opening its own metrics
/// port to Prometheus only); the addresses of the cluster's network for what is not a pod (the
/// kubelets, the API server's endpoints).
fn prometheus_egress(cx: &Ctx<'_>) -> Vec<NetworkPolicyEgressRule> {
    let mut egress = vec![
        dns_egress(),
        to_pods(&labels_of("alertmanager"), alertmanager::PORT),
        to_pods(&labels_of("kube-state-metrics"), kube_state_metrics::PORT),
    ];
    for t in &cx.props.targets {
        let pods = string_map([("app.kubernetes.io/name", t.name.as_str())]);
        egress.push(to_namespace(&t.namespace, Some(&pods), &[i32::from(t.port)]));
    }
    egress.push(to_namespace("kube-system", None, &[]));
    egress.push(to_private_networks(&[]));
    egress
}

/// Deny by default; then exactly the flows monitoring needs.
fn network_policies(cx: &Ctx<'_>) -> Result<()> {
    let labels = string_map([("app.kubernetes.io/part-of", "stackwright-monitoring")]);
    let add = |name: &str, spec: NetworkPolicySpec| {
        cx.add(&NetworkPolicy { metadata: meta(name, Some(NAMESPACE), &labels), spec: Some(spec) })
    };
    let dns = dns_egress;
    add("default-deny", default_deny())?;
    let both = || Some(vec!["Ingress".to_string(), "Egress".to_string()]);
    add(
        "prometheus",
        NetworkPolicySpec {
            pod_selector: Some(selector(&prometheus_selector())),
            policy_types: both(),
            ingress: Some(vec![from_pods(&labels_of("grafana"), prometheus::PORT)]),
            egress: Some(prometheus_egress(cx)),
        },
    )?;
    add(
        "kube-state-metrics",
        NetworkPolicySpec {
            pod_selector: Some(selector(&labels_of("kube-state-metrics"))),
            policy_types: both(),
            ingress: Some(vec![from_pods(&labels_of("prometheus"), kube_state_metrics::PORT)]),
            egress: Some(vec![dns(), to_private_networks(&[443])]),
        },
    )?;
    add(
        "alertmanager",
        NetworkPolicySpec {
            pod_selector: Some(selector(&labels_of("alertmanager"))),
            policy_types: both(),
            ingress: Some(vec![from_pods(&labels_of("prometheus"), alertmanager::PORT)]),
            // SNS and STS, over HTTPS.
            egress: Some(vec![dns(), https_anywhere()]),
        },
    )?;
    add(
        "grafana",
        NetworkPolicySpec {
            pod_selector: Some(selector(&labels_of("grafana"))),
            policy_types: both(),
            // No ingress: reach it with `kubectl -n monitoring port-forward svc/grafana 3000`.
            ingress: None,
            egress: Some(vec![dns(), to_pods(&labels_of("prometheus"), prometheus::PORT)]),
        },
    )?;
    Ok(())
}
