//! Grafana dashboards of the program: a [`GrafanaDashboard`] of typed [`DashboardPanel`]s, each
//! with PromQL queries on the Prometheus data source Monitoring provisions (the only data source
//! there is, so a panel cannot name another). Given to
//! [`MonitoringProps::dashboards`](super::MonitoringProps::dashboards); provisioned next to the
//! library's dashboards as `dashboard-<uid>.json` in the `grafana-dashboards` ConfigMap.
//!
//! What synth checks, at the monitoring construct's path with a hint: Grafana and Prometheus
//! on, a uid Grafana accepts and no other dashboard has, a title, at least one panel and one
//! query per panel, and every metric a query names exported by something scraped (see
//! [`exported_metrics`](super::exported_metrics)).

use serde_json::{Value as Json, json};
use stackwright_core::Diagnostic;

use super::dashboards;
use super::exported_metrics::Exports;
use super::promql;

/// Grafana's longest dashboard uid.
const MAX_UID: usize = 40;

/// A Grafana dashboard: panels laid out two per row, in order.
///
/// ```
/// use stackwright_constructs::{DashboardPanel, GrafanaDashboard};
/// let board = GrafanaDashboard::new("orders", "Orders")
///     .panel(DashboardPanel::timeseries("Orders per second").unit("reqps").query("sum(rate(orders_total[5m]))", "orders"))
///     .panel(DashboardPanel::stat("Pending").query("sum(orders_pending)", "pending"));
/// assert_eq!(board.panels.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrafanaDashboard {
    /// The dashboard's uid (its URL): letters, digits, `-` and `_`, at most 40; unique;
    /// required.
    pub uid: String,
    /// Its title; required.
    pub title: String,
    /// Its panels, at least one. Default: none (add with [`panel`](Self::panel)).
    pub panels: Vec<DashboardPanel>,
}

impl GrafanaDashboard {
    /// The dashboard `uid` titled `title`, without panels yet.
    pub fn new(uid: impl Into<String>, title: impl Into<String>) -> Self {
        GrafanaDashboard { uid: uid.into(), title: title.into(), panels: Vec::new() }
    }

    /// Adds `panel` after the others.
    #[must_use]
    pub fn panel(mut self, panel: DashboardPanel) -> Self {
        self.panels.push(panel);
        self
    }

    /// The dashboard as Grafana provisions it.
    pub(crate) fn render(&self) -> Json {
        let panels = self.panels.iter().enumerate().map(|(i, p)| p.render(i)).collect();
        dashboards::dashboard(&self.uid, &self.title, panels)
    }

    /// The ConfigMap key of its file.
    pub(crate) fn file_name(&self) -> String {
        format!("dashboard-{}.json", self.uid)
    }
}

/// How a panel draws its queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKind {
    /// Lines over time (Grafana's `timeseries`).
    TimeSeries,
    /// The last value, large (Grafana's `stat`).
    Stat,
}

/// One panel: a kind, a title, a unit and its PromQL queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardPanel {
    /// How it draws; required.
    pub kind: PanelKind,
    /// Its title; required.
    pub title: String,
    /// Grafana's unit id, such as `reqps`, `s`, `bytes` or `percentunit`. Default: `short`.
    pub unit: String,
    /// The queries, at least one. Default: none (add with [`query`](Self::query)).
    pub queries: Vec<PanelQuery>,
}

/// A PromQL query of a panel and the legend of its series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelQuery {
    /// The PromQL expression; every metric it names must be exported; required.
    pub expr: String,
    /// The series' legend (`{{label}}` templates allowed); required, may be empty.
    pub legend: String,
}

impl DashboardPanel {
    /// A time-series panel titled `title`.
    pub fn timeseries(title: impl Into<String>) -> Self {
        DashboardPanel { kind: PanelKind::TimeSeries, title: title.into(), unit: "short".into(), queries: Vec::new() }
    }

    /// A stat panel (the last value) titled `title`.
    pub fn stat(title: impl Into<String>) -> Self {
        DashboardPanel { kind: PanelKind::Stat, ..DashboardPanel::timeseries(title) }
    }

    /// Sets the unit (Grafana's unit id).
    #[must_use]
    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = unit.into();
        self
    }

    /// Adds the query `expr`, its series shown as `legend`.
    #[must_use]
    pub fn query(mut self, expr: impl Into<String>, legend: impl Into<String>) -> Self {
        self.queries.push(PanelQuery { expr: expr.into(), legend: legend.into() });
        self
    }

    /// The panel at position `index` (two 12-wide, 8-high panels per row).
    fn render(&self, index: usize) -> Json {
        let targets: Vec<Json> = self
            .queries
            .iter()
            .enumerate()
            .map(|(i, q)| {
                json!({
                    "refId": ref_id(i),
                    "datasource": dashboards::datasource(),
                    "expr": q.expr,
                    "legendFormat": q.legend,
                })
            })
            .collect();
        let (kind, options) = match self.kind {
            PanelKind::TimeSeries => (
                "timeseries",
                json!({ "legend": { "displayMode": "list", "placement": "bottom" }, "tooltip": { "mode": "multi" } }),
            ),
            PanelKind::Stat => {
                ("stat", json!({ "reduceOptions": { "calcs": ["lastNotNull"], "fields": "", "values": false } }))
            }
        };
        json!({
            "id": index + 1,
            "type": kind,
            "title": self.title,
            "datasource": dashboards::datasource(),
            "gridPos": { "x": (index % 2) * 12, "y": (index / 2) * 8, "w": 12, "h": 8 },
            "fieldConfig": { "defaults": { "unit": self.unit }, "overrides": [] },
            "options": options,
            "targets": targets,
        })
    }
}

/// Grafana's query ids: A … Z, then AA, AB, ….
fn ref_id(i: usize) -> String {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    if i < 26 { letter(i).to_string() } else { format!("{}{}", letter(i / 26 - 1), letter(i)) }
}

/// What the checks of the program's dashboards need to know of the rest of the monitoring.
pub(crate) struct Known<'a> {
    /// What the scrape jobs export.
    pub exports: &'a Exports<'a>,
    /// The uids and ConfigMap keys of the library's dashboards.
    pub built_in: Vec<(String, String)>,
    /// Whether Prometheus and Grafana run.
    pub prometheus: bool,
    pub grafana: bool,
}

/// Every problem of `boards`, at `path`.
pub(crate) fn problems(path: &str, boards: &[GrafanaDashboard], known: &Known<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut bad = |message: String, hint: String| out.push(Diagnostic::new(path, message, hint));
    let parts_on = known.prometheus && known.grafana;
    if !boards.is_empty() && !parts_on {
        let off = if known.grafana { "Prometheus, their data source," } else { "Grafana" };
        bad(
            format!("Grafana dashboards are given but {off} is off"),
            "turn Grafana and Prometheus on (Grafana::On(..), Prometheus::On(..)), or drop the dashboards".into(),
        );
    }
    let mut taken = known.built_in.clone();
    for b in boards {
        let at = format!("Grafana dashboard '{}'", b.uid);
        if b.uid.is_empty()
            || b.uid.len() > MAX_UID
            || !b.uid.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bad(
                format!("{at}: the uid is not one Grafana accepts"),
                "use 1 to 40 letters, digits, '-' and '_', such as \"orders\"".into(),
            );
        }
        if taken.iter().any(|(uid, file)| *uid == b.uid || *file == b.file_name()) {
            bad(format!("{at} is defined twice (or is a dashboard of the library)"), "give it another uid".into());
        }
        taken.push((b.uid.clone(), b.file_name()));
        if b.title.trim().is_empty() {
            bad(format!("{at} has no title"), "give it one: GrafanaDashboard::new(uid, \"Orders\")".into());
        }
        if b.panels.is_empty() {
            bad(format!("{at} has no panels"), "add one: .panel(DashboardPanel::timeseries(..).query(..))".into());
        }
        for p in &b.panels {
            let at = format!("{at}, panel '{}'", p.title);
            if p.queries.is_empty() {
                bad(format!("{at} has no query"), "add one: .query(\"sum(rate(x_total[5m]))\", \"legend\")".into());
            }
            for q in &p.queries {
                if q.expr.trim().is_empty() {
                    bad(format!("{at} has an empty query"), "write the PromQL expression".into());
                }
                for name in promql::metric_names(&q.expr) {
                    if !known.exports.has(&name) {
                        bad(format!("{at} reads '{name}', which nothing scraped exports"), known.exports.hint(&name));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_two_per_row_with_their_queries() {
        let board = GrafanaDashboard::new("orders", "Orders")
            .panel(DashboardPanel::timeseries("a").query("up", "x").query("up", "y"))
            .panel(DashboardPanel::stat("b").unit("s").query("up", ""))
            .panel(DashboardPanel::timeseries("c").query("up", ""))
            .render();
        let panels = board["panels"].as_array().unwrap();
        assert_eq!(panels[1]["type"], "stat");
        assert_eq!(panels[1]["gridPos"], json!({ "x": 12, "y": 0, "w": 12, "h": 8 }));
        assert_eq!(panels[2]["gridPos"]["y"], 8);
        assert_eq!(panels[0]["targets"][1]["refId"], "B");
        assert_eq!(ref_id(27), "AB");
    }
}
