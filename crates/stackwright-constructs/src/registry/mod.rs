//! Container registries: [`EcrRepo`], a private ECR repository (or a reference to an existing
//! one: `EcrRepo::from_name`, `EcrRepo::from_arn`) that hands out typed
//! [`ContainerImage`](crate::ContainerImage)s and grants pull and push.
//!
//! Imports only [`crate::workload`] (the image type), [`crate::iam`] and the crate's internals.

mod ecr_repo;

pub use ecr_repo::{EcrEncryption, EcrRepo, EcrRepoProps, LifecycleRule, PULL_ACTIONS, PUSH_ACTIONS, TagMutability};
