//! prometheus-adapter: the custom metrics API (`custom.metrics.k8s.io`) served from
//! Prometheus, so that an autoscaler scaling on an application's metric can read it.
//!
//! Installed by [`Monitoring`](super::Monitoring) when [`CustomMetricsAdapter`] is on,
//! Prometheus is on and an autoscaler of the cluster added before monitoring scales on a
//! custom metric: its [rules](rules) are made from those autoscalers' metrics. In `kube-system`
//! (it extends the Kubernetes API, like metrics-server), as a hardened cluster controller —
//! non-root, read-only root filesystem, every capability dropped, two replicas with a
//! disruption budget — whose NetworkPolicy admits the control plane on 6443 and lets it reach
//! Prometheus (and DNS and the API server) only. Its certificate is made at deploy time (see
//! [`certificate`]); the `APIService` trusts it by CA bundle.
//!
//! Followed upstream: kubernetes-sigs/prometheus-adapter `v0.12.0` (commit
//! `17cef511b1854441490bceeca7a710a04ce091ad`), `deploy/manifests/` — the Deployment's arguments,
//! ports and probes, and the RBAC, recorded in
//! `crates/stackwright-constructs/upstream/prometheus-adapter-v0.12.0-manifests.json`; a test checks
//! that what is granted here is no more than upstream grants.
//!
//! The flows are declared to the cluster (`KubeCluster::declare_flow`): the adapter to
//! Prometheus on 9090, at both ends. The control plane's connection to the adapter is not a
//! pod's: it is admitted by address (see `objects`), and `tools/check-connectivity` derives it
//! from the `APIService`.

mod certificate;
mod objects;
pub(crate) mod part;
pub(crate) mod rules;

use stackwright_core::{FlowDeclaration, FlowEnd, KubeCluster, Node, Result, WorkloadRef};

use super::{Ctx, NAMESPACE as MONITORING, PrometheusProps, encode};
use crate::monitoring::prometheus;
use part::CustomMetricsAdapter;
use rules::Wanted;

/// The adapter's name (service account, Deployment, Service, ClusterRole).
pub(crate) const NAME: &str = "prometheus-adapter";
/// Where it runs.
pub(crate) const NAMESPACE: &str = "kube-system";
/// The port it serves HTTPS on.
pub(crate) const PORT: i32 = 6443;
/// The `APIService` it backs.
pub(crate) const API_SERVICE: &str = "v1beta1.custom.metrics.k8s.io";
/// The Secret holding its serving certificate and CA.
pub(crate) const TLS_SECRET: &str = "prometheus-adapter-tls";
/// The ConfigMap holding its rules.
pub(crate) const CONFIG_MAP: &str = "prometheus-adapter-config";
/// The ClusterRole letting the HPA controller read the custom metrics.
pub(crate) const HPA_RESOURCES_ROLE: &str = "custom-metrics-server-resources";

/// The custom metrics the cluster's autoscalers added so far scale on.
pub(crate) fn wanted_now(kube: &KubeCluster) -> Vec<Wanted> {
    let hpas = kube.objects_of_kind("HorizontalPodAutoscaler");
    rules::wanted(hpas.iter().map(|(owner, body)| (owner.as_str(), body)))
}

/// Whether monitoring with these props installs the adapter on `kube` (Prometheus on, the
/// adapter on, a custom metric to serve).
pub(crate) fn installs(cx: &Ctx<'_>) -> bool {
    cx.props.prometheus.props().is_some()
        && cx.props.custom_metrics_adapter.props().is_some()
        && wanted_now(cx.kube).iter().any(rules::servable)
}

/// Adds the adapter when [`installs`] says so, with rules for the metrics the autoscalers added
/// so far use, and registers the check that every custom metric of the cluster is served —
/// also those added later (`path` is monitoring's). Prometheus is on (`p`).
pub(crate) fn add(cx: &Ctx<'_>, path: &str, p: &PrometheusProps) -> Result<()> {
    let wanted = wanted_now(cx.kube);
    let served: Option<Vec<String>> = match &cx.props.custom_metrics_adapter {
        CustomMetricsAdapter::Off => None,
        CustomMetricsAdapter::On(_) => {
            Some(wanted.iter().filter(|w| rules::servable(w)).map(|w| w.metric.clone()).collect())
        }
    };
    require_served(cx.node, cx.kube, path, served.clone());
    let (Some(props), Some(served)) = (cx.props.custom_metrics_adapter.props(), served) else { return Ok(()) };
    if !installs(cx) {
        return Ok(());
    }
    let config = rules::config(&wanted, p.scrape_interval_seconds);
    let config_yaml = encode::yaml(&format!("custom metrics adapter configuration of {path}"), &config)?;
    let mut metrics = served;
    metrics.sort();
    metrics.dedup();
    objects::add(cx, props, &config_yaml, &metrics)?;
    certificate::add(cx, props)?;
    declare_flows(cx);
    Ok(())
}

/// The adapter queries Prometheus: declared at both ends (the adapter's egress, Prometheus'
/// ingress), as both NetworkPolicies open it.
fn declare_flows(cx: &Ctx<'_>) {
    let port = u16::try_from(prometheus::PORT).unwrap_or_default();
    let flow = |end| FlowDeclaration {
        from: WorkloadRef::new(NAMESPACE, NAME),
        to: WorkloadRef::new(MONITORING, "prometheus"),
        ports: vec![port],
        end,
        hint: "the custom metrics adapter queries Prometheus: Monitoring opens both ends".into(),
    };
    cx.kube.declare_flow(cx.node, flow(FlowEnd::Source));
    cx.kube.declare_flow(cx.node, flow(FlowEnd::Destination));
}

/// Registers at `node` the check that every custom metric an autoscaler of the cluster scales
/// on — added before monitoring or after — has a rule in the adapter (`served`; None: off).
fn require_served(node: &Node, kube: &KubeCluster, path: &str, served: Option<Vec<String>>) {
    let path = path.to_string();
    kube.check_objects_of_kind(node, "HorizontalPodAutoscaler", move |hpas| {
        rules::wanted(hpas.iter().map(|(owner, body)| (owner.as_str(), *body)))
            .iter()
            .filter_map(|w| rules::problem(w, served.as_deref(), &path))
            .collect()
    });
}
