//! Metadata and label helpers shared by the constructs that write Kubernetes objects, and the
//! explicitly projected Kubernetes API token their pods mount.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::core::v1::{
    ConfigMapProjection, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath, ObjectFieldSelector,
    ProjectedVolumeSource, ServiceAccountTokenProjection, Volume, VolumeMount, VolumeProjection,
};
use stackwright_core::k8s_openapi::api::rbac::v1::{ClusterRoleBinding, PolicyRule, RoleRef, Subject};
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

// The label vocabulary lives in `internal` (NetworkPolicy builders need it too); re-exported
// here so that everything writing Kubernetes objects finds its helpers in one place.
pub(crate) use crate::internal::labels::{selector, string_map};

/// `ObjectMeta` with a name, an optional namespace and labels.
pub(crate) fn meta(name: &str, namespace: Option<&str>, labels: &BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: (!labels.is_empty()).then(|| labels.clone()),
        ..Default::default()
    }
}

/// An RBAC rule: `verbs` on `resources` of the API `groups` (`""` is the core group), limited to
/// the objects `names` when there are any.
pub(crate) fn policy_rule(groups: &[&str], resources: &[&str], names: &[&str], verbs: &[&str]) -> PolicyRule {
    let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    PolicyRule {
        api_groups: Some(list(groups)),
        resources: Some(list(resources)),
        resource_names: (!names.is_empty()).then(|| list(names)),
        verbs: list(verbs),
        ..Default::default()
    }
}

/// A binding's reference to a `Role` or `ClusterRole` (`kind`) named `name`.
pub(crate) fn role_ref(kind: &str, name: &str) -> RoleRef {
    RoleRef { api_group: Some("rbac.authorization.k8s.io".into()), kind: kind.into(), name: name.into() }
}

/// A binding's subject: the service account `namespace/name`.
pub(crate) fn service_account_subject(name: &str, namespace: &str) -> Subject {
    Subject {
        kind: "ServiceAccount".into(),
        name: name.into(),
        namespace: Some(namespace.into()),
        ..Default::default()
    }
}

/// A ClusterRoleBinding of the ClusterRole `name` to the service account
/// `namespace/service_account`, named like the role.
pub(crate) fn cluster_role_binding(
    name: &str,
    labels: &BTreeMap<String, String>,
    service_account: &str,
    namespace: &str,
) -> ClusterRoleBinding {
    ClusterRoleBinding {
        metadata: meta(name, None, labels),
        role_ref: role_ref("ClusterRole", name),
        subjects: Some(vec![service_account_subject(service_account, namespace)]),
    }
}

/// Where Kubernetes client libraries look for the service-account token, the cluster CA and
/// the namespace.
pub(crate) const TOKEN_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The service-account token, the cluster CA and the namespace, projected where client
/// libraries look for them: what `automountServiceAccountToken: true` would mount, made
/// explicit so that only the pods that call the API carry a token (with a one-hour expiry).
/// Mounted by [`api_token_mount`].
pub(crate) fn api_token_volume() -> Volume {
    Volume {
        name: "kube-api-access".into(),
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(0o444),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        path: "token".into(),
                        expiration_seconds: Some(3607),
                        audience: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![KeyToPath { key: "ca.crt".into(), path: "ca.crt".into(), mode: None }]),
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            path: "namespace".into(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
        }),
        ..Default::default()
    }
}

/// The read-only mount of [`api_token_volume`] at [`TOKEN_DIR`].
pub(crate) fn api_token_mount() -> VolumeMount {
    VolumeMount {
        name: "kube-api-access".into(),
        mount_path: TOKEN_DIR.into(),
        read_only: Some(true),
        ..Default::default()
    }
}
