//! Delivery: how the application and the infrastructure get from a repository into the
//! account — the GitHub pipeline, its IAM roles and the workflow files ([`github`]).
//!
//! Imports only [`crate::iam`]; nothing else depends on it.

pub mod github;
