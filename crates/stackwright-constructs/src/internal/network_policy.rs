//! The NetworkPolicy building blocks every workload stackwright writes is made of: deny by
//! default, then name each flow (DNS, HTTPS out, scrapes from Prometheus, pod to pod).

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec,
};
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::labels::{namespace_selector, selector, string_map};

/// A TCP port.
pub(crate) fn tcp(port: i32) -> NetworkPolicyPort {
    NetworkPolicyPort { port: Some(IntOrString::Int(port)), protocol: Some("TCP".into()), ..Default::default() }
}

/// Every pod of the namespace, ingress and egress closed: what the other policies open.
pub(crate) fn default_deny() -> NetworkPolicySpec {
    NetworkPolicySpec {
        pod_selector: Some(LabelSelector::default()),
        policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
        ..Default::default()
    }
}

/// DNS to the cluster's resolver (CoreDNS in kube-system).
pub(crate) fn dns_egress() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(namespace_selector("kube-system")),
            pod_selector: Some(selector(&string_map([("k8s-app", "kube-dns")]))),
            ..Default::default()
        }]),
        ports: Some(vec![
            NetworkPolicyPort { port: Some(IntOrString::Int(53)), protocol: Some("UDP".into()), ..Default::default() },
            tcp(53),
        ]),
    }
}

/// HTTPS to any address: AWS APIs (STS for IRSA first) have no fixed addresses.
pub(crate) fn https_anywhere() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            ip_block: Some(IPBlock { cidr: "0.0.0.0/0".into(), except: None }),
            ..Default::default()
        }]),
        ports: Some(vec![tcp(443)]),
    }
}

/// Ingress on `port` from the pods labelled `labels` (in the policy's namespace).
pub(crate) fn from_pods(labels: &BTreeMap<String, String>, port: i32) -> NetworkPolicyIngressRule {
    NetworkPolicyIngressRule {
        from: Some(vec![NetworkPolicyPeer { pod_selector: Some(selector(labels)), ..Default::default() }]),
        ports: Some(vec![tcp(port)]),
    }
}

/// Egress on `port` to the pods labelled `labels` (in the policy's namespace).
pub(crate) fn to_pods(labels: &BTreeMap<String, String>, port: i32) -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer { pod_selector: Some(selector(labels)), ..Default::default() }]),
        ports: Some(vec![tcp(port)]),
    }
}

/// Egress to the addresses inside the cluster's network that are not pods (nodes' kubelets,
/// the API server's endpoints in the VPC), on `ports` (all ports when empty). A flow to a pod
/// is written with selectors ([`to_pods`], [`to_namespace`]), never left to these ranges.
pub(crate) fn to_private_networks(ports: &[i32]) -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(
            ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
                .map(|cidr| NetworkPolicyPeer {
                    ip_block: Some(IPBlock { cidr: cidr.into(), except: None }),
                    ..Default::default()
                })
                .to_vec(),
        ),
        ports: (!ports.is_empty()).then(|| ports.iter().map(|p| tcp(*p)).collect()),
    }
}

/// Egress to the pods labelled `pods` (every pod when `None`) in `namespace`, on `ports` (all
/// ports when empty): a pod named by selectors on both sides, not by its address (whether an
/// `ipBlock` matches pod addresses is up to the network plugin; Cilium's does not).
pub(crate) fn to_namespace(
    namespace: &str,
    pods: Option<&BTreeMap<String, String>>,
    ports: &[i32],
) -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(namespace_selector(namespace)),
            pod_selector: Some(pods.map(selector).unwrap_or_default()),
            ..Default::default()
        }]),
        ports: (!ports.is_empty()).then(|| ports.iter().map(|p| tcp(*p)).collect()),
    }
}

/// Ingress on `port` from the pods labelled `pods` in `namespace` only.
pub(crate) fn from_namespace(
    namespace: &str,
    pods: Option<&BTreeMap<String, String>>,
    port: i32,
) -> NetworkPolicyIngressRule {
    NetworkPolicyIngressRule {
        from: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(namespace_selector(namespace)),
            pod_selector: pods.map(selector),
            ..Default::default()
        }]),
        ports: Some(vec![tcp(port)]),
    }
}
