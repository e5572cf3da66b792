//! What every Kubernetes workload needs, whatever cluster it runs on: the [`WorkloadCluster`]
//! it is deployed to, the [`KubernetesVersion`] its manifests are valid for, its
//! [`ContainerImage`] and [`ComputeResources`], the Pod Security `restricted` profile and
//! object metadata — the general [`Workload`] in a [`Namespace`], and the workload presets
//! built from them ([`FlaskApp`]).
//!
//! Imports only [`crate::iam`] and the crate's internals: clusters (`eks`) and monitoring build
//! on this module, never the other way round.

pub(crate) mod cluster;
pub(crate) mod flask_app;
pub(crate) mod general;
pub(crate) mod image;
pub(crate) mod meta;
pub(crate) mod namespace;
pub(crate) mod pod_security;
pub(crate) mod resources;
pub(crate) mod shared;
pub(crate) mod version;

pub use cluster::WorkloadCluster;
pub use flask_app::{
    Autoscaling, Certificate, CustomMetric, DRAIN_FILE, DRAIN_SECONDS, Disruption, FlaskApp, FlaskAppProps,
    IngressProps, LIVENESS_PATH, LogLevel, METRICS_PATH, READINESS_PATH, SERVICE_PORT, SERVICE_UID, Scheme,
    ServiceType,
};
pub use general::WorkloadEndpoint;
pub use general::{
    AcmCertificateArn, AlbIngress, AwsIdentity, ConcurrencyPolicy, ConfigSource, ContainerSpec, CronJob, CronJobProps,
    DB_SSLMODE, DatabaseConnection, EgressRule, FileMount, Hpa, HpaMetric, Job, JobProps, MetricsEndpoint, PortSpec,
    ProbeAction, ProbeSpec, RoleRule, ScalingPolicy, ScalingRate, SelectPolicy, ServiceKind, VolumeClaim, Workload,
    WorkloadPeer, WorkloadProps, ZoneSpread,
};
pub use image::{ContainerImage, ImageReference, RepositoryUri};
pub use namespace::{Namespace, NamespaceProps, PodSecurity};
pub use resources::{ComputeResources, Cpu, Memory};
pub use version::KubernetesVersion;
