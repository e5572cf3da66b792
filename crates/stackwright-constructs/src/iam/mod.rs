//! IAM helpers: typed policy documents with least-privilege checks.

mod policy;

pub use policy::{Condition, Effect, PolicyDocument, Principal, Statement};
