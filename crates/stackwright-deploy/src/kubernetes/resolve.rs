//! Late-bound values: the cluster's placeholders filled from stack outputs and the
//! environment, and its objects read from the assembly with them.

use std::collections::BTreeMap;

use serde_json::Value as Json;
use stackwright_core::assembly::{BindingSource, ClusterEntry};

use super::object::{DesiredObject, ObjectRef};
use crate::error::{Error, Result};
use crate::plan::{Assembly, Outputs};

/// Values of the cluster's placeholders, from stack outputs and the environment.
pub(crate) fn binding_values(
    cluster: &ClusterEntry,
    outputs: &Outputs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>> {
    let mut values = BTreeMap::new();
    let mut missing = Vec::new();
    for b in &cluster.bindings {
        let value = match &b.source {
            BindingSource::StackOutput { stack, output } => outputs
                .get(stack)
                .and_then(|o| o.get(output))
                .cloned()
                .ok_or_else(|| format!("{}: output {output} of stack {stack}", b.placeholder)),
            BindingSource::Environment { variable } => {
                env(variable).ok_or_else(|| format!("{}: environment variable {variable} is not set", b.placeholder))
            }
        };
        match value {
            Ok(v) => {
                values.insert(b.placeholder.clone(), v);
            }
            Err(m) => missing.push(m),
        }
    }
    if missing.is_empty() {
        Ok(values)
    } else {
        Err(Error::kube(
            &cluster.id,
            format!(
                "late-bound values are missing, so no object was applied:\n    {}\n  hint: deploy the stacks named \
                 first and export the variables named, then run again",
                missing.join("\n    ")
            ),
        ))
    }
}

/// Replaces every placeholder in every string of `value`.
pub(crate) fn substitute(value: &mut Json, values: &BTreeMap<String, String>) {
    match value {
        Json::String(s) if s.contains("((stackwright:") => {
            for (placeholder, v) in values {
                if s.contains(placeholder.as_str()) {
                    *s = s.replace(placeholder.as_str(), v);
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| substitute(i, values)),
        Json::Object(map) => map.values_mut().for_each(|v| substitute(v, values)),
        _ => {}
    }
}

fn leftover_placeholder(value: &Json) -> Option<String> {
    match value {
        Json::String(s) if s.contains("((stackwright:") => Some(s.clone()),
        Json::Array(items) => items.iter().find_map(leftover_placeholder),
        Json::Object(map) => map.values().find_map(leftover_placeholder),
        _ => None,
    }
}

/// Reads the cluster's objects from the assembly and resolves their placeholders.
pub(crate) fn load_objects(
    assembly: &Assembly,
    cluster: &ClusterEntry,
    values: &BTreeMap<String, String>,
) -> Result<Vec<DesiredObject>> {
    let mut objects = Vec::new();
    for entry in &cluster.objects {
        let path = assembly.dir.join(&cluster.directory).join(&entry.file);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::usage(format!(
                "cluster {}: cannot read the manifest of {} at {}: {e}\n  hint: synthesize the assembly again",
                cluster.id,
                entry.path,
                path.display()
            ))
        })?;
        let mut body: Json = serde_saphyr::from_str(&text).map_err(|e| {
            Error::usage(format!(
                "cluster {}: {} is not a Kubernetes object: {e}\n  hint: synthesize the assembly again",
                cluster.id,
                path.display()
            ))
        })?;
        substitute(&mut body, values);
        if let Some(s) = leftover_placeholder(&body) {
            return Err(Error::kube(
                &cluster.id,
                format!(
                    "{} still holds a placeholder the assembly does not bind: {s}\n  hint: synthesize the assembly \
                     again with this version of stackwright",
                    path.display()
                ),
            ));
        }
        objects.push(DesiredObject {
            id: ObjectRef::from(entry),
            path: entry.path.clone(),
            body,
            origin: super::object::origin(entry),
        });
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_are_substituted_inside_longer_strings() {
        let mut v = json!({"spec": {"image": "((stackwright:ref:prod/registry/Repo.RepositoryUri)):((stackwright:env:IMAGE_TAG))", "n": 3, "list": ["((stackwright:env:IMAGE_TAG))"]}});
        let values: BTreeMap<String, String> = [
            ("((stackwright:ref:prod/registry/Repo.RepositoryUri))".to_string(), "123.dkr.ecr/app".to_string()),
            ("((stackwright:env:IMAGE_TAG))".to_string(), "v1".to_string()),
        ]
        .into();
        substitute(&mut v, &values);
        assert_eq!(v["spec"]["image"], "123.dkr.ecr/app:v1");
        assert_eq!(v["spec"]["list"][0], "v1");
        assert_eq!(leftover_placeholder(&v), None);
    }
}
