//! The one rendering of a change set, shared by `diff` and `deploy`: a line per resource change
//! (sign, logical id, type, construct path, replacement, the properties that change,
//! `[SECURITY]`), then the tables of the IAM statements and security-group rules the changes
//! add. Styled for a terminal, or plain: the words are the same.

use anstyle::Style;

use super::change_set::ResourceChange;
use super::security::Broadening;
use crate::progress::style::{self, paint};

impl ResourceChange {
    /// A one-line description: `+ Vpc (AWS::EC2::VPC) prod/network/Vpc`, without styles.
    #[must_use]
    pub fn line(&self) -> String {
        self.render(false)
    }

    /// The sign and the style of the change: `+` add, `~` modify, `±` replace, `±?` may
    /// replace, `-` remove, `<` import (an existing resource adopted, not created).
    fn sign(&self) -> (&'static str, Style) {
        match (self.action.as_str(), self.replacement.as_deref()) {
            ("Add", _) => ("+", style::ADD),
            ("Remove", _) => ("-", style::REMOVE),
            ("Import", _) => ("<", style::ADD),
            ("Modify", Some("True")) => ("±", style::REPLACE),
            ("Modify", Some("Conditional")) => ("±?", style::REPLACE),
            _ => ("~", style::MODIFY),
        }
    }

    /// [`ResourceChange::line`], coloured when `styled`: the sign and logical id in the colour
    /// of the change, `[REPLACE]` red and bold, `[SECURITY]` magenta.
    #[must_use]
    pub fn render(&self, styled: bool) -> String {
        let (sign, colour) = self.sign();
        let mut s = paint(colour, &format!("{sign} {}", self.logical_id), styled);
        s.push_str(&format!(" ({})", self.resource_type));
        if let Some(p) = &self.path {
            s.push_str(&format!(" {p}"));
        }
        match self.replacement.as_deref() {
            Some("True") => s.push_str(&format!(" {}", paint(style::REPLACE, "[REPLACE]", styled))),
            Some("Conditional") => s.push_str(&format!(" {}", paint(style::REPLACE, "[MAY REPLACE]", styled))),
            _ => {}
        }
        if !self.properties.is_empty() {
            s.push_str(&format!(" ({})", self.properties.join(", ")));
        }
        if !self.overridden.is_empty() {
            // Where the new value comes from: the program's override, not the construct.
            s.push_str(&format!(" [override: {}]", self.overridden.join(", ")));
        }
        if self.security {
            s.push_str(&format!(" {}", paint(style::SECURITY, "[SECURITY]", styled)));
        }
        s
    }
}

/// The lines of a change set: one per change, then the tables of what it adds to who may do
/// what (see [`Broadening::render`]); every line indented by two spaces.
#[must_use]
pub fn render_changes(changes: &[ResourceChange], broadening: &Broadening, styled: bool) -> Vec<String> {
    let mut lines: Vec<String> = changes.iter().map(|c| format!("  {}", c.render(styled))).collect();
    lines.extend(broadening.render(styled).into_iter().map(|l| format!("  {l}")));
    lines
}

impl Broadening {
    /// The tables of the IAM statements and security-group rules added (nothing when there are
    /// none), as `cdk deploy` shows them before asking for approval: one row per statement or
    /// rule, each action, resource and principal on a line of its own.
    #[must_use]
    pub fn render(&self, styled: bool) -> Vec<String> {
        let mut out = Vec::new();
        if !self.statements.is_empty() {
            out.push(paint(style::SECURITY, "IAM statements added:", styled));
            let rows = self.statements.iter().map(|s| {
                vec![
                    vec![s.on.clone()],
                    vec![s.effect.clone()],
                    s.actions.clone(),
                    s.resources.clone(),
                    s.principals.clone(),
                    vec![s.condition.clone()],
                ]
            });
            out.extend(table(&["resource", "effect", "actions", "resources", "principal", "condition"], rows, styled));
        }
        if !self.rules.is_empty() {
            out.push(paint(style::SECURITY, "security-group rules added:", styled));
            let rows = self.rules.iter().map(|r| {
                [&r.group, &r.direction, &r.protocol, &r.ports, &r.peer, &r.description]
                    .into_iter()
                    .map(|c| vec![c.clone()])
                    .collect()
            });
            out.extend(table(&["group", "direction", "protocol", "ports", "peer", "description"], rows, styled));
        }
        out
    }
}

/// Columns aligned on the widest cell line; a `+` (green when styled) before each row, a blank
/// before the header and before a row's further lines. Trailing spaces trimmed.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<Vec<String>>>, styled: bool) -> Vec<String> {
    let rows: Vec<Vec<Vec<String>>> = rows.collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter().flat_map(|r| r[i].iter().map(|l| l.chars().count())).chain([header[i].len()]).max().unwrap_or(0)
        })
        .collect();
    let line = |sign: &str, cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("  {sign} {}", padded.join("  ")).trim_end().to_string()
    };
    let head = line(" ", header.to_vec());
    let mut out = vec![paint(style::DIM, &head, styled)];
    let plus = paint(style::ADD, "+", styled);
    for row in rows {
        let height = row.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for i in 0..height {
            let cells: Vec<&str> = row.iter().map(|c| c.get(i).map_or("", String::as_str)).collect();
            out.push(line(if i == 0 { &plus } else { " " }, cells));
        }
    }
    out
}
