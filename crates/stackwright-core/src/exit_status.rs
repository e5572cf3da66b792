//! The statuses a stackwright program ends with: one enum for the facade's command line and the
//! deploy runtime, so that CI reads the same code for the same outcome whatever the path.

use std::process::ExitCode;

/// The status a stackwright program (or the `stackwright-deploy` binary) exits with, for CI to
/// act on. `docs/exit-status.md` holds the same table; a test compares the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExitStatus {
    /// Everything succeeded (`diff`: also when there are differences, unless `--fail`).
    Success,
    /// The program is invalid (every problem was printed with its construct path and hint; with
    /// `--strict`, also when synth has warnings), the assembly could not be written, or a deploy,
    /// destroy, AWS or Kubernetes call failed.
    Failure,
    /// The command line is invalid, the assembly to deploy is missing or unreadable, or the
    /// command is not in this build (`diff`, `deploy`, `destroy` without the `deploy` feature).
    Usage,
    /// A change needs approval or confirmation that was not given (no terminal and no `--yes`,
    /// or answered no); nothing was executed.
    ApprovalRequired,
    /// `diff --fail` found differences, or `drift` found drift.
    Differences,
    /// Interrupted (Ctrl-C, SIGTERM): what the run had created and never executed was deleted;
    /// operations already started go on in AWS (the message lists them). 128 + SIGINT, as shells
    /// report an interrupted command.
    Interrupted,
}

impl ExitStatus {
    /// Every status, in the order of their codes.
    pub const ALL: [ExitStatus; 6] = [
        ExitStatus::Success,
        ExitStatus::Failure,
        ExitStatus::Usage,
        ExitStatus::ApprovalRequired,
        ExitStatus::Differences,
        ExitStatus::Interrupted,
    ];

    /// The process exit code.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
            ExitStatus::ApprovalRequired => 3,
            ExitStatus::Differences => 4,
            ExitStatus::Interrupted => 130,
        }
    }

    /// What the status means, one line (the documentation's table says the same).
    #[must_use]
    pub const fn meaning(self) -> &'static str {
        match self {
            ExitStatus::Success => "success (`diff`: also with differences, unless `--fail`)",
            ExitStatus::Failure => {
                "the program is invalid (every problem printed with its construct path or value, and a hint; \
                 with `--strict`, also when synth has warnings), the assembly could not be written, or a deploy, \
                 destroy, AWS or Kubernetes call failed"
            }
            ExitStatus::Usage => {
                "usage error: the command line is invalid, the assembly to deploy is missing or unreadable, \
                 or the command is not in this build (`diff`, `deploy`, `destroy` need `--features deploy`)"
            }
            ExitStatus::ApprovalRequired => {
                "approval or confirmation needed and not given (`--yes`, `--require-approval never`); nothing was executed"
            }
            ExitStatus::Differences => {
                "`diff --fail` found differences, or `drift` found resources or Kubernetes objects changed \
                 behind the program's back"
            }
            ExitStatus::Interrupted => {
                "interrupted (Ctrl-C, SIGTERM): change sets this run created and never executed were deleted; \
                 operations already started go on in AWS, and the message lists them"
            }
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}
