//! The checks of the program's own alert rules and dashboards against the rest of the
//! monitoring: what is exported, which names the library's rules and dashboards already take,
//! and which parts run.

use stackwright_core::Diagnostic;

use super::exported_metrics::Exports;
use super::parts::{Grafana, KubeStateMetrics};
use super::props::MonitoringProps;
use super::{alert_rules, dashboards, grafana_dashboards, rules};

/// Every problem of `props.alert_rules` and `props.dashboards`, at `path`.
pub(crate) fn problems(props: &MonitoringProps, path: &str) -> Vec<Diagnostic> {
    if props.alert_rules.is_empty() && props.dashboards.is_empty() {
        return Vec::new();
    }
    let ksm = matches!(props.kube_state_metrics, KubeStateMetrics::On(_));
    let exports = Exports::new(&props.targets, ksm);
    let prometheus = props.prometheus.props().is_some();
    let app = |t: &super::ScrapeTarget| format!("{}-{}", t.namespace, t.name);

    let mut built_in_alerts = Vec::new();
    let files = std::iter::once(rules::kubernetes_rules(ksm))
        .chain(props.targets.iter().map(|t| rules::app_rules(t, &props.thresholds)));
    for file in files {
        for group in file["groups"].as_array().into_iter().flatten() {
            for rule in group["rules"].as_array().into_iter().flatten() {
                built_in_alerts.extend(rule["alert"].as_str().map(str::to_string));
            }
        }
    }
    let mut built_in_groups = vec!["kubernetes".to_string()];
    built_in_groups.extend(props.targets.iter().map(app));
    let mut out = alert_rules::problems(
        path,
        &props.alert_rules,
        &alert_rules::Known { exports: &exports, built_in_alerts, built_in_groups, prometheus },
    );

    let mut built_in = vec![("stackwright-cluster".to_string(), "cluster.json".to_string())];
    built_in.extend(
        props.targets.iter().map(|t| {
            (dashboards::dashboard_uid(&format!("app-{}-{}", t.namespace, t.name)), format!("{}.json", app(t)))
        }),
    );
    let grafana = matches!(props.grafana, Grafana::On(_));
    out.extend(grafana_dashboards::problems(
        path,
        &props.dashboards,
        &grafana_dashboards::Known { exports: &exports, built_in, prometheus, grafana },
    ));
    out
}
