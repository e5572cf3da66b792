//! [`Workload`]: a Deployment of any containerised service in a [`Namespace`], with an
//! optional Service, Ingress, HPA and PodDisruptionBudget, an IRSA role and its
//! NetworkPolicies — and the [`ContainerSpec`] every workload kind runs.

mod batch;
mod checks;
mod config;
mod container;
mod database;
mod exposure;
mod ingress;
mod load_balancer;
mod objects;
mod options;
mod peers;
mod pod;
mod props;
mod scaling;
mod stateful;

pub use batch::{ConcurrencyPolicy, CronJob, CronJobProps, Job, JobProps};
pub(crate) use config::config_name;
pub use container::{ConfigSource, ContainerSpec, FileMount, PortSpec, ProbeAction, ProbeSpec};
pub use database::{DB_SSLMODE, DatabaseConnection};
pub use exposure::WorkloadEndpoint;
pub use ingress::{AcmCertificateArn, AlbIngress};
pub(crate) use load_balancer::{
    claim as claim_load_balancer_name, default_name as default_load_balancer_name, valid_lb_name,
};
pub(crate) use objects::labels;
pub use options::{MetricsEndpoint, RoleRule, ZoneSpread};
pub use peers::{EgressRule, WorkloadPeer};
pub use props::{AwsIdentity, ServiceKind, VolumeClaim, WorkloadProps};
pub use scaling::{Hpa, HpaMetric, ScalingPolicy, ScalingRate, SelectPolicy};
pub(crate) use scaling::{valid_metric_name, valid_quantity};

use std::collections::BTreeMap;

use stackwright_core::{Construct, KubeCluster, Node, Problems, Result};

use checks::check_name;

use crate::iam::PolicyDocument;
use crate::internal::problems::{built_or_rejected, kebab_case};
use crate::workload::cluster::WorkloadCluster;
use crate::workload::namespace::Namespace;

/// A containerised service (or worker) as a Deployment in a [`Namespace`]: non-root,
/// read-only root filesystem, no capabilities, seccomp `RuntimeDefault`, requests and limits,
/// no service-account token unless [`api_access`](WorkloadProps::api_access). Around it, as
/// its props say: a Service of any [`ServiceKind`] (or none), an ALB [`AlbIngress`], an
/// [`Hpa`] on any metrics, a PodDisruptionBudget, an IRSA or Pod Identity role, a ConfigMap
/// and a Role of its own, a [`MetricsEndpoint`] Prometheus scrapes, and NetworkPolicies
/// opening what it needs in the namespace's `default-deny`.
///
/// `FlaskApp` is a preset of it: the same objects, written from Flask/gunicorn conventions.
///
/// ```
/// # use stackwright_constructs::*;
/// # use stackwright_core::{Account, App, Region};
/// # let app = App::new("demo");
/// # let prod = app.environment("prod", Account::new("123456789012")?, Region::EuWest1);
/// # let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default())?;
/// # let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))?;
/// # NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6))?;
/// let orders = Namespace::new(&cluster, "Orders", NamespaceProps::default())?;
/// let image = ContainerImage::public("registry.example.com/orders-worker", ImageReference::Tag("2.1.0".into()));
/// let worker = Workload::new(
///     &cluster,
///     &orders,
///     "Worker",
///     WorkloadProps::new(ContainerSpec::new(image))
///         .service(ServiceKind::None)
///         .autoscaling(Hpa::new(6, [HpaMetric::memory(75)])),
/// )?;
/// assert_eq!(worker.name(), "worker");
/// app.synth()?;
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Workload {
    node: Node,
    namespace: String,
    name: String,
    cluster_path: String,
    selector_labels: BTreeMap<String, String>,
    ports: Vec<u16>,
    /// The metrics port's number and the metrics path, with a metrics endpoint.
    metrics: Option<(u16, String)>,
    /// The metric names the metrics endpoint declares it serves.
    metrics_exported: Vec<String>,
    load_balancer_name: Option<String>,
    /// The HPA's name and maximum, when the workload autoscales.
    autoscaler: Option<(String, u32)>,
    endpoint: WorkloadEndpoint,
}

impl Workload {
    /// Adds the workload with id `id` to `namespace` on `cluster`.
    ///
    /// # Errors
    /// None of the input's: every problem of `props` (an HPA with no metric, an Ingress with
    /// TLS but no certificate, …), a name another workload of the namespace has, or a
    /// namespace of another cluster is recorded at the workload's path and reported by synth;
    /// the workload is then rejected and adds nothing. What is left is an error of
    /// serialization.
    pub fn new(
        cluster: &impl WorkloadCluster,
        namespace: &Namespace,
        id: &str,
        props: WorkloadProps,
    ) -> Result<Workload> {
        let name = props.name.clone().unwrap_or_else(|| kebab_case(id));
        let mut problems = Problems::for_child(namespace, id);
        props.check(&mut problems, &name);
        check_placement(&mut problems, cluster, namespace, &name);
        stateful::check_claims(
            &mut problems,
            &props.volume_claims,
            cluster.has_ebs_csi_driver(),
            &cluster.node().path(),
        );
        for (message, hint) in database_problems(cluster, &props) {
            problems.push(message, hint);
        }
        if let Some((message, hint)) = ingress_problem(cluster, props.ingress.is_some()) {
            problems.push(message, hint);
        }
        let peers = peers::named(&props.allow_from, &props.egress);
        peers::check_peers(&mut problems, &cluster.node().path(), peers.iter().copied());
        let node = problems.add_node();
        if !node.is_rejected() && peers.iter().any(|p| p.node.is_rejected()) {
            // The rejected peer's problems are reported at its path; none is added here.
            node.reject([]);
        }
        if !node.is_rejected() && namespace.node().is_rejected() {
            node.reject_because_of(namespace);
        }
        if let Some(db) = props.database.as_ref().filter(|db| !node.is_rejected() && db.node.is_rejected()) {
            node.reject_because_of(&db.node);
        }
        if !node.is_rejected() && props.container.image.repository_value().is_some_and(|v| node.refers_to_rejected(v)) {
            node.reject([]);
        }
        let workload = Workload::handle(node.clone(), cluster.node().path(), namespace.name(), name, &props);
        if node.is_rejected() {
            return Ok(workload);
        }
        for (message, hint) in props.warnings() {
            node.warn(message, hint);
        }
        if props.container.resources.nvidia_gpus > 0 {
            cluster.expect_gpu_pods(&node);
        }
        if let Some(lb) = props.ingress.as_ref().and_then(|i| i.load_balancer_name.as_deref()) {
            load_balancer::claim(cluster.node(), &node, lb, true);
        }
        built_or_rejected(&node, workload.build(cluster, &props), || ())?;
        Ok(workload)
    }

    /// The handle of the workload `name` in `namespace` on the cluster at `cluster_path`,
    /// whose objects are written at `node`. A preset (`FlaskApp`) is a construct of its own
    /// that configures a workload: its objects are its own, at its own path.
    pub(crate) fn handle(
        node: Node,
        cluster_path: String,
        namespace: &str,
        name: String,
        props: &WorkloadProps,
    ) -> Workload {
        Workload {
            selector_labels: objects::labels(&node, &name, &props.component).1,
            node,
            namespace: namespace.to_string(),
            cluster_path,
            ports: props.container.ports.iter().map(|p| p.port).collect(),
            metrics: props.metrics_port().zip(props.metrics.as_ref().map(|m| m.path.clone())),
            metrics_exported: props.metrics.as_ref().map(|m| m.exports.clone()).unwrap_or_default(),
            load_balancer_name: props.ingress.as_ref().and_then(|i| i.load_balancer_name.clone()),
            autoscaler: props.autoscaling.as_ref().map(|hpa| (name.clone(), hpa.max_replicas)),
            endpoint: WorkloadEndpoint::of(props),
            name,
        }
    }

    /// Adds the checked workload's AWS role and Kubernetes objects at its node.
    pub(crate) fn build(&self, cluster: &impl WorkloadCluster, props: &WorkloadProps) -> Result<()> {
        let (ns, name) = (self.namespace.as_str(), self.name.as_str());
        let role_id = match props.aws_identity {
            AwsIdentity::Irsa => "ServiceAccountRole",
            AwsIdentity::PodIdentity => "PodIdentityRole",
        };
        check_own_policy(props.aws_policy.as_ref(), &format!("{}/{role_id}", self.node.path()))?;
        let with_database;
        let props = match &props.database {
            Some(db) => {
                with_database = connected(props, db, cluster.kube())?;
                &with_database
            }
            None => props,
        };
        let role = match &props.aws_policy {
            Some(policy) => Some(match props.aws_identity {
                AwsIdentity::Irsa => cluster.service_account_role(&self.node, role_id, ns, name, policy.clone())?,
                AwsIdentity::PodIdentity => cluster.pod_identity_role(&self.node, role_id, ns, name, policy.clone())?,
            }),
            None => None,
        };
        if let (Some(db), Some(role)) = (&props.database, &role) {
            database::grant(db, ns, name, role)?;
        }
        // With Pod Identity the association carries the role: the service account stays bare.
        let role_arn = role.filter(|_| props.aws_identity == AwsIdentity::Irsa);
        let (labels, selector_labels) = objects::labels(&self.node, &self.name, &props.component);
        let cx = objects::Ctx {
            kube: cluster.kube(),
            node: &self.node,
            name: &self.name,
            ns: &self.namespace,
            props,
            labels,
            selector_labels,
        };
        objects::service_account(&cx, role_arn)?;
        if let Some((role, binding)) = config::role(&cx.meta(name), name, ns, &props.role_rules) {
            cx.add(&role)?;
            cx.add(&binding)?;
        }
        if let Some(config_map) = config::config_map(cx.meta(&config::config_name(name)), &props.config) {
            cx.add(&config_map)?;
        }
        if props.volume_claims.is_empty() {
            cx.add(&objects::deployment(&cx)?)?;
        } else {
            cx.add(&stateful::stateful_set(&cx, objects::workload_pod(&cx, false)?)?)?;
        }
        exposure::service(&cx)?;
        exposure::ingress(&cx)?;
        objects::autoscaler(&cx)?;
        objects::disruption_budget(&cx)?;
        objects::network_policies(&cx)
    }

    /// The name of the workload's Deployment, Service and other objects.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace the workload runs in.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The construct path of the cluster the workload runs on.
    pub fn cluster_path(&self) -> &str {
        &self.cluster_path
    }

    /// The number of the port Prometheus scrapes and the metrics path, when the workload has a
    /// [`MetricsEndpoint`].
    pub fn metrics(&self) -> Option<(u16, &str)> {
        self.metrics.as_ref().map(|(port, path)| (*port, path.as_str()))
    }

    /// The metric names its [`MetricsEndpoint`] declares it serves ([`MetricsEndpoint::exports`]).
    pub fn metrics_exported(&self) -> &[String] {
        &self.metrics_exported
    }

    /// The ALB's name, when the workload's Ingress names it.
    pub fn load_balancer_name(&self) -> Option<&str> {
        self.load_balancer_name.as_deref()
    }

    /// The HPA's name and maximum number of replicas, when the workload autoscales.
    pub fn autoscaler(&self) -> Option<(&str, u32)> {
        self.autoscaler.as_ref().map(|(name, max)| (name.as_str(), *max))
    }

    /// How the workload is reached from outside the cluster (Service port, Ingress, readiness
    /// path), for a smoke check after a deploy.
    pub fn endpoint(&self) -> &WorkloadEndpoint {
        &self.endpoint
    }

    /// The workload's pods as the other end of a NetworkPolicy rule of another workload
    /// ([`WorkloadProps::allow`], [`EgressRule::Workload`]).
    pub fn peer(&self) -> WorkloadPeer {
        WorkloadPeer {
            node: self.node.clone(),
            cluster_path: self.cluster_path.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            selector_labels: self.selector_labels.clone(),
            ports: self.ports.clone(),
        }
    }
}

impl Construct for Workload {
    fn node(&self) -> &Node {
        &self.node
    }
}

/// The namespace is on `cluster`, and no other workload of it has `name`.
/// An Ingress needs the AWS Load Balancer Controller on the cluster: without it nothing makes
/// the ALB, and the Ingress stays without an address. A rejected cluster says nothing: its
/// own problems are reported.
pub(crate) fn ingress_problem(cluster: &impl WorkloadCluster, has_ingress: bool) -> Option<(String, String)> {
    (has_ingress && !cluster.node().is_rejected() && !cluster.has_load_balancer_controller()).then(|| {
        (
            format!(
                "the workload has an Ingress, but cluster '{}' runs no AWS Load Balancer Controller to make its ALB",
                cluster.node().path()
            ),
            "turn on EksClusterProps::load_balancer_controller (on a referenced cluster: install the controller and \
             say so with ExistingAddons::load_balancer_controller(true)), or expose the workload without an Ingress"
                .to_string(),
        )
    })
}

pub(crate) fn check_placement(
    problems: &mut Problems,
    cluster: &impl WorkloadCluster,
    namespace: &Namespace,
    name: &str,
) {
    if namespace.cluster_path() != cluster.node().path() {
        problems.push(
            format!(
                "namespace '{}' is on cluster '{}', not on '{}'",
                namespace.name(),
                namespace.cluster_path(),
                cluster.node().path()
            ),
            "create the namespace on the cluster the workload runs on",
        );
    }
    // The same path twice is a duplicate construct id, which the tree reports already.
    if let Some(other) = namespace.claim(name, problems.path()).filter(|other| other != problems.path()) {
        problems.push(
            format!("namespace '{}' has a workload named '{name}' already: '{other}'", namespace.name()),
            "give one of them another name (props.name or the construct id)",
        );
    }
}

/// The problems of `props`' database connection on `cluster` (message, hint): a database of
/// another environment, one not admitting the cluster, or a variable of the workload's own
/// the connection sets. `FlaskApp` checks its workload with it too.
pub(crate) fn database_problems(cluster: &impl WorkloadCluster, props: &WorkloadProps) -> Vec<(String, String)> {
    let Some(db) = &props.database else {
        return Vec::new();
    };
    let environment = database::environment_of(cluster.node());
    let mut out = database::connection_problems(db, environment.as_deref(), &cluster.node().path());
    for name in clashing_variables(props) {
        out.push((
            format!("the environment variable {name} is set by the workload and by its database connection"),
            "remove it from the container's env and the workload's config: the connection sets it".to_string(),
        ));
    }
    out
}

/// The environment variables of the workload's container clashing with the connection's.
fn clashing_variables(props: &WorkloadProps) -> Vec<String> {
    database::VARIABLES
        .iter()
        .filter(|n| props.container.env.contains_key(**n) || props.config.contains_key(**n))
        .map(|n| (*n).to_string())
        .collect()
}

/// `props` connected to its database: the `DB_*` environment, egress to the database's
/// subnets on its port, and an AWS role (with no policy of its own when the workload asked
/// for none: the database's grant attaches to it). The HTTPS egress every workload with a role
/// gets reaches Secrets Manager, KMS and STS.
fn connected(props: &WorkloadProps, db: &DatabaseConnection, kube: &KubeCluster) -> Result<WorkloadProps> {
    let mut props = props.clone();
    props.container.env.extend(db.variables(kube)?.map(|(k, v)| (k.to_string(), v)));
    props.egress.extend(db.subnets.iter().map(|cidr| EgressRule::Cidr(*cidr, vec![db.port])));
    props.aws_policy.get_or_insert_with(PolicyDocument::default);
    Ok(props)
}

/// The program's own policy must say something (a role the cluster writes with an empty
/// document has no inline policy: that is for a role whose permissions are attached
/// elsewhere, such as a database connection's); its problems are errors at `role_path`.
pub(crate) fn check_own_policy(policy: Option<&PolicyDocument>, role_path: &str) -> Result<()> {
    let problems = policy.map(|p| p.problems(role_path)).unwrap_or_default();
    if problems.is_empty() { Ok(()) } else { Err(stackwright_core::Error::Invalid(problems.into())) }
}
