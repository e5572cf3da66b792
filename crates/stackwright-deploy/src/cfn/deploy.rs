//! Deploying one stack: settle it, skip it when unchanged, else create, show, approve and
//! execute a change set and wait for the result.

use std::collections::BTreeMap;
use std::time::Instant;

use aws_sdk_cloudformation::types::TemplateStage;
use serde::Serialize;

use super::Engine;
use super::approval::{Approval, Approver};
use super::change_set::ResourceChange;
use super::compare::{complete, template_diff};
use super::import::import_plan;
use super::render::render_changes;
use super::security::Broadening;
use super::stack::StackInfo;
use crate::error::{Error, Result};
use crate::progress::style::duration;

/// What deploying a stack did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The stack did not exist (or was in `REVIEW_IN_PROGRESS`) and was created.
    Created,
    /// A change set was executed on the existing stack.
    Updated,
    /// Nothing to do: template, parameters and tags were those deployed.
    Unchanged,
}

/// The result of deploying one stack.
#[derive(Debug, Clone, Serialize)]
pub struct Deployed {
    /// The stack's id in the assembly (`prod-network`).
    pub stack: String,
    /// The CloudFormation stack name.
    pub stack_name: String,
    /// Created, updated or unchanged.
    pub action: Action,
    /// The resource changes of the executed change set (empty when unchanged).
    pub changes: Vec<ResourceChange>,
    /// How long the stack took, in seconds.
    pub seconds: f64,
    /// The stack's outputs after the deploy, by output name.
    pub outputs: BTreeMap<String, String>,
    /// What the engine did on the way (waited for another operation, recreated a stack after a
    /// failed first create, continued a rollback).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Engine<'_> {
    /// Whether the deployed stack already is what we would deploy (`deployed`: its template,
    /// fetched here when needed and kept for the approval tables).
    async fn unchanged(
        &self,
        info: &StackInfo,
        template: &serde_json::Value,
        parameters: &BTreeMap<String, String>,
        deployed: &mut Option<Option<serde_json::Value>>,
    ) -> Result<bool> {
        if !matches!(info.status.as_str(), "CREATE_COMPLETE" | "UPDATE_COMPLETE") {
            return Ok(false);
        }
        if &info.parameters != parameters || info.tags != self.desired_tags() {
            return Ok(false);
        }
        let fetched = self.deployed_template(&info.stack_id).await?;
        let same = fetched.as_ref() == Some(template);
        *deployed = Some(fetched);
        Ok(same)
    }

    /// The template of the deployed stack (as submitted), parsed; `None` when it is not JSON.
    ///
    /// # Errors
    ///
    /// The error of `GetTemplate` when retrying cannot help.
    pub async fn deployed_template(&self, stack_id: &str) -> Result<Option<serde_json::Value>> {
        let out = self
            .call("GetTemplate", || {
                self.cfn().get_template().stack_name(stack_id).template_stage(TemplateStage::Original).send()
            })
            .await?;
        Ok(out.template_body().and_then(|b| serde_json::from_str(b).ok()))
    }

    fn desired_tags(&self) -> BTreeMap<String, String> {
        self.entry.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Deploys the stack with `template_body` and `parameters`, asking `approver` when the
    /// options say so.
    ///
    /// # Errors
    ///
    /// [`Error::ApprovalRequired`] when the change set needed approval that was not given (the
    /// change set is deleted); [`Error::Stack`] when the template is not JSON or the stack ends in
    /// a failed state (with the root cause); [`Error::Timeout`] and the errors of the calls.
    pub async fn deploy(
        &self,
        template_body: &str,
        parameters: &BTreeMap<String, String>,
        approver: &Approver,
    ) -> Result<Deployed> {
        let start = Instant::now();
        let template: serde_json::Value = serde_json::from_str(template_body)
            .map_err(|e| self.fail(format!("the template is not JSON: {e}{SYNTH_AGAIN}")))?;
        let mut notes = Vec::new();
        self.progress.status(&self.entry.id, "checking the stack");
        let mut existing = self.settle(&mut notes).await?;
        if let Some(info) = &existing {
            notes.extend(self.remove_orphan_change_sets(info).await?);
        }
        let new_stack = existing.as_ref().is_none_or(|i| i.status == "REVIEW_IN_PROGRESS");
        let mut imported = Vec::new();
        if !self.entry.imports.is_empty() {
            match self.import(existing.as_ref(), &template, parameters, approver, &mut notes).await? {
                Some((info, changes, false)) => {
                    self.protect(&info).await?;
                    let action = if new_stack { Action::Created } else { Action::Updated };
                    let took = duration(start.elapsed());
                    self.progress.finish(&self.entry.id, format!("imported {} resource(s) in {took}", changes.len()));
                    return Ok(self.deployed(action, changes, info.outputs.clone(), notes, start));
                }
                Some((info, changes, true)) => {
                    existing = Some(info);
                    imported = changes;
                }
                None => {}
            }
        }
        let mut deployed = None;
        if let Some(info) = &existing
            && self.unchanged(info, &template, parameters, &mut deployed).await?
        {
            self.protect(info).await?;
            let took = duration(start.elapsed());
            self.progress.finish(
                &self.entry.id,
                format!("unchanged in {took} (template, parameters and tags are those deployed)"),
            );
            return Ok(self.deployed(Action::Unchanged, Vec::new(), info.outputs.clone(), notes, start));
        }
        self.progress.status(&self.entry.id, "creating a change set");
        let Some((change_set, mut changes)) =
            self.create_change_set(existing.as_ref(), template_body, parameters).await?
        else {
            let info = existing.ok_or_else(|| self.fail(EMPTY_CREATE))?;
            self.protect(&info).await?;
            let took = duration(start.elapsed());
            self.progress.finish(&self.entry.id, format!("unchanged in {took} (the change set was empty)"));
            return Ok(self.deployed(Action::Unchanged, Vec::new(), info.outputs.clone(), notes, start));
        };
        let creating = existing.as_ref().is_none_or(|i| i.status == "REVIEW_IN_PROGRESS");
        let deployed = match (creating, deployed, &existing) {
            (true, _, _) | (false, _, None) => None,
            (false, Some(d), _) => d,
            (false, None, Some(info)) => self.deployed_template(&info.stack_id).await?,
        };
        complete(&mut changes, &template_diff(self.entry, deployed.as_ref(), &template));
        let broadening = Broadening::of(&changes, deployed.as_ref(), &template);
        if let Err(e) = self.show_and_approve(&changes, &broadening, approver).await {
            self.delete_change_set(&change_set).await;
            return Err(e);
        }
        let stack_id = match &existing {
            Some(i) => i.stack_id.clone(),
            None => self.describe(self.name()).await?.map(|i| i.stack_id).unwrap_or_else(|| self.name().to_string()),
        };
        let info = self.execute(&stack_id, &change_set, creating, changes.len()).await?;
        self.protect(&info).await?;
        let action = if creating || new_stack { Action::Created } else { Action::Updated };
        let n = changes.len();
        imported.extend(changes);
        let changes = imported;
        let took = duration(start.elapsed());
        self.progress
            .finish(&self.entry.id, format!("{}: {n}/{n} resources in {took}", format!("{action:?}").to_lowercase()));
        Ok(self.deployed(action, changes, info.outputs.clone(), notes, start))
    }

    /// The import step of a deploy (see [`super::import`]): plans it from the templates (every
    /// problem refused before anything is sent), then creates, shows, approves and executes
    /// the `IMPORT` change set. `None` when every declared import is done already; else the
    /// stack after the import, the import's changes, and whether an update must follow.
    async fn import(
        &self,
        existing: Option<&StackInfo>,
        template: &serde_json::Value,
        parameters: &BTreeMap<String, String>,
        approver: &Approver,
        notes: &mut Vec<String>,
    ) -> Result<Option<(StackInfo, Vec<ResourceChange>, bool)>> {
        let live = existing.filter(|i| i.status != "REVIEW_IN_PROGRESS");
        let deployed = match live {
            Some(info) => self.deployed_template(&info.stack_id).await?,
            None => None,
        };
        let plan = import_plan(deployed.as_ref(), template, &self.entry.imports).map_err(|problems| {
            self.fail(format!("cannot import into {}; nothing was sent:\n{problems}", self.name()))
        })?;
        let Some(plan) = plan else { return Ok(None) };
        self.progress.status(&self.entry.id, "creating an import change set");
        let (change_set, changes) = self.create_import_change_set(&plan, parameters).await?;
        let broadening = Broadening::of(&changes, deployed.as_ref(), &plan.template);
        if let Err(e) = self.show_and_approve(&changes, &broadening, approver).await {
            self.delete_change_set(&change_set).await;
            return Err(e);
        }
        let stack_id = match live {
            Some(i) => i.stack_id.clone(),
            None => self.describe(self.name()).await?.map(|i| i.stack_id).unwrap_or_else(|| self.name().to_string()),
        };
        let info = self.execute(&stack_id, &change_set, live.is_none(), changes.len()).await?;
        let ids: Vec<&str> = plan.resources.iter().map(|r| r.logical_id.as_str()).collect();
        notes.push(format!(
            "imported {} with an import change set{}",
            ids.join(", "),
            if plan.then_update { ", then updated the stack to the program's template" } else { "" }
        ));
        Ok(Some((info, changes, plan.then_update)))
    }

    /// Shows the change set (the rendering `diff` uses) and, when the options say so, asks for
    /// approval.
    async fn show_and_approve(
        &self,
        changes: &[ResourceChange],
        broadening: &Broadening,
        approver: &Approver,
    ) -> Result<()> {
        self.say(format!("change set with {} change(s):", changes.len()));
        for line in render_changes(changes, broadening, self.progress.styled()) {
            self.say(line);
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
        match why {
            Some(why) if !self.options.yes => {
                self.progress.status(&self.entry.id, "waiting for approval");
                approver.approve(&self.entry.id, &why, self.progress).await
            }
            _ => Ok(()),
        }
    }

    /// Executes the change set and waits for the stack, counting its `total` resource changes;
    /// the stack as it ends.
    pub(super) async fn execute(
        &self,
        stack_id: &str,
        change_set: &str,
        creating: bool,
        total: usize,
    ) -> Result<StackInfo> {
        let since = self.newest_event(stack_id).await?;
        self.ledger.executing(self.name(), change_set);
        self.progress.status(&self.entry.id, "executing the change set");
        let executed = self
            .call("ExecuteChangeSet", || {
                self.cfn().execute_change_set().stack_name(self.name()).change_set_name(change_set).send()
            })
            .await;
        if let Err(e) = executed {
            // An earlier attempt whose answer was lost may have started the execution.
            let started = matches!(&e, Error::Aws { message, .. } if message.contains("InvalidChangeSetStatus"))
                && self.describe(stack_id).await?.is_some_and(|i| i.in_progress() || i.status.ends_with("_COMPLETE"));
            if !started {
                return Err(e);
            }
        }
        let doing = if creating { "creating the stack" } else { "updating the stack" };
        let (info, events) = self.wait_counting(stack_id, since, doing, Some(total)).await?;
        self.ledger.finished(self.name(), change_set);
        let ok = matches!(
            info.as_ref().map(|i| i.status.as_str()),
            Some("CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE")
        );
        if !ok {
            self.progress.clear(&self.entry.id);
            return Err(self.failure(info.as_ref(), &events, doing));
        }
        Ok(info.unwrap_or_default())
    }

    /// Turns termination protection on or off as the assembly says.
    async fn protect(&self, info: &StackInfo) -> Result<()> {
        if info.termination_protection == self.entry.termination_protection {
            return Ok(());
        }
        if !self.options.termination_protection {
            if self.entry.termination_protection {
                self.say("termination protection skipped (--local): the stack stays unprotected");
            }
            return Ok(());
        }
        self.call("UpdateTerminationProtection", || {
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
        start: Instant,
    ) -> Deployed {
        Deployed {
            seconds: start.elapsed().as_secs_f64(),
            stack: self.entry.id.clone(),
            stack_name: self.entry.stack_name.clone(),
            action,
            changes,
            outputs,
            notes,
        }
    }
}

/// The hint for an assembly file that is not what synth writes.
const SYNTH_AGAIN: &str = "\n  hint: synthesize the assembly again";

/// A first create whose change set is empty.
const EMPTY_CREATE: &str = "CloudFormation made an empty change set for a stack that does not exist yet; nothing was \
                            created\n  hint: check that the template has at least one resource, then deploy again";
