//! The one error type of the runtime, and the exit codes the command line maps it to.

use std::time::Duration;

/// A result whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes of `diff`, `deploy` and `destroy`, for CI to act on: the codes of
/// [`stackwright_core::ExitStatus`], which the command line returns.
pub mod exit {
    /// Everything succeeded (for `diff`: also when there are differences, unless `--fail`).
    pub const OK: i32 = 0;
    /// A deployment, destroy or AWS/Kubernetes call failed.
    pub const FAILED: i32 = 1;
    /// The command line or the assembly is invalid.
    pub const USAGE: i32 = 2;
    /// Changes need approval that was not given (no terminal and no `--yes`, or answered no).
    pub const APPROVAL: i32 = 3;
    /// `diff --fail` found differences, or `drift` found drift.
    pub const DIFFERENCES: i32 = 4;
    /// Interrupted by SIGINT (Ctrl-C) or SIGTERM.
    pub const INTERRUPTED: i32 = 130;
}

/// Everything the runtime can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The assembly could not be synthesized or read.
    #[error(transparent)]
    Assembly(#[from] stackwright_core::Error),
    /// The command line or the assembly asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// A call to an AWS service failed with an error that retrying cannot fix.
    #[error("{service} {operation} failed: {message}")]
    Aws {
        /// The service, e.g. `CloudFormation`.
        service: &'static str,
        /// The operation, e.g. `CreateChangeSet`.
        operation: &'static str,
        /// The service's code and message.
        message: String,
    },
    /// Throttling or transient errors went on until the retry budget was spent.
    #[error(
        "{service} {operation}: gave up after {attempts} attempts in {:.1} s (retry budget spent); last error: {last}",
        elapsed.as_secs_f64()
    )]
    RetriesExhausted {
        /// The service, e.g. `CloudFormation`.
        service: &'static str,
        /// The operation, e.g. `DescribeStacks`.
        operation: &'static str,
        /// Attempts made, the first included.
        attempts: u32,
        /// Time since the first attempt.
        elapsed: Duration,
        /// The last attempt's error.
        last: String,
    },
    /// A CloudFormation stack operation failed; `message` names the root cause.
    #[error("stack {stack}: {message}")]
    Stack {
        /// The stack's id in the assembly.
        stack: String,
        /// What failed, with the root cause and a hint where there is one.
        message: String,
    },
    /// A wait did not end in time.
    #[error(
        "timed out after {} s waiting for {what}; what was started goes on in AWS\n  hint: run the same command \
         again to wait for it and converge (or give it more time with --timeout MINUTES)",
        timeout.as_secs()
    )]
    Timeout {
        /// What was waited for.
        what: String,
        /// How long.
        timeout: Duration,
    },
    /// Changes need approval that was not given.
    #[error("{0}")]
    ApprovalRequired(String),
    /// The Kubernetes side failed.
    #[error("kubernetes ({cluster}): {message}")]
    Kubernetes {
        /// The cluster's id in the assembly (or its name, before the assembly is read).
        cluster: String,
        /// What failed.
        message: String,
    },
    /// Several independent operations failed (each is listed).
    #[error("{} operations failed:\n{}", .0.len(), .0.iter().map(|e| format!("  - {}", e.to_string().replace('\n', "\n    "))).collect::<Vec<_>>().join("\n"))]
    Many(Vec<Error>),
    /// `diff --fail` found differences, or `drift` found drift (not a failure of the tool itself).
    #[error("differences found")]
    Differences,
    /// Preflight found problems before anything was changed; every one is listed.
    #[error(
        "preflight found {} problem{} before changing anything; nothing was changed:\n{}",
        .0.len(),
        if .0.len() == 1 { "" } else { "s" },
        .0.iter().map(|p| format!("  - {}", p.replace('\n', "\n    "))).collect::<Vec<_>>().join("\n")
    )]
    Preflight(Vec<String>),
    /// The run was interrupted (SIGINT, SIGTERM); the message says what was cleaned up and what
    /// goes on in AWS.
    #[error("interrupted: {0}")]
    Interrupted(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Assembly(_) | Error::Preflight(_) => exit::USAGE,
            Error::Interrupted(_) => exit::INTERRUPTED,
            Error::ApprovalRequired(_) => exit::APPROVAL,
            Error::Differences => exit::DIFFERENCES,
            Error::Many(errors) => errors
                .iter()
                .map(Error::exit_code)
                .max_by_key(|c| if *c == exit::FAILED { 100 } else { *c })
                .unwrap_or(exit::FAILED),
            _ => exit::FAILED,
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub(crate) fn kube(cluster: &str, message: impl Into<String>) -> Self {
        Error::Kubernetes { cluster: cluster.to_string(), message: message.into() }
    }

    /// Names the stack an error of a call or a wait belongs to (other errors name it already,
    /// or must keep their exit code).
    pub(crate) fn in_stack(self, stack: &str) -> Self {
        match self {
            e @ (Error::Aws { .. } | Error::RetriesExhausted { .. } | Error::Timeout { .. }) => {
                Error::Stack { stack: stack.to_string(), message: e.to_string() }
            }
            other => other,
        }
    }

    /// Several errors as one (one error stays itself).
    pub(crate) fn many(mut errors: Vec<Error>) -> Self {
        if errors.len() == 1 { errors.remove(0) } else { Error::Many(errors) }
    }
}

impl From<Error> for stackwright_core::Error {
    /// At the facade's boundary: keeps a core error (the program's own diagnostics) as it was,
    /// turns the others into a command's failure with the runtime's exit status, for the
    /// program's entry to print once. `diff --fail`'s differences print nothing (the diff was
    /// the output).
    fn from(e: Error) -> Self {
        use stackwright_core::ExitStatus;
        match e {
            Error::Assembly(inner) => inner,
            Error::Differences => stackwright_core::Error::command(ExitStatus::Differences, "", ""),
            other => {
                let status = match other.exit_code() {
                    exit::USAGE => ExitStatus::Usage,
                    exit::APPROVAL => ExitStatus::ApprovalRequired,
                    exit::DIFFERENCES => ExitStatus::Differences,
                    exit::INTERRUPTED => ExitStatus::Interrupted,
                    _ => ExitStatus::Failure,
                };
                // A message may end with its hint (`…\n  hint: …`): the renderer styles it as one.
                let text = other.to_string();
                let (message, hint) = text.split_once("\n  hint: ").unwrap_or((&text, ""));
                stackwright_core::Error::command(status, message, hint)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_says_what_goes_on_and_what_to_do() {
        let e = Error::Timeout {
            what: "the update of stack dev-web (app-dev-web)".into(),
            timeout: Duration::from_secs(60),
        }
        .in_stack("dev-web");
        assert_eq!(
            e.to_string(),
            "stack dev-web: timed out after 60 s waiting for the update of stack dev-web (app-dev-web); what was \
             started goes on in AWS\n  hint: run the same command again to wait for it and converge (or give it more \
             time with --timeout MINUTES)"
        );
        assert_eq!(e.exit_code(), exit::FAILED);
    }
}
