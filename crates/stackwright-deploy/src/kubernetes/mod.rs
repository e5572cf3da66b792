//! The Kubernetes applier: resolve late-bound values, apply with server-side apply (field
//! manager `stackwright`) in dependency order, wait for readiness, prune what left the program.
//!
//! Ownership: synth labels every object `app.kubernetes.io/managed-by=stackwright` and
//! `stackwright.io/owner=<app>.<cluster>`. The applier also keeps an **inventory** in the
//! cluster: a ConfigMap `stackwright-inventory-<app>.<cluster>` (namespace `kube-system` by
//! default) listing every object of the last successful apply. An object is pruned when it is
//! in the inventory or carries our owner label, is not in the program any more, *and* still
//! carries our owner label when looked at (an object someone relabelled is left alone and
//! reported).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use stackwright_core::assembly::{BindingSource, ClusterEntry, ObjectEntry};
pub use stackwright_core::kube::apply_rank;
use stackwright_core::kube::{MANAGED_BY_LABEL, OWNER_LABEL};

use crate::error::{Error, Result};
use crate::plan::{Assembly, Outputs};
use crate::progress::Progress;

mod readiness;

use readiness::needs_wait;
pub use readiness::{Readiness, readiness};

/// The field manager of every apply.
pub const FIELD_MANAGER: &str = "stackwright";
/// The label that marks an inventory ConfigMap (its value is the owner).
pub const INVENTORY_LABEL: &str = "stackwright.io/inventory-of";

/// Timing and policy of the applier.
#[derive(Debug, Clone)]
pub struct KubeOptions {
    /// How long readiness (rollouts, Jobs, CRDs, load balancers) may take, for all objects together.
    pub ready_timeout: Duration,
    pub poll: Duration,
    /// Where the inventory ConfigMap lives.
    pub inventory_namespace: String,
    /// Delete objects that left the program.
    pub prune: bool,
    /// Wait for readiness after applying.
    pub wait: bool,
}

impl Default for KubeOptions {
    fn default() -> Self {
        KubeOptions {
            ready_timeout: Duration::from_secs(600),
            poll: Duration::from_secs(2),
            inventory_namespace: "kube-system".into(),
            prune: true,
            wait: true,
        }
    }
}

/// Identifies one object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

impl From<&ObjectEntry> for ObjectRef {
    fn from(entry: &ObjectEntry) -> ObjectRef {
        ObjectRef {
            api_version: entry.api_version.clone(),
            kind: entry.kind.clone(),
            namespace: entry.namespace.clone(),
            name: entry.name.clone(),
        }
    }
}

/// An object to apply, placeholders resolved.
#[derive(Debug, Clone)]
pub struct DesiredObject {
    pub id: ObjectRef,
    /// Construct path of the owner.
    pub path: String,
    pub body: Json,
}

/// `<app>.<cluster name>`: the value of the owner label.
pub fn owner(app: &str, cluster: &ClusterEntry) -> String {
    format!("{app}.{}", cluster.name)
}

/// Values of the cluster's placeholders, from stack outputs and the environment.
pub fn binding_values(
    cluster: &ClusterEntry,
    outputs: &Outputs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>> {
    let mut values = BTreeMap::new();
    let mut missing = Vec::new();
    for b in &cluster.bindings {
        let value = match &b.source {
            BindingSource::StackOutput { stack, output } => outputs
                .get(stack)
                .and_then(|o| o.get(output))
                .cloned()
                .ok_or_else(|| format!("{}: output {output} of stack {stack}", b.placeholder)),
            BindingSource::Environment { variable } => {
                env(variable).ok_or_else(|| format!("{}: environment variable {variable} is not set", b.placeholder))
            }
        };
        match value {
            Ok(v) => {
                values.insert(b.placeholder.clone(), v);
            }
            Err(m) => missing.push(m),
        }
    }
    if missing.is_empty() {
        Ok(values)
    } else {
        Err(Error::kube(&cluster.id, format!("late-bound values are missing:\n    {}", missing.join("\n    "))))
    }
}

/// Replaces every placeholder in every string of `value`.
pub fn substitute(value: &mut Json, values: &BTreeMap<String, String>) {
    match value {
        Json::String(s) if s.contains("((stackwright:") => {
            for (placeholder, v) in values {
                if s.contains(placeholder.as_str()) {
                    *s = s.replace(placeholder.as_str(), v);
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| substitute(i, values)),
        Json::Object(map) => map.values_mut().for_each(|v| substitute(v, values)),
        _ => {}
    }
}

fn leftover_placeholder(value: &Json) -> Option<String> {
    match value {
        Json::String(s) if s.contains("((stackwright:") => Some(s.clone()),
        Json::Array(items) => items.iter().find_map(leftover_placeholder),
        Json::Object(map) => map.values().find_map(leftover_placeholder),
        _ => None,
    }
}

/// Reads the cluster's objects from the assembly and resolves their placeholders.
pub fn load_objects(
    assembly: &Assembly,
    cluster: &ClusterEntry,
    values: &BTreeMap<String, String>,
) -> Result<Vec<DesiredObject>> {
    let mut objects = Vec::new();
    for entry in &cluster.objects {
        let path = assembly.dir.join(&cluster.directory).join(&entry.file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))?;
        let mut body: Json = serde_saphyr::from_str(&text)
            .map_err(|e| Error::usage(format!("{} is not a Kubernetes object: {e}", path.display())))?;
        substitute(&mut body, values);
        if let Some(s) = leftover_placeholder(&body) {
            return Err(Error::kube(
                &cluster.id,
                format!("{} still holds a placeholder the assembly does not bind: {s}", path.display()),
            ));
        }
        objects.push(DesiredObject { id: ObjectRef::from(entry), path: entry.path.clone(), body });
    }
    Ok(objects)
}

fn api_resource(api_version: &str, kind: &str) -> ApiResource {
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind))
}

/// What an apply did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplyReport {
    pub cluster: String,
    pub applied: Vec<ObjectRef>,
    pub pruned: Vec<ObjectRef>,
    /// Objects that would have been pruned but no longer carry our owner label.
    pub kept: Vec<ObjectRef>,
}

/// How one object differs from the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectDiff {
    pub object: ObjectRef,
    /// `create`, `update`, `unchanged` or `delete`.
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// EKS tokens live about 15 minutes: a client older than this is rebuilt with a new token.
pub const TOKEN_REFRESH: Duration = Duration::from_secs(600);

/// Builds a client with a fresh token.
pub type Renew = Arc<dyn Fn() -> Result<kube::Client> + Send + Sync>;

/// A Kubernetes client that renews itself (a new EKS token) before the token expires.
pub struct Connection {
    current: Mutex<(kube::Client, Instant)>,
    renew: Option<Renew>,
}

impl Connection {
    /// A client used as it is (a token that does not expire, tests).
    pub fn fixed(client: kube::Client) -> Connection {
        Connection { current: Mutex::new((client, Instant::now())), renew: None }
    }

    /// A client rebuilt by `renew` every [`TOKEN_REFRESH`].
    pub fn renewing(renew: Renew) -> Result<Connection> {
        let client = renew()?;
        Ok(Connection { current: Mutex::new((client, Instant::now())), renew: Some(renew) })
    }

    /// The client to use now.
    pub fn client(&self) -> Result<kube::Client> {
        let mut current = self.current.lock().map_err(|_| Error::usage("internal: poisoned lock"))?;
        if let Some(renew) = &self.renew
            && current.1.elapsed() > TOKEN_REFRESH
        {
            *current = (renew()?, Instant::now());
        }
        Ok(current.0.clone())
    }
}

/// Applies, diffs and deletes the objects of one cluster.
pub struct Applier<'a> {
    pub connection: Connection,
    pub cluster: String,
    /// The owner label value (`<app>.<cluster>`).
    pub owner: String,
    pub options: &'a KubeOptions,
    pub progress: &'a Progress,
}

impl Applier<'_> {
    fn api(&self, id: &ObjectRef) -> Result<Api<DynamicObject>> {
        let ar = api_resource(&id.api_version, &id.kind);
        let client = self.connection.client()?;
        Ok(match &id.namespace {
            Some(ns) => Api::namespaced_with(client, ns, &ar),
            None => Api::all_with(client, &ar),
        })
    }

    fn err(&self, what: String, e: kube::Error) -> Error {
        let detail = match &e {
            kube::Error::Api(s) => format!("{} (HTTP {}, {})", s.message, s.code, s.reason),
            other => {
                let mut text = other.to_string();
                let mut source = std::error::Error::source(other);
                while let Some(e) = source {
                    let more = e.to_string();
                    if !text.contains(&more) {
                        text.push_str(": ");
                        text.push_str(&more);
                    }
                    source = e.source();
                }
                text
            }
        };
        Error::kube(&self.cluster, format!("{what}: {detail}"))
    }

    fn say(&self, text: impl AsRef<str>) {
        self.progress.line(format!("{}: {}", self.cluster, text.as_ref()));
    }

    async fn get(&self, id: &ObjectRef) -> Result<Option<Json>> {
        let obj = self.api(id)?.get_opt(&id.name).await.map_err(|e| self.err(format!("cannot read {id}"), e))?;
        Ok(obj.and_then(|o| serde_json::to_value(o).ok()))
    }

    /// Applies every object in order, waits for readiness, prunes, records the inventory.
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
                        return Err(Error::kube(&self.cluster, format!("{} ({}) failed: {why}", o.id, o.path)));
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
                    format!("not ready after {} s:\n    {}", self.options.ready_timeout.as_secs(), list.join("\n    ")),
                ));
            }
            tokio::time::sleep(self.options.poll).await;
        }
        Ok(())
    }

    fn inventory_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            namespace: Some(self.options.inventory_namespace.clone()),
            name: format!("stackwright-inventory-{}", self.owner.to_lowercase()),
        }
    }

    /// The objects of the last successful apply (`None`: never applied).
    pub async fn read_inventory(&self) -> Result<Option<BTreeSet<ObjectRef>>> {
        let Some(cm) = self.get(&self.inventory_ref()).await? else {
            return Ok(None);
        };
        let text = cm.pointer("/data/objects").and_then(Json::as_str).unwrap_or("[]");
        let list: Vec<ObjectRef> = serde_json::from_str(text)
            .map_err(|e| Error::kube(&self.cluster, format!("the inventory is unreadable: {e}")))?;
        Ok(Some(list.into_iter().collect()))
    }

    async fn write_inventory(&self, objects: BTreeSet<ObjectRef>) -> Result<()> {
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

    /// Objects we own that are not in `desired`: from the inventory and the owner label.
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
    async fn prune(
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

    fn owned(&self, live: &Json) -> bool {
        live.pointer("/metadata/labels").and_then(|l| l.get(OWNER_LABEL)).and_then(Json::as_str)
            == Some(self.owner.as_str())
    }

    async fn delete(&self, id: &ObjectRef) -> Result<()> {
        match self.api(id)?.delete(&id.name, &DeleteParams::background()).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(e) => Err(self.err(format!("deleting {id}"), e)),
        }
    }

    /// Deletes everything we own on the cluster (destroy), dependents first, and waits until
    /// it is gone (load balancers release their network interfaces before the VPC goes).
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
                            "{id} is still there {} s after its delete (a finalizer?)",
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

    /// Compares the objects with the cluster through a server-side dry-run apply.
    pub async fn diff(&self, objects: &[DesiredObject]) -> Result<Vec<ObjectDiff>> {
        let mut diffs = Vec::new();
        let params = PatchParams::apply(FIELD_MANAGER).force().dry_run();
        for o in objects {
            // A read-only identity (EKS view policy) may not read Secrets: "unknown".
            let live = match self.api(&o.id)?.get_opt(&o.id.name).await {
                Ok(live) => live.and_then(|l| serde_json::to_value(l).ok()),
                Err(kube::Error::Api(s)) if s.code == 403 => {
                    diffs.push(ObjectDiff {
                        object: o.id.clone(),
                        action: "unknown".into(),
                        path: Some(o.path.clone()),
                    });
                    continue;
                }
                Err(e) => return Err(self.err(format!("cannot read {}", o.id), e)),
            };
            let action = match live {
                None => "create",
                Some(live) => match self.api(&o.id)?.patch(&o.id.name, &params, &Patch::Apply(&o.body)).await {
                    Ok(dry) => {
                        let dry = serde_json::to_value(dry).unwrap_or_default();
                        if normalized(&dry) == normalized(&live) { "unchanged" } else { "update" }
                    }
                    // A dry run needs the rights of the write: without them, compare what the
                    // program sets with what the cluster has (defaults the server adds are
                    // ignored this way, removed fields are not seen).
                    Err(kube::Error::Api(s)) if s.code == 403 => {
                        if is_subset(&o.body, &live) {
                            "unchanged"
                        } else {
                            "update"
                        }
                    }
                    Err(e) => return Err(self.err(format!("dry-run apply of {}", o.id), e)),
                },
            };
            diffs.push(ObjectDiff { object: o.id.clone(), action: action.into(), path: Some(o.path.clone()) });
        }
        let desired: BTreeSet<ObjectRef> = objects.iter().map(|o| o.id.clone()).collect();
        let previous = self.read_inventory().await?;
        for id in self.prune_candidates(&desired, previous.as_ref(), true).await? {
            // Unreadable (forbidden) candidates are left out of a diff.
            if let Ok(Some(live)) = self.get(&id).await
                && self.owned(&live)
            {
                diffs.push(ObjectDiff { object: id, action: "delete".into(), path: None });
            }
        }
        Ok(diffs)
    }
}

/// Whether every field `desired` sets has that value in `live`.
pub fn is_subset(desired: &Json, live: &Json) -> bool {
    match (desired, live) {
        (Json::Object(d), Json::Object(l)) => d.iter().all(|(k, v)| l.get(k).is_some_and(|lv| is_subset(v, lv))),
        (Json::Array(d), Json::Array(l)) => d.len() == l.len() && d.iter().zip(l).all(|(a, b)| is_subset(a, b)),
        (d, l) => d == l,
    }
}

/// An object without what the server changes on every write.
fn normalized(object: &Json) -> Json {
    let mut o = object.clone();
    if let Some(meta) = o.get_mut("metadata").and_then(Json::as_object_mut) {
        for k in ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"] {
            meta.remove(k);
        }
    }
    if let Some(map) = o.as_object_mut() {
        map.remove("status");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subset_comparison_ignores_server_defaults() {
        let desired = json!({"spec": {"replicas": 2, "template": {"containers": [{"name": "web"}]}}});
        let live = json!({"spec": {"replicas": 2, "revisionHistoryLimit": 10, "template": {"containers": [{"name": "web", "imagePullPolicy": "Always"}]}}, "status": {}});
        assert!(is_subset(&desired, &live));
        assert!(!is_subset(&json!({"spec": {"replicas": 3}}), &live));
        assert!(!is_subset(&json!({"spec": {"template": {"containers": [{"name": "web"}, {"name": "side"}]}}}), &live));
    }

    #[test]
    fn placeholders_are_substituted_inside_longer_strings() {
        let mut v = json!({"spec": {"image": "((stackwright:ref:prod/registry/Repo.RepositoryUri)):((stackwright:env:IMAGE_TAG))", "n": 3, "list": ["((stackwright:env:IMAGE_TAG))"]}});
        let values: BTreeMap<String, String> = [
            ("((stackwright:ref:prod/registry/Repo.RepositoryUri))".to_string(), "123.dkr.ecr/app".to_string()),
            ("((stackwright:env:IMAGE_TAG))".to_string(), "v1".to_string()),
        ]
        .into();
        substitute(&mut v, &values);
        assert_eq!(v["spec"]["image"], "123.dkr.ecr/app:v1");
        assert_eq!(v["spec"]["list"][0], "v1");
        assert_eq!(leftover_placeholder(&v), None);
    }

    #[test]
    fn plurals_and_groups() {
        let ar = api_resource("networking.k8s.io/v1", "NetworkPolicy");
        assert_eq!(
            (ar.group.as_str(), ar.version.as_str(), ar.plural.as_str()),
            ("networking.k8s.io", "v1", "networkpolicies")
        );
        let ar = api_resource("v1", "Service");
        assert_eq!((ar.group.as_str(), ar.plural.as_str()), ("", "services"));
        assert_eq!(api_resource("networking.k8s.io/v1", "Ingress").plural, "ingresses");
        assert_eq!(api_resource("monitoring.coreos.com/v1", "ServiceMonitor").plural, "servicemonitors");
    }
}
