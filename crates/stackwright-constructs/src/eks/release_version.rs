//! The pinned AMI release of a managed node group (`ReleaseVersion`): an EKS optimized AMI
//! release is `<kubernetes major.minor.patch>-<YYYYMMDD>`, and only releases of the cluster's
//! minor can run in the group — a pin left behind by a control-plane upgrade would make the
//! node group update fail halfway through the stack update, so synth refuses it.

use stackwright_core::Problems;

use crate::workload::KubernetesVersion;

/// Records the problem of `release` for a group of a cluster at `version`.
pub(crate) fn check(problems: &mut Problems, release: &str, version: KubernetesVersion) {
    let Some((kubernetes, date)) = release.split_once('-') else {
        problems.push(
            format!("release_version '{release}' is not an EKS AMI release (<major>.<minor>.<patch>-<YYYYMMDD>)"),
            release_hint(version),
        );
        return;
    };
    let parts: Vec<&str> = kubernetes.split('.').collect();
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(|p| numeric(p)) || date.len() != 8 || !numeric(date) {
        problems.push(
            format!("release_version '{release}' is not an EKS AMI release (<major>.<minor>.<patch>-<YYYYMMDD>)"),
            release_hint(version),
        );
        return;
    }
    let minor = format!("{}.{}", parts[0], parts[1]);
    if minor != version.as_str() {
        problems.push(
            format!(
                "release_version {release} is an AMI release for Kubernetes {minor}, but the cluster runs {version}: \
                 the node group update would fail"
            ),
            format!("{} — or remove release_version to take the newest release for {version}", release_hint(version)),
        );
    }
}

/// Where to find the newest release of the cluster's minor.
fn release_hint(version: KubernetesVersion) -> String {
    format!(
        "pin a release for Kubernetes {version}: `aws ssm get-parameter --name \
         /aws/service/eks/optimized-ami/{version}/amazon-linux-2023/x86_64/standard/recommended/release_version \
         --query Parameter.Value --output text`"
    )
}
