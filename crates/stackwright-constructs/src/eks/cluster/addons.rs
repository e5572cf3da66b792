//! The managed EKS add-ons of a cluster and the IRSA roles of those that call AWS. The
//! networking ones must be there before nodes join; the ones that run as Deployments need
//! nodes to become ACTIVE.

use stackwright_cfn::eks;
use stackwright_core::{Arn, Attr, Construct, Node, Resource, Result};

use super::{ClusterName, NodeOrdering};
use crate::eks::irsa::{self, OidcProvider};
use crate::iam::service_role::RoleSpec;

/// The optional managed add-ons. vpc-cni (with its own IRSA role), coredns, kube-proxy and
/// eks-pod-identity-agent are always installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OptionalAddons {
    /// `aws-ebs-csi-driver` with an IRSA role (`AmazonEBSCSIDriverPolicy`). Default: off.
    pub ebs_csi_driver: bool,
    /// `amazon-cloudwatch-observability` with an IRSA role (`CloudWatchAgentServerPolicy`).
    /// Default: off.
    pub cloudwatch_observability: bool,
}

crate::internal::setters::setters! { OptionalAddons {
    value ebs_csi_driver: bool,
    value cloudwatch_observability: bool,
} }

/// Adds the add-ons below `Addons` of the cluster's `node`, recording in `ordering` which must
/// come before and which after the node groups.
pub(super) fn managed_addons(
    node: &Node,
    name: &str,
    cluster_name: &Attr<ClusterName>,
    oidc: &OidcProvider,
    optional: OptionalAddons,
    ordering: &mut NodeOrdering,
) -> Result<()> {
    let addons = node.add_child("Addons")?;
    // The IRSA role `<id>Role` of an add-on's service account, with one AWS managed policy.
    let addon_role = |id: &str, namespace: &str, service_account: &str, what: &str, policy: &'static str| {
        irsa::irsa_role(
            &addons,
            &format!("{id}Role"),
            oidc,
            namespace,
            service_account,
            RoleSpec::trusted_by(Vec::new(), format!("The {what} of {name}")).managed(&[policy]),
        )
    };
    let cni_role = addon_role("VpcCni", "kube-system", "aws-node", "VPC CNI (aws-node)", "AmazonEKS_CNI_Policy")?;
    let addon = |id: &str, addon_name: &str, role: Option<Attr<Arn>>, config: Option<&str>| -> Result<Node> {
        let mut a = eks::Addon::new(addon_name, cluster_name).with_resolve_conflicts("OVERWRITE");
        if let Some(role) = role {
            a = a.with_service_account_role_arn(role);
        }
        if let Some(config) = config {
            a = a.with_configuration_values(config);
        }
        Ok(Resource::new(&addons, id, a)?.node().clone())
    };
    // The CNI enforces NetworkPolicies (the workloads' default-deny policies mean something).
    ordering.before_nodes.push(addon(
        "VpcCni",
        "vpc-cni",
        Some(cni_role.arn()),
        Some(r#"{"enableNetworkPolicy":"true"}"#),
    )?);
    ordering.before_nodes.push(addon("KubeProxy", "kube-proxy", None, None)?);
    ordering.before_nodes.push(addon("PodIdentityAgent", "eks-pod-identity-agent", None, None)?);
    ordering.after_nodes.push(addon("CoreDns", "coredns", None, None)?);
    if optional.ebs_csi_driver {
        let role = addon_role(
            "EbsCsiDriver",
            "kube-system",
            "ebs-csi-controller-sa",
            "EBS CSI driver",
            "service-role/AmazonEBSCSIDriverPolicy",
        )?;
        ordering.after_nodes.push(addon("EbsCsiDriver", "aws-ebs-csi-driver", Some(role.arn()), None)?);
    }
    if optional.cloudwatch_observability {
        let role = addon_role(
            "CloudWatchObservability",
            "amazon-cloudwatch",
            "cloudwatch-agent",
            "CloudWatch agent",
            "CloudWatchAgentServerPolicy",
        )?;
        ordering.after_nodes.push(addon(
            "CloudWatchObservability",
            "amazon-cloudwatch-observability",
            Some(role.arn()),
            None,
        )?);
    }
    Ok(())
}
