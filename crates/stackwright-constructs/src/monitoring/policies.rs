//! The NetworkPolicies of namespace `monitoring`: deny by default, then exactly the flows of
//! the parts that are on.

use std::collections::BTreeMap;

use stackwright_core::Result;
use stackwright_core::k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicySpec,
};

use super::parts::{Alertmanager, Grafana, KubeStateMetrics};
use super::{Ctx, NAMESPACE, adapter, alertmanager, kube_state_metrics, prometheus, receivers};
use crate::internal::network_policy::{
    default_deny, dns_egress, from_namespace, from_pods, tcp, to_namespace, to_pods, to_private_networks,
};
use crate::internal::scrape_contract::prometheus_selector;
use crate::workload::meta::{meta, selector, string_map};

pub(crate) fn labels_of(name: &str) -> BTreeMap<String, String> {
    string_map([("app.kubernetes.io/name", name), ("app.kubernetes.io/instance", name)])
}

/// Where Prometheus may connect: every pod flow by namespace and pod selectors — Alertmanager
/// and kube-state-metrics when they run, each target on its metrics port, and kube-system's
/// pods (the cluster's add-on controllers, scraped by their `prometheus.io` annotations, each
/// opening its own metrics port to Prometheus only); the addresses of the cluster's network for
/// what is not a pod (the kubelets, the API server's endpoints).
fn prometheus_egress(cx: &Ctx<'_>) -> Vec<NetworkPolicyEgressRule> {
    let mut egress = vec![dns_egress()];
    if matches!(cx.props.alertmanager, Alertmanager::On(_)) {
        egress.push(to_pods(&labels_of("alertmanager"), alertmanager::PORT));
    }
    if matches!(cx.props.kube_state_metrics, KubeStateMetrics::On(_)) {
        egress.push(to_pods(&labels_of("kube-state-metrics"), kube_state_metrics::PORT));
    }
    for t in &cx.props.targets {
        let pods = string_map([("app.kubernetes.io/name", t.name.as_str())]);
        egress.push(to_namespace(&t.namespace, Some(&pods), &[i32::from(t.port)]));
    }
    egress.push(to_namespace("kube-system", None, &[]));
    egress.push(to_private_networks(&[]));
    egress
}

/// Who may query Prometheus: Grafana and the custom metrics adapter (in kube-system), each
/// when it runs; nobody else.
fn prometheus_ingress(cx: &Ctx<'_>, grafana: bool) -> Option<Vec<NetworkPolicyIngressRule>> {
    let mut ingress = Vec::new();
    if grafana {
        ingress.push(from_pods(&labels_of("grafana"), prometheus::PORT));
    }
    if adapter::installs(cx) {
        let pods =
            string_map([("app.kubernetes.io/name", adapter::NAME), ("app.kubernetes.io/component", "controller")]);
        ingress.push(from_namespace(adapter::NAMESPACE, Some(&pods), prometheus::PORT));
    }
    (!ingress.is_empty()).then_some(ingress)
}

/// Egress anywhere on `ports` (the receivers' HTTPS and SMTP ports): the receivers are outside
/// the cluster, at addresses nothing here knows.
fn anywhere_on(ports: &[i32]) -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            ip_block: Some(IPBlock { cidr: "0.0.0.0/0".into(), except: None }),
            ..Default::default()
        }]),
        ports: Some(ports.iter().map(|p| tcp(*p)).collect()),
    }
}

/// DNS, and the receivers' ports anywhere: HTTPS (SNS and STS, webhooks, Slack, PagerDuty) and
/// the SMTP servers' ports. Never a rule without ports, which would open every port.
fn receivers_egress(receivers: &[receivers::Receiver]) -> Vec<NetworkPolicyEgressRule> {
    let ports = receivers::egress_ports(receivers);
    let mut egress = vec![dns_egress()];
    if !ports.is_empty() {
        egress.push(anywhere_on(&ports));
    }
    egress
}

/// Deny by default; then exactly the flows monitoring needs.
pub(crate) fn add(cx: &Ctx<'_>) -> Result<()> {
    let labels = string_map([("app.kubernetes.io/part-of", "stackwright-monitoring")]);
    let add = |name: &str, spec: NetworkPolicySpec| {
        cx.add(&NetworkPolicy { metadata: meta(name, Some(NAMESPACE), &labels), spec: Some(spec) })
    };
    let dns = dns_egress;
    add("default-deny", default_deny())?;
    let both = || Some(vec!["Ingress".to_string(), "Egress".to_string()]);
    let grafana = matches!(cx.props.grafana, Grafana::On(_));
    add(
        "prometheus",
        NetworkPolicySpec {
            pod_selector: Some(selector(&prometheus_selector())),
            policy_types: both(),
            ingress: prometheus_ingress(cx, grafana),
            egress: Some(prometheus_egress(cx)),
        },
    )?;
    if matches!(cx.props.kube_state_metrics, KubeStateMetrics::On(_)) {
        add(
            "kube-state-metrics",
            NetworkPolicySpec {
                pod_selector: Some(selector(&labels_of("kube-state-metrics"))),
                policy_types: both(),
                ingress: Some(vec![from_pods(&labels_of("prometheus"), kube_state_metrics::PORT)]),
                egress: Some(vec![dns(), to_private_networks(&[443])]),
            },
        )?;
    }
    if let Alertmanager::On(a) = &cx.props.alertmanager {
        add(
            "alertmanager",
            NetworkPolicySpec {
                pod_selector: Some(selector(&labels_of("alertmanager"))),
                policy_types: both(),
                ingress: Some(vec![from_pods(&labels_of("prometheus"), alertmanager::PORT)]),
                egress: Some(receivers_egress(&a.receivers)),
            },
        )?;
    }
    if grafana {
        add(
            "grafana",
            NetworkPolicySpec {
                pod_selector: Some(selector(&labels_of("grafana"))),
                policy_types: both(),
                // No ingress: reach it with `kubectl -n monitoring port-forward svc/grafana 3000`.
                ingress: None,
                egress: Some(vec![dns(), to_pods(&labels_of("prometheus"), prometheus::PORT)]),
            },
        )?;
    }
    Ok(())
}
