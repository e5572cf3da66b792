//! Drift: what changed behind the program's back. Per stack, CloudFormation's drift detection
//! (`cfn`); per cluster, the objects of the last deploy whose live state differs in the
//! fields the field manager `stackwright` owns (`kubernetes`, `fields`). Read-only: nothing
//! is changed. `drift` exits with status 4 ([`Error::Differences`]) when something drifted.
//!
//! Children, in one direction: `fields` (pure) ◀ `kubernetes`; `cfn` stands alone.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Serialize;
use stackwright_core::assembly::{BindingSource, ClusterEntry};

use crate::error::{Error, Result};
use crate::plan::{self, Assembly};
use crate::progress::style::{self, paint};
use crate::read_only::{Failures, gather};
use crate::runtime::{Failure, Runtime, record_failure, take_errors};

mod cfn;
mod fields;
mod kubernetes;

pub use cfn::{PropertyDrift, ResourceDrift, StackDrift, stack_drift};
pub use fields::{FieldDrift, field_drift};
pub use kubernetes::{ClusterDrift, ObjectDrift};

/// The whole drift report (printed as JSON with `--json`).
#[derive(Debug, Default, Serialize)]
pub struct DriftReport {
    /// The selected stacks, in manifest order.
    pub stacks: Vec<StackDrift>,
    /// The clusters of the selected stacks.
    pub clusters: Vec<ClusterDrift>,
    /// What could not be checked, one line each.
    pub failed: Vec<Failure>,
    /// The errors behind `failed`, taken by [`DriftReport::result`].
    #[serde(skip)]
    pub errors: Vec<Error>,
}

impl DriftReport {
    /// Whether anything drifted (what `drift` exits 4 on).
    #[must_use]
    pub fn drifted(&self) -> bool {
        self.stacks.iter().any(StackDrift::drifted) || self.clusters.iter().any(|c| !c.objects.is_empty())
    }

    /// `Err` with every failure when something could not be checked.
    ///
    /// # Errors
    ///
    /// Every recorded error, as one [`Error::Many`] (or itself when there is one).
    pub fn result(&mut self) -> Result<()> {
        take_errors(&mut self.errors)
    }

    /// The human-readable form: per stack its status and the resources not in sync (with the
    /// properties that differ), per cluster the objects that drifted (with the fields);
    /// coloured when `styled`.
    #[must_use]
    pub fn render_styled(&self, styled: bool) -> String {
        let mut out = String::new();
        for s in &self.stacks {
            let name = paint(style::NAME, &s.stack, styled);
            let head = match s.status.as_str() {
                "NOT_DEPLOYED" => "not deployed (nothing to compare)".to_string(),
                "IN_SYNC" if s.resources.is_empty() => "in sync".to_string(),
                other => {
                    format!("{}, {} resource(s) not in sync", other.to_lowercase().replace('_', " "), s.resources.len())
                }
            };
            out.push_str(&format!("Stack {name} ({}): {head}\n", s.stack_name));
            for r in &s.resources {
                let (sign, colour) = match r.status.as_str() {
                    "DELETED" => ("-", style::REMOVE),
                    "MODIFIED" => ("~", style::MODIFY),
                    _ => ("?", style::NAME),
                };
                let what = format!("{sign} {} ({})", r.logical_id, r.resource_type);
                out.push_str(&format!("  {}", paint(colour, &what, styled)));
                if let Some(p) = &r.path {
                    out.push_str(&format!(" {p}"));
                }
                out.push_str(&format!(": {}\n", r.status.to_lowercase().replace('_', " ")));
                for d in &r.differences {
                    out.push_str(&format!(
                        "      {}: expected {}, actual {} ({})\n",
                        d.property,
                        d.expected,
                        d.actual,
                        d.difference.to_lowercase().replace('_', " ")
                    ));
                }
            }
            for n in &s.notes {
                out.push_str(&format!("  note: {n}\n"));
            }
        }
        for c in &self.clusters {
            let name = paint(style::NAME, &c.cluster, styled);
            let head = if c.objects.is_empty() {
                format!("in sync ({} object(s) checked)", c.checked)
            } else {
                format!("{} of {} object(s) drifted", c.objects.len(), c.checked)
            };
            out.push_str(&format!("Cluster {name}: {head}\n"));
            for o in &c.objects {
                let (sign, colour) = if o.status == "deleted" { ("-", style::REMOVE) } else { ("~", style::MODIFY) };
                out.push_str(&format!(
                    "  {} {}: {}\n",
                    paint(colour, &format!("{sign} {}", o.object), styled),
                    o.path,
                    o.status
                ));
                for f in &o.fields {
                    let live = f.live.as_ref().map_or_else(|| "absent".to_string(), ToString::to_string);
                    let by = f.manager.as_ref().map(|m| format!(" (now owned by {m})")).unwrap_or_default();
                    out.push_str(&format!("      {}: program {}, live {live}{by}\n", f.field, f.program));
                }
            }
            for n in &c.notes {
                out.push_str(&format!("  note: {n}\n"));
            }
        }
        out
    }
}

impl Runtime {
    /// Detects the drift of the stacks matching `patterns` (every stack when none) and of
    /// their clusters' objects. Read-only.
    pub async fn drift(&self, assembly: Arc<Assembly>, patterns: &[String]) -> DriftReport {
        let mut report = DriftReport::default();
        let failures = Failures { failed: &mut report.failed, errors: &mut report.errors };
        let Some(selected) = self.read_only_selection(&assembly, patterns, failures).await else { return report };
        let results = plan::run_dag(
            &selected,
            |_| Vec::new(),
            self.concurrency,
            |id| {
                let (rt, assembly) = (self.clone(), assembly.clone());
                async move { rt.with_engine(&assembly, &id, async |e| stack_drift(e).await).await }
            },
        )
        .await;
        gather(results, &mut report.stacks, Failures { failed: &mut report.failed, errors: &mut report.errors });
        if self.kubernetes {
            let clusters: Vec<_> = assembly.manifest.clusters.iter().filter(|c| selected.contains(&c.stack)).collect();
            if !clusters.is_empty() {
                let needed = stacks_read_for(&assembly, &clusters);
                match self.deployed_outputs(&assembly, &needed).await {
                    Ok(outputs) => {
                        for cluster in clusters {
                            match self.cluster_drift(&assembly, cluster, &outputs).await {
                                Ok(d) => report.clusters.push(d),
                                Err(e) => record_failure(&mut report.failed, &mut report.errors, &cluster.id, e),
                            }
                        }
                    }
                    Err(e) => record_failure(&mut report.failed, &mut report.errors, "outputs", e),
                }
            }
        }
        report
    }
}

/// The stacks whose outputs the clusters' connections and objects read (the clusters' own
/// stacks, the stacks of their late-bound values) and the stacks upstream of those (a stack
/// without resources computes its outputs from its parameters), in the manifest's (deploy)
/// order: not every stack of the assembly, since a read-only role (the pipeline's drift role)
/// may describe no other.
fn stacks_read_for(assembly: &Assembly, clusters: &[&ClusterEntry]) -> Vec<String> {
    let mut needed: BTreeSet<&str> = BTreeSet::new();
    for cluster in clusters {
        needed.insert(&cluster.stack);
        needed.extend(cluster.bindings.iter().filter_map(|b| match &b.source {
            BindingSource::StackOutput { stack, .. } => Some(stack.as_str()),
            BindingSource::Environment { .. } => None,
        }));
    }
    loop {
        let upstream: Vec<&str> = (assembly.manifest.stacks.iter())
            .filter(|s| needed.contains(s.id.as_str()))
            .flat_map(|s| s.dependencies.iter().map(String::as_str))
            .filter(|d| !needed.contains(d))
            .collect();
        if upstream.is_empty() {
            break;
        }
        needed.extend(upstream);
    }
    assembly.manifest.stacks.iter().map(|s| s.id.clone()).filter(|id| needed.contains(id.as_str())).collect()
}
