//! FlaskApp: the manifests it writes (snapshots and the properties production relies on) and
//! the errors bad input gets.

mod common;

use common::{app_with_cluster, manifests, object, synth_error};
use stackwright_constructs::{
    Autoscaling, CustomMetric, Disruption, FlaskApp, FlaskAppProps, IngressProps, ServiceType,
};
use stackwright_constructs::{ComputeResources, ContainerImage, Cpu, ImageReference, Ipv4Cidr, Memory, RepositoryUri};
use stackwright_constructs::{PolicyDocument, Statement};
use stackwright_core::{Attr, Construct, Region, Resource};

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

#[test]
fn default_manifests() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image())).unwrap();
    let assembly = app.synth().unwrap();
    snapshot("flask_app_default", &manifests(&assembly));
}

#[test]
fn ecr_image_https_irsa_and_fixed_replicas() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let repo = Resource::new(&stack, "Repo", stackwright_cfn::ecr::Repository::new()).unwrap();
    let uri: Attr<RepositoryUri> = repo.repository_uri();
    let props =
        FlaskAppProps::new(ContainerImage::from_repository(uri, ImageReference::TagFromEnv("IMAGE_TAG".into())))
            .name("web")
            .namespace("shop")
            .replicas(2)
            .without_autoscaling()
            .service_type(ServiceType::LoadBalancer)
            .ingress(
                IngressProps::https("arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c").host("shop.example.com"),
            )
            .env_var("FEATURE_FLAGS", "checkout-v2")
            .aws_policy(PolicyDocument::new([Statement::allow(["s3:GetObject"], ["arn:aws:s3:::shop-assets/*"])]))
            .load_balancer_source_cidrs(["10.0.0.0/16".parse().unwrap()]);
    FlaskApp::new(&cluster, "shop", props).unwrap();
    let assembly = app.synth().unwrap();
    snapshot("flask_app_ecr_https_irsa", &manifests(&assembly));

    let deployment = object(&assembly, "Deployment", "web");
    assert_eq!(deployment["spec"]["replicas"], 2, "without an HPA the Deployment sets replicas");
    let image = deployment["spec"]["template"]["spec"]["containers"][0]["image"].as_str().unwrap();
    assert_eq!(image, "((stackwright:ref:prod/cluster/Repo.RepositoryUri)):((stackwright:env:IMAGE_TAG))");
    let sa = object(&assembly, "ServiceAccount", "web");
    assert_eq!(
        sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        "((stackwright:ref:prod/cluster/Cluster/shop/ServiceAccountRole.Arn))"
    );
    let bindings: Vec<&str> = assembly.manifest.clusters[0].bindings.iter().map(|b| b.placeholder.as_str()).collect();
    assert!(bindings.contains(&"((stackwright:env:IMAGE_TAG))"), "{bindings:?}");
    let ingress = object(&assembly, "Ingress", "web");
    let annotations = &ingress["metadata"]["annotations"];
    assert_eq!(annotations["alb.ingress.kubernetes.io/ssl-redirect"], "443");
    assert_eq!(annotations["alb.ingress.kubernetes.io/listen-ports"], r#"[{"HTTP":80},{"HTTPS":443}]"#);
    let service = object(&assembly, "Service", "web");
    assert_eq!(service["spec"]["type"], "LoadBalancer");
    assert!(object(&assembly, "NetworkPolicy", "web-allow-egress").to_string().contains("0.0.0.0/0"));
}

#[test]
fn deployment_is_production_safe() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image())).unwrap();
    let assembly = app.synth().unwrap();
    let d = object(&assembly, "Deployment", "flask-app");
    assert!(d["spec"].get("replicas").is_none(), "the HPA owns replicas: {d}");
    let pod = &d["spec"]["template"]["spec"];
    assert_eq!(pod["automountServiceAccountToken"], false);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
    let c = &pod["containers"][0];
    let sc = &c["securityContext"];
    assert_eq!(sc["readOnlyRootFilesystem"], true);
    assert_eq!(sc["allowPrivilegeEscalation"], false);
    assert_eq!(sc["capabilities"]["drop"][0], "ALL");
    assert_eq!(c["volumeMounts"][0]["mountPath"], "/tmp");
    assert_eq!(pod["volumes"][0]["emptyDir"]["medium"], "Memory");
    assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(c["ports"][0]["containerPort"], 8080);
    let zones: Vec<&str> = pod["topologySpreadConstraints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["topologyKey"].as_str().unwrap())
        .collect();
    assert!(zones.contains(&"topology.kubernetes.io/zone"));
    let annotations = &d["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(annotations["prometheus.io/path"], "/metrics");
    assert_eq!(annotations["prometheus.io/port"], "8080");
    let hpa = object(&assembly, "HorizontalPodAutoscaler", "flask-app");
    assert_eq!(hpa["spec"]["minReplicas"], 3);
    let ns = object(&assembly, "Namespace", "flask-app");
    assert_eq!(ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], "restricted");
    let deny = object(&assembly, "NetworkPolicy", "default-deny");
    assert_eq!(deny["spec"]["podSelector"], serde_json::json!({}));
}

#[test]
fn a_config_change_changes_the_pod_template() {
    let hash = |level: &str| {
        let (app, _, cluster) = app_with_cluster(Region::UsEast1);
        FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image()).env_var("GREETING", level)).unwrap();
        let d = object(&app.synth().unwrap(), "Deployment", "flask-app");
        d["spec"]["template"]["metadata"]["annotations"]["stackwright.io/config-hash"].clone()
    };
    assert_eq!(hash("hello"), hash("hello"));
    assert_ne!(hash("hello"), hash("hi"));
}

#[test]
fn custom_metric_autoscaling() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let autoscaling = Autoscaling {
        custom_metric: Some(CustomMetric {
            name: "http_requests_per_second".into(),
            target_average_value: "20".into(),
        }),
        memory_utilization: None,
        ..Default::default()
    };
    FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image()).autoscaling(autoscaling)).unwrap();
    let hpa = object(&app.synth().unwrap(), "HorizontalPodAutoscaler", "flask-app");
    let types: Vec<&str> =
        hpa["spec"]["metrics"].as_array().unwrap().iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["Resource", "Pods"]);
    assert_eq!(hpa["spec"]["metrics"][1]["pods"]["metric"]["name"], "http_requests_per_second");
}

// ---- bad input: every one is an error naming the construct path and a fix ------------------

fn err(props: FlaskAppProps) -> String {
    err_with_id("flask-app", props)
}

fn err_with_id(id: &str, props: FlaskAppProps) -> String {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let text = synth_error(&app, FlaskApp::new(&cluster, id, props));
    assert!(text.contains(&format!("prod/cluster/Cluster/{id}: ")), "the error names the construct path: {text}");
    assert!(text.contains("hint: "), "the error says how to fix it: {text}");
    text
}

#[test]
fn bad_app_name() {
    let e = err_with_id("Flask_App", FlaskAppProps::new(image()));
    assert!(e.contains("invalid app name") && e.contains("contains 'F'"), "{e}");
    let e = err(FlaskAppProps::new(image()).name("1app"));
    assert!(e.contains("must start with a lower-case letter"), "{e}");
}

#[test]
fn bad_namespace() {
    let e = err(FlaskAppProps::new(image()).namespace("Flask.App"));
    assert!(e.contains("invalid namespace"), "{e}");
    let e = err(FlaskAppProps::new(image()).namespace("default"));
    assert!(e.contains("namespace 'default' is not the app's own"), "{e}");
}

#[test]
fn port_out_of_range_or_privileged() {
    let mut p = FlaskAppProps::new(image());
    p.port = 0;
    assert!(err(p).contains("port 0 is out of range"));
    let mut p = FlaskAppProps::new(image());
    p.port = 80;
    assert!(err(p).contains("port 80 is privileged"));
}

#[test]
fn limits_below_requests() {
    let r =
        ComputeResources::new(Cpu::cores(1), Memory::gibibytes(1)).limits(Cpu::millicores(500), Memory::gibibytes(2));
    let e = err(FlaskAppProps::new(image()).resources(r));
    assert!(e.contains("the CPU limit (500m) is below the CPU request (1)"), "{e}");
    let r = ComputeResources::new(Cpu::cores(1), Memory::gibibytes(1)).limits(Cpu::cores(1), Memory::mebibytes(512));
    assert!(err(FlaskAppProps::new(image()).resources(r)).contains("memory limit (512Mi) is below"));
}

#[test]
fn hpa_min_above_max() {
    let e = err(FlaskAppProps::new(image()).replicas(5).autoscaling(Autoscaling::default().max_replicas(3)));
    assert!(e.contains("the autoscaler's minimum (5, from replicas) is greater than its maximum (3)"), "{e}");
}

#[test]
fn hpa_targets_out_of_range() {
    let e = err(FlaskAppProps::new(image()).autoscaling(Autoscaling {
        cpu_utilization: 0,
        memory_utilization: Some(2000),
        ..Default::default()
    }));
    assert!(e.contains("CPU utilization target 0% is out of range"), "{e}");
    assert!(e.contains("memory utilization target 2000% is out of range"), "{e}");
}

#[test]
fn bad_custom_metric() {
    let e = err(FlaskAppProps::new(image())
        .autoscaling(Autoscaling::default().custom_metric(CustomMetric::new("requests-per-second", "0"))));
    assert!(e.contains("'requests-per-second' is not a valid metric name"), "{e}");
    assert!(e.contains("'0' is not a valid positive quantity"), "{e}");
}

#[test]
fn zero_replicas() {
    assert!(err(FlaskAppProps::new(image()).replicas(0).without_autoscaling()).contains("replicas is 0"));
}

#[test]
fn disruption_budget_that_blocks_drains() {
    let mut p = FlaskAppProps::new(image());
    p.disruption = Disruption::MinAvailable(3);
    assert!(err(p).contains("keeps 3 of 3 replicas available: node drains would hang"));
    let mut p = FlaskAppProps::new(image());
    p.disruption = Disruption::MaxUnavailable(0);
    assert!(err(p).contains("allows 0 unavailable pods"));
}

#[test]
fn bad_probe_paths() {
    let mut p = FlaskAppProps::new(image());
    p.readiness_path = "readyz".into();
    assert!(err(p).contains("the readiness path 'readyz' is not an absolute URL path"));
}

#[test]
fn bad_image_references() {
    let e = err(FlaskAppProps::new(ContainerImage::public("r.example.com/app", ImageReference::Tag("latest".into()))));
    assert!(e.contains("the image tag 'latest' does not name one image"), "{e}");
    let e = err(FlaskAppProps::new(ContainerImage::public(
        "r.example.com/app",
        ImageReference::Digest("sha256:xyz".into()),
    )));
    assert!(e.contains("'sha256:xyz' is not a valid image digest"), "{e}");
}

#[test]
fn reserved_and_invalid_env() {
    let e = err(FlaskAppProps::new(image()).env_var("PORT", "9000").env_var("2FAST", "x"));
    assert!(e.contains("environment variable 'PORT' is set by the construct"), "{e}");
    assert!(e.contains("'2FAST' is not a valid environment variable name"), "{e}");
}

#[test]
fn bad_ingress() {
    let ingress = IngressProps::https("arn:aws:s3:::not-a-certificate").host("not a host");
    let e = err(FlaskAppProps::new(image()).ingress(ingress));
    assert!(e.contains("is not an ACM or IAM certificate ARN"), "{e}");
    assert!(e.contains("'not a host' is not a valid host name"), "{e}");
    let ingress = IngressProps { load_balancer_name: Some("x".repeat(33)), ..Default::default() };
    assert!(err(FlaskAppProps::new(image()).ingress(ingress)).contains("is not a valid load balancer name"));
}

#[test]
fn bad_load_balancer_cidrs() {
    // A block that is not one fails where it is parsed: the field is typed.
    let e = "10.0.0.0/33".parse::<Ipv4Cidr>().unwrap_err().to_string();
    assert!(e.contains("'10.0.0.0/33' is not an IPv4 CIDR block"), "{e}");
    let e = err(FlaskAppProps::new(image()).load_balancer_source_cidrs([]));
    assert!(e.contains("the NetworkPolicy would block the load balancer"), "{e}");
}

#[test]
fn workers_and_grace_period() {
    let mut p = FlaskAppProps::new(image());
    p.workers = 0;
    p.termination_grace_period_seconds = 5;
    let e = err(p);
    assert!(e.contains("0 gunicorn workers is out of range"), "{e}");
    assert!(e.contains("termination grace period 5s leaves no time"), "{e}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut p = FlaskAppProps::new(image()).namespace("kube-system").replicas(0);
    p.port = 0;
    let e = err(p);
    assert!(e.contains("3 problems found"), "{e}");
}

#[test]
fn invalid_input_is_recorded_and_adds_no_object() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image()).replicas(0)).unwrap();
    assert!(web.node().is_rejected());
    assert!(cluster.node().refers_to_rejected(&web.node().rejected_attr::<String>().into()));
    // Its handle still says what monitoring needs; synth reports the one problem, and nothing
    // of the app reaches the cluster's objects.
    assert_eq!(web.name(), "flask-app");
    let err = app.synth().unwrap_err();
    assert_eq!(err.diagnostics().len(), 1, "{err}");
    assert!(err.to_string().contains("prod/cluster/Cluster/flask-app: replicas is 0"), "{err}");
}

#[test]
fn two_apps_in_one_namespace_collide_clearly() {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    FlaskApp::new(&cluster, "a", FlaskAppProps::new(image()).namespace("web")).unwrap();
    let e = synth_error(&app, FlaskApp::new(&cluster, "b", FlaskAppProps::new(image()).namespace("web")));
    assert!(e.contains("prod/cluster/Cluster/b: Namespace 'web' is already defined"), "{e}");
}
