//! A picture of the platform, written into every assembly: `diagram.svg` for people and
//! `diagram.mmd` (Mermaid) for pull-request comments (`docs/diagram.md`).
//!
//! It shows the stacks; each VPC with its subnets per zone and NAT gateways; each cluster with
//! its node groups and workloads (with their Services and Ingresses); databases; monitoring;
//! and the request path Internet → load balancer → Service → Pods. Everything is read from
//! what synth produced — resource types, construct paths and a few properties of the templates,
//! and the Kubernetes objects ([`PlatformBuilder`]) — so the runtime builds the same picture
//! from deployed templates and marks what a change adds, changes or removes ([`compare`]).
//!
//! The output is deterministic (inputs in manifest order, no hash maps in the output path),
//! plain text written here without a dependency, and costs a few hundred microseconds for the
//! reference platform: one pass over the resources and objects, and a layout linear in the
//! number of boxes.

mod compare;
mod mermaid;
mod model;
mod svg;

pub use compare::compare;
pub use mermaid::{GITHUB_COMMENT_LIMIT, render as mermaid, render_within as mermaid_within};
pub use model::{
    ClusterView, Element, EnvironmentView, Mark, Platform, PlatformBuilder, RequestPath, VpcView, WorkloadView,
    ZoneView, key_of_object as object_key,
};
pub use svg::{FONT_FAMILY, render as svg};

use svg::{Block, Style};

/// The SVG picture's file in the assembly.
pub const SVG_FILE: &str = "diagram.svg";
/// The Mermaid picture's file in the assembly.
pub const MERMAID_FILE: &str = "diagram.mmd";

/// The title of an app's picture.
#[must_use]
pub fn title(app: &str) -> String {
    format!("platform {app}")
}

/// The boxes of the SVG picture.
fn blocks(title: &str, p: &Platform) -> Block {
    let mut root = Block::new(title, Style::Platform);
    if let Some(note) = &p.collapsed {
        root = root.child(Block::new(note.clone(), Style::Group));
    }
    for env in &p.environments {
        let mut e = Block::new(svg::marked(&env.element), Style::Environment);
        if !env.stacks.is_empty() {
            e = e.child(
                Block::new("stacks", Style::Group)
                    .row()
                    .children(env.stacks.iter().map(|s| Block::leaf(s, Style::Stack))),
            );
        }
        if !env.requests.is_empty() {
            let paths = env.requests.iter().map(|r| {
                Block::new("", Style::Group)
                    .arrows()
                    .child(Block::new("Internet", Style::Internet))
                    .child(Block::leaf(&r.load_balancer, Style::LoadBalancer))
                    .child(Block::leaf(&r.service, Style::Member))
                    .child(Block::leaf(&r.pods, Style::Workload))
            });
            e = e.child(Block::new("request path", Style::Group).children(paths));
        }
        let mut row = Block::new("", Style::Group).row();
        for v in &env.vpcs {
            let zones = v.zones.iter().map(|z| {
                Block::leaf(&z.element, Style::Zone).children(z.members.iter().map(|m| {
                    let style = if m.label.starts_with("NAT") { Style::NodeGroup } else { Style::Subnet };
                    Block::leaf(m, style)
                }))
            });
            row = row.child(Block::leaf(&v.element, Style::Vpc).dashed(v.referenced).row().children(zones));
        }
        for c in &env.clusters {
            let mut cb = Block::leaf(&c.element, Style::Cluster).dashed(c.referenced);
            if !c.node_groups.is_empty() {
                cb = cb.child(
                    Block::new("node groups", Style::Group)
                        .row()
                        .children(c.node_groups.iter().map(|n| Block::leaf(n, Style::NodeGroup))),
                );
            }
            if !c.workloads.is_empty() {
                let ws = c.workloads.iter().map(|w| {
                    Block::leaf(&w.element, Style::Workload)
                        .children(w.members.iter().map(|m| Block::leaf(m, Style::Member)))
                });
                cb = cb.child(Block::new("workloads", Style::Group).row().children(ws));
            }
            row = row.child(cb);
        }
        let mut side = Block::new("", Style::Group);
        if !env.databases.is_empty() {
            side = side.child(
                Block::new("databases", Style::Group)
                    .children(env.databases.iter().map(|d| Block::leaf(d, Style::Database))),
            );
        }
        if !env.monitoring.is_empty() {
            side = side.child(
                Block::new("monitoring", Style::Group)
                    .children(env.monitoring.iter().map(|d| Block::leaf(d, Style::Monitoring))),
            );
        }
        if !side.is_empty() {
            row = row.child(side);
        }
        if !row.is_empty() {
            e = e.child(row);
        }
        root = root.child(e);
    }
    root
}

/// The platform of a synthesized assembly: its manifest, each stack's template and each
/// cluster's objects (`None` for a template or object that cannot be read: left out).
pub fn from_assembly<'a>(
    manifest: &crate::assembly::Manifest,
    template: impl Fn(&crate::assembly::StackEntry) -> Option<serde_json::Value>,
    object: impl Fn(&crate::assembly::ClusterEntry, &crate::assembly::ObjectEntry) -> Option<serde_json::Value> + 'a,
) -> Platform {
    let mut b = PlatformBuilder::default();
    for e in &manifest.environments {
        b.environment(&e.id, &e.region);
    }
    for s in &manifest.stacks {
        b.stack(&s.environment, &s.id);
        if let Some(t) = template(s) {
            b.template(&s.environment, &t);
        }
    }
    for c in &manifest.clusters {
        b.cluster(&c.id, &c.environment, &c.name);
        for o in &c.objects {
            let body = object(c, o);
            b.object(&c.id, &o.kind, o.namespace.as_deref().unwrap_or(""), &o.name, &o.path, body.as_ref());
        }
    }
    b.build()
}

#[cfg(test)]
mod tests;
