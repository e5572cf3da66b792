//! Every widget of the CloudWatch dashboard queries a namespace, metric and dimension set that
//! something writes, and only log groups that exist: a widget reading anything else stays
//! empty forever, which nobody notices until it is needed. A `SEARCH` matches metrics of
//! exactly the dimension names it lists, so the dimension set is part of what must agree.
//!
//! What writes what, as data with its source:
//! - `ContainerInsights`: the CloudWatch observability add-on
//!   (`internal::container_insights::CONTAINER_INSIGHTS_METRICS`, from the CloudWatch User
//!   Guide's Container Insights metric reference);
//! - `AWS/EKS`: EKS itself, for clusters of Kubernetes 1.28 and later (Amazon EKS User Guide,
//!   "Monitor cluster data with Amazon CloudWatch", basic metrics; one dimension, `ClusterName`);
//! - `AWS/ApplicationELB`: the load balancers (Elastic Load Balancing User Guide for ALBs,
//!   "CloudWatch metrics for your Application Load Balancer", metric dimensions);
//! - log groups: the add-on's four, `/aws/containerinsights/<cluster>/{application, dataplane,
//!   host, performance}`.

use serde_json::Value as Json;

use super::cloudwatch::widgets;
use super::scrape::ScrapeTarget;
use crate::internal::container_insights::{CONTAINER_INSIGHTS_METRICS, log_group_names};

/// `AWS/EKS` metrics the dashboard may read, each per `ClusterName`.
const EKS_METRICS: [&str; 4] =
    ["apiserver_request_total", "apiserver_request_total_5XX", "apiserver_request_total_429", "scheduler_pending_pods"];

/// `AWS/ApplicationELB` metrics and their dimension sets (those without `AvailabilityZone`).
const ALB_METRICS: [(&str, &[&[&str]]); 4] = [
    ("RequestCount", &[&["LoadBalancer"], &["LoadBalancer", "TargetGroup"]]),
    ("TargetResponseTime", &[&["LoadBalancer"], &["LoadBalancer", "TargetGroup"]]),
    ("HTTPCode_Target_5XX_Count", &[&["LoadBalancer"], &["LoadBalancer", "TargetGroup"]]),
    ("HealthyHostCount", &[&["LoadBalancer", "TargetGroup"]]),
];

/// Whether `namespace`/`metric` is written with exactly the dimension names `dims` (sorted).
fn written(namespace: &str, metric: &str, dims: &[String]) -> bool {
    let has = |sets: &[&[&str]]| {
        sets.iter().any(|set| {
            let mut set: Vec<&str> = set.to_vec();
            set.sort_unstable();
            set == dims
        })
    };
    match namespace {
        "ContainerInsights" => CONTAINER_INSIGHTS_METRICS.iter().any(|(m, sets)| *m == metric && has(sets)),
        "AWS/EKS" => EKS_METRICS.contains(&metric) && dims == ["ClusterName"],
        "AWS/ApplicationELB" => ALB_METRICS.iter().any(|(m, sets)| *m == metric && has(sets)),
        _ => false,
    }
}

/// (namespace, metric, sorted dimension names) of one `metrics` entry of a widget: a metric
/// array `[namespace, metric, name, value, …]` or a `SEARCH('{namespace,dims…} MetricName="m" …')`.
fn queried(entry: &Json) -> (String, String, Vec<String>) {
    let items = entry.as_array().unwrap();
    if let Some(expr) = items[0]["expression"].as_str() {
        let schema = &expr[expr.find('{').unwrap() + 1..expr.find('}').unwrap()];
        let mut parts = schema.split(',').map(str::to_string);
        let namespace = parts.next().unwrap();
        let mut dims: Vec<String> = parts.collect();
        dims.sort_unstable();
        let metric = expr.split("MetricName=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        return (namespace, metric, dims);
    }
    let s = |i: usize| items[i].as_str().unwrap().to_string();
    let mut dims: Vec<String> = (2..items.len()).step_by(2).map(s).collect();
    dims.sort_unstable();
    (s(0), s(1), dims)
}

#[test]
fn every_widget_queries_what_the_add_on_eks_and_the_load_balancers_write() {
    let target = ScrapeTarget::new("c", "web", "flask-app", 8000).load_balancer_name("prod-web");
    let cluster = "demo-prod-cluster";
    let (mut seen_namespaces, mut seen_groups) = (Vec::new(), Vec::new());
    for widget in widgets(cluster, "eu-west-1", &[target], true) {
        let props = &widget["properties"];
        match widget["type"].as_str().unwrap() {
            "text" => {}
            "metric" => {
                for entry in props["metrics"].as_array().unwrap() {
                    let (namespace, metric, dims) = queried(entry);
                    assert!(
                        written(&namespace, &metric, &dims),
                        "widget '{}' reads {namespace} {metric} by {dims:?}, which nothing writes",
                        props["title"]
                    );
                    seen_namespaces.push(namespace);
                }
            }
            "log" => {
                let query = props["query"].as_str().unwrap();
                let groups = log_group_names(cluster);
                for source in query.split("SOURCE '").skip(1) {
                    let group = source.split('\'').next().unwrap();
                    assert!(groups.iter().any(|g| g == group), "widget '{}' reads log group {group}", props["title"]);
                    seen_groups.push(group.to_string());
                }
            }
            other => panic!("a widget of type {other} that this test does not check"),
        }
    }
    seen_namespaces.sort();
    seen_namespaces.dedup();
    assert_eq!(seen_namespaces, ["AWS/ApplicationELB", "AWS/EKS", "ContainerInsights"]);
    assert_eq!(seen_groups, ["/aws/containerinsights/demo-prod-cluster/application"]);
}

#[test]
fn without_the_add_on_no_widget_reads_its_logs() {
    let all = widgets("c", "eu-west-1", &[], false);
    assert!(all.iter().all(|w| w["type"] != "log"), "{all:?}");
}

#[test]
fn the_add_ons_log_groups() {
    assert_eq!(
        log_group_names("c"),
        [
            "/aws/containerinsights/c/application",
            "/aws/containerinsights/c/dataplane",
            "/aws/containerinsights/c/host",
            "/aws/containerinsights/c/performance"
        ]
    );
}
