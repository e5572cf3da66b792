//! A [`Workload`](super::Workload) with volume claims runs as a StatefulSet: one EBS volume
//! per pod, kept across restarts and rescheduling (the EBS CSI driver provisions them).
//! The claims themselves are [`VolumeClaim`]s of the props.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};
use stackwright_core::k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PodSpec, PodTemplateSpec, VolumeMount, VolumeResourceRequirements,
};
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::{Problems, Result};

use super::objects::{Ctx, template_metadata};
use super::pod::digest_exemption;
use super::props::VolumeClaim;
use crate::workload::meta::selector;

/// Records the problems of the claims; `ebs_csi_driver` says whether the cluster can
/// provision them.
pub(super) fn check_claims(problems: &mut Problems, claims: &[VolumeClaim], ebs_csi_driver: bool, cluster: &str) {
    if !claims.is_empty() && !ebs_csi_driver {
        problems.push(
            format!("the workload has volume claims, but cluster '{cluster}' has no EBS CSI driver to provision them"),
            "install the add-on: EksClusterProps::addons(OptionalAddons::default().ebs_csi_driver(true))",
        );
    }
    for (i, claim) in claims.iter().enumerate() {
        if let Some(problem) = stackwright_core::names::dns1123_label_problem(&claim.name) {
            problems.push(
                format!("invalid volume claim name: {problem}"),
                "use a lower-case DNS-1123 label such as 'data'",
            );
        }
        if !claim.mount_path.starts_with('/') || claim.mount_path == "/tmp" {
            problems.push(
                format!("volume claim '{}' is mounted at '{}'", claim.name, claim.mount_path),
                "mount it at an absolute path of its own, such as /var/lib/data",
            );
        }
        if claim.size_gib == 0 {
            problems.push(format!("volume claim '{}' has a size of 0 GiB", claim.name), "give it 1 GiB or more");
        }
        if claims[..i].iter().any(|c| c.name == claim.name) {
            problems.push(format!("volume claim '{}' is listed twice", claim.name), "give each claim its own name");
        }
    }
}

/// The StatefulSet running `pod`, with one volume per claim and pod.
pub(super) fn stateful_set(cx: &Ctx<'_>, mut pod: PodSpec) -> Result<StatefulSet> {
    let p = cx.props;
    if let Some(container) = pod.containers.first_mut() {
        let mounts = container.volume_mounts.get_or_insert_with(Vec::new);
        mounts.extend(p.volume_claims.iter().map(|c| VolumeMount {
            name: c.name.clone(),
            mount_path: c.mount_path.clone(),
            ..Default::default()
        }));
    }
    let claims = p
        .volume_claims
        .iter()
        .map(|c| PersistentVolumeClaim {
            metadata: ObjectMeta { name: Some(c.name.clone()), labels: Some(cx.labels.clone()), ..Default::default() },
            spec: Some(PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                storage_class_name: c.storage_class.clone(),
                resources: Some(VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([("storage".to_string(), Quantity(format!("{}Gi", c.size_gib)))])),
                    limits: None,
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let mut metadata = cx.meta(cx.name);
    metadata.annotations = digest_exemption(&p.container);
    Ok(StatefulSet {
        metadata,
        spec: Some(StatefulSetSpec {
            replicas: if p.autoscaling.is_some() { None } else { Some(p.replicas as i32) },
            selector: selector(&cx.selector_labels),
            service_name: Some(cx.name.to_string()),
            min_ready_seconds: (p.min_ready_seconds > 0).then_some(p.min_ready_seconds as i32),
            revision_history_limit: Some(5),
            template: PodTemplateSpec { metadata: Some(template_metadata(cx)), spec: Some(pod) },
            volume_claim_templates: Some(claims),
            ..Default::default()
        }),
        ..Default::default()
    })
}
