//! Applying: server-side apply in dependency order, readiness waits, then prune and inventory.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use kube::api::{Patch, PatchParams};
use serde::Serialize;

use super::object::{DesiredObject, ObjectRef};
use super::readiness::{Readiness, needs_wait, readiness};
use super::{Applier, FIELD_MANAGER, apply_rank};
use crate::error::{Error, Result};

/// What an apply did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplyReport {
    /// The cluster's id in the assembly.
    pub cluster: String,
    /// The objects applied, in apply order.
    pub applied: Vec<ObjectRef>,
    /// The objects deleted because they left the program.
    pub pruned: Vec<ObjectRef>,
    /// Objects that would have been pruned but no longer carry our owner label.
    pub kept: Vec<ObjectRef>,
}

impl Applier<'_> {
    /// Applies every object in order, waits for readiness, prunes, records the inventory.
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`] for the first request the API server refuses, an object that fails
    /// or is not ready in time, and an unreadable inventory.
    pub async fn apply(&self, objects: &[DesiredObject]) -> Result<ApplyReport> {
        let mut report = ApplyReport { cluster: self.cluster.clone(), ..Default::default() };
        let previous = self.read_inventory().await?;
        let mut ordered: Vec<&DesiredObject> = objects.iter().collect();
        ordered.sort_by_key(|o| apply_rank(&o.id.kind));
        let params = PatchParams::apply(FIELD_MANAGER).force();
        for o in &ordered {
            self.progress.status(&self.cluster, format!("applying {}", o.id));
            self.api(&o.id)?
                .patch(&o.id.name, &params, &Patch::Apply(&o.body))
                .await
                .map_err(|e| self.err(format!("applying {} ({})", o.id, o.path), e))?;
            self.say(format!("applied {}", o.id));
            report.applied.push(o.id.clone());
            if o.id.kind == "CustomResourceDefinition" && self.options.wait {
                // Objects of the new kind come next: the API must serve it first.
                self.wait_ready(&[o]).await?;
            }
        }
        if self.options.wait {
            let gated: Vec<&DesiredObject> =
                ordered.iter().copied().filter(|o| o.id.kind != "CustomResourceDefinition").collect();
            self.wait_ready(&gated).await?;
        }
        if self.options.prune {
            let desired: BTreeSet<ObjectRef> = objects.iter().map(|o| o.id.clone()).collect();
            let (pruned, kept) = self.prune(&desired, previous.as_ref()).await?;
            report.pruned = pruned;
            report.kept = kept;
        }
        self.write_inventory(objects.iter().map(|o| o.id.clone()).collect()).await?;
        self.progress
            .finish(&self.cluster, format!("{} applied, {} pruned", report.applied.len(), report.pruned.len()));
        Ok(report)
    }

    /// Waits until every object is ready, or the timeout.
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`] when an object fails (a rollout past its deadline, a failed Job),
    /// is not ready within [`KubeOptions::ready_timeout`](super::KubeOptions::ready_timeout), or
    /// cannot be read.
    pub async fn wait_ready(&self, objects: &[&DesiredObject]) -> Result<()> {
        let start = Instant::now();
        let mut pending: Vec<&DesiredObject> =
            objects.iter().copied().filter(|o| needs_wait(&o.id.kind, &o.body)).collect();
        let mut last_status: HashMap<ObjectRef, String> = HashMap::new();
        while !pending.is_empty() {
            let mut still = Vec::new();
            for o in pending {
                let live = self.get(&o.id).await?;
                let state = match &live {
                    Some(l) => readiness(&o.id.kind, l),
                    None => Readiness::Waiting("not found".into()),
                };
                match state {
                    Readiness::Ready => {
                        self.say(format!("{} is ready", o.id));
                    }
                    Readiness::Failed(why) => {
                        return Err(Error::kube(
                            &self.cluster,
                            format!(
                                "{} ({}) failed: {why}\n  hint: look at its pods (`kubectl describe`, `kubectl \
                                 logs`), fix the program or the image, then deploy again",
                                o.id, o.path
                            ),
                        ));
                    }
                    Readiness::Waiting(why) => {
                        if last_status.get(&o.id) != Some(&why) {
                            self.say(format!("waiting for {}: {why}", o.id));
                            last_status.insert(o.id.clone(), why);
                        }
                        still.push(o);
                    }
                }
            }
            pending = still;
            if pending.is_empty() {
                break;
            }
            if start.elapsed() > self.options.ready_timeout {
                let list: Vec<String> = pending
                    .iter()
                    .map(|o| format!("{} ({}): {}", o.id, o.path, last_status.get(&o.id).cloned().unwrap_or_default()))
                    .collect();
                return Err(Error::kube(
                    &self.cluster,
                    format!(
                        "not ready after {} s:\n    {}\n  hint: the objects were applied and may still become ready; \
                         look at their pods and events, then deploy again (or give them more time with --timeout)",
                        self.options.ready_timeout.as_secs(),
                        list.join("\n    ")
                    ),
                ));
            }
            tokio::time::sleep(self.options.poll).await;
        }
        Ok(())
    }
}
