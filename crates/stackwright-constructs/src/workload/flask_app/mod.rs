//! [`FlaskApp`]: the preset for the Flask microservice of `examples/flask-app` on top of the
//! general [`Workload`] — its props ([`props`], checked in `checks`) and the conventions it
//! configures the workload with ([`preset`]).

mod checks;
mod preset;
mod props;

pub use props::{
    Autoscaling, Certificate, CustomMetric, Disruption, FlaskAppProps, IngressProps, LIVENESS_PATH, LogLevel,
    METRICS_PATH, READINESS_PATH, SERVICE_PORT, SERVICE_UID, Scheme, ServiceType,
};

use stackwright_core::{Construct, Diagnostic, Node, Result};

use crate::internal::problems::built_or_rejected;

use super::cluster::WorkloadCluster;
use super::general::{
    Workload, WorkloadProps, claim_load_balancer_name, database_problems, default_load_balancer_name, ingress_problem,
    labels,
};
use super::meta::string_map;
use super::namespace::add_namespace_objects;
use super::pod_security::PodSecurityLevel;

/// Seconds between a pod being told to stop and gunicorn receiving SIGTERM: the readiness
/// probe fails at once (the drain file), and the load balancer stops sending new requests.
pub const DRAIN_SECONDS: u32 = 10;
/// The drain file `/readyz` watches (`READINESS_DRAIN_FILE`).
pub const DRAIN_FILE: &str = "/tmp/drain";

/// The Flask microservice of `examples/flask-app` on a [`WorkloadCluster`], with
/// everything production needs around it: a preset of the general [`Workload`], configured
/// with the service's conventions (see `docs/constructs/flask-app.md`), in a namespace of its
/// own.
///
/// One call writes: a namespace enforcing the Pod Security Standards `restricted` profile; a
/// ServiceAccount (with an IRSA role when the app calls AWS) and a minimal Role; a ConfigMap; a
/// Deployment (rolling update, spread over zones, probes on the service's real paths, requests
/// and limits, non-root with a read-only root filesystem and no capabilities, `emptyDir` on
/// `/tmp`, Prometheus scrape annotations, a drain before stop); a Service; an Ingress for the
/// AWS Load Balancer Controller; an `autoscaling/v2` HPA; a PodDisruptionBudget; and
/// NetworkPolicies (deny by default, allow from the load balancer and from Prometheus).
///
/// # Replicas and the HPA
/// With autoscaling on (the default), the Deployment has **no `spec.replicas`**: the HPA owns
/// the number of pods, with `replicas` (3 by default) as its minimum. The runtime applies
/// manifests with server-side apply, so a field stackwright never sets is never reset by a
/// redeploy — the size the HPA chose survives. (A new Deployment starts at Kubernetes' default
/// of 1 pod and the HPA raises it to the minimum within one sync period, ~15 s.) Without
/// autoscaling, `spec.replicas` is set to `replicas`.
///
/// ```
/// use stackwright_constructs::{ContainerImage, EksCluster, EksClusterProps, FlaskApp, FlaskAppProps, ImageReference, KubernetesVersion, NodeGroup, NodeGroupProps, Vpc, VpcProps};
/// use stackwright_core::{Account, App, Region};
///
/// let app = App::new("demo");
/// let prod = app.environment("prod", Account::new("123456789012")?, Region::EuWest1);
/// let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default())?;
/// let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))?;
/// NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6))?;
/// let image = ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.0.0".into()));
/// let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image))?;
/// assert_eq!(web.namespace(), "flask-app");
/// app.synth()?;
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FlaskApp {
    node: Node,
    /// The workload the preset configured: its objects are written at the app's node.
    workload: Workload,
    port: u16,
    metrics_path: String,
}

impl FlaskApp {
    /// Adds the app to `cluster` with id `id` (also the default object name).
    ///
    /// # Errors
    /// None of the input's: every problem of `props` at once, each with the construct path —
    /// and a bad or duplicate `id`, or an object name the cluster already has — is recorded at
    /// the app's path and reported by synth with every other construct's problems; the app is
    /// then *rejected* and adds nothing (monitoring can still scrape its handle). On a rejected
    /// cluster, or with an image of a rejected repository, the app checks its own props only
    /// and is rejected with them. What is left is an error of building that is not the
    /// program's description (serialization).
    pub fn new(cluster: &impl WorkloadCluster, id: &str, props: FlaskAppProps) -> Result<FlaskApp> {
        // Checked before anything is added: the app is added whole or not at all.
        let path = format!("{}/{id}", cluster.node().path());
        let name = props.name.clone().unwrap_or_else(|| id.to_string());
        let mut problems = props.problems(&path, &name);
        let load_balancer_name = props.ingress.as_ref().map(|i| {
            i.load_balancer_name.clone().unwrap_or_else(|| default_load_balancer_name(&cluster.kube().name(), &name))
        });
        let workload_props = preset::workload_props(&name, &props, load_balancer_name.as_deref());
        problems
            .extend(database_problems(cluster, &workload_props).into_iter().map(|(m, h)| Diagnostic::new(&path, m, h)));
        if let Some((message, hint)) = ingress_problem(cluster, props.ingress.is_some()) {
            problems.push(Diagnostic::new(&path, message, hint));
        }
        let node = cluster.node().add_child_deferred(id);
        if !problems.is_empty() {
            node.reject(problems);
        }
        if !node.is_rejected() && cluster.node().is_rejected() {
            node.reject_because_of(cluster);
        }
        if !node.is_rejected() && props.image.repository_value().is_some_and(|v| node.refers_to_rejected(v)) {
            // The image's repository is rejected: its problems are recorded, none is added here.
            node.reject([]);
        }
        if let Some(db) = props.database.as_ref().filter(|db| !node.is_rejected() && db.node.is_rejected()) {
            node.reject_because_of(&db.node);
        }
        let workload = Workload::handle(node.clone(), cluster.node().path(), &props.namespace, name, &workload_props);
        let app = FlaskApp { node: node.clone(), workload, port: props.port, metrics_path: props.metrics_path.clone() };
        if node.is_rejected() {
            return Ok(app);
        }
        built_or_rejected(&node, app.build(cluster, &props, &workload_props), || ())?;
        Ok(app)
    }

    /// Adds the checked app's namespace, then the workload the preset configured (its
    /// service-account role and Kubernetes objects), all at the app's node.
    fn build(&self, cluster: &impl WorkloadCluster, props: &FlaskAppProps, workload: &WorkloadProps) -> Result<()> {
        for (message, hint) in props.warnings() {
            self.node.warn(message, hint);
        }
        if let (Some(ingress), Some(lb)) = (&props.ingress, self.load_balancer_name()) {
            claim_load_balancer_name(cluster.node(), &self.node, lb, ingress.load_balancer_name.is_some());
        }
        // The namespace is the app's own: its default-deny carries the app's labels.
        let app_labels = labels(&self.node, self.name(), &workload.component).0;
        add_namespace_objects(
            cluster,
            &self.node,
            self.namespace(),
            PodSecurityLevel::Restricted,
            string_map([("app.kubernetes.io/part-of", self.node.app_name())]),
            Some(&app_labels),
        )?;
        self.workload.build(cluster, workload)
    }

    /// The namespace the app runs in.
    pub fn namespace(&self) -> &str {
        self.workload.namespace()
    }

    /// The name of the app's Deployment, Service, Ingress and HPA.
    pub fn name(&self) -> &str {
        self.workload.name()
    }

    /// The ALB's name (set on the Ingress), when the app has one.
    pub fn load_balancer_name(&self) -> Option<&str> {
        self.workload.load_balancer_name()
    }

    /// The port the app serves HTTP and its metrics on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The path Prometheus scrapes.
    pub fn metrics_path(&self) -> &str {
        &self.metrics_path
    }

    /// The general workload the preset configured (monitoring scrapes the app through it).
    pub(crate) fn workload(&self) -> &Workload {
        &self.workload
    }
}

impl Construct for FlaskApp {
    fn node(&self) -> &Node {
        &self.node
    }
}
