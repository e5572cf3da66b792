//! Metadata and label helpers shared by the constructs that write Kubernetes objects.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

/// `ObjectMeta` with a name, an optional namespace and labels.
pub fn meta(name: &str, namespace: Option<&str>, labels: &BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: (!labels.is_empty()).then(|| labels.clone()),
        ..Default::default()
    }
}

/// A map from string pairs.
pub fn string_map<K: Into<String>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> BTreeMap<String, String> {
    pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect()
}

/// A selector matching exactly these labels.
pub fn selector(labels: &BTreeMap<String, String>) -> LabelSelector {
    LabelSelector { match_labels: Some(labels.clone()), ..Default::default() }
}

/// A selector for a namespace by name (the `kubernetes.io/metadata.name` label every namespace
/// carries).
pub fn namespace_selector(namespace: &str) -> LabelSelector {
    selector(&string_map([("kubernetes.io/metadata.name", namespace)]))
}
