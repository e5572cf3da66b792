//! The picture of a change, for the pull-request comment: the platform after the change (the
//! new assembly) drawn as Mermaid with what the diff found marked — elements added, changed,
//! or removed (kept in the picture, marked) — read from the deployed templates and the
//! per-resource and per-object results the diff already computed (`docs/diagram.md`).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value as Json;
use stackwright_core::assembly::{ClusterEntry, Manifest, ObjectEntry, StackEntry};
use stackwright_core::diagram::{self, PlatformBuilder};

use super::{ClusterDiff, StackDiff};

/// How many characters of a comment the picture may take: GitHub allows 65,536 per comment,
/// and the per-stack diff text shares it. A bigger picture is collapsed, and says so.
pub const COMMENT_BUDGET: usize = 30_000;

/// The Mermaid picture of the change from what is deployed to the assembly in `manifest`:
/// `template` reads a stack's new template, `object` an object's new body; `stacks` and
/// `clusters` are the diff's results (a stack or cluster missing from them is drawn unchanged).
pub fn change_diagram(
    manifest: &Manifest,
    template: impl Fn(&StackEntry) -> Option<Json>,
    object: impl Fn(&ClusterEntry, &ObjectEntry) -> Option<Json>,
    stacks: &[StackDiff],
    clusters: &[ClusterDiff],
) -> String {
    let new = diagram::from_assembly(manifest, &template, &object);
    let mut old = PlatformBuilder::default();
    for e in &manifest.environments {
        old.environment(&e.id, &e.region);
    }
    let mut changed = BTreeSet::new();
    for s in &manifest.stacks {
        let diff = stacks.iter().find(|d| d.stack == s.id);
        if diff.is_some_and(|d| d.status == "new") {
            continue; // not deployed: everything in it is added
        }
        old.stack(&s.environment, &s.id);
        let before = match diff.and_then(|d| d.before.clone()) {
            Some(t) => Some(t),
            None => template(s),
        };
        if let Some(t) = before {
            old.template(&s.environment, &t);
        }
        // A resource added to, removed from or modified in an element that exists before and
        // after changes that element.
        changed.extend(diff.into_iter().flat_map(|d| d.changes.iter()).filter_map(|c| c.path.clone()));
    }
    for c in &manifest.clusters {
        if stacks.iter().any(|d| d.stack == c.stack && d.status == "new") {
            continue; // the cluster's stack is new: its objects are all created
        }
        old.cluster(&c.id, &c.environment, &c.name);
        let diff = clusters.iter().find(|d| d.cluster == c.id).filter(|d| !d.objects.is_empty());
        for o in &c.objects {
            let namespace = o.namespace.as_deref().unwrap_or("");
            let action = diff.and_then(|d| {
                d.objects
                    .iter()
                    .find(|x| x.object.kind == o.kind && x.object.name == o.name && x.object.namespace == o.namespace)
                    .map(|x| x.action.as_str())
            });
            match action {
                Some("create") => continue,
                Some("update") => {
                    changed.insert(diagram::object_key(&c.id, &o.kind, namespace, &o.name));
                }
                _ => {}
            }
            old.object(&c.id, &o.kind, namespace, &o.name, &o.path, object(c, o).as_ref());
        }
        for gone in diff.into_iter().flat_map(|d| d.objects.iter()).filter(|x| x.action == "delete") {
            let namespace = gone.object.namespace.as_deref().unwrap_or("");
            old.object(&c.id, &gone.object.kind, namespace, &gone.object.name, "", None);
        }
    }
    let marked = diagram::compare(&old.build(), &new, &changed);
    diagram::mermaid_within(&format!("{} (this change)", diagram::title(&manifest.app)), &marked, COMMENT_BUDGET)
}

/// An object's body as the assembly in `dir` holds it (placeholders unresolved: the picture
/// reads only selectors, labels and backends); `None` when it cannot be read.
pub fn read_object(dir: &Path, cluster: &ClusterEntry, object: &ObjectEntry) -> Option<Json> {
    let text = std::fs::read_to_string(dir.join(&cluster.directory).join(&object.file)).ok()?;
    serde_saphyr::from_str(&text).ok()
}
