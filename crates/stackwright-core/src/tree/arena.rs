//! The arena behind [`Node`](super::Node) handles: every node of one tree in a vector, addressed
//! by index.
//!
//! The fields are private: the handles of the tree module are the only writers, so that what a
//! node holds changes in one place. Other modules read through the accessors, and keep state of
//! their own per tree in an extension slot (the Kubernetes clusters, for example), so that they
//! depend on the tree and the tree depends on none of them.

use std::any::{Any, TypeId};
use std::collections::HashMap;

use indexmap::IndexMap;

use crate::environment::{Account, Region};
use crate::error::{Diagnostic, Diagnostics};
use crate::template::{DeletionPolicy, OutputDef, ParameterDef};
use crate::tree::CheckContext;
use crate::value::{NodeRef, Value};

/// A check a construct registers; synth runs them all on the finished tree.
pub(crate) type Check = Box<dyn Fn(&CheckContext<'_>) -> Vec<Diagnostic>>;

/// Every node of one construct tree, and what the tree as a whole holds.
pub(crate) struct TreeData {
    /// Tells the trees of a process apart, so that a value of another tree is caught.
    id: u64,
    /// The app is node 0; a node's index never changes.
    nodes: Vec<NodeData>,
    /// Problems found while the tree was built by calls that do not return a `Result`.
    deferred: Diagnostics,
    /// Extra files constructs add to the assembly (workflows, monitoring configuration).
    files: IndexMap<String, (NodeRef, Vec<u8>)>,
    /// State other modules keep per tree, one value per type (see the module documentation).
    extensions: HashMap<TypeId, Box<dyn Any>>,
}

/// One node: its place in the tree and what constructs attached to it.
pub(crate) struct NodeData {
    id: String,
    parent: Option<usize>,
    children: IndexMap<String, usize>,
    kind: NodeKind,
    metadata: IndexMap<String, serde_json::Value>,
    logical_id: Option<String>,
    dependencies: Vec<NodeRef>,
    resource: Option<ResourceData>,
    checks: Vec<Check>,
    /// The construct rejected its input (see `Node::reject`): its problems are recorded,
    /// it built nothing, and synth never renders a reference to it.
    rejected: bool,
    /// Warnings recorded on the node: message and hint (see [`Node::warn`](super::Node::warn)).
    warnings: Vec<(String, String)>,
    /// Checks whose findings are warnings, run on the finished tree (see
    /// [`Node::add_warning_check`](super::Node::add_warning_check)).
    warning_checks: Vec<Check>,
}

/// What a node is: the roots of the tree carry data of their own.
pub(crate) enum NodeKind {
    App { name: String },
    Environment(EnvironmentData),
    Stack(Box<StackData>),
    Construct,
}

/// Where an environment deploys.
pub(crate) struct EnvironmentData {
    pub(crate) account: Account,
    pub(crate) region: Region,
    pub(crate) production: bool,
}

/// What a stack declares besides its resources.
#[derive(Default)]
pub(crate) struct StackData {
    pub(crate) description: Option<String>,
    pub(crate) stack_name: Option<String>,
    pub(crate) termination_protection: Option<bool>,
    pub(crate) parameters: IndexMap<String, ParameterDef>,
    pub(crate) conditions: IndexMap<String, Value>,
    pub(crate) outputs: IndexMap<String, OutputDef>,
    pub(crate) tags: IndexMap<String, String>,
}

/// A CloudFormation resource attached to a node.
pub(crate) struct ResourceData {
    pub(crate) type_name: String,
    pub(crate) properties: Value,
    pub(crate) deletion_policy: Option<DeletionPolicy>,
    pub(crate) update_replace_policy: Option<DeletionPolicy>,
    pub(crate) condition: Option<String>,
    pub(crate) metadata: IndexMap<String, serde_json::Value>,
}

impl TreeData {
    /// A tree holding only its app node.
    pub(super) fn new(id: u64, app_name: &str) -> Self {
        let root = NodeData::new(app_name.to_string(), None, NodeKind::App { name: app_name.to_string() });
        TreeData {
            id,
            nodes: vec![root],
            deferred: Diagnostics::new(),
            files: IndexMap::new(),
            extensions: HashMap::new(),
        }
    }

    /// The id that [`NodeRef`]s of this tree carry.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// True when `node` is a node of this tree.
    pub(crate) fn contains(&self, node: NodeRef) -> bool {
        node.tree == self.id && node.index < self.nodes.len()
    }

    /// The node at `index`.
    pub(crate) fn node(&self, index: usize) -> &NodeData {
        &self.nodes[index]
    }

    pub(super) fn node_mut(&mut self, index: usize) -> &mut NodeData {
        &mut self.nodes[index]
    }

    /// Adds a node below `parent`; a detached node (`attach == false`) knows its parent but is
    /// not listed by it, so synth never sees it.
    pub(super) fn push(&mut self, parent: usize, id: &str, kind: NodeKind, attach: bool) -> usize {
        let index = self.nodes.len();
        self.nodes.push(NodeData::new(id.to_string(), Some(parent), kind));
        if attach {
            self.nodes[parent].children.insert(id.to_string(), index);
        }
        index
    }

    /// Problems recorded while building.
    pub(crate) fn deferred(&self) -> &Diagnostics {
        &self.deferred
    }

    pub(super) fn defer(&mut self, diagnostic: Diagnostic) {
        self.deferred.extend([diagnostic]);
    }

    /// The first node (in creation order) whose construct rejected its input, if any.
    pub(crate) fn first_rejected(&self) -> Option<usize> {
        self.nodes.iter().position(NodeData::rejected)
    }

    /// Extra assembly files: relative path → (the node that wrote it, contents).
    pub(crate) fn files(&self) -> &IndexMap<String, (NodeRef, Vec<u8>)> {
        &self.files
    }

    pub(super) fn files_mut(&mut self) -> &mut IndexMap<String, (NodeRef, Vec<u8>)> {
        &mut self.files
    }

    /// The state of type `T` another module keeps for this tree, if it stored any.
    pub(crate) fn extension<T: Any>(&self) -> Option<&T> {
        self.extensions.get(&TypeId::of::<T>()).and_then(|b| b.downcast_ref())
    }

    /// The state of type `T` another module keeps for this tree, created empty on first use.
    pub(crate) fn extension_mut<T: Any + Default>(&mut self) -> &mut T {
        self.extensions
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut()
            .expect("an extension is stored under its own type id")
    }

    /// The construct path of a node: its ids from the environment down (the app's name for the
    /// app itself).
    pub(crate) fn path(&self, index: usize) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(index);
        while let Some(i) = cur {
            let n = &self.nodes[i];
            if !matches!(n.kind, NodeKind::App { .. }) {
                parts.push(n.id.as_str());
            }
            cur = n.parent;
        }
        if parts.is_empty() {
            return self.app_name().to_string();
        }
        parts.reverse();
        parts.join("/")
    }

    /// The name the app was created with.
    pub(crate) fn app_name(&self) -> &str {
        match &self.nodes[0].kind {
            NodeKind::App { name } => name,
            _ => "app",
        }
    }

    /// The stack a node belongs to (itself if it is one).
    pub(crate) fn stack_of(&self, index: usize) -> Option<usize> {
        self.ancestors(index).find(|i| matches!(self.nodes[*i].kind, NodeKind::Stack(_)))
    }

    /// The environment a node belongs to (itself if it is one).
    pub(crate) fn environment_of(&self, index: usize) -> Option<usize> {
        self.ancestors(index).find(|i| matches!(self.nodes[*i].kind, NodeKind::Environment(_)))
    }

    /// The node itself, then its parent, up to the app.
    pub(crate) fn ancestors(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(index), move |i| self.nodes[*i].parent)
    }

    /// The node and everything below it, depth first in creation order.
    pub(crate) fn subtree(&self, index: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![index];
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.nodes[i].children.values().rev().copied());
        }
        out
    }

    /// The data of a stack node.
    pub(crate) fn stack_data(&self, index: usize) -> &StackData {
        match &self.nodes[index].kind {
            NodeKind::Stack(s) => s,
            _ => unreachable!("stack_data on a node that is not a stack"),
        }
    }

    /// The data of an environment node.
    pub(crate) fn environment_data(&self, index: usize) -> &EnvironmentData {
        match &self.nodes[index].kind {
            NodeKind::Environment(e) => e,
            _ => unreachable!("environment_data on a node that is not an environment"),
        }
    }
}

impl NodeData {
    fn new(id: String, parent: Option<usize>, kind: NodeKind) -> Self {
        NodeData {
            id,
            parent,
            children: IndexMap::new(),
            kind,
            metadata: IndexMap::new(),
            logical_id: None,
            dependencies: Vec::new(),
            resource: None,
            checks: Vec::new(),
            rejected: false,
            warnings: Vec::new(),
            warning_checks: Vec::new(),
        }
    }

    /// The node's own id.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// The parent's index; `None` for the app.
    pub(crate) fn parent(&self) -> Option<usize> {
        self.parent
    }

    /// Child id → index, in creation order.
    pub(crate) fn children(&self) -> &IndexMap<String, usize> {
        &self.children
    }

    /// What the node is.
    pub(crate) fn kind(&self) -> &NodeKind {
        &self.kind
    }

    pub(super) fn kind_mut(&mut self) -> &mut NodeKind {
        &mut self.kind
    }

    /// Metadata constructs attached (written into the resources' template `Metadata`).
    pub(crate) fn metadata(&self) -> &IndexMap<String, serde_json::Value> {
        &self.metadata
    }

    pub(super) fn metadata_mut(&mut self) -> &mut IndexMap<String, serde_json::Value> {
        &mut self.metadata
    }

    /// The explicit logical id set with `Node::set_logical_id`.
    pub(crate) fn logical_id(&self) -> Option<&str> {
        self.logical_id.as_deref()
    }

    pub(super) fn set_logical_id(&mut self, logical_id: String) {
        self.logical_id = Some(logical_id);
    }

    /// The nodes this one was made to depend on.
    pub(crate) fn dependencies(&self) -> &[NodeRef] {
        &self.dependencies
    }

    pub(super) fn dependencies_mut(&mut self) -> &mut Vec<NodeRef> {
        &mut self.dependencies
    }

    /// The resource attached to the node, if any.
    pub(crate) fn resource(&self) -> Option<&ResourceData> {
        self.resource.as_ref()
    }

    pub(super) fn resource_mut(&mut self) -> &mut Option<ResourceData> {
        &mut self.resource
    }

    /// The checks registered on the node.
    pub(crate) fn checks(&self) -> &[Check] {
        &self.checks
    }

    pub(super) fn checks_mut(&mut self) -> &mut Vec<Check> {
        &mut self.checks
    }

    /// True when the construct at this node rejected its input.
    pub(crate) fn rejected(&self) -> bool {
        self.rejected
    }

    pub(super) fn set_rejected(&mut self) {
        self.rejected = true;
    }

    /// The warnings recorded on the node, in order: message and hint.
    pub(crate) fn warnings(&self) -> &[(String, String)] {
        &self.warnings
    }

    pub(super) fn warnings_mut(&mut self) -> &mut Vec<(String, String)> {
        &mut self.warnings
    }

    /// The warning checks registered on the node.
    pub(crate) fn warning_checks(&self) -> &[Check] {
        &self.warning_checks
    }

    pub(super) fn warning_checks_mut(&mut self) -> &mut Vec<Check> {
        &mut self.warning_checks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug, PartialEq)]
    struct Counter(u32);

    #[test]
    fn an_extension_is_created_on_first_use_and_kept_per_type() {
        let mut tree = TreeData::new(1, "demo");
        assert_eq!(tree.extension::<Counter>(), None);
        tree.extension_mut::<Counter>().0 += 2;
        tree.extension_mut::<Counter>().0 += 1;
        assert_eq!(tree.extension::<Counter>(), Some(&Counter(3)));
        assert_eq!(tree.extension::<String>(), None);
    }

    #[test]
    fn a_detached_node_knows_its_parent_but_is_not_listed() {
        let mut tree = TreeData::new(1, "demo");
        let env = tree.push(0, "prod", NodeKind::Construct, true);
        let detached = tree.push(0, "prod", NodeKind::Construct, false);
        assert_eq!(tree.node(detached).parent(), Some(0));
        assert_eq!(tree.node(0).children().values().copied().collect::<Vec<_>>(), [env]);
        assert_eq!(tree.subtree(0), [0, env]);
        assert_eq!(tree.path(env), "prod");
    }
}
