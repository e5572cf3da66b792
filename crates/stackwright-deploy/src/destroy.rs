//! Destroy: the Kubernetes objects first (so that load balancers release the VPC), then the
//! stacks in reverse dependency order; resources kept by a retain policy are reported.

use std::sync::Arc;

use serde::Serialize;

use crate::deletion_protection;
use crate::error::{Error, Result};
use crate::kubernetes::ObjectRef;
use crate::plan::{self, Assembly, Extend, NodeResult};
use crate::preflight::Plan;
use crate::runtime::{Failure, Runtime, Skipped, record_failure, take_errors};

/// What destroying one stack did.
#[derive(Debug, Clone, Serialize)]
pub struct Destroyed {
    /// The stack's id in the assembly.
    pub stack: String,
    /// The CloudFormation stack name.
    pub stack_name: String,
    /// `false`: there was nothing to delete.
    pub existed: bool,
    /// Resources left in the account by their deletion policy (construct path and type).
    pub retained: Vec<String>,
}

/// The objects deleted from one cluster.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterDeleted {
    /// The cluster's id in the assembly.
    pub cluster: String,
    /// The objects deleted, dependents first.
    pub deleted: Vec<ObjectRef>,
}

/// What a destroy did (printed as JSON with `--json`).
#[derive(Debug, Default, Serialize)]
pub struct DestroyReport {
    /// The clusters whose objects were deleted (before any stack).
    pub clusters: Vec<ClusterDeleted>,
    /// The stacks destroyed, in the order they finished.
    pub stacks: Vec<Destroyed>,
    /// What failed, one line each.
    pub failed: Vec<Failure>,
    /// Stacks not destroyed because a stack depending on them failed.
    pub skipped: Vec<Skipped>,
    /// The errors behind `failed`, taken by [`DestroyReport::result`].
    #[serde(skip)]
    pub errors: Vec<Error>,
}

impl DestroyReport {
    /// `Err` with every failure when something failed.
    ///
    /// # Errors
    ///
    /// Every recorded error, as one [`Error::Many`] (or itself when there is one).
    pub fn result(&mut self) -> Result<()> {
        take_errors(&mut self.errors)
    }

    fn fail(&mut self, target: &str, error: Error) {
        record_failure(&mut self.failed, &mut self.errors, target, error);
    }

    /// The total at the end of a destroy: stacks deleted (and those that did not exist),
    /// Kubernetes objects deleted, resources retained, failures, and the time it took
    /// (`took`). Coloured when `styled`.
    #[must_use]
    pub fn summary(&self, styled: bool, took: std::time::Duration) -> String {
        use crate::progress::style::{self, duration, paint};
        let deleted = self.stacks.iter().filter(|s| s.existed).count();
        let objects: usize = self.clusters.iter().map(|c| c.deleted.len()).sum();
        let retained: usize = self.stacks.iter().map(|s| s.retained.len()).sum();
        let mut total = format!(
            "{deleted} stack(s) destroyed ({} did not exist), {objects} Kubernetes object(s) deleted, \
             {retained} resource(s) retained",
            self.stacks.len() - deleted
        );
        if !self.failed.is_empty() || !self.skipped.is_empty() {
            total.push_str(&format!(", {} failed, {} not destroyed", self.failed.len(), self.skipped.len()));
        }
        total.push_str(&format!(", in {}", duration(took)));
        let colour = if self.failed.is_empty() { style::NAME } else { style::BAD };
        format!("{}\n", paint(colour, &total, styled))
    }
}

/// Resources of a template that outlive their stack (`DeletionPolicy` Retain or Snapshot).
pub(crate) fn retained_resources(assembly: &Assembly, stack: &str) -> Result<Vec<String>> {
    let entry = assembly.stack(stack)?;
    let template: serde_json::Value = serde_json::from_str(&assembly.template(entry)?).unwrap_or_default();
    let mut kept = Vec::new();
    if let Some(resources) = template.get("Resources").and_then(|r| r.as_object()) {
        for (id, r) in resources {
            let policy = r.get("DeletionPolicy").and_then(|p| p.as_str()).unwrap_or("Delete");
            if matches!(policy, "Retain" | "RetainExceptOnCreate" | "Snapshot") {
                let path = entry.resources.get(id).map(|e| e.path.as_str()).unwrap_or(id);
                let kind = r.get("Type").and_then(|t| t.as_str()).unwrap_or("?");
                kept.push(format!("{path} ({id}, {kind}): DeletionPolicy {policy}"));
            }
        }
    }
    Ok(kept)
}

impl Runtime {
    /// Destroys the stacks matching `patterns` (and, unless `exactly`, the stacks that depend
    /// on them), the objects of their clusters first. Confirmation is the caller's job.
    pub async fn destroy(&self, assembly: Arc<Assembly>, patterns: &[String], exactly: bool) -> DestroyReport {
        let mut report = DestroyReport::default();
        let extend = if exactly { Extend::Exactly } else { Extend::Downstream };
        let selected =
            match Plan::offline(assembly.clone(), patterns, extend, false, &|_| None).map(|p| p.stacks().to_vec()) {
                Ok(s) => s,
                Err(e) => {
                    report.fail("selection", e);
                    return report;
                }
            };
        if let Err(e) = self.check_accounts(&assembly, &selected).await {
            report.fail("account", e);
            return report;
        }
        if self.kubernetes {
            for cluster in &assembly.manifest.clusters {
                if !selected.contains(&cluster.stack) {
                    continue;
                }
                match self.delete_cluster_objects(&assembly, cluster).await {
                    Ok(Some(deleted)) => report.clusters.push(deleted),
                    Ok(None) => {}
                    Err(e) => report.fail(&cluster.id, e),
                }
            }
            if !report.errors.is_empty() {
                self.progress.line(
                    "not destroying any stack: the Kubernetes objects could not all be deleted \
                     (their load balancers would keep the VPC from being deleted); fix that, or \
                     rerun with --no-kubernetes to destroy the stacks anyway",
                );
                return report;
            }
        }
        let dependents = |id: &str| -> Vec<String> {
            assembly
                .manifest
                .stacks
                .iter()
                .filter(|s| s.dependencies.iter().any(|d| d == id))
                .map(|s| s.id.clone())
                .collect()
        };
        let results = plan::run_dag(&selected, dependents, self.concurrency, |id| {
            let (rt, assembly) = (self.clone(), assembly.clone());
            async move { rt.destroy_one(&assembly, &id).await }
        })
        .await;
        for (id, r) in results {
            match r {
                NodeResult::Done(d) => report.stacks.push(d),
                NodeResult::Failed(e) => report.fail(&id, e.in_stack(&id)),
                NodeResult::Skipped { because } => {
                    self.progress
                        .line(format!("{id}: not destroyed because {because} failed (destroy again once it is fixed)"));
                    report.skipped.push(Skipped { stack: id, because });
                }
            }
        }
        report
    }

    async fn destroy_one(&self, assembly: &Assembly, id: &str) -> Result<Destroyed> {
        let mut retained = retained_resources(assembly, id)?;
        self.with_engine(assembly, id, async |e| {
            let Some(info) = e.describe(&e.entry.stack_name).await? else {
                e.progress.line(format!("{id}: does not exist; nothing to destroy"));
                return Ok(Destroyed {
                    stack: id.to_string(),
                    stack_name: e.entry.stack_name.clone(),
                    existed: false,
                    retained: Vec::new(),
                });
            };
            if info.termination_protection {
                return Err(Error::Stack {
                    stack: id.to_string(),
                    message: format!(
                        "termination protection is on (production environment); nothing was deleted\n  \
                         hint: if you really mean it, turn it off first: \
                         aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {}",
                        e.entry.stack_name
                    ),
                });
            }
            let mut info = info;
            if info.in_progress() {
                e.progress.line(format!("{id}: is {}; waiting for it first", info.status));
                if let (Some(i), _) = e.wait(&info.stack_id.clone(), None, "the operation in progress").await? {
                    info = i;
                }
            }
            // A stack under review has no template yet (nor any resource).
            let deployed = match info.status.as_str() {
                "REVIEW_IN_PROGRESS" => serde_json::Value::Null,
                _ => e.deployed_template(&info.stack_id).await?.unwrap_or_default(),
            };
            let protected = deletion_protection::protected_instances(&deployed);
            if !protected.is_empty() {
                let production = assembly.environment(&e.entry.environment)?.production;
                if production || !self.lift_deletion_protection {
                    return Err(deletion_protection::refusal(id, &e.entry.stack_name, production, &protected));
                }
                e.progress.line(format!("{id}: lifting deletion protection before deleting (--lift-deletion-protection)"));
                let body = deletion_protection::lifted(&deployed, &protected).to_string();
                e.deploy(&body, &info.parameters, &self.approver).await?;
            }
            e.progress.line(format!("{id}: deleting stack {}", e.entry.stack_name));
            let events = e.delete(&info).await?;
            for ev in events.iter().filter(|ev| ev.status == "DELETE_SKIPPED") {
                let what = ev.path.clone().unwrap_or_else(|| ev.logical_id.clone());
                if !retained.iter().any(|r| r.starts_with(&what)) {
                    retained.push(format!("{what} ({}, {}): DELETE_SKIPPED", ev.logical_id, ev.resource_type));
                }
            }
            for r in &retained {
                e.progress.line(format!("{id}: retained in the account: {r}"));
            }
            for note in deletion_protection::all_instances(&deployed).iter().filter_map(deletion_protection::final_snapshot_note) {
                e.progress.line(format!("{id}: {note}"));
            }
            e.progress.finish(id, "destroyed");
            Ok(Destroyed {
                stack: id.to_string(),
                stack_name: e.entry.stack_name.clone(),
                existed: true,
                retained: retained.clone(),
            })
        })
        .await
    }

    /// Deletes the objects we own on a cluster; `None` when the cluster's stack is gone.
    async fn delete_cluster_objects(
        &self,
        assembly: &Assembly,
        cluster: &stackwright_core::assembly::ClusterEntry,
    ) -> Result<Option<ClusterDeleted>> {
        let outputs = self.deployed_outputs(assembly, std::slice::from_ref(&cluster.stack)).await?;
        if !outputs.contains_key(&cluster.stack) {
            self.progress.line(format!(
                "{}: the cluster's stack {} does not exist; no Kubernetes objects to delete",
                cluster.id, cluster.stack
            ));
            return Ok(None);
        }
        let access = self.cluster_access(assembly, cluster, &outputs).await?;
        let known: Vec<ObjectRef> = cluster.objects.iter().map(ObjectRef::from).collect();
        let deleted = self
            .applier(assembly, cluster, &access)
            .await?
            .delete_all(&known)
            .await
            .map_err(|e| crate::runtime::at_api_server(e, &access))?;
        Ok(Some(ClusterDeleted { cluster: cluster.id.clone(), deleted }))
    }
}
