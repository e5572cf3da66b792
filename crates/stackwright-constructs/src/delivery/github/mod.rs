//! GitHub Actions delivery, synthesized from the same program as the infrastructure:
//!
//! - [`workflow`]: a typed model of workflow files (triggers, permissions, jobs, steps);
//! - [`actions`]: the actions the workflows use, pinned by commit SHA;
//! - [`GitHubAccess`]: GitHub's OIDC provider and the diff and deploy roles (no long-lived keys);
//! - [`GitHubPipeline`], which creates the roles and writes the pull-request, deploy and
//!   application workflows into the cloud assembly (`.github/workflows/`), and on request a
//!   scheduled drift workflow with a read-only role derived from the program's resource types;
//! - [`StagedPipeline`]: one assembly, synthesized once, deployed through ordered stages (each
//!   with its GitHub environment, roles, digest check and smoke check).

mod access;
pub mod actions;
mod pipeline;
mod staged;
pub mod workflow;

pub use access::{
    ClusterTarget, DEFAULT_DEPLOY_SERVICES, GITHUB_OIDC_HOST, GitHubAccess, GitHubAccessProps, GitHubRepository,
    OidcProviderSource,
};
pub use pipeline::{AppDelivery, DRIFT_WORKFLOW, DriftSchedule, GitHubPipeline, GitHubPipelineProps, WORKFLOWS_DIR};
pub use staged::{
    DeliveryStage, STAGED_DEPLOY_WORKFLOW, STAGED_PR_WORKFLOW, SmokeCheck, StagedPipeline, StagedPipelineProps,
};
pub use workflow::Workflow;
