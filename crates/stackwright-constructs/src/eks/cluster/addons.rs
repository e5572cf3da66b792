//! The managed EKS add-ons of a cluster and the IRSA roles of those that call AWS. The
//! networking ones must be there before nodes join; the ones that run as Deployments need
//! nodes to become ACTIVE.

use stackwright_cfn::{eks, logs};
use stackwright_core::{Arn, Attr, Construct, Node, Resource, Result};

use super::{ClusterName, NodeOrdering, container_insights};
use crate::eks::irsa::{self, OidcProvider};
use crate::iam::service_role::RoleSpec;

/// The optional managed add-ons. vpc-cni (with its own IRSA role), coredns, kube-proxy and
/// eks-pod-identity-agent are always installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OptionalAddons {
    /// `aws-ebs-csi-driver` with an IRSA role (`AmazonEBSCSIDriverPolicy`). Default: off.
    pub ebs_csi_driver: bool,
    /// `amazon-cloudwatch-observability`: the containers' logs in CloudWatch Logs and
    /// Container Insights metrics, its four log groups created first (retention and KMS key of
    /// the control plane's), with an IRSA role that may write to those groups only. Default:
    /// off.
    pub cloudwatch_observability: bool,
}

crate::internal::setters::setters! { OptionalAddons {
    value ebs_csi_driver: bool,
    value cloudwatch_observability: bool,
} }

/// The optional add-ons and what they need of the control plane.
pub(super) struct Optional<'a> {
    pub addons: OptionalAddons,
    /// The log groups of the CloudWatch observability add-on (empty when it is off).
    pub insights_log_groups: &'a [Resource<logs::LogGroup>],
}

/// Adds the add-ons below `Addons` of the cluster's `node`, recording in `ordering` which must
/// come before and which after the node groups.
pub(super) fn managed_addons(
    node: &Node,
    name: &str,
    cluster_name: &Attr<ClusterName>,
    oidc: &OidcProvider,
    optional: Optional<'_>,
    ordering: &mut NodeOrdering,
) -> Result<()> {
    let Optional { addons: optional, insights_log_groups } = optional;
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
        // Least privilege written out (container_insights::agent_policy says why not the
        // managed policy); the add-on's Fluent Bit uses the same service account.
        let role = irsa::irsa_role(
            &addons,
            "CloudWatchObservabilityRole",
            oidc,
            "amazon-cloudwatch",
            "cloudwatch-agent",
            RoleSpec::trusted_by(Vec::new(), format!("The CloudWatch agent and Fluent Bit of {name}"))
                .inline(container_insights::agent_policy(name)),
        )?;
        let a = addon(
            "CloudWatchObservability",
            "amazon-cloudwatch-observability",
            Some(role.arn()),
            Some(container_insights::ADDON_CONFIGURATION),
        )?;
        container_insights::after_log_groups(&a, insights_log_groups);
        ordering.after_nodes.push(a);
    }
    Ok(())
}
