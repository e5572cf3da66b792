//! What a [`Workload`](super::Workload) is configured with.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::iam::PolicyDocument;
use crate::internal::setters::setters;
use crate::network::Ipv4Cidr;
use crate::workload::shared::{Disruption, Scheme};

use super::container::ContainerSpec;
use super::database::DatabaseConnection;
use super::ingress::AlbIngress;
use super::options::{MetricsEndpoint, RoleRule, ZoneSpread};
use super::peers::{EgressRule, WorkloadPeer};
use super::scaling::Hpa;

/// The Service in front of a workload's pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceKind {
    /// No Service: a worker that only makes connections.
    None,
    /// A cluster-internal virtual IP (the default).
    #[default]
    ClusterIp,
    /// No virtual IP: DNS returns the pods' addresses (`clusterIP: None`).
    Headless,
    /// A Network Load Balancer of its own (AWS Load Balancer Controller, IP targets).
    LoadBalancer(Scheme),
}

/// How a workload's pods get AWS credentials for [`aws_policy`](WorkloadProps::aws_policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AwsIdentity {
    /// IAM Roles for Service Accounts: the service account is annotated with the role, which
    /// trusts the cluster's OIDC provider (the default).
    #[default]
    Irsa,
    /// EKS Pod Identity: an association binds the role to the service account; the pods get
    /// credentials from the node's Pod Identity agent.
    PodIdentity,
}

/// Everything a [`Workload`](super::Workload) can be configured with.
/// [`WorkloadProps::new`] needs only the container.
#[derive(Debug, Clone)]
pub struct WorkloadProps {
    /// The container; required.
    pub container: ContainerSpec,
    /// The name of the workload's objects (a DNS-1035 label of at most 50 characters).
    /// Default: the construct id in kebab case.
    pub name: Option<String>,
    /// Pods when idle: the Deployment's size, or the HPA's minimum. Default: 2.
    pub replicas: u32,
    /// The Service. Default: [`ServiceKind::ClusterIp`] (a workload without ports must say
    /// [`ServiceKind::None`]).
    pub service: ServiceKind,
    /// The port the Service exposes the container's first port on. Default: 80.
    pub service_port: u16,
    /// An ALB in front of the Service. Default: none.
    pub ingress: Option<AlbIngress>,
    /// The HorizontalPodAutoscaler. Default: none (a fixed number of replicas).
    pub autoscaling: Option<Hpa>,
    /// The PodDisruptionBudget; `None` for none. Default: at most one pod unavailable.
    pub disruption: Option<Disruption>,
    /// Permissions for the pods' AWS calls, through an IRSA role of the service account.
    /// Default: none (no AWS role).
    pub aws_policy: Option<PolicyDocument>,
    /// How the pods get the role of `aws_policy`. Default: [`AwsIdentity::Irsa`].
    pub aws_identity: AwsIdentity,
    /// Mount a service-account token (the pod calls the Kubernetes API). Default: off.
    pub api_access: bool,
    /// Addresses a load balancer connects from (the NetworkPolicy lets only these reach the
    /// container's ports, with an Ingress or a LoadBalancer Service). Default: the three RFC
    /// 1918 blocks.
    pub load_balancer_source_cidrs: Vec<Ipv4Cidr>,
    /// Seconds a pod gets to stop. Default: 30.
    pub termination_grace_period_seconds: u32,
    /// Workloads (of the same cluster) allowed to connect to the container's ports, selected
    /// by pod and namespace. Default: none.
    pub allow_from: Vec<WorkloadPeer>,
    /// Where the pods may connect to besides DNS (other workloads, CIDR blocks, the AWS
    /// APIs). Default: none (HTTPS anywhere with `aws_policy` or `api_access`, as before).
    pub egress: Vec<EgressRule>,
    /// Volume claim templates: with any, the workload is a StatefulSet (one volume per pod,
    /// kept across restarts), which needs the EBS CSI driver on the cluster. Default: none (a
    /// Deployment).
    pub volume_claims: Vec<VolumeClaim>,
    /// The `app.kubernetes.io/component` label of the workload's objects. Default: `server`.
    pub component: String,
    /// Where Prometheus scrapes the pods ([`MetricsEndpoint`]): scrape annotations, a
    /// NetworkPolicy letting `Monitoring`'s Prometheus in, and a target for
    /// `MonitoringProps::scrape`. Default: none (not scraped).
    pub metrics: Option<MetricsEndpoint>,
    /// The workload's own configuration: a ConfigMap `<name>-config` with these keys, every key
    /// an environment variable of the container (loaded before
    /// [`env_from`](ContainerSpec::env_from)), and a hash of it on the pod template so that a
    /// change rolls the pods. Default: none (no ConfigMap).
    pub config: BTreeMap<String, String>,
    /// Rules of a Role of the workload's own (named like it, bound to its service account).
    /// Default: none (no Role).
    pub role_rules: Vec<RoleRule>,
    /// How strictly the pods spread over zones. Default: [`ZoneSpread::Preferred`].
    pub zone_spread: ZoneSpread,
    /// The HTTP path the load balancers check on the traffic port (the ALB of the Ingress,
    /// expecting 200, and the NLB of a LoadBalancer Service), such as the readiness probe's.
    /// Default: none (the ALB checks `/`, the NLB opens a TCP connection).
    pub health_check_path: Option<String>,
    /// Seconds a new pod must be ready before it counts as available in a rollout. Default: 0.
    pub min_ready_seconds: u32,
    /// Seconds a rollout may go without progress before the Deployment reports it failed (a
    /// Deployment's only). Default: none (Kubernetes' 600).
    pub progress_deadline_seconds: Option<u32>,
    /// The database the workload connects to (see [`WorkloadProps::database()`]): the container
    /// gets `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_SECRET_ARN` and `DB_SSLMODE`, the role
    /// (created when there is none) may read the database's secret, and the NetworkPolicy
    /// opens the database's subnets on its port. Default: none.
    pub database: Option<DatabaseConnection>,
}

impl WorkloadProps {
    /// `container`, with the defaults of every other field.
    pub fn new(container: ContainerSpec) -> Self {
        WorkloadProps {
            container,
            name: None,
            replicas: 2,
            service: ServiceKind::ClusterIp,
            service_port: 80,
            ingress: None,
            autoscaling: None,
            disruption: Some(Disruption::MaxUnavailable(1)),
            aws_policy: None,
            aws_identity: AwsIdentity::Irsa,
            api_access: false,
            load_balancer_source_cidrs: [(10, 0, 8), (172, 16, 12), (192, 168, 16)]
                .map(|(a, b, prefix)| Ipv4Net::new_assert(Ipv4Addr::new(a, b, 0, 0), prefix).into())
                .to_vec(),
            termination_grace_period_seconds: 30,
            allow_from: Vec::new(),
            egress: Vec::new(),
            volume_claims: Vec::new(),
            component: "server".into(),
            metrics: None,
            config: BTreeMap::new(),
            role_rules: Vec::new(),
            zone_spread: ZoneSpread::Preferred,
            health_check_path: None,
            min_ready_seconds: 0,
            progress_deadline_seconds: None,
            database: None,
        }
    }

    /// The number of the container port serving the metrics, when there is a metrics endpoint.
    pub(crate) fn metrics_port(&self) -> Option<u16> {
        let metrics = self.metrics.as_ref()?;
        self.container.ports.iter().find(|p| p.name == metrics.port).map(|p| p.port)
    }

    /// Adds the key `name=value` to the workload's own [`config`](Self::config).
    #[must_use]
    pub fn config_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config.insert(name.into(), value.into());
        self
    }

    /// Adds a rule to the workload's own Role ([`role_rules`](Self::role_rules)).
    #[must_use]
    pub fn role_rule(mut self, rule: RoleRule) -> Self {
        self.role_rules.push(rule);
        self
    }

    /// No PodDisruptionBudget (`disruption: None`).
    #[must_use]
    pub fn without_disruption(mut self) -> Self {
        self.disruption = None;
        self
    }

    /// Allows `peer`'s pods in (adds to [`allow_from`](Self::allow_from)).
    #[must_use]
    pub fn allow(mut self, peer: WorkloadPeer) -> Self {
        self.allow_from.push(peer);
        self
    }

    /// Adds a volume claim template (the workload becomes a StatefulSet).
    #[must_use]
    pub fn volume_claim(mut self, claim: VolumeClaim) -> Self {
        self.volume_claims.push(claim);
        self
    }

    /// Connects the workload to `database` (a `&Database`, or its
    /// [`DatabaseConnection`]): its container gets the `DB_*` environment, its role may read the
    /// database's secret, its NetworkPolicy opens the database's subnets. The database must be in
    /// the workload's environment and admit its cluster (`DatabaseProps::allow_from`).
    #[must_use]
    pub fn database(mut self, database: impl Into<DatabaseConnection>) -> Self {
        self.database = Some(database.into());
        self
    }

    /// Lets the pods connect to `rule`'s destination (adds to [`egress`](Self::egress)).
    #[must_use]
    pub fn egress_to(mut self, rule: EgressRule) -> Self {
        self.egress.push(rule);
        self
    }
}

setters! { WorkloadProps {
    value container: ContainerSpec,
    some_into name: String,
    value replicas: u32,
    value service: ServiceKind,
    value service_port: u16,
    some ingress: AlbIngress,
    some autoscaling: Hpa,
    some disruption: Disruption,
    some aws_policy: PolicyDocument,
    value aws_identity: AwsIdentity,
    value api_access: bool,
    list load_balancer_source_cidrs: Ipv4Cidr,
    value termination_grace_period_seconds: u32,
    list allow_from: WorkloadPeer,
    list egress: EgressRule,
    list volume_claims: VolumeClaim,
    into component: String,
    some metrics: MetricsEndpoint,
    map config,
    list role_rules: RoleRule,
    value zone_spread: ZoneSpread,
    some_into health_check_path: String,
    value min_ready_seconds: u32,
    some progress_deadline_seconds: u32,
} }

/// A volume claim template: each pod of the StatefulSet gets its own volume, mounted at
/// `mount_path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeClaim {
    /// The claim's name (a DNS-1123 label); required.
    pub name: String,
    /// Where the volume is mounted in the container (absolute); required.
    pub mount_path: String,
    /// The volume's size in GiB; required.
    pub size_gib: u32,
    /// The StorageClass provisioning the volume. Default: none (the cluster's default class).
    pub storage_class: Option<String>,
}

impl VolumeClaim {
    /// A volume of `size_gib` GiB named `name`, mounted at `mount_path`.
    pub fn new(name: impl Into<String>, mount_path: impl Into<String>, size_gib: u32) -> Self {
        VolumeClaim { name: name.into(), mount_path: mount_path.into(), size_gib, storage_class: None }
    }
}

setters! { VolumeClaim {
    into name: String,
    into mount_path: String,
    value size_gib: u32,
    some_into storage_class: String,
} }
