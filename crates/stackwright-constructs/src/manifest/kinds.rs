//! The kinds k8s-openapi knows, and parsing a document into its type.

use std::any::TypeId;

use k8s_openapi::api::{
    admissionregistration::v1 as admission, apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch,
    coordination::v1 as coordination, core::v1 as core, discovery::v1 as discovery, networking::v1 as networking,
    node::v1 as node, policy::v1 as policy, rbac::v1 as rbac, scheduling::v1 as scheduling, storage::v1 as storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use k8s_openapi::{NamespaceResourceScope, Resource};
use serde::de::DeserializeOwned;

/// Why a document does not parse into its type: the line in the document (from 1) when known.
pub(super) struct ParseError {
    pub(super) line: Option<u64>,
    pub(super) message: String,
}

/// Parses a document into `K`, only to check it; `Ok(namespaced)`.
type Check = fn(&str) -> Result<bool, ParseError>;

fn check<K: Resource + DeserializeOwned + 'static>(text: &str) -> Result<bool, ParseError> {
    match serde_saphyr::from_str::<K>(text) {
        Ok(_) => Ok(TypeId::of::<K::Scope>() == TypeId::of::<NamespaceResourceScope>()),
        Err(e) => Err(ParseError { line: e.location().map(|l| l.line()), message: e.to_string() }),
    }
}

macro_rules! known_kinds {
    ($($ty:ty),* $(,)?) => {
        /// The check of `api_version` `kind` when k8s-openapi has a type for it.
        pub(super) fn known(api_version: &str, kind: &str) -> Option<Check> {
            $(
                if api_version == <$ty as Resource>::API_VERSION && kind == <$ty as Resource>::KIND {
                    return Some(check::<$ty>);
                }
            )*
            None
        }
    };
}

known_kinds![
    core::ConfigMap,
    core::Endpoints,
    core::LimitRange,
    core::Namespace,
    core::PersistentVolume,
    core::PersistentVolumeClaim,
    core::Pod,
    core::ResourceQuota,
    core::Secret,
    core::Service,
    core::ServiceAccount,
    apps::DaemonSet,
    apps::Deployment,
    apps::ReplicaSet,
    apps::StatefulSet,
    batch::CronJob,
    batch::Job,
    autoscaling::HorizontalPodAutoscaler,
    networking::Ingress,
    networking::IngressClass,
    networking::NetworkPolicy,
    policy::PodDisruptionBudget,
    rbac::ClusterRole,
    rbac::ClusterRoleBinding,
    rbac::Role,
    rbac::RoleBinding,
    admission::MutatingWebhookConfiguration,
    admission::ValidatingWebhookConfiguration,
    admission::ValidatingAdmissionPolicy,
    admission::ValidatingAdmissionPolicyBinding,
    scheduling::PriorityClass,
    storage::CSIDriver,
    storage::StorageClass,
    coordination::Lease,
    discovery::EndpointSlice,
    node::RuntimeClass,
    CustomResourceDefinition,
    APIService,
];

/// Whether `api_version` belongs to Kubernetes itself (an unknown kind there is a version
/// k8s-openapi does not have, not a custom resource). Groups ending in `.k8s.io` are built in,
/// except the SIG projects shipped as CRDs (`*.x-k8s.io`, the Gateway API).
pub(super) fn is_builtin_group(api_version: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    group.is_empty()
        || !group.contains('.')
        || (group.ends_with(".k8s.io") && !group.ends_with(".x-k8s.io") && group != "gateway.networking.k8s.io")
}

#[cfg(test)]
mod tests {
    use super::is_builtin_group;

    #[test]
    fn built_in_groups_and_crd_groups() {
        for builtin in ["v1", "apps/v1", "autoscaling/v2beta2", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"]
        {
            assert!(is_builtin_group(builtin), "{builtin}");
        }
        for custom in ["cert-manager.io/v1", "gateway.networking.k8s.io/v1", "cluster.x-k8s.io/v1beta1"] {
            assert!(!is_builtin_group(custom), "{custom}");
        }
    }
}
