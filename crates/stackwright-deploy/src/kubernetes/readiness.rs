//! Readiness of applied objects, as `kubectl rollout status` judges it: rollouts of workloads,
//! established CRDs, load balancers with an address; Jobs run to completion (as
//! `kubectl wait --for=condition=complete` does, failing early on the `Failed` condition); and
//! aggregated APIs (`APIService`) `Available` (as `kubectl wait --for=condition=Available`), so
//! that an autoscaler reading the custom metrics API is not deployed before that API answers.

use serde_json::Value as Json;

/// Whether an object of `kind` has a readiness condition worth waiting for.
pub(super) fn needs_wait(kind: &str, body: &Json) -> bool {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "CustomResourceDefinition" => true,
        "Service" => body.pointer("/spec/type").and_then(Json::as_str) == Some("LoadBalancer"),
        // An Ingress gets its address when the controller has provisioned the load balancer.
        "Ingress" => true,
        "Job" => body.get("apiVersion").and_then(Json::as_str) == Some("batch/v1"),
        "APIService" => body.get("apiVersion").and_then(Json::as_str) == Some("apiregistration.k8s.io/v1"),
        _ => false,
    }
}

/// Where an object stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Ready: nothing to wait for.
    Ready,
    /// Not yet, and why (shown while waiting).
    Waiting(String),
    /// It will not become ready by waiting, and why.
    Failed(String),
}

fn int(o: &Json, pointer: &str) -> i64 {
    o.pointer(pointer).and_then(Json::as_i64).unwrap_or(0)
}

fn condition<'a>(o: &'a Json, kind: &str) -> Option<&'a Json> {
    o.pointer("/status/conditions")?.as_array()?.iter().find(|c| c.get("type").and_then(Json::as_str) == Some(kind))
}

/// The condition `kind`, when its status is `True`.
fn condition_true<'a>(o: &'a Json, kind: &str) -> Option<&'a Json> {
    condition(o, kind).filter(|c| c.get("status").and_then(Json::as_str) == Some("True"))
}

/// A Job has completed: a pod succeeded, or the `Complete` condition is true.
fn is_job_completed(o: &Json) -> bool {
    int(o, "/status/succeeded") >= 1 || condition_true(o, "Complete").is_some()
}

/// Why a Job failed, when its `Failed` condition is true ("reason: message").
fn job_failure(o: &Json) -> Option<String> {
    let c = condition_true(o, "Failed")?;
    let field = |k: &str| c.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    let (reason, message) = (field("reason"), field("message"));
    Some(match (reason.is_empty(), message.is_empty()) {
        (false, false) => format!("{reason}: {message}"),
        (false, true) => reason,
        (true, false) => message,
        (true, true) => "no reason given".into(),
    })
}

/// The readiness rules (those of `kubectl rollout status` for workloads) applied to the live
/// object `o` of `kind`.
#[must_use]
pub fn readiness(kind: &str, o: &Json) -> Readiness {
    let generation = int(o, "/metadata/generation");
    let observed = int(o, "/status/observedGeneration");
    match kind {
        "Deployment" => {
            if let Some(c) = condition(o, "Progressing")
                && c.get("reason").and_then(Json::as_str) == Some("ProgressDeadlineExceeded")
            {
                return Readiness::Failed(format!(
                    "the rollout exceeded its progress deadline: {}",
                    c.get("message").and_then(Json::as_str).unwrap_or("")
                ));
            }
            let want = o.pointer("/spec/replicas").and_then(Json::as_i64).unwrap_or(1);
            let updated = int(o, "/status/updatedReplicas");
            let total = int(o, "/status/replicas");
            let available = int(o, "/status/availableReplicas");
            if observed < generation {
                Readiness::Waiting("the controller has not seen the new spec yet".into())
            } else if updated < want {
                Readiness::Waiting(format!("{updated} of {want} replicas updated"))
            } else if total > updated {
                Readiness::Waiting(format!("{} old replicas pending termination", total - updated))
            } else if available < updated {
                Readiness::Waiting(format!("{available} of {updated} updated replicas available"))
            } else {
                Readiness::Ready
            }
        }
        "StatefulSet" => {
            let want = o.pointer("/spec/replicas").and_then(Json::as_i64).unwrap_or(1);
            let ready = int(o, "/status/readyReplicas");
            let updated = int(o, "/status/updatedReplicas");
            if observed < generation {
                Readiness::Waiting("the controller has not seen the new spec yet".into())
            } else if updated < want || ready < want {
                Readiness::Waiting(format!("{ready} of {want} ready, {updated} updated"))
            } else {
                Readiness::Ready
            }
        }
        "DaemonSet" => {
            let want = int(o, "/status/desiredNumberScheduled");
            let updated = int(o, "/status/updatedNumberScheduled");
            let available = int(o, "/status/numberAvailable");
            if observed < generation {
                Readiness::Waiting("the controller has not seen the new spec yet".into())
            } else if updated < want || available < want {
                Readiness::Waiting(format!("{available} of {want} nodes available, {updated} updated"))
            } else {
                Readiness::Ready
            }
        }
        "CustomResourceDefinition" => {
            match condition(o, "Established").and_then(|c| c.get("status")).and_then(Json::as_str) {
                Some("True") => Readiness::Ready,
                _ => Readiness::Waiting("not established yet".into()),
            }
        }
        "Job" => {
            if let Some(why) = job_failure(o) {
                Readiness::Failed(format!("the Job failed ({why})"))
            } else if is_job_completed(o) {
                Readiness::Ready
            } else {
                Readiness::Waiting(format!(
                    "{} active, {} succeeded, {} failed pods",
                    int(o, "/status/active"),
                    int(o, "/status/succeeded"),
                    int(o, "/status/failed")
                ))
            }
        }
        "APIService" => api_service(o),
        "Service" | "Ingress" => {
            let ingress =
                o.pointer("/status/loadBalancer/ingress").and_then(Json::as_array).is_some_and(|i| !i.is_empty());
            if ingress { Readiness::Ready } else { Readiness::Waiting("the load balancer is being provisioned".into()) }
        }
        _ => Readiness::Ready,
    }
}

/// An aggregated API is ready when its `Available` condition is true; until then the
/// condition's reason and message say why (`MissingEndpoints`, `FailedDiscoveryCheck`: the
/// serving pods are not up, or its certificate is not trusted yet). It is never `Failed`: the
/// API server retries, and the certificate or pods may still arrive.
fn api_service(o: &Json) -> Readiness {
    if condition_true(o, "Available").is_some() {
        return Readiness::Ready;
    }
    let field = |k: &str| condition(o, "Available").and_then(|c| c.get(k)).and_then(Json::as_str).unwrap_or("");
    match (field("reason"), field("message")) {
        ("", "") => Readiness::Waiting("not available yet".into()),
        (reason, "") => Readiness::Waiting(format!("not available yet ({reason})")),
        ("", message) => Readiness::Waiting(format!("not available yet: {message}")),
        (reason, message) => Readiness::Waiting(format!("not available yet ({reason}: {message})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deployment_readiness_follows_kubectl_rollout_status() {
        let d = |status: Json| json!({"metadata": {"generation": 2}, "spec": {"replicas": 2}, "status": status});
        assert!(matches!(readiness("Deployment", &d(json!({"observedGeneration": 1}))), Readiness::Waiting(_)));
        assert_eq!(
            readiness("Deployment", &d(json!({"observedGeneration": 2, "updatedReplicas": 1, "replicas": 2}))),
            Readiness::Waiting("1 of 2 replicas updated".into())
        );
        assert_eq!(
            readiness("Deployment", &d(json!({"observedGeneration": 2, "updatedReplicas": 2, "replicas": 3}))),
            Readiness::Waiting("1 old replicas pending termination".into())
        );
        assert_eq!(
            readiness(
                "Deployment",
                &d(json!({"observedGeneration": 2, "updatedReplicas": 2, "replicas": 2, "availableReplicas": 2}))
            ),
            Readiness::Ready
        );
        let stuck = d(
            json!({"observedGeneration": 2, "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded", "message": "ReplicaSet web-1 has timed out progressing."}]}),
        );
        assert!(matches!(readiness("Deployment", &stuck), Readiness::Failed(m) if m.contains("timed out progressing")));
    }

    #[test]
    fn crds_and_load_balancers() {
        let crd = json!({"status": {"conditions": [{"type": "Established", "status": "True"}]}});
        assert_eq!(readiness("CustomResourceDefinition", &crd), Readiness::Ready);
        assert!(matches!(readiness("CustomResourceDefinition", &json!({})), Readiness::Waiting(_)));
        let lb = json!({"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {"ingress": [{"hostname": "x.elb.amazonaws.com"}]}}});
        assert_eq!(readiness("Service", &lb), Readiness::Ready);
        assert!(needs_wait("Service", &lb));
        assert!(!needs_wait("Service", &json!({"spec": {"type": "ClusterIP"}})));
        let ingress = json!({"status": {"loadBalancer": {"ingress": [{"hostname": "k8s-shop.elb.amazonaws.com"}]}}});
        assert!(needs_wait("Ingress", &ingress));
        assert_eq!(readiness("Ingress", &ingress), Readiness::Ready);
        assert!(matches!(readiness("Ingress", &json!({"status": {"loadBalancer": {}}})), Readiness::Waiting(_)));
    }

    #[test]
    fn jobs_wait_for_completion_and_stop_on_failure() {
        let job = |status: Json| json!({"apiVersion": "batch/v1", "kind": "Job", "status": status});
        assert!(needs_wait("Job", &job(json!({}))));
        assert!(!needs_wait("Job", &json!({"apiVersion": "example.com/v1", "kind": "Job"})));
        assert_eq!(
            readiness("Job", &job(json!({"active": 1}))),
            Readiness::Waiting("1 active, 0 succeeded, 0 failed pods".into())
        );
        // A failed pod that will be retried (backoffLimit not reached) is still waiting.
        assert!(matches!(readiness("Job", &job(json!({"active": 1, "failed": 1}))), Readiness::Waiting(_)));
        assert_eq!(readiness("Job", &job(json!({"succeeded": 1}))), Readiness::Ready);
        let complete = job(json!({"conditions": [{"type": "Complete", "status": "True"}]}));
        assert_eq!(readiness("Job", &complete), Readiness::Ready);
        let not_yet = job(json!({"conditions": [{"type": "Complete", "status": "False"}]}));
        assert!(matches!(readiness("Job", &not_yet), Readiness::Waiting(_)));
        let failed = job(json!({"failed": 4, "conditions": [{"type": "Failed", "status": "True",
            "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}));
        assert_eq!(
            readiness("Job", &failed),
            Readiness::Failed(
                "the Job failed (BackoffLimitExceeded: Job has reached the specified backoff limit)".into()
            )
        );
        // `Failed` wins over a success counted earlier (e.g. a deadline exceeded afterwards).
        let late = job(
            json!({"succeeded": 1, "conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded"}]}),
        );
        assert_eq!(readiness("Job", &late), Readiness::Failed("the Job failed (DeadlineExceeded)".into()));
    }

    #[test]
    fn api_services_wait_until_available() {
        let api =
            |status: Json| json!({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "status": status});
        assert!(needs_wait("APIService", &api(json!({}))));
        assert_eq!(readiness("APIService", &api(json!({}))), Readiness::Waiting("not available yet".into()));
        let missing = api(json!({"conditions": [{"type": "Available", "status": "False",
            "reason": "MissingEndpoints", "message": "endpoints for service/prometheus-adapter in \"monitoring\" have no addresses"}]}));
        assert_eq!(
            readiness("APIService", &missing),
            Readiness::Waiting(
                "not available yet (MissingEndpoints: endpoints for service/prometheus-adapter in \"monitoring\" have no addresses)".into()
            )
        );
        let ok = api(json!({"conditions": [{"type": "Available", "status": "True", "reason": "Passed"}]}));
        assert_eq!(readiness("APIService", &ok), Readiness::Ready);
    }
}
