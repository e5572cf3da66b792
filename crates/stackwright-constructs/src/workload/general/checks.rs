//! Every check of a [`WorkloadProps`], run before anything is added so that all problems are
//! reported at once, each with the construct path and a fix.

use stackwright_core::Problems;
use stackwright_core::names::dns1123_label_problem;

use super::container::{ContainerSpec, ProbeAction, ProbeSpec};
use super::props::{ServiceKind, WorkloadProps};
use crate::workload::image::valid_env_name;

impl WorkloadProps {
    /// Records every problem of these props; `name` is the resolved name.
    pub(crate) fn check(&self, problems: &mut Problems, name: &str) {
        check_name(problems, name);
        self.container.check(problems);
        self.check_exposure(problems);
        self.check_scaling(problems);
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
        for metric in &hpa.metrics {
            use super::scaling::HpaMetric::{Cpu, Memory};
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

    fn check_probe(&self, problems: &mut Problems, what: &str, probe: &ProbeSpec) {
        let port = match &probe.action {
            ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } => Some(port),
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
