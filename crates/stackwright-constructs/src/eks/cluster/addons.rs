//! The managed EKS add-ons of a cluster and the IRSA roles of those that call AWS. The
//! networking ones must be there before nodes join; the ones that run as Deployments need
//! nodes to become ACTIVE.

use stackwright_cfn::{eks, logs};
use stackwright_core::{Arn, Attr, Construct, Node, Resource, Result, Val, Value};

use super::{ClusterName, NodeOrdering, container_insights};
use crate::eks::addon_versions::AddonVersions;
use crate::eks::irsa::{self, OidcProvider};
use crate::iam::service_role::RoleSpec;
use crate::iam::{PolicyDocument, Statement};
use crate::internal::encryption_key::encryption_key;
use crate::workload::KubernetesVersion;

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
    /// A customer-managed KMS key (rotation on) for the EBS volumes the EBS CSI driver
    /// creates, which the driver's role may use (grants for AWS resources only); the library's
    /// StorageClasses (Prometheus' volume) then encrypt with it (`kmsKeyId`) instead of the
    /// AWS managed `aws/ebs` key. Needs `ebs_csi_driver`. Default: off.
    pub ebs_volume_key: bool,
}

crate::internal::setters::setters! { OptionalAddons {
    value ebs_csi_driver: bool,
    value cloudwatch_observability: bool,
    value ebs_volume_key: bool,
} }

/// Every managed add-on an `EksCluster` can install: the four it always installs, then the
/// optional ones ([`OptionalAddons`]).
pub const MANAGED_ADDONS: &[&str] = &[
    "vpc-cni",
    "kube-proxy",
    "eks-pod-identity-agent",
    "coredns",
    "aws-ebs-csi-driver",
    "amazon-cloudwatch-observability",
];

impl OptionalAddons {
    /// The names of the managed add-ons a cluster with these optional ones installs.
    pub(crate) fn installed(self) -> Vec<&'static str> {
        let mut names = vec!["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns"];
        if self.ebs_csi_driver {
            names.push("aws-ebs-csi-driver");
        }
        if self.cloudwatch_observability {
            names.push("amazon-cloudwatch-observability");
        }
        names
    }
}

/// The optional add-ons and what they need of the control plane.
pub(super) struct Optional<'a> {
    pub addons: OptionalAddons,
    /// The program's overrides of the table of add-on versions (checked by `checks`).
    pub versions: &'a AddonVersions,
    /// The cluster's Kubernetes version (the row of the table).
    pub kubernetes: KubernetesVersion,
    /// The log groups of the CloudWatch observability add-on (empty when it is off).
    pub insights_log_groups: &'a [Resource<logs::LogGroup>],
}

/// Adds the add-ons below `Addons` of the cluster's `node`, recording in `ordering` which must
/// come before and which after the node groups. Returns the ARN of the EBS volume key when
/// there is one.
pub(super) fn managed_addons(
    node: &Node,
    name: &str,
    cluster_name: &Attr<ClusterName>,
    oidc: &OidcProvider,
    optional: Optional<'_>,
    ordering: &mut NodeOrdering,
) -> Result<Option<Attr<Arn>>> {
    let Optional { addons: optional, insights_log_groups, versions, kubernetes } = optional;
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
        // Checked by `checks::check_addon_versions` before anything is added; `None` is EKS's
        // default, chosen explicitly for a gap of the table.
        if let Ok(Some(version)) = versions.resolve(addon_name, kubernetes) {
            a = a.with_addon_version(version);
        }
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
    let mut volume_key = None;
    if optional.ebs_csi_driver {
        let mut spec = RoleSpec::trusted_by(Vec::new(), format!("The EBS CSI driver of {name}"))
            .managed(&["service-role/AmazonEBSCSIDriverPolicy"]);
        if optional.ebs_volume_key {
            let key = encryption_key(
                &addons,
                "EbsVolumeKey",
                &format!("Encrypts the EBS volumes the EBS CSI driver of {name} creates"),
                Vec::new(),
            )?;
            spec = spec.inline(ebs_driver_may_use(&key.arn()));
            volume_key = Some(key.arn());
        }
        let role = irsa::irsa_role(&addons, "EbsCsiDriverRole", oidc, "kube-system", "ebs-csi-controller-sa", spec)?;
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
    Ok(volume_key)
}

/// What the EBS CSI driver needs of a customer-managed key to create, attach and snapshot
/// volumes encrypted with it (AWS's "KMS policy" of the driver): grants, only for AWS
/// resources (EC2 holds a grant while a volume is attached), and the data-key actions.
fn ebs_driver_may_use(key: &Attr<Arn>) -> PolicyDocument {
    PolicyDocument::new([
        Statement::allow(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], [Value::from(Val::from(key))])
            .sid("GrantsForEbsVolumesOnly")
            .condition("Bool", "kms:GrantIsForAWSResource", ["true"]),
        Statement::allow(
            [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:DescribeKey",
            ],
            [Value::from(Val::from(key))],
        )
        .sid("EncryptEbsVolumes"),
    ])
}
