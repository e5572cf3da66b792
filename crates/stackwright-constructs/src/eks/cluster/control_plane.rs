//! The control plane of an [`EksCluster`](super::EksCluster): its KMS key, the log group EKS
//! writes to (created first, with a retention), its IAM role, its security group and the
//! `AWS::EKS::Cluster` itself.

use stackwright_cfn::{Tag, ec2, eks, logs};
use stackwright_core::{Construct, Node, Region, Resource, Result, Val};

use super::container_insights;
use super::{EksClusterProps, EndpointAccess};
use crate::iam::service_role::{RoleSpec, service_role, service_trust};
use crate::internal::container_insights::log_group_names;
use crate::internal::encryption_key::{encryption_key, logs_may_encrypt_groups};
use crate::internal::log_group::encrypted_log_group;
use crate::network::Subnet;
use crate::network::vpc::no_egress;

/// The control-plane log types EKS sends to CloudWatch Logs: all of them.
const LOG_TYPES: [&str; 5] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/// Adds the key, log group, role, security group and cluster below `node`; with the CloudWatch
/// observability add-on, its log groups too (returned: the add-on waits for them).
pub(super) fn control_plane(
    node: &Node,
    name: &str,
    region: Region,
    props: &EksClusterProps<'_>,
    node_subnets: &[Subnet],
) -> Result<(Resource<eks::Cluster>, Vec<Resource<logs::LogGroup>>)> {
    let log_group_name = format!("/aws/eks/{name}/cluster");
    let insights = props.addons.cloudwatch_observability;
    let insights_groups = if insights { log_group_names(name) } else { Vec::new() };
    let mut encrypted_groups = vec![log_group_name.as_str()];
    encrypted_groups.extend(insights_groups.iter().map(String::as_str));
    let key = encryption_key(
        node,
        "Key",
        &format!("Encrypts the Kubernetes secrets and control-plane logs of EKS cluster {name}"),
        vec![logs_may_encrypt_groups(region.as_str(), &encrypted_groups)],
    )?;
    // EKS writes to this group once it exists; created first, it has a retention and a key
    // instead of the never-expiring group EKS would create.
    let log_group =
        encrypted_log_group(node, "ControlPlaneLogs", &log_group_name, props.log_retention_days, key.arn())?;
    let insights_groups = if insights {
        container_insights::log_groups(node, name, props.log_retention_days, &key.arn().into())?
    } else {
        Vec::new()
    };
    let role = service_role(
        node,
        "Role",
        RoleSpec::trusted_by(
            vec![service_trust("eks.amazonaws.com", &["sts:AssumeRole", "sts:TagSession"])],
            format!("The EKS control plane of {name}"),
        )
        .managed(&["AmazonEKSClusterPolicy"])
        .named(props.role_name.clone()),
    )?;
    let control_plane_sg = security_group(node, name, props)?;
    let subnet_ids = Val::<Vec<String>>::of(node_subnets.iter().map(|s| s.subnet_id().into()));
    let vpc_config = endpoint_access(
        eks::cluster::ResourcesVpcConfig::new(subnet_ids)
            .with_security_group_ids(Val::<Vec<String>>::of([control_plane_sg.group_id().into()]))
            .with_endpoint_private_access(true),
        &props.endpoint_access,
    );
    let mut network = eks::cluster::KubernetesNetworkConfig::new().with_ip_family("ipv4");
    if let Some(cidr) = props.service_ipv4_cidr {
        network = network.with_service_ipv4_cidr(cidr.to_string());
    }
    let cluster = Resource::new(
        node,
        "Resource",
        eks::Cluster::new(vpc_config, role.arn())
            .with_name(name)
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
                eks::cluster::Logging::new().with_cluster_logging(
                    eks::cluster::ClusterLogging::new()
                        .with_enabled_types(LOG_TYPES.map(|t| eks::cluster::LoggingTypeConfig::new().with_type(t))),
                ),
            )
            .with_tags([Tag::new("Name", format!("{}/{}", node.app_name(), node.path()))]),
    )?;
    cluster.node().add_dependency(&log_group);
    Ok((cluster, insights_groups))
}

/// The control plane's security group: HTTPS from the VPC and from `private_access_cidrs`, no
/// egress.
fn security_group(node: &Node, name: &str, props: &EksClusterProps<'_>) -> Result<Resource<ec2::SecurityGroup>> {
    let vpc = props.vpc;
    Resource::new(
        node,
        "ControlPlaneSecurityGroup",
        ec2::SecurityGroup::new(format!("EKS {name} control plane: HTTPS from inside the VPC"))
            .with_vpc_id(vpc.vpc_id())
            .with_security_group_ingress(
                std::iter::once((vpc.cidr().to_string(), "Kubernetes API from the VPC".to_string()))
                    .chain(
                        props.private_access_cidrs.iter().map(|c| (c.to_string(), format!("Kubernetes API from {c}"))),
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
            .with_tags([Tag::new("Name", format!("{}/{}/ControlPlaneSecurityGroup", node.app_name(), node.path()))]),
    )
}

/// Who reaches the API endpoint: the VPC always, the internet as `access` says.
fn endpoint_access(
    vpc_config: eks::cluster::ResourcesVpcConfig,
    access: &EndpointAccess,
) -> eks::cluster::ResourcesVpcConfig {
    match access {
        EndpointAccess::Private => vpc_config.with_endpoint_public_access(false),
        EndpointAccess::PublicAndPrivate { public_cidrs } => vpc_config
            .with_endpoint_public_access(true)
            .with_public_access_cidrs(Val::<Vec<String>>::of(public_cidrs.iter().map(|c| c.to_string().into()))),
        EndpointAccess::PublicToTheInternet { .. } => {
            vpc_config.with_endpoint_public_access(true).with_public_access_cidrs(["0.0.0.0/0"])
        }
    }
}
