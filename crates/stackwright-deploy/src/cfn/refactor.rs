//! Moving resources between stacks with CloudFormation stack refactoring (the program declares
//! the move with `Node::moved_from`; the resources keep their logical ids): the plan, computed
//! from the deployed templates before anything is sent, and the refactor itself
//! (`CreateStackRefactor`, `DescribeStackRefactor` until validated, `ExecuteStackRefactor`,
//! `DescribeStackRefactor` until executed).
//!
//! A refactor may only move resources: it cannot create, delete or change one, nor add a
//! parameter, condition or mapping (AWS CloudFormation User Guide, "Stack refactoring",
//! considerations). So the templates it carries are the deployed ones with the moved resources
//! taken, exactly as deployed, from the source to the destination, and outputs of the source
//! that name them dropped; a move whose resources refer to resources that stay (or the
//! reverse), or to a parameter the destination lacks, is refused with a hint. After the
//! refactor, the ordinary deploy brings both stacks to the program's templates: that is where
//! the cross-stack parameters and outputs that connected them are rewired.

use std::time::Instant;

use aws_sdk_cloudformation::types::{ResourceLocation, ResourceMapping, StackDefinition};
use serde_json::{Map, Value as Json};
use stackwright_core::assembly::MoveEntry;
use stackwright_core::cfn_support;

use super::Engine;
use super::import::references;
use crate::error::{Error, Result};

/// One refactor: two stacks, their templates after it, the logical ids that move.
#[derive(Debug, Clone, PartialEq)]
pub struct RefactorPlan {
    /// The stack the resources leave, and its template after the refactor.
    pub source: (String, Json),
    /// The stack they join, and its template after the refactor.
    pub destination: (String, Json),
    /// Whether the destination stack does not exist yet (the refactor creates it).
    pub create_destination: bool,
    /// The logical ids that move (the same in both stacks), with their construct moves.
    pub moved: Vec<String>,
}

/// The refactor that moves `moves` (all from one source stack into one destination stack),
/// given the deployed templates; `Ok(None)` when they have moved already.
///
/// # Errors
/// Every problem at once, one line each with the construct path and a fix.
pub fn refactor_plan(
    (source_name, source): (&str, &Json),
    (destination_name, destination): (&str, Option<&Json>),
    moves: &[MoveEntry],
) -> Result<Option<RefactorPlan>, String> {
    let in_source = |id: &str| source["Resources"].get(id).is_some();
    let in_destination = |id: &str| destination.is_some_and(|d| d["Resources"].get(id).is_some());
    let mut problems = Vec::new();
    let mut moved = Vec::new();
    for m in moves {
        for id in &m.logical_ids {
            match (in_source(id), in_destination(id)) {
                (true, false) => moved.push(id.clone()),
                (false, _) => {}
                (true, true) => problems.push(format!(
                    "{}: {id} is in both {source_name} and {destination_name}; the refactor cannot move it",
                    m.to
                )),
            }
        }
    }
    if moved.is_empty() && problems.is_empty() {
        return Ok(None);
    }
    let mut source_after = source.clone();
    let mut destination_after = destination.cloned().unwrap_or_else(|| {
        let mut t = Map::new();
        t.insert("AWSTemplateFormatVersion".into(), "2010-09-09".into());
        t.insert("Resources".into(), Json::Object(Map::new()));
        Json::Object(t)
    });
    let destination_parameters =
        destination_after.get("Parameters").and_then(Json::as_object).cloned().unwrap_or_default();
    for id in &moved {
        let resource = source["Resources"][id].clone();
        let kind = resource["Type"].as_str().unwrap_or_default();
        if !cfn_support::refactorable(kind) {
            problems.push(format!(
                "{}: {kind} cannot move between stacks: stack refactoring does not support it",
                path_of(moves, id)
            ));
        }
        let mut refs = Vec::new();
        references(&resource, &mut refs);
        for target in refs.into_iter().filter(|t| !t.starts_with("AWS::")) {
            if moved.contains(&target) {
                continue;
            }
            if source["Resources"].get(&target).is_some() {
                problems.push(format!(
                    "{}: {id} refers to {target}, which stays in {source_name}; a refactor cannot add the parameter that \
                     would connect them\n  hint: move {target} too, or move in two steps (first deploy a version where \
                     the reference is not needed)",
                    path_of(moves, id)
                ));
            } else if !destination_parameters.contains_key(&target) {
                problems.push(format!(
                    "{}: {id} uses the parameter {target}, which {destination_name} does not have; a refactor cannot add \
                     parameters\n  hint: deploy {destination_name} with the parameter first, then move",
                    path_of(moves, id)
                ));
            }
        }
        destination_after["Resources"][id] = resource;
        if let Some(r) = source_after["Resources"].as_object_mut() {
            r.remove(id);
        }
    }
    finish_source(&mut source_after, source_name, &moved, moves, &mut problems);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    Ok(Some(RefactorPlan {
        source: (source_name.to_string(), source_after),
        destination: (destination_name.to_string(), destination_after),
        create_destination: destination.is_none(),
        moved,
    }))
}

/// The construct path of the move a logical id belongs to, for messages.
fn path_of<'a>(moves: &'a [MoveEntry], id: &str) -> &'a str {
    moves.iter().find(|m| m.logical_ids.iter().any(|l| l == id)).map_or("", |m| m.to.as_str())
}

/// The source after the move: nothing that stays may refer to what moves, something must stay,
/// and outputs that name what moves are dropped (the destination's deploy outputs them).
fn finish_source(
    source_after: &mut Json,
    source_name: &str,
    moved: &[String],
    moves: &[MoveEntry],
    problems: &mut Vec<String>,
) {
    if let Some(staying) = source_after["Resources"].as_object() {
        for (id, resource) in staying {
            let mut refs = Vec::new();
            references(resource, &mut refs);
            if let Some(target) = refs.iter().find(|t| moved.contains(t)) {
                problems.push(format!(
                    "{}: {id} stays in {source_name} but refers to {target}, which moves; a refactor cannot add the \
                     parameter that would connect them\n  hint: move {id} too, or remove the reference first",
                    path_of(moves, target)
                ));
            }
        }
        if staying.is_empty() {
            problems.push(format!(
                "{source_name} would have no resource left, and CloudFormation does not support empty stacks\n  hint: \
                 keep a resource in it, or delete the stack after the move"
            ));
        }
    }
    if let Some(outputs) = source_after.get_mut("Outputs").and_then(Json::as_object_mut) {
        outputs.retain(|_, output| {
            let mut refs = Vec::new();
            references(output, &mut refs);
            !refs.iter().any(|t| moved.contains(t))
        });
    }
}

impl Engine<'_> {
    /// Runs the refactor of `plan` and waits for it to finish.
    ///
    /// # Errors
    ///
    /// [`Error::Stack`] when CloudFormation refuses the refactor (the reason it gives, such as a
    /// resource type it does not support) or its execution fails; [`Error::Timeout`] after
    /// [`CfnOptions::stack_timeout`](super::CfnOptions::stack_timeout); the errors of the calls.
    pub async fn refactor(&self, plan: &RefactorPlan) -> Result<String> {
        let definition = |(name, template): &(String, Json)| -> Result<StackDefinition> {
            let body = serde_json::to_string(template).map_err(|e| self.fail(format!("template of {name}: {e}")))?;
            Ok(StackDefinition::builder().stack_name(name).template_body(body).build())
        };
        let definitions = vec![definition(&plan.source)?, definition(&plan.destination)?];
        let mappings: Vec<ResourceMapping> = plan
            .moved
            .iter()
            .map(|id| {
                let at = |stack: &str| ResourceLocation::builder().stack_name(stack).logical_resource_id(id).build();
                ResourceMapping::builder().source(at(&plan.source.0)).destination(at(&plan.destination.0)).build()
            })
            .collect();
        self.progress.status(&self.entry.id, "creating a stack refactor");
        let created = self
            .call("CreateStackRefactor", || {
                self.cfn()
                    .create_stack_refactor()
                    .set_stack_definitions(Some(definitions.clone()))
                    .set_resource_mappings(Some(mappings.clone()))
                    .enable_stack_creation(plan.create_destination)
                    .description(format!("stackwright: move {} to {}", plan.moved.join(", "), plan.destination.0))
                    .send()
            })
            .await?;
        let id = created.stack_refactor_id().unwrap_or_default().to_string();
        self.wait_refactor(&id, false).await?;
        self.progress.status(&self.entry.id, "executing the stack refactor");
        self.call("ExecuteStackRefactor", || self.cfn().execute_stack_refactor().stack_refactor_id(&id).send()).await?;
        self.wait_refactor(&id, true).await?;
        Ok(id)
    }

    /// Polls `DescribeStackRefactor` until it is validated (`executed == false`) or executed.
    async fn wait_refactor(&self, id: &str, executed: bool) -> Result<()> {
        let start = Instant::now();
        let mut interval = self.options.poll;
        loop {
            let out = self
                .call("DescribeStackRefactor", || self.cfn().describe_stack_refactor().stack_refactor_id(id).send())
                .await?;
            let status = out.status().map(|s| s.as_str().to_string()).unwrap_or_default();
            let execution = out.execution_status().map(|s| s.as_str().to_string()).unwrap_or_default();
            let reason = out.status_reason().or(out.execution_status_reason()).unwrap_or("no reason given").to_string();
            if status == "CREATE_FAILED"
                || (executed
                    && matches!(execution.as_str(), "EXECUTE_FAILED" | "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED"))
            {
                return Err(self.fail(format!(
                    "the stack refactor {id} {}: {reason}\n  hint: fix what the reason names (or remove the move to let \
                     the resources be replaced), synthesize and deploy again",
                    if executed { format!("ended {execution}") } else { "was refused".to_string() }
                )));
            }
            let done = if executed { execution == "EXECUTE_COMPLETE" } else { status == "CREATE_COMPLETE" };
            if done {
                return Ok(());
            }
            if start.elapsed() > self.options.stack_timeout {
                return Err(Error::Timeout {
                    what: format!("stack refactor {id}"),
                    timeout: self.options.stack_timeout,
                });
            }
            tokio::time::sleep(interval).await;
            interval = (interval * 3 / 2).min(self.options.max_poll);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn moved(ids: &[&str]) -> Vec<MoveEntry> {
        vec![MoveEntry {
            from: "prod/a/X".into(),
            to: "prod/b/X".into(),
            from_stack: "prod-a".into(),
            logical_ids: ids.iter().map(|s| (*s).to_string()).collect(),
        }]
    }

    #[test]
    fn a_new_destination_is_created_by_the_refactor() {
        let source = json!({"Resources": {"Keep": {"Type": "AWS::SNS::Topic"}, "X": {"Type": "AWS::SNS::Topic"}}});
        let plan = refactor_plan(("a", &source), ("b", None), &moved(&["X"])).unwrap().unwrap();
        assert!(plan.create_destination);
        assert_eq!(plan.destination.1["Resources"]["X"]["Type"], "AWS::SNS::Topic");
        assert_eq!(plan.moved, ["X"]);
    }

    #[test]
    fn unsupported_types_missing_parameters_and_empty_sources_are_refused() {
        let source = json!({"Resources": {
            "X": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": {"Ref": "Domain"}}}}});
        let err =
            refactor_plan(("a", &source), ("b", Some(&json!({"Resources": {"Y": {}}}))), &moved(&["X"])).unwrap_err();
        assert!(err.contains("prod/b/X: AWS::EC2::EIP cannot move between stacks"), "{err}");
        assert!(err.contains("uses the parameter Domain, which b does not have"), "{err}");
        assert!(err.contains("a would have no resource left"), "{err}");
    }
}
