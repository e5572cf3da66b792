//! Cluster upgrades: what the EKS parts of a template say about versions (control plane, node
//! groups, add-ons, the cluster autoscaler's image), the upgrades EKS refuses or that break a
//! cluster — checked by preflight before anything changes — and the upgrade as one readable
//! block for `diff`.
//!
//! EKS upgrades a control plane one minor at a time and never downgrades it; a node group's
//! kubelet and kube-proxy may not be newer than the API server. Preflight compares the
//! templates about to be deployed with the deployed ones (read with `GetTemplate`) and refuses,
//! with the intermediate version to deploy first, what EKS would refuse halfway through a stack
//! update — or, for a node newer than its control plane, what it would accept and break.

mod block;
mod read;

pub use block::upgrade_block;
pub use read::Reading;

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use crate::plan::Assembly;

/// The EKS versions one template declares.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EksVersions {
    /// Control planes by logical id: (cluster name when literal, Kubernetes version).
    pub clusters: BTreeMap<String, Cluster>,
    /// Node groups by logical id.
    pub node_groups: BTreeMap<String, Member>,
    /// Managed add-ons by logical id.
    pub addons: BTreeMap<String, Member>,
    /// The cluster autoscaler's image tags, by Kubernetes object path (from its manifest).
    pub controllers: BTreeMap<String, String>,
}

/// A control plane in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Its `Name`, when a literal.
    pub name: Option<String>,
    /// Its `Version` (`1.36`), when a literal.
    pub version: Option<String>,
}

/// A node group or an add-on: which cluster (a logical id in the same template, or a literal
/// name) and which version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The cluster: `Ref` of a logical id in the template, else the literal name.
    pub cluster: ClusterRef,
    /// The node group's `Version` or the add-on's `AddonVersion`, when literal.
    pub version: Option<String>,
    /// The add-on's name (`AddonName`); the node group's `NodegroupName` or logical id.
    pub name: String,
    /// A node group's pinned AMI `ReleaseVersion`.
    pub release: Option<String>,
}

/// How a node group or add-on names its cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterRef {
    /// `{"Ref": "<logical id>"}` of a cluster in the same template.
    Local(String),
    /// A literal cluster name (a cluster of another stack or program).
    Named(String),
    /// Anything else (an import, a parameter).
    Unknown,
}

impl EksVersions {
    /// Reads the EKS resources of `template`.
    #[must_use]
    pub fn of(template: &Json) -> EksVersions {
        let mut v = EksVersions::default();
        let Some(resources) = template.get("Resources").and_then(Json::as_object) else { return v };
        let literal = |p: &Json, key: &str| p.get(key).and_then(Json::as_str).map(String::from);
        for (id, r) in resources {
            let props = r.get("Properties").cloned().unwrap_or(Json::Null);
            let cluster_ref = || match props.get("ClusterName") {
                Some(Json::String(s)) => ClusterRef::Named(s.clone()),
                Some(Json::Object(o)) => match o.get("Ref").and_then(Json::as_str) {
                    Some(r) => ClusterRef::Local(r.to_string()),
                    None => ClusterRef::Unknown,
                },
                _ => ClusterRef::Unknown,
            };
            match r.get("Type").and_then(Json::as_str) {
                Some("AWS::EKS::Cluster") => {
                    v.clusters.insert(
                        id.clone(),
                        Cluster { name: literal(&props, "Name"), version: literal(&props, "Version") },
                    );
                }
                Some("AWS::EKS::Nodegroup") => {
                    v.node_groups.insert(
                        id.clone(),
                        Member {
                            cluster: cluster_ref(),
                            version: literal(&props, "Version"),
                            name: literal(&props, "NodegroupName").unwrap_or_else(|| id.clone()),
                            release: literal(&props, "ReleaseVersion"),
                        },
                    );
                }
                Some("AWS::EKS::Addon") => {
                    v.addons.insert(
                        id.clone(),
                        Member {
                            cluster: cluster_ref(),
                            version: literal(&props, "AddonVersion"),
                            name: literal(&props, "AddonName").unwrap_or_else(|| id.clone()),
                            release: None,
                        },
                    );
                }
                _ => {}
            }
        }
        v
    }

    /// True when the template has any EKS control plane, node group or add-on.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty() && self.node_groups.is_empty() && self.addons.is_empty()
    }

    /// The version of the control plane `member` belongs to, when this template has it.
    fn control_plane<'a>(&'a self, member: &'a Member) -> Option<(&'a str, &'a str)> {
        match &member.cluster {
            ClusterRef::Local(id) => self.clusters.get(id).and_then(|c| c.version.as_deref()).map(|v| (id.as_str(), v)),
            ClusterRef::Named(name) => self
                .clusters
                .iter()
                .find(|(_, c)| c.name.as_deref() == Some(name))
                .and_then(|(id, c)| c.version.as_deref().map(|v| (id.as_str(), v))),
            ClusterRef::Unknown => None,
        }
    }
}

/// The control planes with a literal name and version in `template`: name → version.
#[must_use]
pub fn named_control_planes(template: &Json) -> BTreeMap<String, String> {
    EksVersions::of(template).clusters.into_values().filter_map(|c| Some((c.name?, c.version?))).collect()
}

/// The clusters `template`'s node groups name literally (a cluster of another stack or
/// program).
#[must_use]
pub fn named_clusters_of_node_groups(template: &Json) -> Vec<String> {
    let mut names: Vec<String> = EksVersions::of(template)
        .node_groups
        .into_values()
        .filter_map(|g| match g.cluster {
            ClusterRef::Named(n) => Some(n),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The node groups of `template` that name a cluster of `control_planes` (name → version, from
/// the plan's other templates or from EKS) and would run a newer minor than it.
#[must_use]
pub fn node_groups_ahead_of_named(
    stack: &str,
    template: &Json,
    control_planes: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (id, group) in EksVersions::of(template).node_groups {
        let (ClusterRef::Named(name), Some(to)) = (&group.cluster, group.version.as_deref()) else { continue };
        let Some(plane) = control_planes.get(name) else { continue };
        if let (Some(n), Some(p)) = (minor(to), minor(plane))
            && n > p
        {
            out.push(format!(
                "stack {stack}: node group {id} would run Kubernetes {to}, newer than its cluster {name} at {plane}; \
                 nodes may not be newer than the API server\n  \
                 hint: upgrade the cluster {name} to {to} first, or keep the node group at {plane}"
            ));
        }
    }
    out
}

/// Node groups that name a cluster another template of the plan (`templates`, by stack id)
/// creates, at a newer minor than that template gives it (offline), sorted.
#[must_use]
pub fn node_groups_ahead_across_stacks(templates: &HashMap<String, String>) -> Vec<String> {
    let parsed: Vec<(&String, Json)> =
        templates.iter().filter_map(|(s, b)| Some((s, serde_json::from_str(b).ok()?))).collect();
    let planes: BTreeMap<String, String> = parsed.iter().flat_map(|(_, t)| named_control_planes(t)).collect();
    let mut out: Vec<String> = parsed.iter().flat_map(|(s, t)| node_groups_ahead_of_named(s, t, &planes)).collect();
    out.sort();
    out
}

/// The controllers whose version `diff` shows in the upgrade block: the Deployments stackwright
/// installs in `kube-system`.
const CONTROLLERS: &[&str] = &["cluster-autoscaler", "aws-load-balancer-controller"];

/// The images of the controllers among the objects of the clusters of `stack`, read from the
/// assembly's manifests: `(name, image)`.
#[must_use]
pub fn controller_images(assembly: &Assembly, stack: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for cluster in assembly.manifest.clusters.iter().filter(|c| c.stack == stack) {
        for object in
            cluster.objects.iter().filter(|o| o.kind == "Deployment" && CONTROLLERS.contains(&o.name.as_str()))
        {
            let path = assembly.dir.join(&cluster.directory).join(&object.file);
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let Ok(doc) = serde_saphyr::from_str::<Json>(&text) else { continue };
            if let Some(image) = doc.pointer("/spec/template/spec/containers/0/image").and_then(Json::as_str) {
                out.push((object.name.clone(), image.to_string()));
            }
        }
    }
    out
}

/// True when `template` has a node group of the cluster named `cluster_name` (by a literal
/// name, or by a `Ref` to a control plane of that name in the same template): the runtime
/// applies a cluster's Kubernetes objects only once every such stack is deployed.
#[must_use]
pub fn has_node_groups_of(template: &Json, cluster_name: &str) -> bool {
    let v = EksVersions::of(template);
    v.node_groups.values().any(|g| match &g.cluster {
        ClusterRef::Named(name) => name == cluster_name,
        ClusterRef::Local(id) => v.clusters.get(id).is_some_and(|c| c.name.as_deref() == Some(cluster_name)),
        ClusterRef::Unknown => false,
    })
}

/// The minor of `1.36` (36); `None` for anything else.
#[must_use]
pub fn minor(version: &str) -> Option<u32> {
    let (major, minor) = version.split_once('.')?;
    if major != "1" {
        return None;
    }
    minor.parse().ok()
}

/// The Kubernetes minor an add-on version belongs to, for the add-ons whose version follows it
/// (kube-proxy: `v1.35.3-eksbuild.13` is 1.35's).
#[must_use]
pub fn addon_minor(addon: &str, version: &str) -> Option<u32> {
    if addon != "kube-proxy" {
        return None;
    }
    let rest = version.strip_prefix("v1.")?;
    rest.split('.').next()?.parse().ok()
}

/// The upgrade problems of one stack: `deployed` is its deployed template (`None` when the
/// stack does not exist yet), `new` the one about to be sent. Each problem names the stack,
/// the resource and the version to deploy first.
#[must_use]
pub fn problems(stack: &str, deployed: Option<&Json>, new: &Json) -> Vec<String> {
    let new_v = EksVersions::of(new);
    let old_v = deployed.map(EksVersions::of).unwrap_or_default();
    let mut out = Vec::new();
    for (id, cluster) in &new_v.clusters {
        let (Some(to), Some(from)) =
            (cluster.version.as_deref(), old_v.clusters.get(id).and_then(|c| c.version.as_deref()))
        else {
            continue;
        };
        let (Some(t), Some(f)) = (minor(to), minor(from)) else { continue };
        if t < f {
            out.push(format!(
                "stack {stack}: the control plane {id} would go from Kubernetes {from} down to {to}; EKS cannot downgrade a cluster\n  \
                 hint: keep KubernetesVersion::V1_{f} (to run {to}, create a new cluster and move the workloads to it)"
            ));
        } else if t > f + 1 {
            out.push(format!(
                "stack {stack}: the control plane {id} would jump from Kubernetes {from} to {to}; EKS upgrades one minor at a time\n  \
                 hint: deploy KubernetesVersion::V1_{} first, then V1_{t} (docs/upgrading.md)",
                f + 1
            ));
        }
    }
    for (id, group) in &new_v.node_groups {
        let Some(to) = group.version.as_deref() else { continue };
        if let Some((cp, plane)) = new_v.control_plane(group)
            && let (Some(n), Some(p)) = (minor(to), minor(plane))
            && n > p
        {
            out.push(format!(
                "stack {stack}: node group {id} would run Kubernetes {to}, newer than its control plane {cp} at {plane}; \
                 nodes may not be newer than the API server\n  \
                 hint: upgrade the control plane to {to} first (KubernetesVersion::V1_{n} on the cluster), then the node group"
            ));
        }
        if let Some(from) = old_v.node_groups.get(id).and_then(|g| g.version.as_deref())
            && let (Some(n), Some(f)) = (minor(to), minor(from))
            && n < f
        {
            out.push(format!(
                "stack {stack}: node group {id} would go from Kubernetes {from} down to {to}; a managed node group cannot be downgraded\n  \
                 hint: keep the node group at {from} (to run {to}, add a new node group and remove this one)"
            ));
        }
    }
    for (id, addon) in &new_v.addons {
        let Some(version) = addon.version.as_deref() else { continue };
        let Some(a) = addon_minor(&addon.name, version) else { continue };
        if let Some((cp, plane)) = new_v.control_plane(addon)
            && let Some(p) = minor(plane)
            && a > p
        {
            out.push(format!(
                "stack {stack}: add-on {id} ({} {version}) is for Kubernetes 1.{a}, newer than its control plane {cp} at {plane}\n  \
                 hint: upgrade the control plane to 1.{a} first, or pin {} to a version of 1.{p} (AddonVersions::pin)",
                addon.name, addon.name
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
