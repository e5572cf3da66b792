//! Conventions a [`Workload`](super::Workload) opts into beyond its container: where
//! Prometheus scrapes it ([`MetricsEndpoint`]), what its own Role may do ([`RoleRule`]) and
//! how strictly its pods spread over zones ([`ZoneSpread`]). Presets such as `FlaskApp` are
//! built from these; any workload can use them.

use crate::internal::setters::setters;

/// Where Prometheus scrapes a workload: the pods get the `prometheus.io/scrape`, `port` and
/// `path` annotations [`Monitoring`](crate::Monitoring)'s Prometheus discovers pods by, a
/// NetworkPolicy lets Monitoring's Prometheus reach the port, and the workload can be passed
/// to `MonitoringProps::scrape`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsEndpoint {
    /// The name of the container port serving the metrics; required.
    pub port: String,
    /// The metrics' URL path. Default: `/metrics`.
    pub path: String,
    /// The metric names served (a histogram or summary by its family name), which alert
    /// rules and Grafana dashboards of `Monitoring` may then read. Default: none (unknown:
    /// nothing of this endpoint may be read by them). Not rendered anywhere.
    pub exports: Vec<String>,
}

impl MetricsEndpoint {
    /// Metrics at `/metrics` on the container port named `port`.
    pub fn new(port: impl Into<String>) -> Self {
        MetricsEndpoint { port: port.into(), path: "/metrics".into(), exports: Vec::new() }
    }
}

setters! { MetricsEndpoint {
    into path: String,
    list_into exports: String,
} }

/// One rule of the workload's own Role (bound to its service account): `verbs` on
/// `resources` of the API groups `api_groups`, limited to the objects `resource_names` when
/// there are any. The pods only hold a token to use it with
/// [`api_access`](super::WorkloadProps::api_access) (or a client that reads one itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRule {
    /// The API groups (`""` is the core group); required.
    pub api_groups: Vec<String>,
    /// The resources, such as `configmaps`; required.
    pub resources: Vec<String>,
    /// The objects the rule is limited to. Default: none (every object of the resources).
    pub resource_names: Vec<String>,
    /// The verbs, such as `get`; required.
    pub verbs: Vec<String>,
}

impl RoleRule {
    /// `verbs` on `resources` of `api_groups`, on every object of them.
    pub fn new(
        api_groups: impl IntoIterator<Item = impl Into<String>>,
        resources: impl IntoIterator<Item = impl Into<String>>,
        verbs: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        RoleRule {
            api_groups: api_groups.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(Into::into).collect(),
            resource_names: Vec::new(),
            verbs: verbs.into_iter().map(Into::into).collect(),
        }
    }
}

setters! { RoleRule {
    list_into api_groups: String,
    list_into resources: String,
    list_into resource_names: String,
    list_into verbs: String,
} }

/// How the pods of a workload are spread over the cluster's availability zones (they are
/// always spread over nodes as far as possible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZoneSpread {
    /// As evenly as the nodes allow: a pod is still scheduled when its zone already has more
    /// (`ScheduleAnyway`). The default.
    #[default]
    Preferred,
    /// Never more than one pod more in one zone than in another: a pod that would break this
    /// stays pending (`DoNotSchedule`) — a zone outage then takes at most its share.
    Required,
}

impl ZoneSpread {
    /// The constraint's `whenUnsatisfiable`.
    pub(crate) fn when_unsatisfiable(self) -> &'static str {
        match self {
            ZoneSpread::Preferred => "ScheduleAnyway",
            ZoneSpread::Required => "DoNotSchedule",
        }
    }
}
