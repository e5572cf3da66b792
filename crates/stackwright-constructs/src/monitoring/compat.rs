//! The setters [`MonitoringProps`] had before its parts could be switched off, kept so that
//! programs written against them still build (with a deprecation warning naming the new way).

use super::parts::{Grafana, GrafanaProps, LogShipping, PersistentStorage, Prometheus, PrometheusProps};
use super::props::MonitoringProps;
use crate::workload::resources::ComputeResources;

impl MonitoringProps {
    /// Prometheus' props, turning Prometheus on (with defaults) when it is off: what the old
    /// setters changed, when Prometheus was always on.
    fn change_prometheus(mut self, change: impl FnOnce(&mut PrometheusProps)) -> Self {
        let mut props = match std::mem::replace(&mut self.prometheus, Prometheus::Off) {
            Prometheus::On(p) => p,
            Prometheus::Off => PrometheusProps::default(),
        };
        change(&mut props);
        self.prometheus = Prometheus::On(props);
        self
    }

    /// Days Prometheus keeps samples.
    #[deprecated(
        since = "0.2.0",
        note = "use `prometheus(Prometheus::On(PrometheusProps::default().retention_days(days)))`"
    )]
    #[must_use]
    pub fn retention_days(self, days: u32) -> Self {
        self.change_prometheus(|p| p.retention_days = days)
    }

    /// Prometheus' data on an encrypted gp3 volume.
    #[deprecated(
        since = "0.2.0",
        note = "use `prometheus(Prometheus::On(PrometheusProps::default().storage(storage)))`"
    )]
    #[must_use]
    pub fn storage(self, storage: PersistentStorage) -> Self {
        self.change_prometheus(|p| p.storage = Some(storage))
    }

    /// Seconds between scrapes.
    #[deprecated(
        since = "0.2.0",
        note = "use `prometheus(Prometheus::On(PrometheusProps::default().scrape_interval_seconds(seconds)))`"
    )]
    #[must_use]
    pub fn scrape_interval_seconds(self, seconds: u32) -> Self {
        self.change_prometheus(|p| p.scrape_interval_seconds = seconds)
    }

    /// Prometheus' requests and limits.
    #[deprecated(
        since = "0.2.0",
        note = "use `prometheus(Prometheus::On(PrometheusProps::default().resources(resources)))`"
    )]
    #[must_use]
    pub fn prometheus_resources(self, resources: ComputeResources) -> Self {
        self.change_prometheus(|p| p.resources = resources)
    }

    /// Ships every container's logs with Fluent Bit (`true`) or not.
    #[deprecated(since = "0.2.0", note = "use `log_shipping(LogShipping::FluentBit)`")]
    #[must_use]
    pub fn fluent_bit(mut self, on: bool) -> Self {
        self.log_shipping = if on { LogShipping::FluentBit } else { LogShipping::Off };
        self
    }

    /// Ships every container's logs to CloudWatch Logs with Fluent Bit.
    #[deprecated(since = "0.2.0", note = "use `log_shipping(LogShipping::FluentBit)`")]
    #[must_use]
    pub fn with_fluent_bit(mut self) -> Self {
        self.log_shipping = LogShipping::FluentBit;
        self
    }

    /// Keeps Prometheus' data on an encrypted gp3 volume of `size_gib` GiB.
    #[deprecated(
        since = "0.2.0",
        note = "use `prometheus(Prometheus::On(PrometheusProps::default().storage(PersistentStorage::new(size_gib))))`"
    )]
    #[must_use]
    pub fn with_persistent_storage(self, size_gib: u32) -> Self {
        self.change_prometheus(|p| p.storage = Some(PersistentStorage::new(size_gib)))
    }

    /// The environment variable holding Grafana's admin password (turns Grafana on).
    #[deprecated(
        since = "0.2.0",
        note = "use `grafana(Grafana::On(GrafanaProps::default().admin_password_env(variable)))`"
    )]
    #[must_use]
    pub fn grafana_admin_password_env(mut self, variable: impl Into<String>) -> Self {
        self.grafana = Grafana::On(GrafanaProps::default().admin_password_env(variable));
        self
    }
}
