//! The Flask/gunicorn conventions of `examples/flask-app`, as the general
//! [`WorkloadProps`] a [`FlaskApp`](super::FlaskApp) configures: the service's probes and
//! metrics, the gunicorn drain before stop, its ConfigMap and the Role reading it, strict zone
//! spreading, and the ALB and HPA tuned for it. Every object is written by the general
//! workload's builders.

use std::collections::BTreeMap;

use super::props::{Autoscaling, Certificate, FlaskAppProps, IngressProps, SERVICE_UID, ServiceType};
use super::{DRAIN_FILE, DRAIN_SECONDS};
use crate::internal::scrape_contract::FLASK_APP_METRICS;
use crate::workload::general::{
    AcmCertificateArn, AlbIngress, ContainerSpec, Hpa, HpaMetric, MetricsEndpoint, ProbeSpec, RoleRule, ScalingPolicy,
    ScalingRate, SelectPolicy, ServiceKind, WorkloadProps, ZoneSpread, config_name,
};
use crate::workload::image::ImageReference;

/// The name of the service's one port (HTTP and metrics).
const PORT_NAME: &str = "http";

/// The workload the app `name` is, from its props; `load_balancer_name` is the ALB's
/// (resolved: given or the default), with an Ingress.
pub(super) fn workload_props(name: &str, p: &FlaskAppProps, load_balancer_name: Option<&str>) -> WorkloadProps {
    let mut props = WorkloadProps::new(container(p))
        .name(name)
        .component("web")
        .replicas(p.replicas)
        .service(match p.service_type {
            ServiceType::ClusterIp => ServiceKind::ClusterIp,
            // The NLB's scheme follows the Ingress's (internet-facing without one).
            ServiceType::LoadBalancer => {
                ServiceKind::LoadBalancer(p.ingress.as_ref().map(|i| i.scheme).unwrap_or_default())
            }
        })
        .service_port(80)
        .disruption(p.disruption)
        .load_balancer_source_cidrs(p.load_balancer_source_cidrs.iter().copied())
        .termination_grace_period_seconds(p.termination_grace_period_seconds)
        .metrics(MetricsEndpoint::new(PORT_NAME).path(p.metrics_path.clone()).exports(FLASK_APP_METRICS))
        .config(config(name, p))
        // Read access to its own ConfigMap and nothing else. The pods mount no token by default;
        // the Role is there for an app that reads its configuration through the API.
        .role_rule(RoleRule::new([""], ["configmaps"], ["get"]).resource_names([config_name(name)]))
        .zone_spread(ZoneSpread::Required)
        .health_check_path(p.readiness_path.clone())
        .min_ready_seconds(5)
        .progress_deadline_seconds(600);
    props.ingress = p.ingress.as_ref().map(|i| alb(i, load_balancer_name));
    props.autoscaling = p.autoscaling.as_ref().map(hpa);
    props.aws_policy = p.aws_policy.clone();
    props.database = p.database.clone();
    props
}

/// The service's container: one port, the probes on its real paths (a startup probe giving
/// gunicorn up to a minute), and the drain before stop — the readiness probe fails at once (the
/// drain file) and the load balancers stop sending requests before gunicorn gets SIGTERM.
fn container(p: &FlaskAppProps) -> ContainerSpec {
    let probe = |path: &str, period: u32, failures: u32| {
        ProbeSpec::http(path, PORT_NAME).period_seconds(period).timeout_seconds(2).failure_threshold(failures)
    };
    ContainerSpec::new(p.image.clone())
        .port(PORT_NAME, p.port)
        .resources(p.resources)
        .env_var("PORT", p.port.to_string())
        .startup(probe(&p.liveness_path, 2, 30))
        .liveness(probe(&p.liveness_path, 10, 3))
        .readiness(probe(&p.readiness_path, 5, 2))
        .pre_stop(["/bin/sh".to_string(), "-c".into(), format!("touch {DRAIN_FILE} && sleep {DRAIN_SECONDS}")])
        .run_as_user(SERVICE_UID)
        .tmp_size_mib(64)
}

/// The service's configuration (its `service.json` contract), then the program's `env`.
fn config(name: &str, p: &FlaskAppProps) -> BTreeMap<String, String> {
    // What is left of the grace period after the drain and 3 s for the signal to arrive. The
    // checks reject a grace period under DRAIN_SECONDS + 5, so this is 2 s or more, never
    // floored: a period too short for the drain is an error, not a 1 s timeout.
    let graceful = p.termination_grace_period_seconds.saturating_sub(DRAIN_SECONDS + 3);
    let mut data: BTreeMap<String, String> = [
        ("APP_NAME", name.to_string()),
        ("LOG_LEVEL", p.log_level.as_str().to_string()),
        ("GUNICORN_WORKERS", p.workers.to_string()),
        ("GUNICORN_GRACEFUL_TIMEOUT", graceful.to_string()),
        ("READINESS_DRAIN_FILE", DRAIN_FILE.to_string()),
        ("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let version = p.app_version.clone().or_else(|| match p.image.reference() {
        ImageReference::Tag(t) if t.len() <= 64 => Some(t.clone()),
        _ => None,
    });
    if let Some(v) = version {
        data.insert("APP_VERSION".into(), v);
    }
    data.extend(p.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    data
}

/// The ALB: health checks on the readiness path (set on the workload), in-flight requests
/// drained for as long as the pods drain, TLS from the certificate (an ACM or IAM ARN, checked
/// by the preset).
fn alb(i: &IngressProps, load_balancer_name: Option<&str>) -> AlbIngress {
    AlbIngress {
        scheme: i.scheme,
        hosts: i.host.iter().cloned().collect(),
        tls: i.certificate.is_some(),
        certificate: i.certificate.as_ref().map(|c| match c {
            Certificate::Arn(arn) => AcmCertificateArn::unchecked(arn.clone()),
            Certificate::Attr(attr) => AcmCertificateArn::from(attr.clone()),
        }),
        group: None,
        load_balancer_name: load_balancer_name.map(str::to_string),
        deregistration_delay_seconds: Some(DRAIN_SECONDS),
        ssl_redirect: i.ssl_redirect,
        tls_in_spec: false,
    }
}

/// CPU, then memory, then the custom `Pods` metric; scaling up fast (double or 4 pods every
/// 30 s, at once) and down slowly (half the pods a minute at most, after the window).
fn hpa(a: &Autoscaling) -> Hpa {
    let mut metrics = vec![HpaMetric::cpu(a.cpu_utilization)];
    metrics.extend(a.memory_utilization.map(HpaMetric::memory));
    if let Some(c) = &a.custom_metric {
        metrics.push(HpaMetric::pods(c.name.clone(), c.target_average_value.clone()));
    }
    Hpa::new(a.max_replicas, metrics)
        .scale_down_stabilization_seconds(a.scale_down_stabilization_seconds)
        .scale_up_stabilization_seconds(0)
        .scale_up_rate(ScalingRate::new([ScalingPolicy::percent(100, 30), ScalingPolicy::pods(4, 30)]))
        .scale_down_rate(ScalingRate::new([ScalingPolicy::percent(50, 60)]).select(SelectPolicy::Min))
}

#[cfg(test)]
mod tests {
    use stackwright_core::{Account, App, Problems, Region};

    use super::*;
    use crate::workload::flask_app::props::CustomMetric;
    use crate::workload::image::ContainerImage;

    /// What the preset configures passes the general workload's own checks: the preset's
    /// checks (which keep FlaskApp's messages) are never weaker than the workload's.
    #[test]
    fn the_workload_the_preset_configures_passes_the_workload_checks() {
        let app = App::new("demo");
        let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("s");
        let image = ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("1.0.0".into()));
        let everything = FlaskAppProps::new(image.clone())
            .service_type(ServiceType::LoadBalancer)
            .ingress(IngressProps::https("arn:aws:acm:eu-west-1:123456789012:certificate/abc").host("app.example.com"))
            .autoscaling(Autoscaling::default().custom_metric(CustomMetric::new("http_requests_per_second", "20")))
            .env_var("FEATURE_X", "on");
        for props in [FlaskAppProps::new(image), everything] {
            let mut problems = Problems::for_child(&stack, "flask-app");
            workload_props("flask-app", &props, Some("main-flask-app")).check(&mut problems, "flask-app");
            assert!(problems.is_empty());
        }
    }
}
