//! The constructs stackwright users compose: `Vpc`, `EksCluster`, `NodeGroup`, `EcrRepo`,
//! `FlaskApp`, `Monitoring`, and the IAM and workflow helpers they share. One concept per file.

mod arn;
pub mod cidr;
pub mod default_security_group;
mod encryption_key;
pub mod github;
pub mod iam;
pub mod kubernetes_version;
pub mod log_group;
mod problems;
mod service_role;
pub mod vpc;
pub mod workload_cluster;

pub use kubernetes_version::KubernetesVersion;
pub use vpc::{NatGateways, SubnetConfig, SubnetKind, Vpc, VpcEndpoints, VpcProps};
pub use workload_cluster::WorkloadCluster;
