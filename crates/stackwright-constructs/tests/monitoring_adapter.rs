//! prometheus-adapter: installed when an autoscaler scales on a custom metric, its rules made
//! from those metrics, hardened and least-privileged against upstream's manifests, its
//! `APIService` trusting a certificate made at deploy time, its flow to Prometheus declared;
//! and the errors when it is off, when an autoscaler comes after monitoring, or when a metric
//! is one it cannot serve.

mod common;

use common::{app_with_cluster, object};
use serde_json::Value as Json;
use stackwright_constructs::{
    Autoscaling, ContainerImage, CustomMetric, CustomMetricsAdapter, FlaskApp, FlaskAppProps, ImageReference,
    Monitoring, MonitoringProps,
};
use stackwright_core::{Assembly, Region};

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.4.2".into()))
}

fn request_rate() -> Autoscaling {
    Autoscaling::default().custom_metric(CustomMetric::new("http_requests_per_second", "20"))
}

fn synth(scaling: Autoscaling, props: MonitoringProps) -> stackwright_core::Result<Assembly> {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image()).autoscaling(scaling)).unwrap();
    Monitoring::new(&cluster, "monitoring", props.scrape(&web)).unwrap();
    app.synth()
}

fn has(assembly: &Assembly, kind: &str, name: &str) -> bool {
    assembly.manifest.clusters[0].objects.iter().any(|o| o.kind == kind && o.name == name)
}

fn upstream() -> Json {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("upstream/prometheus-adapter-v0.12.0-manifests.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn an_autoscaler_on_a_request_rate_gets_the_adapter_with_its_rule() {
    let assembly = synth(request_rate(), MonitoringProps::default()).unwrap();
    let config = object(&assembly, "ConfigMap", "prometheus-adapter-config");
    assert_eq!(config["metadata"]["namespace"], "kube-system");
    let rules: Json = serde_saphyr::from_str(config["data"]["config.yaml"].as_str().unwrap()).unwrap();
    let rules = rules["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0]["seriesQuery"], "http_requests_total{namespace!=\"\",pod!=\"\"}");
    assert_eq!(rules[0]["name"]["as"], "http_requests_per_second");
    assert_eq!(rules[0]["metricsQuery"], "sum(rate(<<.Series>>{<<.LabelMatchers>>}[120s])) by (<<.GroupBy>>)");

    // Hardened: non-root, read-only root filesystem, HTTPS probes, the certificate from the Secret.
    let d = object(&assembly, "Deployment", "prometheus-adapter");
    let pod = &d["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["livenessProbe"]["httpGet"]["scheme"], "HTTPS");
    assert_eq!(c["image"], upstream()["image"]);
    let args: Vec<&str> = c["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(args.contains(&"--prometheus-url=http://prometheus.monitoring.svc:9090/"), "{args:?}");
    assert!(args.contains(&"--tls-cert-file=/var/run/serving-cert/tls.crt"), "{args:?}");

    // The APIService verifies the adapter: a CA bundle put in by the patch Job, never skipped.
    let api = object(&assembly, "APIService", "v1beta1.custom.metrics.k8s.io");
    assert!(api["spec"].get("insecureSkipTLSVerify").is_none(), "{api}");
    assert_eq!(api["spec"]["service"]["name"], "prometheus-adapter");
    let patch = object(&assembly, "Job", "prometheus-adapter-certgen-patch");
    let args = patch["spec"]["template"]["spec"]["containers"][0]["args"].to_string();
    assert!(args.contains("--apiservice-name=v1beta1.custom.metrics.k8s.io"), "{args}");
    assert!(has(&assembly, "Job", "prometheus-adapter-certgen"));

    // The control plane in, Prometheus (and DNS and the API server) out; Prometheus lets it in.
    let np = object(&assembly, "NetworkPolicy", "prometheus-adapter");
    assert_eq!(np["spec"]["ingress"][0]["ports"][0]["port"], 6443);
    let prometheus = object(&assembly, "NetworkPolicy", "prometheus");
    assert!(prometheus["spec"]["ingress"].to_string().contains("prometheus-adapter"), "{prometheus}");
    let flows = &assembly.manifest.clusters[0].flows;
    assert!(
        flows
            .iter()
            .any(|f| f.from == "kube-system/prometheus-adapter" && f.to == "monitoring/prometheus" && f.port == 9090),
        "{flows:?}"
    );
}

#[test]
fn rbac_is_upstreams_or_less() {
    let assembly = synth(request_rate(), MonitoringProps::default()).unwrap();
    let upstream = upstream();
    let m = &upstream["manifests"];
    let granted = |rules: &Json| -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for r in rules.as_array().unwrap() {
            for g in r["apiGroups"].as_array().unwrap() {
                for res in r["resources"].as_array().unwrap() {
                    for v in r["verbs"].as_array().unwrap() {
                        out.push((g.to_string(), res.to_string(), v.to_string()));
                    }
                }
            }
        }
        out
    };
    let ours = granted(&object(&assembly, "ClusterRole", "prometheus-adapter")["rules"]);
    let theirs = granted(&m["cluster-role.yaml"]["rules"]);
    assert!(ours.iter().all(|g| theirs.contains(g)), "{ours:?} not within {theirs:?}");
    for (ours, theirs) in [
        ("prometheus-adapter-auth-delegator", "cluster-role-binding-delegator.yaml"),
        ("hpa-controller-custom-metrics", "cluster-role-binding-hpa-custom-metrics.yaml"),
    ] {
        let b = object(&assembly, "ClusterRoleBinding", ours);
        assert_eq!(b["roleRef"]["name"], m[theirs]["roleRef"]["name"], "{ours}");
    }
    let reader = object(&assembly, "RoleBinding", "prometheus-adapter-auth-reader");
    assert_eq!(reader["metadata"]["namespace"], "kube-system");
    assert_eq!(reader["roleRef"], m["role-binding-auth-reader.yaml"]["roleRef"]);
    let hpa = object(&assembly, "ClusterRole", "custom-metrics-server-resources");
    assert_eq!(hpa["rules"][0]["verbs"], serde_json::json!(["get", "list"]));
    assert_eq!(
        hpa["rules"][0]["resources"],
        serde_json::json!(["pods/http_requests_per_second", "deployments.apps/http_requests_per_second"])
    );
}

#[test]
fn no_custom_metric_no_adapter() {
    let assembly = synth(Autoscaling::default(), MonitoringProps::default()).unwrap();
    for (kind, name) in [("Deployment", "prometheus-adapter"), ("APIService", "v1beta1.custom.metrics.k8s.io")] {
        assert!(!has(&assembly, kind, name), "{kind} {name}");
    }
    assert!(assembly.manifest.clusters[0].flows.iter().all(|f| !f.from.contains("prometheus-adapter")));
}

#[test]
fn a_custom_metric_with_the_adapter_off() {
    let e = common::error_text(synth(
        request_rate(),
        MonitoringProps::default().custom_metrics_adapter(CustomMetricsAdapter::Off),
    ));
    assert!(
        e.contains(
            "prod/cluster/Cluster/flask-app: the autoscaler flask-app/flask-app scales on the custom metric 'http_requests_per_second', but the custom metrics adapter is off in 'prod/cluster/Cluster/monitoring'"
        ),
        "{e}"
    );
    assert!(e.contains("hint: turn it on in that Monitoring (CustomMetricsAdapter::On("), "{e}");
}

#[test]
fn an_autoscaler_added_after_monitoring_has_no_rule() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    Monitoring::new(&cluster, "monitoring", MonitoringProps::default()).unwrap();
    FlaskApp::new(&cluster, "late", FlaskAppProps::new(image()).namespace("shop").autoscaling(request_rate())).unwrap();
    let e = common::error_text(app.synth());
    assert!(e.contains("prod/cluster/Cluster/late: the autoscaler shop/late scales on the custom metric 'http_requests_per_second', but it was added after 'prod/cluster/Cluster/monitoring'"), "{e}");
    assert!(e.contains("hint: add Monitoring after the workloads"), "{e}");
}
