//! The upgrade as one block of `diff`: from → to for the control plane, each add-on, each node
//! group and each controller, in the order the deploy makes them happen — the control plane,
//! the add-ons the node groups wait for, the node groups, the add-ons that wait for the node
//! groups (all kept by the template's `DependsOn`), then the controllers, which are Kubernetes
//! objects applied once the stack is deployed.

use serde_json::Value as Json;

use super::EksVersions;

/// The block's lines (empty when no EKS version changes): `controllers` are the controller
/// images of the program's manifests for this stack's cluster, `(name, image)`.
#[must_use]
pub fn upgrade_block(deployed: Option<&Json>, new: &Json, controllers: &[(String, String)]) -> Vec<String> {
    let Some(deployed) = deployed else { return Vec::new() };
    let (old, now) = (EksVersions::of(deployed), EksVersions::of(new));
    let mut steps: Vec<(String, bool)> = Vec::new();
    for (id, c) in &now.clusters {
        let from = old.clusters.get(id).and_then(|c| c.version.as_deref());
        steps.push(step(&format!("control plane {id}"), from, c.version.as_deref()));
    }
    let waits_for_nodes = |id: &str| {
        let deps = match new["Resources"][id].get("DependsOn") {
            Some(Json::String(s)) => vec![s.as_str()],
            Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        deps.iter().any(|d| now.node_groups.contains_key(*d))
    };
    let addons = |after_nodes: bool| -> Vec<(String, bool)> {
        now.addons
            .iter()
            .filter(|(id, _)| waits_for_nodes(id) == after_nodes)
            .map(|(id, a)| {
                let from = old.addons.get(id).and_then(|a| a.version.as_deref());
                let (mut line, changes) = step(&format!("add-on {} ({id})", a.name), from, a.version.as_deref());
                if a.version.is_none() {
                    // Without AddonVersion EKS leaves the add-on at its creation version.
                    line.push_str(" — stays at its creation version: pin one (docs/upgrading.md)");
                }
                (line, changes)
            })
            .collect()
    };
    steps.extend(addons(false));
    for (id, g) in &now.node_groups {
        let before = old.node_groups.get(id);
        let what = format!("node group {id}");
        steps.push(step(&what, before.and_then(|g| g.version.as_deref()), g.version.as_deref()));
        let (from, to) = (before.and_then(|g| g.release.as_deref()), g.release.as_deref());
        if from != to {
            let release = |r: Option<&str>| r.unwrap_or("latest release for its version").to_string();
            steps.push((format!("{what} AMI release: {} → {}", release(from), release(to)), true));
        }
    }
    steps.extend(addons(true));
    let changed = steps.iter().any(|(_, c)| *c);
    if !changed {
        return Vec::new();
    }
    let mut lines: Vec<String> = steps.into_iter().map(|(s, _)| s).collect();
    for (name, image) in controllers {
        lines.push(format!("controller {name}: → {image} (applied after the stack, with the Kubernetes objects)"));
    }
    let mut out = vec!["upgrade, in the order the deploy makes it happen:".to_string()];
    out.extend(lines.into_iter().enumerate().map(|(i, s)| format!("  {}. {s}", i + 1)));
    out
}

/// One step: `what: from → to`, or `what: v (unchanged)`; and whether it changes.
fn step(what: &str, from: Option<&str>, to: Option<&str>) -> (String, bool) {
    let shown = |v: Option<&str>| v.unwrap_or("EKS default").to_string();
    if from == to {
        (format!("{what}: {} (unchanged)", shown(to)), false)
    } else {
        (format!("{what}: {} → {}", shown(from), shown(to)), true)
    }
}
