//! GitHub Actions delivery, synthesized from the same program as the infrastructure:
//!
//! - [`workflow`]: a typed model of workflow files (triggers, permissions, jobs, steps);
//! - [`actions`]: the actions the workflows use, pinned by commit SHA;
//! - [`access`]: GitHub's OIDC provider and the diff and deploy roles (no long-lived keys);
//! - [`pipeline`]: [`GitHubPipeline`], which creates the roles and writes the pull-request,
//!   deploy and application workflows into the cloud assembly (`.github/workflows/`).

pub mod access;
pub mod actions;
pub mod pipeline;
pub mod workflow;

pub use access::{ClusterTarget, GitHubAccess, GitHubAccessProps, GitHubRepository, OidcProviderSource};
pub use pipeline::{AppDelivery, GitHubPipeline, GitHubPipelineProps};
pub use workflow::Workflow;
