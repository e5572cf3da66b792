//! The module paths of 0.1, kept for one release.
//!
//! A `#[deprecated]` on a module or on a `pub use` has no effect on the paths that go through it
//! (rustc checks only the item a path resolves to), so each old module holds deprecated aliases:
//! type aliases for structs and enums, constants for constants. Traits and modules cannot be
//! aliased and are re-exported without a warning. `tests/deprecated/old_paths_warn.rs`
//! shows that a program using an old path gets the warning.

#![allow(deprecated)] // the modules themselves are marked, for rustdoc

/// The GitHub pipeline and roles; moved to [`crate::delivery::github`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
pub mod github {
    // Traits and modules cannot be aliased: re-exported as they are.
    pub use crate::delivery::github::actions;
    pub use crate::delivery::github::workflow;
    /// Moved to [`crate::delivery::github::AppDelivery`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type AppDelivery = crate::delivery::github::AppDelivery;
    /// Moved to [`crate::delivery::github::ClusterTarget`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type ClusterTarget = crate::delivery::github::ClusterTarget;
    /// Moved to [`crate::delivery::github::DEFAULT_DEPLOY_SERVICES`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub const DEFAULT_DEPLOY_SERVICES: &[&str] = crate::delivery::github::DEFAULT_DEPLOY_SERVICES;
    /// Moved to [`crate::delivery::github::GITHUB_OIDC_HOST`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub const GITHUB_OIDC_HOST: &str = crate::delivery::github::GITHUB_OIDC_HOST;
    /// Moved to [`crate::delivery::github::GitHubAccess`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type GitHubAccess = crate::delivery::github::GitHubAccess;
    /// Moved to [`crate::delivery::github::GitHubAccessProps`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type GitHubAccessProps = crate::delivery::github::GitHubAccessProps;
    /// Moved to [`crate::delivery::github::GitHubPipeline`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type GitHubPipeline = crate::delivery::github::GitHubPipeline;
    /// Moved to [`crate::delivery::github::GitHubPipelineProps`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type GitHubPipelineProps = crate::delivery::github::GitHubPipelineProps;
    /// Moved to [`crate::delivery::github::GitHubRepository`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type GitHubRepository = crate::delivery::github::GitHubRepository;
    /// Moved to [`crate::delivery::github::OidcProviderSource`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type OidcProviderSource = crate::delivery::github::OidcProviderSource;
    /// Moved to [`crate::delivery::github::WORKFLOWS_DIR`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub const WORKFLOWS_DIR: &str = crate::delivery::github::WORKFLOWS_DIR;
    /// Moved to [`crate::delivery::github::Workflow`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub type Workflow = crate::delivery::github::Workflow;

    /// GitHub's OIDC provider and the diff and deploy roles.
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub mod access {
        /// Moved to [`crate::delivery::github::ClusterTarget`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub type ClusterTarget = crate::delivery::github::ClusterTarget;
        /// Moved to [`crate::delivery::github::DEFAULT_DEPLOY_SERVICES`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub const DEFAULT_DEPLOY_SERVICES: &[&str] = crate::delivery::github::DEFAULT_DEPLOY_SERVICES;
        /// Moved to [`crate::delivery::github::GITHUB_OIDC_HOST`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub const GITHUB_OIDC_HOST: &str = crate::delivery::github::GITHUB_OIDC_HOST;
        /// Moved to [`crate::delivery::github::GitHubAccess`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub type GitHubAccess = crate::delivery::github::GitHubAccess;
        /// Moved to [`crate::delivery::github::GitHubAccessProps`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub type GitHubAccessProps = crate::delivery::github::GitHubAccessProps;
        /// Moved to [`crate::delivery::github::GitHubRepository`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub type GitHubRepository = crate::delivery::github::GitHubRepository;
        /// Moved to [`crate::delivery::github::OidcProviderSource`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub type OidcProviderSource = crate::delivery::github::OidcProviderSource;
    }

    /// The pipeline that writes the workflows.
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub mod pipeline {
        /// Moved to [`crate::delivery::github::AppDelivery`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub type AppDelivery = crate::delivery::github::AppDelivery;
        /// Moved to [`crate::delivery::github::GitHubPipeline`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub type GitHubPipeline = crate::delivery::github::GitHubPipeline;
        /// Moved to [`crate::delivery::github::GitHubPipelineProps`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub type GitHubPipelineProps = crate::delivery::github::GitHubPipelineProps;
        /// Moved to [`crate::delivery::github::WORKFLOWS_DIR`].
        #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
        pub const WORKFLOWS_DIR: &str = crate::delivery::github::WORKFLOWS_DIR;
    }
}

/// The EKS cluster; moved to [`crate::eks`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EksCluster, EksClusterProps, …} (or eks::…)")]
pub mod eks_cluster {
    /// Moved to [`crate::eks::ClusterName`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EksCluster, EksClusterProps, …} (or eks::…)")]
    pub type ClusterName = crate::eks::ClusterName;
    /// Moved to [`crate::eks::ControllerImages`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EksCluster, EksClusterProps, …} (or eks::…)")]
    pub type ControllerImages = crate::eks::ControllerImages;
    /// Moved to [`crate::eks::EksCluster`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EksCluster, EksClusterProps, …} (or eks::…)")]
    pub type EksCluster = crate::eks::EksCluster;
    /// Moved to [`crate::eks::EksClusterProps`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EksCluster, EksClusterProps, …} (or eks::…)")]
    pub type EksClusterProps<'a> = crate::eks::EksClusterProps<'a>;
    /// Moved to [`crate::eks::EndpointAccess`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EksCluster, EksClusterProps, …} (or eks::…)")]
    pub type EndpointAccess = crate::eks::EndpointAccess;
    /// Moved to [`crate::eks::OptionalAddons`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EksCluster, EksClusterProps, …} (or eks::…)")]
    pub type OptionalAddons = crate::eks::OptionalAddons;
}

/// Node groups; moved to [`crate::eks`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
pub mod node_group {
    /// Moved to [`crate::eks::AmiType`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
    pub type AmiType = crate::eks::AmiType;
    /// Moved to [`crate::eks::CapacityType`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
    pub type CapacityType = crate::eks::CapacityType;
    /// Moved to [`crate::eks::MAX_NODES`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
    pub const MAX_NODES: u32 = crate::eks::MAX_NODES;
    /// Moved to [`crate::eks::NodeGroup`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
    pub type NodeGroup = crate::eks::NodeGroup;
    /// Moved to [`crate::eks::NodeGroupProps`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
    pub type NodeGroupProps = crate::eks::NodeGroupProps;
    /// Moved to [`crate::eks::Taint`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
    pub type Taint = crate::eks::Taint;
    /// Moved to [`crate::eks::TaintEffect`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
    pub type TaintEffect = crate::eks::TaintEffect;
}

/// IRSA; the OIDC provider moved to [`crate::eks`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::OidcProvider (or eks::OidcProvider)")]
pub mod irsa {
    /// Moved to [`crate::eks::OidcProvider`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::OidcProvider (or eks::OidcProvider)")]
    pub type OidcProvider = crate::eks::OidcProvider;
}

/// The VPC; moved to [`crate::network`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
pub mod vpc {
    /// Moved to [`crate::network::FlowLogTraffic`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type FlowLogTraffic = crate::network::FlowLogTraffic;
    /// Moved to [`crate::network::FlowLogs`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type FlowLogs = crate::network::FlowLogs;
    /// Moved to [`crate::network::InterfaceEndpoint`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type InterfaceEndpoint = crate::network::InterfaceEndpoint;
    /// Moved to [`crate::network::NatGateways`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type NatGateways = crate::network::NatGateways;
    /// Moved to [`crate::network::RouteTableId`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type RouteTableId = crate::network::RouteTableId;
    /// Moved to [`crate::network::SecurityGroupId`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type SecurityGroupId = crate::network::SecurityGroupId;
    /// Moved to [`crate::network::Subnet`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type Subnet = crate::network::Subnet;
    /// Moved to [`crate::network::SubnetConfig`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type SubnetConfig = crate::network::SubnetConfig;
    /// Moved to [`crate::network::SubnetId`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type SubnetId = crate::network::SubnetId;
    /// Moved to [`crate::network::SubnetKind`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type SubnetKind = crate::network::SubnetKind;
    /// Moved to [`crate::network::Vpc`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type Vpc = crate::network::Vpc;
    /// Moved to [`crate::network::VpcEndpoints`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type VpcEndpoints = crate::network::VpcEndpoints;
    /// Moved to [`crate::network::VpcId`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type VpcId = crate::network::VpcId;
    /// Moved to [`crate::network::VpcProps`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
    pub type VpcProps = crate::network::VpcProps;
}

/// CIDR blocks; `Ipv4Cidr` moved to [`crate::network`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::Ipv4Cidr (or network::Ipv4Cidr)")]
pub mod cidr {
    /// Moved to [`crate::network::Ipv4Cidr`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::Ipv4Cidr (or network::Ipv4Cidr)")]
    pub type Ipv4Cidr = crate::network::Ipv4Cidr;
}

/// The Flask preset; moved to [`crate::workload`] (its scrape inputs to [`crate::monitoring`]) and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
pub mod flask_app {
    // Traits and modules cannot be aliased: re-exported as they are.
    pub use crate::monitoring::Scrapeable;
    /// Moved to [`crate::monitoring::ScrapeTarget`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type ScrapeTarget = crate::monitoring::ScrapeTarget;
    /// Moved to [`crate::workload::Autoscaling`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type Autoscaling = crate::workload::Autoscaling;
    /// Moved to [`crate::workload::Certificate`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type Certificate = crate::workload::Certificate;
    /// Moved to [`crate::workload::CustomMetric`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type CustomMetric = crate::workload::CustomMetric;
    /// Moved to [`crate::workload::DRAIN_FILE`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub const DRAIN_FILE: &str = crate::workload::DRAIN_FILE;
    /// Moved to [`crate::workload::DRAIN_SECONDS`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub const DRAIN_SECONDS: u32 = crate::workload::DRAIN_SECONDS;
    /// Moved to [`crate::workload::Disruption`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type Disruption = crate::workload::Disruption;
    /// Moved to [`crate::workload::FlaskApp`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type FlaskApp = crate::workload::FlaskApp;
    /// Moved to [`crate::workload::FlaskAppProps`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type FlaskAppProps = crate::workload::FlaskAppProps;
    /// Moved to [`crate::workload::IngressProps`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type IngressProps = crate::workload::IngressProps;
    /// Moved to [`crate::workload::LIVENESS_PATH`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub const LIVENESS_PATH: &str = crate::workload::LIVENESS_PATH;
    /// Moved to [`crate::workload::LogLevel`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type LogLevel = crate::workload::LogLevel;
    /// Moved to [`crate::workload::METRICS_PATH`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub const METRICS_PATH: &str = crate::workload::METRICS_PATH;
    /// Moved to [`crate::workload::READINESS_PATH`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub const READINESS_PATH: &str = crate::workload::READINESS_PATH;
    /// Moved to [`crate::workload::SERVICE_PORT`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub const SERVICE_PORT: u16 = crate::workload::SERVICE_PORT;
    /// Moved to [`crate::workload::SERVICE_UID`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub const SERVICE_UID: i64 = crate::workload::SERVICE_UID;
    /// Moved to [`crate::workload::Scheme`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type Scheme = crate::workload::Scheme;
    /// Moved to [`crate::workload::ServiceType`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
    pub type ServiceType = crate::workload::ServiceType;
}

/// ECR repositories; moved to [`crate::registry`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
pub mod ecr_repo {
    /// Moved to [`crate::registry::EcrEncryption`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
    pub type EcrEncryption = crate::registry::EcrEncryption;
    /// Moved to [`crate::registry::EcrRepo`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
    pub type EcrRepo = crate::registry::EcrRepo;
    /// Moved to [`crate::registry::EcrRepoProps`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
    pub type EcrRepoProps = crate::registry::EcrRepoProps;
    /// Moved to [`crate::registry::LifecycleRule`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
    pub type LifecycleRule = crate::registry::LifecycleRule;
    /// Moved to [`crate::registry::PULL_ACTIONS`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
    pub const PULL_ACTIONS: [&str; 3] = crate::registry::PULL_ACTIONS;
    /// Moved to [`crate::registry::PUSH_ACTIONS`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
    pub const PUSH_ACTIONS: [&str; 5] = crate::registry::PUSH_ACTIONS;
    /// Moved to [`crate::registry::TagMutability`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
    pub type TagMutability = crate::registry::TagMutability;
}

/// Container images; moved to [`crate::workload`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ContainerImage, ImageReference, RepositoryUri}")]
pub mod container_image {
    /// Moved to [`crate::workload::ContainerImage`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ContainerImage, ImageReference, RepositoryUri}")]
    pub type ContainerImage = crate::workload::ContainerImage;
    /// Moved to [`crate::workload::ImageReference`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ContainerImage, ImageReference, RepositoryUri}")]
    pub type ImageReference = crate::workload::ImageReference;
    /// Moved to [`crate::workload::RepositoryUri`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ContainerImage, ImageReference, RepositoryUri}")]
    pub type RepositoryUri = crate::workload::RepositoryUri;
}

/// Compute resources; moved to [`crate::workload`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ComputeResources, Cpu, Memory}")]
pub mod compute_resources {
    /// Moved to [`crate::workload::ComputeResources`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ComputeResources, Cpu, Memory}")]
    pub type ComputeResources = crate::workload::ComputeResources;
    /// Moved to [`crate::workload::Cpu`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ComputeResources, Cpu, Memory}")]
    pub type Cpu = crate::workload::Cpu;
    /// Moved to [`crate::workload::Memory`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ComputeResources, Cpu, Memory}")]
    pub type Memory = crate::workload::Memory;
}

/// Kubernetes versions; moved to [`crate::workload`] (re-exported by [`crate::eks`]) and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::KubernetesVersion")]
pub mod kubernetes_version {
    /// Moved to [`crate::workload::KubernetesVersion`].
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::KubernetesVersion")]
    pub type KubernetesVersion = crate::workload::KubernetesVersion;
}

/// The cluster trait of workloads; moved to [`crate::workload`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::WorkloadCluster")]
pub mod workload_cluster {
    // Traits and modules cannot be aliased: re-exported as they are.
    pub use crate::workload::WorkloadCluster;
}
