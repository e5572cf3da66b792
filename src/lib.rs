//! stackwright: describe AWS infrastructure and the Kubernetes workloads on it as typed Rust,
//! synthesize it into CloudFormation templates, Kubernetes manifests and CI workflows, and
//! deploy it.
//!
//! ```no_run
//! use stackwright::prelude::*;
//!
//! // Every error (from building the tree or from the command) is printed once by `exit_code`,
//! // which then exits with its documented status.
//! fn main() -> std::process::ExitCode {
//!     stackwright::cli::exit_code(build().and_then(|app| app.run()))
//! }
//!
//! fn build() -> stackwright::Result<App> {
//!     let app = App::new("demo");
//!     let dev = app.environment("dev", Account::new("123456789012")?, Region::EuWest1);
//!     let network = dev.stack("network");
//!     Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16"))?;
//!     Ok(app)
//! }
//! ```
//!
//! The crates behind this facade: `stackwright-core` (tree, values, templates, assembly),
//! `stackwright-cfn` (generated CloudFormation types), `stackwright-constructs` (the
//! constructs) and, with the `deploy` feature, `stackwright-deploy` (the runtime).

/// Assertions for your own tests: stacks, resources and Kubernetes objects of a synthesized
/// assembly matched partially, and ready-made platform rules (`docs/assertions.md`).
pub mod assertions;
pub mod cli;
pub mod terminal;

/// The README's program is compiled as a doctest, so it cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The props convention's examples (`docs/props.md`) are compiled as doctests too.
#[doc = include_str!("../docs/props.md")]
#[cfg(doctest)]
pub struct PropsDoctests;

pub use stackwright_cfn as cfn;
pub use stackwright_constructs as constructs;
pub use stackwright_core as core;
pub use stackwright_core::{Error, ExitStatus, Result};

#[cfg(feature = "deploy")]
pub use stackwright_deploy as deploy;

/// Everything a program needs, in one import: the app and its environments, the constructs,
/// their props and every type their fields take (sub-props, enums, typed values such as
/// [`Ipv4Cidr`](stackwright_constructs::Ipv4Cidr), [`Cpu`](stackwright_constructs::Cpu) and
/// [`Memory`](stackwright_constructs::Memory)). `tests/prelude.rs` checks that the example
/// programs need nothing else.
pub mod prelude {
    pub use crate::cli::Run;
    pub use stackwright_constructs::{
        AcmCertificateArn, AddonVersions, AlbIngress, AlertRule, AlertThresholds, Alertmanager, AlertmanagerProps,
        AmiType, AppDelivery, Autoscaling, AwsIdentity, BackupPlan, BackupPlanProps, BackupRule, BackupTag,
        CapacityType, Certificate, ClusterAttributes, ClusterLookup, ClusterTarget, ComputeResources,
        ConcurrencyPolicy, Condition, ConfigSource, ContainerImage, ContainerSpec, ControllerImages, Cpu, CronJob,
        CronJobProps, CustomMetric, CustomMetricsAdapter, CustomMetricsAdapterProps, DashboardPanel, Database,
        DatabaseAlarms, DatabaseConnection, DatabaseProps, Disruption, DriftSchedule, EcrEncryption, EcrRepo,
        EcrRepoProps, Effect, EgressRule, EksCluster, EksClusterProps, EmailReceiver, EndpointAccess, ExistingAddons,
        ExistingSubnet, FileMount, FlaskApp, FlaskAppProps, FlowLogTraffic, FlowLogs, GitHubAccess, GitHubAccessProps,
        GitHubPipeline, GitHubPipelineProps, GitHubRepository, Grafana, GrafanaDashboard, GrafanaProps, Hpa, HpaMetric,
        IamRoleRef, ImageReference, IngressProps, InterfaceEndpoint, Ipv4Cidr, Job, JobProps, KmsKeyRef,
        KubeStateMetrics, KubeStateMetricsProps, KubernetesVersion, LifecycleRule, LogLevel, LogShipping, Memory,
        MetricsEndpoint, Monitoring, MonitoringImages, MonitoringProps, Namespace, NamespaceProps, NatGateways,
        NodeGroup, NodeGroupProps, OidcProviderRef, OidcProviderSource, OptionalAddons, PagerDutyReceiver, PanelKind,
        PanelQuery, PersistentStorage, PodSecurity, PolicyDocument, PortSpec, PostgresVersion, Principal, ProbeAction,
        ProbeSpec, Prometheus, PrometheusProps, ProtectedResourceType, Receiver, ReceiverKind, RoleRule, RuleGroup,
        ScalingPolicy, ScalingRate, Scheme, SecretKeyRef, SelectPolicy, ServiceKind, ServiceType, Severity,
        SlackReceiver, Statement, SubnetConfig, SubnetKind, TagMutability, Taint, TaintEffect, VolumeClaim, Vpc,
        VpcAttributes, VpcEndpoints, VpcLookup, VpcProps, WebhookReceiver, Workload, WorkloadCluster, WorkloadPeer,
        WorkloadProps, ZoneSpread,
    };
    // Staged delivery of one assembly (issue 17).
    pub use stackwright_constructs::{
        DeliveryStage, SmokeCheck, StagedPipeline, StagedPipelineProps, WorkloadEndpoint,
    };
    // Escape hatches: included Kubernetes YAML (release manifests, `helm template` output) and
    // checked overrides of any construct's inner resources (docs/escape-hatches.md), and
    // imports of existing resources (docs/existing-infrastructure.md).
    pub use stackwright_cfn::{CheckedOverride, ImportExisting};
    pub use stackwright_constructs::{CustomResourceKind, HelmChart, KubeManifest, KubeManifestProps, ManifestSource};
    pub use stackwright_core::AnyResource;
    pub use stackwright_core::{
        Account, App, Attr, ClusterConnection, Construct, DeletionPolicy, Environment, KubeCluster, Pseudo,
        RawResource, Region, Resource, Stack, Val, Value, sub,
    };
}
