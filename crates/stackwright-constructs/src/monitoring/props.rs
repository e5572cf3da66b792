//! What [`Monitoring`](super::Monitoring) can be configured with, and how it is checked.

use stackwright_core::{Diagnostic, Node, Stack};

use super::adapter::part::CustomMetricsAdapter;
use super::alert_rules::RuleGroup;
use super::grafana_dashboards::GrafanaDashboard;
use super::parts::{
    Alertmanager, Grafana, KubeStateMetrics, LogShipping, Prometheus, PrometheusProps, dependency_problems,
};
use super::receiver_checks::{self, valid_email};
use super::scrape::{ScrapeTarget, Scrapeable};
use crate::internal::log_group::RETENTION_DAYS;
use crate::internal::setters::setters;
use crate::workload::image::{ContainerImage, valid_env_name};

/// The images of the monitoring workloads, pinned by tag and digest.
///
/// The digests are the multi-platform index digests published for these tags, as found in
/// several public repositories that pin them; they were not pulled from the registries here
/// (no registry access where this was written). Re-check with
/// `docker buildx imagetools inspect <image>:<tag>` before bumping, and bump tag and digest
/// together. Prometheus stays on the 2.x LTS line and Alertmanager on a release whose
/// configuration `promtool` 2.42 and `amtool` 0.25 (Debian bookworm) accept.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringImages {
    /// Prometheus. Default: `prom/prometheus:v2.53.5` by digest.
    pub prometheus: ContainerImage,
    /// Alertmanager. Default: `prom/alertmanager:v0.28.1` by digest.
    pub alertmanager: ContainerImage,
    /// Grafana. Default: `grafana/grafana:12.3.1` by digest.
    pub grafana: ContainerImage,
    /// kube-state-metrics. Default: `kube-state-metrics:v2.19.1` by digest.
    pub kube_state_metrics: ContainerImage,
    /// Fluent Bit. Default: `fluent/fluent-bit:3.2.10` by digest.
    pub fluent_bit: ContainerImage,
}

impl Default for MonitoringImages {
    fn default() -> Self {
        MonitoringImages {
            prometheus: ContainerImage::public_pinned(
                "docker.io/prom/prometheus",
                "v2.53.5",
                "sha256:7a34573f0b9c952286b33d537f233cd5b708e12263733aa646e50c33f598f16c",
            ),
            alertmanager: ContainerImage::public_pinned(
                "docker.io/prom/alertmanager",
                "v0.28.1",
                "sha256:27c475db5fb156cab31d5c18a4251ac7ed567746a2483ff264516437a39b15ba",
            ),
            grafana: ContainerImage::public_pinned(
                "docker.io/grafana/grafana",
                "12.3.1",
                "sha256:2175aaa91c96733d86d31cf270d5310b278654b03f5718c59de12a865380a31f",
            ),
            kube_state_metrics: ContainerImage::public_pinned(
                "registry.k8s.io/kube-state-metrics/kube-state-metrics",
                "v2.19.1",
                "sha256:85108987d044b18a098126732f98602df408888c0f7d456241f5abefb9744bc1",
            ),
            fluent_bit: ContainerImage::public_pinned(
                "cr.fluentbit.io/fluent/fluent-bit",
                "3.2.10",
                "sha256:d6dec000c4929a439562525728c708f6e99800d7ddc82efd6aa4f45f3a20b562",
            ),
        }
    }
}

setters! { MonitoringImages {
    value prometheus: ContainerImage,
    value alertmanager: ContainerImage,
    value grafana: ContainerImage,
    value kube_state_metrics: ContainerImage,
    value fluent_bit: ContainerImage,
} }

/// When the apps' alerts fire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertThresholds {
    /// Fraction of requests answered with 5xx (0.05 = 5 %), over 5 minutes. Default: 0.05.
    pub error_rate: f64,
    /// The 95th percentile of request duration, in seconds, over 10 minutes. Default: 0.5.
    pub latency_p95_seconds: f64,
}

impl Default for AlertThresholds {
    fn default() -> Self {
        AlertThresholds { error_rate: 0.05, latency_p95_seconds: 0.5 }
    }
}

setters! { AlertThresholds {
    value error_rate: f64,
    value latency_p95_seconds: f64,
} }

/// Everything [`Monitoring`](super::Monitoring) can be configured with. The defaults are a
/// complete setup — Prometheus, Alertmanager (to the alarm SNS topic), Grafana and
/// kube-state-metrics on; billing alarm, budget, e-mail and log shipping are opt-in. Each part
/// is on or off with its own configuration ([`Prometheus`], [`Alertmanager`], [`Grafana`],
/// [`KubeStateMetrics`], [`LogShipping`]); a part that needs another one that is off is an
/// error naming both.
///
/// ```
/// use stackwright_constructs::{Grafana, LogShipping, MonitoringProps, Prometheus, PrometheusProps};
/// let props = MonitoringProps::default()
///     .billing_alarm_usd(500)
///     .alert_email("oncall@example.com")
///     .prometheus(Prometheus::On(PrometheusProps::default().retention_days(30)))
///     .grafana(Grafana::Off)
///     .log_shipping(LogShipping::FluentBit);
/// assert_eq!(props.prometheus.props().unwrap().retention_days, 30);
/// ```
#[derive(Debug, Clone)]
pub struct MonitoringProps {
    /// The apps to scrape, alert on and draw dashboards for (add one with
    /// [`scrape`](Self::scrape)). Default: none.
    pub targets: Vec<ScrapeTarget>,
    /// Prometheus, on or off. Default: on, 15 days of retention in the pod, a 30 s interval.
    pub prometheus: Prometheus,
    /// Alertmanager, on or off, and its receivers. Default: on, to the alarm SNS topic.
    pub alertmanager: Alertmanager,
    /// Grafana, on or off. Default: on.
    pub grafana: Grafana,
    /// kube-state-metrics, on or off. Default: on.
    pub kube_state_metrics: KubeStateMetrics,
    /// Where the containers' logs go. Default: [`LogShipping::Off`] (reading the nodes' log
    /// files needs root, which the `restricted` profile forbids).
    pub log_shipping: LogShipping,
    /// prometheus-adapter, serving the custom metrics the autoscalers scale on. Default: on
    /// (installed only when an autoscaler added before monitoring scales on a custom metric).
    pub custom_metrics_adapter: CustomMetricsAdapter,
    /// When the apps' alerts fire. Default: 5 % errors, 0.5 s p95 latency.
    pub thresholds: AlertThresholds,
    /// Subscribes this address to the alarm topics (AWS sends a confirmation mail first).
    /// Default: none.
    pub alert_email: Option<String>,
    /// Retention of the log groups this construct creates, in days (a value CloudWatch Logs
    /// accepts). Default: 30.
    pub log_retention_days: u32,
    /// Alarm when the month's estimated charges exceed this many US dollars. Default: no alarm.
    pub billing_alarm_usd: Option<u32>,
    /// An AWS Budgets monthly cost budget in US dollars, notifying at 80 % actual and 100 %
    /// forecast. Default: none.
    pub budget_usd: Option<u32>,
    /// Where the billing alarm and budget go: a stack in us-east-1 of the cluster's account.
    /// Default: Monitoring finds or adds one.
    pub billing_stack: Option<Stack>,
    /// A CloudWatch dashboard of the cluster, its nodes, the load balancers and the apps.
    /// Default: on.
    pub cloudwatch_dashboard: bool,
    /// The images of the monitoring workloads. Default: pinned releases ([`MonitoringImages`]).
    pub images: MonitoringImages,
    /// The program's alert rules, next to the library's (needs Prometheus; see
    /// [`AlertRule`](super::AlertRule) for what is checked). Default: none.
    pub alert_rules: Vec<RuleGroup>,
    /// The program's Grafana dashboards, next to the library's (needs Grafana and Prometheus;
    /// see [`GrafanaDashboard`]). Default: none.
    pub dashboards: Vec<GrafanaDashboard>,
}

impl Default for MonitoringProps {
    fn default() -> Self {
        MonitoringProps {
            targets: Vec::new(),
            prometheus: Prometheus::default(),
            alertmanager: Alertmanager::default(),
            grafana: Grafana::default(),
            kube_state_metrics: KubeStateMetrics::default(),
            log_shipping: LogShipping::Off,
            custom_metrics_adapter: CustomMetricsAdapter::default(),
            thresholds: AlertThresholds::default(),
            alert_email: None,
            log_retention_days: 30,
            billing_alarm_usd: None,
            budget_usd: None,
            billing_stack: None,
            cloudwatch_dashboard: true,
            images: MonitoringImages::default(),
            alert_rules: Vec::new(),
            dashboards: Vec::new(),
        }
    }
}

setters! { MonitoringProps {
    list targets: ScrapeTarget,
    value prometheus: Prometheus,
    value alertmanager: Alertmanager,
    value grafana: Grafana,
    value kube_state_metrics: KubeStateMetrics,
    value log_shipping: LogShipping,
    value custom_metrics_adapter: CustomMetricsAdapter,
    value thresholds: AlertThresholds,
    some_into alert_email: String,
    value log_retention_days: u32,
    some billing_alarm_usd: u32,
    some budget_usd: u32,
    value cloudwatch_dashboard: bool,
    value images: MonitoringImages,
    list alert_rules: RuleGroup,
    list dashboards: GrafanaDashboard,
} }

impl MonitoringProps {
    /// Scrapes `app`, alerts on its error rate and latency and draws its dashboards (adds one
    /// to `targets`).
    #[must_use]
    pub fn scrape(mut self, app: &impl Scrapeable) -> Self {
        self.targets.push(app.scrape_target());
        self
    }

    /// Places the billing alarm and budget in `stack` (us-east-1, same account): sets
    /// `billing_stack` to a handle of it.
    #[must_use]
    pub fn billing_stack(mut self, stack: &Stack) -> Self {
        self.billing_stack = Some(stack.clone());
        self
    }

    /// Every problem with these props (billing placement is checked separately), at `path`.
    pub(crate) fn problems(&self, path: &str, cluster_path: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(p) = self.prometheus.props() {
            prometheus_problems(p, self.thresholds, path, &mut out);
        }
        out.extend(dependency_problems(
            path,
            &self.prometheus,
            &self.alertmanager,
            &self.grafana,
            &self.kube_state_metrics,
        ));
        if let Alertmanager::On(a) = &self.alertmanager {
            out.extend(receiver_checks::problems(path, &a.receivers));
        }
        if let KubeStateMetrics::On(k) = &self.kube_state_metrics {
            out.extend(k.resources.problems(path));
        }
        self.notification_problems(path, &mut out);
        self.target_problems(path, cluster_path, &mut out);
        let images = &self.images;
        for image in
            [&images.prometheus, &images.alertmanager, &images.grafana, &images.kube_state_metrics, &images.fluent_bit]
        {
            out.extend(image.problems(path));
        }
        if let Some(p) = self.prometheus.props() {
            out.extend(p.resources.problems(path));
        }
        if let Some(a) = self.custom_metrics_adapter.props() {
            out.extend(a.image.problems(path));
            out.extend(a.certgen_image.problems(path));
            out.extend(a.resources.problems(path));
        }
        out
    }

    /// The e-mail, log retention, billing alarm and budget, and Grafana's password variable.
    fn notification_problems(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let mut bad = |message: String, hint: &str| out.push(Diagnostic::new(path, message, hint));
        if let Some(email) = &self.alert_email
            && !valid_email(email)
        {
            bad(format!("'{email}' is not an e-mail address"), "write it as name@example.com");
        }
        if !RETENTION_DAYS.contains(&self.log_retention_days) {
            bad(
                format!("log retention of {} days is not one CloudWatch Logs accepts", self.log_retention_days),
                "use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            );
        }
        if self.billing_alarm_usd == Some(0) {
            bad(
                "a billing alarm at 0 USD would always be in alarm".into(),
                "set the monthly amount to alarm at, such as 500",
            );
        }
        if self.budget_usd == Some(0) {
            bad("a budget of 0 USD is not a budget".into(), "set the monthly amount, such as 500");
        }
        if self.billing_alarm_usd.is_none() && self.budget_usd.is_none() && self.billing_stack.is_some() {
            bad(
                "a billing stack is given but there is no billing alarm or budget to put in it".into(),
                "set billing_alarm_usd or budget_usd, or drop billing_stack",
            );
        }
        if let Grafana::On(g) = &self.grafana
            && !valid_env_name(&g.admin_password_env)
        {
            bad(
                format!("'{}' is not a valid environment variable name", g.admin_password_env),
                "use letters, digits and '_', not starting with a digit",
            );
        }
    }

    /// Every app scraped once, each of this cluster.
    fn target_problems(&self, path: &str, cluster_path: &str, out: &mut Vec<Diagnostic>) {
        let mut bad = |message: String, hint: &str| out.push(Diagnostic::new(path, message, hint));
        if self.prometheus.props().is_none() && !self.targets.is_empty() {
            let apps: Vec<String> = self.targets.iter().map(|t| format!("{}/{}", t.namespace, t.name)).collect();
            bad(
                format!("scrapes {} but Prometheus is off: nothing would scrape them", apps.join(", ")),
                "turn Prometheus on (Prometheus::On(PrometheusProps::default())), or do not pass them to scrape()",
            );
        }
        let mut seen = Vec::new();
        for t in &self.targets {
            if t.cluster_path != cluster_path {
                bad(
                    format!("scrapes {}/{}, an app of another cluster ('{}')", t.namespace, t.name, t.cluster_path),
                    "scrape only apps of the cluster Monitoring runs on; give the other cluster its own Monitoring",
                );
            }
            // A rejected workload's problems are its own; monitoring is rejected with it.
            if t.port == 0 && !t.workload_node.as_ref().is_some_and(Node::is_rejected) {
                bad(
                    format!("scrapes {}/{} on port 0: it declares no metrics port", t.namespace, t.name),
                    "give the workload a metrics endpoint (WorkloadProps::metrics(MetricsEndpoint::new(\"http\"))), or do not scrape it",
                );
            }
            if seen.contains(&(&t.namespace, &t.name)) {
                bad(format!("scrapes {}/{} twice", t.namespace, t.name), "pass each app to scrape() once");
            }
            seen.push((&t.namespace, &t.name));
        }
    }
}

/// Retention, volume, scrape interval and alert thresholds.
fn prometheus_problems(p: &PrometheusProps, t: AlertThresholds, path: &str, out: &mut Vec<Diagnostic>) {
    let mut bad = |message: String, hint: &str| out.push(Diagnostic::new(path, message, hint));
    if !(1..=3650).contains(&p.retention_days) {
        bad(
            format!("a retention of {} days is out of range", p.retention_days),
            "keep samples 1 to 3650 days (15 by default)",
        );
    }
    if let Some(s) = &p.storage
        && !(10..=16384).contains(&s.size_gib)
    {
        bad(format!("a {} GiB volume is out of range", s.size_gib), "use 10 to 16384 GiB for Prometheus' gp3 volume");
    }
    if !(5..=300).contains(&p.scrape_interval_seconds) {
        bad(
            format!("a scrape interval of {}s is out of range", p.scrape_interval_seconds),
            "scrape every 5 to 300 seconds (30 by default)",
        );
    }
    if !(t.error_rate > 0.0 && t.error_rate < 1.0) {
        bad(format!("error-rate threshold {} is not a fraction between 0 and 1", t.error_rate), "write 5 % as 0.05");
    }
    if !(t.latency_p95_seconds > 0.0 && t.latency_p95_seconds.is_finite()) {
        bad(format!("latency threshold {}s is not positive", t.latency_p95_seconds), "use seconds, such as 0.5");
    }
}
