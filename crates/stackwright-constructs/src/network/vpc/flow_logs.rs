//! The VPC's flow logs: a KMS-encrypted log group with a retention, and a role that lets VPC
//! Flow Logs write to it, scoped to this account and the log group.

use stackwright_cfn::{Tag, ec2};
use stackwright_core::{Pseudo, Resource, Result, Value};

use super::{FlowLogTraffic, FlowLogs, Vpc};
use crate::iam::arn;
use crate::iam::service_role::{RoleSpec, service_role, service_trust};
use crate::iam::{PolicyDocument, Statement};
use crate::internal::encryption_key::{encryption_key, logs_may_encrypt};
use crate::internal::log_group::{encrypted_log_group, log_group_name};

/// Adds the flow log of `vpc`, with its key, log group and role, below `FlowLog`.
pub(super) fn add_flow_logs(vpc: &Vpc, flow_logs: &FlowLogs) -> Result<()> {
    let scope = vpc.node.add_child("FlowLog")?;
    let name = log_group_name(&["stackwright", &scope.app_name(), &vpc.node.path(), "flow-logs"]);
    let key = encryption_key(
        &scope,
        "Key",
        &format!("Encrypts the VPC flow logs of {}", vpc.node.path()),
        vec![logs_may_encrypt(vpc.region.as_str(), &name)],
    )?;
    let group = encrypted_log_group(&scope, "LogGroup", &name, flow_logs.retention_days, key.arn())?;
    let log_group_arn = |suffix: &str| arn::regional("logs", [format!("log-group:{name}{suffix}").into()]);
    let trust = service_trust("vpc-flow-logs.amazonaws.com", &["sts:AssumeRole"])
        .condition("StringEquals", "aws:SourceAccount", [Value::Pseudo(Pseudo::AccountId)])
        .condition("ArnLike", "aws:SourceArn", [arn::regional("ec2", ["vpc-flow-log/*".into()])]);
    let policy = PolicyDocument::new([
        Statement::allow(
            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            [log_group_arn(":*"), log_group_arn(":log-stream:*")],
        )
        .sid("WriteFlowLogRecords"),
        Statement::allow(["logs:DescribeLogGroups"], [arn::regional("logs", ["log-group:*".into()])])
            .sid("FindTheLogGroup"),
    ]);
    let role = service_role(
        &scope,
        "Role",
        RoleSpec::trusted_by(vec![trust], "Lets VPC Flow Logs write to its log group").inline(policy),
    )?;
    let traffic = match flow_logs.traffic {
        FlowLogTraffic::All => "ALL",
        FlowLogTraffic::Accept => "ACCEPT",
        FlowLogTraffic::Reject => "REJECT",
    };
    Resource::new(
        &scope,
        "Resource",
        ec2::FlowLog::new(&vpc.vpc_id, "VPC")
            .with_traffic_type(traffic)
            .with_log_group_name(group.reference())
            .with_deliver_logs_permission_arn(role.arn())
            .with_tags([Tag::new("Name", format!("{}/{}", scope.app_name(), scope.path()))]),
    )?;
    Ok(())
}
