//! Namespace and Workload: the objects they write, and the errors bad input gets (each with
//! the construct path and a hint).

mod common;

use common::{app_with_cluster, object, synth_error};
use stackwright_constructs::{
    AcmCertificateArn, AlbIngress, ConfigSource, ContainerImage, ContainerSpec, Hpa, HpaMetric, ImageReference,
    Namespace, NamespaceProps, ProbeSpec, Scheme, ServiceKind, Workload, WorkloadProps,
};
use stackwright_core::{Construct, Region};

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/orders", ImageReference::Tag("2.1.0".into()))
}

fn api() -> WorkloadProps {
    WorkloadProps::new(
        ContainerSpec::new(image())
            .port("http", 8080)
            .readiness(ProbeSpec::http("/ready", "http"))
            .liveness(ProbeSpec::tcp("http")),
    )
}

fn worker() -> WorkloadProps {
    WorkloadProps::new(ContainerSpec::new(image()).args(["worker"])).service(ServiceKind::None)
}

const CERT: &str = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c";

#[test]
fn two_workloads_in_one_namespace_a_worker_without_service_and_a_memory_only_hpa() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let ingress = AlbIngress::https(CERT.parse().unwrap()).internal().host("orders.internal").group("internal");
    Workload::new(&cluster, &ns, "Api", api().ingress(ingress)).unwrap();
    Workload::new(
        &cluster,
        &ns,
        "Worker",
        worker().autoscaling(Hpa::new(8, [HpaMetric::memory(75)])).container(
            ContainerSpec::new(image())
                .env_from([ConfigSource::Secret("orders-db".into())])
                .file_mount(ConfigSource::ConfigMap("orders-rules".into()), "/etc/orders"),
        ),
    )
    .unwrap();
    let assembly = app.synth().unwrap();

    let namespace = object(&assembly, "Namespace", "orders");
    assert_eq!(namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], "restricted");
    object(&assembly, "NetworkPolicy", "default-deny");
    let objects = &assembly.manifest.clusters[0].objects;
    assert!(!objects.iter().any(|o| o.kind == "Service" && o.name == "worker"), "a worker has no Service");

    let hpa = object(&assembly, "HorizontalPodAutoscaler", "worker");
    let metrics = hpa["spec"]["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), 1);
    assert_eq!(metrics[0]["resource"]["name"], "memory");
    let deployment = object(&assembly, "Deployment", "worker");
    assert!(deployment["spec"].get("replicas").is_none(), "the HPA owns the size");
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["automountServiceAccountToken"], false);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let container = &pod["containers"][0];
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(container["securityContext"]["capabilities"]["drop"][0], "ALL");
    assert_eq!(container["envFrom"][0]["secretRef"]["name"], "orders-db");
    assert!(container["resources"]["limits"]["memory"].is_string());
    assert_eq!(pod["volumes"][1]["configMap"]["name"], "orders-rules");

    let ingress = object(&assembly, "Ingress", "api");
    let annotations = &ingress["metadata"]["annotations"];
    assert_eq!(annotations["alb.ingress.kubernetes.io/scheme"], "internal");
    assert_eq!(annotations["alb.ingress.kubernetes.io/group.name"], "internal");
    assert_eq!(annotations["alb.ingress.kubernetes.io/certificate-arn"], CERT);
    let service = object(&assembly, "Service", "api");
    assert_eq!(service["spec"]["ports"][0]["port"], 80);
}

#[test]
fn headless_and_load_balancer_services() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Data", NamespaceProps::default()).unwrap();
    Workload::new(&cluster, &ns, "Peers", api().service(ServiceKind::Headless)).unwrap();
    Workload::new(&cluster, &ns, "Edge", api().service(ServiceKind::LoadBalancer(Scheme::Internal))).unwrap();
    let assembly = app.synth().unwrap();
    assert_eq!(object(&assembly, "Service", "peers")["spec"]["clusterIP"], "None");
    let edge = object(&assembly, "Service", "edge");
    assert_eq!(edge["spec"]["type"], "LoadBalancer");
    assert_eq!(edge["metadata"]["annotations"]["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal");
    object(&assembly, "NetworkPolicy", "edge-allow-load-balancer");
}

#[test]
fn every_metric_kind() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let hpa = Hpa::new(
        10,
        [
            HpaMetric::cpu(70),
            HpaMetric::pods("jobs_in_flight", "5"),
            HpaMetric::Object {
                api_version: "networking.k8s.io/v1".into(),
                kind: "Ingress".into(),
                name: "api".into(),
                metric: "requests_per_second".into(),
                value: "100".into(),
            },
            HpaMetric::external("sqs_messages_visible", "30"),
        ],
    );
    Workload::new(&cluster, &ns, "Api", api().autoscaling(hpa)).unwrap();
    let assembly = app.synth().unwrap();
    let hpa = object(&assembly, "HorizontalPodAutoscaler", "api");
    let kinds: Vec<_> = hpa["spec"]["metrics"].as_array().unwrap().iter().map(|m| m["type"].clone()).collect();
    assert_eq!(kinds, ["Resource", "Pods", "Object", "External"]);
}

fn error_at(
    path: &str,
    build: impl FnOnce(&common::TestCluster, &Namespace) -> stackwright_core::Result<Workload>,
) -> String {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let text = synth_error(&app, build(&cluster, &ns));
    assert!(text.contains(&format!("prod/cluster/Cluster/Orders/{path}: ")), "the error names the path: {text}");
    assert!(text.contains("hint: "), "the error says how to fix it: {text}");
    text
}

#[test]
fn an_hpa_with_no_metric_is_an_error() {
    let e = error_at("Worker", |c, ns| Workload::new(c, ns, "Worker", worker().autoscaling(Hpa::new(5, []))));
    assert!(e.contains("the HPA has no metric to scale on") && e.contains("HpaMetric::memory"), "{e}");
}

#[test]
fn two_workloads_with_one_name_in_a_namespace_is_an_error() {
    let e = error_at("Second", |c, ns| {
        Workload::new(c, ns, "First", worker().name("jobs"))?;
        Workload::new(c, ns, "Second", worker().name("jobs"))
    });
    assert!(
        e.contains("namespace 'orders' has a workload named 'jobs' already: 'prod/cluster/Cluster/Orders/First'"),
        "{e}"
    );
    assert!(e.contains("give one of them another name"), "{e}");
}

#[test]
fn one_construct_id_twice_is_one_error_not_two() {
    let e = error_at("Worker", |c, ns| {
        Workload::new(c, ns, "Worker", worker())?;
        Workload::new(c, ns, "Worker", worker())
    });
    assert_eq!(e.matches("prod/cluster/Cluster/Orders/Worker: ").count(), 1, "one problem, the duplicate id: {e}");
    assert!(!e.contains("has a workload named"), "{e}");
}

#[test]
fn an_ingress_with_tls_but_no_certificate_is_an_error() {
    let e = error_at("Api", |c, ns| Workload::new(c, ns, "Api", api().ingress(AlbIngress::default().tls(true))));
    assert!(e.contains("the Ingress has TLS but no certificate") && e.contains("AlbIngress::https"), "{e}");
}

#[test]
fn a_certificate_arn_is_checked_where_it_is_parsed() {
    let e = "arn:aws:iam::123456789012:role/x".parse::<AcmCertificateArn>().unwrap_err().to_string();
    assert!(e.contains("is not the ARN of an ACM certificate") && e.contains("arn:aws:acm:"), "{e}");
}

#[test]
fn a_service_without_ports_and_a_probe_of_an_unknown_port_are_errors() {
    let props = WorkloadProps::new(ContainerSpec::new(image()).readiness(ProbeSpec::http("/", "web")));
    let e = error_at("Api", |c, ns| Workload::new(c, ns, "Api", props));
    assert!(e.contains("container has no port") && e.contains("ServiceKind::None"), "{e}");
    assert!(e.contains("checks port 'web'"), "{e}");
}

/// A gRPC server's probes: the standard health check on the port's number (Kubernetes takes
/// no port name there); a probe of a port the container lacks is an error, and the warning of a
/// container without probes suggests the gRPC probe on its gRPC port.
#[test]
fn grpc_probes_use_the_port_number_and_are_suggested_for_a_grpc_port() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let container = ContainerSpec::new(image())
        .port("grpc", 50051)
        .liveness(ProbeSpec::grpc("grpc"))
        .readiness(ProbeSpec::grpc_service("grpc", "orders.v1.Orders"));
    Workload::new(&cluster, &ns, "Api", WorkloadProps::new(container)).unwrap();
    let bare = ContainerSpec::new(image()).port("grpc-api", 9090);
    Workload::new(&cluster, &ns, "Quotes", WorkloadProps::new(bare)).unwrap();
    let assembly = app.synth().unwrap();
    let api = object(&assembly, "Deployment", "api");
    let c = &api["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["livenessProbe"]["grpc"], serde_json::json!({"port": 50051}));
    assert_eq!(c["readinessProbe"]["grpc"], serde_json::json!({"port": 50051, "service": "orders.v1.Orders"}));
    let warnings: Vec<String> = assembly.warnings.iter().map(ToString::to_string).collect();
    let quotes: Vec<&String> = warnings.iter().filter(|w| w.contains("Orders/Quotes")).collect();
    assert_eq!(quotes.len(), 2, "{warnings:#?}");
    assert!(quotes.iter().all(|w| w.contains("ProbeSpec::grpc(\"grpc-api\")")), "{quotes:#?}");

    let props = WorkloadProps::new(ContainerSpec::new(image()).port("http", 8080).liveness(ProbeSpec::grpc("rpc")));
    let e = error_at("Api", |c, ns| Workload::new(c, ns, "Api", props));
    assert!(e.contains("the liveness probe checks port 'rpc', which the container does not have"), "{e}");
    let empty = ProbeSpec::grpc_service("http", " ");
    let props = WorkloadProps::new(ContainerSpec::new(image()).port("http", 8080).readiness(empty));
    let e = error_at("Api", |c, ns| Workload::new(c, ns, "Api", props));
    assert!(e.contains("gRPC health of an empty service name"), "{e}");
}

#[test]
fn a_namespace_of_another_cluster_is_an_error() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let other = common::TestCluster::new(&stack, "Other", "other");
    let ns = Namespace::new(&other, "Orders", NamespaceProps::default()).unwrap();
    let e = synth_error(&app, Workload::new(&cluster, &ns, "Api", api()));
    assert!(e.contains("prod/cluster/Other/Orders/Api: namespace 'orders' is on cluster"), "{e}");
    assert!(e.contains("create the namespace on the cluster the workload runs on"), "{e}");
}

#[test]
fn a_rejected_namespace_rejects_its_workloads_without_more_errors() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default().name("kube-orders")).unwrap();
    let workload = Workload::new(&cluster, &ns, "Api", api()).unwrap();
    assert!(workload.node().is_rejected());
    let e = common::error_text(app.synth());
    assert!(e.contains("prod/cluster/Cluster/Orders: namespace 'kube-orders' belongs to Kubernetes"), "{e}");
    assert!(!e.contains("Orders/Api"), "{e}");
}

#[test]
fn a_container_without_probes_is_warned_about_and_still_synthesized() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    Workload::new(&cluster, &ns, "Api", api()).unwrap();
    Workload::new(&cluster, &ns, "Worker", worker()).unwrap();
    let assembly = app.synth().expect("probes are advice, not a requirement");
    let warnings: Vec<String> = assembly.warnings.iter().map(ToString::to_string).collect();
    // The API has both probes: nothing about it. The worker has neither: one warning each.
    assert!(warnings.iter().all(|w| !w.contains("Orders/Api")), "{warnings:#?}");
    let worker: Vec<&String> = warnings.iter().filter(|w| w.contains("prod/cluster/Cluster/Orders/Worker")).collect();
    assert_eq!(worker.len(), 2, "{warnings:#?}");
    assert!(worker[0].contains("no liveness probe: a hung process is never restarted"), "{worker:?}");
    assert!(worker[1].contains("no readiness probe"), "{worker:?}");
    assert!(worker.iter().all(|w| w.contains("ProbeSpec::")), "each says how: {worker:?}");
}
