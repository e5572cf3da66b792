//! Monitoring's inputs: what it needs to know about an app it watches ([`ScrapeTarget`]) and
//! the trait of everything it can watch ([`Scrapeable`]). The workloads know nothing of
//! monitoring; the implementations for them live here.

use crate::workload::FlaskApp;

/// What monitoring needs to know about an app it watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapeTarget {
    /// Construct path of the cluster the app runs on.
    pub cluster_path: String,
    /// The namespace the app runs in.
    pub namespace: String,
    /// The app's name (its `app.kubernetes.io/name` label and Deployment name).
    pub name: String,
    /// The port its metrics are served on.
    pub port: u16,
    /// The path of its metrics (`/metrics`).
    pub metrics_path: String,
    /// The ALB's name, when the app has an Ingress.
    pub load_balancer_name: Option<String>,
    /// The HPA's name and maximum, when the app autoscales.
    pub autoscaler: Option<(String, u32)>,
}

/// Anything [`Monitoring`](super::Monitoring) can scrape and alert on.
pub trait Scrapeable {
    /// What monitoring needs to know to scrape this app, alert on it and draw its dashboards.
    fn scrape_target(&self) -> ScrapeTarget;
}

impl Scrapeable for FlaskApp {
    fn scrape_target(&self) -> ScrapeTarget {
        ScrapeTarget {
            cluster_path: self.cluster_path().to_string(),
            namespace: self.namespace().to_string(),
            name: self.name().to_string(),
            port: self.port(),
            metrics_path: self.metrics_path().to_string(),
            load_balancer_name: self.load_balancer_name().map(str::to_string),
            autoscaler: self.autoscaler().map(|(name, max)| (name.to_string(), max)),
        }
    }
}
