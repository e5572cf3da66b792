//! Each part of monitoring on or off: what goes away with it, and what a part that needs
//! another one that is off gets — Alertmanager, Grafana or kube-state-metrics without
//! Prometheus, and an autoscaler scaling on a custom metric without Prometheus.

mod common;

use common::{app_with_cluster, object, synth_error};
use serde_json::Value as Json;
use stackwright_constructs::{
    Alertmanager, Autoscaling, ContainerImage, CustomMetric, FlaskApp, FlaskAppProps, Grafana, Hpa, HpaMetric,
    ImageReference, KubeStateMetrics, LogShipping, Monitoring, MonitoringProps, Prometheus,
};
use stackwright_core::{Assembly, Region};

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.4.2".into()))
}

fn synth(props: MonitoringProps) -> Assembly {
    synth_scraping(props, true)
}

/// The app, scraped or not (with Prometheus off, scraping is an error).
fn synth_scraping(props: MonitoringProps, scrape: bool) -> Assembly {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image())).unwrap();
    Monitoring::new(&cluster, "monitoring", if scrape { props.scrape(&web) } else { props }).unwrap();
    app.synth().unwrap()
}

fn has(assembly: &Assembly, kind: &str, name: &str) -> bool {
    assembly.manifest.clusters[0].objects.iter().any(|o| o.kind == kind && o.name == name)
}

fn yaml(assembly: &Assembly, file: &str) -> Json {
    serde_saphyr::from_str(assembly.file(&format!("monitoring/prod-main/{file}")).unwrap()).unwrap()
}

/// Prometheus off, and with it everything that needs it.
fn without_prometheus() -> MonitoringProps {
    MonitoringProps::default()
        .prometheus(Prometheus::Off)
        .alertmanager(Alertmanager::Off)
        .grafana(Grafana::Off)
        .kube_state_metrics(KubeStateMetrics::Off)
}

#[test]
fn without_grafana() {
    let assembly = synth(MonitoringProps::default().grafana(Grafana::Off));
    for (kind, name) in [
        ("Deployment", "grafana"),
        ("Secret", "grafana-admin"),
        ("ConfigMap", "grafana-dashboards"),
        ("NetworkPolicy", "grafana"),
    ] {
        assert!(!has(&assembly, kind, name), "{kind} {name}");
    }
    let policy = object(&assembly, "NetworkPolicy", "prometheus");
    assert!(policy["spec"].get("ingress").is_none(), "nothing reaches Prometheus: {policy}");
    assert!(has(&assembly, "Deployment", "prometheus") && has(&assembly, "Deployment", "alertmanager"));
    assert!(assembly.manifest.clusters[0].bindings.iter().all(|b| !b.placeholder.contains("GRAFANA")));
}

#[test]
fn without_alertmanager() {
    let assembly = synth(MonitoringProps::default().alertmanager(Alertmanager::Off));
    assert!(!has(&assembly, "Deployment", "alertmanager") && !has(&assembly, "NetworkPolicy", "alertmanager"));
    assert!(assembly.file("monitoring/prod-main/alertmanager.yml").is_none());
    assert!(yaml(&assembly, "prometheus.yml").get("alerting").is_none());
    assert!(!assembly.file("prod-cluster.template.json").unwrap().contains("AlertmanagerRole"));
    let egress = object(&assembly, "NetworkPolicy", "prometheus")["spec"]["egress"].to_string();
    assert!(!egress.contains("alertmanager"), "{egress}");
}

#[test]
fn without_kube_state_metrics() {
    let assembly = synth(MonitoringProps::default().kube_state_metrics(KubeStateMetrics::Off));
    assert!(!has(&assembly, "Deployment", "kube-state-metrics"));
    assert!(!has(&assembly, "ClusterRole", "stackwright-kube-state-metrics"));
    let jobs = yaml(&assembly, "prometheus.yml")["scrape_configs"].to_string();
    assert!(!jobs.contains("kube-state-metrics"), "{jobs}");
    let rules = yaml(&assembly, "kubernetes.rules.yml");
    let names: Vec<&str> =
        rules["groups"][0]["rules"].as_array().unwrap().iter().map(|r| r["alert"].as_str().unwrap()).collect();
    assert_eq!(names, ["KubeletDown"], "only the rule that reads no kube-state-metrics series");
}

#[test]
fn without_prometheus_only_aws_is_left() {
    let assembly = synth_scraping(without_prometheus(), false);
    assert!(assembly.manifest.clusters[0].objects.iter().all(|o| o.namespace.as_deref() != Some("monitoring")));
    assert!(!has(&assembly, "Namespace", "monitoring"));
    assert!(assembly.file("monitoring/prod-main/prometheus.yml").is_none());
    let template = assembly.file("prod-cluster.template.json").unwrap();
    assert!(template.contains("AWS::SNS::Topic") && template.contains("AWS::CloudWatch::Alarm"));
}

#[test]
fn log_shipping_needs_no_prometheus() {
    let assembly = synth_scraping(without_prometheus().log_shipping(LogShipping::FluentBit), false);
    assert!(has(&assembly, "DaemonSet", "fluent-bit"));
    assert!(!has(&assembly, "Deployment", "prometheus"));
}

fn err(props: MonitoringProps) -> String {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    synth_error(&app, Monitoring::new(&cluster, "monitoring", props))
}

#[test]
fn parts_that_need_prometheus() {
    let e = err(MonitoringProps::default().prometheus(Prometheus::Off));
    for (message, hint) in [
        ("Alertmanager is on but Prometheus is off", "turn Alertmanager off (Alertmanager::Off)"),
        ("Grafana is on but Prometheus is off: its data source and every dashboard read Prometheus", "Grafana::Off"),
        ("kube-state-metrics is on but Prometheus is off", "KubeStateMetrics::Off"),
    ] {
        assert!(e.contains(&format!("prod/cluster/Cluster/monitoring: {message}")), "{message} in:\n{e}");
        assert!(e.contains(hint), "{hint} in:\n{e}");
    }
    assert!(e.contains("Prometheus::On(PrometheusProps::default())"), "{e}");
}

#[test]
fn scraping_with_prometheus_off_is_an_error() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image())).unwrap();
    let e = synth_error(&app, Monitoring::new(&cluster, "monitoring", without_prometheus().scrape(&web)));
    assert!(
        e.contains("prod/cluster/Cluster/monitoring: scrapes flask-app/flask-app but Prometheus is off: nothing would scrape them"),
        "{e}"
    );
    assert!(
        e.contains("turn Prometheus on (Prometheus::On(PrometheusProps::default())), or do not pass them to scrape()"),
        "{e}"
    );
}

#[test]
fn a_custom_metric_without_prometheus_before_or_after_monitoring() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let scaling = Autoscaling::default().custom_metric(CustomMetric::new("http_requests_per_second", "20"));
    FlaskApp::new(&cluster, "before", FlaskAppProps::new(image()).namespace("shop").autoscaling(scaling.clone()))
        .unwrap();
    Monitoring::new(&cluster, "monitoring", without_prometheus()).unwrap();
    FlaskApp::new(&cluster, "after", FlaskAppProps::new(image()).namespace("orders").autoscaling(scaling)).unwrap();
    // CPU and memory need no Prometheus (the metrics server serves them).
    FlaskApp::new(&cluster, "plain", FlaskAppProps::new(image()).namespace("plain")).unwrap();
    let e = common::error_text(app.synth());
    for (path, hpa) in [("before", "shop/before"), ("after", "orders/after")] {
        assert!(
            e.contains(&format!(
                "prod/cluster/Cluster/{path}: the autoscaler {hpa} scales on the custom metric 'http_requests_per_second', but Prometheus is off in 'prod/cluster/Cluster/monitoring': nothing would serve it"
            )),
            "{path} in:\n{e}"
        );
    }
    assert!(e.contains("hint: turn Prometheus on in that Monitoring"), "{e}");
    assert!(!e.contains("prod/cluster/Cluster/plain"), "{e}");
}

#[test]
fn a_workload_pods_metric_without_prometheus() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    Monitoring::new(&cluster, "monitoring", without_prometheus()).unwrap();
    let hpa = Hpa::new(6, [HpaMetric::cpu(70), HpaMetric::pods("jobs_in_flight", "5")]);
    let ns =
        stackwright_constructs::Namespace::new(&cluster, "Jobs", stackwright_constructs::NamespaceProps::default())
            .unwrap();
    stackwright_constructs::Workload::new(
        &cluster,
        &ns,
        "Runner",
        stackwright_constructs::WorkloadProps::new(
            stackwright_constructs::ContainerSpec::new(image()).port("http", 8080),
        )
        .autoscaling(hpa),
    )
    .unwrap();
    let e = common::error_text(app.synth());
    assert!(e.contains("scales on the custom metric 'jobs_in_flight'"), "{e}");
}

#[test]
fn a_custom_metric_with_prometheus_on_is_fine() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let scaling = Autoscaling::default().custom_metric(CustomMetric::new("http_requests_per_second", "20"));
    let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image()).autoscaling(scaling)).unwrap();
    Monitoring::new(&cluster, "monitoring", MonitoringProps::default().scrape(&web)).unwrap();
    app.synth().unwrap();
}
