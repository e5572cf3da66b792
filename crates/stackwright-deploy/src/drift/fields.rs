//! Which fields of a live Kubernetes object differ from the program, among those the field
//! manager `stackwright` owns: read from `metadata.managedFields` (the `fieldsV1` tree of
//! `f:` fields, `k:` list elements by key, `v:` set elements by value, `i:` indices).
//!
//! Server-side apply moves a field to whoever last wrote it: a `kubectl edit` of a field
//! stackwright applied takes it out of stackwright's set and into the editor's. So a field is
//! checked when stackwright owns it, or when another manager owns it and the program sets it
//! (then the report names that manager); a field the program does not set and stackwright
//! does not own is someone else's business and never reported. A field the program sets that
//! the cluster lacks altogether (removed by an update, which leaves it to nobody) is missing.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::kubernetes::FIELD_MANAGER;

/// One field of an object that differs from the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDrift {
    /// The field, e.g. `spec.template.spec.containers[name=web].image`.
    pub field: String,
    /// The value the program sets.
    pub program: Json,
    /// The value in the cluster (`None`: the field is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<Json>,
    /// The field manager that owns the live value, when not stackwright (who changed it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Field(String),
    Key(Map<String, Json>),
    Value(Json),
    Index(usize),
}

fn render(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Field(f) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(f);
            }
            Seg::Key(k) => {
                let parts: Vec<String> = k
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                    .collect();
                out.push_str(&format!("[{}]", parts.join(",")));
            }
            Seg::Value(v) => out.push_str(&format!("[{}]", v.as_str().map_or_else(|| v.to_string(), str::to_string))),
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The leaf fields of a `fieldsV1` tree (a node without children but `.` is a leaf). Keys
/// that do not parse are skipped: they name nothing this comparison could find.
fn leaves(tree: &Json, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    let Some(map) = tree.as_object() else { return };
    for (key, child) in map {
        let seg = match key.split_at_checked(2) {
            Some(("f:", name)) => Seg::Field(name.to_string()),
            Some(("k:", json)) => match serde_json::from_str::<Map<String, Json>>(json) {
                Ok(k) => Seg::Key(k),
                Err(_) => continue,
            },
            Some(("v:", json)) => match serde_json::from_str(json) {
                Ok(v) => Seg::Value(v),
                Err(_) => continue,
            },
            Some(("i:", n)) => match n.parse() {
                Ok(i) => Seg::Index(i),
                Err(_) => continue,
            },
            _ => continue,
        };
        prefix.push(seg);
        let children = child.as_object().map(|m| m.keys().filter(|k| *k != ".").count()).unwrap_or(0);
        if children == 0 {
            out.push(prefix.clone());
        } else {
            leaves(child, prefix, out);
        }
        prefix.pop();
    }
}

/// The value at `path` in an object (`None` when absent).
fn resolve<'a>(mut value: &'a Json, path: &[Seg]) -> Option<&'a Json> {
    for seg in path {
        value = match seg {
            Seg::Field(f) => value.get(f)?,
            Seg::Key(k) => value.as_array()?.iter().find(|e| k.iter().all(|(name, v)| e.get(name) == Some(v)))?,
            Seg::Value(v) => value.as_array()?.iter().find(|e| *e == v)?,
            Seg::Index(i) => value.as_array()?.get(*i)?,
        };
    }
    Some(value)
}

/// The leaves of every field the program sets (objects walked, lists compared whole): the
/// fallback when the server keeps no managed fields for stackwright.
fn json_leaves(value: &Json, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match value.as_object() {
        Some(map) if !map.is_empty() => {
            for (k, v) in map {
                prefix.push(Seg::Field(k.clone()));
                json_leaves(v, prefix, out);
                prefix.pop();
            }
        }
        _ => out.push(prefix.clone()),
    }
}

/// An empty object or list, or null: what a server may drop without changing anything.
fn empty(value: &Json) -> bool {
    value.is_null() || value.as_object().is_some_and(Map::is_empty) || value.as_array().is_some_and(Vec::is_empty)
}

/// Fields that identify the object rather than describe it.
fn identity(path: &[Seg]) -> bool {
    matches!(path, [Seg::Field(f)] if f == "apiVersion" || f == "kind")
        || matches!(path, [Seg::Field(m), Seg::Field(f)] if m == "metadata" && (f == "name" || f == "namespace"))
}

/// The fields of `live` that differ from `desired` (the object as the program applies it),
/// among the fields stackwright owns or the program sets and another manager took over.
#[must_use]
pub fn field_drift(desired: &Json, live: &Json) -> Vec<FieldDrift> {
    let entries = live.pointer("/metadata/managedFields").and_then(Json::as_array).cloned().unwrap_or_default();
    let manager = |e: &Json| e.get("manager").and_then(Json::as_str).unwrap_or_default().to_string();
    let ours_entry =
        |e: &Json| manager(e) == FIELD_MANAGER && e.get("operation").and_then(Json::as_str) == Some("Apply");
    let mut ours = Vec::new();
    let has_ours = entries.iter().any(ours_entry);
    for e in entries.iter().filter(|e| ours_entry(e)) {
        leaves(e.get("fieldsV1").unwrap_or(&Json::Null), &mut Vec::new(), &mut ours);
    }
    if !has_ours {
        json_leaves(desired, &mut Vec::new(), &mut ours);
    }
    let owned: BTreeSet<String> = ours.iter().map(|p| render(p)).collect();
    let mut drift = Vec::new();
    let mut seen = BTreeSet::new();
    for path in &ours {
        let Some(want) = resolve(desired, path) else { continue };
        let have = resolve(live, path);
        if identity(path) || have == Some(want) || !seen.insert(render(path)) {
            continue;
        }
        drift.push(FieldDrift { field: render(path), program: want.clone(), live: have.cloned(), manager: None });
    }
    // A field removed by an update belongs to nobody any more: what the program sets and the
    // cluster lacks altogether is missing, whoever owned it.
    let mut set = Vec::new();
    json_leaves(desired, &mut Vec::new(), &mut set);
    for path in set {
        let name = render(&path);
        let Some(want) = resolve(desired, &path).filter(|w| !empty(w)) else { continue };
        if !identity(&path) && resolve(live, &path).is_none() && seen.insert(name.clone()) {
            drift.push(FieldDrift { field: name, program: want.clone(), live: None, manager: None });
        }
    }
    for e in entries.iter().filter(|e| !ours_entry(e)) {
        let mut theirs = Vec::new();
        leaves(e.get("fieldsV1").unwrap_or(&Json::Null), &mut Vec::new(), &mut theirs);
        for path in theirs {
            let name = render(&path);
            if owned.contains(&name) || seen.contains(&name) || identity(&path) {
                continue;
            }
            let Some(want) = resolve(desired, &path) else { continue };
            let have = resolve(live, &path);
            if have != Some(want) {
                seen.insert(name.clone());
                drift.push(FieldDrift {
                    field: name,
                    program: want.clone(),
                    live: have.cloned(),
                    manager: Some(manager(e)),
                });
            }
        }
    }
    drift
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(replicas: i64, image: &str, managed: Json) -> Json {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web", "team": "other"}, "managedFields": managed},
               "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "web", "image": image, "imagePullPolicy": "Always"}]}}}})
    }

    fn ours() -> Json {
        json!({"manager": "stackwright", "operation": "Apply", "fieldsType": "FieldsV1", "fieldsV1": {
            "f:metadata": {"f:labels": {"f:app": {}}},
            "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"web\"}": {".": {}, "f:name": {}, "f:image": {}}}}}}}})
    }

    #[test]
    fn a_field_stackwright_owns_that_differs_is_reported_and_others_fields_are_not() {
        let desired = deployment(2, "web:1", Json::Null);
        let other = json!({"manager": "kubectl-label", "operation": "Update", "fieldsV1": {"f:metadata": {"f:labels": {"f:team": {}}}}});
        let live = deployment(2, "web:2", json!([ours(), other]));
        let drift = field_drift(&desired, &live);
        assert_eq!(
            drift,
            [FieldDrift {
                field: "spec.template.spec.containers[name=web].image".into(),
                program: json!("web:1"),
                live: Some(json!("web:2")),
                manager: None
            }]
        );
        assert!(field_drift(&desired, &deployment(2, "web:1", json!([ours()]))).is_empty());
    }

    #[test]
    fn a_field_another_manager_took_over_is_reported_with_that_manager() {
        // `kubectl scale` moved spec.replicas out of stackwright's set.
        let mut mine = ours();
        mine["fieldsV1"]["f:spec"].as_object_mut().unwrap().remove("f:replicas");
        let scaled = json!({"manager": "kubectl", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}});
        let live = deployment(5, "web:1", json!([mine, scaled]));
        let drift = field_drift(&deployment(2, "web:1", Json::Null), &live);
        assert_eq!(drift.len(), 1, "{drift:?}");
        assert_eq!((drift[0].field.as_str(), drift[0].manager.as_deref()), ("spec.replicas", Some("kubectl")));
        assert_eq!(drift[0].live, Some(json!(5)));
    }

    #[test]
    fn a_field_removed_by_an_update_is_missing_though_nobody_owns_it() {
        let mut mine = ours();
        // Its last field gone, the API server drops the emptied parents from the set too.
        mine["fieldsV1"].as_object_mut().unwrap().remove("f:metadata");
        let mut live = deployment(2, "web:1", json!([mine]));
        live["metadata"]["labels"].as_object_mut().unwrap().remove("app");
        let drift = field_drift(&deployment(2, "web:1", Json::Null), &live);
        let fields: Vec<_> = drift.iter().map(|d| (d.field.as_str(), d.live.clone())).collect();
        assert_eq!(fields, [("metadata.labels.app", None)]);
    }

    #[test]
    fn a_removed_field_is_missing_and_without_managed_fields_every_field_set_is_checked() {
        let mut live = deployment(2, "web:1", json!([ours()]));
        live["metadata"]["labels"].as_object_mut().unwrap().remove("app");
        let drift = field_drift(&deployment(2, "web:1", Json::Null), &live);
        assert_eq!((drift[0].field.as_str(), drift[0].live.as_ref()), ("metadata.labels.app", None));
        let mut bare = deployment(3, "web:1", Json::Null);
        bare["metadata"].as_object_mut().unwrap().remove("managedFields");
        let desired = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 2}});
        let drift = field_drift(&desired, &bare);
        assert_eq!(drift.iter().map(|d| d.field.as_str()).collect::<Vec<_>>(), ["spec.replicas"]);
    }
}
