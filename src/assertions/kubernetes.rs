//! Queries on a cluster's Kubernetes objects: by kind, namespace and name, their fields
//! matched with the same [`Match`]ers as templates.

use serde_json::Value;
use stackwright_core::assembly::{Assembly, ClusterEntry};

use super::error::AssertionError;
use super::matchers::Match;

/// One cluster's objects, parsed (from [`Assertions::cluster`](super::Assertions::cluster)).
#[derive(Debug, Clone)]
pub struct Cluster {
    id: String,
    objects: Vec<KubeObject>,
}

/// A Kubernetes object of the assembly, as it will be applied (placeholders such as
/// `((stackwright:env:IMAGE_TAG))` still in place).
#[derive(Debug, Clone)]
pub struct KubeObject {
    cluster: String,
    kind: String,
    namespace: Option<String>,
    name: String,
    path: String,
    file: String,
    json: Value,
}

impl Cluster {
    /// Parses every object of `entry`.
    pub(crate) fn parse(assembly: &Assembly, entry: &ClusterEntry) -> Result<Self, AssertionError> {
        let mut objects = Vec::with_capacity(entry.objects.len());
        for object in &entry.objects {
            let file = format!("{}/{}", entry.directory, object.file);
            let unreadable = |message: String| AssertionError::Unreadable { file: file.clone(), message };
            let text = assembly.file(&file).ok_or_else(|| unreadable("listed in the manifest, missing".into()))?;
            let json: Value = serde_saphyr::from_str(text).map_err(|e| unreadable(format!("not YAML: {e}")))?;
            objects.push(KubeObject {
                cluster: entry.id.clone(),
                kind: object.kind.clone(),
                namespace: object.namespace.clone(),
                name: object.name.clone(),
                path: object.path.clone(),
                file,
                json,
            });
        }
        Ok(Cluster { id: entry.id.clone(), objects })
    }

    /// The cluster's id (`<environment>-<name>`).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Every object, in apply order.
    #[must_use]
    pub fn objects(&self) -> &[KubeObject] {
        &self.objects
    }

    /// Every object of `kind` (such as `Deployment`).
    #[must_use]
    pub fn objects_of_kind(&self, kind: &str) -> Vec<&KubeObject> {
        self.objects.iter().filter(|o| o.kind == kind).collect()
    }

    /// The object of `kind` named `name` in `namespace` (`None` for a cluster-scoped kind).
    ///
    /// # Errors
    /// [`AssertionError::NotFound`] listing the objects of that kind (or every object, when
    /// there is none of that kind).
    pub fn object(&self, kind: &str, namespace: Option<&str>, name: &str) -> Result<&KubeObject, AssertionError> {
        if let Some(found) =
            self.objects.iter().find(|o| o.kind == kind && o.namespace.as_deref() == namespace && o.name == name)
        {
            return Ok(found);
        }
        let of_kind = self.objects_of_kind(kind);
        let pool: Vec<&KubeObject> = if of_kind.is_empty() { self.objects.iter().collect() } else { of_kind };
        // Same name first, then same namespace.
        let mut pool: Vec<(u8, String)> = pool
            .into_iter()
            .map(|o| (u8::from(o.name != name) * 2 + u8::from(o.namespace.as_deref() != namespace), o.id()))
            .collect();
        pool.sort();
        let candidates = pool.into_iter().take(10).map(|(_, id)| id).collect();
        Err(AssertionError::NotFound {
            what: format!("{} in cluster {}", object_id(kind, namespace, name), self.id),
            candidates,
        })
    }

    /// The first object of `kind` whose whole object matches `matcher`.
    ///
    /// # Errors
    /// [`AssertionError::NoMatch`] with the (at most three) objects of that kind that came
    /// closest, and what differs in each.
    pub fn has_object(&self, kind: &str, matcher: impl Into<Match>) -> Result<&KubeObject, AssertionError> {
        let matcher = matcher.into();
        let mut closest = Vec::new();
        for object in self.objects_of_kind(kind) {
            let mismatches = matcher.mismatches(Some(&object.json), "");
            if mismatches.is_empty() {
                return Ok(object);
            }
            closest.push(super::error::Candidate { subject: object.subject(), mismatches });
        }
        closest.sort_by_key(|c| c.mismatches.len());
        closest.truncate(3);
        Err(AssertionError::NoMatch {
            what: format!("{kind} in cluster {}", self.id),
            expected: matcher.to_string(),
            closest,
        })
    }

    /// Checks that the cluster has exactly `count` objects of `kind`.
    ///
    /// # Errors
    /// [`AssertionError::Count`] listing the objects found.
    pub fn has_object_count(&self, kind: &str, count: usize) -> Result<(), AssertionError> {
        let found = self.objects_of_kind(kind);
        if found.len() == count {
            return Ok(());
        }
        Err(AssertionError::Count {
            what: format!("{kind} in cluster {}", self.id),
            expected: count,
            found: found.iter().map(|o| o.subject()).collect(),
        })
    }
}

fn object_id(kind: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

impl KubeObject {
    /// `<Kind> <namespace>/<name>` (`<Kind> <name>` when cluster-scoped).
    #[must_use]
    pub fn id(&self) -> String {
        object_id(&self.kind, self.namespace.as_deref(), &self.name)
    }

    /// The object's kind.
    #[must_use]
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The namespace; `None` when cluster-scoped.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// `metadata.name`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The construct path of the object's owner.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The file, relative to the assembly.
    #[must_use]
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The id of the cluster the object is applied to.
    #[must_use]
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// The object, as JSON.
    #[must_use]
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The value at JSON pointer `pointer` (such as `/spec/replicas`).
    #[must_use]
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.json.pointer(pointer)
    }

    /// Checks that the object matches `matcher` (from its root: `apiVersion`, `kind`,
    /// `metadata`, `spec`…).
    ///
    /// # Errors
    /// [`AssertionError::Mismatch`] naming the object, its owner's path and each difference.
    pub fn has_fields(&self, matcher: impl Into<Match>) -> Result<(), AssertionError> {
        let mismatches = matcher.into().mismatches(Some(&self.json), "");
        if mismatches.is_empty() {
            Ok(())
        } else {
            Err(AssertionError::Mismatch { subject: self.subject(), mismatches })
        }
    }

    /// `<Kind> <namespace>/<name> of <path> (cluster <id>)`, as failures name the object.
    #[must_use]
    pub fn subject(&self) -> String {
        format!("{} of {} (cluster {})", self.id(), self.path, self.cluster)
    }
}
