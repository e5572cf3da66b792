//! CloudFormation drift of one stack: `DetectStackDrift`, `DescribeStackDriftDetectionStatus`
//! polled until the detection ends (the engine's poll interval, growing, within its stack
//! timeout), then `DescribeStackResourceDrifts` for the resources that are not in sync.

use std::time::Instant;

use aws_sdk_cloudformation::operation::describe_stack_drift_detection_status::DescribeStackDriftDetectionStatusOutput;
use aws_sdk_cloudformation::types::{StackDriftDetectionStatus, StackResourceDriftStatus};
use serde::Serialize;

use crate::cfn::Engine;
use crate::error::{Error, Result};

/// The drift of one stack.
#[derive(Debug, Clone, Serialize)]
pub struct StackDrift {
    /// The stack's id in the assembly.
    pub stack: String,
    /// The CloudFormation stack name.
    pub stack_name: String,
    /// `DRIFTED`, `IN_SYNC`, `UNKNOWN`, `NOT_CHECKED` (CloudFormation's), or `NOT_DEPLOYED`.
    pub status: String,
    /// The resources that are not in sync (modified, deleted, not checked, unknown).
    pub resources: Vec<ResourceDrift>,
    /// What else to know (a detection that failed for some resources, a stack not at rest).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl StackDrift {
    /// Whether a resource was modified or deleted behind the program's back.
    #[must_use]
    pub fn drifted(&self) -> bool {
        self.status == "DRIFTED" || self.resources.iter().any(ResourceDrift::drifted)
    }
}

/// One resource that is not in sync.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceDrift {
    /// The logical id.
    pub logical_id: String,
    /// `AWS::SQS::Queue`, …
    pub resource_type: String,
    /// The physical id, when CloudFormation gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_id: Option<String>,
    /// The construct path, from the assembly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `MODIFIED`, `DELETED`, `NOT_CHECKED` or `UNKNOWN`.
    pub status: String,
    /// For `MODIFIED`: the properties that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<PropertyDrift>,
}

impl ResourceDrift {
    /// Modified or deleted (not merely unchecked).
    #[must_use]
    pub fn drifted(&self) -> bool {
        self.status == "MODIFIED" || self.status == "DELETED"
    }
}

/// One property whose actual value differs from the template's.
#[derive(Debug, Clone, Serialize)]
pub struct PropertyDrift {
    /// The property path, e.g. `/RedrivePolicy/maxReceiveCount`.
    pub property: String,
    /// The value of the template (and its parameters).
    pub expected: String,
    /// The value in AWS.
    pub actual: String,
    /// `ADD`, `REMOVE` or `NOT_EQUAL`.
    pub difference: String,
}

/// The drift statuses asked for: everything but `IN_SYNC` (the model allows four filters).
fn not_in_sync() -> Vec<StackResourceDriftStatus> {
    ["MODIFIED", "DELETED", "NOT_CHECKED", "UNKNOWN"].into_iter().map(StackResourceDriftStatus::from).collect()
}

/// Detects the drift of the engine's stack.
///
/// # Errors
///
/// The errors of the CloudFormation calls when retrying cannot help; [`Error::Stack`] when the
/// detection does not end within the stack timeout.
pub async fn stack_drift(e: &Engine<'_>) -> Result<StackDrift> {
    let entry = e.entry;
    let mut drift = StackDrift {
        stack: entry.id.clone(),
        stack_name: entry.stack_name.clone(),
        status: "NOT_DEPLOYED".into(),
        resources: Vec::new(),
        notes: Vec::new(),
    };
    let info = match e.describe(&entry.stack_name).await? {
        Some(i) if i.status != "REVIEW_IN_PROGRESS" => i,
        _ => return Ok(drift),
    };
    if info.in_progress() {
        drift.status = "NOT_CHECKED".into();
        drift
            .notes
            .push(format!("the stack is {}: drift is detected on a stack at rest; run again later", info.status));
        return Ok(drift);
    }
    e.say("detecting drift");
    let status = detect(e).await?;
    drift.status = status.stack_drift_status().map_or("UNKNOWN", |s| s.as_str()).to_string();
    if status.detection_status() == Some(&StackDriftDetectionStatus::DetectionFailed) {
        drift.notes.push(format!(
            "drift detection failed for some resources: {}",
            status.detection_status_reason().unwrap_or("no reason given")
        ));
    }
    drift.resources = resources_not_in_sync(e).await?;
    e.progress.finish(&entry.id, format!("drift: {}", drift.status));
    Ok(drift)
}

/// Starts a detection and polls its status until it ends (the engine's poll interval, growing
/// by half up to its maximum, within its stack timeout).
async fn detect(e: &Engine<'_>) -> Result<DescribeStackDriftDetectionStatusOutput> {
    let entry = e.entry;
    let name = entry.stack_name.as_str();
    let started = e.call("DetectStackDrift", || e.cfn().detect_stack_drift().stack_name(name).send()).await?;
    let id = started.stack_drift_detection_id().unwrap_or_default().to_string();
    let start = Instant::now();
    let mut interval = e.options.poll;
    loop {
        let s = e
            .call("DescribeStackDriftDetectionStatus", || {
                e.cfn().describe_stack_drift_detection_status().stack_drift_detection_id(&id).send()
            })
            .await?;
        if s.detection_status() != Some(&StackDriftDetectionStatus::DetectionInProgress) {
            return Ok(s);
        }
        if start.elapsed() > e.options.stack_timeout {
            return Err(Error::Stack {
                stack: entry.id.clone(),
                message: format!(
                    "drift detection {id} still running after {} s\n  hint: run again later, or give it more time with --timeout",
                    e.options.stack_timeout.as_secs()
                ),
            });
        }
        e.progress.status(&entry.id, format!("detecting drift ({} s)", start.elapsed().as_secs()));
        tokio::time::sleep(interval).await;
        interval = (interval * 3 / 2).min(e.options.max_poll);
    }
}

/// The resources of the last detection that are not in sync, every page.
async fn resources_not_in_sync(e: &Engine<'_>) -> Result<Vec<ResourceDrift>> {
    let entry = e.entry;
    let mut resources = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = e
            .call("DescribeStackResourceDrifts", || {
                e.cfn()
                    .describe_stack_resource_drifts()
                    .stack_name(&entry.stack_name)
                    .set_stack_resource_drift_status_filters(Some(not_in_sync()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for r in page.stack_resource_drifts() {
            let logical_id = r.logical_resource_id().unwrap_or_default().to_string();
            resources.push(ResourceDrift {
                path: entry.resources.get(&logical_id).map(|r| r.path.clone()),
                logical_id,
                resource_type: r.resource_type().unwrap_or_default().to_string(),
                physical_id: r.physical_resource_id().map(str::to_string),
                status: r.stack_resource_drift_status().map_or("UNKNOWN", |s| s.as_str()).to_string(),
                differences: r
                    .property_differences()
                    .iter()
                    .map(|d| PropertyDrift {
                        property: d.property_path().unwrap_or_default().to_string(),
                        expected: d.expected_value().unwrap_or_default().to_string(),
                        actual: d.actual_value().unwrap_or_default().to_string(),
                        difference: d.difference_type().map_or("", |s| s.as_str()).to_string(),
                    })
                    .collect(),
            });
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(resources);
        }
    }
}
