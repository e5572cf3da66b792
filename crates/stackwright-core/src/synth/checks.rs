//! Step 1, and the last checks: the problems recorded while building, the checks constructs
//! registered, CloudFormation's per-template quotas, and that a rejected construct left a
//! problem; and the warnings constructs recorded.

use crate::error::{Diagnostic, Diagnostics};
use crate::tree::{CheckContext, TreeData};

use super::Synth;

/// CloudFormation's per-template quotas.
const MAX_RESOURCES: usize = 500;
const MAX_PARAMETERS: usize = 200;
const MAX_OUTPUTS: usize = 200;

impl<'a> Synth<'a> {
    pub(super) fn run_checks(&mut self, reachable: &[usize]) {
        let ctx = CheckContext::new(self.tree);
        for &i in reachable {
            for check in self.tree.node(i).checks() {
                self.diags.extend(check(&ctx));
            }
        }
    }

    /// A rejected construct always comes with a recorded problem (its own, or its input's):
    /// when none was recorded, a construct rejected itself without saying why, and the tree
    /// must still not be written.
    pub(super) fn check_rejected(&mut self) {
        if self.diags.is_empty()
            && let Some(i) = self.tree.first_rejected()
        {
            self.diags.push(
                self.path(i),
                "internal error: the construct was rejected, but no problem was recorded",
                "please report this as a bug of the construct",
            );
        }
    }

    /// CloudFormation's quotas, and a stack without resources (which CloudFormation refuses)
    /// unless it holds the Kubernetes objects of a cluster (`with_objects`: their stacks' ids):
    /// a program that deploys workloads on a cluster it refers to may have nothing else there,
    /// and the runtime then applies the objects without sending the stack to CloudFormation.
    pub(super) fn check_quotas(&mut self, with_objects: &[&str]) {
        // A rejected construct adds nothing: its stack may be empty because of it, and its own
        // problem is the one to report.
        let rejected = self.tree.first_rejected().is_some();
        for s in &self.stacks {
            if s.resources.is_empty() && !rejected && !with_objects.contains(&s.artifact.as_str()) {
                self.diags.push(
                    self.tree.path(s.node),
                    "the stack has no resources: CloudFormation refuses a template without any",
                    "give it a resource, or do not create it (a construct that only refers to an existing resource adds none: put it in the stack that uses it)",
                );
            }
            for (what, count, max) in [
                ("resources", s.resources.len(), MAX_RESOURCES),
                ("parameters", s.parameters.len(), MAX_PARAMETERS),
                ("outputs", s.outputs.len(), MAX_OUTPUTS),
            ] {
                if count > max {
                    self.diags.push(
                        self.tree.path(s.node),
                        format!("the stack has {count} {what}; CloudFormation allows at most {max}"),
                        "split the stack into several stacks",
                    );
                }
            }
        }
    }
}

/// The warnings recorded on the `reachable` nodes and found by their warning checks, in tree
/// order, each at its node's path (a check's at the path it gives).
pub(super) fn warnings(tree: &TreeData, reachable: &[usize]) -> Diagnostics {
    let mut out = Diagnostics::new();
    let ctx = CheckContext::new(tree);
    for &i in reachable {
        out.extend(tree.node(i).warnings().iter().map(|(message, hint)| Diagnostic::new(tree.path(i), message, hint)));
        for check in tree.node(i).warning_checks() {
            out.extend(check(&ctx));
        }
    }
    out
}
