//! Leaving a VPC's default security group with no rules, without a Lambda-backed custom
//! resource.
//!
//! CloudFormation cannot manage the default security group: `AWS::EC2::SecurityGroupIngress`
//! and `…Egress` only add rules, and the VPC resource has no property that stops EC2 from
//! creating the two default rules (allow all from the group itself, allow all egress). CDK
//! deletes them with a Lambda-backed custom resource; stackwright deploys no Lambda.
//!
//! What it does instead is the closest real thing CloudFormation offers: an `AWS::SSM::Association`
//! that runs AWS's own Automation runbook `AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules`
//! (owned and maintained by AWS, the same runbook AWS Config uses to remediate
//! `vpc-default-security-group-closed`) once, when the stack is created. The stack waits for the
//! run to succeed (`WaitForSuccessTimeoutSeconds`), so a failure fails the deploy instead of
//! passing silently. The runbook runs under a role that may only describe security groups and
//! revoke rules of this one group.

use stackwright_cfn::ssm;
use stackwright_core::{Attr, Node, Pseudo, Resource, Result, SubPart, Val, Value};

use crate::iam::arn;

use crate::iam::service_role::{RoleSpec, service_role, service_trust};
use crate::iam::{PolicyDocument, Statement};
use crate::network::ids::SecurityGroupId;

/// The AWS-owned runbook that removes every rule of a default security group.
pub(crate) const RUNBOOK: &str = "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules";

/// How long the stack waits for the runbook to succeed.
const WAIT_SECONDS: i64 = 300;

/// Adds the association (and its role) below `vpc` that empties `group`.
pub(crate) fn restrict(vpc: &Node, group: Attr<SecurityGroupId>) -> Result<()> {
    let scope = vpc.add_child("RestrictDefaultSecurityGroup")?;
    let trust = service_trust("ssm.amazonaws.com", &["sts:AssumeRole"]).condition(
        "StringEquals",
        "aws:SourceAccount",
        [Value::Pseudo(Pseudo::AccountId)],
    );
    let policy = PolicyDocument::new([
        Statement::allow(["ec2:DescribeSecurityGroups"], ["*"])
            .sid("ReadTheGroup")
            .allow_wildcard("ec2:DescribeSecurityGroups has no resource-level permissions"),
        Statement::allow(
            ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
            [arn::regional("ec2", ["security-group/".into(), SubPart::from(&group)])],
        )
        .sid("RevokeRulesOfTheDefaultGroupOnly"),
        Statement::allow(
            ["ssm:StartAutomationExecution", "ssm:GetAutomationExecution"],
            [
                arn::regional("ssm", [format!("automation-definition/{RUNBOOK}:*").into()]),
                arn::regional("ssm", ["automation-execution/*".into()]),
            ],
        )
        .sid("RunTheRunbook"),
    ]);
    let role = service_role(
        &scope,
        "Role",
        RoleSpec::trusted_by(
            vec![trust],
            "Lets Systems Manager Automation remove the rules of the VPC's default security group",
        )
        .inline(policy),
    )?;
    Resource::new(
        &scope,
        "Resource",
        ssm::Association::new(RUNBOOK)
            .with_parameters([
                ("GroupId", Val::<Vec<String>>::of([group.into()])),
                ("AutomationAssumeRole", Val::<Vec<String>>::of([role.arn().into()])),
            ])
            .with_wait_for_success_timeout_seconds(WAIT_SECONDS),
    )?;
    Ok(())
}
