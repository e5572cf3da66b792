//! What a [`FlaskApp`](super::FlaskApp) can be configured with, and how it is checked.

use std::collections::BTreeMap;

use ipnet::IpNet;
use stackwright_core::names::dns1123_label_problem;
use stackwright_core::{Arn, Attr, Diagnostic};

use crate::iam::PolicyDocument;
use crate::workload::image::{ContainerImage, valid_env_name};
use crate::workload::resources::{ComputeResources, Cpu, Memory};

/// The contract of the Flask service in `examples/flask-app` (its `service.json`): the port
/// it listens on and its probe and metrics paths.
pub const SERVICE_PORT: u16 = 8080;
pub const LIVENESS_PATH: &str = "/healthz";
pub const READINESS_PATH: &str = "/readyz";
pub const METRICS_PATH: &str = "/metrics";
/// The image's user and group (`USER 10001:10001` in its Dockerfile).
pub const SERVICE_UID: i64 = 10001;

/// Environment variables the construct sets itself; `env` may not override them.
pub(crate) const RESERVED_ENV: [&str; 8] = [
    "PORT",
    "APP_NAME",
    "APP_VERSION",
    "LOG_LEVEL",
    "GUNICORN_WORKERS",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "READINESS_DRAIN_FILE",
    "PROMETHEUS_MULTIPROC_DIR",
];

/// The service's log level (`LOG_LEVEL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogLevel {
    Debug,
    #[default]
    Info,
    Warning,
    Error,
    Critical,
}

impl LogLevel {
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
    #[default]
    InternetFacing,
    Internal,
}

impl Scheme {
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
    pub scheme: Scheme,
    /// Answer only for this host name; all hosts when `None`.
    pub host: Option<String>,
    /// With a certificate the ALB listens on 443 too.
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

    pub fn with_host(mut self, host: &str) -> Self {
        self.host = Some(host.to_string());
        self
    }

    pub fn internal(mut self) -> Self {
        self.scheme = Scheme::Internal;
        self
    }
}

/// A metric served by a custom-metrics adapter (such as prometheus-adapter), averaged over the
/// pods: `http_requests_per_second` with a target of `"20"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomMetric {
    pub name: String,
    /// The target average per pod, as a Kubernetes quantity (`"20"`, `"500m"`).
    pub target_average_value: String,
}

/// The HorizontalPodAutoscaler (`autoscaling/v2`). Its minimum is the app's `replicas`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autoscaling {
    pub max_replicas: u32,
    /// Target average CPU use, in percent of the request.
    pub cpu_utilization: u32,
    /// Target average memory use, in percent of the request; `None` to scale on CPU only.
    pub memory_utilization: Option<u32>,
    pub custom_metric: Option<CustomMetric>,
    /// How long the load must stay low before pods are removed.
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
    MaxUnavailable(u32),
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
    pub image: ContainerImage,
    /// The name of the app's Kubernetes objects (a DNS-1035 label); by default the construct id.
    pub name: Option<String>,
    /// The namespace the app runs in, created by the construct.
    pub namespace: String,
    /// The port the service listens on (`PORT`).
    pub port: u16,
    pub liveness_path: String,
    pub readiness_path: String,
    pub metrics_path: String,
    /// Pods when idle: the Deployment's size without autoscaling, the HPA's minimum with it.
    pub replicas: u32,
    /// `None` for a fixed number of replicas.
    pub autoscaling: Option<Autoscaling>,
    pub resources: ComputeResources,
    pub service_type: ServiceType,
    /// `None` for no Ingress.
    pub ingress: Option<IngressProps>,
    pub log_level: LogLevel,
    /// `APP_VERSION`; by default the image tag when it is known at synth.
    pub app_version: Option<String>,
    /// gunicorn worker processes per pod (`GUNICORN_WORKERS`, 1 to 64).
    pub workers: u32,
    /// More environment variables (written into the app's ConfigMap).
    pub env: BTreeMap<String, String>,
    /// Permissions for the app's AWS calls (IRSA). `None`: the pods get no AWS role.
    pub aws_policy: Option<PolicyDocument>,
    pub disruption: Disruption,
    /// Addresses the load balancer connects from (its nodes live in the VPC): the
    /// NetworkPolicy lets only these reach the app's port. Narrow it to the VPC's CIDR.
    pub load_balancer_source_cidrs: Vec<String>,
    /// Seconds a pod gets to finish after it is told to stop (drain included).
    pub termination_grace_period_seconds: u32,
}

impl FlaskAppProps {
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

    pub fn with_name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = namespace.to_string();
        self
    }

    pub fn with_replicas(mut self, replicas: u32) -> Self {
        self.replicas = replicas;
        self
    }

    pub fn with_autoscaling(mut self, autoscaling: Option<Autoscaling>) -> Self {
        self.autoscaling = autoscaling;
        self
    }

    pub fn with_resources(mut self, resources: ComputeResources) -> Self {
        self.resources = resources;
        self
    }

    pub fn with_service_type(mut self, service_type: ServiceType) -> Self {
        self.service_type = service_type;
        self
    }

    pub fn with_ingress(mut self, ingress: IngressProps) -> Self {
        self.ingress = Some(ingress);
        self
    }

    pub fn without_ingress(mut self) -> Self {
        self.ingress = None;
        self
    }

    pub fn with_env(mut self, name: &str, value: &str) -> Self {
        self.env.insert(name.to_string(), value.to_string());
        self
    }

    pub fn with_aws_policy(mut self, policy: PolicyDocument) -> Self {
        self.aws_policy = Some(policy);
        self
    }

    pub fn with_load_balancer_source_cidrs<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.load_balancer_source_cidrs = cidrs.into_iter().map(Into::into).collect();
        self
    }

    /// Every problem with these props, reported at `path`. `name` is the resolved name.
    pub(crate) fn problems(&self, path: &str, name: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut bad = |message: String, hint: &str| out.push(Diagnostic::new(path, message, hint));
        if let Some(problem) = dns1035_label_problem(name) {
            bad(
                format!("invalid app name: {problem}"),
                "name the app (construct id or props.name) with lower-case letters, digits and '-', starting with a letter",
            );
        } else if name.len() > 50 {
            bad(
                format!(
                    "app name '{name}' is {} characters long; at most 50 leave room for suffixes such as '-config'",
                    name.len()
                ),
                "choose a shorter name",
            );
        }
        if let Some(problem) = dns1123_label_problem(&self.namespace) {
            bad(format!("invalid namespace: {problem}"), "use a lower-case DNS-1123 label such as 'flask-app'");
        } else if self.namespace == "default" || self.namespace.starts_with("kube-") || self.namespace == "monitoring" {
            bad(
                format!("namespace '{}' is not the app's own", self.namespace),
                "give the app a namespace of its own: its Pod Security labels and NetworkPolicies apply to the whole namespace",
            );
        }
        if self.port == 0 {
            bad("port 0 is out of range".into(), "use a port between 1024 and 65535");
        } else if self.port < 1024 {
            bad(
                format!("port {} is privileged: the service runs as a non-root user without capabilities", self.port),
                "use a port between 1024 and 65535 (the Service maps port 80 to it)",
            );
        }
        for (what, p) in
            [("liveness", &self.liveness_path), ("readiness", &self.readiness_path), ("metrics", &self.metrics_path)]
        {
            if !p.starts_with('/') || p.chars().any(|c| c.is_whitespace() || c.is_control()) {
                bad(format!("the {what} path '{p}' is not an absolute URL path"), "start it with '/', without spaces");
            }
        }
        if self.replicas == 0 {
            bad("replicas is 0".into(), "run at least 2 replicas (3 by default) so that a pod or zone can fail");
        }
        if let Some(a) = &self.autoscaling {
            if a.max_replicas < self.replicas {
                bad(
                    format!(
                        "the autoscaler's minimum ({}, from replicas) is greater than its maximum ({})",
                        self.replicas, a.max_replicas
                    ),
                    "raise autoscaling.max_replicas or lower replicas",
                );
            }
            if a.cpu_utilization == 0 || a.cpu_utilization > 1000 {
                bad(
                    format!("CPU utilization target {}% is out of range", a.cpu_utilization),
                    "use a percentage of the CPU request between 1 and 1000 (70 is a good start)",
                );
            }
            if let Some(m) = a.memory_utilization
                && (m == 0 || m > 1000)
            {
                bad(
                    format!("memory utilization target {m}% is out of range"),
                    "use a percentage of the memory request between 1 and 1000, or None",
                );
            }
            if let Some(c) = &a.custom_metric {
                if !valid_metric_name(&c.name) {
                    bad(
                        format!("'{}' is not a valid metric name", c.name),
                        "use letters, digits, '_' and ':', not starting with a digit",
                    );
                }
                if !valid_quantity(&c.target_average_value) {
                    bad(
                        format!(
                            "'{}' is not a valid positive quantity for the custom metric target",
                            c.target_average_value
                        ),
                        "write a number such as \"20\" or \"500m\"",
                    );
                }
            }
        }
        out.extend(self.resources.problems(path));
        out.extend(self.image.problems(path));
        match self.disruption {
            Disruption::MaxUnavailable(0) => out.push(Diagnostic::new(
                path,
                "the disruption budget allows 0 unavailable pods: node drains and cluster upgrades would hang",
                "allow at least 1 (Disruption::MaxUnavailable(1))",
            )),
            Disruption::MinAvailable(n) if n >= self.replicas && self.replicas > 0 => out.push(Diagnostic::new(
                path,
                format!(
                    "the disruption budget keeps {n} of {} replicas available: node drains would hang",
                    self.replicas
                ),
                "keep fewer pods available than replicas, or use Disruption::MaxUnavailable(1)",
            )),
            _ => {}
        }
        if !(1..=64).contains(&self.workers) {
            out.push(Diagnostic::new(
                path,
                format!("{} gunicorn workers is out of range", self.workers),
                "use 1 to 64 workers (the service rejects other values)",
            ));
        }
        if let Some(v) = &self.app_version
            && (v.is_empty() || v.len() > 64 || !v.chars().all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c)))
        {
            out.push(Diagnostic::new(
                path,
                format!("app version '{v}' is not accepted by the service"),
                "use 1 to 64 letters, digits, '.', '_', '+' and '-'",
            ));
        }
        for key in self.env.keys() {
            if !valid_env_name(key) {
                out.push(Diagnostic::new(
                    path,
                    format!("'{key}' is not a valid environment variable name"),
                    "use letters, digits and '_', not starting with a digit",
                ));
            } else if RESERVED_ENV.contains(&key.as_str()) {
                out.push(Diagnostic::new(
                    path,
                    format!("environment variable '{key}' is set by the construct"),
                    "use the matching prop instead (port, log_level, workers, app_version, …)",
                ));
            }
        }
        for cidr in &self.load_balancer_source_cidrs {
            if cidr.parse::<IpNet>().is_err() {
                out.push(Diagnostic::new(
                    path,
                    format!("'{cidr}' is not a CIDR block"),
                    "write it as address/prefix, such as 10.0.0.0/16",
                ));
            }
        }
        if self.load_balancer_source_cidrs.is_empty()
            && (self.ingress.is_some() || self.service_type == ServiceType::LoadBalancer)
        {
            out.push(Diagnostic::new(
                path,
                "no load balancer source CIDRs: the NetworkPolicy would block the load balancer",
                "list the VPC's CIDR in load_balancer_source_cidrs",
            ));
        }
        if self.termination_grace_period_seconds < super::DRAIN_SECONDS + 5 {
            out.push(Diagnostic::new(
                path,
                format!(
                    "termination grace period {}s leaves no time to finish requests after the {}s drain",
                    self.termination_grace_period_seconds,
                    super::DRAIN_SECONDS
                ),
                format!("use at least {} seconds (45 by default)", super::DRAIN_SECONDS + 5),
            ));
        }
        if let Some(ingress) = &self.ingress {
            out.extend(ingress_problems(ingress, path));
        }
        out
    }
}

fn ingress_problems(ingress: &IngressProps, path: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(host) = &ingress.host {
        let labels_ok = host.split('.').all(|l| dns1123_label_problem(l).is_none());
        if host.len() > 253 || !labels_ok || !host.contains('.') {
            out.push(Diagnostic::new(
                path,
                format!("'{host}' is not a valid host name for the Ingress"),
                "use a fully qualified lower-case name such as app.example.com",
            ));
        }
    }
    if let Some(Certificate::Arn(arn)) = &ingress.certificate {
        let ok = arn.starts_with("arn:aws") && (arn.contains(":acm:") || arn.contains(":iam::"));
        if !ok || arn.contains(char::is_whitespace) {
            out.push(Diagnostic::new(
                path,
                format!("'{arn}' is not an ACM or IAM certificate ARN"),
                "copy the ARN from `aws acm list-certificates` (arn:aws:acm:<region>:<account>:certificate/<id>)",
            ));
        }
    }
    if let Some(name) = &ingress.load_balancer_name
        && !valid_lb_name(name)
    {
        out.push(Diagnostic::new(
            path,
            format!("'{name}' is not a valid load balancer name"),
            "use 1 to 32 letters, digits and '-', not starting or ending with '-' and not starting with 'internal-'",
        ));
    }
    out
}

pub(crate) fn valid_lb_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.starts_with("internal-")
}

/// A DNS-1035 label (Service names): a DNS-1123 label that starts with a letter.
pub(crate) fn dns1035_label_problem(name: &str) -> Option<String> {
    if let Some(p) = dns1123_label_problem(name) {
        return Some(p);
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some(format!("'{name}' must start with a lower-case letter"));
    }
    None
}

pub(crate) fn valid_metric_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// A positive Kubernetes quantity: a decimal number with an optional SI or binary suffix.
pub(crate) fn valid_quantity(q: &str) -> bool {
    let suffixes = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E", ""];
    suffixes.iter().any(|s| {
        q.strip_suffix(s).is_some_and(|n| {
            !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit() || c == '.')
                && n.chars().filter(|c| *c == '.').count() <= 1
                && n.chars().any(|c| c.is_ascii_digit() && c != '0')
        })
    })
}
