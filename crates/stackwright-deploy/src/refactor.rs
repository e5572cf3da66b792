//! Before a deploy changes any stack: the constructs the program declares moved to another
//! stack are moved there with CloudFormation stack refactoring (see [`crate::cfn::refactor_plan`]),
//! so that the ordinary deploy that follows finds their resources where the program has them
//! and replaces nothing. References across the move are rewired first (see
//! [`crate::cfn::Rewiring`]): the two stacks gain the outputs and parameters that carry them,
//! by updates that change no resource.

use std::collections::BTreeMap;

use serde_json::Value as Json;
use stackwright_core::assembly::{MoveEntry, StackEntry};

use crate::cfn::{Engine, NewParameter, RefactorPlan, Side, StackInfo, ValueFrom, refactor_plan};
use crate::error::Result;
use crate::plan::Assembly;
use crate::runtime::Runtime;

/// A stack as deployed: what `DescribeStacks` says and its template.
type DeployedStack = Option<(StackInfo, Json)>;

/// A refactor planned, with what its preparation needs.
struct PlannedMove<'a> {
    source: &'a StackEntry,
    destination: &'a StackEntry,
    source_deployed: (StackInfo, Json),
    destination_deployed: DeployedStack,
    plan: RefactorPlan,
}

impl Runtime {
    /// Runs the refactors the selected stacks' cross-stack moves still need (none when their
    /// resources are in the destination already, or the source stack was never deployed); one
    /// line per refactor done.
    ///
    /// # Errors
    ///
    /// [`crate::error::Error::Stack`] naming every move that cannot be made (before anything
    /// is sent for any pair of stacks), or the failure of a preparation or the refactor; the
    /// errors of the calls.
    pub async fn refactor_moves(&self, assembly: &Assembly, selected: &[String]) -> Result<Vec<String>> {
        // Every pair of stacks is planned (reads only) before any is prepared or refactored, so
        // a move that cannot be made stops the deploy before anything changes.
        let mut plans = Vec::new();
        let mut problems = Vec::new();
        for entry in assembly.manifest.stacks.iter().filter(|s| selected.contains(&s.id)) {
            let mut by_source: BTreeMap<&str, Vec<MoveEntry>> = BTreeMap::new();
            for m in entry.moves.iter().filter(|m| m.across_stacks(&entry.id)) {
                by_source.entry(m.from_stack.as_str()).or_default().push(m.clone());
            }
            for (from, moves) in by_source {
                match self.plan_move(assembly, assembly.stack(from)?, entry, &moves).await {
                    Ok(Some(planned)) => plans.push(planned),
                    Ok(None) => {}
                    Err(crate::error::Error::Stack { stack, message }) => problems.push((stack, message)),
                    Err(e) => return Err(e),
                }
            }
        }
        if let Some((stack, _)) = problems.first() {
            let message = problems.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("\n");
            return Err(crate::error::Error::Stack { stack: stack.clone(), message });
        }
        let mut done = Vec::new();
        for planned in plans {
            let PlannedMove { source, destination, source_deployed, destination_deployed, plan } = planned;
            let values = if plan.rewiring.needs_preparation() {
                let (info, template) = source_deployed;
                self.prepare_move(assembly, (source, info, &template), (destination, destination_deployed), &plan)
                    .await?
            } else {
                BTreeMap::new()
            };
            let id = self.with_engine(assembly, &destination.id, async |e| e.refactor(&plan, &values).await).await?;
            done.push(format!(
                "{}: moved {} from {} by stack refactoring ({id})",
                destination.id,
                plan.moved.join(", "),
                source.stack_name
            ));
        }
        Ok(done)
    }

    /// Plans the moves from `source` into `destination` from their deployed templates: `None`
    /// when the source was never deployed or the resources have moved already.
    async fn plan_move<'a>(
        &self,
        assembly: &Assembly,
        source: &'a StackEntry,
        destination: &'a StackEntry,
        moves: &[MoveEntry],
    ) -> Result<Option<PlannedMove<'a>>> {
        let Some(source_deployed) = self.with_engine(assembly, &source.id, async |e| deployed(e, false).await).await?
        else {
            return Ok(None);
        };
        let programs = (program(assembly, source)?, program(assembly, destination)?);
        self.with_engine(assembly, &destination.id, async |e| {
            let destination_deployed = deployed(e, true).await?;
            let plan = refactor_plan(
                &Side {
                    id: &source.id,
                    name: &source.stack_name,
                    deployed: Some(&source_deployed.1),
                    program: &programs.0,
                    bindings: &source.parameters,
                },
                &Side {
                    id: &destination.id,
                    name: &destination.stack_name,
                    deployed: destination_deployed.as_ref().map(|(_, t)| t),
                    program: &programs.1,
                    bindings: &destination.parameters,
                },
                moves,
            )
            .map_err(|problems| {
                e.fail(format!("cannot move resources from {}; nothing was sent:\n{problems}", source.stack_name))
            })?;
            Ok(plan.map(|plan| PlannedMove { source, destination, source_deployed, destination_deployed, plan }))
        })
        .await
    }

    /// Updates the source, then the destination (when it exists), with what the refactor of
    /// `plan` needs: the source's outputs, then the parameters whose values they carry. The
    /// values of the new parameters, by name.
    async fn prepare_move(
        &self,
        assembly: &Assembly,
        (source, mut info, deployed): (&StackEntry, StackInfo, &Json),
        (destination, destination_deployed): (&StackEntry, DeployedStack),
        plan: &RefactorPlan,
    ) -> Result<BTreeMap<String, String>> {
        let w = &plan.rewiring;
        let with_outputs = crate::cfn::with_outputs(deployed, &w.source_outputs);
        if !w.source_outputs.is_empty() {
            let names: Vec<&str> = w.source_outputs.keys().map(String::as_str).collect();
            let what = format!("output(s) {}", names.join(", "));
            info = self
                .with_engine(assembly, &source.id, async |e| {
                    let parameters = info.parameters.clone();
                    e.prepare(&info, &with_outputs, &parameters, &what).await
                })
                .await?;
            self.progress.line(format!("{}: added {what} for the move to {}", source.id, destination.id));
        }
        let all = w.source_parameters.iter().chain(&w.destination_parameters);
        let values = self.with_engine(assembly, &source.id, async |e| values_of(e, &info, all)).await?;
        if !w.source_parameters.is_empty() {
            let template = crate::cfn::with_parameters(&with_outputs, &w.source_parameters, None);
            self.prepare_parameters(assembly, source, &info, &template, &w.source_parameters, &values).await?;
        }
        if let (Some((info, template)), false) = (destination_deployed, w.destination_parameters.is_empty()) {
            let template = crate::cfn::with_parameters(&template, &w.destination_parameters, None);
            self.prepare_parameters(assembly, destination, &info, &template, &w.destination_parameters, &values)
                .await?;
        }
        Ok(values)
    }

    /// Updates `stack` to `template`, which adds `parameters` (with `values`).
    async fn prepare_parameters(
        &self,
        assembly: &Assembly,
        stack: &StackEntry,
        info: &StackInfo,
        template: &Json,
        parameters: &[NewParameter],
        values: &BTreeMap<String, String>,
    ) -> Result<()> {
        let names: Vec<&str> = parameters.iter().map(|p| p.name.as_str()).collect();
        let what = format!("parameter(s) {}", names.join(", "));
        let mut all = info.parameters.clone();
        for p in parameters {
            all.insert(p.name.clone(), values.get(&p.name).cloned().unwrap_or_default());
        }
        self.with_engine(assembly, &stack.id, async |e| e.prepare(info, template, &all, &what).await).await?;
        self.progress.line(format!("{}: added {what} for the move", stack.id));
        Ok(())
    }
}

/// The stack of `e` as deployed (`None` when it does not exist; with `skip_review`, also when
/// it is only a stack in `REVIEW_IN_PROGRESS`, which has no template).
async fn deployed(e: &Engine<'_>, skip_review: bool) -> Result<DeployedStack> {
    match e.describe(&e.entry.stack_name).await? {
        Some(info) if !(skip_review && info.status == "REVIEW_IN_PROGRESS") => {
            Ok(e.deployed_template(&info.stack_id).await?.map(|t| (info, t)))
        }
        _ => Ok(None),
    }
}

/// The program's template of `stack`, parsed.
fn program(assembly: &Assembly, stack: &StackEntry) -> Result<Json> {
    serde_json::from_str(&assembly.template(stack)?).map_err(|e| {
        crate::error::Error::usage(format!("the template of {} is not JSON: {e}\n  hint: synthesize again", stack.id))
    })
}

/// The values of `parameters`, read from the source stack `info` (its outputs after the
/// preparation, its parameters).
fn values_of<'p>(
    e: &Engine<'_>,
    info: &StackInfo,
    parameters: impl Iterator<Item = &'p NewParameter>,
) -> Result<BTreeMap<String, String>> {
    let mut values = BTreeMap::new();
    for p in parameters {
        let value = match &p.value {
            ValueFrom::SourceOutput(o) => info.outputs.get(o).ok_or_else(|| {
                e.fail(format!("{} has no output {o} after preparing the move; nothing was moved", e.entry.stack_name))
            })?,
            ValueFrom::SourceParameter(name) => {
                info.parameters.get(name).filter(|v| *v != "****").ok_or_else(|| {
                    e.fail(format!(
                    "the value of the parameter {name} of {} cannot be read back (missing or NoEcho), and the moved \
                     resources use it; nothing was moved\n  hint: move in two deploys (first without the parameter)",
                    e.entry.stack_name
                ))
                })?
            }
        };
        values.insert(p.name.clone(), value.clone());
    }
    Ok(values)
}
