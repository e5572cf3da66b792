//! Which metric names exist in the Prometheus that [`Monitoring`](super::Monitoring) deploys:
//! what the program's alert rules and dashboards may read.
//!
//! A name exists when one of the scrape jobs the library writes serves it:
//! - every job: the series Prometheus adds to each scrape (`up`, `scrape_*`), and the
//!   `ALERTS` series of the alert rules;
//! - Prometheus itself (`prometheus_*`, and its Go runtime's `go_*`, `process_*`);
//! - the API server (`apiserver_*`, `etcd_*`, `workqueue_*`, `rest_client_*`, …), the
//!   kubelets (`kubelet_*`, …) and cAdvisor (`container_*`, `machine_*`);
//! - kube-state-metrics (`kube_*`), when it is on;
//! - each scraped app: the names its [`ScrapeTarget::metrics`] declares (a workload's
//!   [`MetricsEndpoint::exports`](crate::MetricsEndpoint::exports); a `FlaskApp` declares the
//!   Flask service's). A histogram or summary is declared by family: `<name>_bucket`, `_sum`
//!   and `_count` exist with it.
//!
//! The cluster's components are known by prefix (their exact lists change with each Kubernetes
//! release). An app that declares no names is *unknown*: it adds none, so a rule or dashboard
//! reading its metrics is an error until they are declared — an unknown name is never assumed
//! to exist, which is what catches a misspelt metric at synth.

use super::scrape::ScrapeTarget;

/// Names every scrape job has, and the alert rules' own.
const ALWAYS: [&str; 7] = [
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
    "ALERTS",
    "ALERTS_FOR_STATE",
];

/// The prefixes of what Prometheus, the API server, the kubelets and cAdvisor serve.
const CLUSTER_PREFIXES: [&str; 18] = [
    // Prometheus (its own job) and the Go runtime of every Go component.
    "prometheus_",
    "go_",
    "process_",
    "net_conntrack_",
    "promhttp_",
    // The API server.
    "apiserver_",
    "etcd_",
    "workqueue_",
    "rest_client_",
    "aggregator_",
    "authentication_",
    "authorization_",
    // The kubelets.
    "kubelet_",
    "volume_manager_",
    "storage_operation_",
    // cAdvisor.
    "container_",
    "machine_",
    "cadvisor_",
];

/// The suffixes of a histogram's or summary's series.
const FAMILY_SUFFIXES: [&str; 3] = ["_bucket", "_sum", "_count"];

/// What the monitored cluster exports: built from the scrape targets and whether
/// kube-state-metrics runs.
pub(crate) struct Exports<'a> {
    targets: &'a [ScrapeTarget],
    kube_state_metrics: bool,
}

impl<'a> Exports<'a> {
    pub(crate) fn new(targets: &'a [ScrapeTarget], kube_state_metrics: bool) -> Self {
        Exports { targets, kube_state_metrics }
    }

    /// Whether some scrape job serves `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        ALWAYS.contains(&name)
            || CLUSTER_PREFIXES.iter().any(|p| name.starts_with(p))
            || (self.kube_state_metrics && name.starts_with("kube_"))
            || self.targets.iter().flat_map(|t| &t.metrics).any(|declared| in_family(name, declared))
    }

    /// Why `name` does not exist and what to do, as the hint of a problem.
    pub(crate) fn hint(&self, name: &str) -> String {
        if name.starts_with("kube_") {
            return "kube_* metrics come from kube-state-metrics: turn it on (KubeStateMetrics::On(..))".into();
        }
        let unknown: Vec<String> = self
            .targets
            .iter()
            .filter(|t| t.metrics.is_empty())
            .map(|t| format!("{}/{}", t.namespace, t.name))
            .collect();
        let mut hint = "fix the name, or scrape the app that serves it (MonitoringProps::scrape) and declare it \
                        (MetricsEndpoint::new(..).exports([..]))"
            .to_string();
        if !unknown.is_empty() {
            hint.push_str(&format!("; these scraped apps declare no metrics: {}", unknown.join(", ")));
        }
        hint
    }
}

/// `name` is `declared` or one of its family's series.
fn in_family(name: &str, declared: &str) -> bool {
    name == declared || FAMILY_SUFFIXES.iter().any(|s| name.strip_suffix(s) == Some(declared))
}

#[cfg(test)]
mod tests {
    use super::super::{dashboards, promql, rules};
    use super::*;
    use crate::internal::scrape_contract::FLASK_APP_METRICS;

    fn flask_target() -> ScrapeTarget {
        ScrapeTarget::new("app/prod/cluster/Cluster", "web", "flask-app", 8000)
            .metrics(FLASK_APP_METRICS.map(String::from))
    }

    /// Every expression of the library's own dashboards and rules reads names that exist: the
    /// rule of this module holds for what the library writes itself.
    #[test]
    fn the_built_in_dashboards_and_rules_read_only_exported_metrics() {
        let targets = [flask_target()];
        let exports = Exports::new(&targets, true);
        let mut exprs = Vec::new();
        for board in [dashboards::cluster(), dashboards::app(&targets[0])] {
            for panel in board["panels"].as_array().unwrap() {
                assert_eq!(panel["datasource"]["uid"], dashboards::DATASOURCE_UID);
                for t in panel["targets"].as_array().unwrap() {
                    assert_eq!(t["datasource"]["uid"], dashboards::DATASOURCE_UID);
                    exprs.push(t["expr"].as_str().unwrap().to_string());
                }
            }
        }
        for file in [rules::kubernetes_rules(true), rules::app_rules(&targets[0], &Default::default())] {
            for r in file["groups"][0]["rules"].as_array().unwrap() {
                exprs.push(r["expr"].as_str().unwrap().to_string());
            }
        }
        assert!(exprs.len() > 15, "{exprs:?}");
        for expr in &exprs {
            for name in promql::metric_names(expr) {
                assert!(exports.has(&name), "{name} in {expr}");
            }
        }
    }

    #[test]
    fn unknown_names_do_not_exist() {
        let targets = [flask_target(), ScrapeTarget::new("c", "jobs", "worker", 9000)];
        let exports = Exports::new(&targets, false);
        assert!(exports.has("http_request_duration_seconds_bucket"));
        assert!(!exports.has("http_request_duration_seconds_created"));
        assert!(!exports.has("kube_pod_info"), "kube-state-metrics is off");
        assert!(!exports.has("worker_jobs_total"));
        assert!(exports.hint("worker_jobs_total").contains("declare no metrics: jobs/worker"));
    }

    /// The Flask service's `metrics.py` registers exactly the families the contract names.
    #[test]
    fn the_flask_services_metrics_are_the_contracts() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/flask-app/flask_app/metrics.py");
        let source = std::fs::read_to_string(path).unwrap();
        let registered: Vec<&str> = source
            .split(['(', '\n'])
            .map(str::trim)
            .filter_map(|line| line.strip_prefix('"').and_then(|l| l.strip_suffix("\",")))
            .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        let mut registered = registered;
        registered.sort_unstable();
        let mut contract = FLASK_APP_METRICS.to_vec();
        contract.sort_unstable();
        assert_eq!(registered, contract);
    }
}
