//! Before a deploy changes any stack: the constructs the program declares moved to another
//! stack are moved there with CloudFormation stack refactoring (see [`crate::cfn::refactor_plan`]),
//! so that the ordinary deploy that follows finds their resources where the program has them
//! and replaces nothing.

use std::collections::BTreeMap;

use stackwright_core::assembly::MoveEntry;

use crate::cfn::refactor_plan;
use crate::error::Result;
use crate::plan::Assembly;
use crate::runtime::Runtime;

impl Runtime {
    /// Runs the refactors the selected stacks' cross-stack moves still need (none when their
    /// resources are in the destination already, or the source stack was never deployed); one
    /// line per refactor done.
    ///
    /// # Errors
    ///
    /// [`crate::error::Error::Stack`] naming every move that cannot be made (before anything
    /// is sent for that pair of stacks), or the refactor's failure; the errors of the calls.
    pub async fn refactor_moves(&self, assembly: &Assembly, selected: &[String]) -> Result<Vec<String>> {
        let mut done = Vec::new();
        for entry in assembly.manifest.stacks.iter().filter(|s| selected.contains(&s.id)) {
            let mut by_source: BTreeMap<&str, Vec<MoveEntry>> = BTreeMap::new();
            for m in entry.moves.iter().filter(|m| m.across_stacks(&entry.id)) {
                by_source.entry(m.from_stack.as_str()).or_default().push(m.clone());
            }
            for (from, moves) in by_source {
                let source = assembly.stack(from)?;
                let source_template = self
                    .with_engine(assembly, from, async |e| match e.describe(&e.entry.stack_name).await? {
                        Some(info) => e.deployed_template(&info.stack_id).await,
                        None => Ok(None),
                    })
                    .await?;
                let Some(source_template) = source_template else { continue };
                let outcome = self
                    .with_engine(assembly, &entry.id, async |e| {
                        let destination = match e.describe(&e.entry.stack_name).await? {
                            Some(info) if info.status != "REVIEW_IN_PROGRESS" => {
                                e.deployed_template(&info.stack_id).await?
                            }
                            _ => None,
                        };
                        let plan = refactor_plan(
                            (&source.stack_name, &source_template),
                            (&e.entry.stack_name, destination.as_ref()),
                            &moves,
                        )
                        .map_err(|problems| {
                            e.fail(format!(
                                "cannot move resources from {}; nothing was sent:\n{problems}",
                                source.stack_name
                            ))
                        })?;
                        match plan {
                            Some(plan) => {
                                let id = e.refactor(&plan).await?;
                                Ok(Some(format!(
                                    "{}: moved {} from {} by stack refactoring ({id})",
                                    e.entry.id,
                                    plan.moved.join(", "),
                                    source.stack_name
                                )))
                            }
                            None => Ok(None),
                        }
                    })
                    .await?;
                done.extend(outcome);
            }
        }
        Ok(done)
    }
}
