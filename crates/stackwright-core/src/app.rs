//! The root of a program: [`App`], its [`Environment`]s and their [`Stack`]s.

use std::path::Path;

use crate::assembly::Assembly;
use crate::environment::{Account, Region};
use crate::error::{Diagnostic, Result};
use crate::names;
use crate::template::{OutputDef, ParameterDef};
use crate::tree::{Construct, EnvironmentData, Node, NodeKind, StackData};
use crate::value::Value;

/// A program's construct tree. Create environments in it, stacks in those, constructs in the
/// stacks; then [`synth`](App::synth).
///
/// ```
/// use stackwright_core::{App, Account, Region};
/// let app = App::new("flask-platform");
/// let prod = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
/// let network = prod.stack("network");
/// assert_eq!(network.node().path(), "prod/network");
/// # use stackwright_core::Construct;
/// # Ok::<(), stackwright_core::Error>(())
/// ```
pub struct App {
    node: Node,
}

impl App {
    /// A new app. `name` prefixes every deployed stack name, so it follows the rules of stack
    /// names (letters, digits, `-`); a bad name is reported by synth.
    pub fn new(name: &str) -> App {
        let node = Node::new_tree(name);
        if !names::is_valid_stack_name(name) || name.len() > 64 {
            node.defer_error(Diagnostic::new(
                name,
                format!("invalid app name '{name}'"),
                "use 1 to 64 letters, digits and '-', starting with a letter: it prefixes every stack name",
            ));
        }
        App { node }
    }

    /// An environment: an account and region to deploy stacks to. A duplicate or invalid id
    /// is reported by synth.
    pub fn environment(&self, id: &str, account: Account, region: Region) -> Environment {
        let data = EnvironmentData { account, region, production: false };
        let node = add_or_defer(&self.node, id, NodeKind::Environment(data));
        if !names::is_valid_stack_name(id) {
            node.defer_error(Diagnostic::new(
                node.path(),
                format!("invalid environment id '{id}'"),
                "use letters, digits and '-', starting with a letter: it is part of stack names",
            ));
        }
        Environment { node }
    }

    /// Every environment, in creation order.
    pub fn environments(&self) -> Vec<Environment> {
        self.node.at(0).children().into_iter().map(|node| Environment { node }).collect()
    }

    /// Validates the whole tree and synthesizes it into an in-memory cloud assembly.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) listing every problem of the tree at once;
    /// [`Error::Serialize`](crate::Error::Serialize) when a value cannot be serialized.
    pub fn synth(&self) -> Result<Assembly> {
        crate::synth::synthesize(&self.node.data())
    }

    /// Synthesizes and writes the assembly to `dir` atomically: on any error the previous
    /// contents of `dir` are left untouched.
    ///
    /// # Errors
    /// Those of [`synth`](App::synth) and of [`Assembly::write_to`].
    pub fn synth_to(&self, dir: impl AsRef<Path>) -> Result<Assembly> {
        let assembly = self.synth()?;
        assembly.write_to(dir.as_ref())?;
        Ok(assembly)
    }

    /// The app's name, which prefixes every stack name.
    #[must_use]
    pub fn name(&self) -> String {
        self.node.app_name()
    }

    /// Reads lookups' answers from `path` instead of the default place (see
    /// [`context_file_location`](crate::lookup::context_file_location)). Call it before
    /// building constructs that look anything up: a later call is reported by synth.
    pub fn set_context_file(&self, path: impl Into<std::path::PathBuf>) {
        crate::lookup::set_context_file(&self.node, path.into());
    }

    /// The context file this program reads lookups' answers from (see
    /// [`context_file_location`](crate::lookup::context_file_location)), which the runtime's
    /// `context --refresh` writes.
    #[must_use]
    pub fn context_file(&self) -> std::path::PathBuf {
        crate::lookup::context_file(&self.node)
    }

    /// Every lookup the program made so far, answered or not, in the order made: what the
    /// runtime's `context --refresh` asks AWS.
    #[must_use]
    pub fn lookups(&self) -> Vec<crate::lookup::LookupRequest> {
        crate::lookup::made(&self.node)
    }
}

impl Construct for App {
    fn node(&self) -> &Node {
        &self.node
    }
}

impl Node {
    /// The app this node belongs to. A construct that must place resources in an environment
    /// of its own (a billing alarm, which only exists in us-east-1) finds or adds it here.
    ///
    /// ```
    /// use stackwright_core::{Account, App, Construct, Region};
    /// let app = App::new("demo");
    /// let stack = app.environment("prod", Account::new("123456789012")?, Region::EuWest1).stack("cluster");
    /// let same = stack.node().app();
    /// assert_eq!(same.environments().len(), 1);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn app(&self) -> App {
        App { node: self.at(0) }
    }

    /// The stack this node is in, if any.
    #[must_use]
    pub fn stack(&self) -> Option<Stack> {
        let i = self.data().stack_of(self.index())?;
        Some(Stack { node: self.at(i) })
    }

    /// The environment this node is in, if any.
    #[must_use]
    pub fn environment(&self) -> Option<Environment> {
        let i = self.data().environment_of(self.index())?;
        Some(Environment { node: self.at(i) })
    }

    /// The stack this node is in: constructs that hold resources call it to fail early, with
    /// the node's path, when they are created outside every stack.
    ///
    /// # Errors
    /// When the node is not inside a stack; `what` names the construct in the message.
    pub fn require_stack(&self, what: &str) -> Result<Stack> {
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

/// Adds a child node; on a bad or duplicate id, records the problem for synth and returns a
/// detached node so that building can go on and every problem is reported at once.
fn add_or_defer(parent: &Node, id: &str, kind: NodeKind) -> Node {
    let attach = match parent.check_child_id(id) {
        Ok(()) => true,
        Err(diagnostic) => {
            parent.defer_error(diagnostic);
            false
        }
    };
    parent.push_child(id, kind, attach)
}

/// An AWS account and region that stacks deploy to.
#[derive(Clone, Debug)]
pub struct Environment {
    node: Node,
}

impl Environment {
    /// A new stack in this environment. A duplicate or invalid id is reported by synth.
    pub fn stack(&self, id: &str) -> Stack {
        let node = add_or_defer(&self.node, id, NodeKind::Stack(Box::default()));
        if !names::is_valid_stack_name(id) {
            node.defer_error(Diagnostic::new(
                node.path(),
                format!("invalid stack id '{id}'"),
                "use letters, digits and '-', starting with a letter: it is part of the stack name",
            ));
        }
        Stack { node }
    }

    /// The account the environment's stacks deploy to.
    #[must_use]
    pub fn account(&self) -> Account {
        self.with(|e| e.account.clone())
    }

    /// The region the environment's stacks deploy to.
    #[must_use]
    pub fn region(&self) -> Region {
        self.with(|e| e.region)
    }

    /// Marks the environment as production: its stacks get termination protection.
    pub fn mark_production(&self) {
        self.node.with_kind_mut(|kind| {
            if let NodeKind::Environment(e) = kind {
                e.production = true;
            }
        });
    }

    /// True when the environment was marked production.
    #[must_use]
    pub fn is_production(&self) -> bool {
        self.with(|e| e.production)
    }

    /// The environment's id.
    pub fn id(&self) -> String {
        self.node.id()
    }

    fn with<R>(&self, f: impl FnOnce(&EnvironmentData) -> R) -> R {
        self.node.with_kind(|kind| match kind {
            NodeKind::Environment(e) => f(e),
            // Only a detached duplicate has no data; its problem is already recorded.
            _ => f(&EnvironmentData { account: Account::placeholder(), region: Region::UsEast1, production: false }),
        })
    }
}

impl Construct for Environment {
    fn node(&self) -> &Node {
        &self.node
    }
}

/// One CloudFormation stack.
#[derive(Clone, Debug)]
pub struct Stack {
    node: Node,
}

impl Stack {
    /// The environment the stack deploys to.
    pub fn environment(&self) -> Environment {
        Environment { node: self.node.parent().unwrap_or_else(|| self.node.at(0)) }
    }

    /// The region the stack deploys to (its environment's).
    #[must_use]
    pub fn region(&self) -> Region {
        self.environment().region()
    }

    /// The account the stack deploys to (its environment's).
    #[must_use]
    pub fn account(&self) -> Account {
        self.environment().account()
    }

    /// The stack's id inside its environment.
    pub fn id(&self) -> String {
        self.node.id()
    }

    /// The template's description. Default: `<app> <environment>/<stack>`.
    pub fn set_description(&self, description: &str) {
        self.with(|s| s.description = Some(description.to_string()));
    }

    /// Deploys under this name instead of `<app>-<environment>-<stack>`.
    pub fn set_stack_name(&self, name: &str) {
        if !names::is_valid_stack_name(name) {
            self.node.defer_error(Diagnostic::new(
                self.node.path(),
                format!("invalid stack name '{name}'"),
                "use 1 to 128 letters, digits and '-', starting with a letter",
            ));
        }
        self.with(|s| s.stack_name = Some(name.to_string()));
    }

    /// Overrides the environment's default (on for production environments).
    pub fn set_termination_protection(&self, enabled: bool) {
        self.with(|s| s.termination_protection = Some(enabled));
    }

    /// A tag the runtime applies to the stack (and CloudFormation to its resources). The same
    /// key with another value is reported by synth: one of the two would be lost.
    pub fn add_tag(&self, key: &str, value: &str) {
        let earlier = self.with(|s| s.tags.insert(key.to_string(), value.to_string()));
        if let Some(earlier) = earlier.filter(|e| e != value) {
            self.node.defer_error(Diagnostic::new(
                self.node.path(),
                format!("tag '{key}' is set to '{earlier}' and to '{value}'"),
                "set each tag once",
            ));
        }
    }

    /// Declares a template parameter and returns a reference to it. A name already declared
    /// in the stack is reported by synth.
    pub fn add_parameter(&self, name: &str, parameter: ParameterDef) -> Value {
        let taken = self.with(|s| s.parameters.insert(name.to_string(), parameter).is_some());
        self.defer_if_taken(taken, "parameter", name);
        Value::Parameter(name.to_string())
    }

    /// Declares a named condition (built from `Value::Equals`, `Value::Not`, …). A name
    /// already declared in the stack is reported by synth.
    pub fn add_condition(&self, name: &str, condition: Value) {
        let taken = self.with(|s| s.conditions.insert(name.to_string(), condition).is_some());
        self.defer_if_taken(taken, "condition", name);
    }

    /// A second declaration of a name would silently replace the first: records the error.
    fn defer_if_taken(&self, taken: bool, what: &str, name: &str) {
        if taken {
            self.node.defer_error(Diagnostic::new(
                self.node.path(),
                format!("{what} '{name}' is declared twice in the stack: the second would replace the first"),
                format!("give each {what} its own name"),
            ));
        }
    }

    /// Declares a stack output. A name already declared in the stack is reported by synth.
    pub fn add_output(&self, name: &str, value: impl Into<Value>, description: Option<&str>) {
        if !names::is_valid_logical_id(name) {
            self.node.defer_error(Diagnostic::new(
                self.node.path(),
                format!("invalid output name '{name}'"),
                "use ASCII letters and digits, starting with a letter",
            ));
        }
        let def = OutputDef { value: value.into(), description: description.map(str::to_string) };
        let taken = self.with(|s| s.outputs.insert(name.to_string(), def).is_some());
        self.defer_if_taken(taken, "output", name);
    }

    /// Deploys this stack after `other`.
    pub fn add_dependency(&self, other: &Stack) {
        self.node.add_dependency(other);
    }

    fn with<R>(&self, f: impl FnOnce(&mut StackData) -> R) -> R {
        self.node.with_kind_mut(|kind| match kind {
            NodeKind::Stack(s) => f(s),
            _ => f(&mut StackData::default()),
        })
    }
}

impl Construct for Stack {
    fn node(&self) -> &Node {
        &self.node
    }
}
