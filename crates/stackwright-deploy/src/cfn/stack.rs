//! A stack's status: describing it, waiting for it, bringing it out of the states a deploy
//! cannot start from, deleting it, and explaining a failure.

use std::collections::BTreeMap;
use std::time::Instant;

use super::Engine;
use super::events::{StackEvent, Tally, root_cause, update_rollback_failed_help};
use crate::error::{Error, Result};

/// A stack as `DescribeStacks` shows it.
#[derive(Debug, Clone, Default)]
pub struct StackInfo {
    /// The stack's ARN (stays valid after the stack is deleted, unlike its name).
    pub stack_id: String,
    /// The stack status, e.g. `UPDATE_COMPLETE`.
    pub status: String,
    /// CloudFormation's reason for the status, when it gives one.
    pub reason: Option<String>,
    /// The deployed parameter values, by name.
    pub parameters: BTreeMap<String, String>,
    /// The stack's tags.
    pub tags: BTreeMap<String, String>,
    /// The stack's outputs, by name.
    pub outputs: BTreeMap<String, String>,
    /// Whether termination protection is on.
    pub termination_protection: bool,
}

impl StackInfo {
    /// Whether an operation is running (a change set under review does not count).
    #[must_use]
    pub fn in_progress(&self) -> bool {
        self.status.ends_with("_IN_PROGRESS") && self.status != "REVIEW_IN_PROGRESS"
    }
}

impl Engine<'_> {
    /// The stack, or `None` when it does not exist (or was deleted).
    ///
    /// # Errors
    ///
    /// The error of `DescribeStacks` (other than "does not exist") when retrying cannot help.
    pub async fn describe(&self, name_or_id: &str) -> Result<Option<StackInfo>> {
        let result = self.call("DescribeStacks", || self.cfn().describe_stacks().stack_name(name_or_id).send()).await;
        let out = match result {
            Ok(out) => out,
            Err(Error::Aws { message, .. }) if message.contains("does not exist") => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let Some(s) = out.stacks().first() else {
            return Ok(None);
        };
        let status = s.stack_status().map(|s| s.as_str().to_string()).unwrap_or_default();
        if status == "DELETE_COMPLETE" {
            return Ok(None);
        }
        Ok(Some(StackInfo {
            stack_id: s.stack_id().unwrap_or_default().to_string(),
            status,
            reason: s.stack_status_reason().map(str::to_string),
            parameters: s
                .parameters()
                .iter()
                .map(|p| {
                    (
                        p.parameter_key().unwrap_or_default().to_string(),
                        p.parameter_value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            tags: s
                .tags()
                .iter()
                .map(|t| (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string()))
                .collect(),
            outputs: s
                .outputs()
                .iter()
                .map(|o| {
                    (o.output_key().unwrap_or_default().to_string(), o.output_value().unwrap_or_default().to_string())
                })
                .collect(),
            termination_protection: s.enable_termination_protection().unwrap_or(false),
        }))
    }

    /// Polls until the stack is no longer in progress, showing events after `since`.
    /// Returns the final state (`None`: deleted) and the events seen.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] after [`CfnOptions::stack_timeout`](super::CfnOptions::stack_timeout);
    /// the errors of the calls.
    pub async fn wait(
        &self,
        stack_id: &str,
        since: Option<String>,
        what: &str,
    ) -> Result<(Option<StackInfo>, Vec<StackEvent>)> {
        self.wait_counting(stack_id, since, what, None).await
    }

    /// [`Engine::wait`] for an operation on `total` resources: each event line and the spinner
    /// say how many are done (`3/12`) and the time since the wait began.
    ///
    /// # Errors
    ///
    /// As [`Engine::wait`].
    pub async fn wait_counting(
        &self,
        stack_id: &str,
        mut since: Option<String>,
        what: &str,
        total: Option<usize>,
    ) -> Result<(Option<StackInfo>, Vec<StackEvent>)> {
        let start = Instant::now();
        let mut interval = self.options.poll;
        let mut seen: Vec<StackEvent> = Vec::new();
        let mut ids = std::collections::HashSet::new();
        let mut tally = Tally::new(total, self.name());
        // Every event once, even from an API that pages oddly (moto lists oldest first).
        let mut take = |events: Vec<StackEvent>, seen: &mut Vec<StackEvent>| {
            for e in events {
                if ids.insert(e.event_id.clone()) {
                    tally.record(&e);
                    self.show_event(&e, &tally);
                    seen.push(e);
                }
            }
        };
        loop {
            let events = self.events_since(stack_id, since.as_deref()).await?;
            if let Some(last) = events.last() {
                since = Some(last.event_id.clone());
            }
            take(events, &mut seen);
            let info = self.describe(stack_id).await?;
            match &info {
                Some(i) if i.in_progress() => {}
                _ => {
                    // Events written between the last poll and the final status (a deleted
                    // stack's events stay readable by its id for a while; if not, never mind).
                    if let Ok(late) = self.events_since(stack_id, since.as_deref()).await {
                        take(late, &mut seen);
                    }
                    return Ok((info, seen));
                }
            }
            if start.elapsed() > self.options.stack_timeout {
                return Err(Error::Timeout {
                    what: format!("{what} of stack {} ({})", self.entry.id, self.name()),
                    timeout: self.options.stack_timeout,
                });
            }
            tokio::time::sleep(interval).await;
            interval = (interval * 3 / 2).min(self.options.max_poll);
        }
    }

    pub(super) fn failure(&self, info: Option<&StackInfo>, events: &[StackEvent], doing: &str) -> Error {
        let status = info.map(|i| i.status.as_str()).unwrap_or("DELETED");
        let mut message = format!("{doing} failed; the stack is {status}");
        match root_cause(events, &self.entry.stack_name) {
            Some(cause) => message.push_str(&format!("\n  root cause: {cause}")),
            None => {
                if let Some(reason) = info.and_then(|i| i.reason.as_deref()) {
                    message.push_str(&format!("\n  reason: {reason}"));
                }
            }
        }
        if status == "UPDATE_ROLLBACK_FAILED" {
            message.push_str(&format!("\n{}", update_rollback_failed_help(self.name())));
        } else {
            message.push_str(&failure_hint(status));
        }
        self.fail(message)
    }

    /// Brings a stack out of the states a deploy cannot start from. Returns the stack as it
    /// then is (`None`: it does not exist), and notes of what was done.
    ///
    /// # Errors
    ///
    /// [`Error::Stack`] for `UPDATE_ROLLBACK_FAILED` (unless the options continue the rollback, and
    /// then when that fails) and `DELETE_FAILED`, each with what to do; the errors of the waits
    /// and deletes it starts.
    pub async fn settle(&self, notes: &mut Vec<String>) -> Result<Option<StackInfo>> {
        let mut info = self.describe(self.name()).await?;
        if let Some(i) = &info
            && i.in_progress()
        {
            let note =
                format!("the stack is {} (another deploy, or an interrupted one): waiting for it to finish", i.status);
            self.say(&note);
            notes.push(note);
            let since = self.newest_event(&i.stack_id).await?;
            info = self.wait(&i.stack_id, since, "the operation in progress").await?.0;
        }
        let Some(i) = info else { return Ok(None) };
        match i.status.as_str() {
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" => {
                let note =
                    format!("the stack is {} after a failed first create: deleting it to create it again", i.status);
                self.say(&note);
                notes.push(note);
                self.delete(&i).await?;
                Ok(None)
            }
            "REVIEW_IN_PROGRESS" => Ok(Some(i)),
            "UPDATE_ROLLBACK_FAILED" if self.options.continue_rollback => {
                let note =
                    "the stack is UPDATE_ROLLBACK_FAILED: continuing the rollback (--continue-rollback)".to_string();
                self.say(&note);
                notes.push(note);
                let since = self.newest_event(&i.stack_id).await?;
                self.call("ContinueUpdateRollback", || {
                    self.cfn().continue_update_rollback().stack_name(&i.stack_id).send()
                })
                .await?;
                let (after, events) = self.wait(&i.stack_id, since, "the continued rollback").await?;
                match after {
                    Some(a) if a.status == "UPDATE_ROLLBACK_COMPLETE" => Ok(Some(a)),
                    other => Err(self.failure(other.as_ref(), &events, "continuing the rollback")),
                }
            }
            "UPDATE_ROLLBACK_FAILED" => Err(self.fail(format!(
                "the stack is UPDATE_ROLLBACK_FAILED{}\n{}",
                i.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
                update_rollback_failed_help(self.name())
            ))),
            "DELETE_FAILED" => Err(self.fail(format!(
                "the stack is DELETE_FAILED{}: a previous destroy did not finish\n  \
                 hint: fix or remove the resources named in the stack events, then run destroy again",
                i.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
            ))),
            _ => Ok(Some(i)),
        }
    }

    /// Deletes a stack and waits until it is gone; returns the events of the delete.
    ///
    /// # Errors
    ///
    /// [`Error::Stack`] when the delete fails (with the root cause); [`Error::Timeout`] and the
    /// errors of the calls.
    pub async fn delete(&self, info: &StackInfo) -> Result<Vec<StackEvent>> {
        let since = self.newest_event(&info.stack_id).await?;
        self.call("DeleteStack", || self.cfn().delete_stack().stack_name(&info.stack_id).send()).await?;
        let total = self.entry.resources.len();
        let (after, events) = self.wait_counting(&info.stack_id, since, "the delete", Some(total)).await?;
        match after {
            None => Ok(events),
            Some(a) => Err(self.failure(Some(&a), &events, "deleting the stack")),
        }
    }
}

/// What to do after a stack operation failed and CloudFormation ended in `status`.
fn failure_hint(status: &str) -> String {
    let what = if status.starts_with("DELETE") || status == "DELETED" {
        "fix the root cause (a resource that cannot be deleted, or one in use elsewhere), then run destroy again"
    } else if status.contains("ROLLBACK") {
        "CloudFormation rolled the change back; fix the root cause in the program or the account, then deploy again"
    } else {
        "fix the root cause in the program or the account, then run the same command again"
    };
    format!("\n  hint: {what}")
}

#[cfg(test)]
mod tests {
    use super::failure_hint;

    #[test]
    fn a_failure_says_what_to_do_for_the_state_it_left() {
        assert!(failure_hint("UPDATE_ROLLBACK_COMPLETE").contains("rolled the change back"));
        assert!(failure_hint("ROLLBACK_COMPLETE").contains("then deploy again"));
        assert!(failure_hint("DELETE_FAILED").contains("then run destroy again"));
        assert!(failure_hint("CREATE_FAILED").starts_with("\n  hint: fix the root cause"));
    }
}
