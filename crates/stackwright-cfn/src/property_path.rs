//! Checking a dotted property path (`"LoggingConfiguration.ClusterLogging.EnabledTypes"`)
//! against a resource type's registry schema, and finding the nearest valid path when it is
//! not there.

use serde_json::Value;

/// Paths deeper than this are not listed as suggestions (schemas are recursive).
const MAX_DEPTH: usize = 8;

/// What is wrong with a property path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyPathError {
    /// No registry schema is shipped for the type (it is not one of the generated types).
    UnknownType,
    /// The type has no such property; `nearest` is the valid path closest to it.
    NoSuchProperty {
        /// The valid property path with the smallest edit distance to the one given.
        nearest: String,
    },
}

/// Checks `dotted_path` against the registry schema of `type_name`. A numeric part indexes a
/// list (`"Tags.0.Key"`); below a map (a property whose keys are free), any key is accepted.
///
/// # Errors
/// When no schema is shipped for `type_name`, or the path names a property the type does not
/// have.
pub fn check_property_path(type_name: &str, dotted_path: &str) -> Result<(), PropertyPathError> {
    let schema: Value = crate::schemas::schema_text(type_name)
        .and_then(|text| serde_json::from_str(text).ok())
        .ok_or(PropertyPathError::UnknownType)?;
    let mut current = &schema;
    for part in dotted_path.split('.') {
        let current_resolved = resolve(&schema, current);
        if let Some(next) = property(&schema, current_resolved, part) {
            current = next;
        } else if is_map(&schema, current_resolved) {
            return Ok(());
        } else {
            let mut paths = Vec::new();
            list_paths(&schema, &schema, "", 0, &mut Vec::new(), &mut paths);
            let nearest = paths.into_iter().min_by_key(|p| distance(p, dotted_path)).unwrap_or_default();
            return Err(PropertyPathError::NoSuchProperty { nearest });
        }
    }
    Ok(())
}

/// `schema` with a `$ref` to `#/definitions/…` followed.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..16 {
        let Some(target) = schema.get("$ref").and_then(Value::as_str) else { break };
        match target.strip_prefix('#').and_then(|pointer| root.pointer(pointer)) {
            Some(next) => schema = next,
            None => break,
        }
    }
    schema
}

/// The alternatives a schema allows (itself, and its `oneOf`/`anyOf`/`allOf` branches).
fn alternatives<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let mut out = vec![schema];
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            out.extend(branches.iter().map(|b| resolve(root, b)));
        }
    }
    out
}

/// The schema of `part` below `schema`: a named property, or a list's items for an index.
fn property<'a>(root: &'a Value, schema: &'a Value, part: &str) -> Option<&'a Value> {
    alternatives(root, schema).into_iter().find_map(|s| {
        if let Some(p) = s.get("properties").and_then(|p| p.get(part)) {
            return Some(p);
        }
        let items = s.get("items")?;
        part.parse::<usize>().ok().map(|_| items)
    })
}

/// Whether `schema` is an object whose keys are free (a map, such as tags given as an object).
fn is_map(root: &Value, schema: &Value) -> bool {
    alternatives(root, schema).into_iter().any(|s| {
        s.get("patternProperties").is_some()
            || s.get("additionalProperties").is_some_and(|a| a.is_object() || a == &Value::Bool(true))
            || (allows_object(s) && s.get("properties").is_none())
    })
}

/// Whether `schema`'s `type` allows an object (`"object"`, a list holding it, or no type).
fn allows_object(schema: &Value) -> bool {
    match schema.get("type") {
        None => schema.get("items").is_none(),
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        Some(_) => false,
    }
}

/// Every property path below `schema`, to `MAX_DEPTH`, not entering a definition twice on one
/// branch.
fn list_paths<'a>(
    root: &'a Value,
    schema: &'a Value,
    prefix: &str,
    depth: usize,
    seen: &mut Vec<&'a str>,
    out: &mut Vec<String>,
) {
    if depth == MAX_DEPTH {
        return;
    }
    let reference = schema.get("$ref").and_then(Value::as_str);
    if let Some(r) = reference {
        if seen.contains(&r) {
            return;
        }
        seen.push(r);
    }
    for s in alternatives(root, resolve(root, schema)) {
        let items = s.get("items").map(|items| resolve(root, items));
        let properties = s.get("properties").or_else(|| items.and_then(|i| i.get("properties")));
        let Some(properties) = properties.and_then(Value::as_object) else { continue };
        let index = if s.get("properties").is_some() { "" } else { ".0" };
        for (name, child) in properties {
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}{index}.{name}") };
            out.push(path.clone());
            list_paths(root, child, &path, depth + 1, seen, out);
        }
    }
    if reference.is_some() {
        seen.pop();
    }
}

/// The Levenshtein distance between `a` and `b`, case-insensitively.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{PropertyPathError, check_property_path};

    #[test]
    fn valid_paths_of_nested_objects_lists_and_maps() {
        let eks = "AWS::EKS::Cluster";
        assert_eq!(check_property_path(eks, "Logging.ClusterLogging.EnabledTypes"), Ok(()));
        assert_eq!(check_property_path(eks, "Logging.ClusterLogging.EnabledTypes.0.Type"), Ok(()));
        assert_eq!(check_property_path(eks, "ResourcesVpcConfig.EndpointPrivateAccess"), Ok(()));
        assert_eq!(check_property_path("AWS::IAM::Role", "AssumeRolePolicyDocument.Statement"), Ok(()));
    }

    #[test]
    fn an_unknown_path_names_the_nearest_valid_one() {
        assert_eq!(
            check_property_path("AWS::EKS::Cluster", "LoggingConfiguration.ClusterLoging.EnabledTypes"),
            Err(PropertyPathError::NoSuchProperty { nearest: "Logging.ClusterLogging.EnabledTypes".into() })
        );
        assert_eq!(check_property_path("AWS::Nope::Thing", "A"), Err(PropertyPathError::UnknownType));
    }
}
