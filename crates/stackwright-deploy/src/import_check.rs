//! Before a deploy changes any stack: every selected stack's declared imports are planned from
//! its deployed template (see [`crate::cfn::import_plan`]), so that an import that cannot work
//! stops the whole deploy before anything is sent — not only its own stack, after the stacks
//! deployed before it.

use crate::cfn::import_plan;
use crate::error::{Error, Result};
use crate::plan::Assembly;
use crate::runtime::Runtime;

impl Runtime {
    /// Plans the imports of the selected stacks (read-only calls: `DescribeStacks`,
    /// `GetTemplate`).
    ///
    /// # Errors
    ///
    /// Every stack's problems at once ([`Error::Many`] when several stacks have some), each
    /// line with the resource's path and a fix; the errors of the calls.
    pub async fn check_imports(&self, assembly: &Assembly, selected: &[String]) -> Result<()> {
        let mut errors = Vec::new();
        for entry in assembly.manifest.stacks.iter().filter(|s| selected.contains(&s.id) && !s.imports.is_empty()) {
            let checked = self
                .with_engine(assembly, &entry.id, async |e| {
                    let deployed = match e.describe(&e.entry.stack_name).await? {
                        Some(info) if info.status != "REVIEW_IN_PROGRESS" => {
                            e.deployed_template(&info.stack_id).await?
                        }
                        _ => None,
                    };
                    let body = assembly.template(e.entry)?;
                    let local: serde_json::Value = serde_json::from_str(&body)
                        .map_err(|err| e.fail(format!("the template is not JSON: {err}")))?;
                    import_plan(deployed.as_ref(), &local, &e.entry.imports).map(|_| ()).map_err(|problems| {
                        e.fail(format!("cannot import into {}; nothing was sent:\n{problems}", e.entry.stack_name))
                    })
                })
                .await;
            if let Err(e) = checked {
                errors.push(e);
            }
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(Error::Many(errors)),
        }
    }
}
