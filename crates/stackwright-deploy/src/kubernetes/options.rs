//! Timing and policy of the applier.

use std::time::Duration;

/// Timing and policy of the applier.
#[derive(Debug, Clone)]
pub struct KubeOptions {
    /// How long readiness (rollouts, Jobs, CRDs, load balancers) may take, for all objects
    /// together (and how long deleted objects may take to go). Default 10 minutes.
    pub ready_timeout: Duration,
    /// The interval between two readiness checks. Default 2 s.
    pub poll: Duration,
    /// Where the inventory ConfigMap lives. Default `kube-system`.
    pub inventory_namespace: String,
    /// Delete objects that left the program. Default `true`.
    pub prune: bool,
    /// Wait for readiness after applying. Default `true`.
    pub wait: bool,
}

impl Default for KubeOptions {
    fn default() -> Self {
        KubeOptions {
            ready_timeout: Duration::from_secs(600),
            poll: Duration::from_secs(2),
            inventory_namespace: "kube-system".into(),
            prune: true,
            wait: true,
        }
    }
}
