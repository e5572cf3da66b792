//! The one error type of the synthesis core, and the diagnostics that validation collects.

use std::fmt;
use std::path::PathBuf;

use crate::exit_status::ExitStatus;

/// A result whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything synthesis can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The program describes something invalid; every problem found is listed.
    #[error("{0}")]
    Invalid(Diagnostics),
    /// Writing the cloud assembly failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or directory that could not be written.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// A value could not be serialized (a bug in a construct, not in user input).
    #[error("cannot serialize {what}: {message}")]
    Serialize {
        /// What was being serialized (a template file, an object of a construct).
        what: String,
        /// What the serializer reported.
        message: String,
    },
    /// A command failed for a reason that is not the program's description: a command line
    /// that cannot be parsed, a command this build does not include, a deploy that failed. The
    /// process ends with `status` (see [`ExitStatus`]).
    #[error("{message}")]
    Command {
        /// The exit status the command ends with.
        status: ExitStatus,
        /// What failed; empty when there is nothing to print (`diff --fail`: the differences
        /// were the output).
        message: String,
        /// How to fix it; empty when there is nothing to add.
        hint: String,
    },
}

impl Error {
    /// A single validation problem as an error.
    #[must_use]
    pub fn invalid(path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Invalid(Diagnostics::from(vec![Diagnostic::new(path, message, hint)]))
    }

    /// A command's failure that ends the process with `status` (see [`Error::Command`]).
    #[must_use]
    pub fn command(status: ExitStatus, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Command { status, message: message.into(), hint: hint.into() }
    }

    /// The status the process exits with after printing this error: [`ExitStatus::Failure`]
    /// unless a command said otherwise.
    #[must_use]
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Error::Command { status, .. } => *status,
            Error::Invalid(_) | Error::Io { .. } | Error::Serialize { .. } => ExitStatus::Failure,
        }
    }

    /// The diagnostics of an [`Error::Invalid`]; empty for other errors.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid(d) => &d.0,
            _ => &[],
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Invalid(Diagnostics(vec![d]))
    }
}

/// One problem: where it is (a construct path), what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The construct path of what is wrong (or the input, such as `region`, outside the tree).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it; empty when there is nothing to add.
    pub hint: String,
}

impl Diagnostic {
    /// A problem at `path`, with a hint saying how to fix it.
    #[must_use]
    pub fn new(path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Diagnostic { path: path.into(), message: message.into(), hint: hint.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// All problems found at once, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No problem yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem at `path`.
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) {
        self.0.push(Diagnostic::new(path, message, hint));
    }

    /// Records every problem of `other`, in order.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// True when nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of problems recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was recorded, else every problem as one error.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every recorded problem, when there is one.
    pub fn into_result<T>(self, value: T) -> Result<T> {
        if self.0.is_empty() { Ok(value) } else { Err(Error::Invalid(self)) }
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "{n} problem{} found:", if n == 1 { "" } else { "s" })?;
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  - {d}")?;
        }
        Ok(())
    }
}
