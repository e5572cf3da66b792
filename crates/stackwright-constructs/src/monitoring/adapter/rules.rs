//! The adapter's rules, generated from the custom metrics the cluster's autoscalers scale on,
//! and the check that every such metric has one.
//!
//! # From a metric's name to a Prometheus series
//! An autoscaler names a metric of the custom metrics API; the adapter must know which series
//! and query give it. The convention (prometheus-adapter's own walkthrough):
//!
//! - `<base>_per_second` is the per-second rate of the counter `<base>_total`, over four scrape
//!   intervals (`http_requests_per_second` ← `rate(http_requests_total[2m])` at 30 s);
//! - any other name is the gauge of that name.
//!
//! Each is summed per pod (`Pods` metrics) or per Deployment (`Object` metrics describing a
//! Deployment, through the `app` label Prometheus' relabelling gives every pod from its
//! `app.kubernetes.io/name`, which is the Deployment's name for a `Workload`). The series are
//! matched by the `namespace` and `pod` labels that relabelling writes.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};
use stackwright_core::Diagnostic;

/// A custom metric an autoscaler asks for, as read from its HPA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wanted {
    /// Construct path of the construct that added the HPA.
    pub owner: String,
    /// `namespace/name` of the HPA.
    pub hpa: String,
    /// The metric's name.
    pub metric: String,
    /// For an `Object` metric: the described object's kind.
    pub object_kind: Option<String>,
}

/// The custom metrics of every HPA in `hpas` (construct path and body, as
/// `KubeCluster::objects_of_kind` and `check_objects_of_kind` give them).
pub(crate) fn wanted<'a>(hpas: impl IntoIterator<Item = (&'a str, &'a Json)>) -> Vec<Wanted> {
    let mut out = Vec::new();
    for (owner, hpa) in hpas {
        let text = |pointer: &str| hpa.pointer(pointer).and_then(Json::as_str).unwrap_or_default();
        let name = format!("{}/{}", text("/metadata/namespace"), text("/metadata/name"));
        let metrics = hpa.pointer("/spec/metrics").and_then(Json::as_array).map_or(&[][..], Vec::as_slice);
        for m in metrics {
            let (source, object_kind) = match m.get("type").and_then(Json::as_str) {
                Some("Pods") => ("pods", None),
                Some("Object") => (
                    "object",
                    Some(
                        m.pointer("/object/describedObject/kind")
                            .and_then(Json::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    ),
                ),
                _ => continue,
            };
            if let Some(metric) = m.pointer(&format!("/{source}/metric/name")).and_then(Json::as_str) {
                out.push(Wanted {
                    owner: owner.to_string(),
                    hpa: name.clone(),
                    metric: metric.to_string(),
                    object_kind,
                });
            }
        }
    }
    out
}

/// Whether the adapter can serve `w`: a `Pods` metric, or an `Object` metric of a Deployment.
pub(crate) fn servable(w: &Wanted) -> bool {
    w.object_kind.as_deref().is_none_or(|k| k == "Deployment")
}

/// The Prometheus series a metric is read from, and whether it is a counter turned into a
/// per-second rate (see the module docs).
pub(crate) fn series_of(metric: &str) -> (String, bool) {
    match metric.strip_suffix("_per_second") {
        Some(base) if !base.is_empty() => (format!("{base}_total"), true),
        _ => (metric.to_string(), false),
    }
}

/// One adapter rule (prometheus-adapter's `rules` entry) serving `metric`; `rate_window_seconds`
/// is the range of a counter's rate.
pub(crate) fn rule(metric: &str, rate_window_seconds: u32) -> Json {
    let (series, rate) = series_of(metric);
    let selected = "<<.Series>>{<<.LabelMatchers>>}";
    let value = if rate { format!("rate({selected}[{rate_window_seconds}s])") } else { selected.to_string() };
    json!({
        "seriesQuery": format!("{series}{{namespace!=\"\",pod!=\"\"}}"),
        "resources": { "overrides": {
            "namespace": { "resource": "namespace" },
            "pod": { "resource": "pod" },
            "app": { "group": "apps", "resource": "deployment" },
        } },
        "name": { "matches": format!("^{series}$"), "as": metric },
        "metricsQuery": format!("sum({value}) by (<<.GroupBy>>)"),
    })
}

/// The adapter's configuration (`config.yaml`): a rule per metric of `wanted` it can serve,
/// each once, sorted by name. The rate window is four scrape intervals.
pub(crate) fn config(wanted: &[Wanted], scrape_interval_seconds: u32) -> Json {
    let metrics: BTreeMap<&str, ()> = wanted.iter().filter(|w| servable(w)).map(|w| (w.metric.as_str(), ())).collect();
    let window = scrape_interval_seconds.saturating_mul(4);
    json!({ "rules": metrics.keys().map(|m| rule(m, window)).collect::<Vec<_>>() })
}

/// Why the adapter at `monitoring` cannot serve `w`, if it cannot. `served` are the metrics
/// it has rules for (None: it is off).
pub(crate) fn problem(w: &Wanted, served: Option<&[String]>, monitoring: &str) -> Option<Diagnostic> {
    let at = |message: String, hint: &str| Some(Diagnostic::new(w.owner.clone(), message, hint));
    let (hpa, metric) = (&w.hpa, &w.metric);
    let Some(served) = served else {
        return at(
            format!(
                "the autoscaler {hpa} scales on the custom metric '{metric}', but the custom metrics adapter is off in '{monitoring}': nothing would serve it"
            ),
            "turn it on in that Monitoring (CustomMetricsAdapter::On(CustomMetricsAdapterProps::default())), or scale on CPU and memory",
        );
    };
    if !servable(w) {
        return at(
            format!(
                "the autoscaler {hpa} scales on '{metric}' describing an object of kind {}, which the adapter of '{monitoring}' cannot serve: Prometheus' series carry namespace, pod and app (Deployment) labels only",
                w.object_kind.as_deref().unwrap_or_default()
            ),
            "scale on a Pods metric (HpaMetric::pods), or an Object metric describing the Deployment",
        );
    }
    if served.iter().any(|m| m == metric) {
        return None;
    }
    at(
        format!(
            "the autoscaler {hpa} scales on the custom metric '{metric}', but it was added after '{monitoring}', whose adapter rules are made from the autoscalers it finds when it is added"
        ),
        "add Monitoring after the workloads whose autoscalers scale on custom metrics",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_from_a_counter_and_a_gauge_as_is() {
        assert_eq!(series_of("http_requests_per_second"), ("http_requests_total".into(), true));
        assert_eq!(series_of("jobs_in_flight"), ("jobs_in_flight".into(), false));
        assert_eq!(series_of("_per_second"), ("_per_second".into(), false));
        let r = rule("http_requests_per_second", 120);
        assert_eq!(r["seriesQuery"], "http_requests_total{namespace!=\"\",pod!=\"\"}");
        assert_eq!(r["metricsQuery"], "sum(rate(<<.Series>>{<<.LabelMatchers>>}[120s])) by (<<.GroupBy>>)");
        assert_eq!(r["name"]["as"], "http_requests_per_second");
        assert_eq!(
            rule("jobs_in_flight", 120)["metricsQuery"],
            "sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)"
        );
    }

    #[test]
    fn rules_from_the_autoscalers_each_metric_once() {
        let hpa = |name: &str, metrics: Json| json!({"metadata": {"namespace": "shop", "name": name}, "spec": {"metrics": metrics}});
        let a = hpa(
            "web",
            json!([{"type": "Resource"}, {"type": "Pods", "pods": {"metric": {"name": "http_requests_per_second"}}}]),
        );
        let b = hpa(
            "api",
            json!([
                {"type": "Pods", "pods": {"metric": {"name": "http_requests_per_second"}}},
                {"type": "Object", "object": {"describedObject": {"kind": "Ingress"}, "metric": {"name": "requests"}}},
            ]),
        );
        let wanted = wanted([("prod/c/web", &a), ("prod/c/api", &b)]);
        assert_eq!(wanted.len(), 3);
        let config = config(&wanted, 30);
        assert_eq!(config["rules"].as_array().unwrap().len(), 1);
        let served = vec!["http_requests_per_second".to_string()];
        assert!(problem(&wanted[0], Some(&served), "m").is_none());
        assert!(problem(&wanted[2], Some(&served), "m").unwrap().message.contains("of kind Ingress"));
        assert!(problem(&wanted[0], None, "m").unwrap().message.contains("adapter is off"));
        assert!(problem(&wanted[0], Some(&[]), "m").unwrap().message.contains("added after"));
    }
}
