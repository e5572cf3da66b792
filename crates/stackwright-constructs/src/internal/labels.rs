//! Label maps and the selectors built from them: the vocabulary every Kubernetes object and
//! NetworkPolicy stackwright writes is made of.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// A map from string pairs.
pub(crate) fn string_map<K: Into<String>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> BTreeMap<String, String> {
    pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect()
}

/// A selector matching exactly these labels.
pub(crate) fn selector(labels: &BTreeMap<String, String>) -> LabelSelector {
    LabelSelector { match_labels: Some(labels.clone()), ..Default::default() }
}

/// A selector for a namespace by name (the `kubernetes.io/metadata.name` label every namespace
/// carries).
pub(crate) fn namespace_selector(namespace: &str) -> LabelSelector {
    selector(&string_map([("kubernetes.io/metadata.name", namespace)]))
}
