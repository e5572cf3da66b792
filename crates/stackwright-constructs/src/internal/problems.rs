//! Collecting every problem of a construct's props before anything is added to the tree, so
//! that a construct either adds all its resources or returns all its problems at once.

use stackwright_core::{Construct, Diagnostics, Result};

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

    /// `Ok` when nothing was recorded, else every problem as one `Error::Invalid`.
    pub(crate) fn finish(self) -> Result<()> {
        self.found.into_result(())
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
