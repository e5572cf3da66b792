//! Identifying an object, and the API resource it is served under.

use kube::core::{ApiResource, GroupVersionKind};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use stackwright_core::assembly::ObjectEntry;

/// Identifies one object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// `v1`, `apps/v1`, …
    pub api_version: String,
    /// `Deployment`, …
    pub kind: String,
    /// The namespace (`None` for cluster-scoped objects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.name`.
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
    /// Which object.
    pub id: ObjectRef,
    /// Construct path of the owner.
    pub path: String,
    /// The object as applied.
    pub body: Json,
}

pub(super) fn api_resource(api_version: &str, kind: &str) -> ApiResource {
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

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
