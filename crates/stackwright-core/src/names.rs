//! Names: construct ids, logical ids, stack names and Kubernetes (DNS-1123) names.
//!
//! # Logical ids
//! A resource's CloudFormation logical id is derived from its construct path below its stack:
//!
//! 1. Take the path components below the stack (`Vpc/PublicSubnet1/RouteTable`).
//! 2. If a component (the resource itself or an ancestor) has an explicit logical id set with
//!    [`Node::set_logical_id`](crate::Node::set_logical_id), start from the nearest such
//!    component: its override replaces it and everything above it.
//! 3. Drop components named `Default` or `Resource` (a construct's main resource keeps the
//!    construct's own name: `Vpc/Resource` → `Vpc`).
//! 4. Turn each remaining component into PascalCase: split on every character that is not an
//!    ASCII letter or digit, upper-case the first letter of each part, keep the rest as written
//!    (`flask-app` → `FlaskApp`, `PublicSubnet1` → `PublicSubnet1`), and concatenate.
//!
//! No hash is ever appended: ids depend only on the ids users chose, never on creation order or
//! source layout. Two resources that end up with the same id are a synth error naming both
//! paths; the fix is to rename one or to set an explicit logical id.

use crate::error::Diagnostic;

/// Components that do not contribute to logical ids.
pub const HIDDEN_IDS: [&str; 2] = ["Default", "Resource"];

/// Checks a construct id: non-empty, at most 128 characters, no `/` (the path separator), and
/// at least one ASCII letter or digit (so it contributes to logical ids).
pub(crate) fn check_construct_id(path_of_parent: &str, id: &str) -> Result<(), Diagnostic> {
    let problem = if id.is_empty() {
        Some("a construct id must not be empty".to_string())
    } else if id.len() > 128 {
        Some(format!("construct id '{id}' is {} characters long; the limit is 128", id.len()))
    } else if id.contains('/') {
        Some(format!("construct id '{id}' contains '/', the path separator"))
    } else if !id.bytes().any(|b| b.is_ascii_alphanumeric()) {
        Some(format!("construct id '{id}' has no letter or digit"))
    } else {
        None
    };
    match problem {
        Some(message) => Err(Diagnostic::new(
            path_of_parent,
            message,
            "use a short PascalCase or kebab-case name such as 'PublicSubnet1' or 'flask-app'",
        )),
        None => Ok(()),
    }
}

/// `flask-app` → `FlaskApp`, `public_subnet1` → `PublicSubnet1`, `PublicSubnet1` unchanged.
#[must_use]
pub fn pascal_case(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for part in component.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// The logical id for the path components below a stack (see the module docs).
/// Each component comes with the explicit logical id set on it, if any.
#[must_use]
pub fn logical_id<'a>(components: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> String {
    let mut id = String::new();
    for (component, override_id) in components {
        if let Some(o) = override_id {
            id.clear();
            id.push_str(o);
        } else if !HIDDEN_IDS.contains(&component) {
            id.push_str(&pascal_case(component));
        }
    }
    id
}

/// Checks that `id` is a valid CloudFormation logical id: ASCII alphanumeric, starting with a
/// letter, at most 255 characters.
#[must_use]
pub fn is_valid_logical_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 255
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && id.as_bytes()[0].is_ascii_alphabetic()
}

/// CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128.
#[must_use]
pub fn is_valid_stack_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name.as_bytes()[0].is_ascii_alphabetic()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A DNS-1123 label (namespaces, services): lower-case alphanumerics and `-`, starting and
/// ending alphanumeric, at most 63 characters. Returns what is wrong, if anything.
#[must_use]
pub fn dns1123_label_problem(name: &str) -> Option<String> {
    dns1123_problem(name, 63, false)
}

/// A DNS-1123 subdomain (most object names): like a label but up to 253 characters and dots
/// allowed between labels. Returns what is wrong, if anything.
#[must_use]
pub fn dns1123_subdomain_problem(name: &str) -> Option<String> {
    dns1123_problem(name, 253, true)
}

fn dns1123_problem(name: &str, max: usize, dots: bool) -> Option<String> {
    let kind = if dots { "DNS-1123 subdomain" } else { "DNS-1123 label" };
    if name.is_empty() {
        return Some(format!("an empty name is not a valid {kind}"));
    }
    if name.len() > max {
        return Some(format!("'{name}' is {} characters long; a {kind} has at most {max}", name.len()));
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (dots && c == '.');
    if let Some(bad) = name.chars().find(|c| !ok_char(*c)) {
        return Some(format!(
            "'{name}' contains '{bad}'; a {kind} has only lower-case letters, digits{}and '-'",
            if dots { ", '.' " } else { " " }
        ));
    }
    let labels: Vec<&str> = if dots { name.split('.').collect() } else { vec![name] };
    for label in labels {
        let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !alnum(label.chars().next()) || !alnum(label.chars().last()) {
            return Some(format!("'{name}' must start and end with a letter or digit"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_splits_on_non_alphanumerics() {
        assert_eq!(pascal_case("flask-app"), "FlaskApp");
        assert_eq!(pascal_case("public_subnet1"), "PublicSubnet1");
        assert_eq!(pascal_case("PublicSubnet1"), "PublicSubnet1");
        assert_eq!(pascal_case("a.b c"), "ABC");
    }

    /// Pins the algorithm documented above: changing it changes every user's logical ids.
    #[test]
    fn logical_id_algorithm_is_pinned() {
        assert_eq!(logical_id([("Vpc", None), ("PublicSubnet1", None)]), "VpcPublicSubnet1");
        assert_eq!(logical_id([("Vpc", None), ("Resource", None)]), "Vpc");
        assert_eq!(logical_id([("flask-app", None), ("Default", None), ("role", None)]), "FlaskAppRole");
        assert_eq!(logical_id([("Moved", None), ("Vpc", Some("Vpc")), ("Subnet", None)]), "VpcSubnet");
        assert_eq!(logical_id([("Vpc", None), ("Subnet", Some("KeepMe"))]), "KeepMe");
    }

    #[test]
    fn dns1123() {
        assert_eq!(dns1123_label_problem("flask-app"), None);
        assert!(dns1123_label_problem("Flask").unwrap().contains("contains 'F'"));
        assert!(dns1123_label_problem("-a").unwrap().contains("start and end"));
        assert!(dns1123_label_problem(&"a".repeat(64)).unwrap().contains("at most 63"));
        assert_eq!(dns1123_subdomain_problem("a.b-c"), None);
        assert!(dns1123_subdomain_problem("a..b").is_some());
    }

    #[test]
    fn logical_and_stack_names() {
        assert!(is_valid_logical_id("Vpc1"));
        assert!(!is_valid_logical_id("1Vpc"));
        assert!(is_valid_stack_name("flask-platform-prod-network"));
        assert!(!is_valid_stack_name("prod_network"));
    }
}
