//! Monitoring: the manifests and templates it writes, where the billing alarm goes, the
//! configuration files for promtool/amtool, and the errors bad input gets.

mod common;

use common::{TestCluster, account, app_with_cluster, manifests, object, synth_error};
use stackwright_constructs::{
    AlertThresholds, ContainerImage, ContainerSpec, FlaskApp, FlaskAppProps, Grafana, GrafanaProps, Hpa, HpaMetric,
    ImageReference, LogShipping, MetricsEndpoint, Monitoring, MonitoringProps, Namespace, NamespaceProps,
    PersistentStorage, Prometheus, PrometheusProps, Workload, WorkloadProps,
};
use stackwright_core::{Account, App, Construct, Region};

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.4.2".into()))
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/constructs"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn template(assembly: &stackwright_core::Assembly, file: &str) -> serde_json::Value {
    serde_json::from_str(assembly.file(file).unwrap_or_else(|| panic!("no {file}"))).unwrap()
}

fn resource_types(t: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> =
        t["Resources"].as_object().unwrap().values().map(|r| r["Type"].as_str().unwrap().to_string()).collect();
    v.sort();
    v
}

#[test]
fn monitoring_of_an_app_in_us_east_1() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image())).unwrap();
    let m = Monitoring::new(
        &cluster,
        "monitoring",
        MonitoringProps::default()
            .scrape(&web)
            .billing_alarm_usd(500)
            .budget_usd(400)
            .alert_email("oncall@example.com"),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    snapshot("monitoring_manifests", &manifests(&assembly));
    let cluster_template = template(&assembly, "prod-cluster.template.json");
    snapshot("monitoring_cluster_stack", &serde_json::to_string_pretty(&cluster_template["Resources"]).unwrap());
    // The billing stack sits in the same (us-east-1) environment, self-contained.
    assert_eq!(m.billing_stack().unwrap().node().path(), "prod/billing-main");
    let billing = template(&assembly, "prod-billing-main.template.json");
    snapshot("monitoring_billing_stack", &serde_json::to_string_pretty(&billing).unwrap());
    assert!(billing.get("Parameters").is_none(), "the billing stack uses nothing of another stack");
    assert_eq!(
        resource_types(&billing),
        [
            "AWS::Budgets::Budget",
            "AWS::CloudWatch::Alarm",
            "AWS::KMS::Key",
            "AWS::SNS::Subscription",
            "AWS::SNS::Topic",
            "AWS::SNS::TopicPolicy"
        ]
    );
    let alarm = billing["Resources"]["EstimatedChargesAlarm"]["Properties"].clone();
    assert_eq!(alarm["Namespace"], "AWS/Billing");
    assert_eq!(alarm["MetricName"], "EstimatedCharges");
    assert_eq!(alarm["Threshold"], 500.0);

    // promtool/amtool inputs, byte-identical to the ConfigMaps.
    let files = &assembly.manifest.files;
    for f in ["prometheus.yml", "kubernetes.rules.yml", "flask-app-flask-app.rules.yml", "alertmanager.yml"] {
        assert!(files.contains(&format!("monitoring/prod-main/{f}")), "{f} missing from {files:?}");
    }
    let cm = object(&assembly, "ConfigMap", "prometheus-config");
    assert_eq!(
        cm["data"]["prometheus.yml"].as_str().unwrap(),
        assembly.file("monitoring/prod-main/prometheus.yml").unwrap()
    );
    let am = assembly.file("monitoring/prod-main/alertmanager.yml").unwrap();
    assert!(am.contains("topic_arn: ((stackwright:ref:prod/cluster/Cluster/monitoring/AlarmTopic))"), "{am}");
}

#[test]
fn billing_alarm_outside_us_east_1_gets_its_own_environment() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let m = Monitoring::new(&cluster, "monitoring", MonitoringProps::default().billing_alarm_usd(100)).unwrap();
    assert_eq!(m.billing_stack().unwrap().node().path(), "prod-us-east-1/billing-main");
    let assembly = app.synth().unwrap();
    let env = assembly.manifest.environments.iter().find(|e| e.id == "prod-us-east-1").unwrap();
    assert_eq!((env.account.as_str(), env.region.as_str()), ("123456789012", "us-east-1"));
    let stack = assembly.manifest.stack("prod-us-east-1-billing-main").unwrap();
    assert!(stack.dependencies.is_empty() && stack.parameters.is_empty(), "self-contained: {stack:?}");
}

#[test]
fn billing_alarm_reuses_an_existing_us_east_1_environment() {
    let app = App::new("demo");
    let prod = app.environment("prod", account(), Region::EuWest1);
    app.environment("global", account(), Region::UsEast1);
    let cluster = TestCluster::new(&prod.stack("cluster"), "Cluster", "main");
    let m = Monitoring::new(&cluster, "monitoring", MonitoringProps::default().budget_usd(300)).unwrap();
    assert_eq!(m.billing_stack().unwrap().node().path(), "global/billing-main");
    let (app2, _, cluster2) = app_with_cluster(Region::EuWest1);
    let other_env = app2.environment("g", account(), Region::UsEast1).stack("costs");
    let m2 = Monitoring::new(
        &cluster2,
        "monitoring",
        MonitoringProps::default().billing_alarm_usd(1).billing_stack(&other_env),
    )
    .unwrap();
    assert_eq!(m2.billing_stack().unwrap().node().path(), "g/costs");
    assert!(app.synth().is_ok() && app2.synth().is_ok());
}

#[test]
fn monitoring_with_fluent_bit_and_storage() {
    let (app, _, mut cluster) = app_with_cluster(Region::EuWest1);
    cluster.ebs_csi_driver = true;
    let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image())).unwrap();
    Monitoring::new(
        &cluster,
        "monitoring",
        MonitoringProps::default()
            .scrape(&web)
            .log_shipping(LogShipping::FluentBit)
            .prometheus(Prometheus::On(PrometheusProps::default().storage(PersistentStorage::new(50)))),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    let ds = object(&assembly, "DaemonSet", "fluent-bit");
    assert_eq!(ds["metadata"]["namespace"], "logging");
    let pod = &ds["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsUser"], 0, "root, for the root-owned log files");
    assert_eq!(pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(pod["containers"][0]["securityContext"]["capabilities"]["drop"][0], "ALL");
    let ns = object(&assembly, "Namespace", "logging");
    assert_eq!(ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], "privileged");
    let pvc = object(&assembly, "PersistentVolumeClaim", "prometheus-data");
    assert_eq!(pvc["spec"]["storageClassName"], "stackwright-gp3-encrypted");
    let sc = object(&assembly, "StorageClass", "stackwright-gp3-encrypted");
    assert_eq!(sc["parameters"]["encrypted"], "true");
    let prometheus = object(&assembly, "Deployment", "prometheus");
    assert_eq!(prometheus["spec"]["strategy"]["type"], "Recreate", "a ReadWriteOnce volume cannot be shared");
    let t = template(&assembly, "prod-cluster.template.json");
    let group = &t["Resources"]["ClusterMonitoringContainerLogs"]["Properties"];
    assert_eq!(group["LogGroupName"], "/aws/eks/main/containers");
    assert_eq!(group["RetentionInDays"], 30);
    assert!(group.get("KmsKeyId").is_some());
    snapshot("monitoring_fluent_bit", &manifests(&assembly));
}

#[test]
fn grafana_password_never_reaches_the_output() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    Monitoring::new(&cluster, "monitoring", MonitoringProps::default()).unwrap();
    let assembly = app.synth().unwrap();
    let secret = object(&assembly, "Secret", "grafana-admin");
    assert_eq!(secret["stringData"]["admin-password"], "((stackwright:env:GRAFANA_ADMIN_PASSWORD))");
    let binding = assembly.manifest.clusters[0]
        .bindings
        .iter()
        .find(|b| b.placeholder == "((stackwright:env:GRAFANA_ADMIN_PASSWORD))")
        .expect("the runtime is told where the password comes from");
    assert!(format!("{:?}", binding.source).contains("GRAFANA_ADMIN_PASSWORD"));
    let grafana = object(&assembly, "Deployment", "grafana");
    let env = grafana["spec"]["template"]["spec"]["containers"][0]["env"].to_string();
    assert!(env.contains("GF_SECURITY_ADMIN_PASSWORD__FILE") && !env.contains("secretKeyRef"), "{env}");
}

#[test]
fn every_pod_is_restricted_and_only_api_clients_hold_a_token() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    Monitoring::new(&cluster, "monitoring", MonitoringProps::default()).unwrap();
    let assembly = app.synth().unwrap();
    for name in ["prometheus", "alertmanager", "grafana", "kube-state-metrics"] {
        let d = object(&assembly, "Deployment", name);
        let pod = &d["spec"]["template"]["spec"];
        assert_eq!(pod["automountServiceAccountToken"], false, "{name}");
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{name}");
        let c = &pod["containers"][0];
        assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true, "{name}");
        assert!(c["image"].as_str().unwrap().contains("@sha256:"), "{name} is pinned by digest");
        let token = pod["volumes"].as_array().unwrap().iter().any(|v| v["name"] == "kube-api-access");
        assert_eq!(token, matches!(name, "prometheus" | "kube-state-metrics"), "{name}");
    }
}

// ---- bad input ---------------------------------------------------------------------------

fn err(props: MonitoringProps) -> String {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let text = synth_error(&app, Monitoring::new(&cluster, "monitoring", props));
    assert!(text.contains("prod/cluster/Cluster/monitoring: "), "the error names the construct path: {text}");
    assert!(text.contains("hint: "), "{text}");
    text
}

#[test]
fn billing_stack_in_another_region_is_unplaceable() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let e = synth_error(
        &app,
        Monitoring::new(&cluster, "monitoring", MonitoringProps::default().billing_alarm_usd(10).billing_stack(&stack)),
    );
    assert!(e.contains("the billing alarm cannot be placed in stack 'prod/cluster'"), "{e}");
    assert!(e.contains("exist only in us-east-1"), "{e}");
}

#[test]
fn billing_stack_in_another_account_is_unplaceable() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let other = app.environment("other", Account::new("210987654321").unwrap(), Region::UsEast1).stack("billing");
    let e = synth_error(
        &app,
        Monitoring::new(&cluster, "monitoring", MonitoringProps::default().billing_alarm_usd(10).billing_stack(&other)),
    );
    assert!(e.contains("must be in the cluster's account 123456789012"), "{e}");
}

#[test]
fn billing_environment_id_taken_is_unplaceable() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    app.environment("prod-us-east-1", Account::new("210987654321").unwrap(), Region::UsEast1);
    let e =
        synth_error(&app, Monitoring::new(&cluster, "monitoring", MonitoringProps::default().billing_alarm_usd(10)));
    assert!(e.contains("the id 'prod-us-east-1' it would use is taken"), "{e}");
}

#[test]
fn zero_billing_amounts() {
    let e = err(MonitoringProps::default().billing_alarm_usd(0).budget_usd(0));
    assert!(e.contains("a billing alarm at 0 USD would always be in alarm"), "{e}");
    assert!(e.contains("a budget of 0 USD is not a budget"), "{e}");
}

#[test]
fn bad_retention_and_scrape_interval() {
    let e = err(MonitoringProps {
        prometheus: Prometheus::On(PrometheusProps::default().retention_days(0).scrape_interval_seconds(1)),
        log_retention_days: 31,
        ..Default::default()
    });
    assert!(e.contains("a retention of 0 days is out of range"), "{e}");
    assert!(e.contains("a scrape interval of 1s is out of range"), "{e}");
    assert!(e.contains("log retention of 31 days is not one CloudWatch Logs accepts"), "{e}");
}

#[test]
fn bad_email() {
    assert!(err(MonitoringProps::default().alert_email("oncall")).contains("'oncall' is not an e-mail address"));
}

#[test]
fn bad_thresholds() {
    let e = err(MonitoringProps {
        thresholds: AlertThresholds { error_rate: 5.0, latency_p95_seconds: 0.0 },
        ..Default::default()
    });
    assert!(e.contains("error-rate threshold 5 is not a fraction"), "{e}");
    assert!(e.contains("latency threshold 0s is not positive"), "{e}");
}

#[test]
fn volume_too_small() {
    assert!(
        err(MonitoringProps::default()
            .prometheus(Prometheus::On(PrometheusProps::default().storage(PersistentStorage::new(1)))))
        .contains("a 1 GiB volume is out of range")
    );
}

#[test]
fn scraping_an_app_of_another_cluster() {
    let (app, stack, cluster) = app_with_cluster(Region::UsEast1);
    let other = TestCluster::new(&stack, "Other", "other");
    let web = FlaskApp::new(&other, "flask-app", FlaskAppProps::new(image())).unwrap();
    let e = synth_error(
        &app,
        Monitoring::new(&cluster, "monitoring", MonitoringProps::default().scrape(&web).scrape(&web)),
    );
    assert!(e.contains("an app of another cluster ('prod/cluster/Other')"), "{e}");
    assert!(e.contains("scrapes flask-app/flask-app twice"), "{e}");
    drop(app);
}

#[test]
fn monitoring_scrapes_a_plain_workload_at_its_metrics_endpoint() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let api = Workload::new(
        &cluster,
        &ns,
        "Api",
        WorkloadProps::new(ContainerSpec::new(image()).port("http", 8080).port("metrics", 9100))
            .metrics(MetricsEndpoint::new("metrics").path("/stats"))
            .autoscaling(Hpa::new(5, [HpaMetric::cpu(70)])),
    )
    .unwrap();
    Monitoring::new(&cluster, "monitoring", MonitoringProps::default().scrape(&api)).unwrap();
    let assembly = app.synth().unwrap();

    // Prometheus may reach the workload's metrics port, selected by namespace and pods …
    let prometheus = object(&assembly, "NetworkPolicy", "prometheus");
    let egress = prometheus["spec"]["egress"].as_array().unwrap();
    let to_api = egress
        .iter()
        .find(|rule| rule["to"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == "orders")
        .unwrap_or_else(|| panic!("no egress to the workload's namespace: {egress:?}"));
    assert_eq!(to_api["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"], "api");
    assert_eq!(to_api["ports"][0]["port"], 9100);
    // … the workload lets it in there, and its pods say where to scrape.
    let allow = object(&assembly, "NetworkPolicy", "api-allow-monitoring");
    assert_eq!(allow["spec"]["ingress"][0]["ports"][0]["port"], 9100);
    let template = &object(&assembly, "Deployment", "api")["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(template["prometheus.io/port"], "9100");
    assert_eq!(template["prometheus.io/path"], "/stats");
    // Its alert rules are written like a FlaskApp's.
    let rules = assembly.file("monitoring/prod-main/orders-api.rules.yml").expect("the workload's alert rules");
    assert!(rules.contains("orders"), "{rules}");
}

#[test]
fn scraping_a_workload_without_a_metrics_endpoint_is_an_error() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let props = WorkloadProps::new(ContainerSpec::new(image()).port("http", 8080));
    let api = Workload::new(&cluster, &ns, "Api", props).unwrap();
    let e = synth_error(&app, Monitoring::new(&cluster, "monitoring", MonitoringProps::default().scrape(&api)));
    assert!(
        e.contains("prod/cluster/Cluster/monitoring: scrapes orders/api on port 0: it declares no metrics port"),
        "{e}"
    );
    assert!(e.contains("MetricsEndpoint::new"), "{e}");
}

#[test]
fn bad_grafana_password_variable() {
    let p =
        MonitoringProps::default().grafana(Grafana::On(GrafanaProps::default().admin_password_env("grafana-password")));
    assert!(err(p).contains("'grafana-password' is not a valid environment variable name"));
}

#[test]
fn billing_stack_without_billing() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let s = app.environments()[0].stack("costs");
    let e = synth_error(&app, Monitoring::new(&cluster, "monitoring", MonitoringProps::default().billing_stack(&s)));
    assert!(e.contains("no billing alarm or budget to put in it"), "{e}");
}

#[test]
fn a_second_monitoring_on_one_cluster_is_a_clear_error() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    Monitoring::new(&cluster, "monitoring", MonitoringProps::default()).unwrap();
    let e = synth_error(&app, Monitoring::new(&cluster, "monitoring-2", MonitoringProps::default()));
    assert!(e.contains("already defined"), "{e}");
}
