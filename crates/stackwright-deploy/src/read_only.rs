//! What the read-only commands (`diff`, `drift`) share: the stacks they look at — the
//! selection resolved offline, then the credentials checked against each environment's
//! account — and the per-stack results gathered into their report, failures recorded.

use std::sync::Arc;

use crate::error::Error;
use crate::plan::{Assembly, Extend, NodeResult};
use crate::preflight::Plan;
use crate::runtime::{Failure, Runtime, record_failure};

/// Where a read-only report records what went wrong.
pub(crate) struct Failures<'a> {
    /// The report's failed targets.
    pub(crate) failed: &'a mut Vec<Failure>,
    /// The report's errors.
    pub(crate) errors: &'a mut Vec<Error>,
}

impl Runtime {
    /// The stacks matching `patterns` (every stack when none), exactly, once the credentials
    /// are known to be for their environments' accounts; `None` after recording why not.
    pub(crate) async fn read_only_selection(
        &self,
        assembly: &Arc<Assembly>,
        patterns: &[String],
        failures: Failures<'_>,
    ) -> Option<Vec<String>> {
        let selected = match Plan::offline(assembly.clone(), patterns, Extend::Exactly, false, &|_| None) {
            Ok(plan) => plan.stacks().to_vec(),
            Err(e) => {
                failures.errors.push(e);
                return None;
            }
        };
        if let Err(e) = self.check_accounts(assembly, &selected).await {
            record_failure(failures.failed, failures.errors, "account", e);
            return None;
        }
        Some(selected)
    }
}

/// Each stack's result into `done`, each failure recorded (skipped stacks: nothing waits in a
/// read-only run, so none are).
pub(crate) fn gather<T>(results: Vec<(String, NodeResult<T>)>, done: &mut Vec<T>, failures: Failures<'_>) {
    for (id, r) in results {
        match r {
            NodeResult::Done(d) => done.push(d),
            NodeResult::Failed(e) => record_failure(failures.failed, failures.errors, &id, e.in_stack(&id)),
            NodeResult::Skipped { .. } => {}
        }
    }
}
