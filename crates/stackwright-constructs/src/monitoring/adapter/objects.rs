//! The adapter's Kubernetes objects: service account and RBAC (upstream's, narrowed), the
//! rules' ConfigMap, a two-replica Deployment serving HTTPS on 6443 with its disruption budget
//! and Service, and the NetworkPolicy admitting the control plane and letting it reach
//! Prometheus and the API server only.

use std::collections::BTreeMap;

use stackwright_core::Result;
use stackwright_core::k8s_openapi::api::apps::v1::Deployment;
use stackwright_core::k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, HTTPGetAction, Probe, SecretVolumeSource, Service, ServicePort, ServiceSpec,
    Volume, VolumeMount,
};
use stackwright_core::k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicySpec,
};
use stackwright_core::k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use stackwright_core::k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, RoleBinding};
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{CONFIG_MAP, HPA_RESOURCES_ROLE, NAME, NAMESPACE, PORT, TLS_SECRET};
use crate::eks::addons::controller_pod::ControllerPod;
use crate::internal::config_hash;
use crate::internal::network_policy::{dns_egress, tcp, to_namespace, to_private_networks};
use crate::internal::scrape_contract::{MONITORING_NAMESPACE, prometheus_selector};
use crate::monitoring::Ctx;
use crate::monitoring::adapter::part::CustomMetricsAdapterProps;
use crate::monitoring::prometheus;
use crate::workload::meta::{meta, policy_rule, role_ref, selector, service_account_subject};

/// The adapter's pod: the rules from the ConfigMap, the serving certificate from the Secret
/// the certgen Job wrote, Prometheus by its Service.
fn pod(cx: &Ctx<'_>, props: &CustomMetricsAdapterProps) -> Result<ControllerPod> {
    let mount = |name: &str, path: &str| VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: Some(true),
        ..Default::default()
    };
    Ok(ControllerPod {
        name: NAME.into(),
        namespace: NAMESPACE.into(),
        image: props.image.render(cx.kube)?,
        command: Vec::new(),
        args: vec![
            format!("--secure-port={PORT}"),
            "--tls-cert-file=/var/run/serving-cert/tls.crt".into(),
            "--tls-private-key-file=/var/run/serving-cert/tls.key".into(),
            "--config=/etc/adapter/config.yaml".into(),
            format!("--prometheus-url=http://prometheus.{MONITORING_NAMESPACE}.svc:{}/", prometheus::PORT),
            "--metrics-relist-interval=1m".into(),
        ],
        env: Vec::new(),
        ports: vec![("https", PORT)],
        // HTTPS probes are set on the Deployment (the shared shape probes over HTTP).
        liveness: None,
        readiness: None,
        cpu: "100m",
        memory: "192Mi",
        volumes: vec![
            (
                Volume {
                    name: "config".into(),
                    config_map: Some(ConfigMapVolumeSource {
                        name: CONFIG_MAP.into(),
                        default_mode: Some(0o444),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                mount("config", "/etc/adapter"),
            ),
            (
                Volume {
                    name: "serving-cert".into(),
                    secret: Some(SecretVolumeSource {
                        secret_name: Some(TLS_SECRET.into()),
                        default_mode: Some(0o440),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                mount("serving-cert", "/var/run/serving-cert"),
            ),
        ],
    })
}

/// The Deployment of `pod`: HTTPS probes on `/livez` and `/readyz` (served without
/// authentication), the configured resources, and the rules' hash so that new rules roll it.
fn deployment(pod: &ControllerPod, props: &CustomMetricsAdapterProps, config_yaml: &str) -> Deployment {
    let files = BTreeMap::from([("config.yaml".to_string(), config_yaml.to_string())]);
    let annotations = BTreeMap::from([(config_hash::ANNOTATION.to_string(), config_hash::of_map(&files))]);
    let mut d = pod.deployment(2, annotations);
    let probe = |path: &str, delay: i32| Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.into()),
            port: IntOrString::String("https".into()),
            scheme: Some("HTTPS".into()),
            ..Default::default()
        }),
        initial_delay_seconds: Some(delay),
        period_seconds: Some(10),
        timeout_seconds: Some(5),
        failure_threshold: Some(5),
        ..Default::default()
    };
    if let Some(c) = d.spec.as_mut().and_then(|s| s.template.spec.as_mut()).and_then(|s| s.containers.first_mut()) {
        c.liveness_probe = Some(probe("/livez", 30));
        c.readiness_probe = Some(probe("/readyz", 10));
        c.resources = Some(props.resources.requirements());
    }
    d
}

/// Ingress on `port` from the control plane: EKS's API server reaches pods from its
/// cross-account network interfaces in the cluster's subnets, at private addresses.
fn from_control_plane(port: i32) -> NetworkPolicyIngressRule {
    NetworkPolicyIngressRule {
        from: Some(
            ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
                .into_iter()
                .map(|cidr| NetworkPolicyPeer {
                    ip_block: Some(IPBlock { cidr: cidr.into(), except: None }),
                    ..Default::default()
                })
                .collect(),
        ),
        ports: Some(vec![tcp(port)]),
    }
}

/// The adapter's policy: the API server in on 6443; out, DNS, Prometheus on its port, and the
/// API server on 443 (delegated authentication and authorization, the pods it maps series to).
fn network_policy(labels: &BTreeMap<String, String>) -> NetworkPolicy {
    NetworkPolicy {
        metadata: meta(NAME, Some(NAMESPACE), labels),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector(labels)),
            policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
            ingress: Some(vec![from_control_plane(PORT)]),
            egress: Some(vec![
                dns_egress(),
                to_namespace(MONITORING_NAMESPACE, Some(&prometheus_selector()), &[prometheus::PORT]),
                to_private_networks(&[443]),
            ]),
        }),
    }
}

/// Upstream's RBAC (`deploy/manifests` of v0.12.0, in `upstream/`), narrowed: the adapter reads
/// namespaces and pods (the resources its rules map series to; not nodes or services), reviews
/// tokens and access as an aggregated API server (`system:auth-delegator`), reads the
/// authentication configuration in kube-system; the HPA controller may read the custom metrics
/// the adapter serves — get and list of `pods/<metric>` and `deployments.apps/<metric>` (the
/// API server's resource and subresource for `…/pods/*/<metric>`), not upstream's `*` on `*`.
fn rbac(cx: &Ctx<'_>, labels: &BTreeMap<String, String>, metrics: &[String]) -> Result<()> {
    let subject = || Some(vec![service_account_subject(NAME, NAMESPACE)]);
    let resources: Vec<String> =
        ["pods", "deployments.apps"].iter().flat_map(|r| metrics.iter().map(move |m| format!("{r}/{m}"))).collect();
    cx.add(&ClusterRole {
        metadata: meta(NAME, None, labels),
        rules: Some(vec![policy_rule(&[""], &["namespaces", "pods"], &[], &["get", "list", "watch"])]),
        ..Default::default()
    })?;
    cx.add(&ClusterRoleBinding {
        metadata: meta(NAME, None, labels),
        role_ref: role_ref("ClusterRole", NAME),
        subjects: subject(),
    })?;
    let delegator = format!("{NAME}-auth-delegator");
    cx.add(&ClusterRoleBinding {
        metadata: meta(&delegator, None, labels),
        role_ref: role_ref("ClusterRole", "system:auth-delegator"),
        subjects: subject(),
    })?;
    cx.add(&RoleBinding {
        metadata: meta(&format!("{NAME}-auth-reader"), Some("kube-system"), labels),
        role_ref: role_ref("Role", "extension-apiserver-authentication-reader"),
        subjects: subject(),
    })?;
    cx.add(&ClusterRole {
        metadata: meta(HPA_RESOURCES_ROLE, None, labels),
        rules: Some(vec![policy_rule(&["custom.metrics.k8s.io"], &refs(&resources), &[], &["get", "list"])]),
        ..Default::default()
    })?;
    cx.add(&ClusterRoleBinding {
        metadata: meta("hpa-controller-custom-metrics", None, labels),
        role_ref: role_ref("ClusterRole", HPA_RESOURCES_ROLE),
        subjects: Some(vec![service_account_subject("horizontal-pod-autoscaler", "kube-system")]),
    })
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Adds the adapter (not its certificate, see `certificate`) with `config_yaml` as its rules,
/// serving `metrics`.
pub(crate) fn add(
    cx: &Ctx<'_>,
    props: &CustomMetricsAdapterProps,
    config_yaml: &str,
    metrics: &[String],
) -> Result<()> {
    let pod = pod(cx, props)?;
    let labels = pod.labels();
    cx.add(&pod.service_account(None))?;
    rbac(cx, &labels, metrics)?;
    cx.add(&ConfigMap {
        metadata: meta(CONFIG_MAP, Some(NAMESPACE), &labels),
        data: Some(BTreeMap::from([("config.yaml".to_string(), config_yaml.to_string())])),
        ..Default::default()
    })?;
    cx.add(&network_policy(&labels))?;
    cx.add(&Service {
        metadata: meta(NAME, Some(NAMESPACE), &labels),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            selector: Some(labels.clone()),
            ports: Some(vec![ServicePort {
                name: Some("https".into()),
                port: 443,
                target_port: Some(IntOrString::String("https".into())),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    })?;
    cx.add(&deployment(&pod, props, config_yaml))?;
    cx.add(&PodDisruptionBudget {
        metadata: meta(NAME, Some(NAMESPACE), &labels),
        spec: Some(PodDisruptionBudgetSpec {
            min_available: Some(IntOrString::Int(1)),
            selector: Some(selector(&labels)),
            ..Default::default()
        }),
        ..Default::default()
    })?;
    Ok(())
}
