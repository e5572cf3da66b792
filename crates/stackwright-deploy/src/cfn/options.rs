//! How long the engine polls and waits, and when it asks before executing a change set.

use std::time::Duration;

use super::approval::Approval;
use crate::retry::RetryPolicy;

/// Timing and behaviour of the engine.
#[derive(Debug, Clone)]
pub struct CfnOptions {
    /// First and longest interval between two polls of a stack or change set.
    pub poll: Duration,
    pub max_poll: Duration,
    /// How long one stack operation (or the wait for someone else's) may take.
    pub stack_timeout: Duration,
    /// How long creating a change set may take.
    pub change_set_timeout: Duration,
    pub approval: Approval,
    /// Approve everything without asking.
    pub yes: bool,
    /// Run `ContinueUpdateRollback` on a stack in `UPDATE_ROLLBACK_FAILED`.
    pub continue_rollback: bool,
    /// Create and describe the change set, but never execute it (diff).
    pub retry: RetryPolicy,
}

impl Default for CfnOptions {
    fn default() -> Self {
        CfnOptions {
            poll: Duration::from_secs(2),
            max_poll: Duration::from_secs(10),
            stack_timeout: Duration::from_secs(3600),
            change_set_timeout: Duration::from_secs(600),
            approval: Approval::default(),
            yes: false,
            continue_rollback: false,
            retry: RetryPolicy::default(),
        }
    }
}
