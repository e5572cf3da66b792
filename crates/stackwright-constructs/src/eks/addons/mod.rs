//! The cluster controllers stackwright installs on an EKS cluster: the cluster autoscaler and
//! the AWS Load Balancer Controller, and the hardened controller pod they share; and the NVIDIA
//! device plugin, installed with the first node group on an NVIDIA AMI.
//!
//! An add-on receives an [`AddonContext`] — what it needs to know about the cluster — never the
//! cluster construct itself, so that the cluster depends on its add-ons and not the other way
//! round.

pub(crate) mod cluster_autoscaler;
pub(crate) mod controller_pod;
pub(crate) mod load_balancer_controller;
pub(crate) mod nvidia_device_plugin;

use stackwright_core::{Attr, KubeCluster, Node, Region};

use super::irsa::OidcProvider;
use crate::network::VpcId;
use crate::workload::KubernetesVersion;

/// The images of the controllers stackwright installs. The defaults are upstream release tags;
/// to pin digests, give `repository:tag@sha256:<digest>` references you verified (for example
/// with `crane digest` or `docker buildx imagetools inspect`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ControllerImages {
    /// The cluster autoscaler. Default: the release matching the cluster's Kubernetes minor
    /// (`registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1` for 1.36).
    pub cluster_autoscaler: Option<String>,
    /// The AWS Load Balancer Controller. Default:
    /// `public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0`.
    pub load_balancer_controller: Option<String>,
    /// The webhook certificate generator of the load balancer controller. Default:
    /// `registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9`.
    pub certgen: Option<String>,
    /// The NVIDIA device plugin (installed with the first node group on an NVIDIA AMI).
    /// Default: `nvcr.io/nvidia/k8s-device-plugin:v0.20.0`.
    pub nvidia_device_plugin: Option<String>,
}

crate::internal::setters::setters! { ControllerImages {
    some_into cluster_autoscaler: String,
    some_into load_balancer_controller: String,
    some_into certgen: String,
    some_into nvidia_device_plugin: String,
} }

/// What an add-on needs to know about the cluster it is installed on. `EksCluster` builds it
/// once its control plane, OIDC provider and Kubernetes handle exist.
pub(crate) struct AddonContext<'a> {
    /// The cluster construct's node: add-ons add their constructs below it.
    pub(crate) scope: &'a Node,
    /// The cluster's name.
    pub(crate) cluster_name: &'a str,
    /// The cluster's Kubernetes objects.
    pub(crate) kube: &'a KubeCluster,
    /// The cluster's IAM OIDC provider, which the add-ons' IRSA roles trust.
    pub(crate) oidc: &'a OidcProvider,
    /// The cluster's region.
    pub(crate) region: Region,
    /// The cluster's Kubernetes version (the autoscaler's release follows it).
    pub(crate) version: KubernetesVersion,
    /// The id of the cluster's VPC (the load balancer controller is told it).
    pub(crate) vpc_id: Attr<VpcId>,
}

/// The upstream references the add-ons follow, as recorded in `upstream/`.
#[cfg(test)]
pub(crate) fn upstream(file: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("upstream").join(file);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}
