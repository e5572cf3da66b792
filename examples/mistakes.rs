//! The README's program (with a delivery pipeline added) and the mistakes `STACKWRIGHT_MISTAKE`
//! names, comma-separated, for `tests/mistakes.rs`: what a user sees when a construct rejects
//! its input, a `.parse()?` fails, or synth finds problems. Without the variable it synthesizes.
//!
//! `STACKWRIGHT_MISTAKE=max-azs cargo run --example mistakes` prints the VPC's problem on
//! standard error and exits with status 1; `STACKWRIGHT_MISTAKE=max-azs,disk-size,app-port`
//! prints three problems of three constructs at once. The `topic-…` and `publisher-…` mistakes
//! add a construct of the program's own (the construct guide's `EncryptedTopic` and
//! `PublisherRole`, from `examples/team_topic.rs`), which records its mistakes like the library's.

use stackwright::constructs::{LifecycleRule, TaintEffect};
use stackwright::prelude::*;

#[allow(dead_code)] // its `main` and `build` are the construct guide's program, not this one
#[path = "team_topic.rs"]
mod team_topic;

use team_topic::{EncryptedTopic, EncryptedTopicProps, PublisherRole};

fn main() -> std::process::ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

/// The README's program; each mistake named in `STACKWRIGHT_MISTAKE` replaces one input.
fn build() -> stackwright::Result<App> {
    let mistakes = std::env::var("STACKWRIGHT_MISTAKE").unwrap_or_default();
    let mistake = Mistakes(mistakes.split(',').collect());
    let is = |name: &str| mistake.is(name);
    let pick = |name: &str, wrong: &'static str, right: &'static str| if is(name) { wrong } else { right };

    let app = App::new("flask-platform");
    let account = Account::new(pick("account", "12345678901", "123456789012"))?;
    let region: Region = pick("region", "us-east-7", "us-east-1").parse()?;
    let prod = app.environment("prod", account, region);

    let network = prod.stack(pick("stack-id", "net_work", "network"));
    let vpc = Vpc::new(&network, "Vpc", vpc_props(&mistake)?)?;

    let platform = prod.stack("cluster");
    let cluster = EksCluster::new(&platform, "Cluster", cluster_props(&vpc, &mistake)?)?;
    if !is("no-node-group") {
        NodeGroup::new(&cluster, "General", general_nodes(&mistake))?;
        NodeGroup::new(
            &cluster,
            pick("duplicate-id", "General", "Spot"),
            NodeGroupProps::spot(["t3.large", "t3a.large"], 0..=4),
        )?;
    }

    let registry = if is("outside-stack") { prod.node().clone() } else { prod.stack("registry").node().clone() };
    let repo = EcrRepo::new(&registry, "FlaskApp", repo_props(&mistake))?;
    if is("grant-pull") {
        repo.grant_pull("arn:aws:s3:::not-a-principal");
    }
    let web = FlaskApp::new(&cluster, pick("app-id", "Flask_App", "flask-app"), app_props(&repo, &mistake))?;
    Monitoring::new(&cluster, "monitoring", monitoring_props(&web, &mistake))?;
    GitHubPipeline::new(&prod.stack("cicd"), "Pipeline", pipeline_props(&mistake)?)?;
    if TOPIC_MISTAKES.iter().any(|name| is(name)) {
        notifications(&prod, &mistake)?;
    }
    Ok(app)
}

/// The mistakes in the program's own constructs.
const TOPIC_MISTAKES: [&str; 4] = ["topic-name", "topic-service", "topic-email", "publisher-service"];

/// The construct guide's topic and its publisher, in a stack of their own, as a program would
/// use constructs written by its team.
fn notifications(prod: &Environment, mistake: &Mistakes<'_>) -> stackwright::Result<()> {
    let pick = |name: &str, wrong: &'static str, right: &'static str| if mistake.is(name) { wrong } else { right };
    let stack = prod.stack("notifications");
    let props = EncryptedTopicProps::new(pick("topic-name", "", "Platform alerts")).publishing_services([pick(
        "topic-service",
        "cloudwatch",
        "cloudwatch.amazonaws.com",
    )]);
    let topic = EncryptedTopic::new(&stack, "Alerts", props)?;
    topic.subscribe_email(pick("topic-email", "oncall", "oncall@example.com"))?;
    let service = pick("publisher-service", "scheduler", "scheduler.amazonaws.com");
    PublisherRole::new(&stack, "SchedulerPublisher", service, &topic.handle())?;
    Ok(())
}

/// The mistakes to make, by name.
struct Mistakes<'a>(Vec<&'a str>);

impl Mistakes<'_> {
    fn is(&self, name: &str) -> bool {
        self.0.contains(&name)
    }

    /// The first of `names` that is a mistake to make, or `""`.
    fn first_of(&self, names: &[&'static str]) -> &'static str {
        names.iter().copied().find(|n| self.is(n)).unwrap_or_default()
    }
}

fn vpc_props(mistake: &Mistakes<'_>) -> stackwright::Result<VpcProps> {
    let cidr = if mistake.is("cidr-parse") {
        "10.0.0.0/33"
    } else if mistake.is("cidr-too-small") {
        "10.0.0.0/29"
    } else {
        "10.0.0.0/16"
    };
    let mut props = VpcProps {
        cidr: cidr.parse()?,
        max_azs: if mistake.is("max-azs") { 0 } else { 2 },
        nat_gateways: NatGateways::OnePerAz,
        ..Default::default()
    };
    if mistake.is("subnets-overlap") {
        props.subnets = vec![
            SubnetConfig::public(24).cidrs(["10.0.0.0/24".parse()?, "10.0.1.0/24".parse()?]),
            SubnetConfig::private(24).cidrs(["10.0.1.0/24".parse()?, "10.0.2.0/24".parse()?]),
        ];
    }
    if mistake.is("availability-zone") {
        props.availability_zones = vec!["us-east-1a".into(), "us-east-1z".into()];
    }
    if mistake.is("no-private-subnets") {
        props.subnets = vec![SubnetConfig::public(24)];
    }
    Ok(props)
}

fn cluster_props<'a>(vpc: &'a Vpc, mistake: &Mistakes<'_>) -> stackwright::Result<EksClusterProps<'a>> {
    let mut props = EksClusterProps::new(vpc, KubernetesVersion::V1_36);
    if mistake.is("cluster-name") {
        props.name = Some("Flask_Cluster".into());
    }
    if mistake.is("private-access") {
        props.private_access_cidrs = vec!["0.0.0.0/0".parse()?];
    }
    if mistake.is("admin-principal") {
        props = props.admin("arn:aws:iam::123456789012:root");
    }
    Ok(props)
}

fn general_nodes(mistake: &Mistakes<'_>) -> NodeGroupProps {
    let right = NodeGroupProps::on_demand(["t3.medium"], 2..=6);
    match mistake.first_of(&[
        "scaling-bounds",
        "max-size-zero",
        "instance-type",
        "instance-type-typo",
        "instance-type-region",
        "spot-one-type",
        "disk-size",
        "taint-key",
    ]) {
        // A reversed range: clippy would flag `6..=2` itself, so the bounds are set apart.
        "scaling-bounds" => NodeGroupProps { min_size: 6, max_size: 2, ..right },
        "max-size-zero" => NodeGroupProps::on_demand(["t3.medium"], 0..=0),
        "instance-type" => NodeGroupProps::on_demand(["t3medium"], 2..=6),
        "instance-type-typo" => NodeGroupProps::on_demand(["t3.mediun"], 2..=6),
        "instance-type-region" => NodeGroupProps::on_demand(["t3.medium", "hpc7a.12xlarge"], 2..=6),
        "spot-one-type" => NodeGroupProps::spot(["t3.large"], 2..=6),
        "disk-size" => NodeGroupProps { disk_size_gib: 8, ..right },
        "taint-key" => right.taint("kubernetes.io/role", "web", TaintEffect::NoSchedule),
        _ => right,
    }
}

fn repo_props(mistake: &Mistakes<'_>) -> EcrRepoProps {
    match mistake.first_of(&["repository-name", "lifecycle"]) {
        "repository-name" => EcrRepoProps { repository_name: Some("Flask App".into()), ..Default::default() },
        "lifecycle" => EcrRepoProps { lifecycle_rules: vec![LifecycleRule::KeepLastTagged(0)], ..Default::default() },
        _ => EcrRepoProps::default(),
    }
}

fn app_props(repo: &EcrRepo, mistake: &Mistakes<'_>) -> FlaskAppProps {
    let props =
        FlaskAppProps::new(repo.image_tag_from_env(if mistake.is("image-variable") { "1TAG" } else { "IMAGE_TAG" }));
    match mistake.first_of(&[
        "app-port",
        "app-replicas",
        "app-workers",
        "app-namespace",
        "custom-metric-no-prometheus",
        "custom-metric-no-adapter",
    ]) {
        "app-port" => FlaskAppProps { port: 80, ..props },
        // Scaling on requests per second, which only Prometheus and the custom metrics adapter
        // serve (monitoring_props turns one of them off).
        "custom-metric-no-prometheus" | "custom-metric-no-adapter" => {
            props.autoscaling(Autoscaling::default().custom_metric(CustomMetric::new("http_requests_per_second", "20")))
        }
        "app-replicas" => FlaskAppProps { replicas: 0, ..props },
        "app-workers" => FlaskAppProps { workers: 0, ..props },
        "app-namespace" => props.namespace("kube-system"),
        _ => props,
    }
}

fn monitoring_props(web: &FlaskApp, mistake: &Mistakes<'_>) -> MonitoringProps {
    let props = MonitoringProps::default().scrape(web).billing_alarm_usd(500);
    let webhook = |url: &str| {
        props.clone().alertmanager(Alertmanager::On(AlertmanagerProps::new([Receiver::webhook(
            "ops",
            WebhookReceiver::new(url).bearer_token(SecretKeyRef::new("alertmanager-ops", "token")),
        )])))
    };
    // Prometheus off, and what needs it off too, scraping nothing: only the autoscaler's custom
    // metric is left.
    let without_prometheus = || {
        MonitoringProps::default()
            .billing_alarm_usd(500)
            .prometheus(Prometheus::Off)
            .alertmanager(Alertmanager::Off)
            .grafana(Grafana::Off)
            .kube_state_metrics(KubeStateMetrics::Off)
    };
    match mistake.first_of(&[
        "retention",
        "alert-email",
        "scrape-twice",
        "webhook-http",
        "webhook-slack-url",
        "alertmanager-no-prometheus",
        "custom-metric-no-prometheus",
        "scrape-no-prometheus",
        "custom-metric-no-adapter",
    ]) {
        "retention" => props.prometheus(Prometheus::On(PrometheusProps::default().retention_days(0))),
        "alert-email" => props.alert_email("ops-at-example.com"),
        "scrape-twice" => props.scrape(web),
        "webhook-http" => webhook("http://alerts.example.com/hook"),
        "webhook-slack-url" => webhook("https://hooks.slack.com/services/T0000/B0000/XXXXXXXX"),
        "alertmanager-no-prometheus" => without_prometheus().alertmanager(Alertmanager::default()),
        "custom-metric-no-prometheus" => without_prometheus(),
        "scrape-no-prometheus" => without_prometheus().scrape(web),
        "custom-metric-no-adapter" => props.custom_metrics_adapter(CustomMetricsAdapter::Off),
        _ => props,
    }
}

/// The delivery pipeline of `prod.rs`, trimmed: its props, and the roles' (`GitHubAccess`).
fn pipeline_props(mistake: &Mistakes<'_>) -> stackwright::Result<GitHubPipelineProps> {
    let repository =
        GitHubRepository::new(if mistake.is("github-repository") { "acme" } else { "acme/flask-platform" })?;
    let mut props = GitHubPipelineProps::new(repository);
    match mistake.first_of(&["pipeline-branch", "pipeline-program", "access-environment", "access-service"]) {
        "pipeline-branch" => props.main_branch = "main*".into(),
        "pipeline-program" => props = props.program("cargo run -- ${{ github.head_ref }}"),
        "access-environment" => props.environment = "prod*".into(),
        "access-service" => props.deploy_services.push("EC2".into()),
        _ => {}
    }
    Ok(props)
}
