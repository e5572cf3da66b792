//! The reference platform: a Flask microservice on EKS.
//!
//! `cargo run --example prod` synthesizes it into `out/` (no AWS account needed);
//! `cargo run --example prod --features deploy -- deploy` deploys it.

use stackwright::constructs::github::{AppDelivery, GitHubPipeline, GitHubPipelineProps, GitHubRepository};
use stackwright::prelude::*;

fn main() -> std::process::ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

fn build() -> stackwright::Result<App> {
    let app = App::new("flask-platform");
    let prod = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
    prod.mark_production();

    let network = prod.stack("network");
    network.set_description("flask-platform network: VPC over two availability zones");
    let vpc = Resource::new(
        &network,
        "Vpc",
        RawResource::new("AWS::EC2::VPC")
            .with("CidrBlock", "10.0.0.0/16")
            .with("EnableDnsHostnames", true)
            .with("EnableDnsSupport", true),
    )?;
    for (i, az) in ["us-east-1a", "us-east-1b"].into_iter().enumerate() {
        Resource::new(
            &network,
            &format!("PrivateSubnet{}", i + 1),
            RawResource::new("AWS::EC2::Subnet")
                .with("VpcId", vpc.reference())
                .with("AvailabilityZone", az)
                .with("CidrBlock", format!("10.0.{}.0/20", i * 16)),
        )?;
    }

    // Delivery: pull-request diffs, gated deploys and image roll-outs as GitHub Actions
    // workflows, with the OIDC roles they assume (docs/ci-cd.md).
    let cicd = prod.stack("cicd");
    cicd.set_description("flask-platform delivery: GitHub OIDC provider, diff and deploy roles");
    GitHubPipeline::new(
        &cicd,
        "GitHub",
        GitHubPipelineProps::new(GitHubRepository::new("acme/flask-platform")?)
            .with_program("cargo run --locked --features deploy --example prod --")
            .with_app(AppDelivery::new("examples/flask-app", "flask-platform/flask-app")),
    )?;
    Ok(app)
}
