//! The smoke check that ends each stage of a [`StagedPipeline`](super::StagedPipeline): an
//! HTTP GET of the workload's readiness path, with retries and a timeout, after its rollout.
//!
//! - An **internet-facing ALB** (the workload's Ingress): the ALB's hostname is read from the
//!   Ingress's status on the cluster (the AWS Load Balancer Controller writes it there; no
//!   stack output has it, the controller makes the ALB), and `curl` asks
//!   `http(s)://<hostname><readiness path>` — with the Ingress's host name, `curl --connect-to`
//!   sends the request to the ALB under that name, so the ALB's host rule and (with HTTPS)
//!   the certificate are checked too.
//! - An **internal ALB, or no Ingress**: a GitHub-hosted runner cannot reach the load
//!   balancer. The same GET goes to the workload's Service through the Kubernetes API server's
//!   service proxy (`kubectl get --raw /api/v1/namespaces/<ns>/services/http:<name>:<port>/proxy<path>`),
//!   authorised by the deploy role's access entry: it proves a ready pod answers behind the
//!   Service, not that the load balancer routes to it.
//! - **[`SmokeCheck::rollout`]**: for a workload with nothing to GET (a worker without a
//!   Service, a gRPC server probed by the gRPC health check), the stage waits for the rollout
//!   to finish — every new pod Ready by its own readiness probe — and nothing more.

use super::super::workflow::Step;
use crate::internal::setters::setters;
use crate::workload::{Scheme, Workload, WorkloadEndpoint};

/// What a stage checks after its deploy.
#[derive(Debug, Clone, PartialEq)]
pub struct SmokeCheck {
    /// The namespace of the workload; required.
    pub namespace: String,
    /// The name of the workload's Deployment, Service and Ingress; required.
    pub name: String,
    /// How the workload is reached ([`Workload::endpoint`]).
    pub endpoint: WorkloadEndpoint,
    /// Requests before the check fails. Default: 30.
    pub attempts: u32,
    /// Seconds between two requests. Default: 10.
    pub interval_seconds: u32,
    /// Seconds one request may take. Default: 10.
    pub request_timeout_seconds: u32,
    /// GET the readiness path after the rollout (false: the rollout alone, see
    /// [`rollout`](Self::rollout)). Default: true.
    pub http: bool,
}

setters! { SmokeCheck {
    value attempts: u32,
    value interval_seconds: u32,
    value request_timeout_seconds: u32,
} }

impl SmokeCheck {
    /// The readiness path of `workload`, through its load balancer when it is internet-facing,
    /// through the API server's service proxy otherwise.
    pub fn for_workload(workload: &Workload) -> Self {
        SmokeCheck {
            namespace: workload.namespace().to_string(),
            name: workload.name().to_string(),
            endpoint: workload.endpoint().clone(),
            attempts: 30,
            interval_seconds: 10,
            request_timeout_seconds: 10,
            http: true,
        }
    }

    /// The rollout of `workload` alone: the stage passes once every new pod is Ready by its
    /// readiness probe (an exec or gRPC probe too), with no request of its own — for a workload
    /// without an HTTP endpoint to GET.
    pub fn rollout(workload: &Workload) -> Self {
        SmokeCheck { http: false, ..SmokeCheck::for_workload(workload) }
    }

    /// The readiness path of a [`FlaskApp`](crate::FlaskApp), as
    /// [`for_workload`](Self::for_workload) (the preset configures a general workload).
    pub fn for_app(app: &crate::FlaskApp) -> Self {
        SmokeCheck::for_workload(app.workload())
    }

    /// Whether the check goes through the load balancer (an internet-facing ALB).
    pub fn through_load_balancer(&self) -> bool {
        self.endpoint.ingress_scheme == Some(Scheme::InternetFacing)
    }

    /// What keeps the check from running, as (message, hint).
    pub(super) fn problem(&self) -> Option<(String, String)> {
        let e = &self.endpoint;
        if !self.http {
            return (self.attempts == 0 || self.interval_seconds == 0 || self.request_timeout_seconds == 0).then(
                || {
                    (
                        "the smoke check's attempts, interval and timeout must be above 0".into(),
                        "use e.g. 30 attempts, 10 s apart, 10 s each".into(),
                    )
                },
            );
        }
        if e.readiness_path.is_none() {
            let hint = if e.service_port.is_none() && e.ingress_scheme.is_none() {
                "a workload without a Service has nothing to GET: check its rollout alone with \
                 SmokeCheck::rollout(&workload) (every pod Ready by its readiness probe)"
                    .to_string()
            } else {
                "give the container an HTTP readiness probe, e.g. ContainerSpec::readiness(ProbeSpec::http(\"/ready\", \
                 \"http\")), or check the rollout alone: SmokeCheck::rollout(&workload)"
                    .to_string()
            };
            return Some((
                format!(
                    "the smoke check of '{}' has no readiness path: the container has no HTTP readiness probe",
                    self.name
                ),
                hint,
            ));
        }
        if self.through_load_balancer() && e.tls && e.host.is_none() {
            return Some((
                format!(
                    "the HTTPS Ingress of '{}' names no host: its certificate cannot be checked against the ALB's hostname",
                    self.name
                ),
                "give the Ingress the host its certificate is for (AlbIngress::host)".into(),
            ));
        }
        if !self.through_load_balancer() && e.service_port.is_none() {
            return Some((
                format!(
                    "'{}' has neither an internet-facing Ingress nor a Service: nothing to send the smoke check to",
                    self.name
                ),
                "give the workload a Service (ServiceKind::ClusterIp) or an Ingress".into(),
            ));
        }
        if self.attempts == 0 || self.interval_seconds == 0 || self.request_timeout_seconds == 0 {
            return Some((
                "the smoke check's attempts, interval and timeout must be above 0".into(),
                "use e.g. 30 attempts, 10 s apart, 10 s each".into(),
            ));
        }
        None
    }

    /// The step: waits for the rollout, then GETs the readiness path until it answers 2xx or
    /// the attempts are used up.
    pub(super) fn step(&self, cluster: &str) -> Step {
        let e = &self.endpoint;
        let path = e.readiness_path.clone().unwrap_or_default();
        let rollout = "aws eks update-kubeconfig --name \"$CLUSTER\" > /dev/null\n\
                       kubectl rollout status \"$CONTROLLER/$NAME\" -n \"$NAMESPACE\" --timeout=600s\n";
        let (name, script) = if !self.http {
            ("Smoke check: wait for the rollout (every pod Ready)", rollout.to_string())
        } else if self.through_load_balancer() {
            let scheme = if e.tls { "https" } else { "http" };
            let port = if e.tls { 443 } else { 80 };
            let target = match &e.host {
                Some(_) => format!(
                    "url=\"{scheme}://$HOST$READINESS_PATH\"\n\
                     connect=(--connect-to \"$HOST:{port}:$lb:{port}\")\n"
                ),
                None => format!("url=\"{scheme}://$lb$READINESS_PATH\"\nconnect=()\n"),
            };
            (
                "Smoke check: GET the readiness path through the load balancer",
                format!(
                    "{rollout}\
                     lb=''\n\
                     for _ in $(seq \"$ATTEMPTS\"); do\n  \
                     lb=$(kubectl get \"ingress/$NAME\" -n \"$NAMESPACE\" -o jsonpath='{{.status.loadBalancer.ingress[0].hostname}}')\n  \
                     if [ -n \"$lb\" ]; then break; fi\n  \
                     sleep \"$INTERVAL\"\n\
                     done\n\
                     if [ -z \"$lb\" ]; then echo \"::error::ingress/$NAME has no load balancer address\"; exit 1; fi\n\
                     {target}\
                     for i in $(seq \"$ATTEMPTS\"); do\n  \
                     if curl --fail --silent --show-error --max-time \"$REQUEST_TIMEOUT\" -o /dev/null \"${{connect[@]}}\" \"$url\"; then\n    \
                     echo \"GET $url: ok (attempt $i, through $lb)\"\n    \
                     exit 0\n  \
                     fi\n  \
                     sleep \"$INTERVAL\"\n\
                     done\n\
                     echo \"::error::GET $url through $lb failed $ATTEMPTS times\"\n\
                     exit 1\n"
                ),
            )
        } else {
            (
                "Smoke check: GET the readiness path through the API server's service proxy",
                format!(
                    "{rollout}\
                     url=\"/api/v1/namespaces/$NAMESPACE/services/http:$NAME:$PORT/proxy$READINESS_PATH\"\n\
                     for i in $(seq \"$ATTEMPTS\"); do\n  \
                     if timeout \"$REQUEST_TIMEOUT\" kubectl get --raw \"$url\" > /dev/null; then\n    \
                     echo \"GET $url: ok (attempt $i)\"\n    \
                     exit 0\n  \
                     fi\n  \
                     sleep \"$INTERVAL\"\n\
                     done\n\
                     echo \"::error::GET $url failed $ATTEMPTS times\"\n\
                     exit 1\n"
                ),
            )
        };
        let step = Step::run(name, &script)
            .id("smoke")
            .env("CLUSTER", cluster)
            .env("NAMESPACE", self.namespace.as_str())
            .env("NAME", self.name.as_str())
            .env("CONTROLLER", e.controller);
        if !self.http {
            return step;
        }
        let mut step = step
            .env("READINESS_PATH", path)
            .env("ATTEMPTS", self.attempts.to_string())
            .env("INTERVAL", self.interval_seconds.to_string())
            .env("REQUEST_TIMEOUT", self.request_timeout_seconds.to_string());
        if let Some(host) = e.host.as_ref().filter(|_| self.through_load_balancer()) {
            step = step.env("HOST", host.as_str());
        }
        if let Some(port) = e.service_port.filter(|_| !self.through_load_balancer()) {
            step = step.env("PORT", port.to_string());
        }
        step
    }
}
