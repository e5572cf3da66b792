//! JSON Patch (RFC 6902) applied to an object's JSON: the escape hatch for changing a
//! Kubernetes object a construct made, without the construct modelling the field.

use serde_json::Value;

/// Applies the operations of `patch` (an array of RFC 6902 operations) to `target` in order.
/// On error `target` is left unchanged.
///
/// # Errors
/// A message naming the operation (by index) and what is wrong with it: not an object, an
/// unknown `op`, a `path` that does not exist, or a failed `test`.
pub(crate) fn apply(target: &mut Value, patch: &Value) -> Result<(), String> {
    let Some(operations) = patch.as_array() else {
        return Err("a JSON patch is an array of operations".into());
    };
    let mut result = target.clone();
    for (i, operation) in operations.iter().enumerate() {
        apply_one(&mut result, operation).map_err(|e| format!("operation {i}: {e}"))?;
    }
    *target = result;
    Ok(())
}

fn apply_one(target: &mut Value, operation: &Value) -> Result<(), String> {
    let field = |name: &str| -> Result<&str, String> {
        operation.get(name).and_then(Value::as_str).ok_or_else(|| format!("has no string '{name}'"))
    };
    let op = field("op")?;
    let path = field("path")?;
    let value = || operation.get("value").cloned().ok_or_else(|| format!("'{op}' needs a 'value'"));
    match op {
        "add" => add(target, path, value()?),
        "remove" => remove(target, path).map(drop),
        "replace" => {
            remove(target, path)?;
            add(target, path, value()?)
        }
        "move" => {
            let moved = remove(target, field("from")?)?;
            add(target, path, moved)
        }
        "copy" => {
            let copied = target.pointer(field("from")?).cloned().ok_or("'from' does not exist")?;
            add(target, path, copied)
        }
        "test" => {
            if target.pointer(path) == Some(&value()?) {
                Ok(())
            } else {
                Err(format!("test failed: '{path}' does not hold the given value"))
            }
        }
        other => Err(format!("unknown op '{other}' (add, remove, replace, move, copy, test)")),
    }
}

/// The parent pointer and the last reference token (unescaped) of `path`.
fn split(path: &str) -> Result<(&str, String), String> {
    let cut = path.rfind('/').ok_or_else(|| format!("'{path}' is not a JSON pointer (it starts with '/')"))?;
    let (parent, last) = path.split_at(cut);
    Ok((parent, last[1..].replace("~1", "/").replace("~0", "~")))
}

fn add(target: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *target = value;
        return Ok(());
    }
    let (parent, key) = split(path)?;
    match target.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key, value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index =
                if key == "-" { items.len() } else { key.parse().map_err(|_| format!("'{key}' is not an index"))? };
            if index > items.len() {
                return Err(format!("index {index} of '{parent}' is out of bounds"));
            }
            items.insert(index, value);
            Ok(())
        }
        _ => Err(format!("'{parent}' does not exist or holds no object or array")),
    }
}

fn remove(target: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, key) = split(path)?;
    let missing = || format!("'{path}' does not exist");
    match target.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&key).ok_or_else(missing),
        Some(Value::Array(items)) => {
            let index: usize = key.parse().map_err(|_| missing())?;
            if index < items.len() { Ok(items.remove(index)) } else { Err(missing()) }
        }
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::apply;

    #[test]
    fn applies_rfc6902_operations_in_order() {
        let mut doc = json!({"spec": {"replicas": 1, "args": ["a"]}, "metadata": {"name": "x"}});
        let patch = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "add", "path": "/spec/args/-", "value": "b"},
            {"op": "add", "path": "/metadata/annotations", "value": {"a~b/c": "1"}},
            {"op": "test", "path": "/metadata/annotations/a~0b~1c", "value": "1"},
            {"op": "copy", "from": "/metadata/name", "path": "/spec/name"},
            {"op": "remove", "path": "/spec/args/0"},
        ]);
        apply(&mut doc, &patch).unwrap();
        assert_eq!(
            doc,
            json!({"spec": {"replicas": 3, "args": ["b"], "name": "x"}, "metadata": {"name": "x", "annotations": {"a~b/c": "1"}}})
        );
    }

    #[test]
    fn a_failing_operation_leaves_the_target_unchanged() {
        let mut doc = json!({"spec": {"replicas": 1}});
        let patch =
            json!([{"op": "replace", "path": "/spec/replicas", "value": 2}, {"op": "remove", "path": "/spec/missing"}]);
        let err = apply(&mut doc, &patch).unwrap_err();
        assert_eq!(err, "operation 1: '/spec/missing' does not exist");
        assert_eq!(doc, json!({"spec": {"replicas": 1}}));
    }
}
