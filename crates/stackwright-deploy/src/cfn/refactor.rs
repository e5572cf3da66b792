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
//! that name them dropped. References that cross the cut are rewired by [`super::rewire`]:
//! the stacks first gain the outputs and parameters that carry the values across (ordinary
//! updates that change no resource), then the references become `Ref`s of those parameters.
//! After the refactor, the ordinary deploy brings both stacks to the program's templates.

use std::collections::BTreeMap;
use std::time::Instant;

use aws_sdk_cloudformation::types::{ResourceLocation, ResourceMapping, StackDefinition};
use serde_json::{Map, Value as Json};
use stackwright_core::assembly::MoveEntry;
use stackwright_core::cfn_support;

use super::Engine;
use super::rewire::{self, Rewiring, Side};
use super::stack::StackInfo;
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
    /// What the stacks gain before the refactor (the two templates above include it).
    pub rewiring: Rewiring,
}

/// The refactor that moves `moves` (all from one source stack into one destination stack),
/// given the deployed templates; `Ok(None)` when they have moved already.
///
/// # Errors
/// Every problem at once, one line each with the construct path and a fix.
pub fn refactor_plan(
    source: &Side<'_>,
    destination: &Side<'_>,
    moves: &[MoveEntry],
) -> Result<Option<RefactorPlan>, String> {
    let empty = Json::Object(Map::new());
    let deployed_source = source.deployed.unwrap_or(&empty);
    let in_source = |id: &str| deployed_source["Resources"].get(id).is_some();
    let in_destination = |id: &str| destination.deployed.is_some_and(|d| d["Resources"].get(id).is_some());
    let mut problems = Vec::new();
    let mut moved = Vec::new();
    for m in moves {
        for id in &m.logical_ids {
            match (in_source(id), in_destination(id)) {
                (true, false) => moved.push(id.clone()),
                (false, _) => {}
                (true, true) => problems.push(format!(
                    "{}: {id} is in both {} and {}; the refactor cannot move it",
                    m.to, source.name, destination.name
                )),
            }
        }
    }
    if moved.is_empty() && problems.is_empty() {
        return Ok(None);
    }
    for id in &moved {
        let kind = deployed_source["Resources"][id]["Type"].as_str().unwrap_or_default();
        if !cfn_support::refactorable(kind) {
            problems.push(format!(
                "{}: {kind} cannot move between stacks: stack refactoring does not support it",
                path_of(moves, id)
            ));
        }
    }
    let rewiring = match rewire::plan(source, destination, &moved, &|id| path_of(moves, id).to_string()) {
        Ok(w) => w,
        Err(more) => {
            problems.extend(more);
            Rewiring::default()
        }
    };
    let is_moved = |id: &str| moved.iter().any(|m| m == id);
    let prepared_source = rewire::with_parameters(
        &rewire::with_outputs(deployed_source, &rewiring.source_outputs),
        &rewiring.source_parameters,
        None,
    );
    let mut source_after = prepared_source.clone();
    if let Some(resources) = source_after["Resources"].as_object_mut() {
        resources.retain(|id, _| !is_moved(id));
        for resource in resources.values_mut() {
            *resource = rewiring.rewrite(resource, &is_moved);
        }
    }
    let mut destination_after = rewire::with_parameters(
        destination.deployed.unwrap_or(&serde_json::json!({
            "AWSTemplateFormatVersion": "2010-09-09", "Resources": {}
        })),
        &rewiring.destination_parameters,
        None,
    );
    for id in &moved {
        destination_after["Resources"][id] = rewiring.rewrite(&deployed_source["Resources"][id], &|t| !is_moved(t));
    }
    finish_source(&mut source_after, source.name, &moved, &mut problems);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    Ok(Some(RefactorPlan {
        source: (source.name.to_string(), source_after),
        destination: (destination.name.to_string(), destination_after),
        create_destination: destination.deployed.is_none(),
        moved,
        rewiring,
    }))
}

/// The construct path of the move a logical id belongs to, for messages.
fn path_of<'a>(moves: &'a [MoveEntry], id: &str) -> &'a str {
    moves.iter().find(|m| m.logical_ids.iter().any(|l| l == id)).map_or("", |m| m.to.as_str())
}

/// The source after the move: something must stay, and outputs that name what moves are
/// dropped (the destination's deploy outputs them).
fn finish_source(source_after: &mut Json, source_name: &str, moved: &[String], problems: &mut Vec<String>) {
    if source_after["Resources"].as_object().is_some_and(Map::is_empty) {
        problems.push(format!(
            "{source_name} would have no resource left, and CloudFormation does not support empty stacks\n  hint: \
             keep a resource in it, or delete the stack after the move"
        ));
    }
    if let Some(outputs) = source_after.get_mut("Outputs").and_then(Json::as_object_mut) {
        outputs.retain(|_, output| {
            let mut refs = Vec::new();
            super::import::references(output, &mut refs);
            !refs.iter().any(|t| moved.contains(t))
        });
    }
}

impl Engine<'_> {
    /// Updates the stack to `template` (with `parameters`) before a refactor, when that update
    /// changes no resource (it only adds the outputs and parameters the refactor needs); the
    /// stack after it. `what` says what it adds, for progress.
    ///
    /// # Errors
    ///
    /// [`Error::Stack`] when the change set would change a resource (it is deleted: nothing was
    /// changed) or CloudFormation finds nothing to change; the errors of the update.
    pub async fn prepare(
        &self,
        info: &StackInfo,
        template: &Json,
        parameters: &BTreeMap<String, String>,
        what: &str,
    ) -> Result<StackInfo> {
        let body =
            serde_json::to_string(template).map_err(|e| self.fail(format!("template of {}: {e}", self.name())))?;
        self.progress.status(&self.entry.id, format!("preparing the move: {what}"));
        let Some((change_set, changes)) = self.create_change_set(Some(info), &body, parameters).await? else {
            return Err(self.fail(format!(
                "CloudFormation found nothing to change when adding {what} to {}; the move cannot be prepared\n  hint: \
                 move in two deploys (first without the references across the move)",
                self.name()
            )));
        };
        if !changes.is_empty() {
            self.delete_change_set(&change_set).await;
            let ids: Vec<&str> = changes.iter().map(|c| c.logical_id.as_str()).collect();
            return Err(self.fail(format!(
                "preparing {} for the move ({what}) would change resources ({}); nothing was changed\n  hint: deploy \
                 the stack once without the move, then move",
                self.name(),
                ids.join(", ")
            )));
        }
        self.execute(&info.stack_id, &change_set, false, 0).await
    }

    /// Runs the refactor of `plan` and waits for it to finish.
    ///
    /// # Errors
    ///
    /// [`Error::Stack`] when CloudFormation refuses the refactor (the reason it gives, such as a
    /// resource type it does not support) or its execution fails; [`Error::Timeout`] after
    /// [`CfnOptions::stack_timeout`](super::CfnOptions::stack_timeout); the errors of the calls.
    pub async fn refactor(&self, plan: &RefactorPlan, values: &BTreeMap<String, String>) -> Result<String> {
        let definition = |(name, template): &(String, Json)| -> Result<StackDefinition> {
            let body = serde_json::to_string(template).map_err(|e| self.fail(format!("template of {name}: {e}")))?;
            Ok(StackDefinition::builder().stack_name(name).template_body(body).build())
        };
        // A stack the refactor creates takes no parameter values: its new parameters default to them.
        let destination = if plan.create_destination {
            let (name, template) = &plan.destination;
            (name.clone(), rewire::with_parameters(template, &plan.rewiring.destination_parameters, Some(values)))
        } else {
            plan.destination.clone()
        };
        let definitions = vec![definition(&plan.source)?, definition(&destination)?];
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
            .await
            .map_err(|e| self.unsupported_refactor(e))?;
        let id = created.stack_refactor_id().unwrap_or_default().to_string();
        self.wait_refactor(&id, false).await?;
        self.progress.status(&self.entry.id, "executing the stack refactor");
        self.call("ExecuteStackRefactor", || self.cfn().execute_stack_refactor().stack_refactor_id(&id).send()).await?;
        self.wait_refactor(&id, true).await?;
        Ok(id)
    }

    /// An endpoint without stack refactoring (the emulators) says so in many ways; all of them
    /// become one message: the stacks are prepared, nothing moved, and where it can run.
    fn unsupported_refactor(&self, e: Error) -> Error {
        let text = e.to_string();
        let unsupported =
            ["not yet been emulated", "not implemented", "NotImplemented", "InvalidAction", "UnknownOperation"];
        if !unsupported.iter().any(|m| text.contains(m)) {
            return e;
        }
        self.fail(format!(
            "the CloudFormation endpoint does not implement stack refactoring (CreateStackRefactor: {}); nothing was \
             moved (the stacks may have gained the outputs and parameters the move needs, which change no resource)\n  \
             hint: moves across stacks need AWS CloudFormation (LocalStack and moto have no stack refactoring: \
             docs/local.md); on an emulator, remove the move declaration to let the resources be replaced",
            text.lines().next().unwrap_or_default()
        ))
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
    use crate::cfn::ValueFrom;
    use serde_json::json;
    use stackwright_core::assembly::ParameterBinding;

    fn moved(ids: &[&str]) -> Vec<MoveEntry> {
        vec![MoveEntry {
            from: "prod/a/X".into(),
            to: "prod/b/X".into(),
            from_stack: "prod-a".into(),
            logical_ids: ids.iter().map(|s| (*s).to_string()).collect(),
        }]
    }

    fn side<'a>(
        id: &'a str,
        deployed: Option<&'a Json>,
        program: &'a Json,
        bindings: &'a [ParameterBinding],
    ) -> Side<'a> {
        Side { id, name: id, deployed, program, bindings }
    }

    fn binding(parameter: &str, stack: &str, output: &str) -> ParameterBinding {
        ParameterBinding { parameter: parameter.into(), stack: stack.into(), output: output.into() }
    }

    #[test]
    fn a_new_destination_is_created_by_the_refactor() {
        let source = json!({"Resources": {"Keep": {"Type": "AWS::SNS::Topic"}, "X": {"Type": "AWS::SNS::Topic"}}});
        let program = json!({"Resources": {}});
        let plan =
            refactor_plan(&side("a", Some(&source), &program, &[]), &side("b", None, &program, &[]), &moved(&["X"]))
                .unwrap()
                .unwrap();
        assert!(plan.create_destination);
        assert_eq!(plan.destination.1["Resources"]["X"]["Type"], "AWS::SNS::Topic");
        assert_eq!(plan.moved, ["X"]);
        assert!(!plan.rewiring.needs_preparation());
    }

    #[test]
    fn unsupported_types_unconnected_references_and_empty_sources_are_refused() {
        let source = json!({"Resources": {
            "X": {"Type": "AWS::EC2::EIP", "Properties": {"Tags": [{"Value": {"Fn::Sub": "${Gone}-x"}}]}},
            "Gone": {"Type": "AWS::SNS::Topic", "Properties": {"Name": {"Ref": "X"}}}}});
        let program = json!({"Resources": {}});
        let b = json!({"Resources": {"Y": {}}});
        let err = refactor_plan(
            &side("a", Some(&source), &program, &[]),
            &side("b", Some(&b), &program, &[]),
            &moved(&["X"]),
        )
        .unwrap_err();
        assert!(err.contains("prod/b/X: AWS::EC2::EIP cannot move between stacks"), "{err}");
        assert!(err.contains("prod/b/X: Gone is named in an Fn::Sub across the move"), "{err}");
        assert!(
            err.contains("prod/b/X: Gone stays in a but refers to X, which moves, and the program does not pass"),
            "{err}"
        );
        let only = json!({"Resources": {"X": {"Type": "AWS::SNS::Topic"}}});
        let err =
            refactor_plan(&side("a", Some(&only), &program, &[]), &side("b", Some(&b), &program, &[]), &moved(&["X"]))
                .unwrap_err();
        assert!(err.contains("a would have no resource left"), "{err}");
    }

    /// The program moved `Sub` (a subscription of the topic that stays) from `a` to `b`; `b`
    /// gets the topic's ARN through the program's parameter `TopicArn` bound to `a`'s output
    /// `TopicArnOut`; the moved resource also uses `a`'s parameter `Env`; and `a`'s `Alarm`
    /// (staying) refers to the moved queue, which the program passes back as `QueueUrl`.
    #[test]
    fn references_across_the_cut_are_rewired_through_the_programs_parameters() {
        let deployed_a = json!({
            "Parameters": {"Env": {"Type": "String"}},
            "Resources": {
                "Topic": {"Type": "AWS::SNS::Topic"},
                "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Env"}}},
                "Sub": {"Type": "AWS::SNS::Subscription", "DependsOn": ["Topic", "Queue"],
                        "Properties": {"TopicArn": {"Ref": "Topic"}, "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]}}},
                "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Dimensions": [{"Value": {"Fn::GetAtt": "Queue.QueueName"}}]}}},
            "Outputs": {"QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}}}});
        let program_a = json!({
            "Parameters": {"QueueName": {"Type": "String"}},
            "Resources": {},
            "Outputs": {"TopicArnOut": {"Value": {"Ref": "Topic"}}}});
        let a_bindings = [binding("QueueName", "b", "QueueNameOut")];
        let deployed_b = json!({"Resources": {"Keep": {"Type": "AWS::SNS::Topic"}}});
        let program_b = json!({
            "Parameters": {"TopicArn": {"Type": "String", "Description": "from a"}},
            "Resources": {},
            "Outputs": {"QueueNameOut": {"Value": {"Fn::GetAtt": ["Queue", "QueueName"]}}}});
        let b_bindings = [binding("TopicArn", "a", "TopicArnOut")];
        let plan = refactor_plan(
            &side("a", Some(&deployed_a), &program_a, &a_bindings),
            &side("b", Some(&deployed_b), &program_b, &b_bindings),
            &moved(&["Queue", "Sub"]),
        )
        .unwrap()
        .unwrap();
        let w = &plan.rewiring;
        assert_eq!(
            serde_json::to_value(&w.source_outputs).unwrap(),
            json!({"TopicArnOut": {"Value": {"Ref": "Topic"}},
                   "QueueNameOut": {"Value": {"Fn::GetAtt": ["Queue", "QueueName"]}}})
        );
        let names =
            |ps: &[rewire::NewParameter]| ps.iter().map(|p| (p.name.clone(), p.value.clone())).collect::<Vec<_>>();
        assert_eq!(names(&w.source_parameters), [("QueueName".into(), ValueFrom::SourceOutput("QueueNameOut".into()))]);
        assert_eq!(
            names(&w.destination_parameters),
            [
                ("Env".into(), ValueFrom::SourceParameter("Env".into())),
                ("TopicArn".into(), ValueFrom::SourceOutput("TopicArnOut".into()))
            ]
        );
        let (a, b) = (&plan.source.1, &plan.destination.1);
        assert_eq!(b["Resources"]["Sub"]["Properties"]["TopicArn"], json!({"Ref": "TopicArn"}));
        assert_eq!(
            b["Resources"]["Sub"]["Properties"]["Endpoint"],
            json!({"Fn::GetAtt": ["Queue", "Arn"]}),
            "moves with it"
        );
        assert_eq!(b["Resources"]["Sub"]["DependsOn"], json!(["Queue"]), "the DependsOn across the cut is dropped");
        assert_eq!(b["Resources"]["Queue"]["Properties"]["QueueName"], json!({"Ref": "Env"}));
        assert_eq!(b["Parameters"]["TopicArn"]["Description"], "from a", "the program's definition");
        assert_eq!(a["Resources"]["Alarm"]["Properties"]["Dimensions"][0]["Value"], json!({"Ref": "QueueName"}));
        assert!(a["Parameters"].get("QueueName").is_some());
        assert_eq!(
            a["Outputs"],
            json!({"TopicArnOut": {"Value": {"Ref": "Topic"}}}),
            "outputs naming moved resources go"
        );
        assert!(a["Resources"].get("Queue").is_none() && a["Resources"].get("Topic").is_some());
    }
}
