//! Alert rules of the program: [`AlertRule`]s in [`RuleGroup`]s, given to
//! [`MonitoringProps::alert_rules`](super::MonitoringProps::alert_rules), evaluated by
//! Prometheus next to the library's own and sent to Alertmanager's receivers by severity.
//!
//! They are written to `custom.rules.yml` (in the Prometheus ConfigMap and the assembly, where
//! `promtool check rules` reads it) only when there are some, so a program without any writes
//! what it wrote before. What synth checks, each at the monitoring construct's path with a
//! hint: the names (a valid alert name, unique among the library's alerts and the program's;
//! group names unique), a non-empty expression reading only metrics that exist (see
//! [`exported_metrics`](super::exported_metrics)), `for` in range, and Prometheus on.

use std::time::Duration;

use serde_json::{Value as Json, json};
use stackwright_core::Diagnostic;

use super::exported_metrics::Exports;
use super::promql;
use super::receivers::Severity;
use crate::internal::setters::setters;

/// The longest `for` accepted: a condition that must hold a day before anyone hears of it is
/// more likely a typo than a wish.
const MAX_FOR: Duration = Duration::from_secs(24 * 3600);

/// One Prometheus alert: fires when `expr` has held (returned series) for `for_duration`.
///
/// ```
/// use std::time::Duration;
/// use stackwright_constructs::{AlertRule, RuleGroup, Severity};
/// let rule = AlertRule::new("OrdersBacklog", "sum(orders_pending) > 100")
///     .for_duration(Duration::from_secs(600))
///     .severity(Severity::Critical)
///     .summary("More than 100 orders wait");
/// let group = RuleGroup::new("orders", [rule]);
/// assert_eq!(group.rules[0].severity, Severity::Critical);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    /// The alert's name (`alertname`): letters, digits and `_`, not starting with a digit, such
    /// as `OrdersBacklog`; unique among the monitoring's alerts; required.
    pub name: String,
    /// The PromQL expression; every metric it names must be exported by something scraped;
    /// required.
    pub expr: String,
    /// How long `expr` must hold before the alert fires (whole seconds, at most 24 h; zero
    /// fires at the first evaluation). Default: 5 minutes.
    pub for_duration: Duration,
    /// Its `severity` label, which routes it to receivers. Default: [`Severity::Warning`].
    pub severity: Severity,
    /// The `summary` annotation (Prometheus templates such as `{{ $labels.pod }}` allowed).
    /// Default: the name.
    pub summary: String,
    /// The `description` annotation. Default: none.
    pub description: Option<String>,
}

impl AlertRule {
    /// The alert `name` on `expr`, for 5 minutes, a warning summarised by its name.
    pub fn new(name: impl Into<String>, expr: impl Into<String>) -> Self {
        let name = name.into();
        AlertRule {
            summary: name.clone(),
            name,
            expr: expr.into(),
            for_duration: Duration::from_secs(300),
            severity: Severity::Warning,
            description: None,
        }
    }

    /// The rule as Prometheus reads it.
    fn render(&self) -> Json {
        let mut annotations = json!({ "summary": self.summary });
        if let Some(d) = &self.description {
            annotations["description"] = json!(d);
        }
        let mut rule = json!({ "alert": self.name, "expr": self.expr });
        if !self.for_duration.is_zero() {
            rule["for"] = json!(duration(self.for_duration));
        }
        rule["labels"] = json!({ "severity": self.severity.label() });
        rule["annotations"] = annotations;
        rule
    }
}

setters! { AlertRule {
    value for_duration: Duration,
    value severity: Severity,
    into summary: String,
    some_into description: String,
} }

/// A named group of [`AlertRule`]s, evaluated together (Prometheus' rule group).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleGroup {
    /// The group's name, unique among the monitoring's groups; required.
    pub name: String,
    /// Its rules, at least one; required.
    pub rules: Vec<AlertRule>,
}

impl RuleGroup {
    /// The group `name` of `rules`.
    pub fn new(name: impl Into<String>, rules: impl IntoIterator<Item = AlertRule>) -> Self {
        RuleGroup { name: name.into(), rules: rules.into_iter().collect() }
    }
}

/// A duration as Prometheus writes it, in the largest unit that divides it.
fn duration(d: Duration) -> String {
    let s = d.as_secs();
    if s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// `custom.rules.yml`: the program's groups.
pub(crate) fn file(groups: &[RuleGroup]) -> Json {
    let groups: Vec<Json> = groups
        .iter()
        .map(|g| json!({ "name": g.name, "rules": g.rules.iter().map(AlertRule::render).collect::<Vec<_>>() }))
        .collect();
    json!({ "groups": groups })
}

/// The name of the rule file the program's groups go to.
pub(crate) const FILE: &str = "custom.rules.yml";

/// What the checks of the program's rules need to know of the rest of the monitoring.
pub(crate) struct Known<'a> {
    /// What the scrape jobs export.
    pub exports: &'a Exports<'a>,
    /// The library's own alert and group names.
    pub built_in_alerts: Vec<String>,
    pub built_in_groups: Vec<String>,
    /// Whether Prometheus runs.
    pub prometheus: bool,
}

/// Every problem of `groups`, at `path`.
pub(crate) fn problems(path: &str, groups: &[RuleGroup], known: &Known<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut bad = |message: String, hint: String| out.push(Diagnostic::new(path, message, hint));
    if !known.prometheus && !groups.is_empty() {
        bad(
            "alert rules are given but Prometheus is off: nothing would evaluate them".into(),
            "turn Prometheus on (Prometheus::On(PrometheusProps::default())), or drop the alert rules".into(),
        );
    }
    let mut group_names: Vec<&str> = known.built_in_groups.iter().map(String::as_str).collect();
    let mut alert_names: Vec<&str> = known.built_in_alerts.iter().map(String::as_str).collect();
    for g in groups {
        if g.name.trim().is_empty() {
            bad("an alert rule group has no name".into(), "name it, such as RuleGroup::new(\"orders\", ..)".into());
        } else if group_names.contains(&g.name.as_str()) {
            bad(format!("alert rule group '{}' is defined twice", g.name), "give each group its own name".into());
        }
        group_names.push(&g.name);
        if g.rules.is_empty() {
            bad(format!("alert rule group '{}' has no rules", g.name), "add a rule, or drop the group".into());
        }
        for r in &g.rules {
            let at = format!("alert rule '{}' (group '{}')", r.name, g.name);
            if !valid_alert_name(&r.name) {
                bad(
                    format!("{at}: '{}' is not a valid alert name", r.name),
                    "use letters, digits and '_', not starting with a digit, such as OrdersBacklog".into(),
                );
            } else if alert_names.contains(&r.name.as_str()) {
                bad(
                    format!("{at}: an alert named '{}' is already defined", r.name),
                    "give each alert its own name (the library's are KubePodCrashLooping, …, <App>HighErrorRate)"
                        .into(),
                );
            }
            alert_names.push(&r.name);
            if r.expr.trim().is_empty() {
                bad(format!("{at} has an empty expression"), "write the PromQL condition, such as 'up == 0'".into());
            }
            if r.for_duration > MAX_FOR || r.for_duration.subsec_nanos() != 0 {
                bad(
                    format!("{at}: 'for' of {:?} is out of range", r.for_duration),
                    "use whole seconds from 0 to 24 hours, such as Duration::from_secs(300)".into(),
                );
            }
            for name in promql::metric_names(&r.expr) {
                if !known.exports.has(&name) {
                    bad(format!("{at} reads '{name}', which nothing scraped exports"), known.exports.hint(&name));
                }
            }
        }
    }
    out
}

/// An alert name Prometheus and Alertmanager take as a label value and a reader as an
/// identifier: `[A-Za-z_][A-Za-z0-9_]*`.
fn valid_alert_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_durations_in_their_largest_unit() {
        assert_eq!(duration(Duration::from_secs(7200)), "2h");
        assert_eq!(duration(Duration::from_secs(600)), "10m");
        assert_eq!(duration(Duration::from_secs(90)), "90s");
        let rule = AlertRule::new("A", "up == 0").for_duration(Duration::ZERO).render();
        assert!(rule.get("for").is_none(), "{rule}");
    }

    #[test]
    fn alert_names() {
        assert!(valid_alert_name("OrdersBacklog") && valid_alert_name("_x1"));
        assert!(!valid_alert_name("") && !valid_alert_name("1x") && !valid_alert_name("orders-backlog"));
    }
}
