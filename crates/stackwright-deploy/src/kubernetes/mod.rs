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
//!
//! The [`Applier`] is defined here; its steps live in the private children, which use each
//! other in one direction only: `object` (identity, API resources) is used by `resolve`
//! (late-bound values), `ownership` (inventory, owner label, prune, delete), `apply` (apply in
//! order, then wait with `readiness`) and `diff` (dry-run comparison); `apply` and `diff` use
//! `ownership`. `options`, `connection` and `readiness` use no sibling.

use kube::api::{Api, DeleteParams, DynamicObject};
use serde_json::Value as Json;
pub use stackwright_core::kube::apply_rank;

use crate::error::{Error, Result};
use crate::progress::Progress;

mod apply;
mod connection;
mod diff;
mod object;
mod options;
mod ownership;
mod readiness;
mod resolve;

pub use apply::ApplyReport;
pub use connection::{Connection, Renew, TOKEN_REFRESH};
pub use diff::ObjectDiff;
pub use object::{DesiredObject, ObjectRef, origin};
pub use options::KubeOptions;
pub(crate) use ownership::owner;
pub use readiness::{Readiness, readiness};
pub(crate) use resolve::{binding_values, load_objects};

use object::api_resource;

/// The field manager of every apply.
pub const FIELD_MANAGER: &str = "stackwright";
/// The label that marks an inventory ConfigMap (its value is the owner).
pub const INVENTORY_LABEL: &str = "stackwright.io/inventory-of";

/// Applies, diffs and deletes the objects of one cluster.
pub struct Applier<'a> {
    /// The client, renewed as its token ages.
    pub connection: Connection,
    /// The cluster's id in the assembly (for messages).
    pub cluster: String,
    /// The owner label value (`<app>.<cluster>`).
    pub owner: String,
    /// Timing and policy.
    pub options: &'a KubeOptions,
    /// Where progress goes.
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

    /// The live object (`None` when it does not exist).
    pub(crate) async fn get(&self, id: &ObjectRef) -> Result<Option<Json>> {
        let obj = self.api(id)?.get_opt(&id.name).await.map_err(|e| self.err(format!("cannot read {id}"), e))?;
        Ok(obj.and_then(|o| serde_json::to_value(o).ok()))
    }

    async fn delete(&self, id: &ObjectRef) -> Result<()> {
        match self.api(id)?.delete(&id.name, &DeleteParams::background()).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(e) => Err(self.err(format!("deleting {id}"), e)),
        }
    }
}
