//! Kubernetes drift of one cluster: each object of the app's inventory (what the last deploy
//! applied) read from the cluster and compared with the program in the fields the field
//! manager `stackwright` owns ([`super::fields`]).

use serde::Serialize;
use stackwright_core::assembly::ClusterEntry;

use super::fields::{FieldDrift, field_drift};
use crate::error::Result;
use crate::kubernetes::{self, ObjectRef};
use crate::plan::{self, Assembly};
use crate::runtime::Runtime;

/// The drift of one cluster's objects.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterDrift {
    /// The cluster's id in the assembly.
    pub cluster: String,
    /// The objects that drifted.
    pub objects: Vec<ObjectDrift>,
    /// The number of objects of the inventory compared.
    pub checked: usize,
    /// Why objects were not compared, when they were not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One object that drifted.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectDrift {
    /// The object.
    pub object: ObjectRef,
    /// `changed` (fields differ) or `deleted` (the object is gone).
    pub status: String,
    /// The construct path of its owner.
    pub path: String,
    /// For `changed`: the fields that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDrift>,
}

impl Runtime {
    /// Compares the inventory's objects of `cluster` with the program.
    ///
    /// # Errors
    ///
    /// Late-bound values that are missing, manifests that cannot be read, and reads the API
    /// server refuses (including the inventory).
    pub async fn cluster_drift(
        &self,
        assembly: &Assembly,
        cluster: &ClusterEntry,
        outputs: &plan::Outputs,
    ) -> Result<ClusterDrift> {
        let mut drift =
            ClusterDrift { cluster: cluster.id.clone(), objects: Vec::new(), checked: 0, notes: Vec::new() };
        if !outputs.contains_key(&cluster.stack) {
            drift.notes.push(format!("not deployed: the cluster's stack {} does not exist", cluster.stack));
            return Ok(drift);
        }
        let values = kubernetes::binding_values(cluster, outputs, &*self.env)?;
        let objects = kubernetes::load_objects(assembly, cluster, &values)?;
        let access = self.cluster_access(assembly, cluster, outputs).await?;
        let applier = self.applier(assembly, cluster, &access).await?;
        let Some(inventory) = applier.read_inventory().await? else {
            drift.notes.push("not deployed: no inventory, nothing of this app was applied to the cluster".into());
            return Ok(drift);
        };
        let mut left = 0;
        let mut unapplied = 0;
        for o in &objects {
            if !inventory.contains(&o.id) {
                unapplied += 1;
            }
        }
        for id in &inventory {
            let Some(desired) = objects.iter().find(|o| &o.id == id) else {
                left += 1;
                continue;
            };
            drift.checked += 1;
            match applier.get(id).await? {
                None => drift.objects.push(ObjectDrift {
                    object: id.clone(),
                    status: "deleted".into(),
                    path: desired.path.clone(),
                    fields: Vec::new(),
                }),
                Some(live) => {
                    let fields = field_drift(&desired.body, &live);
                    if !fields.is_empty() {
                        drift.objects.push(ObjectDrift {
                            object: id.clone(),
                            status: "changed".into(),
                            path: desired.path.clone(),
                            fields,
                        });
                    }
                }
            }
        }
        if left > 0 {
            drift.notes.push(format!("{left} object(s) of the last deploy left the program: `diff` shows their prune"));
        }
        if unapplied > 0 {
            drift.notes.push(format!("{unapplied} object(s) of the program are not deployed yet: `diff` shows them"));
        }
        Ok(drift)
    }
}
