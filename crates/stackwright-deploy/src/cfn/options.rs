//! How long the engine polls and waits, and when it asks before executing a change set.

use std::time::Duration;

use super::approval::Approval;
use crate::retry::RetryPolicy;

/// Timing and behaviour of the engine.
#[derive(Debug, Clone)]
pub struct CfnOptions {
    /// The first interval between two polls of a stack or change set; it grows by half each
    /// poll up to `max_poll`. Default 2 s.
    pub poll: Duration,
    /// The longest interval between two polls. Default 10 s.
    pub max_poll: Duration,
    /// How long one stack operation (or the wait for someone else's) may take. Default 1 hour.
    pub stack_timeout: Duration,
    /// How long creating a change set may take. Default 10 minutes.
    pub change_set_timeout: Duration,
    /// When a change set needs a human's yes. Default [`Approval::Broadening`].
    pub approval: Approval,
    /// Approve everything without asking. Default `false`.
    pub yes: bool,
    /// Run `ContinueUpdateRollback` on a stack in `UPDATE_ROLLBACK_FAILED`. Default `false`.
    pub continue_rollback: bool,
    /// Retries of every CloudFormation call. Default [`RetryPolicy::default`].
    pub retry: RetryPolicy,
    /// Turn termination protection on and off as the assembly says (on for the stacks of
    /// production environments). Default `true`; `false` with `--local`
    /// ([`crate::local`]): moto lacks `UpdateTerminationProtection`, and a protected stack
    /// could not be destroyed again. Each stack that would have it says it was skipped.
    pub termination_protection: bool,
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
            termination_protection: true,
        }
    }
}
