//! Change sets: created to deploy or to preview (diff), described into [`ResourceChange`]s, and
//! deleted when they are only a preview or contain nothing.

use std::collections::BTreeMap;
use std::time::Instant;

use aws_sdk_cloudformation::types::{Capability, ChangeSetStatus, ChangeSetType, Parameter, Tag};
use serde::Serialize;

use super::Engine;
use super::orphans::change_set_name;
use super::stack::StackInfo;
use super::template::{MAX_TEMPLATE_BODY, inline_body};
use crate::error::{Error, Result};

/// One resource change of a change set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceChange {
    /// `Add`, `Modify`, `Remove`, `Import`, `Dynamic`.
    pub action: String,
    /// The resource's logical id in the template.
    pub logical_id: String,
    /// The resource type, `AWS::…`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The construct path, from the assembly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `True`, `False` or `Conditional` for modifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// The properties that change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<String>,
    /// An IAM or security-group change (shown highlighted; needs approval in `broadening`).
    pub security: bool,
    /// The property paths among the changing ones that the program set by an override
    /// (`stackwright:overrides` in the local template's resource `Metadata`): where the new
    /// value comes from, when it is not the construct's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overridden: Vec<String>,
}

/// Resource types whose changes widen or narrow who may do what.
pub(crate) fn is_security_type(resource_type: &str) -> bool {
    resource_type.starts_with("AWS::IAM::")
        || resource_type.starts_with("AWS::EC2::SecurityGroup")
        || matches!(
            resource_type,
            "AWS::KMS::Key"
                | "AWS::EKS::AccessEntry"
                | "AWS::EKS::PodIdentityAssociation"
                | "AWS::S3::BucketPolicy"
                | "AWS::SNS::TopicPolicy"
                | "AWS::SQS::QueuePolicy"
                | "AWS::ECR::RegistryPolicy"
                | "AWS::Lambda::Permission"
        )
}

/// Properties that carry permissions or network access, whatever the resource.
pub(crate) fn is_security_property(name: &str) -> bool {
    matches!(
        name,
        "Policies"
            | "PolicyDocument"
            | "AssumeRolePolicyDocument"
            | "ManagedPolicyArns"
            | "PermissionsBoundary"
            | "KeyPolicy"
            | "RepositoryPolicyText"
            | "SecurityGroupIngress"
            | "SecurityGroupEgress"
            | "SecurityGroups"
            | "SecurityGroupIds"
            | "AccessPolicies"
            | "CidrIp"
            | "CidrIpv6"
    )
}

impl Engine<'_> {
    /// Creates a change set and waits for it. `None`: it contained no changes (and is deleted).
    ///
    /// # Errors
    ///
    /// [`Error::Stack`] when the template is too large to send inline, the change set cannot be
    /// created or fails; [`Error::Timeout`] when it is not ready within
    /// [`CfnOptions::change_set_timeout`](super::CfnOptions::change_set_timeout); the errors of
    /// `DescribeChangeSet`.
    pub async fn create_change_set(
        &self,
        existing: Option<&StackInfo>,
        template_body: &str,
        parameters: &BTreeMap<String, String>,
    ) -> Result<Option<(String, Vec<ResourceChange>)>> {
        let template_body = inline_body(template_body).map_err(|size| {
            self.fail(format!(
                "the template is {size} bytes even without whitespace; CloudFormation takes at most \
                 {MAX_TEMPLATE_BODY} inline\n  \
                 hint: split the stack (templates uploaded to S3 are not supported by this runtime yet)"
            ))
        })?;
        let template_body = template_body.as_str();
        let kind = match existing {
            Some(i) if i.status != "REVIEW_IN_PROGRESS" => ChangeSetType::Update,
            _ => ChangeSetType::Create,
        };
        let name = change_set_name();
        let params = parameter_list(parameters);
        let tags = tags(self.entry);
        self.ledger.created(self.cfn(), &self.entry.id, self.name(), &name, existing.is_none());
        let created = self
            .call("CreateChangeSet", || {
                self.cfn()
                    .create_change_set()
                    .stack_name(self.name())
                    .change_set_name(&name)
                    .change_set_type(kind.clone())
                    .template_body(template_body)
                    .set_parameters(Some(params.clone()))
                    .set_tags(Some(tags.clone()))
                    .capabilities(Capability::CapabilityIam)
                    .capabilities(Capability::CapabilityNamedIam)
                    .capabilities(Capability::CapabilityAutoExpand)
                    .description(format!("stackwright deploy of {}", self.entry.id))
                    .send()
            })
            .await;
        let id = self.created_id(created.map(|c| c.id), &name)?;
        self.wait_change_set(id, &name).await
    }

    /// Waits for the change set `id` (named `name`) to be created. `None`: it contained no
    /// changes (and is deleted).
    pub(super) async fn wait_change_set(
        &self,
        id: String,
        name: &str,
    ) -> Result<Option<(String, Vec<ResourceChange>)>> {
        self.progress.status(&self.entry.id, "waiting for the change set");
        let start = Instant::now();
        let mut interval = self.options.poll;
        loop {
            let (status, reason, changes) = self.describe_change_set(&id).await?;
            match status.as_str() {
                "CREATE_COMPLETE" => return Ok(Some((id, changes))),
                "FAILED" => {
                    let reason = reason.unwrap_or_default();
                    if reason.contains("didn't contain changes") || reason.contains("No updates are to be performed") {
                        self.delete_change_set(&id).await;
                        return Ok(None);
                    }
                    self.delete_change_set(&id).await;
                    return Err(self.fail(format!(
                        "the change set of {} failed: {reason}; nothing was changed\n  hint: fix what the reason names \
                         in the program, synthesize and deploy again",
                        self.name()
                    )));
                }
                _ => {}
            }
            if start.elapsed() > self.options.change_set_timeout {
                return Err(Error::Timeout {
                    what: format!("change set {name} of {}", self.entry.id),
                    timeout: self.options.change_set_timeout,
                });
            }
            tokio::time::sleep(interval).await;
            interval = (interval * 3 / 2).min(self.options.max_poll);
        }
    }

    /// `CreateChangeSet` refused: what was refused, and what to do unless the error says it.
    pub(super) fn refused(&self, e: &Error) -> Error {
        let text = e.to_string();
        let hint = if text.contains("\n  hint: ") {
            ""
        } else {
            "\n  hint: CloudFormation refused the template or its parameters: fix the program, synthesize and \
             deploy again"
        };
        self.fail(format!("cannot create a change set of {}: {text}{hint}", self.name()))
    }

    async fn describe_change_set(&self, id: &str) -> Result<(String, Option<String>, Vec<ResourceChange>)> {
        let mut token: Option<String> = None;
        let mut changes = Vec::new();
        loop {
            let out = self
                .call("DescribeChangeSet", || {
                    self.cfn()
                        .describe_change_set()
                        .stack_name(self.name())
                        .change_set_name(id)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            let status = out.status().map(|s| s.as_str().to_string()).unwrap_or_default();
            if status != ChangeSetStatus::CreateComplete.as_str() {
                return Ok((status, out.status_reason().map(str::to_string), Vec::new()));
            }
            for c in out.changes() {
                let Some(rc) = c.resource_change() else { continue };
                let logical_id = rc.logical_resource_id().unwrap_or_default().to_string();
                let resource_type = rc.resource_type().unwrap_or_default().to_string();
                let mut properties: Vec<String> = rc
                    .details()
                    .iter()
                    .filter_map(|d| d.target())
                    .filter_map(|t| t.name().or(t.attribute().map(|a| a.as_str())))
                    .map(str::to_string)
                    .collect();
                properties.dedup();
                let action = rc.action().map(|a| a.as_str().to_string()).unwrap_or_default();
                changes.push(ResourceChange {
                    security: is_security_type(&resource_type) || properties.iter().any(|p| is_security_property(p)),
                    path: self.entry.resources.get(&logical_id).map(|r| r.path.clone()),
                    replacement: rc.replacement().map(|r| r.as_str().to_string()).filter(|_| action == "Modify"),
                    action,
                    logical_id,
                    resource_type,
                    properties,
                    overridden: Vec::new(),
                });
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok((status, None, changes)),
            }
        }
    }

    /// Deletes a change set, ignoring failures (it is only tidying up).
    pub async fn delete_change_set(&self, id: &str) {
        let deleted = self
            .call("DeleteChangeSet", || {
                self.cfn().delete_change_set().stack_name(self.name()).change_set_name(id).send()
            })
            .await;
        if deleted.is_ok() {
            self.ledger.finished(self.name(), id);
        }
    }
}

impl Engine<'_> {
    /// The id of the change set `name` that `created` made (its answer's id, else the name),
    /// or the refusal, with the change set off the ledger.
    pub(super) fn created_id(&self, created: Result<Option<String>>, name: &str) -> Result<String> {
        match created {
            Ok(id) => Ok(id.unwrap_or_else(|| name.to_string())),
            // The name is ours alone: it exists because an earlier attempt whose answer was
            // lost went through.
            Err(Error::Aws { message, .. }) if message.contains("AlreadyExists") => Ok(name.to_string()),
            Err(e) => {
                self.ledger.finished(self.name(), name);
                Err(self.refused(&e))
            }
        }
    }
}

/// The stack's tags, as every change set of it carries them.
pub(super) fn tags(entry: &stackwright_core::assembly::StackEntry) -> Vec<Tag> {
    entry.tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

/// The parameters of a change set.
pub(super) fn parameter_list(parameters: &BTreeMap<String, String>) -> Vec<Parameter> {
    parameters.iter().map(|(k, v)| Parameter::builder().parameter_key(k).parameter_value(v).build()).collect()
}
