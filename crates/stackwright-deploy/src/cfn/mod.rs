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

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::types::TemplateStage;
use serde::Serialize;
use stackwright_core::assembly::StackEntry;

mod change_set;

pub use change_set::{ResourceChange, is_security_property, is_security_type};

use crate::aws::RegionClients;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::retry::{RetryPolicy, retry};

/// The largest template CloudFormation accepts inline (`TemplateBody`).
pub const MAX_TEMPLATE_BODY: usize = 51_200;

/// The template as sent: as synthesized when it fits, else without whitespace (the same JSON;
/// deployed templates are compared parsed). `Err(size)` when even that is too large.
pub fn inline_body(template: &str) -> std::result::Result<String, usize> {
    if template.len() <= MAX_TEMPLATE_BODY {
        return Ok(template.to_string());
    }
    let compact = serde_json::from_str::<serde_json::Value>(template)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| template.to_string());
    if compact.len() <= MAX_TEMPLATE_BODY { Ok(compact) } else { Err(compact.len()) }
}

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

/// A stack as `DescribeStacks` shows it.
#[derive(Debug, Clone, Default)]
pub struct StackInfo {
    pub stack_id: String,
    pub status: String,
    pub reason: Option<String>,
    pub parameters: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, String>,
    pub termination_protection: bool,
}

impl StackInfo {
    pub fn in_progress(&self) -> bool {
        self.status.ends_with("_IN_PROGRESS") && self.status != "REVIEW_IN_PROGRESS"
    }
}

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackEvent {
    pub event_id: String,
    pub timestamp: String,
    pub logical_id: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl StackEvent {
    pub fn failed(&self) -> bool {
        self.status.ends_with("_FAILED")
    }
}

/// What deploying a stack did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Created,
    Updated,
    /// Nothing to do: template, parameters and tags were those deployed.
    Unchanged,
}

/// The result of deploying one stack.
#[derive(Debug, Clone, Serialize)]
pub struct Deployed {
    pub stack: String,
    pub stack_name: String,
    pub action: Action,
    pub changes: Vec<ResourceChange>,
    pub outputs: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Asks a human; at most one question at a time across all stacks.
#[derive(Debug, Default)]
pub struct Approver {
    lock: tokio::sync::Mutex<()>,
}

impl Approver {
    /// `Ok(())` when the change may go ahead.
    pub async fn approve(&self, stack: &str, why: &str, progress: &Progress) -> Result<()> {
        let _turn = self.lock.lock().await;
        if !std::io::stdin().is_terminal() {
            return Err(Error::ApprovalRequired(format!(
                "stack {stack}: {why} need approval, and there is no terminal to ask\n  \
                 hint: review them with `diff`, then rerun with --yes (or --require-approval never)"
            )));
        }
        progress.line(format!("{stack}: {why} need approval. Deploy? [y/N] "));
        let answer = crate::progress::read_answer().await;
        if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            Ok(())
        } else {
            Err(Error::ApprovalRequired(format!("stack {stack}: not approved; nothing was changed")))
        }
    }
}

/// Deploys and destroys one stack.
pub struct Engine<'a> {
    pub clients: &'a RegionClients,
    pub entry: &'a StackEntry,
    pub options: &'a CfnOptions,
    pub progress: &'a Progress,
}

impl Engine<'_> {
    fn cfn(&self) -> &aws_sdk_cloudformation::Client {
        &self.clients.cloudformation
    }

    fn name(&self) -> &str {
        &self.entry.stack_name
    }

    fn say(&self, text: impl AsRef<str>) {
        self.progress.line(format!("{}: {}", self.entry.id, text.as_ref()));
    }

    fn fail(&self, message: impl Into<String>) -> Error {
        Error::Stack { stack: self.entry.id.clone(), message: message.into() }
    }

    /// The stack, or `None` when it does not exist (or was deleted).
    pub async fn describe(&self, name_or_id: &str) -> Result<Option<StackInfo>> {
        let result = retry(&self.options.retry, "CloudFormation", "DescribeStacks", || {
            self.cfn().describe_stacks().stack_name(name_or_id).send()
        })
        .await;
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

    /// Events newer than `since` (an event id), oldest first. Without `since`: all of them.
    pub async fn events_since(&self, stack_id: &str, since: Option<&str>) -> Result<Vec<StackEvent>> {
        let mut events = Vec::new();
        let mut token: Option<String> = None;
        'pages: loop {
            let out = retry(&self.options.retry, "CloudFormation", "DescribeStackEvents", || {
                self.cfn().describe_stack_events().stack_name(stack_id).set_next_token(token.clone()).send()
            })
            .await?;
            for e in out.stack_events() {
                let id = e.event_id().unwrap_or_default();
                if Some(id) == since {
                    break 'pages;
                }
                let logical_id = e.logical_resource_id().unwrap_or_default().to_string();
                events.push(StackEvent {
                    event_id: id.to_string(),
                    timestamp: e.timestamp().map(|t| t.to_string()).unwrap_or_default(),
                    path: self.entry.resources.get(&logical_id).map(|r| r.path.clone()),
                    logical_id,
                    resource_type: e.resource_type().unwrap_or_default().to_string(),
                    status: e.resource_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    reason: e.resource_status_reason().filter(|r| !r.is_empty()).map(str::to_string),
                });
            }
            match out.next_token() {
                Some(t) if since.is_some() && !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        events.reverse();
        Ok(events)
    }

    fn show_event(&self, e: &StackEvent) {
        let what = match &e.path {
            Some(p) => format!("{p} ({})", e.logical_id),
            None => e.logical_id.clone(),
        };
        let mut line = format!("{:<20} {what} {}", e.status, e.resource_type);
        if let Some(r) = &e.reason {
            line.push_str(&format!(": {r}"));
        }
        self.say(line);
        self.progress.status(&self.entry.id, format!("{} {}", e.status, e.logical_id));
    }

    /// The newest event id (where the next operation's events begin).
    async fn newest_event(&self, stack_id: &str) -> Result<Option<String>> {
        let out = retry(&self.options.retry, "CloudFormation", "DescribeStackEvents", || {
            self.cfn().describe_stack_events().stack_name(stack_id).send()
        })
        .await?;
        Ok(out.stack_events().first().and_then(|e| e.event_id()).map(str::to_string))
    }

    /// Polls until the stack is no longer in progress, showing events after `since`.
    /// Returns the final state (`None`: deleted) and the events seen.
    pub async fn wait(
        &self,
        stack_id: &str,
        mut since: Option<String>,
        what: &str,
    ) -> Result<(Option<StackInfo>, Vec<StackEvent>)> {
        let start = Instant::now();
        let mut interval = self.options.poll;
        let mut seen: Vec<StackEvent> = Vec::new();
        let mut ids = std::collections::HashSet::new();
        // Every event once, even from an API that pages oddly (moto lists oldest first).
        let mut take = |events: Vec<StackEvent>, seen: &mut Vec<StackEvent>| {
            for e in events {
                if ids.insert(e.event_id.clone()) {
                    self.show_event(&e);
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

    fn failure(&self, info: Option<&StackInfo>, events: &[StackEvent], doing: &str) -> Error {
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
        }
        self.fail(message)
    }

    /// Brings a stack out of the states a deploy cannot start from. Returns the stack as it
    /// then is (`None`: it does not exist), and notes of what was done.
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
                retry(&self.options.retry, "CloudFormation", "ContinueUpdateRollback", || {
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

    /// Deletes a stack and waits until it is gone.
    pub async fn delete(&self, info: &StackInfo) -> Result<Vec<StackEvent>> {
        let since = self.newest_event(&info.stack_id).await?;
        retry(&self.options.retry, "CloudFormation", "DeleteStack", || {
            self.cfn().delete_stack().stack_name(&info.stack_id).send()
        })
        .await?;
        let (after, events) = self.wait(&info.stack_id, since, "the delete").await?;
        match after {
            None => Ok(events),
            Some(a) => Err(self.failure(Some(&a), &events, "deleting the stack")),
        }
    }

    /// Whether the deployed stack already is what we would deploy.
    async fn unchanged(
        &self,
        info: &StackInfo,
        template: &serde_json::Value,
        parameters: &BTreeMap<String, String>,
    ) -> Result<bool> {
        if !matches!(info.status.as_str(), "CREATE_COMPLETE" | "UPDATE_COMPLETE") {
            return Ok(false);
        }
        if &info.parameters != parameters || info.tags != self.desired_tags() {
            return Ok(false);
        }
        let deployed = self.deployed_template(&info.stack_id).await?;
        Ok(deployed.as_ref() == Some(template))
    }

    /// The template of the deployed stack (as submitted), parsed.
    pub async fn deployed_template(&self, stack_id: &str) -> Result<Option<serde_json::Value>> {
        let out = retry(&self.options.retry, "CloudFormation", "GetTemplate", || {
            self.cfn().get_template().stack_name(stack_id).template_stage(TemplateStage::Original).send()
        })
        .await?;
        Ok(out.template_body().and_then(|b| serde_json::from_str(b).ok()))
    }

    fn desired_tags(&self) -> BTreeMap<String, String> {
        self.entry.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Deploys the stack with `template_body` and `parameters`.
    pub async fn deploy(
        &self,
        template_body: &str,
        parameters: &BTreeMap<String, String>,
        approver: &Approver,
    ) -> Result<Deployed> {
        let template: serde_json::Value =
            serde_json::from_str(template_body).map_err(|e| self.fail(format!("the template is not JSON: {e}")))?;
        let mut notes = Vec::new();
        self.progress.status(&self.entry.id, "checking");
        let existing = self.settle(&mut notes).await?;
        if let Some(info) = &existing
            && self.unchanged(info, &template, parameters).await?
        {
            self.protect(info).await?;
            self.progress.finish(&self.entry.id, "unchanged (template, parameters and tags are those deployed)");
            return Ok(self.deployed(Action::Unchanged, Vec::new(), info.outputs.clone(), notes));
        }
        let Some((change_set, changes)) = self.create_change_set(existing.as_ref(), template_body, parameters).await?
        else {
            let info = existing.ok_or_else(|| self.fail("an empty change set for a new stack"))?;
            self.protect(&info).await?;
            self.progress.finish(&self.entry.id, "unchanged (the change set was empty)");
            return Ok(self.deployed(Action::Unchanged, Vec::new(), info.outputs.clone(), notes));
        };
        self.say(format!("change set with {} change(s):", changes.len()));
        for c in &changes {
            self.say(format!("  {}", c.line()));
        }
        let why = match self.options.approval {
            Approval::Never => None,
            Approval::Any => (!changes.is_empty()).then(|| "the changes".to_string()),
            Approval::Broadening => {
                let security: Vec<&str> = changes
                    .iter()
                    .filter(|c| c.security && c.action != "Remove")
                    .map(|c| c.logical_id.as_str())
                    .collect();
                (!security.is_empty()).then(|| format!("IAM/security-group changes ({})", security.join(", ")))
            }
        };
        if let Some(why) = why
            && !self.options.yes
            && let Err(e) = approver.approve(&self.entry.id, &why, self.progress).await
        {
            self.delete_change_set(&change_set).await;
            return Err(e);
        }
        let stack_id = match &existing {
            Some(i) => i.stack_id.clone(),
            None => self.describe(self.name()).await?.map(|i| i.stack_id).unwrap_or_else(|| self.name().to_string()),
        };
        let since = self.newest_event(&stack_id).await?;
        let executed = retry(&self.options.retry, "CloudFormation", "ExecuteChangeSet", || {
            self.cfn().execute_change_set().stack_name(self.name()).change_set_name(&change_set).send()
        })
        .await;
        if let Err(e) = executed {
            // An earlier attempt whose answer was lost may have started the execution.
            let started = matches!(&e, Error::Aws { message, .. } if message.contains("InvalidChangeSetStatus"))
                && self.describe(&stack_id).await?.is_some_and(|i| i.in_progress() || i.status.ends_with("_COMPLETE"));
            if !started {
                return Err(e);
            }
        }
        let creating = existing.as_ref().is_none_or(|i| i.status == "REVIEW_IN_PROGRESS");
        let doing = if creating { "creating the stack" } else { "updating the stack" };
        let (info, events) = self.wait(&stack_id, since, doing).await?;
        let ok = matches!(info.as_ref().map(|i| i.status.as_str()), Some("CREATE_COMPLETE" | "UPDATE_COMPLETE"));
        if !ok {
            self.progress.finish(&self.entry.id, "failed");
            return Err(self.failure(info.as_ref(), &events, doing));
        }
        let info = info.unwrap_or_default();
        self.protect(&info).await?;
        let action = if creating { Action::Created } else { Action::Updated };
        self.progress.finish(&self.entry.id, format!("{action:?}").to_lowercase());
        Ok(self.deployed(action, changes, info.outputs.clone(), notes))
    }

    /// Turns termination protection on or off as the assembly says.
    async fn protect(&self, info: &StackInfo) -> Result<()> {
        if info.termination_protection == self.entry.termination_protection {
            return Ok(());
        }
        retry(&self.options.retry, "CloudFormation", "UpdateTerminationProtection", || {
            self.cfn()
                .update_termination_protection()
                .stack_name(&info.stack_id)
                .enable_termination_protection(self.entry.termination_protection)
                .send()
        })
        .await?;
        self.say(format!(
            "termination protection {}",
            if self.entry.termination_protection { "enabled" } else { "disabled" }
        ));
        Ok(())
    }

    fn deployed(
        &self,
        action: Action,
        changes: Vec<ResourceChange>,
        outputs: BTreeMap<String, String>,
        notes: Vec<String>,
    ) -> Deployed {
        Deployed {
            stack: self.entry.id.clone(),
            stack_name: self.entry.stack_name.clone(),
            action,
            changes,
            outputs,
            notes,
        }
    }
}

/// The first failure among `events` (oldest first) as a readable root cause: a resource's
/// failure rather than the stack's, and not the "cancelled" failures that follow the real one.
pub fn root_cause(events: &[StackEvent], stack_name: &str) -> Option<String> {
    let is_cancel =
        |e: &&StackEvent| e.reason.as_deref().is_some_and(|r| r.contains("cancelled") || r.contains("canceled"));
    let resource_failure = events
        .iter()
        .filter(|e| e.failed() && e.logical_id != stack_name)
        .find(|e| !is_cancel(e))
        .or_else(|| events.iter().find(|e| e.failed()));
    resource_failure.map(|e| {
        let who = match &e.path {
            Some(p) => format!("{p} ({}, {})", e.logical_id, e.resource_type),
            None => format!("{} ({})", e.logical_id, e.resource_type),
        };
        format!("{who} {}: {}", e.status, e.reason.as_deref().unwrap_or("no reason given"))
    })
}

/// What to do about `UPDATE_ROLLBACK_FAILED`.
pub fn update_rollback_failed_help(stack_name: &str) -> String {
    format!(
        "  CloudFormation could not roll the failed update back, usually because a resource was \
         changed or deleted outside CloudFormation.\n  \
         fix: repair the resources named in the events, then rerun deploy with --continue-rollback \
         (or `aws cloudformation continue-update-rollback --stack-name {stack_name}`, adding \
         --resources-to-skip for resources that cannot be restored), and deploy again"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, logical: &str, status: &str, reason: &str) -> StackEvent {
        StackEvent {
            event_id: id.into(),
            timestamp: String::new(),
            logical_id: logical.into(),
            resource_type: if logical == "app-prod-web" { "AWS::CloudFormation::Stack" } else { "AWS::EC2::Subnet" }
                .into(),
            status: status.into(),
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            path: (logical != "app-prod-web").then(|| format!("prod/web/{logical}")),
        }
    }

    #[test]
    fn the_root_cause_is_the_first_real_resource_failure() {
        let events = vec![
            event("1", "app-prod-web", "UPDATE_IN_PROGRESS", "User Initiated"),
            event("2", "Queue", "UPDATE_FAILED", "Resource update cancelled"),
            event("3", "Subnet", "CREATE_FAILED", "The CIDR '10.0.0.0/24' conflicts with another subnet"),
            event("4", "Other", "CREATE_FAILED", "Resource creation cancelled"),
            event(
                "5",
                "app-prod-web",
                "UPDATE_ROLLBACK_IN_PROGRESS",
                "The following resource(s) failed to create: [Subnet].",
            ),
        ];
        assert_eq!(
            root_cause(&events, "app-prod-web").unwrap(),
            "prod/web/Subnet (Subnet, AWS::EC2::Subnet) CREATE_FAILED: The CIDR '10.0.0.0/24' conflicts with another subnet"
        );
        let only_stack = vec![event("1", "app-prod-web", "CREATE_FAILED", "Template error")];
        assert!(root_cause(&only_stack, "app-prod-web").unwrap().contains("Template error"));
        assert_eq!(root_cause(&events[..1], "app-prod-web"), None);
    }

    #[test]
    fn large_templates_are_sent_without_whitespace_when_that_fits() {
        let small = "{\n  \"Resources\": {}\n}";
        assert_eq!(inline_body(small).unwrap(), small);
        let resources: serde_json::Map<String, serde_json::Value> = (0..600)
            .map(|i| {
                (
                    format!("Param{i}"),
                    serde_json::json!({"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String"}}),
                )
            })
            .collect();
        let pretty = serde_json::to_string_pretty(&serde_json::json!({ "Resources": resources })).unwrap();
        assert!(pretty.len() > MAX_TEMPLATE_BODY);
        let sent = inline_body(&pretty).unwrap();
        assert!(sent.len() <= MAX_TEMPLATE_BODY);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&sent).unwrap(),
            serde_json::from_str::<serde_json::Value>(&pretty).unwrap()
        );
        let huge = format!("{{\"Description\": \"{}\"}}", "x".repeat(60_000));
        assert_eq!(inline_body(&huge), Err(huge.len() - 1), "the size without whitespace");
    }
}
