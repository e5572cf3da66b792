//! The AWS side of monitoring in the cluster's region: a KMS key, the alarm SNS topic (for
//! CloudWatch alarms and Alertmanager alike) with an optional e-mail subscription, alarms on
//! the EKS control plane, a CloudWatch dashboard, and the containers' log group when Fluent Bit
//! ships logs.

use serde_json::{Value as Json, json};
use stackwright_cfn::{cloudwatch, kms, logs, sns};
use stackwright_core::{Arn, Attr, Construct, Node, Pseudo, Resource, Result, Value};

use super::scrape::ScrapeTarget;
use crate::iam::{PolicyDocument, Principal, Statement};
use crate::internal::encryption_key::{encryption_key, logs_may_encrypt};
use crate::internal::log_group::encrypted_log_group;

/// A statement letting an AWS service principal use the key to publish to an encrypted topic.
pub(crate) fn service_may_use_key(service: &str, sid: &str) -> Statement {
    let mut s = Statement::trust(Principal::Service(service.to_string()), "kms:Decrypt").sid(sid);
    s.actions.push("kms:GenerateDataKey*".into());
    s.resources.push("*".into());
    s
}

/// An encrypted topic that `publishers` (service principals of this account) may publish to,
/// over TLS only, with an optional e-mail subscription. Returns the key and topic.
pub(crate) fn alarm_topic(
    scope: &impl Construct,
    description: &str,
    publishers: &[(&str, &str)],
    extra_key_grants: Vec<Statement>,
    email: Option<&str>,
) -> Result<(Resource<kms::Key>, Resource<sns::Topic>)> {
    let mut grants: Vec<Statement> =
        publishers.iter().map(|(service, sid)| service_may_use_key(service, &format!("{sid}UsesTheKey"))).collect();
    grants.extend(extra_key_grants);
    let key = encryption_key(scope, "AlarmKey", &format!("Encrypts {description}"), grants)?;
    let topic = Resource::new(
        scope,
        "AlarmTopic",
        sns::Topic::new()
            .with_display_name(description.chars().take(100).collect::<String>())
            .with_kms_master_key_id(key.arn()),
    )?;
    let topic_arn: Value = topic.reference().into();
    let mut statements: Vec<Statement> = publishers
        .iter()
        .map(|(service, sid)| {
            Statement::trust(Principal::Service(service.to_string()), "sns:Publish")
                .sid(&format!("{sid}Publishes"))
                .condition("StringEquals", "aws:SourceAccount", [Value::from(Pseudo::AccountId)])
        })
        .collect();
    for s in &mut statements {
        s.resources.push(topic_arn.clone());
    }
    let mut tls = Statement::trust(Principal::Aws("*".into()), "sns:Publish")
        .deny()
        .sid("DenyPublishingWithoutTls")
        .condition("Bool", "aws:SecureTransport", ["false"]);
    tls.resources.push(topic_arn.clone());
    statements.push(tls);
    Resource::new(
        scope,
        "AlarmTopicPolicy",
        sns::TopicPolicy::new(PolicyDocument::new(statements).to_value(), vec![topic.reference()]),
    )?;
    if let Some(email) = email {
        Resource::new(scope, "AlarmEmail", sns::Subscription::new("email", topic.reference()).with_endpoint(email))?;
    }
    Ok((key, topic))
}

/// An alarm on one metric, notifying `topic` when it fires and when it clears.
#[allow(clippy::too_many_arguments)]
pub(crate) fn metric_alarm(
    scope: &impl Construct,
    id: &str,
    name: &str,
    description: &str,
    namespace: &str,
    metric: &str,
    dimensions: &[(&str, &str)],
    statistic: &str,
    period: i64,
    periods: i64,
    threshold: f64,
    topic: &Attr<Arn>,
) -> Result<Resource<cloudwatch::Alarm>> {
    Resource::new(
        scope,
        id,
        cloudwatch::Alarm::new()
            .with_alarm_name(name)
            .with_alarm_description(description)
            .with_namespace(namespace)
            .with_metric_name(metric)
            .with_dimensions(dimensions.iter().map(|(k, v)| cloudwatch::alarm::Dimension::new(*k, *v)))
            .with_statistic(statistic)
            .with_period(period)
            .with_evaluation_periods(periods)
            .with_datapoints_to_alarm(periods)
            .with_threshold(threshold)
            .with_comparison_operator("GreaterThanOrEqualToThreshold")
            .with_treat_missing_data("notBreaching")
            .with_alarm_actions(vec![topic.to_val()])
            .with_ok_actions(vec![topic.to_val()]),
    )
}

/// The alarms on the EKS control plane's free metrics (`AWS/EKS`, clusters ≥ 1.28).
pub(crate) fn control_plane_alarms(scope: &Node, cluster: &str, topic: &Attr<Arn>) -> Result<()> {
    metric_alarm(
        scope,
        "ApiServerErrorsAlarm",
        &format!("{cluster}-apiserver-5xx"),
        &format!(
            "The Kubernetes API server of {cluster} answered 5xx to 10 or more requests in each of 3 straight minutes."
        ),
        "AWS/EKS",
        "apiserver_request_total_5XX",
        &[("ClusterName", cluster)],
        "Sum",
        60,
        3,
        10.0,
        topic,
    )?;
    metric_alarm(
        scope,
        "PendingPodsAlarm",
        &format!("{cluster}-pending-pods"),
        &format!(
            "5 or more pods of {cluster} could not be scheduled for 15 minutes: the node groups may be at their maximum."
        ),
        "AWS/EKS",
        "scheduler_pending_pods",
        &[("ClusterName", cluster)],
        "Maximum",
        300,
        3,
        5.0,
        topic,
    )?;
    Ok(())
}

/// The containers' log group and the key statement CloudWatch Logs needs for it.
pub(crate) fn containers_log_group_name(cluster: &str) -> String {
    format!("/aws/eks/{cluster}/containers")
}

pub(crate) fn logs_key_grant(region: &str, cluster: &str) -> Statement {
    logs_may_encrypt(region, &containers_log_group_name(cluster))
}

pub(crate) fn containers_log_group(
    scope: &Node,
    cluster: &str,
    retention_days: u32,
    key: &Resource<kms::Key>,
) -> Result<Resource<logs::LogGroup>> {
    encrypted_log_group(scope, "ContainerLogs", &containers_log_group_name(cluster), retention_days, key.arn())
}

/// The CloudWatch dashboard: the control plane, the nodes (Container Insights, when the
/// CloudWatch observability add-on runs), and each app's load balancer. ALB metrics are found
/// with `SEARCH` on the load balancer's name, which is only completed by AWS at creation.
pub(crate) fn dashboard(
    scope: &Node,
    cluster: &str,
    region: &str,
    targets: &[ScrapeTarget],
    container_logs: bool,
) -> Result<()> {
    let widgets = widgets(cluster, region, targets, container_logs);
    let body = super::encode::json(&format!("the CloudWatch dashboard of {cluster}"), &json!({ "widgets": widgets }))?;
    Resource::new(
        scope,
        "Dashboard",
        cloudwatch::Dashboard::new(body).with_dashboard_name(format!("{cluster}-platform")),
    )?;
    Ok(())
}

/// The dashboard's widgets: the cluster's, then each app's with a load balancer, then, when the
/// CloudWatch observability add-on ships the containers' logs (`container_logs`), their latest
/// error lines.
pub(crate) fn widgets(cluster: &str, region: &str, targets: &[ScrapeTarget], container_logs: bool) -> Vec<Json> {
    let mut widgets = cluster_widgets(cluster, region);
    let mut y = 13;
    for t in targets {
        let Some(lb) = &t.load_balancer_name else {
            continue;
        };
        widgets.extend(app_widgets(t, lb, region, y));
        y += 12;
    }
    if container_logs {
        widgets.push(error_lines(cluster, region, y));
    }
    widgets
}

/// The containers' latest lines that mention an error, from the add-on's application log
/// group (Fluent Bit's records carry the pod's `kubernetes` metadata and the line as `log`).
fn error_lines(cluster: &str, region: &str, y: u32) -> Json {
    let group = format!("/aws/containerinsights/{cluster}/application");
    json!({
        "type": "log", "x": 0, "y": y, "width": 24, "height": 6,
        "properties": {
            "title": "Containers: latest error lines (CloudWatch Logs)",
            "region": region,
            "view": "table",
            "query": format!(
                "SOURCE '{group}' | fields @timestamp, kubernetes.namespace_name, kubernetes.pod_name, log \
                 | filter log like /(?i)error/ | sort @timestamp desc | limit 50"
            ),
        },
    })
}

/// The dashboard's title and its control-plane and node widgets.
fn cluster_widgets(cluster: &str, region: &str) -> Vec<Json> {
    vec![
        json!({ "type": "text", "x": 0, "y": 0, "width": 24, "height": 1,
            "properties": { "markdown": format!("## {cluster}: control plane, nodes, load balancers, apps") } }),
        metric_widget(
            region,
            "API server requests",
            0,
            1,
            json!([
                ["AWS/EKS", "apiserver_request_total", "ClusterName", cluster],
                ["AWS/EKS", "apiserver_request_total_5XX", "ClusterName", cluster],
                ["AWS/EKS", "apiserver_request_total_429", "ClusterName", cluster],
            ]),
            "Sum",
        ),
        metric_widget(
            region,
            "Pending pods",
            12,
            1,
            json!([["AWS/EKS", "scheduler_pending_pods", "ClusterName", cluster]]),
            "Maximum",
        ),
        search(
            region,
            "Node CPU utilization (Container Insights)",
            0,
            7,
            format!(
                "SEARCH('{{ContainerInsights,ClusterName,InstanceId,NodeName}} MetricName=\"node_cpu_utilization\" ClusterName=\"{cluster}\"', 'Average', 300)"
            ),
            "Average",
        ),
        search(
            region,
            "Node memory utilization (Container Insights)",
            12,
            7,
            format!(
                "SEARCH('{{ContainerInsights,ClusterName,InstanceId,NodeName}} MetricName=\"node_memory_utilization\" ClusterName=\"{cluster}\"', 'Average', 300)"
            ),
            "Average",
        ),
    ]
}

/// An app's four load-balancer widgets, from row `y`.
fn app_widgets(t: &ScrapeTarget, lb: &str, region: &str, y: u32) -> Vec<Json> {
    // A SEARCH matches metrics of exactly the dimensions named: HealthyHostCount exists per
    // target group only.
    let alb = |metric: &str, stat: &str| {
        let dimensions = if metric == "HealthyHostCount" { "LoadBalancer,TargetGroup" } else { "LoadBalancer" };
        format!("SEARCH('{{AWS/ApplicationELB,{dimensions}}} MetricName=\"{metric}\" \"{lb}\"', '{stat}', 60)")
    };
    vec![
        search(
            region,
            &format!("{}/{}: requests and 5xx", t.namespace, t.name),
            0,
            y,
            alb("RequestCount", "Sum"),
            "Sum",
        ),
        search(
            region,
            &format!("{}/{}: target response time p99", t.namespace, t.name),
            12,
            y,
            alb("TargetResponseTime", "p99"),
            "p99",
        ),
        search(
            region,
            &format!("{}/{}: target 5xx", t.namespace, t.name),
            0,
            y + 6,
            alb("HTTPCode_Target_5XX_Count", "Sum"),
            "Sum",
        ),
        search(
            region,
            &format!("{}/{}: healthy targets", t.namespace, t.name),
            12,
            y + 6,
            alb("HealthyHostCount", "Minimum"),
            "Minimum",
        ),
    ]
}

/// A time-series widget of `metrics`.
fn metric_widget(region: &str, title: &str, x: u32, y: u32, metrics: Json, stat: &str) -> Json {
    json!({
        "type": "metric", "x": x, "y": y, "width": 12, "height": 6,
        "properties": { "title": title, "region": region, "view": "timeSeries", "stat": stat, "period": 60, "metrics": metrics },
    })
}

/// A time-series widget of one `SEARCH` expression.
fn search(region: &str, title: &str, x: u32, y: u32, expr: String, stat: &str) -> Json {
    json!({
        "type": "metric", "x": x, "y": y, "width": 12, "height": 6,
        "properties": { "title": title, "region": region, "view": "timeSeries", "stat": stat, "period": 60,
            "metrics": [[{ "expression": expr, "id": "e1", "region": region }]] },
    })
}
