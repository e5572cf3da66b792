//! Collecting every problem of a construct's input before anything is added to the tree, so
//! that a construct either adds all its resources or records all its problems at once — in the
//! tree, at its path, where synth reports them with every other construct's (see the crate
//! documentation, *Mistakes*).

use stackwright_core::{Construct, Diagnostic, Diagnostics, Environment, Error, Node, Result, Stack};

/// The problems found in one construct's input, all reported at the construct's path.
pub(crate) struct Problems {
    path: String,
    found: Diagnostics,
}

impl Problems {
    /// Problems of the construct `id` about to be created below `scope`.
    pub(crate) fn for_child(scope: &impl Construct, id: &str) -> Self {
        Problems { path: child_path(scope, id), found: Diagnostics::new() }
    }

    /// Records a problem: what is wrong, and how to fix it.
    pub(crate) fn push(&mut self, message: impl Into<String>, hint: impl Into<String>) {
        self.found.push(self.path.clone(), message, hint);
    }

    /// True when nothing was recorded yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// Records a problem found by another check, with its own path.
    pub(crate) fn push_diagnostic(&mut self, diagnostic: Diagnostic) {
        self.found.extend([diagnostic]);
    }

    /// Where the construct goes: its stack, and its environment. A scope outside a stack but
    /// inside an environment is recorded as a problem (the construct is rejected, with the
    /// environment's region); a scope outside every environment is the one eager error, since
    /// there is no region or account for a handle to have.
    ///
    /// # Errors
    /// When `scope` is in no environment.
    pub(crate) fn place(&mut self, scope: &impl Construct, what: &str) -> Result<(Option<Stack>, Environment)> {
        let stack = scope.node().stack();
        let environment = scope.node().environment().ok_or_else(|| {
            Error::invalid(
                scope.node().path(),
                format!("{what} must be created inside a stack of an environment"),
                "pass a stack (or a construct inside one) as the scope",
            )
        })?;
        if stack.is_none() {
            self.push(
                format!("{what} must be created inside a stack"),
                "pass a stack (or a construct inside one) as the scope",
            );
        }
        Ok((stack, environment))
    }

    /// Adds the construct's node below `scope` and records the problems there: the node comes
    /// back rejected when anything was found (a bad or duplicate id included), and the
    /// construct then builds nothing and returns its rejected handle.
    pub(crate) fn add_node(self, scope: &impl Construct, id: &str) -> Node {
        let node = scope.node().add_child_deferred(id);
        if !self.found.is_empty() {
            node.reject(self.found);
        }
        node
    }
}

/// What a construct's build step returned, with a problem of the description found while
/// building (an object name already taken in the cluster, say) recorded at `node` like a
/// problem of the props: the construct is then rejected and `rejected` makes its handle.
/// Other errors (serialization, writing) are not the program's description and stay errors.
///
/// # Errors
/// Every error but [`Error::Invalid`].
pub(crate) fn built_or_rejected<T>(node: &Node, built: Result<T>, rejected: impl FnOnce() -> T) -> Result<T> {
    match built {
        Ok(handle) => Ok(handle),
        Err(Error::Invalid(problems)) => {
            node.reject(problems);
            Ok(rejected())
        }
        Err(other) => Err(other),
    }
}

/// The path a child `id` of `scope` will have.
pub(crate) fn child_path(scope: &impl Construct, id: &str) -> String {
    format!("{}/{id}", scope.node().path())
}

/// Checks an IAM role name chosen by the user: 1 to 64 characters of `[A-Za-z0-9+=,.@_-]`.
pub(crate) fn check_role_name(problems: &mut Problems, what: &str, name: &str) {
    if name.is_empty() || name.len() > 64 {
        problems.push(
            format!("{what} name '{name}' is {} characters long; IAM allows 1 to 64", name.len()),
            "shorten the name, or leave it unset so that CloudFormation generates a unique one",
        );
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c))) {
        problems.push(format!("{what} name '{name}' contains '{bad}'"), "use only letters, digits and + = , . @ _ -");
    }
}

/// `FlaskApp` → `flask-app`, `Vpc` → `vpc`, `my_repo` → `my-repo`: a lower-case, DNS-friendly
/// form of a construct id.
pub(crate) fn kebab_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 4);
    let mut prev_lower_or_digit = false;
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower_or_digit {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower_or_digit = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower_or_digit = true;
        } else {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            prev_lower_or_digit = false;
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab() {
        assert_eq!(kebab_case("FlaskApp"), "flask-app");
        assert_eq!(kebab_case("Vpc"), "vpc");
        assert_eq!(kebab_case("my_repo 2"), "my-repo-2");
        assert_eq!(kebab_case("API"), "api");
        assert_eq!(kebab_case("flask-app"), "flask-app");
    }
}
