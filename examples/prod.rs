//! The reference platform: a Flask microservice on EKS.
//!
//! `cargo run --example prod` synthesizes it into `out/` (no AWS account needed);
//! `cargo run --example prod --features deploy -- deploy` deploys it.

use stackwright::prelude::*;

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

    // Cluster: EKS with private nodes, the cluster autoscaler and the AWS Load Balancer Controller.
    let platform = prod.stack("cluster");
    platform.set_description("flask-platform cluster: EKS, node groups and cluster controllers");
    let cluster = EksCluster::new(&platform, "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))?;
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6))?;
    NodeGroup::new(&cluster, "Spot", NodeGroupProps::spot(["t3.large", "t3a.large"], 0..=4))?;

    // Registry: the application's image repository.
    let registry = prod.stack("registry");
    registry.set_description("flask-platform registry: the application's ECR repository");
    let repo = EcrRepo::new(&registry, "FlaskApp", EcrRepoProps::default())?;

    // Data: the service's PostgreSQL 15 on RDS in the isolated subnets, Multi-AZ (production),
    // encrypted with its own key, the password kept and rotated by RDS in Secrets Manager,
    // reachable on 5432 from the cluster only (docs/constructs/database.md).
    let data = prod.stack("data");
    data.set_description("flask-platform data: the service's PostgreSQL database");
    let db = Database::new(&data, "Db", DatabaseProps::new(&vpc, PostgresVersion::V15).allow_from(&cluster))?;

    // The application: the Flask service behind an ALB, three replicas or more (the HPA's),
    // spread over zones, restricted and closed by NetworkPolicies; connected to the database
    // (DB_* environment, its IRSA role reads the one secret); CI sets IMAGE_TAG.
    let web = FlaskApp::new(
        &cluster,
        "flask-app",
        FlaskAppProps::new(repo.image_tag_from_env("IMAGE_TAG"))
            .load_balancer_source_cidrs([vpc.cidr().into()])
            .database(&db),
    )?;
    // Monitoring: Prometheus, Alertmanager and Grafana in the cluster, alarms and a dashboard in
    // CloudWatch, the billing alarm and a budget in a stack of their own (us-east-1).
    Monitoring::new(
        &cluster,
        "monitoring",
        MonitoringProps::default().scrape(&web).billing_alarm_usd(500).budget_usd(400),
    )?;

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
