//! Which resource types each stack holds: what constructs that derive something from the rest
//! of the program (such as a read-only role whose rights follow the types it must read) look
//! at when they are added, and check again on the finished tree.

use std::collections::{BTreeMap, BTreeSet};

use super::{CheckContext, Node, NodeKind, TreeData};
use crate::value::NodeRef;

/// The stacks below a node (the node's own stack when it is inside one), each with the
/// resource types it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackResourceTypes {
    /// Artifact id (`<environment>-<stack>`, what the command line selects stacks by) → the
    /// stack.
    pub stacks: BTreeMap<String, StackTypes>,
}

/// One stack's deployed name and resource types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackTypes {
    /// The deployed stack name (`<app>-<environment>-<stack>` unless set with
    /// [`Stack::set_stack_name`](crate::Stack::set_stack_name)).
    pub stack_name: String,
    /// Resource type → the construct path of the first resource of that type, in creation
    /// order.
    pub types: BTreeMap<String, String>,
}

impl StackResourceTypes {
    /// Every resource type of every stack, once.
    #[must_use]
    pub fn types(&self) -> BTreeSet<&str> {
        self.stacks.values().flat_map(|s| s.types.keys().map(String::as_str)).collect()
    }
}

impl TreeData {
    fn stack_resource_types(&self, index: usize) -> StackResourceTypes {
        let mut out = StackResourceTypes::default();
        let roots: Vec<usize> = match self.stack_of(index) {
            Some(stack) => vec![stack],
            None => {
                self.subtree(index).into_iter().filter(|i| matches!(self.node(*i).kind(), NodeKind::Stack(_))).collect()
            }
        };
        for stack in roots {
            let Some(env) = self.environment_of(stack) else { continue };
            let artifact = format!("{}-{}", self.node(env).id(), self.node(stack).id());
            let stack_name = (self.stack_data(stack).stack_name.clone())
                .unwrap_or_else(|| format!("{}-{artifact}", self.app_name()));
            let types =
                &mut out.stacks.entry(artifact).or_insert(StackTypes { stack_name, types: BTreeMap::new() }).types;
            for i in self.subtree(stack) {
                if let Some(resource) = self.node(i).resource() {
                    types.entry(resource.type_name.clone()).or_insert_with(|| self.path(i));
                }
            }
        }
        out
    }
}

impl Node {
    /// The resource types of the stacks below this node (an app, an environment), or of the
    /// stack it is in, as the tree is now.
    #[must_use]
    pub fn stack_resource_types(&self) -> StackResourceTypes {
        self.data().stack_resource_types(self.index)
    }
}

impl CheckContext<'_> {
    /// [`Node::stack_resource_types`] on the finished tree; empty for a node of another tree.
    #[must_use]
    pub fn stack_resource_types(&self, node: NodeRef) -> StackResourceTypes {
        if !self.tree.contains(node) {
            return StackResourceTypes::default();
        }
        self.tree.stack_resource_types(node.index)
    }
}
