//! The reference platform: a Flask microservice on EKS.
//!
//! `cargo run --example prod` synthesizes it into `out/` (no AWS account needed);
//! `cargo run --example prod --features deploy -- deploy` deploys it.

use stackwright::prelude::*;

/// The add-ons whose version for this Kubernetes minor the committed table does not have (the
/// EKS documentation read gave none): EKS's default at creation, chosen explicitly. Pin them
/// (`AddonVersions::pin`) from `stackwright-deploy addon-versions` before the next upgrade
/// (docs/upgrading.md).
const UNDOCUMENTED_ADDON_VERSIONS: &str = "no version in the table for this minor: see docs/upgrading.md";

fn main() -> std::process::ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

/// The whole platform as one `App`, ready to synthesize or deploy: `tests/prod_snapshot.rs`
/// builds it too, to pin the synthesized output.
///
/// # Errors
///
/// A value that does not parse (none in this program). The constructs record the problems of
/// their input in the tree, and `run()` reports them all (none for this program).
pub(crate) fn build() -> stackwright::Result<App> {
    let app = App::new("flask-platform");
    let prod = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
    prod.mark_production();

    // Network: a VPC over two availability zones, public and private subnets, isolated subnets
    // for the database (no route out of the VPC), a NAT gateway per zone, Secrets Manager and
    // KMS endpoints (the service reads its database secret without leaving the VPC), flow
    // logs, and the default security group left with no rules.
    let network = prod.stack("network");
    network.set_description("flask-platform network: VPC over two availability zones");
    let vpc = Vpc::new(
        &network,
        "Vpc",
        VpcProps::default()
            .cidr("10.0.0.0/16".parse()?)
            .max_azs(2)
            .nat_gateways(NatGateways::OnePerAz)
            .subnets([SubnetConfig::public(24), SubnetConfig::private(19), SubnetConfig::isolated(24)])
            .endpoints(VpcEndpoints::default().interface([InterfaceEndpoint::SecretsManager, InterfaceEndpoint::Kms])),
    )?;

    // Cluster: EKS with private nodes, the cluster autoscaler and the AWS Load Balancer Controller;
    // the EBS CSI driver provisions volumes encrypted with a key of the cluster's; the CloudWatch
    // observability add-on: the containers' logs in CloudWatch Logs (its log groups made first,
    // with a retention and the cluster's KMS key) and the Container Insights metrics the
    // CloudWatch dashboard draws, without running a log shipper of ours as root.
    let platform = prod.stack("cluster");
    platform.set_description("flask-platform cluster: EKS, node groups and cluster controllers");
    let cluster = EksCluster::new(
        &platform,
        "Cluster",
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
            .addon_versions(AddonVersions::new().eks_default_for_gaps(UNDOCUMENTED_ADDON_VERSIONS))
            .addons(OptionalAddons::default().cloudwatch_observability(true).ebs_csi_driver(true).ebs_volume_key(true)),
    )?;
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6))?;
    NodeGroup::new(&cluster, "Spot", NodeGroupProps::spot(["t3.large", "t3a.large"], 0..=4))?;

    // Registry: the application's image repository.
    let registry = prod.stack("registry");
    registry.set_description("flask-platform registry: the application's ECR repository");
    let repo = EcrRepo::new(&registry, "FlaskApp", EcrRepoProps::default())?;

    // Backups: AWS Backup's vault, daily and weekly rules and restore testing, selecting the
    // database and Prometheus' volume by one tag.
    let plan = backups(&prod)?;

    // Data: the service's PostgreSQL 15 on RDS in the isolated subnets, Multi-AZ (production),
    // encrypted with its own key, the password kept and rotated by RDS in Secrets Manager,
    // reachable on 5432 from the cluster only, backed up by the plan (docs/constructs/database.md).
    let data = prod.stack("data");
    data.set_description("flask-platform data: the service's PostgreSQL database");
    let db = Database::new(&data, "Db", DatabaseProps::new(&vpc, PostgresVersion::V15).allow_from(&cluster))?;
    plan.protect(&db)?;

    // The application: the Flask service behind an ALB, three replicas or more (the HPA's,
    // scaling on CPU, memory and the requests per second each pod serves — the rate of the
    // `http_requests_total` counter it exports), spread over zones, restricted and closed by
    // NetworkPolicies; connected to the database (DB_* environment, its IRSA role reads the one
    // secret); CI sets IMAGE_TAG.
    let web = FlaskApp::new(
        &cluster,
        "flask-app",
        FlaskAppProps::new(repo.image_tag_from_env("IMAGE_TAG"))
            .load_balancer_source_cidrs([vpc.cidr().into()])
            .autoscaling(Autoscaling::default().custom_metric(CustomMetric::new("http_requests_per_second", "20")))
            .database(&db),
    )?;

    // Monitoring: Prometheus (its data on a backed-up volume), Alertmanager and Grafana in the
    // cluster, prometheus-adapter serving the request rate to the HPA, alarms and a dashboard in
    // CloudWatch, the billing alarm and a budget in a stack of their own (us-east-1). The
    // database's alarms notify monitoring's topic, which exists only now.
    let monitoring = Monitoring::new(
        &cluster,
        "monitoring",
        MonitoringProps::default()
            .scrape(&web)
            .billing_alarm_usd(500)
            .budget_usd(400)
            .prometheus(prometheus_on_a_backed_up_volume(&plan)),
    )?;
    db.notify_alarms_to(monitoring.alarm_topic())?;

    // Delivery: pull-request diffs, gated deploys and image roll-outs as GitHub Actions
    // workflows, with the OIDC roles they assume (docs/ci-cd.md).
    let cicd = prod.stack("cicd");
    cicd.set_description("flask-platform delivery: GitHub OIDC provider, diff and deploy roles");
    GitHubPipeline::new(
        &cicd,
        "GitHub",
        GitHubPipelineProps::new(GitHubRepository::new("acme/flask-platform")?)
            .program("cargo run --locked --features deploy --example prod --")
            .app(AppDelivery::for_repo("examples/flask-app", &repo))
            // Roll-outs are waited for, and rolled back when they fail.
            .cluster(ClusterTarget::for_app(&cluster, &web)),
    )?;
    Ok(app)
}

/// Backups: AWS Backup's daily and weekly rules and weekly restore tests for the environment's
/// RDS instances and EBS volumes that carry the plan's tag (docs/recovery.md).
fn backups(prod: &Environment) -> stackwright::Result<BackupPlan> {
    let backup = prod.stack("backup");
    backup.set_description("flask-platform backups: AWS Backup vault, plan and restore testing");
    BackupPlan::new(&backup, "Backups", BackupPlanProps::default())
}

/// Prometheus with its data on a 50 GiB volume that the StorageClass tags with exactly the
/// backup plan's selection tag.
fn prometheus_on_a_backed_up_volume(plan: &BackupPlan) -> Prometheus {
    Prometheus::On(PrometheusProps::default().storage(PersistentStorage::new(50).backup_tag(plan.selection_tag())))
}
