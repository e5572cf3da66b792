//! Moves: a construct declares the path it had before it was moved or renamed
//! ([`Node::moved_from`]), so that its resources keep the logical ids — and so the physical
//! resources — they were created with (Terraform's `moved` blocks, CDK's `cdk refactor`).
//!
//! The declaration is only recorded here; synth checks it against the whole tree (see
//! `synth::moves`), because whether the old path is still in use, or declared twice, is only
//! known once every construct is built.

use indexmap::IndexMap;

use super::Node;
use crate::error::Diagnostic;

/// The moves a tree declares: node index → the path the node had before, in declaration order.
#[derive(Default)]
pub(crate) struct Moves(pub(crate) IndexMap<usize, String>);

impl Node {
    /// Declares that this construct used to be at `old_path` (such as
    /// `prod/cluster/Cluster/Logs`, environment and stack included): every resource below it
    /// keeps the logical id it had there, so deploying the moved program replaces nothing.
    ///
    /// Within one stack the template stays byte-identical (the `stackwright:path` metadata of
    /// the resources keeps the old path too: CloudFormation refuses an update that only changes
    /// metadata). When the old path is in another stack of the same environment, the resources
    /// keep their logical ids in the new stack and the runtime moves them with CloudFormation
    /// stack refactoring. Either way the assembly records the move, so `diff` shows
    /// "moved: old → new" instead of a removal and an addition.
    ///
    /// Keep the declaration for as long as the resources live: the logical ids are derived
    /// from it (Terraform's `moved` blocks can be dropped once every state has been migrated;
    /// these cannot, unless you replace them with explicit
    /// [`set_logical_id`](Node::set_logical_id) calls).
    ///
    /// Synth reports, with this node's path: an old path that is not
    /// `<environment>/<stack>/<construct…>`, one in another environment or in a stack the
    /// program does not have, one that is still the path of a construct, two moves from the
    /// same path, two declarations on one node, and a declaration on an app, environment or
    /// stack.
    ///
    /// ```
    /// use stackwright_core::{Account, App, Construct, RawResource, Region, Resource};
    /// let app = App::new("demo");
    /// let stack = app.environment("prod", Account::new("123456789012")?, Region::EuWest1).stack("data");
    /// let storage = stack.node().add_child("Storage")?;
    /// // Was `prod/data/Bucket` before it moved under `Storage`: its logical id stays `Bucket`.
    /// let bucket = Resource::new(&storage, "Bucket", RawResource::new("AWS::S3::Bucket"))?;
    /// bucket.node().moved_from("prod/data/Bucket");
    /// let assembly = app.synth()?;
    /// let entry = &assembly.manifest.stacks[0];
    /// assert!(entry.resources.contains_key("Bucket"));
    /// assert_eq!(entry.moves[0].from, "prod/data/Bucket");
    /// assert_eq!(entry.moves[0].to, "prod/data/Storage/Bucket");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn moved_from(&self, old_path: &str) {
        let earlier = self.extension_mut::<Moves>().0.insert(self.index(), old_path.to_string());
        if let Some(earlier) = earlier.filter(|e| e != old_path) {
            self.defer_error(Diagnostic::new(
                self.path(),
                format!("the construct is declared moved from '{earlier}' and from '{old_path}'"),
                "declare one old path per construct; declare a move on the inner constructs that came from elsewhere",
            ));
        }
    }
}
