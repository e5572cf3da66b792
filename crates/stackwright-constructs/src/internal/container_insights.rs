//! What the `amazon-cloudwatch-observability` EKS add-on writes, as data: its log groups and
//! the metrics CloudWatch derives from its performance events. The cluster creates the groups
//! (`eks::cluster::container_insights`); monitoring's CloudWatch dashboard reads them, and a
//! test holds the dashboard to this list. Kept here, below both.

/// The log groups the add-on writes, by the last part of their name.
pub(crate) const LOG_GROUPS: [&str; 4] = ["application", "dataplane", "host", "performance"];

/// `/aws/containerinsights/<cluster>/<group>` for each of [`LOG_GROUPS`].
pub(crate) fn log_group_names(cluster: &str) -> Vec<String> {
    LOG_GROUPS.iter().map(|g| format!("/aws/containerinsights/{cluster}/{g}")).collect()
}

/// The metrics of the `ContainerInsights` namespace the add-on's performance events produce
/// on EKS, with the dimension sets each is published with. Source: Amazon CloudWatch User
/// Guide, "Enhanced Container Insights (Classic) metric reference"
/// (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/container-insights-eks-classic-metrics.html),
/// the node and cluster tables; the metrics the dashboard may draw are to come from here.
#[cfg(test)]
pub(crate) const CONTAINER_INSIGHTS_METRICS: [(&str, &[&[&str]]); 11] = [
    ("cluster_failed_node_count", &[&["ClusterName"]]),
    ("cluster_node_count", &[&["ClusterName"]]),
    ("node_cpu_limit", NODE_DIMENSIONS),
    ("node_cpu_reserved_capacity", NODE_DIMENSIONS),
    ("node_cpu_usage_total", NODE_DIMENSIONS),
    ("node_cpu_utilization", NODE_DIMENSIONS),
    ("node_filesystem_utilization", NODE_DIMENSIONS),
    ("node_memory_limit", NODE_DIMENSIONS),
    ("node_memory_reserved_capacity", NODE_DIMENSIONS),
    ("node_memory_utilization", NODE_DIMENSIONS),
    ("node_number_of_running_pods", NODE_DIMENSIONS),
];

/// Node metrics are published per cluster and per node (with its instance).
#[cfg(test)]
const NODE_DIMENSIONS: &[&[&str]] = &[&["ClusterName"], &["ClusterName", "InstanceId", "NodeName"]];
