//! Diff: per stack, the resources a deploy would add, modify, replace or remove — from the
//! templates (offline-able) and, for deployed stacks, from a change set that is created,
//! read and deleted (never executed), which knows about replacements. Kubernetes objects are
//! compared with the cluster through a server-side dry-run apply when it is reachable.

pub mod diagram;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value as Json;
use stackwright_core::assembly::{BindingSource, ImportEntry, MoveEntry};

use crate::cfn::{Broadening, Engine, ResourceChange, complete, render_changes, template_diff};
use crate::error::{Error, Result};
use crate::kubernetes::{self, ObjectDiff, ObjectRef};
use crate::no_resources;
use crate::plan::{self, Assembly};
use crate::progress::style::{self, paint};
use crate::read_only::{Failures, gather};
use crate::runtime::{Failure, Runtime, take_errors};

/// How a stack differs from what is deployed.
#[derive(Debug, Clone, Serialize)]
pub struct StackDiff {
    /// The stack's id in the assembly.
    pub stack: String,
    /// The CloudFormation stack name.
    pub stack_name: String,
    /// `new`, `changed` or `unchanged`.
    pub status: String,
    /// The resource changes, from a change set when the stack is deployed, else from the
    /// templates.
    pub changes: Vec<ResourceChange>,
    /// The IAM statements and security-group rules the changes add.
    #[serde(skip_serializing_if = "Broadening::is_empty")]
    pub broadening: Broadening,
    /// Why the diff is less precise than a change set, or what else differs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The constructs the program declares moved into this stack (from the manifest): shown
    /// as moves, since their resources keep their logical ids and are not replaced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<MoveEntry>,
    /// The cluster upgrade this deploy makes, one line per step in the order it happens
    /// ([`crate::upgrade::upgrade_block`]); empty when no EKS version changes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub upgrade: Vec<String>,
    /// The template as deployed (`None` for a new stack, or when it could not be read): what
    /// the picture of the change compares with ([`diagram`]).
    #[serde(skip)]
    pub before: Option<Json>,
}

/// How a cluster's objects differ from the cluster.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterDiff {
    /// The cluster's id in the assembly.
    pub cluster: String,
    /// Every object of the program (and those a deploy would prune), with what would happen.
    pub objects: Vec<ObjectDiff>,
    /// Why the objects were not compared with the cluster, when they were not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The whole diff (printed as JSON with `--json`, for PR comments).
#[derive(Debug, Default, Serialize)]
pub struct DiffReport {
    /// The selected stacks, in manifest order.
    pub stacks: Vec<StackDiff>,
    /// The clusters of the selected stacks.
    pub clusters: Vec<ClusterDiff>,
    /// What could not be diffed, one line each.
    pub failed: Vec<Failure>,
    /// The picture of the change as Mermaid, with what it adds, changes or removes marked
    /// ([`diagram`]), for the pull-request comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagram: Option<String>,
    /// The errors behind `failed`, taken by [`DiffReport::result`].
    #[serde(skip)]
    pub errors: Vec<Error>,
}

impl DiffReport {
    /// Whether a deploy would change anything (what `diff --fail` exits 4 on).
    #[must_use]
    pub fn has_changes(&self) -> bool {
        self.stacks.iter().any(|s| s.status != "unchanged")
            || self.clusters.iter().any(|c| c.objects.iter().any(|o| o.action != "unchanged"))
    }

    /// `Err` with every failure when something could not be diffed.
    ///
    /// # Errors
    ///
    /// Every recorded error, as one [`Error::Many`] (or itself when there is one).
    pub fn result(&mut self) -> Result<()> {
        take_errors(&mut self.errors)
    }

    /// The human-readable form, without styles.
    #[must_use]
    pub fn render(&self) -> String {
        self.render_styled(false)
    }

    /// The human-readable form: per stack its change set as `deploy` shows it (one line per
    /// change, then the IAM statements and security-group rules added), per cluster the objects
    /// that change; coloured when `styled` (see [`crate::progress::style`]).
    #[must_use]
    pub fn render_styled(&self, styled: bool) -> String {
        let mut out = String::new();
        let mut security = 0;
        for s in &self.stacks {
            let n = s.changes.len();
            let head = match s.status.as_str() {
                "new" => format!("new stack, {n} resource(s)"),
                "unchanged" => "no changes".to_string(),
                _ => format!("{n} change(s)"),
            };
            let name = paint(style::NAME, &s.stack, styled);
            out.push_str(&format!("Stack {name} ({}): {head}\n", s.stack_name));
            for line in &s.upgrade {
                out.push_str(&format!("  {line}\n"));
            }
            for m in &s.moves {
                out.push_str(&format!("{}\n", render_move(&s.stack, m, styled)));
            }
            for line in render_changes(&s.changes, &s.broadening, styled) {
                out.push_str(&format!("{line}\n"));
            }
            security += s.changes.iter().filter(|c| c.security).count();
            for note in &s.notes {
                out.push_str(&format!("  note: {note}\n"));
            }
        }
        for c in &self.clusters {
            let changed: Vec<&ObjectDiff> = c.objects.iter().filter(|o| o.action != "unchanged").collect();
            let name = paint(style::NAME, &c.cluster, styled);
            if c.objects.is_empty() && c.note.is_some() {
                // Not compared: "0 changes" would say the cluster matches, which nobody checked.
                out.push_str(&format!("Cluster {name}: not compared\n"));
            } else {
                out.push_str(&format!("Cluster {name}: {} object change(s)\n", changed.len()));
            }
            for o in changed {
                let (sign, colour) = match o.action.as_str() {
                    "create" => ("+", style::ADD),
                    "delete" => ("-", style::REMOVE),
                    _ => ("~", style::MODIFY),
                };
                out.push_str(&format!("  {}", paint(colour, &format!("{sign} {}", o.object), styled)));
                if let Some(p) = &o.path {
                    out.push_str(&format!(" {p}"));
                }
                if let Some(origin) = &o.origin {
                    out.push_str(&format!(" [{origin}]"));
                }
                out.push('\n');
            }
            if let Some(n) = &c.note {
                out.push_str(&format!("  note: {n}\n"));
            }
        }
        if security > 0 {
            let text =
                format!("{security} change(s) to IAM or security groups ([SECURITY]): review them before deploying");
            out.push_str(&format!("{}\n", paint(style::SECURITY, &text, styled)));
        }
        out
    }
}

impl Runtime {
    /// Diffs the stacks matching `patterns` (every stack when none) and their clusters.
    pub async fn diff(&self, assembly: Arc<Assembly>, patterns: &[String]) -> DiffReport {
        let mut report = DiffReport::default();
        let failures = Failures { failed: &mut report.failed, errors: &mut report.errors };
        let Some(selected) = self.read_only_selection(&assembly, patterns, failures).await else { return report };
        let all: Vec<String> = assembly.manifest.stacks.iter().map(|s| s.id.clone()).collect();
        let outputs = match self.deployed_outputs(&assembly, &all).await {
            Ok(o) => Arc::new(o),
            Err(e) => {
                report.errors.push(e);
                return report;
            }
        };
        let results = plan::run_dag(
            &selected,
            |_| Vec::new(),
            self.concurrency,
            |id| {
                let (rt, assembly, outputs) = (self.clone(), assembly.clone(), outputs.clone());
                async move { rt.diff_stack(&assembly, &id, &outputs).await }
            },
        )
        .await;
        gather(results, &mut report.stacks, Failures { failed: &mut report.failed, errors: &mut report.errors });
        fold_moves(&mut report.stacks);
        if self.kubernetes {
            for cluster in &assembly.manifest.clusters {
                if !selected.contains(&cluster.stack) {
                    continue;
                }
                report.clusters.push(self.diff_cluster(&assembly, cluster, &outputs).await);
            }
        }
        report.diagram = Some(diagram::change_diagram(
            &assembly.manifest,
            |s| assembly.template(s).ok().and_then(|t| serde_json::from_str(&t).ok()),
            |c, o| diagram::read_object(&assembly.dir, c, o),
            &report.stacks,
            &report.clusters,
        ));
        report
    }

    async fn diff_stack(&self, assembly: &Assembly, id: &str, outputs: &plan::Outputs) -> Result<StackDiff> {
        let entry = assembly.stack(id)?;
        let body = assembly.template(entry)?;
        let local: Json = serde_json::from_str(&body)
            .map_err(|e| Error::Stack { stack: id.into(), message: format!("the template is not JSON: {e}") })?;
        if no_resources::has_no_resources(&local) {
            return Ok(StackDiff {
                stack: id.to_string(),
                stack_name: entry.stack_name.clone(),
                status: "unchanged".into(),
                changes: Vec::new(),
                broadening: Broadening::default(),
                moves: Vec::new(),
                upgrade: Vec::new(),
                before: Some(local.clone()),
                notes: vec![
                    "no CloudFormation resources: deploy does not send this stack to CloudFormation (its cluster's \
                     objects are compared below)"
                        .into(),
                ],
            });
        }
        let compared = self.with_engine(assembly, id, async |e| compare(e, outputs, &body, &local).await).await;
        // A preview leaves no spinner behind, whatever its outcome.
        self.progress.clear(id);
        let (mut diff, deployed) = compared?;
        diff.before.clone_from(&deployed);
        mark_imports(&mut diff.changes, &entry.imports);
        diff.broadening = Broadening::of(&diff.changes, deployed.as_ref(), &local);
        let controllers = crate::upgrade::controller_images(assembly, id);
        diff.upgrade = crate::upgrade::upgrade_block(deployed.as_ref(), &local, &controllers);
        Ok(diff)
    }

    async fn diff_cluster(
        &self,
        assembly: &Assembly,
        cluster: &stackwright_core::assembly::ClusterEntry,
        outputs: &plan::Outputs,
    ) -> ClusterDiff {
        let mut diff = ClusterDiff { cluster: cluster.id.clone(), objects: Vec::new(), note: None };
        if !outputs.contains_key(&cluster.stack) {
            diff.objects = cluster
                .objects
                .iter()
                .map(|o| ObjectDiff {
                    object: ObjectRef::from(o),
                    action: "create".into(),
                    path: Some(o.path.clone()),
                    origin: kubernetes::origin(o),
                })
                .collect();
            diff.note = Some(format!("the cluster's stack {} is not deployed yet", cluster.stack));
            return diff;
        }
        let attempt = async {
            let values = kubernetes::binding_values(cluster, outputs, &*self.env)?;
            let objects = kubernetes::load_objects(assembly, cluster, &values)?;
            let access = self.cluster_access(assembly, cluster, outputs).await?;
            self.applier(assembly, cluster, &access).await?.diff(&objects).await
        };
        match attempt.await {
            Ok(objects) => diff.objects = objects,
            Err(e) => {
                let env_missing =
                    cluster.bindings.iter().any(|b| matches!(b.source, BindingSource::Environment { .. }));
                diff.note = Some(format!(
                    "not compared with the cluster: {e}{}",
                    if env_missing { " (set the environment variables the manifests use)" } else { "" }
                ));
            }
        }
        diff
    }
}

/// A resource the program imports is adopted, not created: the preview (an ordinary change
/// set, or the templates) lists it as an addition, shown as an import.
fn mark_imports(changes: &mut [ResourceChange], imports: &[ImportEntry]) {
    for c in changes {
        if c.action == "Add" && imports.iter().any(|i| i.logical_id == c.logical_id) {
            c.action = "Import".into();
        }
    }
}

/// A move across stacks is not an addition to one stack and a removal from the other: the
/// destination's `Add` and the source's `Remove` of each moved logical id are dropped (the
/// destination shows the move line, the source a note), since `deploy` moves the resources by
/// stack refactoring before it updates either stack.
fn fold_moves(stacks: &mut [StackDiff]) {
    let moves: Vec<(String, MoveEntry)> = stacks
        .iter()
        .flat_map(|s| s.moves.iter().filter(|m| m.across_stacks(&s.stack)).map(|m| (s.stack.clone(), m.clone())))
        .collect();
    for (to, m) in moves {
        for s in stacks.iter_mut() {
            let (action, is_end) = if s.stack == to {
                ("Add", true)
            } else if s.stack == m.from_stack {
                ("Remove", false)
            } else {
                continue;
            };
            let before = s.changes.len();
            s.changes.retain(|c| !(c.action == action && m.logical_ids.contains(&c.logical_id)));
            if !is_end && s.changes.len() < before {
                s.notes.push(format!(
                    "{} move(s) to {to} by stack refactoring, not removed: {}",
                    m.logical_ids.len(),
                    m.to
                ));
            }
        }
    }
}

/// One declared move, as a diff line: inside the stack nothing is deployed for it; across
/// stacks the runtime moves the resources with CloudFormation stack refactoring.
fn render_move(stack: &str, m: &MoveEntry, styled: bool) -> String {
    let ids = m.logical_ids.join(", ");
    let how = if m.across_stacks(stack) {
        format!("{ids}: moved from stack {} by stack refactoring, not replaced", m.from_stack)
    } else {
        format!("{ids}: same logical id, not replaced")
    };
    let line = format!("> moved: {} → {}", m.from, m.to);
    format!("  {} ({how})", paint(style::MODIFY, &line, styled))
}

/// How one stack differs: from a change set (created, read and deleted) when the stack is
/// deployed and can take one, else from the templates; with the deployed template (`None` for
/// a new stack), from which the statements and rules added are read.
async fn compare(
    e: &Engine<'_>,
    outputs: &plan::Outputs,
    body: &str,
    local: &Json,
) -> Result<(StackDiff, Option<Json>)> {
    let entry = e.entry;
    let mut diff = StackDiff {
        stack: entry.id.clone(),
        stack_name: entry.stack_name.clone(),
        status: "changed".into(),
        changes: Vec::new(),
        broadening: Broadening::default(),
        notes: Vec::new(),
        moves: entry.moves.clone(),
        upgrade: Vec::new(),
        before: None,
    };
    let info = match e.describe(&entry.stack_name).await? {
        Some(i) if i.status != "REVIEW_IN_PROGRESS" => i,
        _ => {
            diff.status = "new".into();
            diff.changes = template_diff(entry, None, local);
            return Ok((diff, None));
        }
    };
    let deployed = e.deployed_template(&info.stack_id).await?;
    let by_template = template_diff(entry, deployed.as_ref(), local);
    let parameters: BTreeMap<String, String> = match plan::parameters(entry, outputs) {
        Ok(p) => p.into_iter().collect(),
        Err(err) => {
            diff.notes.push(format!("no change set: {err}"));
            diff.changes = by_template;
            return Ok((diff, deployed));
        }
    };
    let tags: BTreeMap<String, String> = entry.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let same_template = deployed.as_ref() == Some(local);
    if same_template && info.parameters == parameters && info.tags == tags {
        diff.status = "unchanged".into();
        return Ok((diff, deployed));
    }
    if info.in_progress() || !info.status.ends_with("_COMPLETE") {
        diff.notes.push(format!("the stack is {}: diffed against its template only", info.status));
        diff.changes = by_template;
        return Ok((diff, deployed));
    }
    match e.create_change_set(Some(&info), body, &parameters).await? {
        None => {
            diff.status = if by_template.is_empty() { "unchanged".into() } else { "changed".into() };
            diff.notes.push("the change set is empty: only outputs, metadata or parameters differ".into());
        }
        Some((change_set, mut changes)) => {
            e.delete_change_set(&change_set).await;
            complete(&mut changes, &by_template);
            if info.parameters != parameters {
                diff.notes.push("parameters from other stacks' outputs change".into());
            }
            diff.changes = changes;
        }
    }
    Ok((diff, deployed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfn::ResourceChange;

    #[test]
    fn a_move_across_stacks_is_no_addition_and_no_removal() {
        let change = |action: &str, id: &str| ResourceChange {
            action: action.into(),
            logical_id: id.into(),
            resource_type: "AWS::Route53::HostedZone".into(),
            path: None,
            replacement: None,
            properties: vec![],
            security: false,
            overridden: vec![],
        };
        let stack = |id: &str, changes: Vec<ResourceChange>, moves: Vec<MoveEntry>| StackDiff {
            stack: id.into(),
            stack_name: format!("app-{id}"),
            status: "changed".into(),
            changes,
            broadening: Broadening::default(),
            notes: vec![],
            moves,
            upgrade: vec![],
            before: None,
        };
        let zone = MoveEntry {
            from: "prod/network/Zone".into(),
            to: "prod/dns/Zone".into(),
            from_stack: "prod-network".into(),
            logical_ids: vec!["Zone".into()],
        };
        let mut stacks = vec![
            stack("prod-network", vec![change("Remove", "Zone"), change("Remove", "Old")], vec![]),
            stack("prod-dns", vec![change("Add", "Zone"), change("Add", "Records")], vec![zone]),
        ];
        fold_moves(&mut stacks);
        let ids = |s: &StackDiff| s.changes.iter().map(|c| c.logical_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&stacks[0]), ["Old"]);
        assert_eq!(ids(&stacks[1]), ["Records"]);
        assert_eq!(stacks[0].notes, ["1 move(s) to prod-dns by stack refactoring, not removed: prod/dns/Zone"]);
        let import = ImportEntry {
            logical_id: "Records".into(),
            resource_type: "AWS::Route53::HostedZone".into(),
            identifier: [("Id".to_string(), "Z1".to_string())].into_iter().collect(),
            path: "prod/dns/Records".into(),
        };
        mark_imports(&mut stacks[1].changes, &[import]);
        assert_eq!(stacks[1].changes[0].action, "Import");
        assert!(stacks[1].changes[0].line().starts_with("< Records"), "{}", stacks[1].changes[0].line());
        let text = DiffReport { stacks, ..Default::default() }.render();
        assert!(text.contains("> moved: prod/network/Zone → prod/dns/Zone (Zone: moved from stack prod-network by stack refactoring, not replaced)"), "{text}");
    }

    #[test]
    fn a_cluster_not_compared_is_not_reported_as_unchanged() {
        let report = DiffReport {
            clusters: vec![ClusterDiff {
                cluster: "prod-platform".into(),
                objects: vec![],
                note: Some("not compared with the cluster: it cannot be reached".into()),
            }],
            ..DiffReport::default()
        };
        let text = report.render_styled(false);
        assert!(text.contains("Cluster prod-platform: not compared\n  note: not compared with the cluster"), "{text}");
        assert!(!text.contains("0 object change(s)"), "{text}");
    }

    #[test]
    fn the_rendered_diff_says_where_a_changed_value_came_from() {
        let object = |name: &str| ObjectRef {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: name.into(),
        };
        let report = DiffReport {
            stacks: vec![StackDiff {
                stack: "prod-cluster".into(),
                stack_name: "shop-prod-cluster".into(),
                status: "changed".into(),
                changes: vec![ResourceChange {
                    action: "Modify".into(),
                    logical_id: "ClusterLogs".into(),
                    resource_type: "AWS::Logs::LogGroup".into(),
                    path: Some("prod/cluster/Cluster/Logs".into()),
                    replacement: Some("False".into()),
                    properties: vec!["RetentionInDays".into()],
                    security: false,
                    overridden: vec!["RetentionInDays".into()],
                }],
                broadening: Broadening::default(),
                notes: vec![],
                moves: vec![MoveEntry {
                    from: "prod/cluster/Logs".into(),
                    to: "prod/cluster/Cluster/Logs".into(),
                    from_stack: "prod-cluster".into(),
                    logical_ids: vec!["Logs".into()],
                }],
                upgrade: vec![
                    "upgrade, in the order the deploy makes it happen:".into(),
                    "  1. control plane Cluster: 1.35 → 1.36".into(),
                ],
                before: None,
            }],
            clusters: vec![ClusterDiff {
                cluster: "prod-shop".into(),
                objects: vec![
                    ObjectDiff {
                        object: object("worker"),
                        action: "update".into(),
                        path: Some("prod/cluster/Cluster/Shop/Worker".into()),
                        origin: Some("patched by prod/cluster: replace /spec/replicas".into()),
                    },
                    ObjectDiff { object: object("api"), action: "update".into(), path: None, origin: None },
                ],
                note: None,
            }],
            ..Default::default()
        };
        let text = report.render_styled(false);
        assert!(
            text.contains(
                "~ ClusterLogs (AWS::Logs::LogGroup) prod/cluster/Cluster/Logs (RetentionInDays) [override: RetentionInDays]"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "~ Deployment shop/worker prod/cluster/Cluster/Shop/Worker [patched by prod/cluster: replace /spec/replicas]"
            ),
            "{text}"
        );
        assert!(text.contains("~ Deployment shop/api\n"), "{text}");
        // The upgrade block right below the stack's line, before its changes.
        assert!(
            text.contains(
                "Stack prod-cluster (shop-prod-cluster): 1 change(s)\n  upgrade, in the order the deploy makes it happen:\n    1. control plane Cluster: 1.35 → 1.36\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "  > moved: prod/cluster/Logs → prod/cluster/Cluster/Logs (Logs: same logical id, not replaced)\n"
            ),
            "{text}"
        );
    }
}
