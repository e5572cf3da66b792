//! The Kubernetes objects of a [`Workload`](super::Workload), as typed k8s-openapi values.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use stackwright_core::k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, ExternalMetricSource, HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricIdentifier, MetricSpec, MetricTarget,
    ObjectMetricSource, PodsMetricSource, ResourceMetricSource,
};
use stackwright_core::k8s_openapi::api::core::v1::{
    PodSpec, PodTemplateSpec, ServiceAccount, TopologySpreadConstraint,
};
use stackwright_core::k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicySpec,
};
use stackwright_core::k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stackwright_core::{Arn, Attr, KubeCluster, Node, Result, WorkloadRef};

use super::config::{config_name, hash_annotation};
use super::container::ConfigSource;
use super::peers::{declare_flows, egress_rules, ingress_rules};
use super::pod::{PodOptions, digest_exemption, pod_spec};
use super::props::{AwsIdentity, ServiceKind, WorkloadProps};
use super::scaling::{Hpa, HpaMetric, ScalingPolicy, ScalingRate};
use crate::internal::network_policy::{dns_egress, from_namespace, https_anywhere, tcp};
use crate::internal::scrape_contract::{MONITORING_NAMESPACE, prometheus_selector};
use crate::workload::meta::{meta, selector, string_map};
use crate::workload::shared::Disruption;

/// What every object of one workload is written with.
pub(super) struct Ctx<'a> {
    pub(super) kube: &'a KubeCluster,
    pub(super) node: &'a Node,
    pub(super) name: &'a str,
    pub(super) ns: &'a str,
    pub(super) props: &'a WorkloadProps,
    pub(super) labels: BTreeMap<String, String>,
    pub(super) selector_labels: BTreeMap<String, String>,
}

impl Ctx<'_> {
    pub(super) fn meta(&self, name: &str) -> ObjectMeta {
        meta(name, Some(self.ns), &self.labels)
    }

    pub(super) fn add<K>(&self, object: &K) -> Result<()>
    where
        K: stackwright_core::k8s_openapi::Resource
            + stackwright_core::k8s_openapi::Metadata<Ty = ObjectMeta>
            + serde::Serialize
            + 'static,
    {
        self.kube.add(self.node, object)
    }
}

/// The labels of a workload's objects, and the smaller set its selectors use.
pub(crate) fn labels(node: &Node, name: &str, component: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let selector_labels = string_map([("app.kubernetes.io/name", name), ("app.kubernetes.io/instance", name)]);
    let mut labels = selector_labels.clone();
    labels.extend(string_map([
        ("app.kubernetes.io/component", component),
        ("app.kubernetes.io/part-of", node.app_name().as_str()),
    ]));
    (labels, selector_labels)
}

/// The workload's own service account, annotated with its IRSA role when it has one.
pub(crate) fn service_account_object(
    metadata: ObjectMeta,
    kube: &KubeCluster,
    role_arn: Option<Attr<Arn>>,
) -> Result<ServiceAccount> {
    let mut metadata = metadata;
    if let Some(arn) = role_arn {
        metadata.annotations = Some(string_map([
            ("eks.amazonaws.com/role-arn", kube.late_bound(arn)?),
            ("eks.amazonaws.com/sts-regional-endpoints", "true".to_string()),
        ]));
    }
    Ok(ServiceAccount { metadata, automount_service_account_token: Some(false), ..Default::default() })
}

pub(super) fn service_account(cx: &Ctx<'_>, role_arn: Option<Attr<Arn>>) -> Result<()> {
    cx.add(&service_account_object(cx.meta(cx.name), cx.kube, role_arn)?)
}

/// The pod of a Deployment or a StatefulSet, spread over zones and nodes (`by_template`:
/// only pods of one template count, which the Deployment's `pod-template-hash` tells).
pub(super) fn workload_pod(cx: &Ctx<'_>, by_template: bool) -> Result<PodSpec> {
    let p = cx.props;
    let options = PodOptions {
        name: cx.name,
        api_access: p.api_access,
        termination_grace_period_seconds: p.termination_grace_period_seconds,
        restart_policy: None,
    };
    // The workload's own ConfigMap comes first: the container's own sources override it.
    let with_config;
    let container = if p.config.is_empty() {
        &p.container
    } else {
        let mut container = p.container.clone();
        container.env_from.insert(0, ConfigSource::ConfigMap(config_name(cx.name)));
        with_config = container;
        &with_config
    };
    let mut pod = pod_spec(cx.kube, container, &options)?;
    let spread = |key: &str, when: &str| TopologySpreadConstraint {
        max_skew: 1,
        topology_key: key.into(),
        when_unsatisfiable: when.into(),
        label_selector: Some(selector(&cx.selector_labels)),
        match_label_keys: by_template.then(|| vec!["pod-template-hash".into()]),
        ..Default::default()
    };
    pod.topology_spread_constraints = Some(vec![
        spread("topology.kubernetes.io/zone", p.zone_spread.when_unsatisfiable()),
        spread("kubernetes.io/hostname", "ScheduleAnyway"),
    ]);
    Ok(pod)
}

/// The pod template's metadata: the labels, the scrape annotations with a metrics endpoint
/// and the configuration's hash with a ConfigMap.
pub(super) fn template_metadata(cx: &Ctx<'_>) -> ObjectMeta {
    let p = cx.props;
    let mut annotations = BTreeMap::new();
    if let (Some(metrics), Some(port)) = (&p.metrics, p.metrics_port()) {
        annotations.extend(string_map([
            ("prometheus.io/scrape", "true".to_string()),
            ("prometheus.io/port", port.to_string()),
            ("prometheus.io/path", metrics.path.clone()),
        ]));
    }
    annotations.extend(hash_annotation(&p.config));
    ObjectMeta {
        labels: Some(cx.labels.clone()),
        annotations: (!annotations.is_empty()).then_some(annotations),
        ..Default::default()
    }
}

pub(super) fn deployment(cx: &Ctx<'_>) -> Result<Deployment> {
    let p = cx.props;
    let pod = workload_pod(cx, true)?;
    let mut metadata = cx.meta(cx.name);
    metadata.annotations = digest_exemption(&p.container);
    Ok(Deployment {
        metadata,
        spec: Some(DeploymentSpec {
            // Under an HPA the HPA owns the size (server-side apply never resets it).
            replicas: if p.autoscaling.is_some() { None } else { Some(p.replicas as i32) },
            selector: selector(&cx.selector_labels),
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(IntOrString::String("25%".into())),
                    max_unavailable: Some(IntOrString::Int(0)),
                }),
            }),
            min_ready_seconds: (p.min_ready_seconds > 0).then_some(p.min_ready_seconds as i32),
            revision_history_limit: Some(5),
            progress_deadline_seconds: p.progress_deadline_seconds.map(|s| s as i32),
            template: PodTemplateSpec { metadata: Some(template_metadata(cx)), spec: Some(pod) },
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The `autoscaling/v2` form of one metric (FlaskApp's HPA writes its metrics with it too).
pub(crate) fn metric_spec(metric: &HpaMetric) -> MetricSpec {
    let utilization = |name: &str, percent: u32| MetricSpec {
        type_: "Resource".into(),
        resource: Some(ResourceMetricSource {
            name: name.into(),
            target: MetricTarget {
                type_: "Utilization".into(),
                average_utilization: Some(percent as i32),
                ..Default::default()
            },
        }),
        ..Default::default()
    };
    let average = |value: &str| MetricTarget {
        type_: "AverageValue".into(),
        average_value: Some(Quantity(value.into())),
        ..Default::default()
    };
    let identifier = |name: &str, labels: Option<&BTreeMap<String, String>>| MetricIdentifier {
        name: name.into(),
        selector: labels.filter(|l| !l.is_empty()).map(selector),
    };
    match metric {
        HpaMetric::Cpu { utilization: p } => utilization("cpu", *p),
        HpaMetric::Memory { utilization: p } => utilization("memory", *p),
        HpaMetric::Pods { metric, average_value } => MetricSpec {
            type_: "Pods".into(),
            pods: Some(PodsMetricSource { metric: identifier(metric, None), target: average(average_value) }),
            ..Default::default()
        },
        HpaMetric::Object { api_version, kind, name, metric, value } => MetricSpec {
            type_: "Object".into(),
            object: Some(ObjectMetricSource {
                described_object: CrossVersionObjectReference {
                    api_version: Some(api_version.clone()),
                    kind: kind.clone(),
                    name: name.clone(),
                },
                metric: identifier(metric, None),
                target: MetricTarget {
                    type_: "Value".into(),
                    value: Some(Quantity(value.clone())),
                    ..Default::default()
                },
            }),
            ..Default::default()
        },
        HpaMetric::External { metric, selector: labels, average_value } => MetricSpec {
            type_: "External".into(),
            external: Some(ExternalMetricSource {
                metric: identifier(metric, Some(labels)),
                target: average(average_value),
            }),
            ..Default::default()
        },
    }
}

pub(super) fn autoscaler(cx: &Ctx<'_>) -> Result<()> {
    let Some(hpa) = &cx.props.autoscaling else {
        return Ok(());
    };
    cx.add(&HorizontalPodAutoscaler {
        metadata: cx.meta(cx.name),
        spec: HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: if cx.props.volume_claims.is_empty() { "Deployment" } else { "StatefulSet" }.into(),
                name: cx.name.into(),
            },
            min_replicas: Some(cx.props.replicas as i32),
            max_replicas: hpa.max_replicas as i32,
            metrics: Some(hpa.metrics.iter().map(metric_spec).collect()),
            behavior: Some(behavior(hpa)),
        },
        ..Default::default()
    })
}

/// How fast the HPA scales: scale-down always has its stabilization window; scale-up is
/// written only where it differs from Kubernetes' default.
fn behavior(hpa: &Hpa) -> HorizontalPodAutoscalerBehavior {
    let rules = |stabilization: Option<u32>, rate: Option<&ScalingRate>| HPAScalingRules {
        stabilization_window_seconds: stabilization.map(|s| s as i32),
        select_policy: rate.map(|r| r.select.as_str().to_string()),
        policies: rate.map(|r| r.policies.iter().map(scaling_policy).collect()),
        ..Default::default()
    };
    let scale_up = (hpa.scale_up_stabilization_seconds.is_some() || hpa.scale_up_rate.is_some())
        .then(|| rules(hpa.scale_up_stabilization_seconds, hpa.scale_up_rate.as_ref()));
    HorizontalPodAutoscalerBehavior {
        scale_down: Some(rules(Some(hpa.scale_down_stabilization_seconds), hpa.scale_down_rate.as_ref())),
        scale_up,
    }
}

fn scaling_policy(policy: &ScalingPolicy) -> HPAScalingPolicy {
    let (type_, value, period) = match *policy {
        ScalingPolicy::Percent { percent, period_seconds } => ("Percent", percent, period_seconds),
        ScalingPolicy::Pods { pods, period_seconds } => ("Pods", pods, period_seconds),
    };
    HPAScalingPolicy { type_: type_.into(), value: value as i32, period_seconds: period as i32 }
}

pub(super) fn disruption_budget(cx: &Ctx<'_>) -> Result<()> {
    let Some(disruption) = cx.props.disruption else {
        return Ok(());
    };
    let (max_unavailable, min_available) = match disruption {
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

/// The load balancer to the ports (with an Ingress or a LoadBalancer Service), and egress to
/// DNS (and to AWS over HTTPS with an AWS role). The namespace's `default-deny` closes the rest.
pub(super) fn network_policies(cx: &Ctx<'_>) -> Result<()> {
    let p = cx.props;
    let pods = selector(&cx.selector_labels);
    let policy = |name: &str, spec: NetworkPolicySpec| NetworkPolicy { metadata: cx.meta(name), spec: Some(spec) };
    let exposed = p.ingress.is_some() || matches!(p.service, ServiceKind::LoadBalancer(_));
    if exposed && !p.container.ports.is_empty() {
        let from = p
            .load_balancer_source_cidrs
            .iter()
            .map(|cidr| NetworkPolicyPeer {
                ip_block: Some(IPBlock { cidr: cidr.to_string(), except: None }),
                ..Default::default()
            })
            .collect();
        let ports = p.container.ports.iter().map(|port| tcp(i32::from(port.port))).collect();
        cx.add(&policy(
            &format!("{}-allow-load-balancer", cx.name),
            NetworkPolicySpec {
                pod_selector: Some(pods.clone()),
                policy_types: Some(vec!["Ingress".into()]),
                ingress: Some(vec![NetworkPolicyIngressRule { from: Some(from), ports: Some(ports) }]),
                ..Default::default()
            },
        ))?;
    }
    let ports: Vec<u16> = p.container.ports.iter().map(|port| port.port).collect();
    declare_flows(cx.kube, cx.node, &WorkloadRef::new(cx.ns, cx.name), (&p.allow_from, &ports), &p.egress);
    if !p.allow_from.is_empty() && !ports.is_empty() {
        cx.add(&policy(
            &format!("{}-allow-workloads", cx.name),
            NetworkPolicySpec {
                pod_selector: Some(pods.clone()),
                policy_types: Some(vec!["Ingress".into()]),
                ingress: Some(ingress_rules(&p.allow_from, &ports)),
                ..Default::default()
            },
        ))?;
    }
    if let Some(port) = p.metrics_port() {
        // Monitoring's Prometheus, selected by its namespace and pods, to the metrics port.
        cx.add(&policy(
            &format!("{}-allow-monitoring", cx.name),
            NetworkPolicySpec {
                pod_selector: Some(pods.clone()),
                policy_types: Some(vec!["Ingress".into()]),
                ingress: Some(vec![from_namespace(
                    MONITORING_NAMESPACE,
                    Some(&prometheus_selector()),
                    i32::from(port),
                )]),
                ..Default::default()
            },
        ))?;
    }
    let mut egress = vec![dns_egress()];
    egress.extend(egress_rules(&p.egress));
    if p.aws_policy.is_some() || p.api_access {
        // AWS APIs (STS for IRSA first) and the API server are reached over HTTPS.
        egress.push(https_anywhere());
    }
    if p.aws_policy.is_some() && p.aws_identity == AwsIdentity::PodIdentity {
        // The node's Pod Identity agent hands out the credentials (a link-local address).
        egress.push(NetworkPolicyEgressRule {
            to: Some(vec![NetworkPolicyPeer {
                ip_block: Some(IPBlock { cidr: "169.254.170.23/32".into(), except: None }),
                ..Default::default()
            }]),
            ports: Some(vec![tcp(80)]),
        });
    }
    cx.add(&policy(
        &format!("{}-allow-egress", cx.name),
        NetworkPolicySpec {
            pod_selector: Some(pods),
            policy_types: Some(vec!["Egress".into()]),
            egress: Some(egress),
            ..Default::default()
        },
    ))
}
