//! What the StagedPipeline tests share: the props, an environment with a stack, and running a
//! synthesized `run:` script as GitHub does.
#![allow(dead_code)] // each test file uses part of it

use serde_json::Value as Json;
use stackwright_constructs::delivery::github::{GitHubRepository, StagedPipelineProps};
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
