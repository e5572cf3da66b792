//! The parts of [`Monitoring`](super::Monitoring), each on or off with its own configuration:
//! [`Prometheus`], [`Alertmanager`], [`Grafana`], [`KubeStateMetrics`] and [`LogShipping`].
//! The defaults are the complete setup (everything on but log shipping); what depends on what
//! is checked when monitoring is added ([`dependency_problems`]).

use stackwright_core::Diagnostic;

use super::receivers::Receiver;
use crate::data::BackupTag;
use crate::internal::setters::setters;
use crate::workload::resources::{ComputeResources, Cpu, Memory};

/// Prometheus: scrapes the cluster and the apps, evaluates the alert rules and serves the
/// custom metrics an HPA scales on. Default: `On(PrometheusProps::default())`.
#[derive(Debug, Clone, PartialEq)]
pub enum Prometheus {
    /// No Prometheus: no scraping, no alert rules, no custom metrics (Alertmanager, Grafana and
    /// kube-state-metrics need it, and so does an HPA scaling on a `Pods` or `Object` metric).
    Off,
    /// Prometheus, configured.
    On(PrometheusProps),
}

impl Default for Prometheus {
    fn default() -> Self {
        Prometheus::On(PrometheusProps::default())
    }
}

impl Prometheus {
    /// The configuration when on.
    pub fn props(&self) -> Option<&PrometheusProps> {
        match self {
            Prometheus::On(p) => Some(p),
            Prometheus::Off => None,
        }
    }
}

/// What Prometheus is configured with.
///
/// ```
/// use stackwright_constructs::{PersistentStorage, PrometheusProps};
/// let p = PrometheusProps::default().retention_days(30).storage(PersistentStorage::new(100));
/// assert_eq!(p.scrape_interval_seconds, 30);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusProps {
    /// Days Prometheus keeps samples (1 to 3650). Default: 15.
    pub retention_days: u32,
    /// `None`: the data lives in the pod (lost when it moves); `Some`: an encrypted gp3
    /// volume (needs the EBS CSI driver add-on). Default: `None`.
    pub storage: Option<PersistentStorage>,
    /// Seconds between scrapes (5 to 300). Default: 30.
    pub scrape_interval_seconds: u32,
    /// Requests and limits. Default: 250m CPU and 1 GiB requested, 1 CPU and 2 GiB limited.
    pub resources: ComputeResources,
}

impl Default for PrometheusProps {
    fn default() -> Self {
        PrometheusProps {
            retention_days: 15,
            storage: None,
            scrape_interval_seconds: 30,
            resources: ComputeResources::new(Cpu::millicores(250), Memory::gibibytes(1))
                .limits(Cpu::cores(1), Memory::gibibytes(2)),
        }
    }
}

setters! { PrometheusProps {
    value retention_days: u32,
    some storage: PersistentStorage,
    value scrape_interval_seconds: u32,
    value resources: ComputeResources,
} }

/// Prometheus' data on an EBS volume instead of the pod's scratch space:
/// [`PersistentStorage::new`] takes the size. The volume is encrypted with the cluster's EBS
/// volume key when it has one (`OptionalAddons::ebs_volume_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistentStorage {
    /// The gp3 volume's size in GiB (10 to 16384); required.
    pub size_gib: u32,
    /// The tag the volume carries so that a [`BackupPlan`](crate::BackupPlan) backs it up:
    /// pass exactly [`BackupPlan::selection_tag`](crate::BackupPlan::selection_tag). Default:
    /// none (no backup).
    pub backup_tag: Option<BackupTag>,
}

impl PersistentStorage {
    /// A gp3 volume of `size_gib` GiB.
    pub fn new(size_gib: u32) -> Self {
        PersistentStorage { size_gib, backup_tag: None }
    }

    /// Tags the volume with `tag` (a backup plan's selection tag), so that the plan backs it up.
    #[must_use]
    pub fn backup_tag(mut self, tag: &BackupTag) -> Self {
        self.backup_tag = Some(tag.clone());
        self
    }
}

/// Alertmanager: receives Prometheus' alerts and sends them to its receivers. Needs
/// Prometheus. Default: `On(AlertmanagerProps::default())` (the alarm SNS topic).
#[derive(Debug, Clone, PartialEq)]
pub enum Alertmanager {
    /// No Alertmanager: Prometheus evaluates the rules, nobody is notified (the CloudWatch
    /// alarms still notify the alarm topic).
    Off,
    /// Alertmanager, with its receivers.
    On(AlertmanagerProps),
}

impl Default for Alertmanager {
    fn default() -> Self {
        Alertmanager::On(AlertmanagerProps::default())
    }
}

/// What Alertmanager is configured with: where alerts go.
///
/// ```
/// use stackwright_constructs::{AlertmanagerProps, Receiver, SecretKeyRef, Severity};
/// let props = AlertmanagerProps::new([
///     Receiver::sns(),
///     Receiver::pagerduty("pagerduty", SecretKeyRef::new("alertmanager-pagerduty", "routing-key")).only(Severity::Critical),
/// ]);
/// assert_eq!(props.receivers.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AlertmanagerProps {
    /// Where alerts go, each receiver every alert of its severity (all by default); the first
    /// also gets alerts no receiver takes (an unknown severity). At least one. Default: the
    /// alarm SNS topic alone ([`Receiver::sns`]).
    pub receivers: Vec<Receiver>,
}

impl Default for AlertmanagerProps {
    fn default() -> Self {
        AlertmanagerProps { receivers: vec![Receiver::sns()] }
    }
}

impl AlertmanagerProps {
    /// Alerts go to `receivers` (instead of the SNS topic).
    pub fn new(receivers: impl IntoIterator<Item = Receiver>) -> Self {
        AlertmanagerProps { receivers: receivers.into_iter().collect() }
    }
}

setters! { AlertmanagerProps {
    list receivers: Receiver,
} }

/// Grafana: the Prometheus data source and dashboards per app and for the cluster. Needs
/// Prometheus. Default: `On(GrafanaProps::default())`.
#[derive(Debug, Clone, PartialEq)]
pub enum Grafana {
    /// No Grafana (the CloudWatch dashboard stays, see `cloudwatch_dashboard`).
    Off,
    /// Grafana, configured.
    On(GrafanaProps),
}

impl Default for Grafana {
    fn default() -> Self {
        Grafana::On(GrafanaProps::default())
    }
}

/// What Grafana is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrafanaProps {
    /// The deploying process's environment variable holding the admin password (the runtime
    /// puts it in the `grafana-admin` Secret at deploy time). Default: `GRAFANA_ADMIN_PASSWORD`.
    pub admin_password_env: String,
}

impl Default for GrafanaProps {
    fn default() -> Self {
        GrafanaProps { admin_password_env: "GRAFANA_ADMIN_PASSWORD".into() }
    }
}

setters! { GrafanaProps {
    into admin_password_env: String,
} }

/// kube-state-metrics: the state of Kubernetes objects as metrics, which the cluster's alerts
/// (crash loops, nodes not ready, HPAs at their maximum) read. Needs Prometheus. Default:
/// `On(KubeStateMetricsProps::default())`; off, those alerts are not written.
#[derive(Debug, Clone, PartialEq)]
pub enum KubeStateMetrics {
    /// No kube-state-metrics, and no alert on object state.
    Off,
    /// kube-state-metrics, configured.
    On(KubeStateMetricsProps),
}

impl Default for KubeStateMetrics {
    fn default() -> Self {
        KubeStateMetrics::On(KubeStateMetricsProps::default())
    }
}

/// What kube-state-metrics is configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct KubeStateMetricsProps {
    /// Requests and limits. Default: 50m CPU and 128 MiB requested, 250m CPU and 256 MiB
    /// limited.
    pub resources: ComputeResources,
}

impl Default for KubeStateMetricsProps {
    fn default() -> Self {
        KubeStateMetricsProps {
            resources: ComputeResources::new(Cpu::millicores(50), Memory::mebibytes(128))
                .limits(Cpu::millicores(250), Memory::mebibytes(256)),
        }
    }
}

setters! { KubeStateMetricsProps {
    value resources: ComputeResources,
} }

/// Where the containers' logs go. Default: `Off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogShipping {
    /// Not shipped by Monitoring (`kubectl logs` reads them on the node; EKS's
    /// `amazon-cloudwatch-observability` add-on is the managed alternative).
    #[default]
    Off,
    /// A Fluent Bit DaemonSet sends every container's lines to CloudWatch Logs
    /// (`/aws/eks/<cluster>/containers`). It runs as root to read the nodes' log files, in a
    /// namespace of its own (see the module docs).
    FluentBit,
}

/// What the parts need of each other, at `path`: Alertmanager, Grafana and kube-state-metrics
/// without Prometheus are errors, each naming the part and how to fix it.
pub(crate) fn dependency_problems(
    path: &str,
    prometheus: &Prometheus,
    alertmanager: &Alertmanager,
    grafana: &Grafana,
    kube_state_metrics: &KubeStateMetrics,
) -> Vec<Diagnostic> {
    if prometheus.props().is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if matches!(alertmanager, Alertmanager::On(_)) {
        out.push(Diagnostic::new(
            path,
            "Alertmanager is on but Prometheus is off: nothing would send it alerts",
            "turn Alertmanager off (Alertmanager::Off), or Prometheus on (Prometheus::On(PrometheusProps::default()))",
        ));
    }
    if matches!(grafana, Grafana::On(_)) {
        out.push(Diagnostic::new(
            path,
            "Grafana is on but Prometheus is off: its data source and every dashboard read Prometheus",
            "turn Grafana off (Grafana::Off), or Prometheus on (Prometheus::On(PrometheusProps::default()))",
        ));
    }
    if matches!(kube_state_metrics, KubeStateMetrics::On(_)) {
        out.push(Diagnostic::new(
            path,
            "kube-state-metrics is on but Prometheus is off: nothing would scrape it",
            "turn it off (KubeStateMetrics::Off), or Prometheus on (Prometheus::On(PrometheusProps::default()))",
        ));
    }
    out
}
