//! When a change set needs a human's yes, and asking for it.

use std::io::IsTerminal;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::progress::Progress;

/// When a change set needs a human's yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Approval {
    /// Never ask.
    Never,
    /// Ask when IAM or security-group resources are added or changed (the default).
    #[default]
    Broadening,
    /// Ask for every change.
    Any,
}

/// Asks a human; at most one question at a time across all stacks.
#[derive(Debug, Default)]
pub struct Approver {
    lock: tokio::sync::Mutex<()>,
}

impl Approver {
    /// `Ok(())` when the change may go ahead: asks on the terminal, one stack at a time.
    ///
    /// # Errors
    ///
    /// [`Error::ApprovalRequired`] when there is no terminal to ask, or the answer is not yes.
    pub async fn approve(&self, stack: &str, why: &str, progress: &Progress) -> Result<()> {
        let _turn = self.lock.lock().await;
        if !std::io::stdin().is_terminal() {
            return Err(Error::ApprovalRequired(format!(
                "stack {stack}: {why} need approval, and there is no terminal to ask\n  \
                 hint: review them with `diff`, then rerun with --yes (or --require-approval never)"
            )));
        }
        // The spinners are hidden while the question is on the screen, so that the answer is
        // typed after it; an interrupt drops this future, and the run clears the screen.
        progress.pause();
        progress.ask(&format!("{stack}: {why} need approval. Deploy? [y/N] "));
        let answer = crate::progress::read_answer().await;
        progress.resume();
        if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            Ok(())
        } else {
            Err(Error::ApprovalRequired(format!("stack {stack}: not approved; nothing was changed")))
        }
    }
}
