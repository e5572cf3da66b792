//! Amazon EKS: [`EksCluster`] (control plane, OIDC provider, managed add-ons, access entries),
//! [`NodeGroup`]s, IAM roles for service accounts (IRSA) and EKS Pod Identity, and the cluster
//! controllers stackwright installs (the cluster autoscaler and the AWS Load Balancer
//! Controller, in `addons`).
//!
//! Imports [`crate::workload`] (an `EksCluster` is a [`WorkloadCluster`](crate::WorkloadCluster)),
//! [`crate::network`], [`crate::iam`] and the crate's internals.

pub(crate) mod addon_versions;
pub(crate) mod addons;
mod cluster;
mod irsa;
mod node_group;
mod release_version;

pub use addon_versions::{
    ADDON_TABLE_READ, AddonVersionChoice, AddonVersions, Cell as AddonVersionCell, Source as AddonVersionSource,
    SourceKind as AddonVersionSourceKind, addon_version_cell, addon_version_table, controller_image, minors_listing,
};
pub use addons::ControllerImages;
pub use cluster::{
    ClusterAttributes, ClusterLookup, ClusterName, EksCluster, EksClusterProps, EndpointAccess, ExistingAddons,
    MANAGED_ADDONS, OidcProviderRef, OptionalAddons,
};
pub use irsa::OidcProvider;
pub use node_group::{AmiType, CapacityType, MAX_NODES, NodeGroup, NodeGroupProps, Taint, TaintEffect};

/// The Kubernetes versions a cluster can run. Defined with the workloads (whose manifests and
/// pod security labels depend on it) and re-exported here, where users look for it.
pub use crate::workload::KubernetesVersion;
