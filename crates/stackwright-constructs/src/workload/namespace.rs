//! [`Namespace`]: a Kubernetes namespace of its own construct, which several workloads share.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use stackwright_core::k8s_openapi::api::networking::v1::NetworkPolicy;
use stackwright_core::names::dns1123_label_problem;
use stackwright_core::{Construct, Node, Problems, Result};

use crate::internal::network_policy::default_deny;
use crate::internal::problems::{built_or_rejected, kebab_case};
use crate::internal::setters::setters;
use crate::workload::cluster::WorkloadCluster;
use crate::workload::meta::{meta, string_map};
use crate::workload::pod_security::{self, PodSecurityLevel};

/// The Pod Security Standards profile a namespace enforces (and audits and warns about).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PodSecurity {
    /// `restricted`: non-root, no privilege escalation, no capabilities, seccomp (the
    /// default; every workload of this library meets it).
    #[default]
    Restricted,
    /// `baseline`: blocks known privilege escalations only.
    Baseline,
    /// `privileged`: no restriction (node agents and CSI drivers need it).
    Privileged,
}

/// What a [`Namespace`] is created with. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceProps {
    /// The namespace's name (a DNS-1123 label). Default: the construct id in kebab case.
    pub name: Option<String>,
    /// The Pod Security profile enforced. Default: [`PodSecurity::Restricted`].
    pub pod_security: PodSecurity,
    /// More labels on the namespace. Default: none (besides `app.kubernetes.io/part-of` and
    /// the Pod Security labels).
    pub labels: BTreeMap<String, String>,
    /// A `default-deny` NetworkPolicy closing every pod of the namespace to traffic in and
    /// out, as each `FlaskApp` namespace has; the workloads open what they need. Default: on.
    pub default_deny: bool,
}

impl Default for NamespaceProps {
    fn default() -> Self {
        NamespaceProps {
            name: None,
            pod_security: PodSecurity::Restricted,
            labels: BTreeMap::new(),
            default_deny: true,
        }
    }
}

setters! { NamespaceProps {
    some_into name: String,
    value pod_security: PodSecurity,
    map labels,
    value default_deny: bool,
} }

impl NamespaceProps {
    /// Adds the label `key=value` to [`labels`](Self::labels).
    #[must_use]
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }
}

/// A namespace on a [`WorkloadCluster`], with its Pod Security labels and (by default) a
/// `default-deny` NetworkPolicy. Several [`Workload`](crate::Workload)s, `Job`s and
/// `CronJob`s run in one namespace; two of them with one name is an error.
///
/// ```
/// # use stackwright_constructs::*;
/// # use stackwright_core::{Account, App, Region};
/// # let app = App::new("demo");
/// # let prod = app.environment("prod", Account::new("123456789012")?, Region::EuWest1);
/// # let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default())?;
/// # let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))?;
/// let orders = Namespace::new(&cluster, "Orders", NamespaceProps::default())?;
/// assert_eq!(orders.name(), "orders");
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Namespace {
    node: Node,
    name: String,
    cluster_path: String,
    /// The workload names taken in the namespace, with the path of the construct that took each.
    taken: Rc<RefCell<BTreeMap<String, String>>>,
}

impl Namespace {
    /// Adds the namespace to `cluster` with id `id`.
    ///
    /// # Errors
    /// None of the input's: a bad name or id, or a namespace the cluster has already, is
    /// recorded at the namespace's path and reported by synth; the namespace is then rejected
    /// and the workloads in it too. What is left is an error of serialization.
    pub fn new(cluster: &impl WorkloadCluster, id: &str, props: NamespaceProps) -> Result<Namespace> {
        let name = props.name.clone().unwrap_or_else(|| kebab_case(id));
        let mut problems = Problems::for_child(cluster, id);
        if let Some(problem) = dns1123_label_problem(&name) {
            problems.push(
                format!("invalid namespace name: {problem}"),
                "use a lower-case DNS-1123 label such as 'orders' (props.name or the construct id)",
            );
        } else if name == "default" || name.starts_with("kube-") {
            problems.push(
                format!("namespace '{name}' belongs to Kubernetes"),
                "give the workloads a namespace of their own: its Pod Security labels and NetworkPolicies apply to all of it",
            );
        }
        let node = problems.add_node();
        if !node.is_rejected() && cluster.node().is_rejected() {
            node.reject_because_of(cluster);
        }
        let namespace =
            Namespace { node: node.clone(), name, cluster_path: cluster.node().path(), taken: Rc::default() };
        if node.is_rejected() {
            return Ok(namespace);
        }
        built_or_rejected(&node, namespace.build(cluster, &props), || ())?;
        Ok(namespace)
    }

    fn build(&self, cluster: &impl WorkloadCluster, props: &NamespaceProps) -> Result<()> {
        let level = match props.pod_security {
            PodSecurity::Restricted => PodSecurityLevel::Restricted,
            PodSecurity::Baseline => PodSecurityLevel::Baseline,
            PodSecurity::Privileged => PodSecurityLevel::Privileged,
        };
        let mut labels = string_map([("app.kubernetes.io/part-of", self.node.app_name())]);
        labels.extend(props.labels.clone());
        let deny_labels = BTreeMap::new();
        add_namespace_objects(
            cluster,
            &self.node,
            &self.name,
            level,
            labels,
            props.default_deny.then_some(&deny_labels),
        )
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The construct path of the cluster the namespace is on.
    pub fn cluster_path(&self) -> &str {
        &self.cluster_path
    }

    /// Takes the workload name `name` for the construct at `path`; the path of the construct
    /// that has it already, if any.
    pub(crate) fn claim(&self, name: &str, path: &str) -> Option<String> {
        let mut taken = self.taken.borrow_mut();
        match taken.get(name) {
            Some(other) => Some(other.clone()),
            None => {
                taken.insert(name.to_string(), path.to_string());
                None
            }
        }
    }
}

/// The namespace `name` with the Pod Security labels of `level` and `labels`, and — with
/// `default_deny`, the labels of the policy — a `default-deny` NetworkPolicy, added at `node`:
/// what a [`Namespace`] writes, and what a preset with a namespace of its own (`FlaskApp`)
/// writes at its own path.
pub(crate) fn add_namespace_objects(
    cluster: &impl WorkloadCluster,
    node: &Node,
    name: &str,
    level: PodSecurityLevel,
    labels: BTreeMap<String, String>,
    default_deny_labels: Option<&BTreeMap<String, String>>,
) -> Result<()> {
    let kube = cluster.kube();
    kube.add(node, &pod_security::namespace(name, level, cluster.kubernetes_version(), labels))?;
    if let Some(deny_labels) = default_deny_labels {
        let metadata = meta("default-deny", Some(name), deny_labels);
        kube.add(node, &NetworkPolicy { metadata, spec: Some(default_deny()) })?;
    }
    Ok(())
}

impl Construct for Namespace {
    fn node(&self) -> &Node {
        &self.node
    }
}
