//! The program's own alert rules and Grafana dashboards: where they are written, and the
//! errors bad ones get (construct path and hint). `validators.rs` runs promtool on them.

mod common;

use std::time::Duration;

use common::{app_with_cluster, manifests, synth_error};
use stackwright_constructs::{
    AlertRule, ContainerImage, DashboardPanel, FlaskApp, FlaskAppProps, Grafana, GrafanaDashboard, ImageReference,
    KubeStateMetrics, Monitoring, MonitoringProps, Prometheus, RuleGroup, Severity,
};
use stackwright_core::{App, Region};

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.4.2".into()))
}

fn rules() -> RuleGroup {
    RuleGroup::new(
        "web-slo",
        [AlertRule::new(
            "WebSlowDatabase",
            "histogram_quantile(0.99, sum by (le) (rate(db_operation_duration_seconds_bucket[5m]))) > 1",
        )
        .for_duration(Duration::from_secs(600))
        .severity(Severity::Critical)
        .summary("The database is slow")
        .description("p99 of database operations above 1 s for 10 minutes")],
    )
}

fn board() -> GrafanaDashboard {
    GrafanaDashboard::new("web-db", "Web database").panel(
        DashboardPanel::timeseries("Operations")
            .unit("ops")
            .query("sum by (operation) (rate(db_operations_total[5m]))", "{{operation}}"),
    )
}

/// Synthesizes monitoring of a Flask app with `props`; the error text, or the assembly.
fn with(props: impl FnOnce(MonitoringProps) -> MonitoringProps) -> Result<(App, stackwright_core::Assembly), String> {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let web = FlaskApp::new(&cluster, "web", FlaskAppProps::new(image())).unwrap();
    let m = Monitoring::new(&cluster, "monitoring", props(MonitoringProps::default().scrape(&web)));
    match app.synth() {
        Ok(assembly) => Ok((app, assembly)),
        Err(_) => Err(synth_error(&app, m)),
    }
}

fn err(props: impl FnOnce(MonitoringProps) -> MonitoringProps) -> String {
    let text = with(props).map(|_| ()).expect_err("synth should fail");
    assert!(text.contains("prod/cluster/Cluster/monitoring: "), "the error names the construct path: {text}");
    assert!(text.contains("hint: "), "{text}");
    text
}

#[test]
fn rules_and_dashboards_are_written_next_to_the_librarys() {
    let (_, assembly) = with(|p| p.alert_rules([rules()]).dashboards([board()])).unwrap();
    let file = assembly.file("monitoring/prod-main/custom.rules.yml").expect("custom.rules.yml");
    assert!(
        file.contains("alert: WebSlowDatabase") && file.contains("for: 10m") && file.contains("severity: critical")
    );
    let k8s = manifests(&assembly);
    assert!(k8s.contains("custom.rules.yml: |"), "in Prometheus' ConfigMap");
    assert!(k8s.contains("dashboard-web-db.json: |"), "in Grafana's ConfigMap");
    assert!(k8s.contains("rate(db_operations_total[5m])"));
}

#[test]
fn without_rules_or_dashboards_nothing_is_added() {
    let (_, assembly) = with(|p| p).unwrap();
    assert!(assembly.file("monitoring/prod-main/custom.rules.yml").is_none());
}

#[test]
fn a_dashboard_naming_a_metric_nobody_exports() {
    let e = err(|p| {
        p.dashboards([GrafanaDashboard::new("orders", "Orders")
            .panel(DashboardPanel::stat("Pending").query("sum(orders_pending)", "pending"))])
    });
    assert!(
        e.contains("Grafana dashboard 'orders', panel 'Pending' reads 'orders_pending', which nothing scraped exports"),
        "{e}"
    );
    assert!(e.contains("MetricsEndpoint::new(..).exports([..])"), "{e}");
}

#[test]
fn a_rule_naming_a_metric_nobody_exports_or_kube_state_metrics_off() {
    let e = err(|p| {
        p.kube_state_metrics(KubeStateMetrics::Off).alert_rules([RuleGroup::new(
            "g",
            [AlertRule::new("Typo", "rate(http_request_total[5m]) > 1"), AlertRule::new("Pods", "kube_pod_info == 0")],
        )])
    });
    assert!(
        e.contains("alert rule 'Typo' (group 'g') reads 'http_request_total', which nothing scraped exports"),
        "{e}"
    );
    assert!(e.contains("come from kube-state-metrics: turn it on"), "{e}");
}

#[test]
fn bad_names_empty_expressions_duplicates_and_for_out_of_range() {
    let e = err(|p| {
        p.alert_rules([
            RuleGroup::new(
                "g",
                [
                    AlertRule::new("web-down", "up == 0"),
                    AlertRule::new("Empty", " "),
                    AlertRule::new("WebDown", "up == 0").for_duration(Duration::from_secs(2 * 86400)),
                    AlertRule::new("WebDown", "up == 0"),
                    AlertRule::new("KubeletDown", "up == 0"),
                ],
            ),
            RuleGroup::new("g", []),
        ])
    });
    for expected in [
        "'web-down' is not a valid alert name",
        "alert rule 'Empty' (group 'g') has an empty expression",
        "'for' of 172800s is out of range",
        "an alert named 'WebDown' is already defined",
        "an alert named 'KubeletDown' is already defined",
        "alert rule group 'g' is defined twice",
        "alert rule group 'g' has no rules",
    ] {
        assert!(e.contains(expected), "{expected} in {e}");
    }
}

#[test]
fn dashboards_need_grafana_and_prometheus_and_rules_need_prometheus() {
    let e = err(|p| p.grafana(Grafana::Off).dashboards([board()]));
    assert!(e.contains("Grafana dashboards are given but Grafana is off"), "{e}");
    let e = err(|p| {
        p.prometheus(Prometheus::Off)
            .grafana(Grafana::Off)
            .alertmanager(stackwright_constructs::Alertmanager::Off)
            .kube_state_metrics(KubeStateMetrics::Off)
            .alert_rules([rules()])
    });
    assert!(e.contains("alert rules are given but Prometheus is off"), "{e}");
}

#[test]
fn bad_dashboard_uids_and_empty_panels() {
    let e = err(|p| {
        p.dashboards([
            GrafanaDashboard::new("stackwright-cluster", "Mine").panel(DashboardPanel::timeseries("x")),
            GrafanaDashboard::new("a b", ""),
        ])
    });
    for expected in [
        "Grafana dashboard 'stackwright-cluster' is defined twice (or is a dashboard of the library)",
        "panel 'x' has no query",
        "Grafana dashboard 'a b': the uid is not one Grafana accepts",
        "Grafana dashboard 'a b' has no title",
        "Grafana dashboard 'a b' has no panels",
    ] {
        assert!(e.contains(expected), "{expected} in {e}");
    }
}
