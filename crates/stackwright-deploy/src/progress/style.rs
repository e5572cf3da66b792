//! The colour policy of the runtime's output and the styles it uses, so that `diff`, `deploy`
//! and `destroy` colour the same things the same way.
//!
//! Colour (and, on standard error, spinners) only where a person reads a terminal: never with
//! `NO_COLOR`, `--plain`, in CI (`CI` set) or when the output is piped or a file. The decision
//! is anstream's (`NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE`, a terminal that supports colour)
//! with `--plain` and CI turned into its global "never", so that the errors printed through
//! anstream ([`crate::cli::print_error`]) follow the same policy.

use anstream::ColorChoice;
use anstyle::{AnsiColor, Color, Style};

/// An added resource or object.
pub const ADD: Style = fg(AnsiColor::Green);
/// A resource modified in place.
pub const MODIFY: Style = fg(AnsiColor::Yellow);
/// A resource replaced (or maybe replaced): deleted and created again.
pub const REPLACE: Style = fg(AnsiColor::Red).bold();
/// A removed resource or object.
pub const REMOVE: Style = fg(AnsiColor::Red);
/// An IAM or security-group change (`[SECURITY]`, the approval tables).
pub const SECURITY: Style = fg(AnsiColor::Magenta).bold();
/// A stack or cluster id at the start of a line, headings.
pub const NAME: Style = Style::new().bold();
/// A status that ended well (`CREATE_COMPLETE`, `✓`).
pub const GOOD: Style = fg(AnsiColor::Green);
/// A status that failed (`CREATE_FAILED`, `ROLLBACK_*`).
pub const BAD: Style = fg(AnsiColor::Red).bold();
/// Secondary text: counters and times.
pub const DIM: Style = Style::new().dimmed();

const fn fg(colour: AnsiColor) -> Style {
    Style::new().fg_color(Some(Color::Ansi(colour)))
}

/// `text` in `style` when `styled`, else as it is.
#[must_use]
pub fn paint(style: Style, text: &str, styled: bool) -> String {
    if styled && !text.is_empty() { format!("{style}{text}{style:#}") } else { text.to_string() }
}

/// The style of a CloudFormation status: red for failures and rollbacks, green for completions.
#[must_use]
pub fn status_style(status: &str) -> Style {
    if status.ends_with("_FAILED") || status.contains("ROLLBACK") {
        BAD
    } else if status.ends_with("_COMPLETE") || status == "DELETE_SKIPPED" {
        GOOD
    } else {
        Style::new()
    }
}

/// Whether `CI` says the process runs in continuous integration (set, and not `false` or `0`).
#[must_use]
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Applies `--plain` and CI to anstream's global choice: plain text everywhere from now on.
pub fn apply_policy(plain: bool) {
    if plain || in_ci() {
        ColorChoice::Never.write_global();
    }
}

/// Whether text written to standard error is styled (and spinners are shown): a terminal,
/// no `NO_COLOR`, not CI, not `--plain` (see [`apply_policy`]).
#[must_use]
pub fn stderr_styled() -> bool {
    styled(&std::io::stderr())
}

/// Whether text written to standard output is styled (as [`stderr_styled`]).
#[must_use]
pub fn stdout_styled() -> bool {
    styled(&std::io::stdout())
}

fn styled(stream: &impl anstream::stream::RawStream) -> bool {
    anstream::stream::IsTerminal::is_terminal(stream)
        && !in_ci()
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
        && anstream::AutoStream::choice(stream) != ColorChoice::Never
}

/// A duration as people read it: `0.4s`, `12.3s`, `1m05s`, `1h02m`.
#[must_use]
pub fn duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..60 => format!("{:.1}s", d.as_secs_f64()),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(duration(Duration::from_millis(420)), "0.4s");
        assert_eq!(duration(Duration::from_secs(65)), "1m05s");
        assert_eq!(duration(Duration::from_secs(3720)), "1h02m");
    }

    #[test]
    fn paint_adds_styles_only_when_styled() {
        assert_eq!(paint(ADD, "+", false), "+");
        assert_eq!(paint(ADD, "+", true), "\x1b[32m+\x1b[0m");
        assert_eq!(status_style("UPDATE_ROLLBACK_COMPLETE"), BAD);
        assert_eq!(status_style("CREATE_COMPLETE"), GOOD);
    }
}
