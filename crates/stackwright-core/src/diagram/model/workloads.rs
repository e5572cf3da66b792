//! The Kubernetes side of the model: workloads with the Services selecting their pods and the
//! Ingresses routing to those Services, and the request paths through them.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use super::{Element, Obj, RequestPath, WORKLOAD_KINDS, WorkloadView};

fn object_key(cluster: &str, o: &Obj) -> String {
    key_of_object(cluster, &o.kind, &o.namespace, &o.name)
}

/// The key of a Kubernetes object's element (and source): what a diff names a changed object
/// by.
#[must_use]
pub fn key_of_object(cluster: &str, kind: &str, namespace: &str, name: &str) -> String {
    format!("k8s:{cluster}/{kind}/{namespace}/{name}")
}

/// Workloads with their Services (selector ⊆ pod labels; by name when a body is unknown) and
/// the Ingresses routing to those Services; and the request paths through them.
pub(super) fn workload_views(cluster: &str, objects: &[&Obj]) -> (Vec<WorkloadView>, Vec<RequestPath>) {
    let mut workloads: Vec<&&Obj> = objects.iter().filter(|o| WORKLOAD_KINDS.contains(&o.kind.as_str())).collect();
    workloads.sort_by(|a, b| (&a.namespace, &a.name, &a.kind).cmp(&(&b.namespace, &b.name, &b.kind)));
    let services: Vec<&&Obj> = objects.iter().filter(|o| o.kind == "Service").collect();
    let ingresses: Vec<&&Obj> = objects.iter().filter(|o| o.kind == "Ingress").collect();
    let el = |o: &Obj| {
        let key = object_key(cluster, o);
        Element::new(&key, format!("{} {}/{}", o.kind, o.namespace, o.name), key.clone())
    };
    let mut views = Vec::new();
    let mut requests = Vec::new();
    for w in workloads {
        let selects = |s: &Obj| {
            s.namespace == w.namespace
                && if s.labels.is_empty() || w.labels.is_empty() {
                    s.name == w.name
                } else {
                    s.labels.iter().all(|(k, v)| w.labels.get(k) == Some(v))
                }
        };
        let mut members = Vec::new();
        let pods = {
            let key = format!("{}#pods", object_key(cluster, w));
            Element::new(&key, format!("Pods of {} {}/{}", w.kind, w.namespace, w.name), object_key(cluster, w))
        };
        for s in services.iter().filter(|s| selects(s)) {
            members.push(el(s));
            if s.load_balancer {
                let key = format!("{}#nlb", object_key(cluster, s));
                let lb = Element::new(&key, format!("NLB (Service {}/{})", s.namespace, s.name), key.clone());
                requests.push(RequestPath { load_balancer: lb, service: el(s), pods: pods.clone() });
            }
            for i in ingresses.iter().filter(|i| i.namespace == s.namespace && i.backends.contains(&s.name)) {
                members.push(el(i));
                let key = format!("{}#alb", object_key(cluster, i));
                let lb = Element::new(&key, format!("ALB (Ingress {}/{})", i.namespace, i.name), key.clone());
                requests.push(RequestPath { load_balancer: lb, service: el(s), pods: pods.clone() });
            }
        }
        views.push(WorkloadView { element: el(w), members });
    }
    // Services and Ingresses no workload claims (removed ones, or selecting pods of another
    // program) are still shown, under a group of their own.
    let claimed: BTreeSet<String> = views.iter().flat_map(|v| v.members.iter().map(|m| m.key.clone())).collect();
    let loose: Vec<Element> =
        services.iter().chain(ingresses.iter()).map(|o| el(o)).filter(|e| !claimed.contains(&e.key)).collect();
    if !loose.is_empty() {
        let key = format!("k8s:{cluster}#other");
        views.push(WorkloadView {
            element: Element::new(&key, "Services and Ingresses without a workload here", key.clone()),
            members: loose,
        });
    }
    (views, requests)
}

/// Backend Service names of an Ingress (rules and default backend).
pub(super) fn collect_backends(ingress: &Json, out: &mut BTreeSet<String>) {
    if let Some(n) = ingress.pointer("/spec/defaultBackend/service/name").and_then(Json::as_str) {
        out.insert(n.to_string());
    }
    for rule in ingress.pointer("/spec/rules").and_then(Json::as_array).into_iter().flatten() {
        for p in rule.pointer("/http/paths").and_then(Json::as_array).into_iter().flatten() {
            if let Some(n) = p.pointer("/backend/service/name").and_then(Json::as_str) {
                out.insert(n.to_string());
            }
        }
    }
}
