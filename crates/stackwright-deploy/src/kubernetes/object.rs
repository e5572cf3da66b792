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
    /// Where the object came from when not from a construct's own code (see [`origin`]).
    pub origin: Option<String>,
}

/// Where an object came from, as its manifest entry records it: the YAML file (and Helm
/// chart) it was included from, and the JSON patches the program applied to it — e.g.
/// `from examples/x.yaml #2 (chart redis 19.6.0); patched by prod/cluster: replace
/// /spec/replicas`. `None` for an object a construct wrote and nobody patched.
#[must_use]
pub fn origin(entry: &ObjectEntry) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(source) = entry.metadata.get("stackwright:source") {
        let text = |k: &str| source.get(k).and_then(Json::as_str);
        let mut s = format!("from {}", text("file").unwrap_or("an included file"));
        if let Some(n) = source.get("document").and_then(Json::as_u64) {
            s.push_str(&format!(" #{n}"));
        }
        match (text("chart"), text("version")) {
            (Some(chart), Some(version)) => s.push_str(&format!(" (chart {chart} {version})")),
            (Some(chart), None) => s.push_str(&format!(" (chart {chart})")),
            _ => {}
        }
        parts.push(s);
    }
    for record in entry.metadata.get("stackwright:patches").and_then(Json::as_array).into_iter().flatten() {
        let by = record.get("by").and_then(Json::as_str).unwrap_or("the program");
        let ops: Vec<String> = record
            .get("patch")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|op| {
                let field = |k: &str| op.get(k).and_then(Json::as_str).unwrap_or("?");
                format!("{} {}", field("op"), field("path"))
            })
            .collect();
        parts.push(format!("patched by {by}: {}", ops.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
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
    fn origin_names_the_included_file_its_chart_and_each_patch() {
        let entry: ObjectEntry = serde_json::from_value(serde_json::json!({
            "file": "07-deployment-shop-worker.yaml", "api_version": "apps/v1", "kind": "Deployment",
            "namespace": "shop", "name": "worker", "path": "prod/cluster/Redis",
            "metadata": {
                "stackwright:source": {"file": "charts/redis.yaml", "chart": "redis", "version": "19.6.0", "document": 2},
                "stackwright:patches": [{"by": "prod/cluster", "patch": [
                    {"op": "replace", "path": "/spec/replicas", "value": 3},
                    {"op": "add", "path": "/metadata/annotations/x", "value": "y"}]}]
            }
        }))
        .unwrap();
        assert_eq!(
            origin(&entry).unwrap(),
            "from charts/redis.yaml #2 (chart redis 19.6.0); patched by prod/cluster: replace /spec/replicas, add /metadata/annotations/x"
        );
        let plain = ObjectEntry { metadata: Default::default(), ..entry };
        assert_eq!(origin(&plain), None);
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
