//! Every check of a [`WorkloadProps`], run before anything is added so that all problems are
//! reported at once, each with the construct path and a fix.

use stackwright_core::Problems;
use stackwright_core::names::dns1123_label_problem;

use super::container::{ContainerSpec, ProbeAction, ProbeSpec};
use super::load_balancer::valid_lb_name;
use super::props::{ServiceKind, WorkloadProps};
use super::scaling::{HpaMetric, ScalingPolicy, ScalingRate, valid_quantity};
use crate::workload::image::valid_env_name;

impl WorkloadProps {
    /// What is valid but likely not meant (message, hint): synth prints these as warnings. A
    /// container without probes is valid (a batch-like worker may have nothing to probe), but
    /// then Kubernetes never restarts a hung process, and a pod is ready (to its Service, to a
    /// rollout) as soon as it starts; checkov fails such a Deployment (CKV_K8S_8, CKV_K8S_9).
    pub(crate) fn warnings(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.container.liveness.is_none() {
            out.push((
                "the container has no liveness probe: a hung process is never restarted".to_string(),
                format!("add one, such as ContainerSpec::liveness({})", self.container.probe_example("/healthz")),
            ));
        }
        if self.container.readiness.is_none() {
            out.push((
                "the container has no readiness probe: a pod counts as ready (for its Service and for a rollout) as soon as it starts".to_string(),
                format!("add one, such as ContainerSpec::readiness({})", self.container.probe_example("/ready")),
            ));
        }
        out
    }

    /// Records every problem of these props; `name` is the resolved name.
    pub(crate) fn check(&self, problems: &mut Problems, name: &str) {
        check_name(problems, name);
        self.container.check(problems);
        self.check_exposure(problems);
        self.check_scaling(problems);
        self.check_conventions(problems);
    }

    /// The metrics endpoint, the own configuration and Role, the component label and the
    /// rollout timings.
    fn check_conventions(&self, problems: &mut Problems) {
        if let Some(metrics) = &self.metrics {
            if self.metrics_port().is_none() {
                problems.push(
                    format!("the metrics endpoint is on port '{}', which the container does not have", metrics.port),
                    "name one of the container's ports (ContainerSpec::port)",
                );
            }
            check_path(problems, "metrics", &metrics.path);
        }
        if let Some(path) = &self.health_check_path {
            check_path(problems, "health check", path);
        }
        for key in self.config.keys().filter(|k| !valid_env_name(k)) {
            problems.push(
                format!("config key '{key}' is not a valid environment variable name"),
                "use letters, digits and '_', not starting with a digit (every key becomes a variable)",
            );
        }
        for rule in &self.role_rules {
            if rule.api_groups.is_empty() || rule.resources.is_empty() || rule.verbs.is_empty() {
                problems.push(
                    "a Role rule has no API group, resource or verb",
                    "give each: RoleRule::new([\"\"], [\"configmaps\"], [\"get\"]) (\"\" is the core group)",
                );
            }
        }
        let label_ok = !self.component.is_empty()
            && self.component.len() <= 63
            && self.component.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && self.component.starts_with(|c: char| c.is_ascii_alphanumeric())
            && self.component.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !label_ok {
            problems.push(
                format!("component '{}' is not a Kubernetes label value", self.component),
                "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
            );
        }
        if let Some(deadline) = self.progress_deadline_seconds
            && deadline <= self.min_ready_seconds
        {
            problems.push(
                format!(
                    "the progress deadline ({deadline}s) is not longer than min_ready_seconds ({}s)",
                    self.min_ready_seconds
                ),
                "give a rollout more time than a pod needs to become available (600 s is Kubernetes' default)",
            );
        }
    }

    fn check_exposure(&self, problems: &mut Problems) {
        if self.container.ports.is_empty() && self.service != ServiceKind::None {
            problems.push(
                format!("the workload has a {:?} Service but its container has no port", self.service),
                "add a port (ContainerSpec::port) or say .service(ServiceKind::None) for a worker",
            );
        }
        if !self.allow_from.is_empty() && self.container.ports.is_empty() {
            problems.push(
                "the workload allows other workloads in, but its container has no port",
                "add the port they connect to (ContainerSpec::port), or drop allow_from",
            );
        }
        if let Some(ingress) = &self.ingress {
            if matches!(self.service, ServiceKind::None | ServiceKind::Headless) {
                problems.push(
                    "the workload has an Ingress but no Service with a cluster IP for it to route to",
                    "use ServiceKind::ClusterIp (the default), or drop the Ingress",
                );
            }
            if ingress.tls && ingress.certificate.is_none() {
                problems.push(
                    "the Ingress has TLS but no certificate",
                    "give it the ACM certificate's ARN: AlbIngress::https(\"arn:aws:acm:…\".parse()?), or turn tls off",
                );
            }
            if ingress.certificate.is_some() && !ingress.tls {
                problems.push(
                    "the Ingress has a certificate but TLS is off",
                    "turn tls on (AlbIngress::https sets both), or drop the certificate",
                );
            }
            if let Some(group) = &ingress.group
                && let Some(problem) = dns1123_label_problem(group)
            {
                problems.push(format!("invalid ALB group name: {problem}"), "use a lower-case DNS-1123 label");
            }
            if let Some(name) = &ingress.load_balancer_name
                && !valid_lb_name(name)
            {
                problems.push(
                    format!("'{name}' is not a valid load balancer name"),
                    "use 1 to 32 letters, digits and '-', not starting or ending with '-' and not starting with 'internal-'",
                );
            }
            if let Some(delay) = ingress.deregistration_delay_seconds
                && delay > 3600
            {
                problems.push(
                    format!("a deregistration delay of {delay}s is longer than AWS accepts"),
                    "use 0 to 3600 seconds, about the pods' drain time",
                );
            }
        }
    }

    fn check_scaling(&self, problems: &mut Problems) {
        if self.replicas == 0 && self.autoscaling.is_some() {
            problems.push("an HPA cannot scale from 0 replicas", "set replicas (the HPA's minimum) to 1 or more");
        }
        let Some(hpa) = &self.autoscaling else {
            return;
        };
        if hpa.metrics.is_empty() {
            problems.push(
                "the HPA has no metric to scale on",
                "give it at least one: Hpa::new(10, [HpaMetric::memory(80)]), or leave autoscaling out",
            );
        }
        if hpa.max_replicas < self.replicas.max(1) {
            problems.push(
                format!("the HPA's maximum ({}) is below its minimum, replicas ({})", hpa.max_replicas, self.replicas),
                "raise max_replicas or lower replicas",
            );
        }
        if hpa.scale_up_stabilization_seconds.is_some_and(|s| s > 3600) {
            problems.push(
                "the HPA's scale-up stabilization window is longer than an hour",
                "use 0 to 3600 seconds (none: Kubernetes' 0)",
            );
        }
        for (direction, rate) in [("scale-up", &hpa.scale_up_rate), ("scale-down", &hpa.scale_down_rate)] {
            if let Some(rate) = rate {
                check_rate(problems, direction, rate);
            }
        }
        for metric in &hpa.metrics {
            use HpaMetric::{Cpu, Memory};
            check_metric_target(problems, metric);
            if let Cpu { utilization: p } | Memory { utilization: p } = metric
                && !(1..=1000).contains(p)
            {
                problems.push(
                    format!("HPA target of {p}% is out of range"),
                    "aim at 1 to 1000 percent of the request, such as 70",
                );
            }
        }
    }
}

/// The name and target of a `Pods`, `Object` or `External` metric: a name the metrics API can
/// carry and a positive Kubernetes quantity (a target like `"500 m"` fails only at apply).
fn check_metric_target(problems: &mut Problems, metric: &HpaMetric) {
    let (name, target) = match metric {
        HpaMetric::Cpu { .. } | HpaMetric::Memory { .. } => return,
        HpaMetric::Pods { metric, average_value } | HpaMetric::External { metric, average_value, .. } => {
            (metric, average_value)
        }
        HpaMetric::Object { metric, value, .. } => (metric, value),
    };
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '/') {
        problems.push(
            format!("'{name}' is not a metric name the metrics API can serve"),
            "name the metric as its adapter serves it, such as http_requests_per_second",
        );
    }
    if !valid_quantity(target) {
        problems.push(
            format!("'{target}' is not a valid positive quantity for the HPA target of metric '{name}'"),
            "write a number such as \"20\" or \"500m\"",
        );
    }
}

/// A URL path: absolute, without spaces.
fn check_path(problems: &mut Problems, what: &str, path: &str) {
    if !path.starts_with('/') || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        problems
            .push(format!("the {what} path '{path}' is not an absolute URL path"), "start it with '/', without spaces");
    }
}

/// At least one policy, each of a positive amount over 1 to 1800 seconds.
fn check_rate(problems: &mut Problems, direction: &str, rate: &ScalingRate) {
    if rate.policies.is_empty() {
        problems.push(
            format!("the HPA's {direction} rate has no policy"),
            "give it one, such as ScalingPolicy::percent(100, 30), or leave the rate out",
        );
    }
    for policy in &rate.policies {
        let (ScalingPolicy::Percent { percent: amount, period_seconds: period }
        | ScalingPolicy::Pods { pods: amount, period_seconds: period }) = *policy;
        if amount == 0 || i32::try_from(amount).is_err() || !(1..=1800).contains(&period) {
            problems.push(
                format!("the HPA's {direction} policy {policy:?} is out of range"),
                "allow 1 or more pods or percent per 1 to 1800 seconds",
            );
        }
    }
}

pub(super) fn check_name(problems: &mut Problems, name: &str) {
    let dns1035 = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    match dns1123_label_problem(name) {
        Some(problem) => problems.push(
            format!("invalid workload name: {problem}"),
            "name the workload (construct id or props.name) with lower-case letters, digits and '-'",
        ),
        None if !dns1035 => problems.push(
            format!("workload name '{name}' does not start with a letter (a Service name must)"),
            "start the name with a lower-case letter",
        ),
        None if name.len() > 50 => problems.push(
            format!("workload name '{name}' is {} characters long; at most 50 leave room for suffixes", name.len()),
            "choose a shorter name",
        ),
        None => {}
    }
}

impl ContainerSpec {
    /// Records every problem of the container.
    pub(super) fn check(&self, problems: &mut Problems) {
        problems.extend(self.resources.problems(problems.path()));
        problems.extend(self.image.problems(problems.path()));
        if self.run_as_user <= 0 {
            problems.push(
                format!("the container runs as user {}: root or invalid", self.run_as_user),
                "run as a non-root user such as 10001 (the Pod Security restricted profile requires it)",
            );
        }
        for (i, port) in self.ports.iter().enumerate() {
            let valid = !port.name.is_empty()
                && port.name.len() <= 15
                && port.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && port.name.bytes().any(|b| b.is_ascii_lowercase());
            if !valid {
                problems.push(
                    format!("port name '{}' is not an IANA service name", port.name),
                    "use at most 15 lower-case letters, digits and '-', such as 'http'",
                );
            }
            if port.port == 0 {
                problems.push(format!("port '{}' is 0", port.name), "give the port the container listens on");
            }
            if self.ports[..i].iter().any(|p| p.name == port.name || p.port == port.port) {
                problems.push(
                    format!("port '{}' ({}) is listed twice", port.name, port.port),
                    "give each port its own name and number",
                );
            }
        }
        for (what, probe) in [("liveness", &self.liveness), ("readiness", &self.readiness), ("startup", &self.startup)]
        {
            if let Some(probe) = probe {
                self.check_probe(problems, what, probe);
            }
        }
        for name in self.env.keys().filter(|n| !valid_env_name(n)) {
            problems.push(
                format!("environment variable name '{name}' is invalid"),
                "use letters, digits and '_', not starting with a digit",
            );
        }
        for mount in self.files.iter().filter(|m| !m.path.starts_with('/') || m.path == "/tmp") {
            problems.push(
                format!("files mounted at '{}': the path must be absolute and not /tmp", mount.path),
                "mount them at an absolute path of their own, such as /etc/app",
            );
        }
    }

    /// A probe this container could have, for a hint: on its first port (gRPC when the port's
    /// name says so, else HTTP GET of `path`), or a command when it has no port.
    fn probe_example(&self, path: &str) -> String {
        match self.ports.first() {
            Some(port) if port.name.contains("grpc") => format!("ProbeSpec::grpc(\"{}\")", port.name),
            Some(port) => format!("ProbeSpec::http(\"{path}\", \"{}\")", port.name),
            None => "ProbeSpec::exec([\"/bin/sh\", \"-c\", \"…\"])".to_string(),
        }
    }

    fn check_probe(&self, problems: &mut Problems, what: &str, probe: &ProbeSpec) {
        let port = match &probe.action {
            ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } => Some(port),
            ProbeAction::Grpc { port, service } => {
                if service.as_deref().is_some_and(|s| s.trim().is_empty()) {
                    problems.push(
                        format!("the {what} probe asks the gRPC health of an empty service name"),
                        "name the service (package.Service), or use ProbeSpec::grpc(port) for the server's health",
                    );
                }
                Some(port)
            }
            ProbeAction::Exec { command } => {
                if command.is_empty() {
                    problems.push(format!("the {what} probe runs an empty command"), "give the command to run");
                }
                None
            }
        };
        if let Some(port) = port
            && !self.ports.iter().any(|p| &p.name == port)
        {
            problems.push(
                format!("the {what} probe checks port '{port}', which the container does not have"),
                "name one of the container's ports (ContainerSpec::port)",
            );
        }
        if probe.period_seconds == 0 || probe.timeout_seconds == 0 || probe.failure_threshold == 0 {
            problems
                .push(format!("the {what} probe has a timing of 0"), "use 1 or more for period, timeout and failures");
        }
    }
}
