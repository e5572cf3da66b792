//! Collecting the problems of a construct's input at the path the construct is about to get,
//! before anything is added: the construct then adds its node and either builds everything or,
//! when something was found, records every problem there and is *rejected* (see
//! [`Node::reject`]). The library's constructs and a user's own use this one mechanism.
//!
//! ```
//! use stackwright_core::{Account, App, Construct, Problems, Region};
//! let app = App::new("demo");
//! let stack = app.environment("prod", Account::new("123456789012")?, Region::EuWest1).stack("alerts");
//! let mut problems = Problems::for_child(&stack, "Topic");
//! problems.place("a Topic")?;
//! problems.push("display name '' is empty", "give the topic a display name, such as 'Alerts'");
//! let node = problems.add_node();
//! assert!(node.is_rejected());
//! let error = app.synth().unwrap_err();
//! assert_eq!(error.diagnostics()[0].path, "prod/alerts/Topic");
//! # Ok::<(), stackwright_core::Error>(())
//! ```

use crate::app::{Environment, Stack};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::lookup::{LookupAnswer, LookupQuery, LookupRequest};
use crate::tree::{Construct, Node};

/// The problems found in one construct's input, each reported at the construct's path
/// (`<scope path>/<id>`) unless it comes with its own.
#[derive(Debug)]
pub struct Problems {
    scope: Node,
    id: String,
    path: String,
    found: Diagnostics,
}

impl Problems {
    /// The problems of the construct `id` about to be added below `scope`.
    #[must_use]
    pub fn for_child(scope: &impl Construct, id: &str) -> Problems {
        let scope = scope.node().clone();
        let path = format!("{}/{id}", scope.path());
        Problems { scope, id: id.to_string(), path, found: Diagnostics::new() }
    }

    /// The path the construct will have, where the problems are reported.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Records a problem: what is wrong (naming the offending value), and how to fix it.
    pub fn push(&mut self, message: impl Into<String>, hint: impl Into<String>) {
        self.found.push(self.path.clone(), message, hint);
    }

    /// Records problems found by another check, with their own paths (a policy document's
    /// `problems(path)`, a shared check of the props).
    pub fn extend(&mut self, problems: impl IntoIterator<Item = Diagnostic>) {
        self.found.extend(problems);
    }

    /// True when nothing was recorded yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// Where the construct goes: its stack, and its environment. A scope outside a stack but
    /// inside an environment is recorded as a problem (`what` names the construct, such as
    /// "a Vpc"); the construct is then rejected but its handle still has the environment's
    /// region and account.
    ///
    /// # Errors
    /// When the scope is in no environment: there is no region or account for a handle to
    /// have, so this is the one problem that fails at once.
    pub fn place(&mut self, what: &str) -> Result<(Option<Stack>, Environment)> {
        let environment = self.scope.environment().ok_or_else(|| {
            Error::invalid(
                self.scope.path(),
                format!("{what} must be created inside a stack of an environment"),
                "pass a stack (or a construct inside one) as the scope",
            )
        })?;
        let stack = self.scope.stack();
        if stack.is_none() {
            self.push(
                format!("{what} must be created inside a stack"),
                "pass a stack (or a construct inside one) as the scope",
            );
        }
        Ok((stack, environment))
    }

    /// The answer to `query` asked by this construct in `environment`, from the program's
    /// context file (see [`crate::lookup`]); synth never calls AWS. The request is recorded for
    /// the runtime's `context --refresh`. Without an answer — no file, no entry, an entry of
    /// this construct made for another query, a file that cannot be read — the problem is
    /// recorded here with the command that fills the entry, and `None` comes back.
    pub fn look_up(&mut self, environment: &Environment, query: &LookupQuery) -> Option<LookupAnswer> {
        let request = LookupRequest {
            path: self.path.clone(),
            account: environment.account().as_str().to_string(),
            region: environment.region().as_str().to_string(),
            query: query.clone(),
        };
        match crate::lookup::resolve(&self.scope, request) {
            Ok(answer) => Some(answer),
            Err((message, hint)) => {
                self.push(message, hint);
                None
            }
        }
    }

    /// Adds the construct's node below the scope and records the problems there: the node
    /// comes back rejected when anything was found (a bad or duplicate id included, see
    /// [`Node::add_child_deferred`]); the construct then builds nothing and returns its
    /// rejected handle.
    #[must_use]
    pub fn add_node(self) -> Node {
        let node = self.scope.add_child_deferred(&self.id);
        if !self.found.is_empty() {
            node.reject(self.found);
        }
        node
    }
}
