//! The picture as Mermaid (`flowchart`), for pull-request comments: GitHub renders a
//! ```` ```mermaid ```` block. Marks become classes (`added`, `changed`, `removed`) and words in
//! the labels; a picture too big for a comment is collapsed (unchanged elements counted, not
//! drawn), and says so.

use std::fmt::Write as _;

use super::model::{Element, Mark, Platform};
use super::svg::marked;

/// GitHub's limit on a comment's body, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// How much of the picture is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Detail {
    /// Everything.
    Full,
    /// Unchanged leaves are counted per container, not drawn.
    Changes,
    /// Only the environments' counts of what changes.
    Counts,
}

struct Writer {
    out: String,
    next: usize,
    classes: [Vec<String>; 4],
    detail: Detail,
}

impl Writer {
    fn id(&mut self) -> String {
        self.next += 1;
        format!("n{}", self.next)
    }
    fn class(&mut self, id: &str, mark: Mark, referenced: bool) {
        let i = match mark {
            Mark::Added => 0,
            Mark::Changed => 1,
            Mark::Removed => 2,
            Mark::Unchanged if referenced => 3,
            Mark::Unchanged => return,
        };
        self.classes[i].push(id.to_string());
    }
    fn node(&mut self, indent: usize, e: &Element, shape: (&str, &str)) -> String {
        let id = self.id();
        let _ = writeln!(self.out, "{:indent$}{id}{}\"{}\"{}", "", shape.0, label(&marked(e)), shape.1);
        self.class(&id, e.mark, false);
        id
    }
    fn open(&mut self, indent: usize, e: &Element, referenced: bool) -> String {
        let id = self.id();
        let _ = writeln!(self.out, "{:indent$}subgraph {id}[\"{}\"]", "", label(&marked(e)));
        self.class(&id, e.mark, referenced);
        id
    }
    fn close(&mut self, indent: usize) {
        let _ = writeln!(self.out, "{:indent$}end", "");
    }
    /// The leaves of a container, unchanged ones counted instead when the detail says so.
    fn leaves<'a>(&mut self, indent: usize, items: impl IntoIterator<Item = &'a Element>) -> Vec<(String, String)> {
        let mut ids = Vec::new();
        let mut hidden = 0;
        for e in items {
            if self.detail >= Detail::Changes && e.mark == Mark::Unchanged {
                hidden += 1;
                continue;
            }
            ids.push((e.key.clone(), self.node(indent, e, ("[", "]"))));
        }
        if hidden > 0 {
            let id = self.id();
            let _ = writeln!(self.out, "{:indent$}{id}[\"{hidden} unchanged\"]", "");
        }
        ids
    }
}

/// Mermaid's quoted label: `#`, `"`, `<` and `>` written as entity codes (labels may be read
/// as HTML), no line breaks.
fn label(s: &str) -> String {
    s.replace('#', "#35;").replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace(['\n', '\r'], " ")
}

/// The Mermaid text of `platform`, drawn in full.
#[must_use]
pub fn render(title: &str, platform: &Platform) -> String {
    write(title, platform, Detail::Full)
}

/// The Mermaid text of `platform` in at most `limit` characters: drawn in full when it fits,
/// else with unchanged elements counted instead of drawn, else as counts only; the picture says
/// when it was collapsed.
#[must_use]
pub fn render_within(title: &str, platform: &Platform, limit: usize) -> String {
    for detail in [Detail::Full, Detail::Changes, Detail::Counts] {
        let text = write(title, platform, detail);
        if text.chars().count() <= limit {
            return text;
        }
    }
    let mut text = String::from(
        "flowchart TB\n  n0[\"the diagram does not fit in a comment: see diagram.svg in the assembly\"]\n",
    );
    text.truncate(limit);
    text
}

fn write(title: &str, p: &Platform, detail: Detail) -> String {
    let mut w = Writer { out: String::with_capacity(8 * 1024), next: 0, classes: Default::default(), detail };
    let _ = writeln!(w.out, "---\ntitle: {}\n---\nflowchart TB", title.replace(['\n', '\r'], " "));
    if detail > Detail::Full {
        let why = if detail == Detail::Changes {
            "unchanged elements are counted, not drawn"
        } else {
            "only the number of changed elements is shown"
        };
        let _ =
            writeln!(w.out, "  note[\"collapsed to fit a GitHub comment ({GITHUB_COMMENT_LIMIT} characters): {why}\"]");
    }
    // The Internet is drawn where a request path starts from it, as in the SVG.
    let internet = "internet";
    if detail != Detail::Counts && p.environments.iter().any(|e| !e.requests.is_empty()) {
        let _ = writeln!(w.out, "  {internet}((\"Internet\"))");
    }
    for env in &p.environments {
        w.open(2, &env.element, false);
        if detail == Detail::Counts {
            let all = all_elements(env);
            for (mark, word) in [(Mark::Added, "added"), (Mark::Changed, "changed"), (Mark::Removed, "removed")] {
                let count = all.iter().filter(|e| e.mark == mark).count();
                let id = w.id();
                let _ = writeln!(w.out, "    {id}[\"{count} {word}\"]");
                w.class(&id, mark, false);
            }
            w.close(2);
            continue;
        }
        let edges = environment(&mut w, env, internet, detail);
        w.close(2);
        for e in edges {
            let _ = writeln!(w.out, "{e}");
        }
    }
    let styles = [
        ("added", "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#000"),
        ("changed", "fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#000"),
        ("removed", "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5,color:#000"),
        ("referenced", "stroke-dasharray:3 3"),
    ];
    for (i, (name, style)) in styles.iter().enumerate() {
        if !w.classes[i].is_empty() {
            let _ = writeln!(w.out, "  classDef {name} {style}");
            let _ = writeln!(w.out, "  class {} {name}", w.classes[i].join(","));
        }
    }
    w.out
}

/// The inside of an environment's subgraph; returns the request path's edges, written after
/// it.
fn environment(w: &mut Writer, env: &super::model::EnvironmentView, internet: &str, detail: Detail) -> Vec<String> {
    if !env.stacks.is_empty() {
        w.open(4, &Element { label: "stacks".into(), mark: Mark::Unchanged, ..env.element.clone() }, false);
        w.leaves(6, &env.stacks);
        w.close(4);
    }
    let mut ids: Vec<(String, String)> = Vec::new();
    for vpc in &env.vpcs {
        w.open(4, &vpc.element, vpc.referenced);
        for z in &vpc.zones {
            w.open(6, &z.element, false);
            w.leaves(8, &z.members);
            w.close(6);
        }
        w.close(4);
    }
    for c in &env.clusters {
        w.open(4, &c.element, c.referenced);
        w.leaves(6, &c.node_groups);
        let mut hidden = 0;
        for wl in &c.workloads {
            if detail >= Detail::Changes
                && wl.element.mark == Mark::Unchanged
                && wl.members.iter().all(|m| m.mark == Mark::Unchanged)
            {
                hidden += 1;
                continue;
            }
            w.open(6, &wl.element, false);
            let pods = Element { label: "Pods".into(), key: format!("{}#pods", wl.element.key), ..wl.element.clone() };
            ids.push((pods.key.clone(), w.node(8, &pods, ("[", "]"))));
            ids.extend(w.leaves(8, &wl.members));
            w.close(6);
        }
        if hidden > 0 {
            let id = w.id();
            let _ =
                writeln!(w.out, "      {id}[\"{hidden} unchanged workload{}\"]", if hidden == 1 { "" } else { "s" });
        }
        w.close(4);
    }
    if !env.databases.is_empty() {
        w.open(4, &Element { label: "databases".into(), mark: Mark::Unchanged, ..env.element.clone() }, false);
        w.leaves(6, &env.databases);
        w.close(4);
    }
    if !env.monitoring.is_empty() {
        w.open(4, &Element { label: "monitoring".into(), mark: Mark::Unchanged, ..env.element.clone() }, false);
        w.leaves(6, &env.monitoring);
        w.close(4);
    }
    let mut edges = Vec::new();
    for r in &env.requests {
        let lb = w.node(4, &r.load_balancer, ("[/", "/]"));
        edges.push(format!("  {internet} --> {lb}"));
        let find = |key: &str| ids.iter().find(|(k, _)| k == key).map(|(_, i)| i.clone());
        if let Some(s) = find(&r.service.key) {
            edges.push(format!("  {lb} --> {s}"));
            if let Some(p) = find(&r.pods.key) {
                edges.push(format!("  {s} --> {p}"));
            }
        }
    }
    edges
}

fn all_elements(env: &super::model::EnvironmentView) -> Vec<&Element> {
    let mut all: Vec<&Element> = env.stacks.iter().chain(&env.databases).chain(&env.monitoring).collect();
    for v in &env.vpcs {
        all.push(&v.element);
        for z in &v.zones {
            all.push(&z.element);
            all.extend(&z.members);
        }
    }
    for c in &env.clusters {
        all.push(&c.element);
        all.extend(&c.node_groups);
        for wl in &c.workloads {
            all.push(&wl.element);
            all.extend(&wl.members);
        }
    }
    all
}
