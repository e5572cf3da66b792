//! [`EksCluster`]: an EKS control plane set up the current way — access entries instead of the
//! `aws-auth` ConfigMap, control-plane logs in a log group created first with a retention,
//! secrets encrypted with a KMS key, managed add-ons, IRSA and Pod Identity — plus the cluster
//! autoscaler and the AWS Load Balancer Controller with scoped IAM roles.

use std::cell::RefCell;
use std::rc::Rc;

use ipnet::Ipv4Net;
use stackwright_cfn::{Tag, ec2, eks};
use stackwright_core::names::{dns1123_label_problem, pascal_case};
use stackwright_core::{
    Arn, Attr, ClusterConnection, Construct, Diagnostic, KubeCluster, Node, Region, Resource, Result, Val,
};

use crate::cidr::{self, Ipv4Cidr};
use crate::cluster_autoscaler;
use crate::encryption_key::{encryption_key, logs_may_encrypt};
use crate::iam::PolicyDocument;
use crate::irsa::{self, OidcProvider};
use crate::kubernetes_version::KubernetesVersion;
use crate::load_balancer_controller;
use crate::log_group::{DEFAULT_RETENTION_DAYS, check_retention, encrypted_log_group};
use crate::problems::{Problems, check_role_name, kebab_case};
use crate::service_role::{RoleSpec, service_role, service_trust};
use crate::vpc::{SecurityGroupId, Subnet, SubnetKind, Vpc, no_egress};
use crate::workload_cluster::WorkloadCluster;

stackwright_core::string_kinds! {
    /// The name of an EKS cluster.
    ClusterName,
}

/// Who can reach the Kubernetes API endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EndpointAccess {
    /// Only from inside the VPC (and networks connected to it). The default: the API server is
    /// not on the internet. `deploy` must then run where it can reach the VPC (a runner in the
    /// VPC, a VPN); see `docs/constructs/eks-cluster.md`.
    #[default]
    Private,
    /// From inside the VPC, and from the internet but only from these blocks.
    PublicAndPrivate { public_cidrs: Vec<Ipv4Cidr> },
    /// From inside the VPC and from anywhere on the internet: an explicit exception, with the
    /// reason kept in code.
    PublicToTheInternet { reason: &'static str },
}

/// The optional managed add-ons. vpc-cni (with its own IRSA role), coredns, kube-proxy and
/// eks-pod-identity-agent are always installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OptionalAddons {
    /// `aws-ebs-csi-driver` with an IRSA role (`AmazonEBSCSIDriverPolicy`).
    pub ebs_csi_driver: bool,
    /// `amazon-cloudwatch-observability` with an IRSA role (`CloudWatchAgentServerPolicy`).
    pub cloudwatch_observability: bool,
}

/// The images of the controllers stackwright installs. The defaults are upstream release tags;
/// to pin digests, give `repository:tag@sha256:<digest>` references you verified (for example
/// with `crane digest` or `docker buildx imagetools inspect`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ControllerImages {
    /// Default: the release matching the cluster's Kubernetes minor
    /// ([`cluster_autoscaler::image`](crate::cluster_autoscaler::image)).
    pub cluster_autoscaler: Option<String>,
    /// Default: [`load_balancer_controller::IMAGE`](crate::load_balancer_controller::IMAGE).
    pub load_balancer_controller: Option<String>,
    /// Default: [`load_balancer_controller::CERTGEN_IMAGE`](crate::load_balancer_controller::CERTGEN_IMAGE).
    pub certgen: Option<String>,
}

/// The properties of an [`EksCluster`]. `EksClusterProps::new(&vpc, version)` gives
/// production-safe defaults for everything else.
#[derive(Clone)]
pub struct EksClusterProps<'a> {
    pub vpc: &'a Vpc,
    pub version: KubernetesVersion,
    /// The cluster's name (a DNS-1123 label); default `<app>-<environment>-<id>`.
    pub name: Option<String>,
    /// Default: private only.
    pub endpoint_access: EndpointAccess,
    /// Blocks besides the VPC's own that may reach the private endpoint (a VPN, a peered VPC
    /// where CI runs): HTTPS rules on the control-plane security group. Default: none.
    pub private_access_cidrs: Vec<Ipv4Cidr>,
    /// IAM roles or users (ARNs) given cluster-admin through access entries.
    pub admin_principals: Vec<Val<String>>,
    /// Whether the principal that creates the cluster (the deploying role) is cluster admin
    /// (default: yes, so that `deploy` can apply the Kubernetes objects right away).
    pub bootstrap_creator_admin: bool,
    /// Retention of the control-plane log group (default 365 days).
    pub log_retention_days: u32,
    /// The block Kubernetes services get addresses from; default: EKS picks one that does not
    /// overlap the VPC.
    pub service_ipv4_cidr: Option<Ipv4Cidr>,
    pub addons: OptionalAddons,
    /// Install the cluster autoscaler (default: yes).
    pub cluster_autoscaler: bool,
    /// Install the AWS Load Balancer Controller (default: yes).
    pub load_balancer_controller: bool,
    /// Override the controllers' images (to pin digests, or use a mirror).
    pub controller_images: ControllerImages,
    /// A fixed name for the cluster's IAM role; default: generated by CloudFormation.
    pub role_name: Option<String>,
}

impl<'a> EksClusterProps<'a> {
    pub fn new(vpc: &'a Vpc, version: KubernetesVersion) -> Self {
        EksClusterProps {
            vpc,
            version,
            name: None,
            endpoint_access: EndpointAccess::Private,
            private_access_cidrs: Vec::new(),
            admin_principals: Vec::new(),
            bootstrap_creator_admin: true,
            log_retention_days: DEFAULT_RETENTION_DAYS,
            service_ipv4_cidr: None,
            addons: OptionalAddons::default(),
            cluster_autoscaler: true,
            load_balancer_controller: true,
            controller_images: ControllerImages::default(),
            role_name: None,
        }
    }

    /// Adds a cluster admin (an IAM role or user ARN).
    pub fn admin(mut self, principal_arn: impl Into<Val<String>>) -> Self {
        self.admin_principals.push(principal_arn.into());
        self
    }
}

/// Add-ons that must run before nodes join, and those that need nodes to run on.
#[derive(Default)]
pub(crate) struct NodeOrdering {
    pub before_nodes: Vec<Node>,
    pub after_nodes: Vec<Node>,
    pub node_groups: Vec<Node>,
}

/// An EKS cluster: control plane, OIDC provider, add-ons and controllers. Node groups are
/// added with `NodeGroup::new(&cluster, …)`.
///
/// ```
/// use stackwright_constructs::eks_cluster::{EksCluster, EksClusterProps};
/// use stackwright_constructs::node_group::{NodeGroup, NodeGroupProps};
/// use stackwright_constructs::vpc::{Vpc, VpcProps};
/// use stackwright_constructs::KubernetesVersion;
/// use stackwright_core::{Account, App, Region};
///
/// let app = App::new("demo");
/// let prod = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
/// let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() })?;
/// let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))?;
/// NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6))?;
/// assert_eq!(cluster.name(), "demo-prod-cluster");
/// app.synth()?;
/// # Ok::<(), stackwright_core::Error>(())
/// ```
pub struct EksCluster {
    node: Node,
    name: String,
    version: KubernetesVersion,
    region: Region,
    kube: KubeCluster,
    cluster: Resource<eks::Cluster>,
    oidc: OidcProvider,
    node_subnets: Vec<Subnet>,
    ordering: Rc<RefCell<NodeOrdering>>,
}

impl EksCluster {
    /// Adds a cluster below `scope` (inside a stack). Returns every problem of `props` at once.
    pub fn new(scope: &impl Construct, id: &str, props: EksClusterProps<'_>) -> Result<EksCluster> {
        let stack = scope.node().require_stack("an EksCluster")?;
        let mut problems = Problems::for_child(scope, id);
        let env = stack.environment();
        let name = props
            .name
            .clone()
            .unwrap_or_else(|| format!("{}-{}-{}", scope.node().app_name(), env.id(), kebab_case(id)));
        check_name(&mut problems, &name);
        let node_subnets = pick_node_subnets(&mut problems, props.vpc);
        check_endpoint_access(&mut problems, &props.endpoint_access);
        for cidr in &props.private_access_cidrs {
            if cidr.prefix_len() == 0 || !cidr::is_network_address(cidr.net()) {
                problems.push(
                    format!("private_access_cidrs has {cidr}, which is not a network block smaller than the internet"),
                    "list the networks (a VPN, a CI VPC) that reach the endpoint, written as network addresses",
                );
            }
        }
        check_retention(&mut problems, "control-plane log", props.log_retention_days);
        if let Some(cidr) = props.service_ipv4_cidr {
            check_service_cidr(&mut problems, cidr.net(), props.vpc.cidr());
        }
        for principal in &props.admin_principals {
            check_principal(&mut problems, principal);
        }
        if let Some(role_name) = &props.role_name {
            check_role_name(&mut problems, "cluster role", role_name);
        }
        let images = &props.controller_images;
        for (what, image) in [
            ("cluster_autoscaler", &images.cluster_autoscaler),
            ("load_balancer_controller", &images.load_balancer_controller),
            ("certgen", &images.certgen),
        ] {
            if let Some(image) = image
                && (image.is_empty()
                    || image.contains(char::is_whitespace)
                    || image.ends_with(":latest")
                    || !image.contains([':', '@']))
            {
                problems.push(
                    format!("controller_images.{what} '{image}' does not name one image"),
                    "write repository:tag or repository:tag@sha256:<digest>, never latest",
                );
            }
        }
        if props.vpc.region() != stack.region() {
            problems.push(
                format!("the VPC is in {} but the cluster's stack is in {}", props.vpc.region(), stack.region()),
                "create the cluster in a stack of the VPC's environment",
            );
        }
        problems.finish()?;

        let node = scope.node().add_child(id)?;
        let region = stack.region();
        let log_group_name = format!("/aws/eks/{name}/cluster");
        let key = encryption_key(
            &node,
            "Key",
            &format!("Encrypts the Kubernetes secrets and control-plane logs of EKS cluster {name}"),
            vec![logs_may_encrypt(region.as_str(), &log_group_name)],
        )?;
        // EKS writes to this group once it exists; created first, it has a retention and a key
        // instead of the never-expiring group EKS would create.
        let log_group =
            encrypted_log_group(&node, "ControlPlaneLogs", &log_group_name, props.log_retention_days, key.arn())?;
        let role = service_role(
            &node,
            "Role",
            RoleSpec::trusted_by(
                vec![service_trust("eks.amazonaws.com", &["sts:AssumeRole", "sts:TagSession"])],
                format!("The EKS control plane of {name}"),
            )
            .managed(&["AmazonEKSClusterPolicy"])
            .named(props.role_name.clone()),
        )?;
        let vpc = props.vpc;
        let control_plane_sg = Resource::new(
            &node,
            "ControlPlaneSecurityGroup",
            ec2::SecurityGroup::new(format!("EKS {name} control plane: HTTPS from inside the VPC"))
                .with_vpc_id(vpc.vpc_id())
                .with_security_group_ingress(
                    std::iter::once((vpc.cidr().to_string(), "Kubernetes API from the VPC".to_string()))
                        .chain(
                            props
                                .private_access_cidrs
                                .iter()
                                .map(|c| (c.to_string(), format!("Kubernetes API from {c}"))),
                        )
                        .map(|(cidr, description)| {
                            ec2::security_group::Ingress::new("tcp")
                                .with_cidr_ip(cidr)
                                .with_from_port(443)
                                .with_to_port(443)
                                .with_description(description)
                        }),
                )
                .with_security_group_egress([no_egress()])
                .with_tags([Tag::new(
                    "Name",
                    format!("{}/{}/ControlPlaneSecurityGroup", node.app_name(), node.path()),
                )]),
        )?;
        let subnet_ids = Val::<Vec<String>>::of(node_subnets.iter().map(|s| s.subnet_id().into()));
        let mut vpc_config = eks::cluster::ResourcesVpcConfig::new(subnet_ids)
            .with_security_group_ids(Val::<Vec<String>>::of([control_plane_sg.group_id().into()]))
            .with_endpoint_private_access(true);
        vpc_config = match &props.endpoint_access {
            EndpointAccess::Private => vpc_config.with_endpoint_public_access(false),
            EndpointAccess::PublicAndPrivate { public_cidrs } => vpc_config
                .with_endpoint_public_access(true)
                .with_public_access_cidrs(Val::<Vec<String>>::of(public_cidrs.iter().map(|c| c.to_string().into()))),
            EndpointAccess::PublicToTheInternet { .. } => {
                vpc_config.with_endpoint_public_access(true).with_public_access_cidrs(["0.0.0.0/0"])
            }
        };
        let mut network = eks::cluster::KubernetesNetworkConfig::new().with_ip_family("ipv4");
        if let Some(cidr) = props.service_ipv4_cidr {
            network = network.with_service_ipv4_cidr(cidr.to_string());
        }
        let log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
        let cluster = Resource::new(
            &node,
            "Resource",
            eks::Cluster::new(vpc_config, role.arn())
                .with_name(name.as_str())
                .with_version(props.version.as_str())
                .with_access_config(
                    eks::cluster::AccessConfig::new()
                        .with_authentication_mode("API")
                        .with_bootstrap_cluster_creator_admin_permissions(props.bootstrap_creator_admin),
                )
                .with_bootstrap_self_managed_addons(false)
                .with_encryption_config([eks::cluster::EncryptionConfig::new()
                    .with_provider(eks::cluster::Provider::new().with_key_arn(key.arn()))
                    .with_resources(["secrets"])])
                .with_kubernetes_network_config(network)
                .with_logging(
                    eks::cluster::Logging::new()
                        .with_cluster_logging(eks::cluster::ClusterLogging::new().with_enabled_types(
                            log_types.map(|t| eks::cluster::LoggingTypeConfig::new().with_type(t)),
                        )),
                )
                .with_tags([Tag::new("Name", format!("{}/{}", node.app_name(), node.path()))]),
        )?;
        cluster.node().add_dependency(&log_group);

        let oidc = OidcProvider::create(&node, "OidcProvider", &cluster)?;
        let ordering = Rc::new(RefCell::new(NodeOrdering::default()));
        let cluster_name: Attr<ClusterName> = cluster.reference().cast_unchecked();

        // Managed add-ons. The networking ones must be there before nodes join; the ones that
        // run as Deployments need nodes to become ACTIVE.
        let addons = node.add_child("Addons")?;
        // The IRSA role `<id>Role` of an add-on's service account, with one AWS managed policy.
        let addon_role = |id: &str, namespace: &str, service_account: &str, what: &str, policy: &'static str| {
            irsa::irsa_role(
                &addons,
                &format!("{id}Role"),
                &oidc,
                namespace,
                service_account,
                RoleSpec::trusted_by(Vec::new(), format!("The {what} of {name}")).managed(&[policy]),
            )
        };
        let cni_role = addon_role("VpcCni", "kube-system", "aws-node", "VPC CNI (aws-node)", "AmazonEKS_CNI_Policy")?;
        let addon = |id: &str, addon_name: &str, role: Option<Attr<String>>, config: Option<&str>| -> Result<Node> {
            let mut a = eks::Addon::new(addon_name, &cluster_name).with_resolve_conflicts("OVERWRITE");
            if let Some(role) = role {
                a = a.with_service_account_role_arn(role);
            }
            if let Some(config) = config {
                a = a.with_configuration_values(config);
            }
            Ok(Resource::new(&addons, id, a)?.node().clone())
        };
        {
            let mut o = ordering.borrow_mut();
            // The CNI enforces NetworkPolicies (the workloads' default-deny policies mean something).
            o.before_nodes.push(addon(
                "VpcCni",
                "vpc-cni",
                Some(cni_role.arn()),
                Some(r#"{"enableNetworkPolicy":"true"}"#),
            )?);
            o.before_nodes.push(addon("KubeProxy", "kube-proxy", None, None)?);
            o.before_nodes.push(addon("PodIdentityAgent", "eks-pod-identity-agent", None, None)?);
            o.after_nodes.push(addon("CoreDns", "coredns", None, None)?);
            if props.addons.ebs_csi_driver {
                let role = addon_role(
                    "EbsCsiDriver",
                    "kube-system",
                    "ebs-csi-controller-sa",
                    "EBS CSI driver",
                    "service-role/AmazonEBSCSIDriverPolicy",
                )?;
                o.after_nodes.push(addon("EbsCsiDriver", "aws-ebs-csi-driver", Some(role.arn()), None)?);
            }
            if props.addons.cloudwatch_observability {
                let role = addon_role(
                    "CloudWatchObservability",
                    "amazon-cloudwatch",
                    "cloudwatch-agent",
                    "CloudWatch agent",
                    "CloudWatchAgentServerPolicy",
                )?;
                o.after_nodes.push(addon(
                    "CloudWatchObservability",
                    "amazon-cloudwatch-observability",
                    Some(role.arn()),
                    None,
                )?);
            }
        }

        // Access entries: cluster admins, without the aws-auth ConfigMap.
        for (i, principal) in props.admin_principals.iter().enumerate() {
            Resource::new(
                &node,
                &format!("Admin{}", i + 1),
                eks::AccessEntry::new(&cluster_name, principal.clone()).with_type("STANDARD").with_access_policies([
                    eks::access_entry::AccessPolicy::new(
                        eks::access_entry::AccessScope::new("cluster"),
                        Val::<String>::sub([
                            "arn:".into(),
                            stackwright_core::Pseudo::Partition.into(),
                            ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy".into(),
                        ]),
                    ),
                ]),
            )?;
        }

        let connection = ClusterConnection {
            cluster_name: cluster.reference().into(),
            endpoint: cluster.endpoint().into(),
            certificate_authority: cluster.certificate_authority_data().into(),
            oidc_issuer: cluster.open_id_connect_issuer_url().into(),
        };
        let kube = KubeCluster::new(&node, &name, connection)?;
        stack.add_output(
            &format!("{}ClusterSecurityGroupId", pascal_case(&name)),
            cluster.cluster_security_group_id(),
            Some("The security group EKS created for the control plane and managed nodes"),
        );
        vpc.tag_for_cluster(&name)?;

        let check_ordering = Rc::clone(&ordering);
        let cluster_path = node.path();
        node.add_check(move |_| {
            if check_ordering.borrow().node_groups.is_empty() {
                vec![Diagnostic::new(
                    cluster_path.clone(),
                    "the cluster has no node group, so coredns and the controllers have nowhere to run",
                    "add one with NodeGroup::new(&cluster, \"General\", NodeGroupProps::on_demand([\"t3.medium\"], 2..=6))",
                )]
            } else {
                Vec::new()
            }
        });

        let eks =
            EksCluster { node, name, version: props.version, region, kube, cluster, oidc, node_subnets, ordering };
        if props.cluster_autoscaler {
            cluster_autoscaler::install(&eks, images.cluster_autoscaler.as_deref())?;
        }
        if props.load_balancer_controller {
            load_balancer_controller::install(&eks, vpc, images)?;
        }
        Ok(eks)
    }

    /// The cluster's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cluster's name as a reference (a dependency on the cluster).
    pub fn cluster_name(&self) -> Attr<ClusterName> {
        self.cluster.reference().cast_unchecked()
    }

    pub fn version(&self) -> KubernetesVersion {
        self.version
    }

    /// The cluster's ARN.
    pub fn arn(&self) -> Attr<Arn> {
        self.cluster.arn().cast_unchecked()
    }

    /// The security group EKS created for the control plane and managed nodes.
    pub fn cluster_security_group_id(&self) -> Attr<SecurityGroupId> {
        self.cluster.cluster_security_group_id().cast_unchecked()
    }

    /// The IAM OIDC provider of the cluster (IRSA).
    pub fn oidc_provider(&self) -> &OidcProvider {
        &self.oidc
    }

    /// The subnets nodes are placed in (the private ones).
    pub fn node_subnets(&self) -> &[Subnet] {
        &self.node_subnets
    }

    /// An IAM role for `namespace/service_account` through EKS Pod Identity (the alternative
    /// to IRSA): the role trusts `pods.eks.amazonaws.com` and an association binds it.
    pub fn pod_identity_role(
        &self,
        scope: &dyn Construct,
        id: &str,
        namespace: &str,
        service_account: &str,
        policy: PolicyDocument,
    ) -> Result<Attr<Arn>> {
        irsa::pod_identity_role(&scope.node().clone(), id, self.cluster_name(), namespace, service_account, policy)
    }

    /// Records a node group: it is created after the networking add-ons, and the add-ons that
    /// need nodes after it.
    pub(crate) fn register_node_group(&self, node_group: &Node) {
        let mut o = self.ordering.borrow_mut();
        for addon in &o.before_nodes {
            node_group.add_dependency(addon);
        }
        for addon in &o.after_nodes {
            addon.add_dependency(node_group);
        }
        o.node_groups.push(node_group.clone());
    }
}

impl Construct for EksCluster {
    fn node(&self) -> &Node {
        &self.node
    }
}

impl WorkloadCluster for EksCluster {
    fn kube(&self) -> &KubeCluster {
        &self.kube
    }

    fn kubernetes_version(&self) -> KubernetesVersion {
        self.version
    }

    fn region(&self) -> Region {
        self.region
    }

    fn service_account_role(
        &self,
        scope: &dyn Construct,
        id: &str,
        namespace: &str,
        service_account: &str,
        policy: PolicyDocument,
    ) -> Result<Attr<Arn>> {
        let role = irsa::irsa_role(
            &scope.node().clone(),
            id,
            &self.oidc,
            namespace,
            service_account,
            RoleSpec::trusted_by(Vec::new(), format!("IRSA role of {namespace}/{service_account} in {}", self.name))
                .inline(policy),
        )?;
        Ok(role.arn().cast_unchecked())
    }
}

fn check_name(problems: &mut Problems, name: &str) {
    if let Some(problem) = dns1123_label_problem(name) {
        problems.push(
            format!("invalid cluster name: {problem}"),
            "set EksClusterProps::name to a lower-case name of letters, digits and '-' (at most 63), or shorten the ids",
        );
    }
}

/// Nodes and the control plane's network interfaces go in the private subnets (with egress
/// if there are any, else isolated), which must span at least two zones.
fn pick_node_subnets(problems: &mut Problems, vpc: &Vpc) -> Vec<Subnet> {
    let kind = if !vpc.private_subnets().is_empty() { SubnetKind::PrivateWithEgress } else { SubnetKind::Isolated };
    let subnets: Vec<Subnet> = vpc.subnets_of(kind).into_iter().cloned().collect();
    if subnets.is_empty() {
        problems.push(
            "the VPC has no private or isolated subnets; EKS nodes must not live in public subnets",
            "add SubnetConfig::private(19) to the VPC's subnets",
        );
        return subnets;
    }
    let mut zones: Vec<&str> = subnets.iter().map(|s| s.availability_zone()).collect();
    zones.dedup();
    if zones.len() < 2 {
        problems.push(
            format!(
                "EKS needs subnets in at least two availability zones, but the VPC's private subnets are all in {}",
                zones[0]
            ),
            "give the VPC max_azs: 2 or more (3 for production)",
        );
    }
    subnets
}

fn check_endpoint_access(problems: &mut Problems, access: &EndpointAccess) {
    match access {
        EndpointAccess::Private => {}
        EndpointAccess::PublicAndPrivate { public_cidrs } => {
            if public_cidrs.is_empty() {
                problems.push(
                    "endpoint_access is PublicAndPrivate but lists no public CIDR",
                    "list the blocks allowed to reach the API (an office, a CI egress IP), or use EndpointAccess::Private",
                );
            }
            if public_cidrs.len() > 40 {
                problems.push(
                    format!("endpoint_access lists {} public CIDRs; EKS accepts at most 40", public_cidrs.len()),
                    "merge blocks, or reach the endpoint through the VPC",
                );
            }
            for cidr in public_cidrs {
                if cidr.prefix_len() == 0 {
                    problems.push(
                        "endpoint_access opens the Kubernetes API to the whole internet (0.0.0.0/0)",
                        "list the blocks that need access, or say why with EndpointAccess::PublicToTheInternet { reason }",
                    );
                } else if !cidr::is_network_address(cidr.net()) {
                    problems.push(
                        format!("public CIDR {cidr} has host bits set"),
                        format!("write the network address: {}", cidr.trunc()),
                    );
                }
            }
        }
        EndpointAccess::PublicToTheInternet { reason } => {
            if reason.trim().is_empty() {
                problems.push(
                    "EndpointAccess::PublicToTheInternet needs a reason",
                    "say in the reason why the API must be reachable from anywhere",
                );
            }
        }
    }
}

/// EKS's rules for the service block: inside RFC 1918, /12 to /24, not overlapping the VPC.
fn check_service_cidr(problems: &mut Problems, cidr: Ipv4Net, vpc: Ipv4Net) {
    if !(12..=24).contains(&cidr.prefix_len()) || !cidr::is_rfc1918(cidr) || !cidr::is_network_address(cidr) {
        problems.push(
            format!(
                "service_ipv4_cidr {cidr} is not a /12 to /24 network in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"
            ),
            "use a private block such as 172.20.0.0/16, or leave it unset",
        );
    }
    if cidr::overlaps(cidr, vpc) {
        problems.push(
            format!("service_ipv4_cidr {cidr} overlaps the VPC CIDR {vpc}"),
            "pick a block outside the VPC, such as 172.20.0.0/16 for a 10.x VPC, or leave it unset",
        );
    }
}

/// A literal admin principal must be an IAM role or user ARN (access entries take no root, no
/// group, no assumed-role session).
fn check_principal(problems: &mut Problems, principal: &Val<String>) {
    let Some(arn) = principal.value().as_str() else {
        return;
    };
    let ok = crate::arn::iam_resource(arn)
        .is_some_and(|r| (r.starts_with("role/") || r.starts_with("user/")) && r.len() > 5);
    if !ok {
        problems.push(
            format!("admin principal '{arn}' is not an IAM role or user ARN"),
            "use arn:aws:iam::<account>:role/<name> (access entries accept IAM roles and users, not root or sessions)",
        );
    }
}
