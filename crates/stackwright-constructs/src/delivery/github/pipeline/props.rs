//! What a [`GitHubPipeline`](super::GitHubPipeline) can be configured with: the repository,
//! branch, environment and commands of the workflows, and the application they deliver.

use stackwright_core::{Construct, Node};

use super::super::access::{ClusterTarget, DEFAULT_DEPLOY_SERVICES, GitHubRepository, OidcProviderSource};
use crate::internal::setters::setters;

/// The container image of the application and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct AppDelivery {
    /// The service's folder: the Docker build context and the app workflow's path filter;
    /// required.
    pub directory: String,
    /// The Dockerfile, relative to the repository root. Default: `<directory>/Dockerfile`.
    pub dockerfile: String,
    /// The ECR repository (name) the image is pushed to; required.
    pub ecr_repository: String,
    /// The node of the [`EcrRepo`](crate::EcrRepo) construct that `ecr_repository` names, when
    /// the delivery was made from it ([`for_repo`](Self::for_repo) sets it): a pipeline
    /// delivering to a rejected repository is rejected with it, instead of reporting the
    /// repository's mistake a second time. Default: none (the repository is known by name only).
    pub ecr_repository_node: Option<Node>,
    /// The environment variable the program reads the image tag from (a late-bound value).
    /// Default: `IMAGE_TAG`.
    pub image_tag_variable: String,
}

setters! { AppDelivery {
    into dockerfile: String,
    some ecr_repository_node: Node,
    into image_tag_variable: String,
} }

impl AppDelivery {
    /// The service in `directory` (with its `Dockerfile`), pushed to `ecr_repository`; the tag
    /// flows through `IMAGE_TAG`.
    pub fn new(directory: &str, ecr_repository: &str) -> Self {
        let directory = directory.trim_end_matches('/').to_string();
        AppDelivery {
            dockerfile: format!("{directory}/Dockerfile"),
            directory,
            ecr_repository: ecr_repository.to_string(),
            ecr_repository_node: None,
            image_tag_variable: "IMAGE_TAG".to_string(),
        }
    }

    /// The service in `directory`, pushed to `repo`; the app's image must read its tag from
    /// the same variable (`repo.image_tag_from_env("IMAGE_TAG")`). A rejected `repo` rejects
    /// the pipeline given this delivery (its problems are the repository's).
    pub fn for_repo(directory: &str, repo: &crate::EcrRepo) -> Self {
        AppDelivery::new(directory, repo.name()).ecr_repository_node(repo.node().clone())
    }
}

/// How the pipeline builds, tests and runs the program.
#[derive(Debug, Clone, PartialEq)]
pub struct GitHubPipelineProps {
    /// The repository whose workflows assume the roles; required.
    pub repository: GitHubRepository,
    /// The branch deploys run from. Default: `main`.
    pub main_branch: String,
    /// The GitHub environment of deploy jobs: give it required reviewers and limit its
    /// deployment branches to the main branch. Default: `production`.
    pub environment: String,
    /// The pull-request label that accepts security-relevant changes. Default:
    /// `security-reviewed`.
    pub security_label: String,
    /// The command that runs the program, followed by a subcommand (`synth`, `diff`, `deploy`);
    /// Default: `cargo run --locked --features deploy --`.
    pub program: String,
    /// The build command of the pull-request workflow. Default: `cargo build --locked
    /// --all-targets`.
    pub build_command: String,
    /// The test command of the pull-request workflow. Default: `cargo test --locked --workspace`.
    pub test_command: String,
    /// Whether the pipeline creates GitHub's OIDC provider or uses the account's. Default:
    /// creates it.
    pub provider: OidcProviderSource,
    /// The application workflow (build, push, deploy the image). Default: none.
    pub app: Option<AppDelivery>,
    /// The cluster the deploy role may reach and the app's rollout is watched on. Default: none.
    pub cluster: Option<ClusterTarget>,
    /// Services the app's templates create resources of (see
    /// [`GitHubAccessProps::deploy_services`](field@super::super::GitHubAccessProps::deploy_services)).
    /// Default: [`DEFAULT_DEPLOY_SERVICES`](super::super::DEFAULT_DEPLOY_SERVICES).
    pub deploy_services: Vec<String>,
    /// Minutes a deploy job may take (a first EKS cluster takes 15 to 20). Default: 90.
    pub deploy_timeout_minutes: u32,
}

impl GitHubPipelineProps {
    /// Defaults: branch `main`, environment `production`, label `security-reviewed`, the
    /// program run with `cargo run --locked --features deploy --`.
    pub fn new(repository: GitHubRepository) -> Self {
        GitHubPipelineProps {
            repository,
            main_branch: "main".to_string(),
            environment: "production".to_string(),
            security_label: "security-reviewed".to_string(),
            program: "cargo run --locked --features deploy --".to_string(),
            build_command: "cargo build --locked --all-targets".to_string(),
            test_command: "cargo test --locked --workspace".to_string(),
            provider: OidcProviderSource::Create,
            app: None,
            cluster: None,
            deploy_services: DEFAULT_DEPLOY_SERVICES.iter().map(|s| s.to_string()).collect(),
            deploy_timeout_minutes: 90,
        }
    }

    /// Adds the application workflow for `app`.
    #[deprecated(since = "0.2.0", note = "use `app`")]
    #[must_use]
    pub fn with_app(self, app: AppDelivery) -> Self {
        self.app(app)
    }

    /// Lets the deploy role reach `cluster` and watch the app's rollout there.
    #[deprecated(since = "0.2.0", note = "use `cluster`")]
    #[must_use]
    pub fn with_cluster(self, cluster: ClusterTarget) -> Self {
        self.cluster(cluster)
    }

    /// How CI runs the program, e.g. `cargo run --locked --features deploy --example prod --`.
    #[deprecated(since = "0.2.0", note = "use `program`")]
    #[must_use]
    pub fn with_program(self, program: &str) -> Self {
        self.program(program)
    }
}

setters! { GitHubPipelineProps {
    into main_branch: String,
    into environment: String,
    into security_label: String,
    into program: String,
    into build_command: String,
    into test_command: String,
    value provider: OidcProviderSource,
    some app: AppDelivery,
    some cluster: ClusterTarget,
    list_into deploy_services: String,
    value deploy_timeout_minutes: u32,
} }
