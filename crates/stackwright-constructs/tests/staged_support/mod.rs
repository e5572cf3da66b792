//! What the StagedPipeline tests share: the props, an environment with a stack, and running a
//! synthesized `run:` script as GitHub does.
#![allow(dead_code)] // each test file uses part of it

use serde_json::Value as Json;
use stackwright_constructs::delivery::github::{GitHubRepository, StagedPipelineProps};
use stackwright_constructs::{
    ContainerImage, EksCluster, EksClusterProps, ImageReference, KubernetesVersion, Namespace, NamespaceProps,
    NodeGroup, NodeGroupProps, Vpc, VpcProps,
};
use stackwright_core::{Account, App, Environment, RawResource, Region, Resource, Stack};

/// A pipeline of `acme/shop` whose program is built by `cargo build --release`; no stage.
pub(crate) fn props() -> StagedPipelineProps {
    StagedPipelineProps::new(
        GitHubRepository::new("acme/shop").unwrap(),
        "cargo build --release",
        "target/release/shop",
    )
}

/// An environment with an `edge` stack (one topic) and the `cicd` stack the stage's roles go to.
pub(crate) fn env_with_stack(app: &App, id: &str, account: &str, region: Region) -> (Environment, Stack) {
    let env = app.environment(id, Account::new(account).unwrap(), region);
    Resource::new(&env.stack("edge"), "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    let cicd = env.stack("cicd");
    (env, cicd)
}

/// The environment `id` (account 111111111111, eu-west-1) with a 1.36 cluster, its node group,
/// the `shop` namespace, and the image its workloads run (pinned by digest).
pub(crate) fn shop_cluster(app: &App, id: &str) -> (Environment, EksCluster, Namespace, ContainerImage) {
    let env = app.environment(id, Account::new("111111111111").unwrap(), Region::EuWest1);
    let vpc = Vpc::new(&env.stack("network"), "Vpc", VpcProps::default()).unwrap();
    let cluster =
        EksCluster::new(&env.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["m6i.large"], 2..=4)).unwrap();
    let ns = Namespace::new(&cluster, "Shop", NamespaceProps::default()).unwrap();
    let image = ContainerImage::public(
        "registry.example.com/shop",
        ImageReference::Digest(format!("sha256:{}", "1".repeat(64))),
    );
    (env, cluster, ns, image)
}

/// The `run:` script of the step `name` of `job`.
pub(crate) fn script<'a>(job: &'a Json, name: &str) -> &'a str {
    job["steps"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()["run"].as_str().unwrap()
}

/// Runs `script` as GitHub does (`bash --noprofile --norc -eo pipefail`) in `dir`.
pub(crate) fn bash(dir: &std::path::Path, script: &str, env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new("bash");
    command.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script]).current_dir(dir);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}
