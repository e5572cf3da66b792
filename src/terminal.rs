//! Error output on the terminal: every error rendered by
//! [`stackwright_core::report::render`] (and every warning by
//! [`stackwright_core::report::render_warnings`]) and written to standard error through `anstream`,
//! which keeps the colours on a terminal and drops them when standard error is piped or
//! redirected, when `NO_COLOR` is set (or `CLICOLOR=0`), and forces them with `CLICOLOR_FORCE`.
//! The deploy runtime's binary prints the same way (`stackwright_deploy::cli::print_error`).

use std::io::Write as _;

use stackwright_core::{Diagnostics, Error, ExitStatus};

/// Prints `error` on standard error, every problem once, in the one format of stackwright:
/// `error: <construct path or input>: <message>`, then `  hint: <how to fix it>`.
pub fn print_error(error: &Error) {
    let text = stackwright_core::report::render(error, true);
    let _ = anstream::stderr().write_all(text.as_bytes());
}

/// Prints the warnings synth returned ([`stackwright_core::Assembly::warnings`]) on standard
/// error, in the same format with a yellow `warning:` label; nothing when there are none.
pub fn print_warnings(warnings: &Diagnostics) {
    let text = stackwright_core::report::render_warnings(warnings, true);
    let _ = anstream::stderr().write_all(text.as_bytes());
}

/// A command line clap rejected, as a usage error carrying clap's explanation (the `error: `
/// prefix is the renderer's).
pub(crate) fn usage_error(e: &clap::Error) -> Error {
    let text = e.render().to_string();
    let message = text.strip_prefix("error: ").unwrap_or(&text).trim_end().to_string();
    Error::command(ExitStatus::Usage, message, "")
}
