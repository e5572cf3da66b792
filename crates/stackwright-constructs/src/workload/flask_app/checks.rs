//! Every check of a [`FlaskAppProps`], run before anything is added so that all problems are
//! reported at once, each with the construct path and a fix.

use stackwright_core::Diagnostic;
use stackwright_core::names::dns1123_label_problem;

use super::DRAIN_SECONDS;
use super::props::{Certificate, Disruption, FlaskAppProps, IngressProps, ServiceType};
use crate::workload::general::{valid_lb_name, valid_metric_name, valid_quantity};
use crate::workload::image::valid_env_name;

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

impl FlaskAppProps {
    /// Every problem with these props, reported at `path`. `name` is the resolved name.
    pub(crate) fn problems(&self, path: &str, name: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        self.identity_problems(path, name, &mut out);
        self.scaling_problems(path, &mut out);
        out.extend(self.resources.problems(path));
        out.extend(self.image.problems(path));
        self.runtime_problems(path, &mut out);
        self.network_problems(path, &mut out);
        out
    }

    /// What is valid but likely not meant (message, hint): synth prints these as warnings.
    /// A disruption budget that lets every pod go at once protects nothing: a node drain may
    /// take the whole app down, which a budget is written to prevent.
    pub(crate) fn warnings(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Disruption::MaxUnavailable(n) = self.disruption
            && n >= self.replicas
            && self.replicas > 0
        {
            out.push((
                format!(
                    "the disruption budget allows {n} unavailable pods of {} replicas: a node drain may stop them all",
                    self.replicas
                ),
                "allow fewer than replicas, such as Disruption::MaxUnavailable(1) (the default)".to_string(),
            ));
        }
        out
    }

    /// The name, namespace, port and paths.
    fn identity_problems(&self, path: &str, name: &str, out: &mut Vec<Diagnostic>) {
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
    }

    /// The replicas and the autoscaler.
    fn scaling_problems(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let mut bad = |message: String, hint: &str| out.push(Diagnostic::new(path, message, hint));
        if self.replicas == 0 {
            bad("replicas is 0".into(), "run at least 2 replicas (3 by default) so that a pod or zone can fail");
        }
        // Kubernetes counts in int32: a larger count would wrap to a negative number.
        let counts = [
            ("replicas", Some(self.replicas)),
            ("autoscaling.max_replicas", self.autoscaling.as_ref().map(|a| a.max_replicas)),
        ];
        for (what, count) in counts {
            if let Some(n) = count.filter(|n| i32::try_from(*n).is_err()) {
                bad(
                    format!("{what} {n} is more than Kubernetes can count"),
                    "use at most 2147483647 (Kubernetes' int32)",
                );
            }
        }
        if let Disruption::MaxUnavailable(n) | Disruption::MinAvailable(n) = self.disruption
            && i32::try_from(n).is_err()
        {
            bad(
                format!("a disruption budget of {n} pods is more than Kubernetes can count"),
                "use at most 2147483647 (Kubernetes' int32)",
            );
        }
        if let Some(a) = &self.autoscaling {
            if a.scale_down_stabilization_seconds > 3600 {
                bad(
                    format!(
                        "a scale-down stabilization window of {}s is longer than Kubernetes accepts",
                        a.scale_down_stabilization_seconds
                    ),
                    "use 0 to 3600 seconds (300 by default)",
                );
            }
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
    }

    /// The disruption budget, the workers, the version and the environment.
    fn runtime_problems(&self, path: &str, out: &mut Vec<Diagnostic>) {
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
    }

    /// The load balancer's sources, the grace period and the Ingress.
    fn network_problems(&self, path: &str, out: &mut Vec<Diagnostic>) {
        if self.load_balancer_source_cidrs.is_empty()
            && (self.ingress.is_some() || self.service_type == ServiceType::LoadBalancer)
        {
            out.push(Diagnostic::new(
                path,
                "no load balancer source CIDRs: the NetworkPolicy would block the load balancer",
                "list the VPC's CIDR in load_balancer_source_cidrs",
            ));
        }
        if self.termination_grace_period_seconds < DRAIN_SECONDS + 5 {
            out.push(Diagnostic::new(
                path,
                format!(
                    "termination grace period {}s leaves no time to finish requests after the {}s drain",
                    self.termination_grace_period_seconds, DRAIN_SECONDS
                ),
                format!("use at least {} seconds (45 by default)", DRAIN_SECONDS + 5),
            ));
        }
        if let Some(ingress) = &self.ingress {
            out.extend(ingress_problems(ingress, path));
        }
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
