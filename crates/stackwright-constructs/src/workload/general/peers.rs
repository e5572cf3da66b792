//! NetworkPolicies expressed between workloads: "allow from workload X" and "egress to
//! workload Y, a CIDR block, or the AWS APIs", each pod-to-pod flow with a pod and a
//! namespace selector on both sides (an `ipBlock` matching pod addresses is
//! implementation-specific; it is kept for what is not a pod).

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
};
use stackwright_core::{Construct, FlowDeclaration, FlowEnd, KubeCluster, Node, Problems, WorkloadRef};

use crate::internal::labels::namespace_selector;
use crate::internal::network_policy::{https_anywhere, tcp};
use crate::network::Ipv4Cidr;
use crate::workload::meta::{selector, string_map};
use crate::workload::namespace::Namespace;

/// The pods of a workload, job or cron job, as the other end of a NetworkPolicy rule: from
/// [`Workload::peer`](super::Workload::peer), [`Job::peer`](super::Job::peer) or
/// [`CronJob::peer`](super::CronJob::peer).
#[derive(Debug, Clone)]
pub struct WorkloadPeer {
    pub(crate) node: Node,
    pub(crate) cluster_path: String,
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) selector_labels: BTreeMap<String, String>,
    /// The container's port numbers (what a rule to these pods opens).
    pub(crate) ports: Vec<u16>,
}

impl WorkloadPeer {
    /// The workload, job or cron job named `name` in `namespace`, created later in the
    /// program (two workloads that call each other cannot both be created first). Its pods are
    /// selected by name; a rule to it opens every port.
    pub fn named(namespace: &Namespace, name: impl Into<String>) -> Self {
        let name = name.into();
        WorkloadPeer {
            node: namespace.node().clone(),
            cluster_path: namespace.cluster_path().to_string(),
            namespace: namespace.name().to_string(),
            selector_labels: string_map([
                ("app.kubernetes.io/name", name.as_str()),
                ("app.kubernetes.io/instance", &name),
            ]),
            name,
            ports: Vec::new(),
        }
    }

    /// The workload's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace of the workload.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The workload as the cluster knows it, for flow declarations.
    pub(crate) fn workload_ref(&self) -> WorkloadRef {
        WorkloadRef::new(&self.namespace, &self.name)
    }

    fn peer(&self) -> NetworkPolicyPeer {
        NetworkPolicyPeer {
            namespace_selector: Some(namespace_selector(&self.namespace)),
            pod_selector: Some(selector(&self.selector_labels)),
            ..Default::default()
        }
    }
}

/// Where a workload's pods may connect to (besides DNS, always open).
#[derive(Debug, Clone)]
pub enum EgressRule {
    /// The container ports of another workload of the same cluster (the other workload must
    /// allow this one in too: [`WorkloadProps::allow_from`](super::WorkloadProps::allow_from)).
    Workload(WorkloadPeer),
    /// A CIDR block outside the cluster's pods (a database, an on-premises network) on these
    /// TCP ports (none: every port).
    Cidr(Ipv4Cidr, Vec<u16>),
    /// The AWS APIs over HTTPS (their public endpoints, or interface endpoints in the VPC).
    AwsApis,
}

/// Records a problem for every peer on a cluster other than `cluster_path`.
pub(crate) fn check_peers<'a>(
    problems: &mut Problems,
    cluster_path: &str,
    peers: impl IntoIterator<Item = &'a WorkloadPeer>,
) {
    for peer in peers {
        if peer.cluster_path != cluster_path {
            problems.push(
                format!(
                    "a NetworkPolicy rule names workload '{}/{}' of cluster '{}', but this workload runs on '{cluster_path}'",
                    peer.namespace, peer.name, peer.cluster_path
                ),
                "NetworkPolicies select pods of their own cluster only: allow the other cluster's addresses with EgressRule::Cidr instead",
            );
        }
    }
}

/// The peers named by `allow_from` and `egress`.
pub(crate) fn named<'a>(allow_from: &'a [WorkloadPeer], egress: &'a [EgressRule]) -> Vec<&'a WorkloadPeer> {
    let to = egress.iter().filter_map(|rule| match rule {
        EgressRule::Workload(peer) => Some(peer),
        _ => None,
    });
    allow_from.iter().chain(to).collect()
}

/// One ingress rule per peer allowed in, to `ports`.
pub(crate) fn ingress_rules(allow_from: &[WorkloadPeer], ports: &[u16]) -> Vec<NetworkPolicyIngressRule> {
    allow_from
        .iter()
        .map(|peer| NetworkPolicyIngressRule {
            from: Some(vec![peer.peer()]),
            ports: Some(ports.iter().map(|p| tcp(i32::from(*p))).collect()),
        })
        .collect()
}

/// One egress rule per destination.
pub(crate) fn egress_rules(egress: &[EgressRule]) -> Vec<NetworkPolicyEgressRule> {
    egress
        .iter()
        .map(|rule| match rule {
            EgressRule::Workload(peer) => NetworkPolicyEgressRule {
                to: Some(vec![peer.peer()]),
                ports: (!peer.ports.is_empty()).then(|| peer.ports.iter().map(|p| tcp(i32::from(*p))).collect()),
            },
            EgressRule::Cidr(cidr, ports) => NetworkPolicyEgressRule {
                to: Some(vec![NetworkPolicyPeer {
                    ip_block: Some(IPBlock { cidr: cidr.to_string(), except: None }),
                    ..Default::default()
                }]),
                ports: (!ports.is_empty()).then(|| ports.iter().map(|p| tcp(i32::from(*p))).collect()),
            },
            EgressRule::AwsApis => https_anywhere(),
        })
        .collect()
}

/// Declares to the cluster this workload's ends of its connections with other workloads:
/// each peer it allows in (to its `ports`) and each workload it has egress to. Synth matches
/// them with the other ends' declarations, so that a connection declared at one end only —
/// blocked by the other end's policies — is an error, and lists the matched ones in the
/// assembly for the connectivity check.
pub(crate) fn declare_flows(
    kube: &KubeCluster,
    owner: &Node,
    me: &WorkloadRef,
    (allow_from, ports): (&[WorkloadPeer], &[u16]),
    egress: &[EgressRule],
) {
    for peer in allow_from {
        kube.declare_flow(
            owner,
            FlowDeclaration {
                from: peer.workload_ref(),
                to: me.clone(),
                ports: ports.to_vec(),
                end: FlowEnd::Destination,
                hint: format!(
                    "in the props of '{}', add .egress_to(EgressRule::Workload(<this workload>.peer())); or remove this allow",
                    peer.workload_ref()
                ),
            },
        );
    }
    for rule in egress {
        if let EgressRule::Workload(peer) = rule {
            kube.declare_flow(
                owner,
                FlowDeclaration {
                    from: me.clone(),
                    to: peer.workload_ref(),
                    ports: peer.ports.clone(),
                    end: FlowEnd::Source,
                    hint: format!(
                        "in the props of '{}', add .allow(<this workload>.peer()) (a WorkloadPeer::named peer must be the name that workload is created with); or remove this egress rule",
                        peer.workload_ref()
                    ),
                },
            );
        }
    }
}
