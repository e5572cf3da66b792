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

use crate::aws::RegionClients;
use crate::error::Error;
use crate::interrupt::Ledger;
use crate::progress::Progress;
use crate::progress::style::{NAME, paint};

mod approval;
mod change_set;
mod compare;
mod deploy;
mod events;
mod options;
mod orphans;
mod render;
mod security;
mod stack;
mod template;

pub use approval::{Approval, Approver};
pub use change_set::ResourceChange;
pub use compare::{complete, template_diff};
pub use deploy::{Action, Deployed};
pub use events::StackEvent;
pub use options::CfnOptions;
pub use render::render_changes;
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
    fn cfn(&self) -> &aws_sdk_cloudformation::Client {
        &self.clients.cloudformation
    }

    fn name(&self) -> &str {
        &self.entry.stack_name
    }

    fn say(&self, text: impl AsRef<str>) {
        let id = paint(NAME, &self.entry.id, self.progress.styled());
        self.progress.line(format!("{id}: {}", text.as_ref()));
    }

    fn fail(&self, message: impl Into<String>) -> Error {
        Error::Stack { stack: self.entry.id.clone(), message: message.into() }
    }
}
