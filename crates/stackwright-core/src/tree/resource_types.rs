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

#[cfg(test)]
mod tests {
    use crate::{Account, App, Construct, RawResource, Region, Resource};

    #[test]
    fn an_environment_lists_its_stacks_with_their_names_and_types() {
        let app = App::new("shop");
        let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1);
        let network = dev.stack("network");
        Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC")).unwrap();
        Resource::new(&network, "Vpc2", RawResource::new("AWS::EC2::VPC")).unwrap();
        let queue = dev.stack("queue");
        queue.set_stack_name("legacy-queue");
        Resource::new(&queue, "Queue", RawResource::new("AWS::SQS::Queue")).unwrap();
        let other = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
        Resource::new(&other.stack("network"), "Vpc", RawResource::new("AWS::EC2::VPC")).unwrap();

        let found = dev.node().stack_resource_types();
        let ids: Vec<&str> = found.stacks.keys().map(String::as_str).collect();
        assert_eq!(ids, ["dev-network", "dev-queue"], "the environment's stacks only");
        assert_eq!(found.stacks["dev-network"].stack_name, "shop-dev-network");
        assert_eq!(found.stacks["dev-queue"].stack_name, "legacy-queue");
        assert_eq!(found.stacks["dev-network"].types["AWS::EC2::VPC"], "dev/network/Vpc", "the first of the type");
        assert_eq!(found.types().into_iter().collect::<Vec<_>>(), ["AWS::EC2::VPC", "AWS::SQS::Queue"]);
        // inside a stack: that stack only
        assert_eq!(queue.node().stack_resource_types().stacks.keys().collect::<Vec<_>>(), ["dev-queue"]);
    }
}
