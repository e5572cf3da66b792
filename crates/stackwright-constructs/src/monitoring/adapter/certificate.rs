//! The adapter's serving certificate, made at deploy time inside the cluster, and the
//! `APIService` that trusts it — the way the load balancer controller gets its certificate
//! (no key in the output, no cert-manager), plus the step that puts the CA into the
//! `APIService`, so that the API server verifies the adapter (never `insecureSkipTLSVerify`).
//!
//! Two Jobs of `kube-webhook-certgen` (ingress-nginx's tool, the load balancer controller's
//! pinned release):
//! 1. `create` makes a CA and a serving certificate for the adapter's Service names and writes
//!    them into the Secret `prometheus-adapter-tls` (`ca`, `tls.crt`, `tls.key`) — once: a
//!    Secret that exists is left alone;
//! 2. `patch --apiservice-name=v1beta1.custom.metrics.k8s.io` (webhook patching off; the flag of
//!    ingress-nginx's `images/kube-webhook-certgen/rootfs/cmd/patch.go`) copies the Secret's CA
//!    into the `APIService`'s `caBundle`. It retries (the Job's backoff) until the
//!    Secret and the `APIService` exist. The runtime applies the `APIService` without a
//!    `caBundle` by server-side apply, which leaves the field the Job set (another manager's).
//!
//! The runtime then waits for the `APIService` to be `Available`: the adapter is up and the
//! API server trusts it.

use std::collections::BTreeMap;

use stackwright_core::Result;
use stackwright_core::k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicySpec};
use stackwright_core::k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use stackwright_core::k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::{
    APIService, APIServiceSpec, ServiceReference,
};

use super::{API_SERVICE, NAME, NAMESPACE, TLS_SECRET};
use crate::eks::addons::controller_pod::ControllerPod;
use crate::internal::network_policy::{dns_egress, to_private_networks};
use crate::monitoring::Ctx;
use crate::monitoring::adapter::part::CustomMetricsAdapterProps;
use crate::workload::meta::{meta, policy_rule, role_ref, selector, service_account_subject, string_map};

/// The certgen Jobs' service account, roles and Jobs.
const CERTGEN: &str = "prometheus-adapter-certgen";

/// One certgen Job running `args`.
fn job_pod(name: &str, image: String, args: Vec<String>) -> ControllerPod {
    ControllerPod {
        name: name.into(),
        namespace: NAMESPACE.into(),
        image,
        command: Vec::new(),
        args,
        env: Vec::new(),
        ports: Vec::new(),
        liveness: None,
        readiness: None,
        cpu: "50m",
        memory: "64Mi",
        volumes: Vec::new(),
    }
}

/// The `APIService` of `custom.metrics.k8s.io/v1beta1`, served by the adapter's Service on 443;
/// its `caBundle` is set by the patch Job.
fn api_service(labels: &BTreeMap<String, String>) -> APIService {
    APIService {
        metadata: meta(API_SERVICE, None, labels),
        spec: Some(APIServiceSpec {
            group: Some("custom.metrics.k8s.io".into()),
            version: Some("v1beta1".into()),
            group_priority_minimum: 100,
            version_priority: 100,
            service: Some(ServiceReference {
                name: Some(NAME.into()),
                namespace: Some(NAMESPACE.into()),
                port: Some(443),
            }),
            ca_bundle: None,
            insecure_skip_tls_verify: None,
        }),
        ..Default::default()
    }
}

/// RBAC of the two Jobs (one service account): create the Secret and read it back; read and
/// update the one `APIService` (the patch reads it, sets `caBundle` and updates it:
/// `images/kube-webhook-certgen/rootfs/pkg/k8s/k8s.go` of kubernetes/ingress-nginx).
fn rbac(cx: &Ctx<'_>, labels: &BTreeMap<String, String>) -> Result<()> {
    let subject = || Some(vec![service_account_subject(CERTGEN, NAMESPACE)]);
    cx.add(&Role {
        metadata: meta(CERTGEN, Some(NAMESPACE), labels),
        rules: Some(vec![
            policy_rule(&[""], &["secrets"], &[], &["create"]),
            policy_rule(&[""], &["secrets"], &[TLS_SECRET], &["get"]),
        ]),
    })?;
    cx.add(&RoleBinding {
        metadata: meta(CERTGEN, Some(NAMESPACE), labels),
        role_ref: role_ref("Role", CERTGEN),
        subjects: subject(),
    })?;
    cx.add(&ClusterRole {
        metadata: meta(CERTGEN, None, labels),
        rules: Some(vec![policy_rule(
            &["apiregistration.k8s.io"],
            &["apiservices"],
            &[API_SERVICE],
            &["get", "update"],
        )]),
        ..Default::default()
    })?;
    cx.add(&ClusterRoleBinding {
        metadata: meta(CERTGEN, None, labels),
        role_ref: role_ref("ClusterRole", CERTGEN),
        subjects: subject(),
    })
}

/// Adds the certificate Jobs, their RBAC and policy, and the `APIService`.
pub(crate) fn add(cx: &Ctx<'_>, props: &CustomMetricsAdapterProps) -> Result<()> {
    let image = props.certgen_image.render(cx.kube)?;
    let create = job_pod(
        CERTGEN,
        image.clone(),
        vec![
            "create".into(),
            format!("--host={NAME},{NAME}.{NAMESPACE}.svc"),
            format!("--namespace={NAMESPACE}"),
            format!("--secret-name={TLS_SECRET}"),
            "--cert-name=tls.crt".into(),
            "--key-name=tls.key".into(),
        ],
    );
    let patch = job_pod(
        &format!("{CERTGEN}-patch"),
        image,
        vec![
            "patch".into(),
            format!("--apiservice-name={API_SERVICE}"),
            "--patch-validating=false".into(),
            "--patch-mutating=false".into(),
            format!("--namespace={NAMESPACE}"),
            format!("--secret-name={TLS_SECRET}"),
        ],
    );
    let labels = create.labels();
    cx.add(&create.service_account(None))?;
    rbac(cx, &labels)?;
    for job in [&create, &patch] {
        let mut j = job.job();
        if let Some(spec) = j.spec.as_mut().and_then(|s| s.template.spec.as_mut()) {
            spec.service_account_name = Some(CERTGEN.into());
        }
        cx.add(&j)?;
    }
    // Both Jobs (app.kubernetes.io/component: controller, their names) talk to the API server
    // only; nothing talks to them.
    for job in [&create, &patch] {
        cx.add(&NetworkPolicy {
            metadata: meta(&job.name, Some(NAMESPACE), &job.labels()),
            spec: Some(NetworkPolicySpec {
                pod_selector: Some(selector(&job.labels())),
                policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
                ingress: Some(Vec::new()),
                egress: Some(vec![dns_egress(), to_private_networks(&[443])]),
            }),
        })?;
    }
    let adapter = string_map([("app.kubernetes.io/name", NAME), ("app.kubernetes.io/component", "controller")]);
    cx.add(&api_service(&adapter))
}
