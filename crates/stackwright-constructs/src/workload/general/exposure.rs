//! The Service and the Ingress of a [`Workload`](super::Workload).

use stackwright_core::Result;
use stackwright_core::k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use stackwright_core::k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend, IngressSpec,
    IngressTLS, ServiceBackendPort,
};
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::ingress::{AlbIngress, CertificateValue};
use super::objects::Ctx;
use super::props::{ServiceKind, WorkloadProps};
use crate::workload::meta::string_map;
use crate::workload::shared::Scheme;

/// How a workload can be reached from outside the cluster, for a smoke check after a deploy
/// (see [`StagedPipeline`](crate::StagedPipeline)): its Service's port, its Ingress (when it
/// has one) and the HTTP path of its readiness probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadEndpoint {
    /// The Service's port (the container's first port), unless the workload has no Service.
    pub service_port: Option<u16>,
    /// The scheme of the workload's ALB, when it has an Ingress.
    pub ingress_scheme: Option<Scheme>,
    /// Whether the Ingress listens on HTTPS.
    pub tls: bool,
    /// The Ingress's first host name, when it names hosts (the ALB routes by `Host`).
    pub host: Option<String>,
    /// The path of the container's HTTP readiness probe, when it has one.
    pub readiness_path: Option<String>,
    /// The kind of the pods' controller, as `kubectl rollout status` names it: `deployment`,
    /// or `statefulset` for a workload with volume claims.
    pub controller: &'static str,
}

impl WorkloadEndpoint {
    pub(super) fn of(props: &WorkloadProps) -> Self {
        let ingress = props.ingress.as_ref();
        WorkloadEndpoint {
            service_port: (props.service != ServiceKind::None).then_some(props.service_port),
            ingress_scheme: ingress.map(|i| i.scheme),
            tls: ingress.is_some_and(|i| i.tls),
            host: ingress.and_then(|i| i.hosts.first().cloned()),
            readiness_path: props.container.readiness.as_ref().and_then(|probe| match &probe.action {
                super::ProbeAction::Http { path, .. } => Some(path.clone()),
                _ => None,
            }),
            controller: if props.volume_claims.is_empty() { "deployment" } else { "statefulset" },
        }
    }
}

/// The Service, unless the workload has none. It exposes the container's first port on
/// `service_port` (and every other port on its own number).
pub(super) fn service(cx: &Ctx<'_>) -> Result<()> {
    let p = cx.props;
    let (type_, headless, scheme) = match p.service {
        ServiceKind::None => return Ok(()),
        ServiceKind::ClusterIp => ("ClusterIP", false, None),
        ServiceKind::Headless => ("ClusterIP", true, None),
        ServiceKind::LoadBalancer(scheme) => ("LoadBalancer", false, Some(scheme)),
    };
    let mut metadata = cx.meta(cx.name);
    if let Some(scheme) = scheme {
        let mut annotations = string_map([
            ("service.beta.kubernetes.io/aws-load-balancer-type", "external"),
            ("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type", "ip"),
            ("service.beta.kubernetes.io/aws-load-balancer-scheme", scheme.as_str()),
        ]);
        if let Some(path) = &p.health_check_path {
            annotations.extend(string_map([
                ("service.beta.kubernetes.io/aws-load-balancer-healthcheck-path", path.as_str()),
                ("service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol", "HTTP"),
            ]));
        }
        metadata.annotations = Some(annotations);
    }
    let ports = p
        .container
        .ports
        .iter()
        .enumerate()
        .map(|(i, port)| ServicePort {
            name: Some(port.name.clone()),
            port: if i == 0 { i32::from(p.service_port) } else { i32::from(port.port) },
            target_port: Some(IntOrString::String(port.name.clone())),
            protocol: Some("TCP".into()),
            ..Default::default()
        })
        .collect();
    cx.add(&Service {
        metadata,
        spec: Some(ServiceSpec {
            type_: Some(type_.into()),
            cluster_ip: headless.then(|| "None".to_string()),
            load_balancer_class: scheme.map(|_| "service.k8s.aws/nlb".to_string()),
            selector: Some(cx.selector_labels.clone()),
            ports: Some(ports),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The Ingress for the AWS Load Balancer Controller, when the workload has one.
pub(super) fn ingress(cx: &Ctx<'_>) -> Result<()> {
    let Some(i) = &cx.props.ingress else {
        return Ok(());
    };
    let Some(port) = cx.props.container.ports.first() else {
        return Ok(());
    };
    let mut annotations = string_map([
        ("alb.ingress.kubernetes.io/scheme", i.scheme.as_str().to_string()),
        ("alb.ingress.kubernetes.io/target-type", "ip".into()),
        (
            "alb.ingress.kubernetes.io/load-balancer-attributes",
            "routing.http.drop_invalid_header_fields.enabled=true".into(),
        ),
    ]);
    if let Some(group) = &i.group {
        annotations.insert("alb.ingress.kubernetes.io/group.name".into(), group.clone());
    }
    if let Some(name) = &i.load_balancer_name {
        annotations.insert("alb.ingress.kubernetes.io/load-balancer-name".into(), name.clone());
    }
    if let Some(path) = &cx.props.health_check_path {
        annotations.extend(string_map([
            ("alb.ingress.kubernetes.io/healthcheck-path", path.clone()),
            ("alb.ingress.kubernetes.io/healthcheck-port", "traffic-port".into()),
            ("alb.ingress.kubernetes.io/success-codes", "200".into()),
        ]));
    }
    if let Some(delay) = i.deregistration_delay_seconds {
        annotations.insert(
            "alb.ingress.kubernetes.io/target-group-attributes".into(),
            format!("deregistration_delay.timeout_seconds={delay}"),
        );
    }
    let listen = match &i.certificate {
        Some(certificate) if i.tls => {
            let arn = match &certificate.0 {
                CertificateValue::Known(arn) => arn.clone(),
                CertificateValue::LateBound(attr) => cx.kube.late_bound(attr)?,
            };
            annotations.insert("alb.ingress.kubernetes.io/certificate-arn".into(), arn);
            annotations
                .insert("alb.ingress.kubernetes.io/ssl-policy".into(), "ELBSecurityPolicy-TLS13-1-2-2021-06".into());
            if i.ssl_redirect {
                annotations.insert("alb.ingress.kubernetes.io/ssl-redirect".into(), "443".into());
            }
            r#"[{"HTTP":80},{"HTTPS":443}]"#
        }
        _ => r#"[{"HTTP":80}]"#,
    };
    annotations.insert("alb.ingress.kubernetes.io/listen-ports".into(), listen.into());
    let mut metadata = cx.meta(cx.name);
    metadata.annotations = Some(annotations);
    cx.add(&Ingress {
        metadata,
        spec: Some(IngressSpec {
            ingress_class_name: Some("alb".into()),
            rules: Some(rules(cx.name, &port.name, i)),
            tls: (i.tls && i.tls_in_spec && !i.hosts.is_empty())
                .then(|| vec![IngressTLS { hosts: Some(i.hosts.clone()), secret_name: None }]),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// One rule per host (or one for every host), all to the Service's first port.
fn rules(service: &str, port: &str, i: &AlbIngress) -> Vec<IngressRule> {
    let rule = |host: Option<String>| IngressRule {
        host,
        http: Some(HTTPIngressRuleValue {
            paths: vec![HTTPIngressPath {
                path: Some("/".into()),
                path_type: "Prefix".into(),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: service.into(),
                        port: Some(ServiceBackendPort { name: Some(port.into()), number: None }),
                    }),
                    ..Default::default()
                },
            }],
        }),
    };
    if i.hosts.is_empty() { vec![rule(None)] } else { i.hosts.iter().map(|h| rule(Some(h.clone()))).collect() }
}
