//! How an error reaches the user: the one rendering of every error for standard error (the
//! status the process then exits with is [`crate::ExitStatus`]), and of the warnings synth
//! returns with an assembly.
//!
//! The rendering is pure (a `String`, styled or not): this crate writes nothing to a terminal.
//! The programs' entries (the facade's `cli::exit_code`, the runtime's binary) write it through
//! `anstream`, which keeps the styles on a terminal and strips them when the output is piped or
//! `NO_COLOR` is set.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::error::{Diagnostic, Diagnostics, Error};
#[cfg(test)]
use crate::exit_status::ExitStatus;

/// The styles of a rendering on a terminal.
const ERROR: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const PLACE: Style = Style::new().bold();
const HINT: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
const WARNING: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));

/// What a block reports, and how its label is styled.
#[derive(Clone, Copy)]
enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn label(self) -> (&'static str, Style) {
        match self {
            Severity::Error => ("error", ERROR),
            Severity::Warning => ("warning", WARNING),
        }
    }
}

/// Renders `error` the way every stackwright entry prints it: one `error:` block per problem
/// (the construct path — or the input, such as `account`, with the offending value in the
/// message — then the message, then the hint), and a count when there are several. Empty for
/// an error with nothing to say (`diff --fail`'s differences were the output).
///
/// `styled` adds ANSI styles (red `error`, bold path, cyan `hint`); write a styled rendering
/// through `anstream` so that they disappear where colour is not wanted.
#[must_use]
pub fn render(error: &Error, styled: bool) -> String {
    let mut out = String::new();
    match error {
        Error::Invalid(diagnostics) => {
            push_all(&mut out, Severity::Error, diagnostics, "problems", styled);
        }
        Error::Command { message, hint, .. } if message.is_empty() && hint.is_empty() => {}
        Error::Command { message, hint, .. } => push_block(&mut out, Severity::Error, styled, None, message, hint),
        other => push_block(&mut out, Severity::Error, styled, None, &other.to_string(), ""),
    }
    out
}

/// Renders the warnings synth returned with an assembly the way every stackwright entry prints
/// them before its result: one `warning:` block each (`warning: <path>: <message>`, then
/// `  hint: <hint>`), and a count when there are several. Empty when there are none.
///
/// `styled` adds ANSI styles (yellow `warning`, bold path, cyan `hint`), for `anstream` to
/// keep or strip, as for [`render`].
#[must_use]
pub fn render_warnings(warnings: &Diagnostics, styled: bool) -> String {
    let mut out = String::new();
    push_all(&mut out, Severity::Warning, warnings, "warnings", styled);
    out
}

/// One block per diagnostic, then `<n> <things> found` when there are several.
fn push_all(out: &mut String, severity: Severity, diagnostics: &Diagnostics, things: &str, styled: bool) {
    for d in diagnostics.iter() {
        push_diagnostic(out, severity, d, styled);
    }
    if diagnostics.len() > 1 {
        push_block(out, severity, styled, None, &format!("{} {things} found", diagnostics.len()), "");
    }
}

fn push_diagnostic(out: &mut String, severity: Severity, d: &Diagnostic, styled: bool) {
    let place = (!d.path.is_empty()).then_some(d.path.as_str());
    push_block(out, severity, styled, place, &d.message, &d.hint);
}

/// `error: [place: ]message` (or `warning: …`) and, when there is one, `  hint: hint` on the
/// next line; continuation lines of a message are indented under it.
fn push_block(out: &mut String, severity: Severity, styled: bool, place: Option<&str>, message: &str, hint: &str) {
    let paint = |style: Style| if styled { style } else { Style::new() };
    let (label, label_style) = severity.label();
    let (label_style, place_style, hint_style) = (paint(label_style), paint(PLACE), paint(HINT));
    let _ = write!(out, "{label_style}{label}{label_style:#}: ");
    if let Some(place) = place {
        let _ = write!(out, "{place_style}{place}{place_style:#}: ");
    }
    let _ = writeln!(out, "{}", indent(message.trim_end(), "  "));
    if !hint.is_empty() {
        let _ = writeln!(out, "  {hint_style}hint{hint_style:#}: {}", indent(hint.trim_end(), "    "));
    }
}

/// `text` with every line after the first indented by `by` (blank lines stay empty).
fn indent(text: &str, by: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| if i == 0 || line.is_empty() { line.to_string() } else { format!("{by}{line}") })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostics;

    #[test]
    fn one_block_per_problem_then_the_count() {
        let mut d = Diagnostics::new();
        d.push("prod/network/Vpc", "max_azs is 0", "use 1 to 6");
        d.push("account", "invalid AWS account id '12'", "");
        let text = render(&Error::Invalid(d), false);
        assert_eq!(
            text,
            "error: prod/network/Vpc: max_azs is 0\n  hint: use 1 to 6\n\
             error: account: invalid AWS account id '12'\nerror: 2 problems found\n"
        );
    }

    #[test]
    fn styles_only_when_asked() {
        let e = Error::invalid("a/b", "bad", "fix it");
        assert!(!render(&e, false).contains('\x1b'));
        let styled = render(&e, true);
        assert!(styled.contains("\x1b[1m\x1b[31merror\x1b[0m") || styled.contains("\x1b["), "{styled:?}");
    }

    #[test]
    fn warnings_render_like_errors_with_their_own_label() {
        let mut w = Diagnostics::new();
        assert_eq!(render_warnings(&w, true), "");
        w.push("prod/cluster/Cluster/shop", "the disruption budget allows 5 of 3 pods down", "allow 1");
        assert_eq!(
            render_warnings(&w, false),
            "warning: prod/cluster/Cluster/shop: the disruption budget allows 5 of 3 pods down\n  hint: allow 1\n"
        );
        w.push("prod/network", "two lines\nof message", "");
        assert_eq!(
            render_warnings(&w, false),
            "warning: prod/cluster/Cluster/shop: the disruption budget allows 5 of 3 pods down\n  hint: allow 1\n\
             warning: prod/network: two lines\n  of message\nwarning: 2 warnings found\n"
        );
        let styled = render_warnings(&w, true);
        assert!(
            styled.starts_with("\x1b[1m\x1b[33mwarning\x1b[0m: \x1b[1mprod/cluster/Cluster/shop\x1b[0m: "),
            "{styled:?}"
        );
        assert!(styled.contains("  \x1b[1m\x1b[36mhint\x1b[0m: allow 1"), "{styled:?}");
    }

    #[test]
    fn a_command_with_nothing_to_say_prints_nothing() {
        let e = Error::command(ExitStatus::Differences, "", "");
        assert_eq!(render(&e, true), "");
        assert_eq!(e.exit_status(), ExitStatus::Differences);
        assert_eq!(Error::invalid("x", "y", "z").exit_status(), ExitStatus::Failure);
    }

    #[test]
    fn codes_are_distinct_and_in_order() {
        for (i, s) in ExitStatus::ALL.iter().enumerate() {
            // 0 to 4 in a row, then 130 (128 + SIGINT, what shells report for Ctrl-C).
            let expected = if *s == ExitStatus::Interrupted { 130 } else { i };
            assert_eq!(usize::from(s.code()), expected);
        }
    }
}
