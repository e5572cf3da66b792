//! The constructs stackwright users compose: `Vpc`, `EksCluster`, `NodeGroup`, `EcrRepo`,
//! `FlaskApp`, `Monitoring`, and the IAM and workflow helpers they share. One concept per file.

pub mod iam;
pub mod kubernetes_version;
pub mod workload_cluster;

pub use kubernetes_version::KubernetesVersion;
pub use workload_cluster::WorkloadCluster;
