//! The constructs stackwright users compose — [`Vpc`], [`EksCluster`], [`NodeGroup`],
//! [`EcrRepo`], [`FlaskApp`], [`Monitoring`], [`GitHubPipeline`] — and the types they take.
//!
//! **The stable API is this crate root** (and the `stackwright` facade's prelude): every
//! construct, props type, enum users pass and trait is re-exported here. The modules group
//! them by what they are, and import in one direction only:
//!
//! | module | what | imports |
//! |---|---|---|
//! | [`delivery`] | the GitHub pipeline, its roles and workflow model | `iam` |
//! | [`monitoring`] | metrics, dashboards, alerts and logs of a cluster and its apps | `workload`, `iam`, internals |
//! | [`eks`] | clusters, node groups, IRSA and Pod Identity, cluster controllers | `workload`, `network`, `iam`, internals |
//! | [`registry`] | ECR repositories | `workload`, `iam`, internals |
//! | [`network`] | VPC, endpoints, CIDR planning, network ids | `iam`, internals |
//! | [`workload`] | what every Kubernetes workload needs, and the workload presets | `iam`, internals |
//! | [`iam`] | typed policy documents | nothing |
//!
//! A crate-private `internal` module holds the helpers no user calls.

pub mod delivery;
pub mod eks;
pub mod iam;
mod internal;
pub mod monitoring;
pub mod network;
pub mod registry;
pub mod workload;

pub use delivery::github::{
    AppDelivery, ClusterTarget, GitHubAccess, GitHubAccessProps, GitHubPipeline, GitHubPipelineProps, GitHubRepository,
    OidcProviderSource, Workflow,
};
pub use eks::{
    AmiType, CapacityType, ClusterName, ControllerImages, EksCluster, EksClusterProps, EndpointAccess, NodeGroup,
    NodeGroupProps, OidcProvider, OptionalAddons, Taint, TaintEffect,
};
pub use iam::{Condition, Effect, PolicyDocument, Principal, Statement};
pub use monitoring::{
    AlertThresholds, Monitoring, MonitoringImages, MonitoringProps, PersistentStorage, ScrapeTarget, Scrapeable,
};
pub use network::{
    FlowLogTraffic, FlowLogs, InterfaceEndpoint, Ipv4Cidr, NatGateways, RouteTableId, SecurityGroupId, Subnet,
    SubnetConfig, SubnetId, SubnetKind, Vpc, VpcEndpoints, VpcId, VpcProps,
};
pub use registry::{EcrEncryption, EcrRepo, EcrRepoProps, LifecycleRule, TagMutability};
pub use workload::{
    Autoscaling, Certificate, ComputeResources, ContainerImage, Cpu, CustomMetric, Disruption, FlaskApp, FlaskAppProps,
    ImageReference, IngressProps, KubernetesVersion, LogLevel, Memory, RepositoryUri, Scheme, ServiceType,
    WorkloadCluster,
};

// The module paths of 0.1, kept for one release. A `#[deprecated]` on a `pub use` has no
// effect, so each old path is a deprecated module re-exporting the items from their new home.

/// The GitHub pipeline and roles; moved to [`delivery::github`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
pub mod github {
    pub use crate::delivery::github::{
        AppDelivery, ClusterTarget, DEFAULT_DEPLOY_SERVICES, GITHUB_OIDC_HOST, GitHubAccess, GitHubAccessProps,
        GitHubPipeline, GitHubPipelineProps, GitHubRepository, OidcProviderSource, WORKFLOWS_DIR, Workflow, actions,
        workflow,
    };

    /// GitHub's OIDC provider and the diff and deploy roles.
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub mod access {
        pub use crate::delivery::github::{
            ClusterTarget, DEFAULT_DEPLOY_SERVICES, GITHUB_OIDC_HOST, GitHubAccess, GitHubAccessProps,
            GitHubRepository, OidcProviderSource,
        };
    }

    /// The pipeline that writes the workflows.
    #[deprecated(since = "0.2.0", note = "use stackwright_constructs::delivery::github (or the crate root)")]
    pub mod pipeline {
        pub use crate::delivery::github::{AppDelivery, GitHubPipeline, GitHubPipelineProps, WORKFLOWS_DIR};
    }
}

/// The EKS cluster; moved to [`eks`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EksCluster, EksClusterProps, …} (or eks::…)")]
pub mod eks_cluster {
    pub use crate::eks::{ClusterName, ControllerImages, EksCluster, EksClusterProps, EndpointAccess, OptionalAddons};
}

/// Node groups; moved to [`eks`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{NodeGroup, NodeGroupProps, …} (or eks::…)")]
pub mod node_group {
    pub use crate::eks::{AmiType, CapacityType, MAX_NODES, NodeGroup, NodeGroupProps, Taint, TaintEffect};
}

/// IRSA; the OIDC provider moved to [`eks`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::OidcProvider (or eks::OidcProvider)")]
pub mod irsa {
    pub use crate::eks::OidcProvider;
}

/// The VPC; moved to [`network`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{Vpc, VpcProps, …} (or network::…)")]
pub mod vpc {
    pub use crate::network::{
        FlowLogTraffic, FlowLogs, InterfaceEndpoint, NatGateways, RouteTableId, SecurityGroupId, Subnet, SubnetConfig,
        SubnetId, SubnetKind, Vpc, VpcEndpoints, VpcId, VpcProps,
    };
}

/// CIDR blocks; [`Ipv4Cidr`] moved to [`network`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::Ipv4Cidr (or network::Ipv4Cidr)")]
pub mod cidr {
    pub use crate::network::Ipv4Cidr;
}

/// The Flask preset; moved to [`workload`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{FlaskApp, FlaskAppProps, …} (or workload::…)")]
pub mod flask_app {
    pub use crate::monitoring::{ScrapeTarget, Scrapeable};
    pub use crate::workload::{
        Autoscaling, Certificate, CustomMetric, DRAIN_FILE, DRAIN_SECONDS, Disruption, FlaskApp, FlaskAppProps,
        IngressProps, LIVENESS_PATH, LogLevel, METRICS_PATH, READINESS_PATH, SERVICE_PORT, SERVICE_UID, Scheme,
        ServiceType,
    };
}

/// ECR repositories; moved to [`registry`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{EcrRepo, EcrRepoProps, …} (or registry::…)")]
pub mod ecr_repo {
    pub use crate::registry::{
        EcrEncryption, EcrRepo, EcrRepoProps, LifecycleRule, PULL_ACTIONS, PUSH_ACTIONS, TagMutability,
    };
}

/// Container images; moved to [`workload`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ContainerImage, ImageReference, RepositoryUri}")]
pub mod container_image {
    pub use crate::workload::{ContainerImage, ImageReference, RepositoryUri};
}

/// Compute resources; moved to [`workload`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::{ComputeResources, Cpu, Memory}")]
pub mod compute_resources {
    pub use crate::workload::{ComputeResources, Cpu, Memory};
}

/// Kubernetes versions; moved to [`workload`] (re-exported by [`eks`]) and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::KubernetesVersion")]
pub mod kubernetes_version {
    pub use crate::workload::KubernetesVersion;
}

/// The cluster trait of workloads; moved to [`workload`] and the crate root.
#[deprecated(since = "0.2.0", note = "use stackwright_constructs::WorkloadCluster")]
pub mod workload_cluster {
    pub use crate::workload::WorkloadCluster;
}
