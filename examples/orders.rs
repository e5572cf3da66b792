//! A second platform, deliberately unlike the reference one (`examples/prod.rs`): an orders
//! service in a staging environment in Ireland, built for cost rather than for zone outages.
//!
//! - region eu-west-1, its own account;
//! - one NAT gateway for three zones, with the ECR and STS interface endpoints so that image
//!   pulls and IRSA credentials do not go through it;
//! - a private cluster endpoint that the office VPN reaches too, and only spot capacity
//!   (several instance families, so one spot pool running dry does not empty the cluster);
//! - the FlaskApp preset as `orders-api`: its own namespace, port, scaling and an internal
//!   load balancer;
//! - monitoring with the billing alarm, whose us-east-1 stack Monitoring places in an
//!   environment of its own (`staging-us-east-1`): cfn-lint checks each template against its
//!   own region;
//! - a GitHub pipeline that deploys to the `staging` GitHub environment, with a weekly drift
//!   check (a scheduled workflow and a read-only role derived from the stacks' resource types).
//!
//! `cargo run --example orders -- synth --out target/synth/orders` synthesizes it (no AWS
//! account needed); `docs/examples.md` walks through it.

use std::process::ExitCode;

use stackwright::prelude::*;

fn main() -> ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

/// The whole platform as one `App`: `tests/orders_snapshot.rs` builds it too, to pin the
/// synthesized output.
///
/// # Errors
///
/// A value that does not parse (none in this program). The constructs record the problems of
/// their input in the tree, and `run()` reports them all (none for this program).
pub(crate) fn build() -> stackwright::Result<App> {
    let app = App::new("orders");
    let staging = app.environment("staging", Account::new("210987654321")?, Region::EuWest1);

    // Network: three zones behind a single NAT gateway (cheaper; one zone's outage takes the
    // others' way out with it, acceptable for staging). ECR and STS through interface endpoints,
    // S3 (image layers) through the free gateway endpoint.
    let network = staging.stack("network");
    network.set_description("orders staging network: VPC over three zones, one NAT gateway");
    let vpc = Vpc::new(
        &network,
        "Vpc",
        VpcProps::default().cidr("10.40.0.0/16".parse()?).max_azs(3).nat_gateways(NatGateways::Single).endpoints(
            VpcEndpoints::default().interface([
                InterfaceEndpoint::EcrApi,
                InterfaceEndpoint::EcrDocker,
                InterfaceEndpoint::Sts,
            ]),
        ),
    )?;

    // Cluster: the API endpoint is private; besides the VPC, only the office VPN reaches it.
    // All nodes are spot instances of several families.
    let platform = staging.stack("cluster");
    platform.set_description("orders staging cluster: EKS on spot capacity");
    let cluster = EksCluster::new(
        &platform,
        "Cluster",
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
            .name("orders-staging")
            .endpoint_access(EndpointAccess::Private)
            .private_access_cidrs(["172.20.0.0/16".parse()?]),
    )?;
    NodeGroup::new(&cluster, "Spot", NodeGroupProps::spot(["m6i.large", "m5.large", "m5a.large", "m6a.large"], 2..=8))?;

    // Registry: immutable tags (the default), so the tag CI pushes names one image for good.
    let registry = staging.stack("registry");
    registry.set_description("orders staging registry: the orders-api image repository");
    let repo = EcrRepo::new(&registry, "OrdersApi", EcrRepoProps::default())?;

    // The service: two pods when idle, up to six on CPU alone, behind an internal ALB that only
    // the VPC reaches.
    let orders = FlaskApp::new(
        &cluster,
        "orders-api",
        FlaskAppProps::new(repo.image_tag_from_env("IMAGE_TAG"))
            .port(8000)
            .namespace("orders")
            .replicas(2)
            .autoscaling(Autoscaling::default().max_replicas(6).cpu_utilization(60).without_memory_utilization())
            .resources(
                ComputeResources::new(Cpu::millicores(100), Memory::mebibytes(192))
                    .limits(Cpu::millicores(500), Memory::mebibytes(384)),
            )
            .ingress(IngressProps::default().internal())
            .env_var("ORDERS_CURRENCY", "EUR")
            .load_balancer_source_cidrs([vpc.cidr().into()]),
    )?;

    // Monitoring: Prometheus, Alertmanager and Grafana in the cluster, alarms to the team, and
    // the billing alarm (AWS/Billing exists only in us-east-1: Monitoring adds that environment).
    Monitoring::new(
        &cluster,
        "monitoring",
        MonitoringProps::default().scrape(&orders).alert_email("orders-oncall@example.com").billing_alarm_usd(150),
    )?;

    // Delivery: the same three workflows as the reference platform, deploying to the `staging`
    // GitHub environment.
    let cicd = staging.stack("cicd");
    cicd.set_description("orders staging delivery: GitHub OIDC provider, diff and deploy roles");
    let mut pipeline = GitHubPipeline::new(
        &cicd,
        "GitHub",
        GitHubPipelineProps::new(GitHubRepository::new("acme/orders")?)
            .environment("staging")
            .program("cargo run --locked --features deploy --example orders --")
            .app(AppDelivery::for_repo("services/orders-api", &repo))
            .cluster(ClusterTarget::for_app(&cluster, &orders)),
    )?;
    // Drift: every Monday at 06:00 UTC, `drift` on the staging stacks and cluster with a
    // read-only role derived from the resource types above (added last, so it sees them all).
    pipeline.add_drift_workflow(&DriftSchedule::cron("0 6 * * 1"))?;
    Ok(app)
}
