//! Timing and policy of the applier.

use std::time::Duration;

/// Timing and policy of the applier.
#[derive(Debug, Clone)]
pub struct KubeOptions {
    /// How long readiness (rollouts, Jobs, CRDs, load balancers) may take, for all objects together.
    pub ready_timeout: Duration,
    pub poll: Duration,
    /// Where the inventory ConfigMap lives.
    pub inventory_namespace: String,
    /// Delete objects that left the program.
    pub prune: bool,
    /// Wait for readiness after applying.
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
