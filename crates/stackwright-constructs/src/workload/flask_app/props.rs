//! What a [`FlaskApp`](super::FlaskApp) can be configured with (checked in `checks.rs`).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use stackwright_core::{Arn, Attr};

use crate::iam::PolicyDocument;
use crate::internal::setters::setters;
use crate::network::Ipv4Cidr;
use crate::workload::general::DatabaseConnection;
use crate::workload::image::ContainerImage;
use crate::workload::resources::{ComputeResources, Cpu, Memory};
pub use crate::workload::shared::{Disruption, Scheme};

/// The contract of the Flask service in `examples/flask-app` (its `service.json`): the port
/// it listens on and its probe and metrics paths.
pub const SERVICE_PORT: u16 = 8080;
/// The liveness probe's path.
pub const LIVENESS_PATH: &str = "/healthz";
/// The readiness probe's path (fails while the pod drains).
pub const READINESS_PATH: &str = "/readyz";
/// The Prometheus metrics path.
pub const METRICS_PATH: &str = "/metrics";
/// The image's user and group (`USER 10001:10001` in its Dockerfile).
pub const SERVICE_UID: i64 = 10001;

/// The service's log level (`LOG_LEVEL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogLevel {
    /// `DEBUG`.
    Debug,
    /// `INFO` (the default).
    #[default]
    Info,
    /// `WARNING`.
    Warning,
    /// `ERROR`.
    Error,
    /// `CRITICAL`.
    Critical,
}

impl LogLevel {
    /// The value of `LOG_LEVEL`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
            LogLevel::Critical => "CRITICAL",
        }
    }
}

/// How the Service is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceType {
    /// Reachable inside the cluster only; the Ingress (an ALB) is the way in. The default.
    #[default]
    ClusterIp,
    /// A Network Load Balancer of its own (AWS Load Balancer Controller, IP targets), as the
    /// reference architecture draws it; the Ingress can be turned off then.
    LoadBalancer,
}

/// A TLS certificate for the load balancer's HTTPS listener.
#[derive(Debug, Clone, PartialEq)]
pub enum Certificate {
    /// The ARN of an ACM certificate that exists already.
    Arn(String),
    /// The ARN attribute of a certificate created by this program (late-bound).
    Attr(Attr<Arn>),
}

/// The ALB in front of the app (an `Ingress` of class `alb` for the AWS Load Balancer
/// Controller).
#[derive(Debug, Clone, PartialEq)]
pub struct IngressProps {
    /// Internet-facing or internal. Default: internet-facing.
    pub scheme: Scheme,
    /// Answer only for this host name. Default: none (all hosts).
    pub host: Option<String>,
    /// With a certificate the ALB listens on 443 too. Default: none (HTTP only).
    pub certificate: Option<Certificate>,
    /// Redirect HTTP to HTTPS (takes effect with a certificate). Default: on.
    pub ssl_redirect: bool,
    /// The ALB's name (at most 32 letters, digits and '-'). Default: `<cluster>-<app>`.
    pub load_balancer_name: Option<String>,
}

impl Default for IngressProps {
    fn default() -> Self {
        IngressProps {
            scheme: Scheme::InternetFacing,
            host: None,
            certificate: None,
            ssl_redirect: true,
            load_balancer_name: None,
        }
    }
}

setters! { IngressProps {
    value scheme: Scheme,
    some_into host: String,
    some certificate: Certificate,
    value ssl_redirect: bool,
    some_into load_balancer_name: String,
} }

impl IngressProps {
    /// Serves HTTPS with an existing ACM certificate and redirects HTTP to it.
    pub fn https(certificate_arn: &str) -> Self {
        IngressProps::default().certificate(Certificate::Arn(certificate_arn.to_string()))
    }

    /// Answers only for `host`.
    #[deprecated(since = "0.2.0", note = "use `host`")]
    #[must_use]
    pub fn with_host(self, host: &str) -> Self {
        self.host(host)
    }

    /// Makes the load balancer internal (`scheme(Scheme::Internal)`).
    #[must_use]
    pub fn internal(self) -> Self {
        self.scheme(Scheme::Internal)
    }
}

/// A metric served by a custom-metrics adapter (such as prometheus-adapter), averaged over the
/// pods: `http_requests_per_second` with a target of `"20"`. [`CustomMetric::new`] takes both
/// parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomMetric {
    /// The metric's name; required.
    pub name: String,
    /// The target average per pod, as a Kubernetes quantity (`"20"`, `"500m"`); required.
    pub target_average_value: String,
}

impl CustomMetric {
    /// Scale on `name`, aiming at `target_average_value` per pod.
    pub fn new(name: impl Into<String>, target_average_value: impl Into<String>) -> Self {
        CustomMetric { name: name.into(), target_average_value: target_average_value.into() }
    }
}

/// The HorizontalPodAutoscaler (`autoscaling/v2`). Its minimum is the app's `replicas`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autoscaling {
    /// The most pods. Default: 10.
    pub max_replicas: u32,
    /// Target average CPU use, in percent of the request. Default: 70.
    pub cpu_utilization: u32,
    /// Target average memory use, in percent of the request; `None`
    /// ([`without_memory_utilization`](Self::without_memory_utilization)) scales on CPU only.
    /// Default: 80.
    pub memory_utilization: Option<u32>,
    /// A custom metric to scale on as well. Default: none.
    pub custom_metric: Option<CustomMetric>,
    /// Seconds the load must stay low before pods are removed. Default: 300.
    pub scale_down_stabilization_seconds: u32,
}

impl Default for Autoscaling {
    fn default() -> Self {
        Autoscaling {
            max_replicas: 10,
            cpu_utilization: 70,
            memory_utilization: Some(80),
            custom_metric: None,
            scale_down_stabilization_seconds: 300,
        }
    }
}

setters! { Autoscaling {
    value max_replicas: u32,
    value cpu_utilization: u32,
    some memory_utilization: u32,
    some custom_metric: CustomMetric,
    value scale_down_stabilization_seconds: u32,
} }

impl Autoscaling {
    /// Scales on CPU (and the custom metric) only: `memory_utilization: None`.
    #[must_use]
    pub fn without_memory_utilization(mut self) -> Self {
        self.memory_utilization = None;
        self
    }
}

/// Everything a [`FlaskApp`](super::FlaskApp) can be configured with. Defaults are the
/// production ones; [`FlaskAppProps::new`] needs only the image.
///
/// ```
/// use stackwright_constructs::{ContainerImage, FlaskAppProps, ImageReference, IngressProps};
/// let image = ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.0.0".into()));
/// let props = FlaskAppProps::new(image)
///     .replicas(4)
///     .ingress(IngressProps::https("arn:aws:acm:us-east-1:123456789012:certificate/abc").host("app.example.com"));
/// assert_eq!(props.port, 8080);
/// ```
#[derive(Debug, Clone)]
pub struct FlaskAppProps {
    /// The image to run; required.
    pub image: ContainerImage,
    /// The name of the app's Kubernetes objects (a DNS-1035 label). Default: the construct id.
    pub name: Option<String>,
    /// The namespace the app runs in, created by the construct. Default: `flask-app`.
    pub namespace: String,
    /// The port the service listens on (`PORT`). Default: [`SERVICE_PORT`] (8080).
    pub port: u16,
    /// The liveness probe's path. Default: [`LIVENESS_PATH`].
    pub liveness_path: String,
    /// The readiness probe's path. Default: [`READINESS_PATH`].
    pub readiness_path: String,
    /// The metrics path. Default: [`METRICS_PATH`].
    pub metrics_path: String,
    /// Pods when idle: the Deployment's size without autoscaling, the HPA's minimum. Default: 3.
    pub replicas: u32,
    /// The HorizontalPodAutoscaler; `None` ([`without_autoscaling`](Self::without_autoscaling))
    /// for a fixed number of replicas. Default: on ([`Autoscaling::default`]).
    pub autoscaling: Option<Autoscaling>,
    /// Requests and limits per pod. Default: 250m CPU and 256 MiB requested, 1 CPU and 512 MiB
    /// limited.
    pub resources: ComputeResources,
    /// How the Service is exposed. Default: cluster-internal (the Ingress is the way in).
    pub service_type: ServiceType,
    /// The Ingress (an ALB); `None` ([`without_ingress`](Self::without_ingress)) for none.
    /// Default: an internet-facing ALB ([`IngressProps::default`]).
    pub ingress: Option<IngressProps>,
    /// `LOG_LEVEL`. Default: `INFO`.
    pub log_level: LogLevel,
    /// `APP_VERSION`. Default: the image tag when it is known at synth.
    pub app_version: Option<String>,
    /// gunicorn worker processes per pod (`GUNICORN_WORKERS`, 1 to 64). Default: 2.
    pub workers: u32,
    /// More environment variables (written into the app's ConfigMap; add one with
    /// [`env_var`](Self::env_var)). Default: none.
    pub env: BTreeMap<String, String>,
    /// Permissions for the app's AWS calls (IRSA). Default: none (the pods get no AWS role).
    pub aws_policy: Option<PolicyDocument>,
    /// The PodDisruptionBudget. Default: at most one pod unavailable.
    pub disruption: Disruption,
    /// Addresses the load balancer connects from (its nodes live in the VPC): the
    /// NetworkPolicy lets only these reach the app's port. Narrow it to the VPC's CIDR.
    /// Default: the three RFC 1918 blocks.
    pub load_balancer_source_cidrs: Vec<Ipv4Cidr>,
    /// Seconds a pod gets to finish after it is told to stop (drain included). Default: 45.
    pub termination_grace_period_seconds: u32,
    /// The database the app uses (see [`FlaskAppProps::database()`]). Default: none (the
    /// service's data endpoints answer 503).
    pub database: Option<DatabaseConnection>,
}

impl FlaskAppProps {
    /// The production defaults around `image` (see each field).
    pub fn new(image: ContainerImage) -> Self {
        FlaskAppProps {
            image,
            name: None,
            namespace: "flask-app".into(),
            port: SERVICE_PORT,
            liveness_path: LIVENESS_PATH.into(),
            readiness_path: READINESS_PATH.into(),
            metrics_path: METRICS_PATH.into(),
            replicas: 3,
            autoscaling: Some(Autoscaling::default()),
            resources: ComputeResources::new(Cpu::millicores(250), Memory::mebibytes(256))
                .limits(Cpu::cores(1), Memory::mebibytes(512)),
            service_type: ServiceType::ClusterIp,
            ingress: Some(IngressProps::default()),
            log_level: LogLevel::Info,
            app_version: None,
            workers: 2,
            env: BTreeMap::new(),
            aws_policy: None,
            disruption: Disruption::MaxUnavailable(1),
            load_balancer_source_cidrs: RFC_1918.iter().map(|&(a, b, prefix)| cidr(a, b, prefix)).collect(),
            termination_grace_period_seconds: 45,
            database: None,
        }
    }
}

/// The private address blocks of RFC 1918, as (first octet, second octet, prefix length).
const RFC_1918: [(u8, u8, u8); 3] = [(10, 0, 8), (172, 16, 12), (192, 168, 16)];

fn cidr(a: u8, b: u8, prefix: u8) -> Ipv4Cidr {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, 0, 0), prefix).into()
}

setters! { FlaskAppProps {
    some_into name: String,
    into namespace: String,
    value port: u16,
    into liveness_path: String,
    into readiness_path: String,
    into metrics_path: String,
    value replicas: u32,
    some autoscaling: Autoscaling,
    value resources: ComputeResources,
    value service_type: ServiceType,
    some ingress: IngressProps,
    value log_level: LogLevel,
    some_into app_version: String,
    value workers: u32,
    map env,
    some aws_policy: PolicyDocument,
    value disruption: Disruption,
    list load_balancer_source_cidrs: Ipv4Cidr,
    value termination_grace_period_seconds: u32,
} }

impl FlaskAppProps {
    /// Connects the app to `database` (a `&Database` or its [`DatabaseConnection`]) as
    /// [`WorkloadProps::database`](crate::WorkloadProps::database()) does: the service reads
    /// `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_SECRET_ARN` and `DB_SSLMODE`, fetches the
    /// credentials from Secrets Manager through the pod's IRSA role, and its readiness then
    /// depends on the database.
    #[must_use]
    pub fn database(mut self, database: impl Into<DatabaseConnection>) -> Self {
        self.database = Some(database.into());
        self
    }

    /// A fixed number of replicas: no HorizontalPodAutoscaler (`autoscaling: None`).
    #[must_use]
    pub fn without_autoscaling(mut self) -> Self {
        self.autoscaling = None;
        self
    }

    /// Leaves the Ingress out (`ingress: None`).
    #[must_use]
    pub fn without_ingress(mut self) -> Self {
        self.ingress = None;
        self
    }

    /// Adds the environment variable `name=value` to [`env`](Self::env).
    #[must_use]
    pub fn env_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }
}

/// The setter names of 0.1, kept for one release.
impl FlaskAppProps {
    /// Names the app's objects `name` instead of the construct id.
    #[deprecated(since = "0.2.0", note = "use `name`")]
    #[must_use]
    pub fn with_name(self, name: &str) -> Self {
        self.name(name)
    }

    /// Runs the app in `namespace`.
    #[deprecated(since = "0.2.0", note = "use `namespace`")]
    #[must_use]
    pub fn with_namespace(self, namespace: &str) -> Self {
        self.namespace(namespace)
    }

    /// Sets the pods when idle (the HPA's minimum with autoscaling).
    #[deprecated(since = "0.2.0", note = "use `replicas`")]
    #[must_use]
    pub fn with_replicas(self, replicas: u32) -> Self {
        self.replicas(replicas)
    }

    /// Sets (or with `None` turns off) autoscaling.
    #[deprecated(since = "0.2.0", note = "use `autoscaling` or `without_autoscaling`")]
    #[must_use]
    pub fn with_autoscaling(mut self, autoscaling: Option<Autoscaling>) -> Self {
        self.autoscaling = autoscaling;
        self
    }

    /// Sets the pods' requests and limits.
    #[deprecated(since = "0.2.0", note = "use `resources`")]
    #[must_use]
    pub fn with_resources(self, resources: ComputeResources) -> Self {
        self.resources(resources)
    }

    /// Sets how the Service is exposed.
    #[deprecated(since = "0.2.0", note = "use `service_type`")]
    #[must_use]
    pub fn with_service_type(self, service_type: ServiceType) -> Self {
        self.service_type(service_type)
    }

    /// Puts `ingress` in front of the app.
    #[deprecated(since = "0.2.0", note = "use `ingress`")]
    #[must_use]
    pub fn with_ingress(self, ingress: IngressProps) -> Self {
        self.ingress(ingress)
    }

    /// Adds an environment variable.
    #[deprecated(since = "0.2.0", note = "use `env_var`")]
    #[must_use]
    pub fn with_env(self, name: &str, value: &str) -> Self {
        self.env_var(name, value)
    }

    /// Gives the pods an IRSA role with `policy`.
    #[deprecated(since = "0.2.0", note = "use `aws_policy`")]
    #[must_use]
    pub fn with_aws_policy(self, policy: PolicyDocument) -> Self {
        self.aws_policy(policy)
    }

    /// Narrows the addresses the load balancer connects from (now typed: `Ipv4Cidr`, or an
    /// `Ipv4Net` such as `vpc.cidr()`).
    #[deprecated(since = "0.2.0", note = "use `load_balancer_source_cidrs`")]
    #[must_use]
    pub fn with_load_balancer_source_cidrs(self, cidrs: impl IntoIterator<Item = impl Into<Ipv4Cidr>>) -> Self {
        self.load_balancer_source_cidrs(cidrs.into_iter().map(Into::into))
    }
}
