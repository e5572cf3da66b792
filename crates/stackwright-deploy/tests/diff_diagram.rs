//! The picture of a change in the pull-request comment (`diff --json`'s `diagram`): a change
//! that adds a node group and removes a workload is marked exactly so — the node group added,
//! the workload (kept in the picture) with its pods and Service removed, nothing else marked —
//! from the deployed templates and the per-resource and per-object results the diff computes.
//! The marked Mermaid is accepted by the real mermaid package (`tools/check-diagram`); a
//! picture too big for a comment is collapsed under the budget and says so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use stackwright_constructs::{
    ContainerImage, ContainerSpec, EksCluster, EksClusterProps, ImageReference, KubernetesVersion, Namespace,
    NamespaceProps, NodeGroup, NodeGroupProps, ProbeSpec, Vpc, VpcProps, Workload, WorkloadProps,
};
use stackwright_core::{Account, App, Region};
use stackwright_deploy::cfn::template_diff;
use stackwright_deploy::diff::diagram::{COMMENT_BUDGET, change_diagram, read_object};
use stackwright_deploy::diff::{ClusterDiff, StackDiff};
use stackwright_deploy::kubernetes::{ObjectDiff, ObjectRef};
use stackwright_deploy::plan::Assembly;

/// The shop: a VPC, a cluster with the `General` node group, the `api` and `worker` workloads;
/// `after` adds the `Batch` node group and drops the worker.
fn synth(dir: &Path, after: bool) -> Assembly {
    let app = App::new("shop");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    let network = prod.stack("network");
    let vpc = Vpc::new(&network, "Vpc", VpcProps::default()).unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["m6i.large"], 2..=4)).unwrap();
    if after {
        NodeGroup::new(&cluster, "Batch", NodeGroupProps::on_demand(["c6i.large"], 0..=4)).unwrap();
    }
    let shop = Namespace::new(&cluster, "Shop", NamespaceProps::default()).unwrap();
    let image = ContainerImage::public(
        "registry.example.com/shop",
        ImageReference::Digest(format!("sha256:{}", "1".repeat(64))),
    );
    let props = || {
        WorkloadProps::new(
            ContainerSpec::new(image.clone())
                .port("http", 8080)
                .readiness(ProbeSpec::http("/ready", "http"))
                .liveness(ProbeSpec::http("/healthz", "http")),
        )
    };
    Workload::new(&cluster, &shop, "Api", props()).unwrap();
    if !after {
        Workload::new(&cluster, &shop, "Worker", props()).unwrap();
    }
    app.synth_to(dir).unwrap();
    Assembly::read(dir).unwrap()
}

fn template(a: &Assembly, id: &str) -> Json {
    serde_json::from_str(&a.template(a.stack(id).unwrap()).unwrap()).unwrap()
}

/// What `diff` reports when `before` is deployed and `after` is the new assembly: per stack the
/// template comparison (what it falls back to without a change set), per cluster each object's
/// action (what the server-side dry run finds).
fn diff_results(before: &Assembly, after: &Assembly) -> (Vec<StackDiff>, Vec<ClusterDiff>) {
    let stacks = after
        .manifest
        .stacks
        .iter()
        .map(|s| {
            let deployed = template(before, &s.id);
            let changes = template_diff(s, Some(&deployed), &template(after, &s.id));
            StackDiff {
                stack: s.id.clone(),
                stack_name: s.stack_name.clone(),
                status: if changes.is_empty() { "unchanged" } else { "changed" }.into(),
                changes,
                broadening: Default::default(),
                notes: vec![],
                moves: vec![],
                before: Some(deployed),
                upgrade: Vec::new(),
            }
        })
        .collect();
    let clusters = after
        .manifest
        .clusters
        .iter()
        .map(|c| {
            let old = before.manifest.clusters.iter().find(|o| o.id == c.id).unwrap();
            let reference = |o: &stackwright_core::assembly::ObjectEntry| ObjectRef {
                api_version: o.api_version.clone(),
                kind: o.kind.clone(),
                namespace: o.namespace.clone(),
                name: o.name.clone(),
            };
            let same = |a: &stackwright_core::assembly::ObjectEntry, b: &stackwright_core::assembly::ObjectEntry| {
                a.kind == b.kind && a.namespace == b.namespace && a.name == b.name
            };
            let mut objects: Vec<ObjectDiff> = c
                .objects
                .iter()
                .map(|o| {
                    let action = match old.objects.iter().find(|p| same(p, o)) {
                        None => "create",
                        Some(p) if read_object(&before.dir, old, p) != read_object(&after.dir, c, o) => "update",
                        Some(_) => "unchanged",
                    };
                    ObjectDiff { object: reference(o), action: action.into(), path: Some(o.path.clone()), origin: None }
                })
                .collect();
            objects.extend(old.objects.iter().filter(|p| !c.objects.iter().any(|o| same(o, p))).map(|p| ObjectDiff {
                object: reference(p),
                action: "delete".into(),
                path: None,
                origin: None,
            }));
            ClusterDiff { cluster: c.id.clone(), objects, note: None }
        })
        .collect();
    (stacks, clusters)
}

fn picture(before: &Assembly, after: &Assembly) -> String {
    let (stacks, clusters) = diff_results(before, after);
    change_diagram(
        &after.manifest,
        |s| after.template(s).ok().and_then(|t| serde_json::from_str(&t).ok()),
        |c, o| read_object(&after.dir, c, o),
        &stacks,
        &clusters,
    )
}

/// The labels marked with `word` (`added`, `changed`, `removed`), and the ids of the class
/// line of that name.
fn marked(mermaid: &str, word: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let suffix = format!(" ({word})");
    let labels = mermaid
        .lines()
        .filter_map(|l| l.split_once('"').and_then(|(_, rest)| rest.rsplit_once('"')).map(|(label, _)| label))
        .filter(|l| l.ends_with(&suffix))
        .map(str::to_string)
        .collect();
    let ids = mermaid
        .lines()
        .find_map(|l| l.trim().strip_prefix("class ").and_then(|r| r.strip_suffix(&format!(" {word}"))))
        .map(|ids| ids.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    (labels, ids)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn adding_a_node_group_and_removing_a_workload_is_marked_exactly_so() {
    let base = tempfile::tempdir().unwrap();
    let before = synth(&base.path().join("before"), false);
    let after = synth(&base.path().join("after"), true);
    let mermaid = picture(&before, &after);

    let (added, added_ids) = marked(&mermaid, "added");
    let (changed, _) = marked(&mermaid, "changed");
    let (removed, removed_ids) = marked(&mermaid, "removed");
    assert_eq!(added, BTreeSet::from(["node group Batch (added)".to_string()]), "{mermaid}");
    assert_eq!(
        removed,
        BTreeSet::from([
            "Deployment shop/worker (removed)".to_string(),
            "Pods (removed)".to_string(),
            "Service shop/worker (removed)".to_string(),
        ]),
        "{mermaid}"
    );
    assert!(changed.is_empty(), "nothing else is marked: {changed:?}\n{mermaid}");
    assert_eq!(added_ids.len(), 1, "{mermaid}");
    assert_eq!(removed_ids.len(), 3, "{mermaid}");
    assert!(mermaid.contains("classDef added") && mermaid.contains("classDef removed"), "{mermaid}");
    assert!(!mermaid.contains("classDef changed"), "{mermaid}");
    // unchanged elements are drawn, unmarked
    assert!(mermaid.contains("\"node group General\"") && mermaid.contains("\"Deployment shop/api\""), "{mermaid}");

    // the same assembly on both sides: nothing marked
    let same = picture(&after, &after);
    assert!(!same.contains("classDef"), "{same}");

    // GitHub's mermaid accepts the marked picture (tools/check-diagram also checks the SVG)
    let dir = base.path().join("comment");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(after.dir.join("diagram.svg"), dir.join("diagram.svg")).unwrap();
    std::fs::write(dir.join("diagram.mmd"), &mermaid).unwrap();
    let out = std::process::Command::new(root().join("tools/check-diagram")).arg(&dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{text}\n{mermaid}");
}

#[test]
fn a_new_stack_is_drawn_added_and_the_picture_fits_a_comment() {
    let base = tempfile::tempdir().unwrap();
    let after = synth(&base.path().join("after"), true);
    // nothing deployed: every stack new, every object created
    let stacks: Vec<StackDiff> = after
        .manifest
        .stacks
        .iter()
        .map(|s| StackDiff {
            stack: s.id.clone(),
            stack_name: s.stack_name.clone(),
            status: "new".into(),
            changes: vec![],
            broadening: Default::default(),
            notes: vec![],
            moves: vec![],
            before: None,
            upgrade: Vec::new(),
        })
        .collect();
    let mermaid = change_diagram(
        &after.manifest,
        |s| after.template(s).ok().and_then(|t| serde_json::from_str(&t).ok()),
        |c, o| read_object(&after.dir, c, o),
        &stacks,
        &[],
    );
    assert!(mermaid.contains("\"VPC Vpc (added)\"") && mermaid.contains("\"stack cluster (added)\""), "{mermaid}");
    assert!(!mermaid.contains("(removed)") && !mermaid.contains("(changed)"), "{mermaid}");
    assert!(mermaid.contains("\"Deployment shop/api (added)\""), "{mermaid}");
    assert!(mermaid.chars().count() <= COMMENT_BUDGET);
}
