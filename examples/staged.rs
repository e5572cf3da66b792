//! Staged delivery of one assembly: a small `greeter` service in two environments of one
//! account — `staging` in Ireland, `prod` in Frankfurt — deployed by one GitHub pipeline that
//! synthesizes once and promotes the same bytes from staging to prod.
//!
//! - each environment: a VPC over two zones, an EKS cluster, one node group, the `greeter`
//!   workload (a pinned image, an HTTP readiness probe on `/ready`);
//! - staging's Ingress is an internet-facing ALB: its smoke check GETs `/ready` through the
//!   ALB; prod's is internal: its smoke check GETs `/ready` through the Kubernetes API
//!   server's service proxy (a GitHub-hosted runner cannot reach an internal ALB);
//! - a `StagedPipeline` (`StagedPipelineProps` with two `DeliveryStage`s): the pull request
//!   diffs both stages, each with its own read-only role; a push to main builds the program
//!   once, synthesizes, uploads the assembly and the program with their digest, then deploys
//!   staging (GitHub environment `staging`) and, after staging's smoke check, prod (GitHub
//!   environment `prod`), each checking the digest and deploying with `--app-dir`;
//! - one account, two regions: IAM is global, so the account has one GitHub OIDC provider —
//!   staging's `cicd` stack creates it, prod's uses it (and is deployed after it); the roles'
//!   names carry the environment (`greeter-staging-github-deploy`, `greeter-prod-github-deploy`).
//!
//! `cargo run --example staged -- synth --out target/synth/staged` synthesizes it (no AWS
//! account needed); `docs/ci-cd.md` explains the pipeline.

use std::process::ExitCode;

use stackwright::prelude::*;

fn main() -> ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

/// One environment's platform: what its stage deploys and smoke-checks.
struct Platform {
    cicd: Stack,
    cluster: EksCluster,
    greeter: Workload,
}

/// The network, the cluster and the `greeter` workload of `env`, and its (still empty) `cicd`
/// stack for the pipeline's roles.
fn platform(env: &Environment, cidr: &str, ingress: AlbIngress) -> stackwright::Result<Platform> {
    let name = format!("greeter-{}", env.id());
    let network = env.stack("network");
    network.set_description(&format!("{name} network: VPC over two zones"));
    let vpc = Vpc::new(&network, "Vpc", VpcProps::default().cidr(cidr.parse()?).max_azs(2))?;

    let platform = env.stack("cluster");
    platform.set_description(&format!("{name} cluster: EKS and the greeter workload"));
    let cluster = EksCluster::new(
        &platform,
        "Cluster",
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36).name(name.as_str()),
    )?;
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["m6i.large"], 2..=4))?;
    let namespace = Namespace::new(&cluster, "Greeter", NamespaceProps::default())?;
    // The image is pinned by digest: both stages run exactly the image the assembly names.
    let image = ContainerImage::public(
        "registry.example.com/greeter",
        ImageReference::Digest("sha256:5f0a6c7b3e9d2f1a8b4c6d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a".into()),
    );
    let greeter = Workload::new(
        &cluster,
        &namespace,
        "Greeter",
        WorkloadProps::new(
            ContainerSpec::new(image)
                .port("http", 8080)
                .readiness(ProbeSpec::http("/ready", "http").period_seconds(5))
                .liveness(ProbeSpec::http("/healthz", "http")),
        )
        .replicas(2)
        .health_check_path("/ready")
        .ingress(ingress),
    )?;

    let cicd = env.stack("cicd");
    cicd.set_description(&format!("{name} delivery: the stage's GitHub diff and deploy roles"));
    Ok(Platform { cicd, cluster, greeter })
}

/// The stage of `platform`: its roles in its `cicd` stack, the cluster they reach and the smoke
/// check that must pass before the next stage starts.
fn stage(platform: &Platform) -> DeliveryStage {
    DeliveryStage::new(&platform.cicd)
        .cluster(ClusterTarget::for_workload(&platform.cluster, &platform.greeter))
        .smoke(SmokeCheck::for_workload(&platform.greeter))
}

/// Both environments and the pipeline that delivers to them, as one `App`:
/// `tests/staged_snapshot.rs` builds it too, to pin the synthesized output.
///
/// # Errors
///
/// A value that does not parse (none in this program). The constructs record the problems of
/// their input in the tree, and `run()` reports them all (none for this program).
pub(crate) fn build() -> stackwright::Result<App> {
    let app = App::new("greeter");
    let account = Account::new("456789012345")?;
    let staging =
        platform(&app.environment("staging", account.clone(), Region::EuWest1), "10.70.0.0/16", AlbIngress::default())?;
    let prod = platform(
        &app.environment("prod", account, Region::EuCentral1),
        "10.71.0.0/16",
        AlbIngress::default().internal(),
    )?;

    // Last, once every stack of both environments exists: the workflows name them.
    StagedPipeline::new(
        &staging.cicd,
        "Delivery",
        StagedPipelineProps::new(
            GitHubRepository::new("acme/greeter")?,
            "cargo build --locked --release --features deploy --example staged",
            "target/release/examples/staged",
        )
        .stage(stage(&staging))
        .stage(stage(&prod)),
    )?;
    Ok(app)
}
