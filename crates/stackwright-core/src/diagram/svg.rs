//! The picture as SVG, for people: nested boxes in rows and columns, laid out here (no
//! dependency), with text widths estimated on the safe side so that a label never leaves its
//! box in a browser (`tools/check-diagram` renders it in headless Chromium and checks).

use std::fmt::Write as _;

use super::model::{Element, Mark, Platform};

/// The font stack: DejaVu Sans (Debian's `fonts-dejavu-core`, which the text widths are
/// estimated for), then similar or wider faces.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Geneva, sans-serif";
const FONT_SIZE: f64 = 14.0;
const PAD: f64 = 10.0;
const GAP: f64 = 12.0;
const ARROW_GAP: f64 = 40.0;
const LINE: f64 = 32.0;
/// Rows wrap beyond this width.
const MAX_ROW: f64 = 1500.0;

/// How a box looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Platform,
    Environment,
    Group,
    Stack,
    Vpc,
    Zone,
    Subnet,
    Cluster,
    NodeGroup,
    Workload,
    Member,
    Database,
    Monitoring,
    Internet,
    LoadBalancer,
}

impl Style {
    fn colours(self) -> (&'static str, &'static str) {
        match self {
            Style::Platform => ("#ffffff", "#57606a"),
            Style::Environment => ("#f6f8fa", "#57606a"),
            Style::Group => ("#ffffff", "#8c959f"),
            Style::Stack => ("#eaeef2", "#6e7781"),
            Style::Vpc => ("#ddf4ff", "#0969da"),
            Style::Zone => ("#f0f9ff", "#54aeff"),
            Style::Subnet => ("#ffffff", "#54aeff"),
            Style::Cluster => ("#fbefff", "#8250df"),
            Style::NodeGroup => ("#ffffff", "#a475f9"),
            Style::Workload => ("#fff8c5", "#9a6700"),
            Style::Member => ("#ffffff", "#bf8700"),
            Style::Database => ("#dafbe1", "#1a7f37"),
            Style::Monitoring => ("#fff1e5", "#bc4c00"),
            Style::Internet => ("#ffffff", "#24292f"),
            Style::LoadBalancer => ("#ffebe9", "#cf222e"),
        }
    }
}

/// A box: a label, and children in a row (wrapping) or a column. Leaves are one line.
#[derive(Debug, Clone)]
pub(super) struct Block {
    label: String,
    style: Style,
    dashed: bool,
    row: bool,
    arrows: bool,
    children: Vec<Block>,
    // layout, relative to the parent's top-left corner
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Block {
    pub(super) fn leaf(element: &Element, style: Style) -> Block {
        Block::new(marked(element), style)
    }
    pub(super) fn new(label: impl Into<String>, style: Style) -> Block {
        Block {
            label: label.into(),
            style,
            dashed: false,
            row: false,
            arrows: false,
            children: Vec::new(),
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0,
        }
    }
    pub(super) fn row(mut self) -> Block {
        self.row = true;
        self
    }
    pub(super) fn arrows(mut self) -> Block {
        self.row = true;
        self.arrows = true;
        self
    }
    pub(super) fn dashed(mut self, dashed: bool) -> Block {
        self.dashed = dashed;
        self
    }
    pub(super) fn child(mut self, child: Block) -> Block {
        self.children.push(child);
        self
    }
    pub(super) fn children(mut self, children: impl IntoIterator<Item = Block>) -> Block {
        self.children.extend(children);
        self
    }
    pub(super) fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    /// Sizes this box and places its children inside it.
    fn layout(&mut self) {
        let title_w = text_width(&self.label, !self.children.is_empty()) + 2.0 * PAD;
        if self.children.is_empty() {
            self.w = title_w.max(60.0);
            self.h = LINE;
            return;
        }
        for c in &mut self.children {
            c.layout();
        }
        let gap = if self.arrows { ARROW_GAP } else { GAP };
        // An unlabelled box only arranges its children: no title line, no frame, no padding.
        let (pad, top) = if self.label.is_empty() { (0.0, 0.0) } else { (PAD, LINE) };
        let (mut x, mut y, mut line_h, mut max_w) = (pad, top, 0.0_f64, 0.0_f64);
        for c in &mut self.children {
            if self.row {
                if x > pad && !self.arrows && x + c.w > MAX_ROW {
                    x = pad;
                    y += line_h + GAP;
                    line_h = 0.0;
                }
                c.x = x;
                c.y = y;
                x += c.w + gap;
                line_h = line_h.max(c.h);
                max_w = max_w.max(x - gap);
            } else {
                c.x = pad;
                c.y = y;
                y += c.h + GAP;
                max_w = max_w.max(pad + c.w);
            }
        }
        self.w = if self.label.is_empty() { max_w } else { (max_w + pad).max(title_w) };
        self.h = if self.row { y + line_h + pad } else { y - GAP + pad };
        if self.arrows {
            // arrows join the middles of boxes of different heights: centre them vertically
            for c in &mut self.children {
                c.y = top + (line_h - c.h) / 2.0;
            }
        }
    }

    fn render(&self, ox: f64, oy: f64, out: &mut String) {
        let (x, y) = (ox + self.x, oy + self.y);
        let (fill, stroke) = self.style.colours();
        let dash = if self.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        let weight = if self.children.is_empty() { "" } else { r#" font-weight="bold""# };
        if !self.label.is_empty() {
            let _ = write!(
                out,
                r#"<g class="box"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{fill}" stroke="{stroke}"{dash}/><text x="{}" y="{}"{weight}>{}</text></g>"#,
                n(x),
                n(y),
                n(self.w),
                n(self.h),
                n(x + PAD),
                n(y + 21.0),
                escape(&self.label)
            );
            out.push('\n');
        }
        for c in &self.children {
            c.render(x, y, out);
        }
        if self.arrows {
            for pair in self.children.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                let ya = y + a.y + a.h / 2.0;
                let _ = writeln!(
                    out,
                    r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#24292f" stroke-width="2" marker-end="url(#arrow)"/>"##,
                    n(x + a.x + a.w + 2.0),
                    n(ya),
                    n(x + b.x - 4.0),
                    n(ya)
                );
            }
        }
    }
}

/// A label with its mark, as the picture prints it.
pub(super) fn marked(e: &Element) -> String {
    match e.mark {
        Mark::Unchanged => e.label.clone(),
        Mark::Added => format!("{} (added)", e.label),
        Mark::Changed => format!("{} (changed)", e.label),
        Mark::Removed => format!("{} (removed)", e.label),
    }
}

/// The SVG of `platform` under the title `title`.
#[must_use]
pub fn render(title: &str, platform: &Platform) -> String {
    let mut root = super::blocks(title, platform);
    root.layout();
    let (w, h) = (root.w.ceil() + 2.0, root.h.ceil() + 2.0);
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="#24292f">
<title>{}</title>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#24292f"/></marker></defs>
<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>
"##,
        escape(title)
    );
    root.x = 1.0;
    root.y = 1.0;
    root.render(0.0, 0.0, &mut out);
    out.push_str("</svg>\n");
    out
}

/// A width no browser's rendering of `text` in [`FONT_FAMILY`] at 14 px exceeds: DejaVu Sans'
/// advance widths, rounded up per class of character (bold adds 12 %).
fn text_width(text: &str, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'm' | 'w' | 'M' | 'W' | '—' | '→' => 1.0,
            'A'..='Z' => 0.8,
            ' ' | 'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.4,
            'f' | 't' | 'r' | '/' | '(' | ')' | '-' | '[' | ']' => 0.5,
            c if c.is_ascii() => 0.66,
            _ => 1.0,
        })
        .sum();
    em * FONT_SIZE * if bold { 1.12 } else { 1.0 }
}

/// A coordinate with at most one decimal, so that output is stable and short.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}
