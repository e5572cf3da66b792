//! The Workload options presets such as FlaskApp are built from — own ConfigMap and Role,
//! metrics endpoint, drain before stop, strict zone spreading, load balancer health checks,
//! rollout timings and HPA rates — used by a plain workload: the objects they write, and the
//! errors bad values get (each with the construct path and a hint).

mod common;

use common::{app_with_cluster, object, synth_error};
use stackwright_constructs::{
    AcmCertificateArn, AlbIngress, ContainerImage, ContainerSpec, Hpa, HpaMetric, ImageReference, MetricsEndpoint,
    Namespace, NamespaceProps, ProbeSpec, RoleRule, ScalingPolicy, ScalingRate, Scheme, SelectPolicy, ServiceKind,
    Workload, WorkloadProps, ZoneSpread,
};
use stackwright_core::Region;

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/orders", ImageReference::Tag("2.1.0".into()))
}

fn api() -> WorkloadProps {
    WorkloadProps::new(
        ContainerSpec::new(image())
            .port("http", 8080)
            .port("metrics", 9100)
            .readiness(ProbeSpec::http("/ready", "http"))
            .pre_stop(["/bin/sh", "-c", "sleep 5"]),
    )
}

const CERT: &str = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c";

#[test]
fn every_option_writes_what_it_says() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let cert: AcmCertificateArn = CERT.parse().unwrap();
    let props = api()
        .component("api")
        .config_var("MODE", "live")
        .role_rule(RoleRule::new([""], ["configmaps"], ["get"]).resource_names(["api-config"]))
        .metrics(MetricsEndpoint::new("metrics").path("/stats"))
        .zone_spread(ZoneSpread::Required)
        .health_check_path("/ready")
        .min_ready_seconds(5)
        .progress_deadline_seconds(300)
        .ingress(
            AlbIngress::https(cert)
                .host("orders.example.com")
                .load_balancer_name("orders-api")
                .deregistration_delay_seconds(5)
                .ssl_redirect(false)
                .tls_in_spec(false),
        )
        .autoscaling(
            Hpa::new(6, [HpaMetric::cpu(70)])
                .scale_up_stabilization_seconds(0)
                .scale_up_rate(ScalingRate::new([ScalingPolicy::pods(2, 30)]))
                .scale_down_rate(ScalingRate::new([ScalingPolicy::percent(50, 60)]).select(SelectPolicy::Min)),
        );
    Workload::new(&cluster, &ns, "Api", props).unwrap();
    let assembly = app.synth().unwrap();

    let config = object(&assembly, "ConfigMap", "api-config");
    assert_eq!(config["data"]["MODE"], "live");
    let role = object(&assembly, "Role", "api");
    assert_eq!(role["rules"][0]["resourceNames"][0], "api-config");
    assert_eq!(object(&assembly, "RoleBinding", "api")["subjects"][0]["name"], "api");

    let deployment = object(&assembly, "Deployment", "api");
    assert_eq!(deployment["metadata"]["labels"]["app.kubernetes.io/component"], "api");
    assert_eq!(deployment["spec"]["minReadySeconds"], 5);
    assert_eq!(deployment["spec"]["progressDeadlineSeconds"], 300);
    let template = &deployment["spec"]["template"];
    let annotations = &template["metadata"]["annotations"];
    assert_eq!(annotations["prometheus.io/scrape"], "true");
    assert_eq!(annotations["prometheus.io/port"], "9100");
    assert_eq!(annotations["prometheus.io/path"], "/stats");
    assert!(annotations["stackwright.io/config-hash"].is_string(), "a config change rolls the pods");
    let pod = &template["spec"];
    assert_eq!(pod["topologySpreadConstraints"][0]["whenUnsatisfiable"], "DoNotSchedule");
    let container = &pod["containers"][0];
    assert_eq!(container["envFrom"][0]["configMapRef"]["name"], "api-config");
    assert_eq!(container["lifecycle"]["preStop"]["exec"]["command"][2], "sleep 5");

    let monitoring = object(&assembly, "NetworkPolicy", "api-allow-monitoring");
    let from = &monitoring["spec"]["ingress"][0];
    assert_eq!(from["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"], "monitoring");
    assert_eq!(from["ports"][0]["port"], 9100);

    let ingress = object(&assembly, "Ingress", "api");
    let annotations = &ingress["metadata"]["annotations"];
    assert_eq!(annotations["alb.ingress.kubernetes.io/load-balancer-name"], "orders-api");
    assert_eq!(annotations["alb.ingress.kubernetes.io/healthcheck-path"], "/ready");
    assert_eq!(
        annotations["alb.ingress.kubernetes.io/target-group-attributes"],
        "deregistration_delay.timeout_seconds=5"
    );
    assert!(annotations.get("alb.ingress.kubernetes.io/ssl-redirect").is_none());
    assert!(ingress["spec"].get("tls").is_none());

    let behavior = &object(&assembly, "HorizontalPodAutoscaler", "api")["spec"]["behavior"];
    assert_eq!(behavior["scaleUp"]["stabilizationWindowSeconds"], 0);
    assert_eq!(behavior["scaleUp"]["policies"][0]["type"], "Pods");
    assert_eq!(behavior["scaleDown"]["selectPolicy"], "Min");
    assert_eq!(behavior["scaleDown"]["stabilizationWindowSeconds"], 300);
}

#[test]
fn without_the_options_a_workload_writes_none_of_it() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    Workload::new(&cluster, &ns, "Api", api().autoscaling(Hpa::new(4, [HpaMetric::cpu(70)]))).unwrap();
    let assembly = app.synth().unwrap();
    let objects = &assembly.manifest.clusters[0].objects;
    for kind in ["ConfigMap", "Role", "RoleBinding"] {
        assert!(!objects.iter().any(|o| o.kind == kind && o.name.starts_with("api")), "no {kind}");
    }
    assert!(!objects.iter().any(|o| o.name == "api-allow-monitoring"));
    let deployment = object(&assembly, "Deployment", "api");
    assert!(deployment["spec"]["template"]["metadata"].get("annotations").is_none());
    assert_eq!(
        deployment["spec"]["template"]["spec"]["topologySpreadConstraints"][0]["whenUnsatisfiable"],
        "ScheduleAnyway"
    );
    let behavior = &object(&assembly, "HorizontalPodAutoscaler", "api")["spec"]["behavior"];
    assert!(behavior.get("scaleUp").is_none(), "Kubernetes' default scale-up");
}

#[test]
fn a_load_balancer_service_checks_the_health_path() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Edge", NamespaceProps::default()).unwrap();
    let props = api().service(ServiceKind::LoadBalancer(Scheme::Internal)).health_check_path("/ready");
    Workload::new(&cluster, &ns, "Api", props).unwrap();
    let assembly = app.synth().unwrap();
    let annotations = &object(&assembly, "Service", "api")["metadata"]["annotations"];
    assert_eq!(annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-path"], "/ready");
    assert_eq!(annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol"], "HTTP");
}

#[test]
fn bad_option_values_are_errors_with_a_hint() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let props = api()
        .metrics(MetricsEndpoint::new("prom").path("stats"))
        .config_var("not-a-variable", "x")
        .role_rule(RoleRule::new([""], ["configmaps"], Vec::<String>::new()))
        .component("-api")
        .min_ready_seconds(600)
        .progress_deadline_seconds(600)
        .ingress(AlbIngress::default().load_balancer_name("internal-orders").deregistration_delay_seconds(4000))
        .autoscaling(
            Hpa::new(4, [HpaMetric::cpu(70), HpaMetric::pods("jobs in flight", "500 m")])
                .scale_up_rate(ScalingRate::new([])),
        );
    let e = synth_error(&app, Workload::new(&cluster, &ns, "Api", props));
    for expected in [
        "prod/cluster/Cluster/Orders/Api: the metrics endpoint is on port 'prom', which the container does not have",
        "the metrics path 'stats' is not an absolute URL path",
        "config key 'not-a-variable' is not a valid environment variable name",
        "a Role rule has no API group, resource or verb",
        "component '-api' is not a Kubernetes label value",
        "the progress deadline (600s) is not longer than min_ready_seconds (600s)",
        "'internal-orders' is not a valid load balancer name",
        "a deregistration delay of 4000s is longer than AWS accepts",
        "the HPA's scale-up rate has no policy",
        "'jobs in flight' is not a metric name the metrics API can serve",
        "'500 m' is not a valid positive quantity for the HPA target of metric 'jobs in flight'",
    ] {
        assert!(e.contains(expected), "missing '{expected}' in: {e}");
    }
    assert!(e.contains("hint: "), "{e}");
}

#[test]
fn two_workloads_naming_one_load_balancer_is_an_error() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let ingress = || AlbIngress::default().load_balancer_name("orders");
    Workload::new(&cluster, &ns, "Api", api().ingress(ingress())).unwrap();
    let e = synth_error(&app, Workload::new(&cluster, &ns, "Admin", api().ingress(ingress())));
    assert!(
        e.contains(
            "load balancer name 'orders' is already the name of 'prod/cluster/Cluster/Orders/Api''s load balancer"
        ),
        "{e}"
    );
    assert!(e.contains("set ingress.load_balancer_name"), "{e}");
}
