//! How an error reaches the user: the one rendering of every error for standard error (the
//! status the process then exits with is [`crate::ExitStatus`]).
//!
//! The rendering is pure (a `String`, styled or not): this crate writes nothing to a terminal.
//! The programs' entries (the facade's `cli::exit_code`, the runtime's binary) write it through
//! `anstream`, which keeps the styles on a terminal and strips them when the output is piped or
//! `NO_COLOR` is set.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::error::{Diagnostic, Error};
#[cfg(test)]
use crate::exit_status::ExitStatus;

/// The styles of a rendering on a terminal.
const ERROR: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const PLACE: Style = Style::new().bold();
const HINT: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

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
            for d in diagnostics.iter() {
                push_diagnostic(&mut out, d, styled);
            }
            if diagnostics.len() > 1 {
                push_block(&mut out, styled, None, &format!("{} problems found", diagnostics.len()), "");
            }
        }
        Error::Command { message, hint, .. } if message.is_empty() && hint.is_empty() => {}
        Error::Command { message, hint, .. } => push_block(&mut out, styled, None, message, hint),
        other => push_block(&mut out, styled, None, &other.to_string(), ""),
    }
    out
}

fn push_diagnostic(out: &mut String, d: &Diagnostic, styled: bool) {
    let place = (!d.path.is_empty()).then_some(d.path.as_str());
    push_block(out, styled, place, &d.message, &d.hint);
}

/// `error: [place: ]message` and, when there is one, `  hint: hint` on the next line;
/// continuation lines of a message are indented under it.
fn push_block(out: &mut String, styled: bool, place: Option<&str>, message: &str, hint: &str) {
    let paint = |style: Style| if styled { style } else { Style::new() };
    let (error, place_style, hint_style) = (paint(ERROR), paint(PLACE), paint(HINT));
    let _ = write!(out, "{error}error{error:#}: ");
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
