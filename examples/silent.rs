//! A small program shaped exactly like the README's — one app on a two-zone cluster, not the
//! reference platform — with one input the library once took without a word, chosen by
//! `STACKWRIGHT_CASE`, for `tests/no_silent_acceptance.rs`. Without the variable it
//! synthesizes cleanly.
//!
//! - `zones`: three zones in us-west-1, which has two (an error, never a two-zone VPC);
//! - `instance-type`: `hpc7a.12xlarge`, not offered in us-east-1 (an error suggesting x86_64
//!   types, the architecture asked for);
//! - `role-twice`: the app's service account given a second IAM role (an error naming both);
//! - `drain-all`: a disruption budget that lets every pod go at once (a warning: valid, likely
//!   not meant; `synth --strict` makes it an error).
//!
//! `STACKWRIGHT_CASE=drain-all cargo run --example silent` prints the warning on standard error
//! and synthesizes.

use stackwright::constructs::Disruption;
use stackwright::prelude::*;

fn main() -> std::process::ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

fn build() -> stackwright::Result<App> {
    let case = std::env::var("STACKWRIGHT_CASE").unwrap_or_default();
    let app = App::new("shop");
    let region = if case == "zones" { Region::UsWest1 } else { Region::UsEast1 };
    let prod = app.environment("prod", Account::new("123456789012")?, region);

    let vpc = Vpc::new(
        &prod.stack("network"),
        "Vpc",
        VpcProps::default().max_azs(if case == "zones" { 3 } else { 2 }).nat_gateways(NatGateways::Single),
    )?;
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))?;
    let instance_type = if case == "instance-type" { "hpc7a.12xlarge" } else { "t3.medium" };
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand([instance_type], 2..=4))?;

    let image = ContainerImage::public("registry.example.com/storefront", ImageReference::Tag("1.4.2".into()));
    let reads = PolicyDocument::new([Statement::allow(["s3:GetObject"], ["arn:aws:s3:::shop-assets/*"])]);
    let mut props = FlaskAppProps::new(image).aws_policy(reads.clone());
    if case == "drain-all" {
        props = props.disruption(Disruption::MaxUnavailable(3));
    }
    let storefront = FlaskApp::new(&cluster, "storefront", props)?;
    if case == "role-twice" {
        // A second role for the same service account: one of the two would never be used.
        cluster.service_account_role(&cluster, "AssetsRole", storefront.namespace(), storefront.name(), reads)?;
    }
    Ok(app)
}
