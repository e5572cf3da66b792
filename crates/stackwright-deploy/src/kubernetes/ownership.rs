//! What this app owns on a cluster: the inventory of the last apply and the owner label;
//! pruning what left the program and deleting everything on destroy.

use std::collections::BTreeSet;
use std::time::Instant;

use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use serde_json::Value as Json;
use stackwright_core::assembly::ClusterEntry;
use stackwright_core::kube::{MANAGED_BY_LABEL, OWNER_LABEL};

use super::object::{ObjectRef, api_resource};
use super::{Applier, FIELD_MANAGER, INVENTORY_LABEL, apply_rank};
use crate::error::{Error, Result};

/// `<app>.<cluster name>`: the value of the owner label.
pub(crate) fn owner(app: &str, cluster: &ClusterEntry) -> String {
    format!("{app}.{}", cluster.name)
}

impl Applier<'_> {
    fn inventory_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            namespace: Some(self.options.inventory_namespace.clone()),
            name: format!("stackwright-inventory-{}", self.owner.to_lowercase()),
        }
    }

    /// The objects of the last successful apply (`None`: never applied).
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`] when the inventory cannot be read or parsed.
    pub async fn read_inventory(&self) -> Result<Option<BTreeSet<ObjectRef>>> {
        let Some(cm) = self.get(&self.inventory_ref()).await? else {
            return Ok(None);
        };
        let text = cm.pointer("/data/objects").and_then(Json::as_str).unwrap_or("[]");
        let list: Vec<ObjectRef> = serde_json::from_str(text).map_err(|e| {
            Error::kube(
                &self.cluster,
                format!(
                    "the inventory (ConfigMap {}) is unreadable: {e}\n  hint: delete that ConfigMap, then deploy again \
                     (the next apply writes it anew; objects that left the program are then not pruned)",
                    self.inventory_ref()
                ),
            )
        })?;
        Ok(Some(list.into_iter().collect()))
    }

    pub(super) async fn write_inventory(&self, objects: BTreeSet<ObjectRef>) -> Result<()> {
        let id = self.inventory_ref();
        let list: Vec<&ObjectRef> = objects.iter().collect();
        let body = serde_json::json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": id.name,
                "namespace": id.namespace,
                "labels": { MANAGED_BY_LABEL: "stackwright", INVENTORY_LABEL: self.owner },
            },
            "data": { "objects": serde_json::to_string(&list).unwrap_or_default() },
        });
        self.api(&id)?
            .patch(&id.name, &PatchParams::apply(FIELD_MANAGER).force(), &Patch::Apply(&body))
            .await
            .map_err(|e| self.err("writing the inventory".into(), e))?;
        Ok(())
    }

    /// Objects of `kinds` that carry our owner label.
    async fn labelled(&self, kinds: &BTreeSet<(String, String, bool)>, read_only: bool) -> Result<BTreeSet<ObjectRef>> {
        let selector = format!("{MANAGED_BY_LABEL}=stackwright,{OWNER_LABEL}={}", self.owner);
        let mut found = BTreeSet::new();
        for (api_version, kind, _namespaced) in kinds {
            let ar = api_resource(api_version, kind);
            let api: Api<DynamicObject> = Api::all_with(self.connection.client()?, &ar);
            let list = match api.list(&ListParams::default().labels(&selector)).await {
                Ok(l) => l,
                // A kind whose CRD is gone has nothing left to prune.
                Err(kube::Error::Api(s)) if s.code == 404 => continue,
                // A diff with a read-only identity lists what it may.
                Err(kube::Error::Api(s)) if s.code == 403 && read_only => continue,
                Err(e) => return Err(self.err(format!("listing {kind} objects"), e)),
            };
            for item in list.items {
                found.insert(ObjectRef {
                    api_version: api_version.clone(),
                    kind: kind.clone(),
                    namespace: item.metadata.namespace.clone(),
                    name: item.metadata.name.clone().unwrap_or_default(),
                });
            }
        }
        Ok(found)
    }

    /// Objects we own that are not in `desired`: from the inventory and the owner label,
    /// dependents first. With `read_only`, kinds the identity may not list are skipped.
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`] when listing a kind fails (other than a kind that is gone).
    pub async fn prune_candidates(
        &self,
        desired: &BTreeSet<ObjectRef>,
        previous: Option<&BTreeSet<ObjectRef>>,
        read_only: bool,
    ) -> Result<Vec<ObjectRef>> {
        let mut kinds: BTreeSet<(String, String, bool)> = BTreeSet::new();
        for o in desired.iter().chain(previous.into_iter().flatten()) {
            kinds.insert((o.api_version.clone(), o.kind.clone(), o.namespace.is_some()));
        }
        let mut candidates: BTreeSet<ObjectRef> =
            previous.into_iter().flatten().filter(|o| !desired.contains(*o)).cloned().collect();
        candidates.extend(self.labelled(&kinds, read_only).await?.into_iter().filter(|o| !desired.contains(o)));
        candidates.remove(&self.inventory_ref());
        let mut list: Vec<ObjectRef> = candidates.into_iter().collect();
        // Dependents first: the reverse of the apply order.
        list.sort_by_key(|o| std::cmp::Reverse(apply_rank(&o.kind)));
        Ok(list)
    }

    /// Deletes the candidates that still carry our owner label. Returns (pruned, kept).
    pub(super) async fn prune(
        &self,
        desired: &BTreeSet<ObjectRef>,
        previous: Option<&BTreeSet<ObjectRef>>,
    ) -> Result<(Vec<ObjectRef>, Vec<ObjectRef>)> {
        let mut pruned = Vec::new();
        let mut kept = Vec::new();
        for id in self.prune_candidates(desired, previous, false).await? {
            let Some(live) = self.get(&id).await? else { continue };
            if !self.owned(&live) {
                self.say(format!("not pruning {id}: it no longer carries {OWNER_LABEL}={}", self.owner));
                kept.push(id);
                continue;
            }
            self.delete(&id).await?;
            self.say(format!("pruned {id} (no longer in the program)"));
            pruned.push(id);
        }
        Ok((pruned, kept))
    }

    pub(super) fn owned(&self, live: &Json) -> bool {
        live.pointer("/metadata/labels").and_then(|l| l.get(OWNER_LABEL)).and_then(Json::as_str)
            == Some(self.owner.as_str())
    }

    /// Deletes everything we own on the cluster (destroy), dependents first, and waits until
    /// it is gone (load balancers release their network interfaces before the VPC goes).
    /// `known` adds the objects of the assembly, should the inventory be lost.
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`] for a request the API server refuses, or an object still there
    /// after [`KubeOptions::ready_timeout`](super::KubeOptions::ready_timeout) (a finalizer).
    pub async fn delete_all(&self, known: &[ObjectRef]) -> Result<Vec<ObjectRef>> {
        let previous = self.read_inventory().await?;
        let mut all = self.prune_candidates(&BTreeSet::new(), previous.as_ref(), false).await?;
        for o in known {
            if !all.contains(o) {
                all.push(o.clone());
            }
        }
        all.sort_by_key(|o| std::cmp::Reverse(apply_rank(&o.kind)));
        let mut deleted = Vec::new();
        for id in &all {
            let Some(live) = self.get(id).await? else { continue };
            if !self.owned(&live) {
                self.say(format!("leaving {id}: it does not carry our owner label"));
                continue;
            }
            self.delete(id).await?;
            self.say(format!("deleting {id}"));
            deleted.push(id.clone());
        }
        let start = Instant::now();
        for id in &deleted {
            while self.get(id).await?.is_some() {
                if start.elapsed() > self.options.ready_timeout {
                    return Err(Error::kube(
                        &self.cluster,
                        format!(
                            "{id} is still there {} s after its delete (a finalizer?)\n  hint: look at its \
                             finalizers and events (`kubectl get -o yaml`), then run destroy again",
                            self.options.ready_timeout.as_secs()
                        ),
                    ));
                }
                tokio::time::sleep(self.options.poll).await;
            }
        }
        self.delete(&self.inventory_ref()).await?;
        Ok(deleted)
    }
}
