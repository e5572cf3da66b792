//! The Kubernetes objects of a FlaskApp, as typed k8s-openapi values.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use stackwright_core::k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec,
};
use stackwright_core::k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapEnvSource, Container, ContainerPort, EmptyDirVolumeSource, EnvFromSource, EnvVar, ExecAction,
    HTTPGetAction, Lifecycle, LifecycleHandler, PodSpec, PodTemplateSpec, Probe, Service, ServicePort, ServiceSpec,
    TopologySpreadConstraint, Volume, VolumeMount,
};
use stackwright_core::k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, IPBlock, Ingress, IngressBackend, IngressRule, IngressServiceBackend,
    IngressSpec, NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicySpec, ServiceBackendPort,
};
use stackwright_core::k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use stackwright_core::k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stackwright_core::{Arn, Attr, KubeCluster, Node, Result};

use super::props::{Certificate, Disruption, FlaskAppProps, SERVICE_UID, ServiceType};
use super::{DRAIN_FILE, DRAIN_SECONDS};
use crate::internal::config_hash;
use crate::internal::network_policy::{default_deny, dns_egress, from_namespace, https_anywhere, tcp};
use crate::internal::scrape_contract::{MONITORING_NAMESPACE, prometheus_selector};
use crate::workload::cluster::WorkloadCluster;
use crate::workload::general::{HpaMetric, metric_spec, service_account_object};
use crate::workload::meta::{meta, selector, string_map};
use crate::workload::pod_security::{self, PodSecurityLevel};

const PORT_NAME: &str = "http";

struct Ctx<'a> {
    kube: &'a KubeCluster,
    node: &'a Node,
    name: &'a str,
    ns: &'a str,
    props: &'a FlaskAppProps,
    labels: BTreeMap<String, String>,
    selector_labels: BTreeMap<String, String>,
}

impl Ctx<'_> {
    fn meta(&self, name: &str) -> ObjectMeta {
        meta(name, Some(self.ns), &self.labels)
    }

    fn add<K>(&self, object: &K) -> Result<()>
    where
        K: stackwright_core::k8s_openapi::Resource
            + stackwright_core::k8s_openapi::Metadata<Ty = ObjectMeta>
            + serde::Serialize
            + 'static,
    {
        self.kube.add(self.node, object)
    }

    fn config_name(&self) -> String {
        format!("{}-config", self.name)
    }
}

pub(super) fn add_all(
    cluster: &impl WorkloadCluster,
    node: &Node,
    name: &str,
    props: &FlaskAppProps,
    role_arn: Option<Attr<Arn>>,
    load_balancer_name: Option<&str>,
) -> Result<()> {
    let selector_labels = string_map([("app.kubernetes.io/name", name), ("app.kubernetes.io/instance", name)]);
    let mut labels = selector_labels.clone();
    labels.extend(string_map([
        ("app.kubernetes.io/component", "web"),
        ("app.kubernetes.io/part-of", node.app_name().as_str()),
    ]));
    let cx = Ctx { kube: cluster.kube(), node, name, ns: &props.namespace, props, labels, selector_labels };

    cx.kube.add(
        node,
        &pod_security::namespace(
            cx.ns,
            PodSecurityLevel::Restricted,
            cluster.kubernetes_version(),
            string_map([("app.kubernetes.io/part-of", node.app_name())]),
        ),
    )?;
    service_account(&cx, role_arn)?;
    role(&cx)?;
    let config = config_map(&cx);
    cx.add(&config)?;
    cx.add(&deployment(&cx, &config)?)?;
    service(&cx)?;
    if let Some(lb) = load_balancer_name {
        ingress(&cx, lb)?;
    }
    autoscaler(&cx)?;
    disruption_budget(&cx)?;
    network_policies(&cx)?;
    Ok(())
}

fn service_account(cx: &Ctx<'_>, role_arn: Option<Attr<Arn>>) -> Result<()> {
    cx.add(&service_account_object(cx.meta(cx.name), cx.kube, role_arn)?)
}

/// Read access to the app's own ConfigMap and nothing else. The pods do not mount a token by
/// default; the Role is there for an app that reads its configuration through the API.
fn role(cx: &Ctx<'_>) -> Result<()> {
    cx.add(&Role {
        metadata: cx.meta(cx.name),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["configmaps".into()]),
            resource_names: Some(vec![cx.config_name()]),
            verbs: vec!["get".into()],
            ..Default::default()
        }]),
    })?;
    cx.add(&RoleBinding {
        metadata: cx.meta(cx.name),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "Role".into(),
            name: cx.name.into(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: cx.name.into(),
            namespace: Some(cx.ns.into()),
            ..Default::default()
        }]),
    })
}

fn config_map(cx: &Ctx<'_>) -> ConfigMap {
    let p = cx.props;
    // What is left of the grace period after the drain and 3 s for the signal to arrive. The
    // checks reject a grace period under DRAIN_SECONDS + 5, so this is 2 s or more, never
    // floored: a period too short for the drain is an error, not a 1 s timeout.
    let graceful = p.termination_grace_period_seconds.saturating_sub(DRAIN_SECONDS + 3);
    let mut data = string_map([
        ("APP_NAME", cx.name.to_string()),
        ("LOG_LEVEL", p.log_level.as_str().to_string()),
        ("GUNICORN_WORKERS", p.workers.to_string()),
        ("GUNICORN_GRACEFUL_TIMEOUT", graceful.to_string()),
        ("READINESS_DRAIN_FILE", DRAIN_FILE.to_string()),
        ("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus".to_string()),
    ]);
    let version = p.app_version.clone().or_else(|| match p.image.reference() {
        crate::workload::image::ImageReference::Tag(t) if t.len() <= 64 => Some(t.clone()),
        _ => None,
    });
    if let Some(v) = version {
        data.insert("APP_VERSION".into(), v);
    }
    data.extend(p.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    ConfigMap { metadata: cx.meta(&cx.config_name()), data: Some(data), ..Default::default() }
}

fn http_probe(path: &str, period: i32, failures: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_string()),
            port: IntOrString::String(PORT_NAME.into()),
            scheme: Some("HTTP".into()),
            ..Default::default()
        }),
        period_seconds: Some(period),
        timeout_seconds: Some(2),
        failure_threshold: Some(failures),
        success_threshold: Some(1),
        ..Default::default()
    }
}

fn deployment(cx: &Ctx<'_>, config: &ConfigMap) -> Result<Deployment> {
    let p = cx.props;
    let image = p.image.render(cx.kube)?;
    let mut pod_annotations = string_map([
        ("prometheus.io/scrape", "true".to_string()),
        ("prometheus.io/port", p.port.to_string()),
        ("prometheus.io/path", p.metrics_path.clone()),
    ]);
    pod_annotations
        .insert(config_hash::ANNOTATION.into(), config_hash::of_map(config.data.as_ref().unwrap_or(&BTreeMap::new())));
    let container = container(cx, image);
    let pod = pod_spec(cx, container);
    let mut metadata = cx.meta(cx.name);
    // An immutable tag is as fixed as a digest: the Deployment tells checkov so itself, and no
    // skip file names the app.
    if let Some((key, reason)) = p.image.checkov_digest_exemption() {
        metadata.annotations = Some(string_map([(key, reason.to_string())]));
    }
    Ok(Deployment {
        metadata,
        spec: Some(DeploymentSpec {
            // Left out under an HPA: see "Replicas and the HPA" in the docs of `FlaskApp`.
            replicas: if p.autoscaling.is_some() { None } else { Some(p.replicas as i32) },
            selector: selector(&cx.selector_labels),
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(IntOrString::String("25%".into())),
                    max_unavailable: Some(IntOrString::Int(0)),
                }),
            }),
            min_ready_seconds: Some(5),
            revision_history_limit: Some(5),
            progress_deadline_seconds: Some(600),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(cx.labels.clone()),
                    annotations: Some(pod_annotations),
                    ..Default::default()
                }),
                spec: Some(pod),
            },
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The app's container: the port, the ConfigMap as environment, startup, liveness and
/// readiness probes, the drain before stop, requests and limits, locked down.
fn container(cx: &Ctx<'_>, image: String) -> Container {
    let p = cx.props;
    let mut startup = http_probe(&p.liveness_path, 2, 30);
    startup.timeout_seconds = Some(2);
    Container {
        name: cx.name.to_string(),
        image: Some(image),
        image_pull_policy: Some(p.image.pull_policy().into()),
        ports: Some(vec![ContainerPort {
            name: Some(PORT_NAME.into()),
            container_port: i32::from(p.port),
            protocol: Some("TCP".into()),
            ..Default::default()
        }]),
        env: Some(vec![EnvVar { name: "PORT".into(), value: Some(p.port.to_string()), ..Default::default() }]),
        env_from: Some(vec![EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource { name: cx.config_name(), optional: Some(false) }),
            ..Default::default()
        }]),
        startup_probe: Some(startup),
        liveness_probe: Some(http_probe(&p.liveness_path, 10, 3)),
        readiness_probe: Some(http_probe(&p.readiness_path, 5, 2)),
        lifecycle: Some(Lifecycle {
            pre_stop: Some(LifecycleHandler {
                exec: Some(ExecAction {
                    command: Some(vec![
                        "/bin/sh".into(),
                        "-c".into(),
                        format!("touch {DRAIN_FILE} && sleep {DRAIN_SECONDS}"),
                    ]),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        resources: Some(p.resources.requirements()),
        security_context: Some(pod_security::restricted_container(SERVICE_UID, SERVICE_UID)),
        volume_mounts: Some(vec![VolumeMount { name: "tmp".into(), mount_path: "/tmp".into(), ..Default::default() }]),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        ..Default::default()
    }
}

/// The pod: its own service account without an automatic token, non-root, spread over zones
/// (strictly) and nodes, with `/tmp` in memory.
fn pod_spec(cx: &Ctx<'_>, container: Container) -> PodSpec {
    let p = cx.props;
    let spread = |key: &str, when: &str| TopologySpreadConstraint {
        max_skew: 1,
        topology_key: key.into(),
        when_unsatisfiable: when.into(),
        label_selector: Some(selector(&cx.selector_labels)),
        match_label_keys: Some(vec!["pod-template-hash".into()]),
        ..Default::default()
    };
    PodSpec {
        service_account_name: Some(cx.name.into()),
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        security_context: Some(pod_security::restricted_pod(SERVICE_UID, SERVICE_UID)),
        termination_grace_period_seconds: Some(i64::from(p.termination_grace_period_seconds)),
        topology_spread_constraints: Some(vec![
            spread("topology.kubernetes.io/zone", "DoNotSchedule"),
            spread("kubernetes.io/hostname", "ScheduleAnyway"),
        ]),
        containers: vec![container],
        volumes: Some(vec![Volume {
            name: "tmp".into(),
            empty_dir: Some(EmptyDirVolumeSource {
                medium: Some("Memory".into()),
                size_limit: Some(Quantity("64Mi".into())),
            }),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

fn service(cx: &Ctx<'_>) -> Result<()> {
    let mut metadata = cx.meta(cx.name);
    let load_balancer = cx.props.service_type == ServiceType::LoadBalancer;
    if load_balancer {
        let scheme = cx.props.ingress.as_ref().map(|i| i.scheme).unwrap_or_default();
        metadata.annotations = Some(string_map([
            ("service.beta.kubernetes.io/aws-load-balancer-type", "external"),
            ("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type", "ip"),
            ("service.beta.kubernetes.io/aws-load-balancer-scheme", scheme.as_str()),
            ("service.beta.kubernetes.io/aws-load-balancer-healthcheck-path", cx.props.readiness_path.as_str()),
            ("service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol", "HTTP"),
        ]));
    }
    cx.add(&Service {
        metadata,
        spec: Some(ServiceSpec {
            type_: Some(if load_balancer { "LoadBalancer" } else { "ClusterIP" }.into()),
            load_balancer_class: load_balancer.then(|| "service.k8s.aws/nlb".to_string()),
            selector: Some(cx.selector_labels.clone()),
            ports: Some(vec![ServicePort {
                name: Some(PORT_NAME.into()),
                port: 80,
                target_port: Some(IntOrString::String(PORT_NAME.into())),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn ingress(cx: &Ctx<'_>, load_balancer_name: &str) -> Result<()> {
    let Some(i) = &cx.props.ingress else {
        return Ok(());
    };
    let mut annotations = string_map([
        ("alb.ingress.kubernetes.io/scheme", i.scheme.as_str().to_string()),
        ("alb.ingress.kubernetes.io/target-type", "ip".into()),
        ("alb.ingress.kubernetes.io/load-balancer-name", load_balancer_name.to_string()),
        ("alb.ingress.kubernetes.io/healthcheck-path", cx.props.readiness_path.clone()),
        ("alb.ingress.kubernetes.io/healthcheck-port", "traffic-port".into()),
        ("alb.ingress.kubernetes.io/success-codes", "200".into()),
        (
            "alb.ingress.kubernetes.io/target-group-attributes",
            format!("deregistration_delay.timeout_seconds={DRAIN_SECONDS}"),
        ),
        (
            "alb.ingress.kubernetes.io/load-balancer-attributes",
            "routing.http.drop_invalid_header_fields.enabled=true".into(),
        ),
    ]);
    match &i.certificate {
        Some(certificate) => {
            let arn = match certificate {
                Certificate::Arn(arn) => arn.clone(),
                Certificate::Attr(attr) => cx.kube.late_bound(attr)?,
            };
            annotations.insert("alb.ingress.kubernetes.io/certificate-arn".into(), arn);
            annotations
                .insert("alb.ingress.kubernetes.io/listen-ports".into(), r#"[{"HTTP":80},{"HTTPS":443}]"#.into());
            annotations
                .insert("alb.ingress.kubernetes.io/ssl-policy".into(), "ELBSecurityPolicy-TLS13-1-2-2021-06".into());
            if i.ssl_redirect {
                annotations.insert("alb.ingress.kubernetes.io/ssl-redirect".into(), "443".into());
            }
        }
        None => {
            annotations.insert("alb.ingress.kubernetes.io/listen-ports".into(), r#"[{"HTTP":80}]"#.into());
        }
    }
    let mut metadata = cx.meta(cx.name);
    metadata.annotations = Some(annotations);
    cx.add(&Ingress {
        metadata,
        spec: Some(IngressSpec {
            ingress_class_name: Some("alb".into()),
            rules: Some(vec![IngressRule {
                host: i.host.clone(),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some("/".into()),
                        path_type: "Prefix".into(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: cx.name.into(),
                                port: Some(ServiceBackendPort { name: Some(PORT_NAME.into()), number: None }),
                            }),
                            ..Default::default()
                        },
                    }],
                }),
            }]),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn autoscaler(cx: &Ctx<'_>) -> Result<()> {
    let Some(a) = &cx.props.autoscaling else {
        return Ok(());
    };
    // The preset's metrics in the general layer's terms: CPU, then memory, then the custom
    // `Pods` metric, written by the same builder as any Workload's.
    let mut metrics = vec![HpaMetric::cpu(a.cpu_utilization)];
    metrics.extend(a.memory_utilization.map(HpaMetric::memory));
    if let Some(c) = &a.custom_metric {
        metrics.push(HpaMetric::pods(c.name.clone(), c.target_average_value.clone()));
    }
    let metrics = metrics.iter().map(metric_spec).collect();
    let policy =
        |kind: &str, value: i32, period: i32| HPAScalingPolicy { type_: kind.into(), value, period_seconds: period };
    cx.add(&HorizontalPodAutoscaler {
        metadata: cx.meta(cx.name),
        spec: HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: "Deployment".into(),
                name: cx.name.into(),
            },
            min_replicas: Some(cx.props.replicas as i32),
            max_replicas: a.max_replicas as i32,
            metrics: Some(metrics),
            behavior: Some(HorizontalPodAutoscalerBehavior {
                scale_up: Some(HPAScalingRules {
                    stabilization_window_seconds: Some(0),
                    select_policy: Some("Max".into()),
                    policies: Some(vec![policy("Percent", 100, 30), policy("Pods", 4, 30)]),
                    ..Default::default()
                }),
                scale_down: Some(HPAScalingRules {
                    stabilization_window_seconds: Some(a.scale_down_stabilization_seconds as i32),
                    select_policy: Some("Min".into()),
                    policies: Some(vec![policy("Percent", 50, 60)]),
                    ..Default::default()
                }),
            }),
        },
        ..Default::default()
    })
}

fn disruption_budget(cx: &Ctx<'_>) -> Result<()> {
    let (max_unavailable, min_available) = match cx.props.disruption {
        Disruption::MaxUnavailable(n) => (Some(IntOrString::Int(n as i32)), None),
        Disruption::MinAvailable(n) => (None, Some(IntOrString::Int(n as i32))),
    };
    cx.add(&PodDisruptionBudget {
        metadata: cx.meta(cx.name),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable,
            min_available,
            selector: Some(selector(&cx.selector_labels)),
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".into()),
        }),
        ..Default::default()
    })
}

fn network_policies(cx: &Ctx<'_>) -> Result<()> {
    let app = selector(&cx.selector_labels);
    let port = i32::from(cx.props.port);
    let policy = |name: &str, spec: NetworkPolicySpec| NetworkPolicy { metadata: cx.meta(name), spec: Some(spec) };
    // Everything in the namespace is closed unless a policy below opens it.
    cx.add(&policy("default-deny", default_deny()))?;
    if cx.props.ingress.is_some() || cx.props.service_type == ServiceType::LoadBalancer {
        // With IP targets the load balancer connects from its own addresses in the VPC.
        let from = cx
            .props
            .load_balancer_source_cidrs
            .iter()
            .map(|cidr| NetworkPolicyPeer {
                ip_block: Some(IPBlock { cidr: cidr.to_string(), except: None }),
                ..Default::default()
            })
            .collect();
        cx.add(&policy(
            &format!("{}-allow-load-balancer", cx.name),
            NetworkPolicySpec {
                pod_selector: Some(app.clone()),
                policy_types: Some(vec!["Ingress".into()]),
                ingress: Some(vec![NetworkPolicyIngressRule { from: Some(from), ports: Some(vec![tcp(port)]) }]),
                ..Default::default()
            },
        ))?;
    }
    cx.add(&policy(
        &format!("{}-allow-monitoring", cx.name),
        NetworkPolicySpec {
            pod_selector: Some(app.clone()),
            policy_types: Some(vec!["Ingress".into()]),
            ingress: Some(vec![from_namespace(MONITORING_NAMESPACE, Some(&prometheus_selector()), port)]),
            ..Default::default()
        },
    ))?;
    let mut egress = vec![dns_egress()];
    if cx.props.aws_policy.is_some() {
        // AWS APIs (STS for IRSA first) are reached over HTTPS at addresses outside the VPC.
        egress.push(https_anywhere());
    }
    cx.add(&policy(
        &format!("{}-allow-egress", cx.name),
        NetworkPolicySpec {
            pod_selector: Some(app),
            policy_types: Some(vec!["Egress".into()]),
            egress: Some(egress),
            ..Default::default()
        },
    ))
}
