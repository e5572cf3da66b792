//! Rejected constructs: how a construct reports the problems of its input without stopping the
//! program, so that one run shows the mistakes of every construct.
//!
//! A construct checks its input first. When something is wrong it still adds its node (with
//! [`Node::add_child_deferred`], which also turns a bad or duplicate id into a recorded
//! problem), records every problem there with [`Node::reject`], builds nothing, and returns a
//! handle over the rejected node. Synth then reports the recorded problems with all the others
//! and writes nothing.
//!
//! The rejected handle must be impossible to misuse:
//!
//! - its values (ids, ARNs, names known only at deploy time) are *values of a rejected
//!   construct* ([`Node::rejected_attr`], [`Resource::rejected`](crate::Resource::rejected)):
//!   references to the rejected node. Synth never renders them and reports nothing about them,
//!   because a problem is already recorded; a user can pass them anywhere without a follow-up
//!   error;
//! - a construct given a rejected input ([`Node::is_rejected`], or
//!   [`Node::refers_to_rejected`] for a value) checks only its own input, then rejects itself
//!   with [`Node::reject_because_of`]: no second problem for the first mistake;
//! - a tree holding a rejected node never synthesizes. If no problem at all was recorded (a
//!   construct rejected itself without saying why), synth reports an internal error at the
//!   node instead of rendering it.

use crate::error::Diagnostic;
use crate::value::{Attr, Value};

use super::{Construct, Node, NodeKind};

impl Node {
    /// Adds a construct node below this one, for a construct that reports its problems through
    /// the tree instead of returning them. A bad or duplicate `id` is recorded as a problem and
    /// the node comes back detached (synth never sees it) and rejected; otherwise the node is
    /// attached as [`add_child`](Node::add_child) would.
    #[must_use]
    pub fn add_child_deferred(&self, id: &str) -> Node {
        match self.check_child_id(id) {
            Ok(()) => self.push_child(id, NodeKind::Construct, true),
            Err(problem) => {
                let node = self.push_child(id, NodeKind::Construct, false);
                node.reject([problem]);
                node
            }
        }
    }

    /// Records `problems` (the construct's, with their paths) for synth to report, and marks
    /// the construct rejected: it builds nothing, and its values are never rendered.
    pub fn reject(&self, problems: impl IntoIterator<Item = Diagnostic>) {
        let mut tree = self.tree.borrow_mut();
        for problem in problems {
            tree.defer(problem);
        }
        tree.node_mut(self.index).set_rejected();
    }

    /// Marks the construct rejected because `input` (a construct it needs) is rejected: the
    /// input's problems are recorded already, so this records none of its own. When `input`
    /// is not rejected, that is a bug of the calling construct, recorded as an internal error.
    pub fn reject_because_of(&self, input: &impl Construct) {
        let input = input.node();
        let problems = if input.is_rejected() {
            Vec::new()
        } else {
            vec![Diagnostic::new(
                self.path(),
                format!("internal error: rejected because of '{}', which was not rejected", input.path()),
                "please report this as a bug of the construct",
            )]
        };
        self.reject(problems);
    }

    /// True when the construct at this node rejected its input.
    #[must_use]
    pub fn is_rejected(&self) -> bool {
        self.data().node(self.index).rejected()
    }

    /// True when `value` refers to a rejected construct of this tree (for example an image
    /// whose repository was rejected).
    #[must_use]
    pub fn refers_to_rejected(&self, value: &Value) -> bool {
        let tree = self.data();
        let mut found = false;
        value.visit_refs(&mut |r| found |= tree.contains(r) && tree.node(r.index).rejected());
        found
    }

    /// A value of this rejected construct, of any kind: what its handle returns for an id or
    /// attribute it never created. Synth never renders it and reports nothing about it.
    #[must_use]
    pub fn rejected_attr<K>(&self) -> Attr<K> {
        Attr::from_value(Value::Ref(self.node_ref()))
    }
}

#[cfg(test)]
mod tests {
    use crate::{Account, App, Construct, Region};

    #[test]
    fn a_bad_id_is_recorded_and_its_node_detached_and_rejected() {
        let app = App::new("demo");
        let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1).stack("s");
        let first = stack.node().add_child_deferred("Vpc");
        assert!(!first.is_rejected());
        let second = stack.node().add_child_deferred("Vpc");
        assert!(second.is_rejected());
        assert_eq!(second.path(), "prod/s/Vpc");
        let value = second.rejected_attr::<String>();
        assert!(stack.node().refers_to_rejected(value.value()));
        assert!(!stack.node().refers_to_rejected(&first.rejected_attr::<String>().into()));
        let err = app.synth().unwrap_err();
        assert_eq!(err.diagnostics().len(), 1, "{err}");
        assert!(err.to_string().contains("duplicate construct id 'Vpc'"), "{err}");
    }
}
