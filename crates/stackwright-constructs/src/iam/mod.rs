//! IAM: typed policy documents with least-privilege checks ([`PolicyDocument`]), and the
//! crate's internal helpers for service roles and ARNs.
//!
//! This module imports nothing else of the crate: every other module may use it.

pub(crate) mod arn;
mod policy;
mod reference;
pub(crate) mod service_role;

pub use policy::{
    Condition, Effect, PolicyDocument, Principal, Statement, WILDCARDS_METADATA, record_wildcard_reasons,
};
pub use reference::{IamRoleRef, KmsKeyRef};
