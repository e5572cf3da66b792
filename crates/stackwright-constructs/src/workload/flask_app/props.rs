//! What a [`FlaskApp`](super::FlaskApp) can be configured with (checked in `checks.rs`).

use std::collections::BTreeMap;

use stackwright_core::{Arn, Attr};

use crate::iam::PolicyDocument;
use crate::workload::image::ContainerImage;
use crate::workload::resources::{ComputeResources, Cpu, Memory};

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

/// Whether a load balancer is reachable from the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Reachable from the internet (the default).
    #[default]
    InternetFacing,
    /// Reachable from inside the VPC only.
    Internal,
}

impl Scheme {
    /// The value of the `alb.ingress.kubernetes.io/scheme` annotation.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::InternetFacing => "internet-facing",
            Scheme::Internal => "internal",
        }
    }
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
    /// Internet-facing or internal; default: internet-facing.
    pub scheme: Scheme,
    /// Answer only for this host name; all hosts when `None` (the default).
    pub host: Option<String>,
    /// With a certificate the ALB listens on 443 too; default: none (HTTP only).
    pub certificate: Option<Certificate>,
    /// Redirect HTTP to HTTPS (needs a certificate). On by default once a certificate is set.
    pub ssl_redirect: bool,
    /// The ALB's name (at most 32 letters, digits and '-'); by default `<cluster>-<app>`.
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

impl IngressProps {
    /// Serves HTTPS with an existing ACM certificate and redirects HTTP to it.
    pub fn https(certificate_arn: &str) -> Self {
        IngressProps { certificate: Some(Certificate::Arn(certificate_arn.to_string())), ..Default::default() }
    }

    /// Answers only for `host`.
    #[must_use]
    pub fn with_host(mut self, host: &str) -> Self {
        self.host = Some(host.to_string());
        self
    }

    /// Makes the load balancer internal.
    #[must_use]
    pub fn internal(mut self) -> Self {
        self.scheme = Scheme::Internal;
        self
    }
}

/// A metric served by a custom-metrics adapter (such as prometheus-adapter), averaged over the
/// pods: `http_requests_per_second` with a target of `"20"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomMetric {
    /// The metric's name.
    pub name: String,
    /// The target average per pod, as a Kubernetes quantity (`"20"`, `"500m"`).
    pub target_average_value: String,
}

/// The HorizontalPodAutoscaler (`autoscaling/v2`). Its minimum is the app's `replicas`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autoscaling {
    /// The most pods; default 10.
    pub max_replicas: u32,
    /// Target average CPU use, in percent of the request; default 70.
    pub cpu_utilization: u32,
    /// Target average memory use, in percent of the request; `None` to scale on CPU only.
    /// Default 80.
    pub memory_utilization: Option<u32>,
    /// A custom metric to scale on as well; default: none.
    pub custom_metric: Option<CustomMetric>,
    /// How long the load must stay low before pods are removed; default 300 seconds.
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

/// How many pods voluntary disruptions (node drains, upgrades) may take down at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disruption {
    /// At most this many pods may be down.
    MaxUnavailable(u32),
    /// At least this many pods must stay up.
    MinAvailable(u32),
}

/// Everything a [`FlaskApp`](super::FlaskApp) can be configured with. Defaults are the
/// production ones; [`FlaskAppProps::new`] needs only the image.
///
/// ```
/// use stackwright_constructs::{ContainerImage, FlaskAppProps, ImageReference, IngressProps};
/// let image = ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.0.0".into()));
/// let props = FlaskAppProps::new(image)
///     .with_replicas(4)
///     .with_ingress(IngressProps::https("arn:aws:acm:us-east-1:123456789012:certificate/abc").with_host("app.example.com"));
/// assert_eq!(props.port, 8080);
/// ```
#[derive(Debug, Clone)]
pub struct FlaskAppProps {
    /// The image to run.
    pub image: ContainerImage,
    /// The name of the app's Kubernetes objects (a DNS-1035 label); by default the construct id.
    pub name: Option<String>,
    /// The namespace the app runs in, created by the construct; default `flask-app`.
    pub namespace: String,
    /// The port the service listens on (`PORT`); default [`SERVICE_PORT`].
    pub port: u16,
    /// The liveness probe's path; default [`LIVENESS_PATH`].
    pub liveness_path: String,
    /// The readiness probe's path; default [`READINESS_PATH`].
    pub readiness_path: String,
    /// The metrics path; default [`METRICS_PATH`].
    pub metrics_path: String,
    /// Pods when idle: the Deployment's size without autoscaling, the HPA's minimum; default 3.
    pub replicas: u32,
    /// `None` for a fixed number of replicas; default: on ([`Autoscaling::default`]).
    pub autoscaling: Option<Autoscaling>,
    /// Requests and limits per pod; default 250m CPU and 256 MiB requested, 1 CPU and 512 MiB limited.
    pub resources: ComputeResources,
    /// How the Service is exposed; default: cluster-internal (the Ingress is the way in).
    pub service_type: ServiceType,
    /// `None` for no Ingress; default: an internet-facing ALB ([`IngressProps::default`]).
    pub ingress: Option<IngressProps>,
    /// `LOG_LEVEL`; default `INFO`.
    pub log_level: LogLevel,
    /// `APP_VERSION`; by default the image tag when it is known at synth.
    pub app_version: Option<String>,
    /// gunicorn worker processes per pod (`GUNICORN_WORKERS`, 1 to 64); default 2.
    pub workers: u32,
    /// More environment variables (written into the app's ConfigMap); default: none.
    pub env: BTreeMap<String, String>,
    /// Permissions for the app's AWS calls (IRSA). `None`: the pods get no AWS role.
    pub aws_policy: Option<PolicyDocument>,
    /// The PodDisruptionBudget; default: at most one pod unavailable.
    pub disruption: Disruption,
    /// Addresses the load balancer connects from (its nodes live in the VPC): the
    /// NetworkPolicy lets only these reach the app's port. Narrow it to the VPC's CIDR.
    /// Default: the three RFC 1918 blocks.
    pub load_balancer_source_cidrs: Vec<String>,
    /// Seconds a pod gets to finish after it is told to stop (drain included); default 45.
    pub termination_grace_period_seconds: u32,
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
                .with_limits(Cpu::cores(1), Memory::mebibytes(512)),
            service_type: ServiceType::ClusterIp,
            ingress: Some(IngressProps::default()),
            log_level: LogLevel::Info,
            app_version: None,
            workers: 2,
            env: BTreeMap::new(),
            aws_policy: None,
            disruption: Disruption::MaxUnavailable(1),
            load_balancer_source_cidrs: vec!["10.0.0.0/8".into(), "172.16.0.0/12".into(), "192.168.0.0/16".into()],
            termination_grace_period_seconds: 45,
        }
    }

    /// Names the app's objects `name` instead of the construct id.
    #[must_use]
    pub fn with_name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// Runs the app in `namespace`.
    #[must_use]
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = namespace.to_string();
        self
    }

    /// Sets the pods when idle (the HPA's minimum with autoscaling).
    #[must_use]
    pub fn with_replicas(mut self, replicas: u32) -> Self {
        self.replicas = replicas;
        self
    }

    /// Sets (or with `None` turns off) autoscaling.
    #[must_use]
    pub fn with_autoscaling(mut self, autoscaling: Option<Autoscaling>) -> Self {
        self.autoscaling = autoscaling;
        self
    }

    /// Sets the pods' requests and limits.
    #[must_use]
    pub fn with_resources(mut self, resources: ComputeResources) -> Self {
        self.resources = resources;
        self
    }

    /// Sets how the Service is exposed.
    #[must_use]
    pub fn with_service_type(mut self, service_type: ServiceType) -> Self {
        self.service_type = service_type;
        self
    }

    /// Puts `ingress` in front of the app.
    #[must_use]
    pub fn with_ingress(mut self, ingress: IngressProps) -> Self {
        self.ingress = Some(ingress);
        self
    }

    /// Leaves the Ingress out.
    #[must_use]
    pub fn without_ingress(mut self) -> Self {
        self.ingress = None;
        self
    }

    /// Adds an environment variable.
    #[must_use]
    pub fn with_env(mut self, name: &str, value: &str) -> Self {
        self.env.insert(name.to_string(), value.to_string());
        self
    }

    /// Gives the pods an IRSA role with `policy`.
    #[must_use]
    pub fn with_aws_policy(mut self, policy: PolicyDocument) -> Self {
        self.aws_policy = Some(policy);
        self
    }

    /// Narrows the addresses the load balancer connects from.
    #[must_use]
    pub fn with_load_balancer_source_cidrs<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.load_balancer_source_cidrs = cidrs.into_iter().map(Into::into).collect();
        self
    }
}
