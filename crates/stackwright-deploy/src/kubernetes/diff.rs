//! Diff: the objects compared with the cluster through a server-side dry-run apply.

use std::collections::BTreeSet;

use kube::api::{Patch, PatchParams};
use serde::Serialize;
use serde_json::Value as Json;

use super::object::{DesiredObject, ObjectRef};
use super::{Applier, FIELD_MANAGER};
use crate::error::Result;

/// How one object differs from the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectDiff {
    /// The object.
    pub object: ObjectRef,
    /// `create`, `update`, `unchanged` or `delete` (`unknown` when the identity may not read it).
    pub action: String,
    /// The construct path of its owner (`None` for objects a deploy would prune).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where the object came from when not from a construct's own code: an included file,
    /// the program's patches ([`origin`](super::object::origin)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

impl Applier<'_> {
    /// Compares the objects with the cluster through a server-side dry-run apply, and lists
    /// what a deploy would prune.
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`](crate::Error::Kubernetes) for a read or dry run the API server refuses (other than
    /// forbidden, which the diff works around).
    pub async fn diff(&self, objects: &[DesiredObject]) -> Result<Vec<ObjectDiff>> {
        let mut diffs = Vec::new();
        let params = PatchParams::apply(FIELD_MANAGER).force().dry_run();
        for o in objects {
            // A read-only identity (EKS view policy) may not read Secrets: "unknown".
            let live = match self.api(&o.id)?.get_opt(&o.id.name).await {
                Ok(live) => live.and_then(|l| serde_json::to_value(l).ok()),
                Err(kube::Error::Api(s)) if s.code == 403 => {
                    diffs.push(ObjectDiff {
                        object: o.id.clone(),
                        action: "unknown".into(),
                        path: Some(o.path.clone()),
                        origin: o.origin.clone(),
                    });
                    continue;
                }
                Err(e) => return Err(self.err(format!("cannot read {}", o.id), e)),
            };
            let action = match live {
                None => "create",
                Some(live) => match self.api(&o.id)?.patch(&o.id.name, &params, &Patch::Apply(&o.body)).await {
                    Ok(dry) => {
                        let dry = serde_json::to_value(dry).unwrap_or_default();
                        if normalized(&dry) == normalized(&live) { "unchanged" } else { "update" }
                    }
                    // A dry run needs the rights of the write: without them, compare what the
                    // program sets with what the cluster has (defaults the server adds are
                    // ignored this way, removed fields are not seen).
                    Err(kube::Error::Api(s)) if s.code == 403 => {
                        if is_subset(&o.body, &live) {
                            "unchanged"
                        } else {
                            "update"
                        }
                    }
                    Err(e) => return Err(self.err(format!("dry-run apply of {}", o.id), e)),
                },
            };
            diffs.push(ObjectDiff {
                object: o.id.clone(),
                action: action.into(),
                path: Some(o.path.clone()),
                origin: o.origin.clone(),
            });
        }
        let desired: BTreeSet<ObjectRef> = objects.iter().map(|o| o.id.clone()).collect();
        let previous = self.read_inventory().await?;
        for id in self.prune_candidates(&desired, previous.as_ref(), true).await? {
            // Unreadable (forbidden) candidates are left out of a diff.
            if let Ok(Some(live)) = self.get(&id).await
                && self.owned(&live)
            {
                diffs.push(ObjectDiff { object: id, action: "delete".into(), path: None, origin: None });
            }
        }
        Ok(diffs)
    }
}

/// Whether every field `desired` sets has that value in `live`.
pub(crate) fn is_subset(desired: &Json, live: &Json) -> bool {
    match (desired, live) {
        (Json::Object(d), Json::Object(l)) => d.iter().all(|(k, v)| l.get(k).is_some_and(|lv| is_subset(v, lv))),
        (Json::Array(d), Json::Array(l)) => d.len() == l.len() && d.iter().zip(l).all(|(a, b)| is_subset(a, b)),
        (d, l) => d == l,
    }
}

/// An object without what the server changes on every write.
fn normalized(object: &Json) -> Json {
    let mut o = object.clone();
    if let Some(meta) = o.get_mut("metadata").and_then(Json::as_object_mut) {
        for k in ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"] {
            meta.remove(k);
        }
    }
    if let Some(map) = o.as_object_mut() {
        map.remove("status");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subset_comparison_ignores_server_defaults() {
        let desired = json!({"spec": {"replicas": 2, "template": {"containers": [{"name": "web"}]}}});
        let live = json!({"spec": {"replicas": 2, "revisionHistoryLimit": 10, "template": {"containers": [{"name": "web", "imagePullPolicy": "Always"}]}}, "status": {}});
        assert!(is_subset(&desired, &live));
        assert!(!is_subset(&json!({"spec": {"replicas": 3}}), &live));
        assert!(!is_subset(&json!({"spec": {"template": {"containers": [{"name": "web"}, {"name": "side"}]}}}), &live));
    }
}
