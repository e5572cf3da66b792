//! The policies of the two GitHub roles: who may assume them (GitHub's OIDC token for one
//! repository and, for deploys, one environment) and what they may do (the diff role reads
//! stacks and creates change sets; the deploy role deploys through CloudFormation only).

use stackwright_core::{Pseudo, Stack, Value, sub};

use super::{ClusterTarget, GITHUB_OIDC_HOST, GitHubAccessProps, STS_AUDIENCE};
use crate::iam::arn;
use crate::iam::{PolicyDocument, Principal, Statement};

pub(super) fn trust_policy(provider_arn: Value, subject: &str) -> PolicyDocument {
    PolicyDocument::new([Statement::trust(Principal::Federated(provider_arn), "sts:AssumeRoleWithWebIdentity")
        .condition("StringEquals", format!("{GITHUB_OIDC_HOST}:aud"), [STS_AUDIENCE])
        .condition("StringEquals", format!("{GITHUB_OIDC_HOST}:sub"), [subject])])
}

fn stacks_arn(prefix: &str) -> Value {
    arn::regional("cloudformation", [format!("stack/{prefix}-*/*").into()])
}

fn cluster_arn(name: &str) -> Value {
    arn::regional("eks", [format!("cluster/{name}").into()])
}

const STACK_READ: &[&str] = &[
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStackResources",
    "cloudformation:ListStackResources",
    "cloudformation:GetTemplate",
    "cloudformation:GetTemplateSummary",
    "cloudformation:DescribeChangeSet",
    "cloudformation:ListChangeSets",
];

pub(super) fn diff_policy(prefix: &str, cluster: Option<&ClusterTarget>) -> PolicyDocument {
    let mut doc = PolicyDocument::new([
        Statement::allow(STACK_READ.iter().copied(), [stacks_arn(prefix)]).sid("ReadStacks"),
        Statement::allow(["cloudformation:CreateChangeSet", "cloudformation:DeleteChangeSet"], [stacks_arn(prefix)])
            .sid("PreviewChanges"),
    ]);
    if let Some(c) = cluster {
        doc.push(Statement::allow(["eks:DescribeCluster"], [cluster_arn(&c.name)]).sid("ReadCluster"));
    }
    doc
}

pub(super) fn deploy_policy(
    prefix: &str,
    own_stack: &Stack,
    own_roles: &[&str],
    props: &GitHubAccessProps,
) -> PolicyDocument {
    let stacks = stacks_arn(prefix);
    let own_stack_arn = arn::regional("cloudformation", [format!("stack/{prefix}-{}/*", own_stack.id()).into()]);
    let app_roles = sub!("arn:", Pseudo::Partition, ":iam::", Pseudo::AccountId, format!(":role/{prefix}-*"));
    let mut change_stacks: Vec<&str> = vec![
        "cloudformation:CreateChangeSet",
        "cloudformation:ExecuteChangeSet",
        "cloudformation:DeleteChangeSet",
        "cloudformation:DeleteStack",
        "cloudformation:ContinueUpdateRollback",
        "cloudformation:CancelUpdateStack",
        "cloudformation:UpdateTerminationProtection",
    ];
    let mut doc = PolicyDocument::new([
        Statement::allow(STACK_READ.iter().copied(), [stacks.clone()]).sid("ReadStacks"),
        Statement::allow(change_stacks.clone(), [stacks.clone()]).sid("ChangeAppStacks"),
    ]);
    change_stacks.push("cloudformation:UpdateStack");
    doc.push(Statement::allow(change_stacks, [own_stack_arn]).sid("NeverChangeThePipelineStack").deny());

    let through_cloudformation: Vec<String> = props
        .deploy_services
        .iter()
        .filter(|s| s.as_str() != "iam" && s.as_str() != "sts")
        .map(|s| format!("{s}:*"))
        .collect();
    if !through_cloudformation.is_empty() {
        doc.push(
            Statement::allow(through_cloudformation, ["*"])
                .sid("ResourcesThroughCloudFormationOnly")
                .condition("ForAnyValue:StringEquals", "aws:CalledVia", ["cloudformation.amazonaws.com"])
                .allow_wildcard(
                    "CloudFormation creates whatever resource types the app's templates hold, with these credentials; \
                     the condition allows it only on calls CloudFormation makes, never directly",
                ),
        );
    }
    doc.push(
        Statement::allow(
            [
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:UpdateAssumeRolePolicy",
                "iam:PutRolePolicy",
                "iam:GetRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:CreateServiceLinkedRole",
            ],
            [
                app_roles.clone(),
                sub!("arn:", Pseudo::Partition, ":iam::", Pseudo::AccountId, ":role/aws-service-role/*"),
            ],
        )
        .sid("AppRolesThroughCloudFormation")
        .condition("ForAnyValue:StringEquals", "aws:CalledVia", ["cloudformation.amazonaws.com"]),
    );
    doc.push(
        Statement::allow(
            [
                "iam:CreateInstanceProfile",
                "iam:DeleteInstanceProfile",
                "iam:GetInstanceProfile",
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:TagInstanceProfile",
                "iam:CreateOpenIDConnectProvider",
                "iam:DeleteOpenIDConnectProvider",
                "iam:GetOpenIDConnectProvider",
                "iam:TagOpenIDConnectProvider",
                "iam:UpdateOpenIDConnectProviderThumbprint",
            ],
            [
                sub!("arn:", Pseudo::Partition, ":iam::", Pseudo::AccountId, format!(":instance-profile/{prefix}-*")),
                sub!(
                    "arn:",
                    Pseudo::Partition,
                    ":iam::",
                    Pseudo::AccountId,
                    ":oidc-provider/oidc.eks.",
                    Pseudo::Region,
                    ".amazonaws.com/*"
                ),
            ],
        )
        .sid("AppProfilesAndClusterIssuersThroughCloudFormation")
        .condition("ForAnyValue:StringEquals", "aws:CalledVia", ["cloudformation.amazonaws.com"]),
    );
    doc.push(Statement::allow(["iam:PassRole"], [app_roles]).sid("PassOnlyTheAppsRoles").condition(
        "StringEquals",
        "iam:PassedToService",
        ["eks.amazonaws.com", "ec2.amazonaws.com"],
    ));
    let own_role_arns: Vec<Value> = own_roles
        .iter()
        .map(|r| sub!("arn:", Pseudo::Partition, ":iam::", Pseudo::AccountId, format!(":role/{r}")))
        .collect();
    doc.push(Statement::allow(["iam:*"], own_role_arns).sid("NeverChangeThePipelineRoles").deny());
    if !props.ecr_repositories.is_empty() {
        doc.push(
            Statement::allow(["ecr:GetAuthorizationToken"], ["*"])
                .sid("EcrLogin")
                .allow_wildcard("ecr:GetAuthorizationToken has no resource-level permissions"),
        );
        let repos: Vec<Value> = props
            .ecr_repositories
            .iter()
            .map(|r| {
                sub!(
                    "arn:",
                    Pseudo::Partition,
                    ":ecr:",
                    Pseudo::Region,
                    ":",
                    Pseudo::AccountId,
                    format!(":repository/{r}")
                )
            })
            .collect();
        doc.push(
            Statement::allow(
                [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:CompleteLayerUpload",
                    "ecr:DescribeImages",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:InitiateLayerUpload",
                    "ecr:PutImage",
                    "ecr:UploadLayerPart",
                ],
                repos,
            )
            .sid("PushTheAppImage"),
        );
    }
    if let Some(c) = &props.cluster {
        doc.push(Statement::allow(["eks:DescribeCluster"], [cluster_arn(&c.name)]).sid("ConnectToTheCluster"));
    }
    doc
}
