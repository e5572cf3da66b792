//! The constructs stackwright users compose — [`Vpc`], [`EksCluster`], [`NodeGroup`],
//! [`EcrRepo`], [`FlaskApp`], [`Monitoring`], [`GitHubPipeline`] — and the types they take.
//!
//! **The stable API is this crate root** (and the `stackwright` facade's prelude): every
//! construct, props type, enum users pass and trait is re-exported here. The modules group
//! them by what they are, and import in one direction only:
//!
//! | module | what | imports |
//! |---|---|---|
//! | [`delivery`] | the GitHub pipeline, its roles and workflow model | `iam`, internals |
//! | [`monitoring`] | metrics, dashboards, alerts and logs of a cluster and its apps | `workload`, `iam`, internals |
//! | [`eks`] | clusters, node groups, IRSA and Pod Identity, cluster controllers | `workload`, `network`, `iam`, internals |
//! | [`registry`] | ECR repositories | `workload`, `iam`, internals |
//! | [`network`] | VPC, endpoints, CIDR planning, network ids | `iam`, internals |
//! | [`workload`] | what every Kubernetes workload needs, and the workload presets | `iam`, internals |
//! | [`manifest`] | Kubernetes YAML included as it is (`helm template` output, release manifests) | `workload`, internals |
//! | [`iam`] | typed policy documents | nothing |
//!
//! A crate-private `internal` module holds the helpers no user calls.
//!
//! # Mistakes: what is recorded, and what fails at once
//!
//! Every construct checks its input before it adds anything, and a program sees **every**
//! construct's mistakes in one run:
//!
//! - **Recorded** (the constructor returns `Ok` with a *rejected* handle; synth — so
//!   `app.run()` or `app.synth()` — reports the problems with every other construct's, each
//!   with the construct's path, the offending value and a hint, and writes nothing): every
//!   problem of the props; a bad or duplicate construct id; a scope that is not inside a stack
//!   (but inside an environment); a problem found while building, such as a Kubernetes object
//!   name another construct already uses; and an input that is itself rejected (a cluster on a
//!   rejected VPC, a node group, app or monitoring on a rejected cluster, an app whose image
//!   comes from a rejected repository, monitoring scraping a rejected app, a pipeline
//!   delivering to a rejected repository), which rejects the dependent too after it has
//!   checked its own props, without a problem about the input.
//!
//! Every construct collects the problems of its input with `stackwright_core::Problems`, at
//! the path it is about to get, before it adds its node; a construct written outside this
//! crate uses the same collector (`docs/writing-a-construct.md`).
//! - **At once** (`Err` at the `?`): a scope outside every environment (there is no region or
//!   account for a handle to have); parsing a value before any construct takes it
//!   (`Account::new`, `"…".parse::<Region>()`, `"…".parse::<Ipv4Cidr>()`,
//!   `GitHubRepository::new`); and failures that are not the program's description
//!   (serializing a configuration).
//!
//! A rejected handle is safe to use: what its props say (names, zones, blocks) reads as given,
//! and its ids, ARNs and attributes are values of a rejected construct, which synth never
//! renders and reports nothing about (see `stackwright_core::Node::reject`). A dependent
//! learns of the rejection through `node().is_rejected()`.

pub mod data;
pub mod delivery;
pub mod eks;
pub mod iam;
mod internal;
pub mod manifest;
pub mod monitoring;
pub mod network;
pub mod registry;
pub mod workload;

pub use data::{
    BackupPlan, BackupPlanProps, BackupRule, BackupTag, COLD_STORAGE_SOURCE, Database, DatabaseAlarms, DatabaseClient,
    DatabaseProps, MonitoringInterval, POSTGRES_PORT, PostgresVersion, ProtectedResourceType,
};
pub use delivery::github::{
    AppDelivery, ClusterTarget, DriftSchedule, GitHubAccess, GitHubAccessProps, GitHubPipeline, GitHubPipelineProps,
    GitHubRepository, OidcProviderSource, Workflow,
};
// Staged delivery of one assembly (issue 17).
pub use delivery::github::{DeliveryStage, SmokeCheck, StagedPipeline, StagedPipelineProps};
// How a workload is reached, for the staged pipeline's smoke check.
pub use eks::{
    ADDON_TABLE_READ, AddonVersionCell, AddonVersionChoice, AddonVersionSource, AddonVersionSourceKind, AddonVersions,
    AmiType, CapacityType, ClusterAttributes, ClusterLookup, ClusterName, ControllerImages, EksCluster,
    EksClusterProps, EndpointAccess, ExistingAddons, MANAGED_ADDONS, NodeGroup, NodeGroupProps, OidcProvider,
    OidcProviderRef, OptionalAddons, Taint, TaintEffect,
};
pub use iam::{
    Condition, Effect, IamRoleRef, KmsKeyRef, PolicyDocument, Principal, Statement, WILDCARDS_METADATA,
    record_wildcard_reasons,
};
pub use manifest::{CustomResourceKind, HelmChart, IncludedObject, KubeManifest, KubeManifestProps, ManifestSource};
pub use monitoring::{
    AlertRule, AlertThresholds, Alertmanager, AlertmanagerProps, CustomMetricsAdapter, CustomMetricsAdapterProps,
    DashboardPanel, EmailReceiver, Grafana, GrafanaDashboard, GrafanaProps, KubeStateMetrics, KubeStateMetricsProps,
    LogShipping, Monitoring, MonitoringImages, MonitoringProps, PagerDutyReceiver, PanelKind, PanelQuery,
    PersistentStorage, Prometheus, PrometheusProps, Receiver, ReceiverKind, RuleGroup, ScrapeTarget, Scrapeable,
    SecretKeyRef, Severity, SlackReceiver, WebhookReceiver,
};
pub use network::{
    ExistingSubnet, FlowLogTraffic, FlowLogs, InterfaceEndpoint, Ipv4Cidr, NatGateways, RouteTableId, SecurityGroupId,
    Subnet, SubnetConfig, SubnetId, SubnetKind, Vpc, VpcAttributes, VpcEndpoints, VpcId, VpcLookup, VpcProps,
};
pub use registry::{EcrEncryption, EcrRepo, EcrRepoProps, LifecycleRule, TagMutability};
pub use workload::WorkloadEndpoint;
pub use workload::{
    AcmCertificateArn, AlbIngress, Autoscaling, AwsIdentity, Certificate, ComputeResources, ConcurrencyPolicy,
    ConfigSource, ContainerImage, ContainerSpec, Cpu, CronJob, CronJobProps, CustomMetric, DB_SSLMODE,
    DatabaseConnection, Disruption, EgressRule, FileMount, FlaskApp, FlaskAppProps, Hpa, HpaMetric, ImageReference,
    IngressProps, Job, JobProps, KubernetesVersion, LogLevel, Memory, MetricsEndpoint, Namespace, NamespaceProps,
    PodSecurity, PortSpec, ProbeAction, ProbeSpec, RepositoryUri, RoleRule, ScalingPolicy, ScalingRate, Scheme,
    SelectPolicy, ServiceKind, ServiceType, VolumeClaim, Workload, WorkloadCluster, WorkloadPeer, WorkloadProps,
    ZoneSpread,
};

// The module paths of 0.1, kept for one release as deprecated aliases.
mod deprecated;
#[allow(deprecated)]
pub use deprecated::{
    cidr, compute_resources, container_image, ecr_repo, eks_cluster, flask_app, github, irsa, kubernetes_version,
    node_group, vpc, workload_cluster,
};
