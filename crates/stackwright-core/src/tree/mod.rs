//! The construct tree: an app, its environments, their stacks and the constructs inside them.
//!
//! The tree lives in one arena shared by cheap handles ([`Node`]); constructs keep a handle to
//! their own node and pass `&self` as the scope of their children. Ids are checked when a node
//! is added; everything that can only be checked on the whole tree (logical-id collisions,
//! references, cycles, registered checks) is checked by synth, which reports every problem at
//! once. A construct whose input has problems records them and is *rejected* instead of
//! failing ([`Node::reject`]), so that every construct's problems are reported in one run.

mod arena;
mod moves;
mod rejected;
mod resource_types;

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Diagnostic, Result};
use crate::names;
use crate::value::NodeRef;

pub(crate) use arena::{EnvironmentData, NodeKind, ResourceData, StackData, TreeData};
pub(crate) use moves::Moves;
pub use resource_types::{StackResourceTypes, StackTypes};

static NEXT_TREE: AtomicU64 = AtomicU64::new(1);

/// What registered checks can look at: the finished tree, read-only.
pub struct CheckContext<'a> {
    tree: &'a TreeData,
}

impl<'a> CheckContext<'a> {
    /// A context over the finished tree, for synth to run the checks with.
    pub(crate) fn new(tree: &'a TreeData) -> Self {
        CheckContext { tree }
    }

    /// The whole tree, for the checks the library registers itself.
    pub(crate) fn tree(&self) -> &'a TreeData {
        self.tree
    }

    /// The construct path of a node.
    #[must_use]
    pub fn path(&self, node: NodeRef) -> String {
        self.tree.path(node.index)
    }

    /// The ids of a node's children, in creation order.
    #[must_use]
    pub fn child_ids(&self, node: NodeRef) -> Vec<String> {
        self.tree.node(node.index).children().keys().cloned().collect()
    }
}

/// A handle to one node of the construct tree. Cloning it is cheap; all clones see the same
/// node.
#[derive(Clone)]
pub struct Node {
    tree: Rc<RefCell<TreeData>>,
    index: usize,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({})", self.path())
    }
}

/// Anything that has a place in the construct tree; pass it as the scope of new constructs.
pub trait Construct {
    /// The construct's node: where its children are added and its path comes from.
    fn node(&self) -> &Node;
}

impl Construct for Node {
    fn node(&self) -> &Node {
        self
    }
}

/// Two handles are equal when they are the same node of the same tree (props that hold a
/// construct's node, such as a delivery's repository, stay comparable).
impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.tree, &other.tree) && self.index == other.index
    }
}

impl Eq for Node {}

impl Node {
    /// The app node of a new tree.
    pub(crate) fn new_tree(app_name: &str) -> Node {
        let id = NEXT_TREE.fetch_add(1, Ordering::Relaxed);
        Node { tree: Rc::new(RefCell::new(TreeData::new(id, app_name))), index: 0 }
    }

    /// The whole tree, to read.
    pub(crate) fn data(&self) -> Ref<'_, TreeData> {
        self.tree.borrow()
    }

    /// The state of type `T` another module keeps for this tree (see [`TreeData::extension_mut`]).
    pub(crate) fn extension_mut<T: std::any::Any + Default>(&self) -> RefMut<'_, T> {
        RefMut::map(self.tree.borrow_mut(), TreeData::extension_mut)
    }

    /// The node's index in the tree.
    pub(crate) fn index(&self) -> usize {
        self.index
    }

    /// Another node of the same tree.
    pub(crate) fn at(&self, index: usize) -> Node {
        Node { tree: Rc::clone(&self.tree), index }
    }

    /// The parent node; `None` for the app.
    pub(crate) fn parent(&self) -> Option<Node> {
        let parent = self.data().node(self.index).parent()?;
        Some(self.at(parent))
    }

    /// The attached children, in creation order.
    pub(crate) fn children(&self) -> Vec<Node> {
        let children: Vec<usize> = self.data().node(self.index).children().values().copied().collect();
        children.into_iter().map(|i| self.at(i)).collect()
    }

    /// Calls `f` on the node's kind, to read it.
    pub(crate) fn with_kind<R>(&self, f: impl FnOnce(&NodeKind) -> R) -> R {
        f(self.data().node(self.index).kind())
    }

    /// Calls `f` on the node's kind, to change the data of an environment or stack.
    pub(crate) fn with_kind_mut<R>(&self, f: impl FnOnce(&mut NodeKind) -> R) -> R {
        f(self.tree.borrow_mut().node_mut(self.index).kind_mut())
    }

    /// Attaches a resource to the node.
    pub(crate) fn set_resource(&self, resource: ResourceData) {
        *self.tree.borrow_mut().node_mut(self.index).resource_mut() = Some(resource);
    }

    /// Calls `f` on the node's resource; `None` when it has none.
    pub(crate) fn with_resource_mut<R>(&self, f: impl FnOnce(&mut ResourceData) -> R) -> Option<R> {
        self.tree.borrow_mut().node_mut(self.index).resource_mut().as_mut().map(f)
    }

    /// A reference to this node that values can carry.
    #[must_use]
    pub fn node_ref(&self) -> NodeRef {
        NodeRef { tree: self.data().id(), index: self.index }
    }

    /// The node's own id.
    #[must_use]
    pub fn id(&self) -> String {
        self.data().node(self.index).id().to_string()
    }

    /// The node at `relative_path` below this one (ids joined by `/`, such as `"ControlPlane"`
    /// or `"Vpc/PublicSubnet1"`): the way to reach a construct's inner resource for an
    /// override. `None` when a part of the path names no child.
    #[must_use]
    pub fn find(&self, relative_path: &str) -> Option<Node> {
        let mut index = self.index;
        for id in relative_path.split('/').filter(|id| !id.is_empty()) {
            index = *self.data().node(index).children().get(id)?;
        }
        Some(self.at(index))
    }

    /// The path from the environment down, such as `prod/network/Vpc/PublicSubnet1`.
    #[must_use]
    pub fn path(&self) -> String {
        self.data().path(self.index)
    }

    /// Adds a construct node below this one.
    ///
    /// # Errors
    /// When `id` is invalid or already taken by a sibling.
    pub fn add_child(&self, id: &str) -> Result<Node> {
        self.check_child_id(id)?;
        Ok(self.push_child(id, NodeKind::Construct, true))
    }

    /// Checks that `id` is valid and free below this node.
    pub(crate) fn check_child_id(&self, id: &str) -> Result<(), Diagnostic> {
        let tree = self.data();
        let parent_path = tree.path(self.index);
        names::check_construct_id(&parent_path, id)?;
        if tree.node(self.index).children().contains_key(id) {
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
        let index = self.tree.borrow_mut().push(self.index, id, kind, attach);
        self.at(index)
    }

    /// Attaches metadata to the node (written into the resource's template `Metadata`).
    pub fn add_metadata(&self, key: &str, value: impl Into<serde_json::Value>) {
        self.tree.borrow_mut().node_mut(self.index).metadata_mut().insert(key.to_string(), value.into());
    }

    /// Keeps this node's logical id (and the prefix of the ids below it) fixed, whatever its
    /// path: use it when moving a construct to another parent must not replace its resources.
    ///
    /// # Errors
    /// When `logical_id` is not 1 to 255 ASCII letters and digits starting with a letter.
    pub fn set_logical_id(&self, logical_id: &str) -> Result<()> {
        if !names::is_valid_logical_id(logical_id) {
            return Err(Diagnostic::new(
                self.path(),
                format!("'{logical_id}' is not a valid logical id"),
                "use 1 to 255 ASCII letters and digits, starting with a letter",
            )
            .into());
        }
        self.tree.borrow_mut().node_mut(self.index).set_logical_id(logical_id.to_string());
        Ok(())
    }

    /// Makes this construct depend on another: its resources are created after the other's
    /// (`DependsOn` in one stack, a stack dependency across stacks).
    pub fn add_dependency(&self, on: &impl Construct) {
        let target = on.node().node_ref();
        self.tree.borrow_mut().node_mut(self.index).dependencies_mut().push(target);
    }

    /// Registers a check that synth runs on the finished tree.
    pub fn add_check(&self, check: impl Fn(&CheckContext<'_>) -> Vec<Diagnostic> + 'static) {
        self.tree.borrow_mut().node_mut(self.index).checks_mut().push(Box::new(check));
    }

    /// Registers a check that synth runs on the finished tree and whose findings are warnings:
    /// valid input that is likely not meant, which only the whole program shows (a workload
    /// asking for GPUs on a cluster that turns out to have no GPU nodes). `--strict` makes them
    /// errors, as every warning.
    pub fn add_warning_check(&self, check: impl Fn(&CheckContext<'_>) -> Vec<Diagnostic> + 'static) {
        self.tree.borrow_mut().node_mut(self.index).warning_checks_mut().push(Box::new(check));
    }

    /// Records a problem found while building, for synth to report with all the others.
    pub fn defer_error(&self, diagnostic: Diagnostic) {
        self.tree.borrow_mut().defer(diagnostic);
    }

    /// Records a warning on this node: the input is valid and synth goes on, but it is likely
    /// not what the program's author meant (an error is for input that cannot work: use
    /// [`defer_error`](Node::defer_error) or return it). `message` says what was noticed,
    /// with the value; `hint` how to silence it by saying what is meant (empty for none).
    ///
    /// Synth returns every warning of the tree with the assembly
    /// ([`Assembly::warnings`](crate::Assembly::warnings)), each with this node's path, in tree
    /// order; the command line prints them on standard error (`warning: <path>: <message>`,
    /// [`crate::report::render_warnings`]) before its result, and `--strict` makes them errors
    /// ([`Assembly::warnings_as_errors`](crate::Assembly::warnings_as_errors)). A warning on a
    /// node that never joined the tree (a duplicate id, already an error) is not reported.
    ///
    /// ```
    /// use stackwright_core::{Account, App, Construct, RawResource, Region, Resource};
    /// let app = App::new("demo");
    /// let network = app.environment("prod", Account::new("123456789012")?, Region::EuWest1).stack("network");
    /// Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC"))?;
    /// network.node().warn("the VPC has one zone", "give it two zones");
    /// let assembly = app.synth()?;
    /// let w = assembly.warnings.iter().next().unwrap();
    /// assert_eq!((w.path.as_str(), w.message.as_str()), ("prod/network", "the VPC has one zone"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn warn(&self, message: impl Into<String>, hint: impl Into<String>) {
        self.tree.borrow_mut().node_mut(self.index).warnings_mut().push((message.into(), hint.into()));
    }

    /// Adds a file to the cloud assembly at `relative_path` (for example a workflow or a
    /// Prometheus configuration). Two constructs writing the same path is a synth error.
    pub fn add_assembly_file(&self, relative_path: &str, contents: impl Into<Vec<u8>>) {
        let me = self.node_ref();
        let mut tree = self.tree.borrow_mut();
        if let Some((other, _)) = tree.files().get(relative_path) {
            let (a, b) = (tree.path(other.index), tree.path(self.index));
            tree.defer(Diagnostic::new(
                b,
                format!("assembly file '{relative_path}' is already written by '{a}'"),
                "give one of them another file name",
            ));
            return;
        }
        tree.files_mut().insert(relative_path.to_string(), (me, contents.into()));
    }

    /// The name of the app this node belongs to.
    #[must_use]
    pub fn app_name(&self) -> String {
        self.data().app_name().to_string()
    }
}
