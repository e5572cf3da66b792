//! The library's helpers around the core's [`Problems`] (the one mechanism every construct, the
//! library's and a user's, collects the problems of its input with, at the path it is about to
//! get; see the crate documentation, *Mistakes*): a problem found while building recorded like
//! a problem of the props, and checks several constructs share.

use stackwright_core::{Error, Node, Problems, Result};

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
