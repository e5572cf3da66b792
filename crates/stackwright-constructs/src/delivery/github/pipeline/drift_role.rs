//! The read-only role of the scheduled drift workflow. Its rights are derived from the program:
//! drift detection reads every resource through its type's read handler *with the caller's
//! credentials*, so the role gets, for each resource type in the environment's stacks, the
//! actions that type's registry schema lists for its read handler
//! ([`stackwright_cfn::read_permissions`]) — no `*` action and no `service:*` — and the
//! drift-detection calls on those stacks' ARNs only.

use std::collections::{BTreeMap, BTreeSet};

use stackwright_cfn::{eks, iam};
use stackwright_core::{Diagnostic, Node, Pseudo, Resource, Result, StackResourceTypes, Val, Value};

use super::super::access::{ClusterTarget, GITHUB_OIDC_HOST, STS_AUDIENCE};
use crate::iam::arn;
use crate::iam::{PolicyDocument, Principal, Statement};

/// IAM's limit on the inline policies of one role, in characters (whitespace not counted).
const INLINE_POLICY_LIMIT: usize = 10_240;

/// The drift-detection calls, on the stacks' ARNs.
const DETECT: &[&str] = &[
    "cloudformation:DetectStackDrift",
    // DetectStackDrift is authorized for each resource as DetectStackResourceDrift too.
    "cloudformation:DetectStackResourceDrift",
    "cloudformation:DescribeStackResourceDrifts",
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackResources",
    "cloudformation:ListStackResources",
];

/// Actions a read handler lists that are not IAM actions, left out, each with the reason (of
/// all generated types' read handlers, only these are unknown to IAM's action list as cfn-lint
/// ships it).
const NOT_IAM_ACTIONS: &[(&str, &str)] = &[(
    "vpc-lattice:DescribeServiceNetworkVpcEndpointAssociation",
    "AWS::EC2::VPCEndpoint's read handler lists it, but VPC Lattice has no such operation (its API lists these \
     associations with ListServiceNetworkVpcEndpointAssociations): granting it grants nothing",
)];

/// What the role was derived from: the stacks' names and their resource types, with the
/// types that have no read handler (their drift cannot be detected with any role).
pub(super) struct Derived {
    pub(super) policy: PolicyDocument,
    pub(super) unreadable: BTreeMap<String, String>,
}

/// The role's policy for `stacks` (as [`Node::stack_resource_types`] found them) and the
/// cluster whose objects the workflow compares.
pub(super) fn drift_policy(stacks: &StackResourceTypes, cluster: Option<&ClusterTarget>) -> Derived {
    let stack_arns: Vec<Value> = (stacks.stacks.values())
        .map(|s| arn::regional("cloudformation", [format!("stack/{}/*", s.stack_name).into()]))
        .collect();
    let mut doc = PolicyDocument::new([
        Statement::allow(DETECT.iter().copied(), stack_arns).sid("DetectDriftOfTheStacks"),
        Statement::allow(["cloudformation:DescribeStackDriftDetectionStatus"], ["*"])
            .sid("FollowTheDetection")
            .allow_wildcard(
                "DescribeStackDriftDetectionStatus takes a detection id, not a stack: it has no resource-level \
                 permissions",
            ),
    ]);
    let mut read = BTreeSet::new();
    let mut unreadable = BTreeMap::new();
    for stack in stacks.stacks.values() {
        for (type_name, path) in &stack.types {
            match stackwright_cfn::read_permissions(type_name) {
                Some(actions) => {
                    read.extend(actions.into_iter().filter(|a| NOT_IAM_ACTIONS.iter().all(|(not, _)| a != not)));
                }
                // CloudFormation does not detect the drift of custom resources at all.
                None if type_name.starts_with("Custom::") || type_name == "AWS::CloudFormation::CustomResource" => {}
                None => {
                    unreadable.entry(type_name.clone()).or_insert_with(|| path.clone());
                }
            }
        }
    }
    if !read.is_empty() {
        doc.push(
            Statement::allow(read, ["*"]).sid("ReadTheResourcesTypes").allow_wildcard(
                "drift detection reads each resource through its type's read handler with these credentials; the \
                 actions are exactly those handlers' (from the registry schemas of the types in the stacks), read-only, \
                 and most of them (Describe*, List*) support no resource-level permissions",
            ),
        );
    }
    if let Some(c) = cluster {
        doc.push(
            Statement::allow(["eks:DescribeCluster"], [arn::regional("eks", [format!("cluster/{}", c.name).into()])])
                .sid("ConnectToTheCluster"),
        );
    }
    Derived { policy: doc, unreadable }
}

/// The policy's size as IAM counts it (whitespace not counted), estimated from below: the
/// actions, quoted, and each stack's ARN with the account and region filled in; the
/// statements' own keys add a few hundred characters more.
fn size_estimate(policy: &PolicyDocument, stacks: &StackResourceTypes) -> usize {
    let actions: usize = policy.allowed_actions().iter().map(|a| a.len() + 3).sum();
    let arns: usize = (stacks.stacks.values())
        .map(|s| "\"arn:aws:cloudformation:eu-west-1:123456789012:stack//*\",".len() + s.stack_name.len())
        .sum();
    actions + arns
}

/// The derived policy over IAM's size limit for a role's inline policies.
pub(super) fn size_problem(path: &str, policy: &PolicyDocument, stacks: &StackResourceTypes) -> Option<Diagnostic> {
    let size = size_estimate(policy, stacks);
    (size > INLINE_POLICY_LIMIT).then(|| {
        Diagnostic::new(
            path,
            format!(
                "the drift role's policy, derived from the stacks' resource types, has at least {size} characters; IAM \
                 allows {INLINE_POLICY_LIMIT} in a role's inline policies"
            ),
            "split the environment's stacks between environments, or check drift by hand with an administrator role",
        )
    })
}

/// The role (trusted for workflow runs on `branch` only) and, with a cluster, its read-only
/// access entry.
pub(super) fn drift_role(
    node: &Node,
    name: &str,
    provider_arn: Value,
    subject: &str,
    description: &str,
    policy: &PolicyDocument,
    cluster: Option<&ClusterTarget>,
) -> Result<Resource<iam::Role>> {
    let trust =
        PolicyDocument::new([Statement::trust(Principal::Federated(provider_arn), "sts:AssumeRoleWithWebIdentity")
            .condition("StringEquals", format!("{GITHUB_OIDC_HOST}:aud"), [STS_AUDIENCE])
            .condition("StringEquals", format!("{GITHUB_OIDC_HOST}:sub"), [subject])]);
    let role = Resource::new(
        node,
        "Role",
        iam::Role::new(trust.to_value())
            .with_role_name(name)
            .with_description(description)
            .with_max_session_duration(3600)
            .with_policies([iam::role::Policy::new(policy.to_value(), "DriftPolicy")]),
    )?;
    // The reasons of the statements on every resource, where the platform rules read them.
    crate::iam::record_wildcard_reasons(
        stackwright_core::Construct::node(&role),
        [(policy, "/Properties/Policies/0/PolicyDocument")],
    );
    if let Some(c) = cluster {
        Resource::new(
            node,
            "ClusterAccess",
            eks::AccessEntry::new(c.reference.clone(), role.arn()).with_type("STANDARD").with_access_policies([
                eks::access_entry::AccessPolicy::new(
                    eks::access_entry::AccessScope::new("cluster"),
                    Val::<String>::sub([
                        "arn:".into(),
                        Pseudo::Partition.into(),
                        ":eks::aws:cluster-access-policy/AmazonEKSViewPolicy".into(),
                    ]),
                ),
            ]),
        )?;
    }
    Ok(role)
}

/// The synth-time check that the role still covers the program: a stack or a resource type
/// added after the role was derived would be read without rights, so it is an error.
pub(super) fn coverage_problems(
    path: &str,
    derived_from: &StackResourceTypes,
    now: &StackResourceTypes,
) -> Vec<Diagnostic> {
    let hint = "call add_drift_workflow after the program has added every stack and resource (the drift role's \
                rights are derived from them when it is called)";
    let mut out = Vec::new();
    for (stack, now) in &now.stacks {
        if !derived_from.stacks.contains_key(stack) {
            out.push(Diagnostic::new(
                path,
                format!("the stack '{stack}' was added after the drift workflow: the drift role cannot check it"),
                hint,
            ));
            continue;
        }
        let covered = derived_from.types();
        for (type_name, at) in &now.types {
            if !covered.contains(type_name.as_str()) {
                out.push(Diagnostic::new(
                    path,
                    format!(
                        "the resource type {type_name} (first at '{at}') was added after the drift workflow: the drift \
                         role cannot read it"
                    ),
                    hint,
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use stackwright_core::{StackResourceTypes, StackTypes};

    use super::{drift_policy, size_problem};

    fn stacks(n: usize) -> StackResourceTypes {
        let mut out = StackResourceTypes::default();
        for i in 0..n {
            let types = [("AWS::EC2::VPC".to_string(), format!("dev/s{i}/Vpc"))].into();
            out.stacks
                .insert(format!("dev-s{i}"), StackTypes { stack_name: format!("shop-dev-stack-number-{i}"), types });
        }
        out
    }

    #[test]
    fn a_policy_over_iams_inline_limit_is_refused_with_its_size() {
        let few = stacks(3);
        assert!(size_problem("dev/cicd/GitHub/Drift", &drift_policy(&few, None).policy, &few).is_none());
        let many = stacks(200);
        let problem = size_problem("dev/cicd/GitHub/Drift", &drift_policy(&many, None).policy, &many).unwrap();
        assert_eq!(problem.path, "dev/cicd/GitHub/Drift");
        assert!(problem.message.contains("IAM allows 10240"), "{}", problem.message);
    }

    #[test]
    fn an_action_iam_does_not_define_is_left_out() {
        let mut endpoint = stacks(1);
        let s = endpoint.stacks.get_mut("dev-s0").unwrap();
        s.types.insert("AWS::EC2::VPCEndpoint".into(), "dev/s0/Endpoint".into());
        let listed = stackwright_cfn::read_permissions("AWS::EC2::VPCEndpoint").unwrap();
        assert!(listed.iter().any(|a| a == "vpc-lattice:DescribeServiceNetworkVpcEndpointAssociation"));
        let policy = drift_policy(&endpoint, None).policy;
        let allowed = policy.allowed_actions();
        assert!(allowed.contains(&"ec2:DescribeVpcEndpoints"), "{allowed:?}");
        assert!(!allowed.iter().any(|a| a.starts_with("vpc-lattice:Describe")), "{allowed:?}");
    }
}
