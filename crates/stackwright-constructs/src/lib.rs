//! The constructs stackwright users compose: `Vpc`, `EksCluster`, `NodeGroup`, `EcrRepo`,
//! `FlaskApp`, `Monitoring`, and the IAM and workflow helpers they share. One concept per file.

mod arn;
pub mod cidr;
pub mod cluster_autoscaler;
pub mod compute_resources;
pub mod config_hash;
pub mod container_image;
mod controller_pod;
pub mod default_security_group;
pub mod ecr_repo;
pub mod eks_cluster;
mod encryption_key;
pub mod flask_app;
pub mod github;
pub mod iam;
pub mod irsa;
pub mod kube_meta;
pub mod kubernetes_version;
pub mod load_balancer_controller;
pub mod log_group;
pub mod monitoring;
pub mod node_group;
pub mod pod_security;
mod problems;
mod service_role;
pub mod vpc;
pub mod workload_cluster;

pub use container_image::{ContainerImage, ImageReference};
pub use ecr_repo::{EcrRepo, EcrRepoProps};
pub use eks_cluster::{EksCluster, EksClusterProps, EndpointAccess};
pub use flask_app::{FlaskApp, FlaskAppProps};
pub use kubernetes_version::KubernetesVersion;
pub use monitoring::{Monitoring, MonitoringProps};
pub use node_group::{NodeGroup, NodeGroupProps};
pub use vpc::{NatGateways, SubnetConfig, SubnetKind, Vpc, VpcEndpoints, VpcProps};
pub use workload_cluster::WorkloadCluster;
