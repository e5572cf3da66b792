//! What the `amazon-cloudwatch-observability` add-on ([`OptionalAddons::cloudwatch_observability`](super::OptionalAddons))
//! writes, and what it is given to write it: its log groups, created first with a retention and
//! the cluster's KMS key, its configuration, and the least privilege its service account needs.
//!
//! # Why the add-on, not a Fluent Bit of ours
//! The kubelet writes container logs as root, mode 0640: a shipper reading them must run as
//! root with a `hostPath` of `/var/log`, which the `restricted` (and `baseline`) Pod Security
//! level forbids. The add-on is installed, patched and run by EKS, in its own
//! `amazon-cloudwatch` namespace, so none of the platform's own workloads runs as root, and it
//! also feeds the Container Insights metrics the CloudWatch dashboard draws.
//!
//! # What it writes
//! - **Logs**: Fluent Bit (of the add-on) sends the containers' lines to
//!   `/aws/containerinsights/<cluster>/application`, the kubelet's and container runtime's to
//!   `dataplane`, the nodes' system logs to `host`; the CloudWatch agent writes the Container
//!   Insights performance events (embedded metric format) to `performance`. The four groups
//!   are created here, before the add-on, with the cluster's log retention and KMS key; left
//!   to the add-on they would never expire and be unencrypted.
//! - **Metrics**: CloudWatch derives the `ContainerInsights` namespace's metrics from the
//!   performance events (listed, with their source, in `internal/container_insights.rs`).
//!
//! The add-on is configured with Container Insights (enhanced) and container logs only:
//! Application Signals (traces to X-Ray) is left out, so its role needs no X-Ray access.

use stackwright_cfn::logs;
use stackwright_core::{Node, Resource, Result, Val};

use crate::iam::{PolicyDocument, Statement, arn};
use crate::internal::container_insights::{LOG_GROUPS, log_group_names};
use crate::internal::log_group::encrypted_log_group;

/// The add-on's configuration: Container Insights with enhanced observability and container
/// logs; no Application Signals (see the module docs).
pub(crate) const ADDON_CONFIGURATION: &str = r#"{"agent":{"config":{"logs":{"metrics_collected":{"kubernetes":{"enhanced_container_insights":true}}}}},"containerLogs":{"enabled":true}}"#;

/// Adds the four log groups below `node` (ids `ContainerInsights<Group>Logs`), each with
/// `retention_days` and encrypted with `key_arn`; returns their nodes (the add-on waits for
/// them).
pub(crate) fn log_groups(
    node: &Node,
    cluster: &str,
    retention_days: u32,
    key_arn: &Val<String>,
) -> Result<Vec<Resource<logs::LogGroup>>> {
    LOG_GROUPS
        .iter()
        .zip(log_group_names(cluster))
        .map(|(group, name)| {
            let id = format!("ContainerInsights{}Logs", stackwright_core::names::pascal_case(group));
            encrypted_log_group(node, &id, &name, retention_days, key_arn.clone())
        })
        .collect()
}

/// What the add-on's service account (`amazon-cloudwatch/cloudwatch-agent`, used by its
/// CloudWatch agent and its Fluent Bit alike) may do: write to its four log groups and nothing
/// else, publish Container Insights metrics, and read the EC2 metadata it labels them with.
///
/// Written out instead of the AWS managed `CloudWatchAgentServerPolicy` the add-on's guide
/// attaches: that one may create and write to *any* log group, set any group's retention
/// (undoing the one set here), publish to any metric namespace, use X-Ray and read SSM
/// parameters.
pub(crate) fn agent_policy(cluster: &str) -> PolicyDocument {
    let groups = || arn::regional("logs", [format!("log-group:/aws/containerinsights/{cluster}/*").into()]);
    let streams = arn::regional("logs", [format!("log-group:/aws/containerinsights/{cluster}/*:log-stream:*").into()]);
    PolicyDocument::new([
        // Fluent Bit and the agent create their streams, and try to create their group (it
        // already exists: the call answers so, and they carry on); never a retention change.
        Statement::allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams"], [groups()])
            .sid("WriteItsLogGroups"),
        Statement::allow(["logs:PutLogEvents"], [groups(), streams]).sid("PutItsLogEvents"),
        Statement::allow(["logs:DescribeLogGroups"], ["*"])
            .sid("ListLogGroups")
            .allow_wildcard("logs:DescribeLogGroups lists groups by prefix and takes no resource-level restriction"),
        Statement::allow(["cloudwatch:PutMetricData"], ["*"])
            .sid("PublishContainerInsightsMetrics")
            .condition("StringEquals", "cloudwatch:namespace", ["ContainerInsights"])
            .allow_wildcard("cloudwatch:PutMetricData takes no resource; the condition limits it to one namespace"),
        Statement::allow(["ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeVolumes"], ["*"])
            .sid("ReadInstanceMetadata")
            .allow_wildcard("EC2 Describe actions take no resource-level restriction (read-only)"),
    ])
}

/// Makes `addon` wait for `groups`.
pub(crate) fn after_log_groups(addon: &Node, groups: &[Resource<logs::LogGroup>]) {
    for g in groups {
        addon.add_dependency(g);
    }
}
