//! The stackwright deploy runtime: reads a cloud assembly and makes AWS and Kubernetes match it.
//!
//! - [`plan`]: the assembly on disk, stack selection, dependency order, bounded concurrency and
//!   consumer parameters filled from producer outputs;
//! - [`preflight`]: the plan checked before anything changes, offline first, then with
//!   read-only calls; the runtime deploys only a [`preflight::Checked`] plan;
//! - [`interrupt`]: what a run created and has not finished with, cleaned up on SIGINT/SIGTERM;
//! - [`cfn`]: the CloudFormation engine (change sets, events, recovery, waits);
//! - [`eks`]: EKS tokens (presigned STS `GetCallerIdentity`) and cluster connection data;
//! - [`kubernetes`]: server-side apply in dependency order, readiness waits, pruning;
//! - [`diff`], [`destroy`]: what a deploy would change, and taking it all down again;
//! - [`drift`]: what changed behind the program's back (CloudFormation drift detection, and
//!   the Kubernetes fields the field manager `stackwright` owns);
//! - [`local`]: the `--local` switch for trying a program on an emulator on this machine;
//! - [`cli`]: the `diff | deploy | destroy | drift` command line every stackwright program gets.
//!
//! Everything on the wire goes through [`retry`] (backoff with full jitter, a budget of
//! attempts and time) with the SDK's own retries off; every wait has a timeout.
//!
//! Modules use only modules of a lower layer (no import cycles, at any level):
//! `error`, `progress`, `interrupt` < `retry`, `plan`, `local` < `aws`, `kubernetes` < `eks`, `cfn` <
//! `preflight` < `runtime` < `diff`, `destroy`, `drift` < `cli`.

pub mod aws;
pub mod cfn;
pub mod cli;
mod deletion_protection;
pub mod destroy;
pub mod diff;
pub mod drift;
pub mod eks;
pub mod error;
mod import_check;
pub mod interrupt;
pub mod kubernetes;
pub mod local;
pub mod lookup;
mod no_resources;
pub mod plan;
pub mod preflight;
pub mod progress;
mod read_only;
mod refactor;
pub mod retry;
pub mod runtime;

pub use error::{Error, Result};
