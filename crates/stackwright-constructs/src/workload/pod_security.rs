//! The Pod Security Standards `restricted` profile, as typed building blocks: namespace labels
//! that enforce it, and the pod and container security contexts that satisfy it.
//!
//! Every workload stackwright generates uses these, so that an exception (a log shipper that
//! must read root-owned host files) stands out in code with its reason.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::core::v1::{
    Capabilities, Namespace, PodSecurityContext, SeccompProfile, SecurityContext,
};
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::workload::version::KubernetesVersion;

/// A Pod Security Standards level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PodSecurityLevel {
    Restricted,
    /// `baseline`: known privilege escalations blocked.
    Baseline,
    Privileged,
}

impl PodSecurityLevel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PodSecurityLevel::Restricted => "restricted",
            PodSecurityLevel::Baseline => "baseline",
            PodSecurityLevel::Privileged => "privileged",
        }
    }
}

/// The labels that make the Pod Security admission controller enforce, audit and warn on
/// `level`, pinned to the cluster's version (so that a control-plane upgrade does not change
/// what is admitted before the manifests are reviewed).
pub(crate) fn namespace_labels(level: PodSecurityLevel, version: KubernetesVersion) -> BTreeMap<String, String> {
    let v = format!("v{}", version.as_str());
    let mut labels = BTreeMap::new();
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), level.as_str().to_string());
        labels.insert(format!("pod-security.kubernetes.io/{mode}-version"), v.clone());
    }
    labels
}

/// A namespace enforcing `level`, with `labels` added.
pub(crate) fn namespace(
    name: &str,
    level: PodSecurityLevel,
    version: KubernetesVersion,
    labels: BTreeMap<String, String>,
) -> Namespace {
    let mut all = namespace_labels(level, version);
    all.extend(labels);
    Namespace {
        metadata: ObjectMeta { name: Some(name.to_string()), labels: Some(all), ..Default::default() },
        ..Default::default()
    }
}

/// `RuntimeDefault` seccomp.
pub(crate) fn runtime_default_seccomp() -> SeccompProfile {
    SeccompProfile { type_: "RuntimeDefault".into(), ..Default::default() }
}

/// A pod running as `uid`/`gid` (≥ 10000, so that it never matches a host user), non-root,
/// with `RuntimeDefault` seccomp; volumes are group-owned by `gid`.
pub(crate) fn restricted_pod(uid: i64, gid: i64) -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(uid),
        run_as_group: Some(gid),
        fs_group: Some(gid),
        seccomp_profile: Some(runtime_default_seccomp()),
        ..Default::default()
    }
}

/// A container that cannot gain privileges: non-root `uid`, read-only root filesystem, every
/// capability dropped, no privilege escalation, `RuntimeDefault` seccomp.
pub(crate) fn restricted_container(uid: i64, gid: i64) -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        privileged: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        run_as_user: Some(uid),
        run_as_group: Some(gid),
        capabilities: Some(Capabilities { drop: Some(vec!["ALL".into()]), ..Default::default() }),
        seccomp_profile: Some(runtime_default_seccomp()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_pin_the_cluster_version() {
        let labels = namespace_labels(PodSecurityLevel::Restricted, KubernetesVersion::V1_36);
        assert_eq!(labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert_eq!(labels["pod-security.kubernetes.io/enforce-version"], "v1.36");
        assert_eq!(labels.len(), 6);
    }
}
