//! The props convention (`docs/props.md`): every optional field has a chained setter named like
//! the field, and the setter sets exactly that field — the same props as the struct literal.

use stackwright_constructs::{
    AlertThresholds, Alertmanager, AlertmanagerProps, AppDelivery, ClusterTarget, GitHubAccessProps,
    GitHubPipelineProps, GitHubRepository, Grafana, GrafanaProps, KubeStateMetrics, KubeStateMetricsProps, LogShipping,
    MonitoringImages, MonitoringProps, OidcProviderSource, PersistentStorage, Prometheus, PrometheusProps, Receiver,
};
use stackwright_constructs::{
    AmiType, ControllerImages, EndpointAccess, FlowLogTraffic, FlowLogs, InterfaceEndpoint, Ipv4Cidr, NatGateways,
    NodeGroupProps, OptionalAddons, SubnetConfig, SubnetKind, Taint, TaintEffect, VpcEndpoints, VpcProps,
};
use stackwright_constructs::{
    Autoscaling, Certificate, ComputeResources, ContainerImage, Cpu, CustomMetric, Disruption, FlaskAppProps,
    ImageReference, IngressProps, LogLevel, Memory, PolicyDocument, Scheme, ServiceType, Statement,
};
use stackwright_constructs::{EcrEncryption, EcrRepoProps, LifecycleRule, TagMutability};
use stackwright_constructs::{EksClusterProps, KubernetesVersion, Vpc};
use stackwright_core::{Account, App, Region};

fn cidr(s: &str) -> Ipv4Cidr {
    s.parse().unwrap()
}

#[test]
fn network_setters_set_their_fields() {
    let flow_logs = FlowLogs::default().retention_days(90).traffic(FlowLogTraffic::Reject);
    assert_eq!(flow_logs, FlowLogs { retention_days: 90, traffic: FlowLogTraffic::Reject });

    let endpoints = VpcEndpoints::default().s3_gateway(false).interface([InterfaceEndpoint::Sts]);
    assert_eq!(endpoints, VpcEndpoints { s3_gateway: false, interface: vec![InterfaceEndpoint::Sts] });

    let tier = SubnetConfig::isolated(24).name("Data").cidrs([cidr("10.0.9.0/24")]).cidr_mask(25);
    assert_eq!(
        tier,
        SubnetConfig {
            name: "Data".into(),
            kind: SubnetKind::Isolated,
            cidr_mask: 25,
            cidrs: vec![cidr("10.0.9.0/24")]
        }
    );
    assert_eq!(SubnetConfig::public(24).kind(SubnetKind::Isolated).kind, SubnetKind::Isolated);

    let chained = VpcProps::default()
        .cidr(cidr("10.1.0.0/16"))
        .max_azs(2)
        .availability_zones(["eu-west-1a", "eu-west-1b"])
        .nat_gateways(NatGateways::Single)
        .subnets([SubnetConfig::public(24)])
        .flow_logs(flow_logs.clone())
        .endpoints(VpcEndpoints::private_cluster())
        .restrict_default_security_group(false);
    let literal = VpcProps {
        cidr: cidr("10.1.0.0/16"),
        max_azs: 2,
        availability_zones: vec!["eu-west-1a".into(), "eu-west-1b".into()],
        nat_gateways: NatGateways::Single,
        subnets: vec![SubnetConfig::public(24)],
        flow_logs: Some(flow_logs),
        endpoints: VpcEndpoints::private_cluster(),
        restrict_default_security_group: false,
    };
    assert_eq!(chained, literal);
    assert_eq!(VpcProps::default().without_flow_logs().flow_logs, None);
}

#[test]
#[allow(deprecated)]
fn deprecated_network_names_forward() {
    let old = SubnetConfig::private(20).named("App").with_cidrs([cidr("10.0.0.0/20")]);
    assert_eq!(old, SubnetConfig::private(20).name("App").cidrs([cidr("10.0.0.0/20")]));
}

#[test]
fn node_group_setters_set_their_fields() {
    let chained = NodeGroupProps::on_demand(["m7g.large"], 1..=3)
        .desired_size(2)
        .ami_type(AmiType::Al2023Arm64)
        .disk_size_gib(50)
        .labels([("tier", "web")])
        .taints([Taint::new("dedicated", "web", TaintEffect::NoSchedule)])
        .max_unavailable(2)
        .role_name("web-nodes")
        .ssm_access(true);
    let literal = NodeGroupProps {
        desired_size: Some(2),
        ami_type: AmiType::Al2023Arm64,
        disk_size_gib: 50,
        labels: [("tier".to_string(), "web".to_string())].into(),
        taints: vec![Taint { key: "dedicated".into(), value: "web".into(), effect: TaintEffect::NoSchedule }],
        max_unavailable: 2,
        role_name: Some("web-nodes".into()),
        ssm_access: true,
        ..NodeGroupProps::on_demand(["m7g.large"], 1..=3)
    };
    assert_eq!(chained, literal);
    // The "add one" methods add to what the list setters set.
    let added = NodeGroupProps::spot(["t3.large", "t3a.large"], 0..=2).labels([("a", "1")]).label("b", "2").taint(
        "spot",
        "true",
        TaintEffect::PreferNoSchedule,
    );
    assert_eq!(added.labels.len(), 2);
    assert_eq!(added.taints, [Taint::new("spot", "true", TaintEffect::PreferNoSchedule)]);
}

#[test]
fn cluster_setters_set_their_fields() {
    let addons = OptionalAddons::default().ebs_csi_driver(true).cloudwatch_observability(true);
    assert_eq!(
        addons,
        OptionalAddons { ebs_csi_driver: true, cloudwatch_observability: true, ..OptionalAddons::default() }
    );
    let images = ControllerImages::default()
        .cluster_autoscaler("mirror.example.com/cluster-autoscaler:v1.36.1")
        .load_balancer_controller("mirror.example.com/aws-load-balancer-controller:v3.5.0")
        .certgen("mirror.example.com/kube-webhook-certgen:v1.6.9")
        .nvidia_device_plugin("mirror.example.com/k8s-device-plugin:v0.20.0");
    assert_eq!(
        images,
        ControllerImages {
            cluster_autoscaler: Some("mirror.example.com/cluster-autoscaler:v1.36.1".into()),
            load_balancer_controller: Some("mirror.example.com/aws-load-balancer-controller:v3.5.0".into()),
            certgen: Some("mirror.example.com/kube-webhook-certgen:v1.6.9".into()),
            nvidia_device_plugin: Some("mirror.example.com/k8s-device-plugin:v0.20.0".into()),
        }
    );

    let app = App::new("demo");
    let env = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&env.stack("network"), "Vpc", VpcProps::default().max_azs(2)).unwrap();
    let props = EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
        .name("web")
        .endpoint_access(EndpointAccess::PublicAndPrivate { public_cidrs: vec![cidr("203.0.113.0/24")] })
        .private_access_cidrs([cidr("192.168.0.0/16")])
        .admin_principals(["arn:aws:iam::123456789012:role/Admin"])
        .admin("arn:aws:iam::123456789012:role/Ops")
        .bootstrap_creator_admin(false)
        .log_retention_days(90)
        .service_ipv4_cidr(cidr("172.20.0.0/16"))
        .addons(addons)
        .cluster_autoscaler(false)
        .load_balancer_controller(false)
        .controller_images(images.clone())
        .role_name("web-cluster");
    assert_eq!(props.name.as_deref(), Some("web"));
    assert_eq!(props.endpoint_access, EndpointAccess::PublicAndPrivate { public_cidrs: vec![cidr("203.0.113.0/24")] });
    assert_eq!(props.private_access_cidrs, [cidr("192.168.0.0/16")]);
    assert_eq!(props.admin_principals.len(), 2);
    assert!(!props.bootstrap_creator_admin);
    assert_eq!(props.log_retention_days, 90);
    assert_eq!(props.service_ipv4_cidr, Some(cidr("172.20.0.0/16")));
    assert_eq!(props.addons, addons);
    assert!(!props.cluster_autoscaler && !props.load_balancer_controller);
    assert_eq!(props.controller_images, images);
    assert_eq!(props.role_name.as_deref(), Some("web-cluster"));
}

#[test]
fn registry_setters_set_their_fields() {
    let chained = EcrRepoProps::default()
        .repository_name("team/web")
        .tag_mutability(TagMutability::Mutable)
        .scan_on_push(false)
        .encryption(EcrEncryption::CustomerManagedKms)
        .lifecycle_rules([LifecycleRule::KeepLastTagged(10)]);
    let literal = EcrRepoProps {
        repository_name: Some("team/web".into()),
        tag_mutability: TagMutability::Mutable,
        scan_on_push: false,
        encryption: EcrEncryption::CustomerManagedKms,
        lifecycle_rules: vec![LifecycleRule::KeepLastTagged(10)],
    };
    assert_eq!(chained, literal);
}

#[test]
fn workload_setters_set_their_fields() {
    let resources = ComputeResources::new(Cpu::millicores(100), Memory::mebibytes(128))
        .cpu_limit(Cpu::cores(1))
        .memory_limit(Memory::mebibytes(256));
    assert_eq!(
        resources,
        ComputeResources::new(Cpu::millicores(100), Memory::mebibytes(128))
            .limits(Cpu::cores(1), Memory::mebibytes(256))
    );

    let autoscaling = Autoscaling::default()
        .max_replicas(20)
        .cpu_utilization(60)
        .memory_utilization(75)
        .custom_metric(CustomMetric::new("http_requests_per_second", "20"))
        .scale_down_stabilization_seconds(120);
    let literal = Autoscaling {
        max_replicas: 20,
        cpu_utilization: 60,
        memory_utilization: Some(75),
        custom_metric: Some(CustomMetric {
            name: "http_requests_per_second".into(),
            target_average_value: "20".into(),
        }),
        scale_down_stabilization_seconds: 120,
    };
    assert_eq!(autoscaling, literal);
    assert_eq!(Autoscaling::default().without_memory_utilization().memory_utilization, None);

    let ingress = IngressProps::default()
        .scheme(Scheme::Internal)
        .host("app.example.com")
        .certificate(Certificate::Arn("arn:aws:acm:us-east-1:123456789012:certificate/abc".into()))
        .ssl_redirect(false)
        .load_balancer_name("web");
    let literal = IngressProps {
        scheme: Scheme::Internal,
        host: Some("app.example.com".into()),
        certificate: Some(Certificate::Arn("arn:aws:acm:us-east-1:123456789012:certificate/abc".into())),
        ssl_redirect: false,
        load_balancer_name: Some("web".into()),
    };
    assert_eq!(ingress, literal);
    assert_eq!(IngressProps::default().internal().scheme, Scheme::Internal);

    let image = ContainerImage::public("registry.example.com/web", ImageReference::Tag("1.0.0".into()));
    let p = FlaskAppProps::new(image)
        .name("web")
        .namespace("shop")
        .port(9000)
        .liveness_path("/live")
        .readiness_path("/ready")
        .metrics_path("/m")
        .replicas(4)
        .autoscaling(autoscaling.clone())
        .resources(resources)
        .service_type(ServiceType::LoadBalancer)
        .ingress(ingress.clone())
        .log_level(LogLevel::Debug)
        .app_version("1.0.0")
        .workers(4)
        .env([("A", "1")])
        .env_var("B", "2")
        .aws_policy(PolicyDocument::new([Statement::allow(["s3:GetObject"], ["arn:aws:s3:::bucket/*"])]))
        .disruption(Disruption::MinAvailable(2))
        .load_balancer_source_cidrs([cidr("10.0.0.0/16")])
        .termination_grace_period_seconds(60);
    assert_eq!(p.name.as_deref(), Some("web"));
    assert_eq!((p.namespace.as_str(), p.port), ("shop", 9000));
    assert_eq!(
        (p.liveness_path.as_str(), p.readiness_path.as_str(), p.metrics_path.as_str()),
        ("/live", "/ready", "/m")
    );
    assert_eq!((p.replicas, p.workers, p.termination_grace_period_seconds), (4, 4, 60));
    assert_eq!(p.autoscaling, Some(autoscaling));
    assert_eq!(p.resources, resources);
    assert_eq!(p.service_type, ServiceType::LoadBalancer);
    assert_eq!(p.ingress, Some(ingress));
    assert_eq!(p.log_level, LogLevel::Debug);
    assert_eq!(p.app_version.as_deref(), Some("1.0.0"));
    assert_eq!(p.env, [("A".to_string(), "1".to_string()), ("B".to_string(), "2".to_string())].into());
    assert!(p.aws_policy.is_some());
    assert_eq!(p.disruption, Disruption::MinAvailable(2));
    assert_eq!(p.load_balancer_source_cidrs, [cidr("10.0.0.0/16")]);
    let off = p.without_autoscaling().without_ingress();
    assert_eq!((off.autoscaling, off.ingress), (None, None));
}

#[test]
#[allow(deprecated)]
fn deprecated_workload_names_forward() {
    let image = ContainerImage::public("registry.example.com/web", ImageReference::Tag("1.0.0".into()));
    let old = FlaskAppProps::new(image.clone())
        .with_name("web")
        .with_namespace("shop")
        .with_replicas(2)
        .with_autoscaling(None)
        .with_service_type(ServiceType::LoadBalancer)
        .with_ingress(IngressProps::default().with_host("a.example.com"))
        .with_env("A", "1")
        .with_load_balancer_source_cidrs([cidr("10.0.0.0/16")]);
    let new = FlaskAppProps::new(image)
        .name("web")
        .namespace("shop")
        .replicas(2)
        .without_autoscaling()
        .service_type(ServiceType::LoadBalancer)
        .ingress(IngressProps::default().host("a.example.com"))
        .env_var("A", "1")
        .load_balancer_source_cidrs([cidr("10.0.0.0/16")]);
    assert_eq!(format!("{old:?}"), format!("{new:?}"));
    let r = ComputeResources::new(Cpu::millicores(100), Memory::mebibytes(128));
    assert_eq!(r.with_limits(Cpu::cores(1), Memory::gibibytes(1)), r.limits(Cpu::cores(1), Memory::gibibytes(1)));
}

#[test]
fn monitoring_setters_set_their_fields() {
    let thresholds = AlertThresholds::default().error_rate(0.01).latency_p95_seconds(0.25);
    assert_eq!(thresholds, AlertThresholds { error_rate: 0.01, latency_p95_seconds: 0.25 });
    let grafana = ContainerImage::public("mirror.example.com/grafana", ImageReference::Tag("12.3.1".into()));
    let images = MonitoringImages::default().grafana(grafana.clone());
    assert_eq!(images, MonitoringImages { grafana, ..MonitoringImages::default() });
    let resources = ComputeResources::new(Cpu::millicores(500), Memory::gibibytes(2));

    let prometheus = PrometheusProps::default()
        .retention_days(30)
        .storage(PersistentStorage::new(50))
        .scrape_interval_seconds(15)
        .resources(resources);
    assert_eq!(
        prometheus,
        PrometheusProps {
            retention_days: 30,
            storage: Some(PersistentStorage::new(50)),
            scrape_interval_seconds: 15,
            resources
        }
    );
    let alertmanager = AlertmanagerProps::default().receivers([Receiver::sns()]);
    assert_eq!(alertmanager.receivers, [Receiver::sns()]);
    assert_eq!(GrafanaProps::default().admin_password_env("GRAFANA_PASSWORD").admin_password_env, "GRAFANA_PASSWORD");
    assert_eq!(KubeStateMetricsProps::default().resources(resources).resources, resources);

    let p = MonitoringProps::default()
        .targets([])
        .prometheus(Prometheus::On(prometheus.clone()))
        .alertmanager(Alertmanager::Off)
        .grafana(Grafana::Off)
        .kube_state_metrics(KubeStateMetrics::Off)
        .log_shipping(LogShipping::FluentBit)
        .thresholds(thresholds)
        .alert_email("oncall@example.com")
        .log_retention_days(90)
        .billing_alarm_usd(500)
        .budget_usd(400)
        .cloudwatch_dashboard(false)
        .images(images.clone());
    assert!(p.targets.is_empty());
    assert_eq!(p.prometheus, Prometheus::On(prometheus));
    assert_eq!(
        (&p.alertmanager, &p.grafana, &p.kube_state_metrics),
        (&Alertmanager::Off, &Grafana::Off, &KubeStateMetrics::Off)
    );
    assert_eq!(p.log_retention_days, 90);
    assert_eq!(p.thresholds, thresholds);
    assert_eq!(p.alert_email.as_deref(), Some("oncall@example.com"));
    assert!(p.log_shipping == LogShipping::FluentBit && !p.cloudwatch_dashboard);
    assert_eq!((p.billing_alarm_usd, p.budget_usd), (Some(500), Some(400)));
    assert_eq!(p.images, images);
}

#[test]
#[allow(deprecated)]
fn deprecated_monitoring_names_forward() {
    let old = MonitoringProps::default().with_fluent_bit().with_persistent_storage(20);
    assert_eq!(old.log_shipping, LogShipping::FluentBit);
    assert_eq!(old.prometheus.props().unwrap().storage, Some(PersistentStorage::new(20)));
    let resources = ComputeResources::new(Cpu::millicores(500), Memory::gibibytes(2));
    // The setters of before the parts could be switched off set the same fields, turning
    // Prometheus back on when it was off.
    let old = MonitoringProps::default()
        .prometheus(Prometheus::Off)
        .retention_days(30)
        .storage(PersistentStorage::new(50))
        .scrape_interval_seconds(15)
        .prometheus_resources(resources)
        .fluent_bit(false)
        .grafana_admin_password_env("GRAFANA_PASSWORD");
    let p = old.prometheus.props().unwrap();
    assert_eq!(
        (p.retention_days, p.storage.clone(), p.scrape_interval_seconds, p.resources),
        (30, Some(PersistentStorage::new(50)), 15, resources)
    );
    assert_eq!(old.log_shipping, LogShipping::Off);
    assert_eq!(old.grafana, Grafana::On(GrafanaProps::default().admin_password_env("GRAFANA_PASSWORD")));
}

#[test]
fn delivery_setters_set_their_fields() {
    let repo = GitHubRepository::new("acme/web").unwrap();
    let app =
        AppDelivery::new("services/web", "acme/web").dockerfile("services/web/Containerfile").image_tag_variable("TAG");
    assert_eq!(
        app,
        AppDelivery {
            directory: "services/web".into(),
            dockerfile: "services/web/Containerfile".into(),
            ecr_repository: "acme/web".into(),
            ecr_repository_node: None,
            image_tag_variable: "TAG".into(),
        }
    );
    let target = ClusterTarget::new("web-prod", "web", "web").reference("web-prod-ref");
    assert_eq!(
        target,
        ClusterTarget { reference: "web-prod-ref".into(), ..ClusterTarget::new("web-prod", "web", "web") }
    );

    let chained = GitHubPipelineProps::new(repo.clone())
        .main_branch("trunk")
        .environment("prod")
        .security_label("reviewed")
        .program("cargo run --")
        .build_command("cargo build")
        .test_command("cargo test")
        .provider(OidcProviderSource::Existing("arn:aws:iam::123456789012:oidc-provider/x".into()))
        .app(app.clone())
        .cluster(target.clone())
        .deploy_services(["ec2", "eks"])
        .deploy_timeout_minutes(60);
    let literal = GitHubPipelineProps {
        main_branch: "trunk".into(),
        environment: "prod".into(),
        security_label: "reviewed".into(),
        program: "cargo run --".into(),
        build_command: "cargo build".into(),
        test_command: "cargo test".into(),
        provider: OidcProviderSource::Existing("arn:aws:iam::123456789012:oidc-provider/x".into()),
        app: Some(app.clone()),
        cluster: Some(target.clone()),
        deploy_services: vec!["ec2".into(), "eks".into()],
        deploy_timeout_minutes: 60,
        ..GitHubPipelineProps::new(repo.clone())
    };
    assert_eq!(chained, literal);

    let chained = GitHubAccessProps::new(repo.clone())
        .environment("prod")
        .provider(OidcProviderSource::Create)
        .ecr_repositories(["acme/web"])
        .cluster(target.clone())
        .deploy_services(["ecr"]);
    let literal = GitHubAccessProps {
        environment: "prod".into(),
        ecr_repositories: vec!["acme/web".into()],
        cluster: Some(target),
        deploy_services: vec!["ecr".into()],
        ..GitHubAccessProps::new(repo)
    };
    assert_eq!(chained, literal);
}

#[test]
#[allow(deprecated)]
fn deprecated_delivery_names_forward() {
    let repo = GitHubRepository::new("acme/web").unwrap();
    let app = AppDelivery::new("services/web", "acme/web");
    let target = ClusterTarget::new("web-prod", "web", "web");
    let old = GitHubPipelineProps::new(repo.clone())
        .with_program("cargo run --")
        .with_app(app.clone())
        .with_cluster(target.clone().with_reference("x"));
    let new = GitHubPipelineProps::new(repo).program("cargo run --").app(app).cluster(target.reference("x"));
    assert_eq!(old, new);
}
