//! Stack events: read page by page, shown as they come, and the root cause of a failure.

use serde::Serialize;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::Engine;
use crate::error::Result;
use crate::progress::style::{self, duration, paint, status_style};

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackEvent {
    /// CloudFormation's id of the event (where the next read starts).
    pub event_id: String,
    /// When it happened, as the SDK prints it.
    pub timestamp: String,
    /// The resource's logical id (the stack name for events of the stack itself).
    pub logical_id: String,
    /// The resource type, `AWS::…`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The resource status, e.g. `CREATE_FAILED`.
    pub status: String,
    /// CloudFormation's reason, when it gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The construct path of the resource, from the assembly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl StackEvent {
    /// Whether the event reports a failure (`*_FAILED`).
    #[must_use]
    pub fn failed(&self) -> bool {
        self.status.ends_with("_FAILED")
    }
}

/// How far an operation is: the resources that reached a final status (each counted once,
/// the stack itself not), out of how many, and since when.
#[derive(Debug)]
pub(crate) struct Tally {
    total: Option<usize>,
    done: HashSet<String>,
    stack_name: String,
    start: Instant,
}

impl Tally {
    pub(crate) fn new(total: Option<usize>, stack_name: &str) -> Tally {
        Tally { total, done: HashSet::new(), stack_name: stack_name.to_string(), start: Instant::now() }
    }

    pub(crate) fn record(&mut self, e: &StackEvent) {
        let settled = e.status.ends_with("_COMPLETE") || e.failed() || e.status == "DELETE_SKIPPED";
        if settled && e.logical_id != self.stack_name && !e.logical_id.is_empty() {
            self.done.insert(e.logical_id.clone());
        }
    }

    /// `3/12` (padded to the width of the total), or the count alone when the total is unknown.
    pub(crate) fn counter(&self) -> String {
        match self.total {
            Some(t) => {
                let width = t.to_string().len();
                format!("{:>width$}/{t}", self.done.len().min(t))
            }
            None => String::new(),
        }
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

impl Engine<'_> {
    /// Events newer than `since` (an event id), oldest first. Without `since`: all of them.
    ///
    /// # Errors
    ///
    /// The error of `DescribeStackEvents` when retrying cannot help.
    pub async fn events_since(&self, stack_id: &str, since: Option<&str>) -> Result<Vec<StackEvent>> {
        let mut events = Vec::new();
        let mut token: Option<String> = None;
        'pages: loop {
            let out = self
                .call("DescribeStackEvents", || {
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

    /// An event line: how many resources are done and since when, the status (coloured), the
    /// construct path, logical id and type, and CloudFormation's reason.
    pub(super) fn show_event(&self, e: &StackEvent, tally: &Tally) {
        let styled = self.progress.styled();
        let what = match &e.path {
            Some(p) => format!("{p} ({})", e.logical_id),
            None => e.logical_id.clone(),
        };
        let counter = tally.counter();
        let status = paint(status_style(&e.status), &format!("{:<20}", e.status), styled);
        let head = paint(style::DIM, &format!("{counter} {:>6}", duration(tally.elapsed())), styled);
        let mut line = format!("{} {status} {what} {}", head.trim_start(), e.resource_type);
        if let Some(r) = &e.reason {
            line.push_str(&format!(": {r}"));
        }
        self.say(line);
        self.progress.status(&self.entry.id, format!("{} {} {}", counter.trim_start(), e.status, e.logical_id));
    }

    /// The newest event id (where the next operation's events begin).
    pub(super) async fn newest_event(&self, stack_id: &str) -> Result<Option<String>> {
        let out =
            self.call("DescribeStackEvents", || self.cfn().describe_stack_events().stack_name(stack_id).send()).await?;
        Ok(out.stack_events().first().and_then(|e| e.event_id()).map(str::to_string))
    }
}

/// The first failure among `events` (oldest first) as a readable root cause: a resource's
/// failure rather than the stack's, and not the "cancelled" failures that follow the real one.
pub(crate) fn root_cause(events: &[StackEvent], stack_name: &str) -> Option<String> {
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
pub(crate) fn update_rollback_failed_help(stack_name: &str) -> String {
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
}
