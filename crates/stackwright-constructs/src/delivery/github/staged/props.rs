//! What a [`StagedPipeline`](super::StagedPipeline) is configured with: the repository, how
//! the program is built once, and the ordered stages it deploys that one build's assembly to.

use stackwright_core::{Construct, Node};

use super::super::access::{ClusterTarget, DEFAULT_DEPLOY_SERVICES, GitHubRepository, OidcProviderSource};
use super::SmokeCheck;
use crate::internal::setters::setters;

/// One stage: a stackwright environment, deployed by jobs in one GitHub environment with a
/// deploy role of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryStage {
    /// Where the stage's roles go: a stack (or a construct inside one) of the stage's
    /// environment; the stage deploys that environment's stacks. Required.
    pub scope: Node,
    /// The GitHub environment of the stage's deploy job; its deploy role trusts
    /// `repo:<owner>/<name>:environment:<this>` only. Default: the environment's id.
    pub github_environment: String,
    /// GitHub's OIDC provider of the stage's account. Default: created in the first stage of
    /// each account; the later stages of that account use it (IAM is global: one provider per
    /// account) and their roles' stack is deployed after that stage's.
    pub provider: Option<OidcProviderSource>,
    /// The cluster the stage's roles reach (access entries) and the smoke check runs on.
    /// Default: none.
    pub cluster: Option<ClusterTarget>,
    /// The check a stage must pass before the next one starts; needs `cluster`. Default: none
    /// (the stage is done when its deploy is).
    pub smoke: Option<SmokeCheck>,
    /// Services the stage's templates create resources of (see
    /// [`GitHubAccessProps::deploy_services`](field@super::super::GitHubAccessProps::deploy_services)).
    /// Default: [`DEFAULT_DEPLOY_SERVICES`].
    pub deploy_services: Vec<String>,
}

setters! { DeliveryStage {
    into github_environment: String,
    some provider: OidcProviderSource,
    some cluster: ClusterTarget,
    some smoke: SmokeCheck,
    list_into deploy_services: String,
} }

impl DeliveryStage {
    /// The environment of `scope`, its roles in `scope`'s stack, its GitHub environment named
    /// like it.
    pub fn new(scope: &impl Construct) -> Self {
        let node = scope.node().clone();
        let github_environment = node.environment().map(|e| e.id()).unwrap_or_default();
        DeliveryStage {
            scope: node,
            github_environment,
            provider: None,
            cluster: None,
            smoke: None,
            deploy_services: DEFAULT_DEPLOY_SERVICES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// How the pipeline builds the program once, and where it deploys the result.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedPipelineProps {
    /// The repository whose workflows assume the roles; required.
    pub repository: GitHubRepository,
    /// The command that builds the program (with the runtime: the `deploy` feature) once, in
    /// the synth job; required, e.g. `cargo build --locked --release --features deploy
    /// --example staged`.
    pub build_command: String,
    /// Where `build_command` leaves the program's binary, relative to the repository root;
    /// required, e.g. `target/release/examples/staged`. It synthesizes the assembly and, copied
    /// into the artifact with it, runs `diff` and `deploy --app-dir` in the stages: the runtime
    /// that deploys is the one that synthesized, built from the repository's `Cargo.lock`.
    pub program_binary: String,
    /// The test command of the pull-request workflow. Default: `cargo test --locked --workspace`.
    pub test_command: String,
    /// The branch deploys run from. Default: `main`.
    pub main_branch: String,
    /// The pull-request label that accepts security-relevant changes. Default:
    /// `security-reviewed`.
    pub security_label: String,
    /// The stages, in the order they are deployed; at least one.
    pub stages: Vec<DeliveryStage>,
    /// Minutes one stage's deploy job may take. Default: 90.
    pub deploy_timeout_minutes: u32,
}

setters! { StagedPipelineProps {
    into test_command: String,
    into main_branch: String,
    into security_label: String,
    value deploy_timeout_minutes: u32,
} }

impl StagedPipelineProps {
    /// The program built by `build_command` into `program_binary`; no stage yet.
    pub fn new(repository: GitHubRepository, build_command: &str, program_binary: &str) -> Self {
        StagedPipelineProps {
            repository,
            build_command: build_command.to_string(),
            program_binary: program_binary.to_string(),
            test_command: "cargo test --locked --workspace".to_string(),
            main_branch: "main".to_string(),
            security_label: "security-reviewed".to_string(),
            stages: Vec::new(),
            deploy_timeout_minutes: 90,
        }
    }

    /// Adds `stage` after the ones added before.
    #[must_use]
    pub fn stage(mut self, stage: DeliveryStage) -> Self {
        self.stages.push(stage);
        self
    }
}
