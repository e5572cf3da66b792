//! Interrupts: the [`Ledger`] of what a run created in AWS and has not finished with, so that a
//! first SIGINT or SIGTERM can delete what was never executed and say what goes on without us,
//! and a second one can say what was left behind; [`Signals`] counts the signals.
//!
//! A change set is recorded *before* `CreateChangeSet` is sent (its name is chosen first), so an
//! interrupt that lands while the request is on the wire still finds it; deleting a change set
//! that does not exist, or that was executed, fails harmlessly.

use std::sync::Mutex;
use std::time::Duration;

use tokio::task::JoinSet;

/// Where a recorded change set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Created (or being created), not executed: deleted on interrupt.
    Created,
    /// `ExecuteChangeSet` was sent: the operation goes on in AWS whatever we do.
    Executing,
}

#[derive(Debug, Clone)]
struct Entry {
    client: aws_sdk_cloudformation::Client,
    /// The stack's id in the assembly.
    stack: String,
    stack_name: String,
    change_set: String,
    /// The stack did not exist: the change set's creation made an empty `REVIEW_IN_PROGRESS`
    /// stack, which is deleted with it.
    new_stack: bool,
    state: State,
}

/// What this run created in AWS and has not finished with; shared by every task of a run.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: Mutex<Vec<Entry>>,
}

impl Ledger {
    /// Records a change set about to be created.
    pub(crate) fn created(
        &self,
        client: &aws_sdk_cloudformation::Client,
        stack: &str,
        stack_name: &str,
        change_set: &str,
        new_stack: bool,
    ) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.push(Entry {
                client: client.clone(),
                stack: stack.to_string(),
                stack_name: stack_name.to_string(),
                change_set: change_set.to_string(),
                new_stack,
                state: State::Created,
            });
        }
    }

    /// Records that `ExecuteChangeSet` is about to be sent for the change set.
    pub(crate) fn executing(&self, stack_name: &str, change_set: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            for e in entries.iter_mut().filter(|e| e.is(stack_name, change_set)) {
                e.state = State::Executing;
            }
        }
    }

    /// Forgets a change set: deleted, or executed and waited for to the end.
    pub(crate) fn finished(&self, stack_name: &str, change_set: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|e| !e.is(stack_name, change_set));
        }
    }

    fn snapshot(&self) -> Vec<Entry> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// What is left behind if the process ends now, one line each (empty: nothing).
    #[must_use]
    pub fn left_behind(&self) -> Vec<String> {
        self.snapshot().iter().map(Entry::left_behind).collect()
    }

    /// Deletes every change set this run created and never executed (and the empty stack of a
    /// first create), each with one attempt, all within `within`.
    pub async fn clean_up(&self, within: Duration) -> CleanUp {
        let mut tasks = JoinSet::new();
        for entry in self.snapshot() {
            tasks.spawn(async move {
                let outcome = entry.clean_up().await;
                (entry, outcome)
            });
        }
        let mut report = CleanUp::default();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, tasks.join_next()).await {
                Ok(Some(Ok((entry, outcome)))) => {
                    self.finished(&entry.stack_name, &entry.change_set);
                    match outcome {
                        Outcome::Done(line) => report.done.push(line),
                        Outcome::Continues(line) => report.continues.push(line),
                        Outcome::Left(line) => report.left_behind.push(line),
                    }
                }
                Ok(Some(Err(_))) => {}
                Ok(None) => break,
                Err(_) => {
                    tasks.abort_all();
                    report.left_behind.extend(self.left_behind().into_iter().map(|l| format!("{l} (no time left)")));
                    break;
                }
            }
        }
        report
    }
}

/// What an interrupt's clean-up did, one line per change set in each list.
#[derive(Debug, Default)]
pub struct CleanUp {
    /// Deleted: change sets never executed, empty stacks of a first create.
    pub done: Vec<String>,
    /// Operations already started, which CloudFormation finishes (or rolls back) on its own.
    pub continues: Vec<String>,
    /// What could not be deleted, with the command that deletes it.
    pub left_behind: Vec<String>,
}

enum Outcome {
    Done(String),
    Continues(String),
    Left(String),
}

impl Entry {
    /// The change set named `change_set` (its name, or its ARN `…:changeSet/<name>/<uuid>`).
    fn is(&self, stack_name: &str, change_set: &str) -> bool {
        self.stack_name == stack_name
            && (self.change_set == change_set || change_set.contains(&format!(":changeSet/{}/", self.change_set)))
    }

    fn left_behind(&self) -> String {
        match self.state {
            State::Created if self.new_stack => format!(
                "stack {} ({}): change set {} and the empty REVIEW_IN_PROGRESS stack it made are left behind\n      \
                 delete them: aws cloudformation delete-stack --stack-name {}",
                self.stack, self.stack_name, self.change_set, self.stack_name
            ),
            State::Created => format!(
                "stack {} ({}): change set {} is left behind (never executed)\n      \
                 delete it: aws cloudformation delete-change-set --stack-name {} --change-set-name {}",
                self.stack, self.stack_name, self.change_set, self.stack_name, self.change_set
            ),
            State::Executing => self.continues(),
        }
    }

    fn continues(&self) -> String {
        format!(
            "stack {} ({}): change set {} is executing; CloudFormation finishes (or rolls back) on its own\n      \
             run the same command again to wait for it and converge",
            self.stack, self.stack_name, self.change_set
        )
    }

    /// Whether the change set is still waiting to be executed (`AVAILABLE`): the interrupt came
    /// before `ExecuteChangeSet` reached AWS. When that cannot be read, it is assumed executing.
    async fn still_available(&self) -> bool {
        let described = self
            .client
            .describe_change_set()
            .stack_name(&self.stack_name)
            .change_set_name(&self.change_set)
            .send()
            .await;
        described.ok().and_then(|d| d.execution_status().map(|s| s.as_str() == "AVAILABLE")).unwrap_or(false)
    }

    /// One attempt at deleting the change set (and the empty stack).
    async fn clean_up(&self) -> Outcome {
        if self.state == State::Executing && !self.still_available().await {
            // `ExecuteChangeSet` reached AWS: the operation is CloudFormation's now.
            return Outcome::Continues(self.continues());
        }
        let deleted =
            self.client.delete_change_set().stack_name(&self.stack_name).change_set_name(&self.change_set).send().await;
        if self.new_stack {
            let status = self
                .client
                .describe_stacks()
                .stack_name(&self.stack_name)
                .send()
                .await
                .ok()
                .and_then(|o| o.stacks().first().and_then(|s| s.stack_status().map(|s| s.as_str().to_string())));
            if status.as_deref() == Some("REVIEW_IN_PROGRESS") {
                return match self.client.delete_stack().stack_name(&self.stack_name).send().await {
                    Ok(_) => Outcome::Done(format!(
                        "stack {} ({}): deleted change set {} and the empty stack it made",
                        self.stack, self.stack_name, self.change_set
                    )),
                    Err(e) => Outcome::Left(format!("{} ({e})", self.left_behind())),
                };
            }
        }
        match deleted {
            Ok(_) => Outcome::Done(format!(
                "stack {} ({}): deleted change set {} (never executed)",
                self.stack, self.stack_name, self.change_set
            )),
            // It was never created (the interrupt came before CreateChangeSet reached AWS).
            Err(e) if format!("{e:?}").contains("ChangeSetNotFound") => {
                Outcome::Done(format!("stack {} ({}): no change set was created", self.stack, self.stack_name))
            }
            Err(e) => Outcome::Left(format!("{} ({e})", self.left_behind())),
        }
    }
}

/// SIGINT and SIGTERM, counted: the first asks the run to stop, a second to exit at once.
#[derive(Debug)]
pub struct Signals {
    rx: tokio::sync::mpsc::UnboundedReceiver<&'static str>,
}

impl Signals {
    /// Starts listening (on the current Tokio runtime).
    ///
    /// # Errors
    ///
    /// The operating system's error when a handler cannot be installed.
    pub fn listen() -> std::io::Result<Signals> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            for (kind, name) in [(SignalKind::interrupt(), "SIGINT"), (SignalKind::terminate(), "SIGTERM")] {
                let mut s = signal(kind)?;
                let tx = tx.clone();
                tokio::spawn(async move {
                    while s.recv().await.is_some() {
                        if tx.send(name).is_err() {
                            return;
                        }
                    }
                });
            }
        }
        #[cfg(not(unix))]
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if tx.send("Ctrl-C").is_err() {
                    return;
                }
            }
        });
        Ok(Signals { rx })
    }

    /// Waits for the next signal; its name.
    pub async fn next(&mut self) -> &'static str {
        match self.rx.recv().await {
            Some(name) => name,
            None => std::future::pending().await,
        }
    }
}
