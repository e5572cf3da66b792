//! Monitoring's inputs: what it needs to know about an app it watches ([`ScrapeTarget`]) and
//! the trait of everything it can watch ([`Scrapeable`]). The workloads know nothing of
//! monitoring; the implementations for them live here.

use stackwright_core::{Construct, Node};

use crate::internal::setters::setters;
use crate::workload::{FlaskApp, Workload};

/// What monitoring needs to know about an app it watches: made by [`Scrapeable::scrape_target`]
/// (an implementation for a workload of your own starts from [`ScrapeTarget::new`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapeTarget {
    /// Construct path of the cluster the app runs on; required.
    pub cluster_path: String,
    /// The namespace the app runs in; required.
    pub namespace: String,
    /// The app's name (its `app.kubernetes.io/name` label and Deployment name); required.
    pub name: String,
    /// The port its metrics are served on; required.
    pub port: u16,
    /// The path of its metrics. Default: `/metrics`.
    pub metrics_path: String,
    /// The ALB's name, when the app has an Ingress. Default: none.
    pub load_balancer_name: Option<String>,
    /// The HPA's name and maximum, when the app autoscales. Default: none.
    pub autoscaler: Option<(String, u32)>,
    /// The metric names its endpoint serves (a histogram by family name), which the program's
    /// alert rules and dashboards may read. Default: none — *unknown*: reading a metric of this
    /// app is then an error until it is declared (see [`MonitoringProps::alert_rules`](super::MonitoringProps::alert_rules)).
    pub metrics: Vec<String>,
    /// The node of the workload construct, when the target comes from one (the library's
    /// [`Scrapeable`] implementations set it): monitoring of a rejected workload is rejected
    /// with it, instead of building configuration for an app that does not exist. Default:
    /// none.
    pub workload_node: Option<Node>,
}

impl ScrapeTarget {
    /// The app `name` in `namespace` of the cluster at `cluster_path`, with metrics on `port`
    /// at `/metrics`, without load balancer or autoscaler.
    pub fn new(
        cluster_path: impl Into<String>,
        namespace: impl Into<String>,
        name: impl Into<String>,
        port: u16,
    ) -> Self {
        ScrapeTarget {
            cluster_path: cluster_path.into(),
            namespace: namespace.into(),
            name: name.into(),
            port,
            metrics_path: "/metrics".to_string(),
            load_balancer_name: None,
            autoscaler: None,
            metrics: Vec::new(),
            workload_node: None,
        }
    }
}

setters! { ScrapeTarget {
    into metrics_path: String,
    some_into load_balancer_name: String,
    some autoscaler: (String, u32),
    list metrics: String,
    some workload_node: Node,
} }

/// Anything [`Monitoring`](super::Monitoring) can scrape and alert on.
pub trait Scrapeable {
    /// What monitoring needs to know to scrape this app, alert on it and draw its dashboards.
    fn scrape_target(&self) -> ScrapeTarget;
}

/// A workload is scraped at its [`MetricsEndpoint`](crate::MetricsEndpoint): its pods carry
/// the scrape annotations and let Prometheus in. A workload without one has nothing to scrape:
/// its target's port is 0, which `Monitoring` reports as a problem.
impl Scrapeable for Workload {
    fn scrape_target(&self) -> ScrapeTarget {
        let (port, path) = self.metrics().unwrap_or((0, "/metrics"));
        ScrapeTarget {
            cluster_path: self.cluster_path().to_string(),
            namespace: self.namespace().to_string(),
            name: self.name().to_string(),
            port,
            metrics_path: path.to_string(),
            load_balancer_name: self.load_balancer_name().map(str::to_string),
            autoscaler: self.autoscaler().map(|(name, max)| (name.to_string(), max)),
            metrics: self.metrics_exported().to_vec(),
            workload_node: Some(self.node().clone()),
        }
    }
}

/// A `FlaskApp` is scraped as the workload it configures (its metrics on its port).
impl Scrapeable for FlaskApp {
    fn scrape_target(&self) -> ScrapeTarget {
        self.workload().scrape_target()
    }
}
