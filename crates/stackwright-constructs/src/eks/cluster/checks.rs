//! Every check of an [`EksClusterProps`](super::EksClusterProps), run before anything is added
//! so that all problems are reported at once.

use ipnet::Ipv4Net;
use stackwright_core::names::dns1123_label_problem;
use stackwright_core::{Construct, Problems, Region, Val};

use super::{EksClusterProps, EndpointAccess};
use crate::eks::ControllerImages;
use crate::iam::arn;
use crate::internal::log_group::check_retention;
use crate::internal::problems::check_role_name;
use crate::network::cidr;
use crate::network::{Subnet, SubnetKind, Vpc};

/// Checks `props` of the cluster `name` in `region`; returns the subnets the nodes go in. The
/// checks of the VPC (its subnets, its block, its region) are skipped when the VPC is
/// rejected: its own problems are reported, and nothing more is said about it.
pub(super) fn check_props(
    problems: &mut Problems,
    region: Region,
    name: &str,
    props: &EksClusterProps<'_>,
) -> Vec<Subnet> {
    check_name(problems, name);
    let vpc = (!props.vpc.node().is_rejected()).then_some(props.vpc);
    let node_subnets = vpc.map(|vpc| pick_node_subnets(problems, vpc)).unwrap_or_default();
    if let Some(vpc) = vpc {
        check_load_balancer_tags(problems, vpc, props.load_balancer_controller);
    }
    check_endpoint_access(problems, &props.endpoint_access);
    for cidr in &props.private_access_cidrs {
        if cidr.prefix_len() == 0 || !cidr::is_network_address(cidr.net()) {
            problems.push(
                format!("private_access_cidrs has {cidr}, which is not a network block smaller than the internet"),
                "list the networks (a VPN, a CI VPC) that reach the endpoint, written as network addresses",
            );
        }
    }
    check_retention(problems, "control-plane log", props.log_retention_days);
    if let Some(cidr) = props.service_ipv4_cidr {
        check_service_cidr(problems, cidr.net(), vpc.map(Vpc::cidr));
    }
    for principal in &props.admin_principals {
        check_principal(problems, principal);
    }
    if let Some(role_name) = &props.role_name {
        check_role_name(problems, "cluster role", role_name);
    }
    check_images(problems, &props.controller_images);
    check_autoscaler_minor(problems, props);
    check_addon_versions(problems, props);
    if props.addons.ebs_volume_key && !props.addons.ebs_csi_driver {
        problems.push(
            "addons.ebs_volume_key is on without the EBS CSI driver, which alone would use the key",
            "turn on addons.ebs_csi_driver too, or leave ebs_volume_key off",
        );
    }
    if let Some(vpc) = vpc
        && vpc.region() != region
    {
        problems.push(
            format!("the VPC is in {} but the cluster's stack is in {region}", vpc.region()),
            "create the cluster in a stack of the VPC's environment",
        );
    }
    node_subnets
}

/// Each overridden image must name one image, by tag (and digest), never `latest`.
fn check_images(problems: &mut Problems, images: &ControllerImages) {
    for (what, image) in [
        ("cluster_autoscaler", &images.cluster_autoscaler),
        ("load_balancer_controller", &images.load_balancer_controller),
        ("certgen", &images.certgen),
        ("nvidia_device_plugin", &images.nvidia_device_plugin),
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
pub(super) fn pick_node_subnets(problems: &mut Problems, vpc: &Vpc) -> Vec<Subnet> {
    let kind = if !vpc.private_subnets().is_empty() { SubnetKind::PrivateWithEgress } else { SubnetKind::Isolated };
    let subnets: Vec<Subnet> = vpc.subnets_of(kind).into_iter().cloned().collect();
    let referenced = vpc.is_referenced();
    if subnets.is_empty() {
        problems.push(
            "the VPC has no private or isolated subnets; EKS nodes must not live in public subnets",
            if referenced {
                "list the existing VPC's private subnets: VpcAttributes::private(ExistingSubnet::new(..))"
            } else {
                "add SubnetConfig::private(19) to the VPC's subnets"
            },
        );
        return subnets;
    }
    // A referenced VPC lists its subnets in any order: count the distinct zones.
    let zones: std::collections::BTreeSet<&str> = subnets.iter().map(|s| s.availability_zone()).collect();
    if zones.len() < 2 {
        problems.push(
            format!(
                "EKS needs subnets in at least two availability zones, but the VPC's private subnets are all in {}",
                subnets[0].availability_zone()
            ),
            if referenced {
                "list the existing VPC's private subnets of a second zone too (VpcAttributes::private)"
            } else {
                "give the VPC max_azs: 2 or more (3 for production)"
            },
        );
    }
    subnets
}

/// The load balancer controller picks subnets by their role tags, which a referenced VPC must
/// already have: the program does not change it.
pub(super) fn check_load_balancer_tags(problems: &mut Problems, vpc: &Vpc, load_balancer_controller: bool) {
    if load_balancer_controller && vpc.referenced().is_some_and(|r| !r.load_balancer_tags) {
        problems.push(
            "the load balancer controller picks subnets by tags the program cannot add to a referenced VPC",
            "tag the existing public subnets kubernetes.io/role/elb=1 and the private ones \
             kubernetes.io/role/internal-elb=1 yourself, then say so with VpcAttributes::load_balancer_tags(true) \
             (or turn load_balancer_controller off)",
        );
    }
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
fn check_service_cidr(problems: &mut Problems, cidr: Ipv4Net, vpc: Option<Ipv4Net>) {
    if !(12..=24).contains(&cidr.prefix_len()) || !cidr::is_rfc1918(cidr) || !cidr::is_network_address(cidr) {
        problems.push(
            format!(
                "service_ipv4_cidr {cidr} is not a /12 to /24 network in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"
            ),
            "use a private block such as 172.20.0.0/16, or leave it unset",
        );
    }
    if let Some(vpc) = vpc
        && cidr::overlaps(cidr, vpc)
    {
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
    let ok = arn::iam_resource(arn).is_some_and(|r| (r.starts_with("role/") || r.starts_with("user/")) && r.len() > 5);
    if !ok {
        problems.push(
            format!("admin principal '{arn}' is not an IAM role or user ARN"),
            "use arn:aws:iam::<account>:role/<name> (access entries accept IAM roles and users, not root or sessions)",
        );
    }
}

/// Every installed add-on has a version: the table's, or an override the table allows; an
/// override names an installed add-on.
fn check_addon_versions(problems: &mut Problems, props: &EksClusterProps<'_>) {
    let installed = props.addons.installed();
    for addon in &installed {
        if let Err((message, hint)) = props.addon_versions.resolve(addon, props.version) {
            problems.push(message, hint);
        }
    }
    for unknown in props.addon_versions.unknown_addons(&installed) {
        problems.push(
            format!("addon_versions names '{unknown}', which this cluster does not install"),
            format!("name one of {}", installed.join(", ")),
        );
    }
}

/// An overridden cluster autoscaler whose tag names a release (`v1.35.2`, `1.35.2`) must be of
/// the cluster's minor: upstream supports each autoscaler minor with the same Kubernetes minor
/// only, and a control-plane upgrade that left the override behind would run a mismatched one.
fn check_autoscaler_minor(problems: &mut Problems, props: &EksClusterProps<'_>) {
    let Some(image) = &props.controller_images.cluster_autoscaler else { return };
    let reference = image.split('@').next().unwrap_or_default();
    let Some((_, tag)) = reference.rsplit_once(':') else { return };
    let mut numbers = tag.trim_start_matches('v').split('.');
    let (Some("1"), Some(minor), Some(_patch)) = (numbers.next(), numbers.next(), numbers.next()) else { return };
    if minor.parse::<u32>().is_ok_and(|m| m != props.version.minor()) {
        let wanted = crate::eks::addon_versions::controller_image("cluster-autoscaler", props.version)
            .map_or_else(String::new, |(image, _)| format!(" (the table's: {image})"));
        problems.push(
            format!(
                "controller_images.cluster_autoscaler '{image}' is a release for Kubernetes 1.{minor}, but the cluster runs {}: \
                 the autoscaler's minor must follow the cluster's",
                props.version
            ),
            format!("use a {} release of the autoscaler{wanted}, or remove the override", props.version),
        );
    }
}
