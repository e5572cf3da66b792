//! A [`Workload`](super::Workload)'s own configuration and API permissions: the ConfigMap of
//! [`WorkloadProps::config`](super::WorkloadProps::config) and the Role of
//! [`WorkloadProps::role_rules`](super::WorkloadProps::role_rules).

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::core::v1::ConfigMap;
use stackwright_core::k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding};
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::options::RoleRule;
use crate::internal::config_hash;
use crate::workload::meta::{role_ref, service_account_subject};

/// The name of the workload's own ConfigMap.
pub(crate) fn config_name(workload: &str) -> String {
    format!("{workload}-config")
}

/// The ConfigMap holding `data` (named [`config_name`] in `metadata`), when there is any.
pub(super) fn config_map(metadata: ObjectMeta, data: &BTreeMap<String, String>) -> Option<ConfigMap> {
    (!data.is_empty()).then(|| ConfigMap { metadata, data: Some(data.clone()), ..Default::default() })
}

/// The pod template's annotation of the configuration's hash: a change of the ConfigMap
/// changes the template, and Kubernetes rolls the pods.
pub(super) fn hash_annotation(data: &BTreeMap<String, String>) -> Option<(String, String)> {
    (!data.is_empty()).then(|| (config_hash::ANNOTATION.to_string(), config_hash::of_map(data)))
}

/// The Role of `rules` and its binding to the service account `name` of `namespace` (both
/// named `name`, with `metadata`), when there are rules.
pub(super) fn role(
    metadata: &ObjectMeta,
    name: &str,
    namespace: &str,
    rules: &[RoleRule],
) -> Option<(Role, RoleBinding)> {
    if rules.is_empty() {
        return None;
    }
    let role = Role { metadata: metadata.clone(), rules: Some(rules.iter().map(policy_rule).collect()) };
    let binding = RoleBinding {
        metadata: metadata.clone(),
        role_ref: role_ref("Role", name),
        subjects: Some(vec![service_account_subject(name, namespace)]),
    };
    Some((role, binding))
}

fn policy_rule(rule: &RoleRule) -> PolicyRule {
    PolicyRule {
        api_groups: Some(rule.api_groups.clone()),
        resources: Some(rule.resources.clone()),
        resource_names: (!rule.resource_names.is_empty()).then(|| rule.resource_names.clone()),
        verbs: rule.verbs.clone(),
        ..Default::default()
    }
}
