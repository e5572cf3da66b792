//! The Kubernetes cluster autoscaler for EKS managed node groups: an IRSA role scoped to this
//! cluster's Auto Scaling groups, and its Kubernetes objects.
//!
//! Followed upstream: kubernetes/autoscaler at tag `cluster-autoscaler-1.36.1` (commit
//! `35e8a280425c76a4040f57ae0fa232a952c02024`) — the IAM policy of
//! `cluster-autoscaler/cloudprovider/aws/README.md` ("Full Cluster Autoscaler Features Policy")
//! and the RBAC of `cluster-autoscaler/cloudprovider/aws/examples/cluster-autoscaler-autodiscover.yaml`.
//! Copies are in `crates/stackwright-constructs/upstream/`; a test compares what is synthesized
//! with them. Deviations (each narrower than upstream) are listed in
//! `docs/constructs/eks-cluster.md`.

use std::collections::BTreeMap;

use stackwright_core::Result;
use stackwright_core::k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding};

use super::AddonContext;
use super::controller_pod::ControllerPod;
use crate::eks::irsa;
use crate::iam::arn;
use crate::iam::service_role::RoleSpec;
use crate::iam::{PolicyDocument, Statement};
use crate::workload::meta::{meta, policy_rule, role_ref, service_account_subject, string_map};
use crate::workload::version::KubernetesVersion;

/// The name of the service account, roles and Deployment.
pub(crate) const NAME: &str = "cluster-autoscaler";
const NAMESPACE: &str = "kube-system";
const METRICS_PORT: i32 = 8085;

/// The autoscaler release matching each Kubernetes minor (the autoscaler's own rule: its minor
/// follows the cluster's), from the committed table (`eks::addon_versions`), which a test
/// checks has one for every supported minor.
pub(crate) fn image(version: KubernetesVersion) -> &'static str {
    crate::eks::addon_versions::controller_image(NAME, version)
        .map_or("registry.k8s.io/autoscaling/cluster-autoscaler", |(image, _)| image)
}

/// The IAM policy: upstream's recommended one, with its "restrict the target resources"
/// advice applied — scaling only Auto Scaling groups that EKS tagged as this cluster's, and
/// describing only this cluster's node groups.
pub(crate) fn iam_policy(cluster_name: &str) -> PolicyDocument {
    PolicyDocument::new([
        Statement::allow(
            [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            ["*"],
        )
        .sid("DiscoverGroupsAndInstanceTypes")
        .allow_wildcard("Describe and Get calls of Auto Scaling and EC2 have no resource-level permissions"),
        Statement::allow(
            ["eks:DescribeNodegroup"],
            [arn::regional("eks", [format!("nodegroup/{cluster_name}/*/*").into()])],
        )
        .sid("ReadThisClustersNodeGroups"),
        Statement::allow(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"], ["*"])
            .sid("ScaleThisClustersGroupsOnly")
            .condition("StringEquals", format!("aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}"), ["owned"])
            .allow_wildcard(
                "EKS names the groups; the tag condition (EKS tags every managed group of the cluster) limits \
                 scaling to this cluster's groups, as upstream recommends",
            ),
    ])
}

/// The ClusterRole's rules, as upstream's example.
pub(crate) fn cluster_role_rules() -> Vec<PolicyRule> {
    vec![
        policy_rule(&[""], &["events", "endpoints"], &[], &["create", "patch"]),
        policy_rule(&[""], &["pods/eviction"], &[], &["create"]),
        policy_rule(&[""], &["pods/status"], &[], &["update"]),
        policy_rule(&[""], &["endpoints"], &["cluster-autoscaler"], &["get", "update"]),
        policy_rule(&[""], &["nodes"], &[], &["watch", "list", "get", "update"]),
        policy_rule(
            &[""],
            &[
                "namespaces",
                "pods",
                "services",
                "replicationcontrollers",
                "persistentvolumeclaims",
                "persistentvolumes",
            ],
            &[],
            &["watch", "list", "get"],
        ),
        policy_rule(&["extensions"], &["replicasets", "daemonsets"], &[], &["watch", "list", "get"]),
        policy_rule(&["policy"], &["poddisruptionbudgets"], &[], &["watch", "list"]),
        policy_rule(&["apps"], &["statefulsets", "replicasets", "daemonsets"], &[], &["watch", "list", "get"]),
        policy_rule(
            &["resource.k8s.io"],
            &["deviceclasses", "resourceslices", "resourceclaims"],
            &[],
            &["watch", "list", "get"],
        ),
        policy_rule(
            &["storage.k8s.io"],
            &["storageclasses", "csinodes", "csidrivers", "csistoragecapacities", "volumeattachments"],
            &[],
            &["watch", "list", "get"],
        ),
        policy_rule(&["batch", "extensions"], &["jobs"], &[], &["get", "list", "watch", "patch"]),
        policy_rule(&["coordination.k8s.io"], &["leases"], &[], &["create"]),
        policy_rule(&["coordination.k8s.io"], &["leases"], &["cluster-autoscaler"], &["get", "update"]),
    ]
}

/// The Role's rules (in `kube-system`), as upstream's example.
pub(crate) fn role_rules() -> Vec<PolicyRule> {
    vec![
        policy_rule(&[""], &["configmaps"], &[], &["create", "list", "watch"]),
        policy_rule(
            &[""],
            &["configmaps"],
            &["cluster-autoscaler-status", "cluster-autoscaler-priority-expander"],
            &["delete", "get", "update", "watch"],
        ),
    ]
}

/// Adds the IRSA role and the Kubernetes objects to the cluster of `cx`.
pub(crate) fn install(cx: &AddonContext<'_>, image_override: Option<&str>) -> Result<()> {
    let owner = cx.scope.add_child("ClusterAutoscaler")?;
    let name = cx.cluster_name;
    let role = irsa::irsa_role(
        &owner,
        "Role",
        cx.oidc,
        NAMESPACE,
        NAME,
        RoleSpec::trusted_by(Vec::new(), format!("The cluster autoscaler of {name}")).inline(iam_policy(name)),
    )?;
    let kube = cx.kube;
    let pod = ControllerPod {
        name: NAME.into(),
        namespace: NAMESPACE.into(),
        image: image_override.unwrap_or(image(cx.version)).into(),
        command: vec!["./cluster-autoscaler".into()],
        args: vec![
            "--v=4".into(),
            "--stderrthreshold=info".into(),
            "--cloud-provider=aws".into(),
            "--skip-nodes-with-local-storage=false".into(),
            "--expander=least-waste".into(),
            format!(
                "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/{name}"
            ),
            "--balance-similar-node-groups".into(),
        ],
        env: vec![("AWS_REGION".into(), cx.region.as_str().into())],
        ports: vec![("http-metrics", METRICS_PORT)],
        liveness: Some(("/health-check", METRICS_PORT)),
        readiness: Some(("/health-check", METRICS_PORT)),
        cpu: "100m",
        memory: "600Mi",
        volumes: Vec::new(),
    };
    let labels = pod.labels();
    kube.add(&owner, &pod.service_account(Some(kube.late_bound(role.arn())?)))?;
    kube.add(
        &owner,
        &ClusterRole { metadata: meta(NAME, None, &labels), rules: Some(cluster_role_rules()), ..Default::default() },
    )?;
    kube.add(&owner, &Role { metadata: meta(NAME, Some(NAMESPACE), &labels), rules: Some(role_rules()) })?;
    let subject = service_account_subject(NAME, NAMESPACE);
    kube.add(
        &owner,
        &ClusterRoleBinding {
            metadata: meta(NAME, None, &labels),
            role_ref: role_ref("ClusterRole", NAME),
            subjects: Some(vec![subject.clone()]),
        },
    )?;
    kube.add(
        &owner,
        &RoleBinding {
            metadata: meta(NAME, Some(NAMESPACE), &labels),
            role_ref: role_ref("Role", NAME),
            subjects: Some(vec![subject]),
        },
    )?;
    let scrape: BTreeMap<String, String> =
        string_map([("prometheus.io/scrape", "true".to_string()), ("prometheus.io/port", METRICS_PORT.to_string())]);
    kube.add(&owner, &pod.deployment(1, scrape))?;
    kube.add(&owner, &pod.network_policy(Some(METRICS_PORT)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eks::addons::upstream;

    #[test]
    fn the_policy_is_upstreams_narrowed_to_this_cluster() {
        let reference = upstream("cluster-autoscaler-1.36.1-iam-policy.json");
        let mut upstream_actions: Vec<String> = reference["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()))
            .collect();
        upstream_actions.sort();
        let policy = iam_policy("demo-prod-cluster");
        let ours: Vec<String> = policy.allowed_actions().iter().map(|a| a.to_string()).collect();
        assert_eq!(ours, upstream_actions, "the same actions as upstream, no more, no fewer");
        // The documented narrowings.
        let scale = policy
            .statements
            .iter()
            .find(|s| s.actions.contains(&"autoscaling:SetDesiredCapacity".to_string()))
            .unwrap();
        assert_eq!(scale.conditions.len(), 1);
        assert_eq!(scale.conditions[0].operator, "StringEquals");
        assert_eq!(scale.conditions[0].key, "aws:ResourceTag/k8s.io/cluster-autoscaler/demo-prod-cluster".into());
        let describe = policy.statements.iter().find(|s| s.actions == ["eks:DescribeNodegroup"]).unwrap();
        assert_ne!(describe.resources[0], "*".into());
        assert!(policy.problems("p").is_empty());
    }

    #[test]
    fn the_rbac_is_upstreams() {
        let reference = upstream("cluster-autoscaler-1.36.1-rbac.json");
        assert_eq!(serde_json::to_value(cluster_role_rules()).unwrap(), reference["ClusterRole"]);
        assert_eq!(serde_json::to_value(role_rules()).unwrap(), reference["Role"]);
    }
}
