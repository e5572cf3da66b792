//! The CloudFormation engine: one stack at a time, through change sets.
//!
//! ```text
//! describe ─▶ in progress? wait for it ─▶ ROLLBACK_COMPLETE? delete, then create
//!          ─▶ UPDATE_ROLLBACK_FAILED? explain (or continue the rollback when asked)
//!          ─▶ template, parameters and tags unchanged? done, nothing executed
//!          ─▶ create change set ─▶ no changes? delete it, done
//!          ─▶ show it ─▶ approval ─▶ execute ─▶ stream events until a final status
//!          ─▶ failed? the root cause: the first failed resource, its construct path and reason
//! ```
//!
//! The [`Engine`] is defined here; its steps live in the private children, which depend on
//! each other in one direction only: `events` (reading and showing stack events, the root
//! cause of a failure) ◀ `stack` (status, waits, recovery, delete) ◀ `orphans` (change sets of
//! interrupted runs, and the names that tell them) ◀ `change_set` (which also uses `template`)
//! ◀ `compare` (how two templates differ), `security` (what a change adds to who may do what)
//! ◀ `render` (the one rendering of a change set, for `diff` and `deploy`) ◀ `deploy` (which
//! also uses `approval`); `options` uses `approval`.

use stackwright_core::assembly::StackEntry;

use std::future::Future;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::aws::RegionClients;
use crate::error::{Error, Result};
use crate::interrupt::Ledger;
use crate::progress::Progress;
use crate::progress::style::{NAME, paint};
use crate::retry::{Call, Retrying, retry};

mod approval;
mod change_set;
mod compare;
mod deploy;
mod events;
mod import;
mod options;
mod orphans;
mod refactor;
mod render;
mod rewire;
mod security;
mod stack;
mod template;

pub use approval::{Approval, Approver};
pub use change_set::ResourceChange;
pub use compare::{complete, template_diff};
pub use deploy::{Action, Deployed};
pub use events::StackEvent;
pub use import::{ImportPlan, import_plan};
pub use options::CfnOptions;
pub use refactor::{RefactorPlan, refactor_plan};
pub use render::render_changes;
pub use rewire::{NewParameter, Rewiring, Side, ValueFrom, with_outputs, with_parameters};
pub use security::{Broadening, RuleAdded, StatementAdded};
pub use stack::StackInfo;
pub(crate) use template::{MAX_TEMPLATE_BODY, inline_body};

/// Deploys and destroys one stack.
pub struct Engine<'a> {
    /// The clients of the stack's region.
    pub clients: &'a RegionClients,
    /// The stack as the assembly describes it.
    pub entry: &'a StackEntry,
    /// Timing and approval.
    pub options: &'a CfnOptions,
    /// Where events and status go.
    pub progress: &'a Progress,
    /// Where the change sets this run creates are recorded until they are executed or deleted
    /// (what an interrupt cleans up).
    pub ledger: &'a Ledger,
}

impl Engine<'_> {
    pub(crate) fn cfn(&self) -> &aws_sdk_cloudformation::Client {
        &self.clients.cloudformation
    }

    fn name(&self) -> &str {
        &self.entry.stack_name
    }

    pub(crate) fn say(&self, text: impl AsRef<str>) {
        let id = paint(NAME, &self.entry.id, self.progress.styled());
        self.progress.line(format!("{id}: {}", text.as_ref()));
    }

    /// A CloudFormation call, retried by the policy of the options; every retry is shown on the
    /// progress output, named by the stack, and errors name the endpoint where it matters.
    pub(crate) async fn call<T, E, F, Fut>(&self, operation: &'static str, f: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let endpoint = self.clients.endpoint("cloudformation");
        let call = Call { service: "CloudFormation", operation, endpoint: &endpoint };
        retry(&self.options.retry, &call, &|r| self.retrying(r), f).await
    }

    /// Shows a retry: a line, and the stack's spinner says what it waits for.
    fn retrying(&self, r: &Retrying) {
        self.say(r.to_string());
        self.progress.status(
            &self.entry.id,
            format!(
                "retrying {} ({} of {}) in {:.1} s",
                r.operation,
                r.attempt + 1,
                r.max_attempts,
                r.wait.as_secs_f64()
            ),
        );
    }

    /// An error of this stack with `message`.
    pub(crate) fn fail(&self, message: impl Into<String>) -> Error {
        Error::Stack { stack: self.entry.id.clone(), message: message.into() }
    }
}
