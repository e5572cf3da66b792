//! The construct tree: an app, its environments, their stacks and the constructs inside them.
//!
//! The tree lives in one arena shared by cheap handles ([`Node`]); constructs keep a handle to
//! their own node and pass `&self` as the scope of their children. Ids are checked when a node
//! is added; everything that can only be checked on the whole tree (logical-id collisions,
//! references, cycles, registered checks) is checked by synth, which reports every problem at
//! once.

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use indexmap::IndexMap;

use crate::environment::{Account, Region};
use crate::error::{Diagnostic, Diagnostics, Result};
use crate::kube::ClusterData;
use crate::names;
use crate::template::{DeletionPolicy, OutputDef, ParameterDef};
use crate::value::{NodeRef, Value};

static NEXT_TREE: AtomicU64 = AtomicU64::new(1);

/// A check a construct registers; synth runs them all on the finished tree.
pub type Check = Box<dyn Fn(&CheckContext<'_>) -> Vec<Diagnostic>>;

pub(crate) struct TreeData {
    pub id: u64,
    pub nodes: Vec<NodeData>,
    /// Problems found while the tree was built by calls that do not return a `Result`.
    pub deferred: Diagnostics,
    pub clusters: Vec<ClusterData>,
    /// Extra files constructs add to the assembly (workflows, monitoring configuration).
    pub files: IndexMap<String, (NodeRef, Vec<u8>)>,
}

pub(crate) struct NodeData {
    pub id: String,
    pub parent: Option<usize>,
    pub children: IndexMap<String, usize>,
    pub kind: NodeKind,
    pub metadata: IndexMap<String, serde_json::Value>,
    pub logical_id: Option<String>,
    pub dependencies: Vec<NodeRef>,
    pub resource: Option<ResourceData>,
    pub checks: Vec<Check>,
}

pub(crate) enum NodeKind {
    App { name: String },
    Environment(EnvironmentData),
    Stack(Box<StackData>),
    Construct,
}

pub(crate) struct EnvironmentData {
    pub account: Account,
    pub region: Region,
    pub production: bool,
}

#[derive(Default)]
pub(crate) struct StackData {
    pub description: Option<String>,
    pub stack_name: Option<String>,
    pub termination_protection: Option<bool>,
    pub parameters: IndexMap<String, ParameterDef>,
    pub conditions: IndexMap<String, Value>,
    pub outputs: IndexMap<String, OutputDef>,
    pub tags: IndexMap<String, String>,
}

pub(crate) struct ResourceData {
    pub type_name: String,
    pub properties: Value,
    pub deletion_policy: Option<DeletionPolicy>,
    pub update_replace_policy: Option<DeletionPolicy>,
    pub condition: Option<String>,
    pub metadata: IndexMap<String, serde_json::Value>,
}

impl TreeData {
    pub fn path(&self, index: usize) -> String {
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

    pub fn app_name(&self) -> &str {
        match &self.nodes[0].kind {
            NodeKind::App { name } => name,
            _ => "app",
        }
    }

    /// The stack a node belongs to (itself if it is one).
    pub fn stack_of(&self, index: usize) -> Option<usize> {
        self.ancestors(index).find(|i| matches!(self.nodes[*i].kind, NodeKind::Stack(_)))
    }

    pub fn environment_of(&self, index: usize) -> Option<usize> {
        self.ancestors(index).find(|i| matches!(self.nodes[*i].kind, NodeKind::Environment(_)))
    }

    /// The node itself, then its parent, up to the app.
    pub fn ancestors(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(index), move |i| self.nodes[*i].parent)
    }

    /// The node and everything below it, depth first in creation order.
    pub fn subtree(&self, index: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![index];
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.nodes[i].children.values().rev().copied());
        }
        out
    }

    pub fn stack_data(&self, index: usize) -> &StackData {
        match &self.nodes[index].kind {
            NodeKind::Stack(s) => s,
            _ => unreachable!("stack_data on a node that is not a stack"),
        }
    }

    pub fn environment_data(&self, index: usize) -> &EnvironmentData {
        match &self.nodes[index].kind {
            NodeKind::Environment(e) => e,
            _ => unreachable!("environment_data on a node that is not an environment"),
        }
    }
}

/// What registered checks can look at.
pub struct CheckContext<'a> {
    pub(crate) tree: &'a TreeData,
}

impl CheckContext<'_> {
    /// The construct path of a node.
    pub fn path(&self, node: NodeRef) -> String {
        self.tree.path(node.index)
    }

    /// The ids of a node's children, in creation order.
    pub fn child_ids(&self, node: NodeRef) -> Vec<String> {
        self.tree.nodes[node.index].children.keys().cloned().collect()
    }
}

/// A handle to one node of the construct tree. Cloning it is cheap; all clones see the same
/// node.
#[derive(Clone)]
pub struct Node {
    pub(crate) tree: Rc<RefCell<TreeData>>,
    pub(crate) index: usize,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({})", self.path())
    }
}

/// Anything that has a place in the construct tree; pass it as the scope of new constructs.
pub trait Construct {
    fn node(&self) -> &Node;
}

impl Construct for Node {
    fn node(&self) -> &Node {
        self
    }
}

impl Node {
    pub(crate) fn new_tree(app_name: &str) -> Node {
        let id = NEXT_TREE.fetch_add(1, Ordering::Relaxed);
        let root = NodeData::new(app_name.to_string(), None, NodeKind::App { name: app_name.to_string() });
        let tree = TreeData {
            id,
            nodes: vec![root],
            deferred: Diagnostics::new(),
            clusters: Vec::new(),
            files: IndexMap::new(),
        };
        Node { tree: Rc::new(RefCell::new(tree)), index: 0 }
    }

    pub(crate) fn data(&self) -> Ref<'_, TreeData> {
        self.tree.borrow()
    }

    pub(crate) fn data_mut(&self) -> RefMut<'_, TreeData> {
        self.tree.borrow_mut()
    }

    pub(crate) fn at(&self, index: usize) -> Node {
        Node { tree: Rc::clone(&self.tree), index }
    }

    /// A reference to this node that values can carry.
    pub fn node_ref(&self) -> NodeRef {
        NodeRef { tree: self.data().id, index: self.index }
    }

    /// The node's own id.
    pub fn id(&self) -> String {
        self.data().nodes[self.index].id.clone()
    }

    /// The path from the environment down, such as `prod/network/Vpc/PublicSubnet1`.
    pub fn path(&self) -> String {
        self.data().path(self.index)
    }

    /// Adds a construct node below this one. Fails when `id` is invalid or already taken by a
    /// sibling.
    pub fn add_child(&self, id: &str) -> Result<Node> {
        self.add_child_of_kind(id, NodeKind::Construct).map_err(Into::into)
    }

    pub(crate) fn add_child_of_kind(&self, id: &str, kind: NodeKind) -> Result<Node, Diagnostic> {
        self.check_child_id(id)?;
        Ok(self.push_child(id, kind, true))
    }

    /// Checks that `id` is valid and free below this node.
    pub(crate) fn check_child_id(&self, id: &str) -> Result<(), Diagnostic> {
        let tree = self.data();
        let parent_path = tree.path(self.index);
        names::check_construct_id(&parent_path, id)?;
        if tree.nodes[self.index].children.contains_key(id) {
            return Err(Diagnostic::new(
                format!("{parent_path}/{id}"),
                format!("duplicate construct id '{id}': '{parent_path}' already has a child with this id"),
                "give each child of a construct a unique id",
            ));
        }
        Ok(())
    }

    /// Adds a node below this one; a detached node (`attach == false`) knows its parent but is
    /// not listed by it, so synth never sees it.
    pub(crate) fn push_child(&self, id: &str, kind: NodeKind, attach: bool) -> Node {
        let mut tree = self.data_mut();
        let index = tree.nodes.len();
        tree.nodes.push(NodeData::new(id.to_string(), Some(self.index), kind));
        if attach {
            tree.nodes[self.index].children.insert(id.to_string(), index);
        }
        drop(tree);
        self.at(index)
    }

    /// Attaches metadata to the node (written into the resource's template `Metadata`).
    pub fn add_metadata(&self, key: &str, value: impl Into<serde_json::Value>) {
        self.data_mut().nodes[self.index].metadata.insert(key.to_string(), value.into());
    }

    /// Keeps this node's logical id (and the prefix of the ids below it) fixed, whatever its
    /// path: use it when moving a construct to another parent must not replace its resources.
    pub fn set_logical_id(&self, logical_id: &str) -> Result<()> {
        if !names::is_valid_logical_id(logical_id) {
            return Err(Diagnostic::new(
                self.path(),
                format!("'{logical_id}' is not a valid logical id"),
                "use 1 to 255 ASCII letters and digits, starting with a letter",
            )
            .into());
        }
        self.data_mut().nodes[self.index].logical_id = Some(logical_id.to_string());
        Ok(())
    }

    /// Makes this construct depend on another: its resources are created after the other's
    /// (`DependsOn` in one stack, a stack dependency across stacks).
    pub fn add_dependency(&self, on: &impl Construct) {
        let target = on.node().node_ref();
        self.data_mut().nodes[self.index].dependencies.push(target);
    }

    /// Registers a check that synth runs on the finished tree.
    pub fn add_check(&self, check: impl Fn(&CheckContext<'_>) -> Vec<Diagnostic> + 'static) {
        self.data_mut().nodes[self.index].checks.push(Box::new(check));
    }

    /// Records a problem found while building, for synth to report with all the others.
    pub fn defer_error(&self, diagnostic: Diagnostic) {
        self.data_mut().deferred.extend([diagnostic]);
    }

    /// Adds a file to the cloud assembly at `relative_path` (for example a workflow or a
    /// Prometheus configuration). Two constructs writing the same path is a synth error.
    pub fn add_assembly_file(&self, relative_path: &str, contents: impl Into<Vec<u8>>) {
        let me = self.node_ref();
        let mut tree = self.data_mut();
        if let Some((other, _)) = tree.files.get(relative_path) {
            let (a, b) = (tree.path(other.index), tree.path(self.index));
            tree.deferred.push(
                b,
                format!("assembly file '{relative_path}' is already written by '{a}'"),
                "give one of them another file name",
            );
            return;
        }
        tree.files.insert(relative_path.to_string(), (me, contents.into()));
    }

    /// The stack this node is in, if any.
    pub fn stack(&self) -> Option<crate::Stack> {
        let i = self.data().stack_of(self.index)?;
        Some(crate::Stack { node: self.at(i) })
    }

    /// The environment this node is in, if any.
    pub fn environment(&self) -> Option<crate::Environment> {
        let i = self.data().environment_of(self.index)?;
        Some(crate::Environment { node: self.at(i) })
    }

    /// The app this node belongs to.
    pub fn app_name(&self) -> String {
        self.data().app_name().to_string()
    }

    /// The stack this node is in, or an error naming the node when it is not in one.
    pub fn require_stack(&self, what: &str) -> Result<crate::Stack> {
        self.stack().ok_or_else(|| {
            Diagnostic::new(
                self.path(),
                format!("{what} must be created inside a stack"),
                "pass a stack (or a construct inside one) as the scope",
            )
            .into()
        })
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
        }
    }
}
