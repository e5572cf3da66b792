//! What a failed assertion says: where (construct path, object, JSON path), what was expected
//! and what was found.

use std::fmt;

/// One difference between a matcher and a value.
#[derive(Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The JSON pointer of the value inside the resource or object, such as
    /// `/Properties/Tags/0/Value`.
    pub at: String,
    /// What the matcher expected, such as `"10.0.0.0/16"` or `absent`.
    pub expected: String,
    /// What was found there (`absent` when nothing was).
    pub found: String,
}

impl fmt::Debug for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: expected {}, found {}", self.at, self.expected, self.found)
    }
}

/// A candidate that came closest to matching, with what still differs.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Candidate {
    /// The candidate, such as `prod/network/Vpc/Resource (AWS::EC2::VPC Vpc)`.
    pub subject: String,
    /// Its differences from the matcher (the fewest first among candidates).
    pub mismatches: Vec<Mismatch>,
}

/// A platform rule that a resource or object breaks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Violation {
    /// The rule's name, such as `iam-wildcards-have-reasons`.
    pub rule: &'static str,
    /// The resource or object, with its construct path.
    pub subject: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Why an assertion failed. Its `Debug` is its `Display`, so that `.unwrap()` and a test
/// returning `Result<(), AssertionError>` print the whole message.
#[derive(Clone, PartialEq, Eq)]
pub enum AssertionError {
    /// A stack, resource, cluster or object that does not exist.
    NotFound {
        /// What was looked for.
        what: String,
        /// What exists instead (the closest first, at most ten).
        candidates: Vec<String>,
    },
    /// One resource or object that does not match.
    Mismatch {
        /// The resource or object, with its construct path.
        subject: String,
        /// Every difference.
        mismatches: Vec<Mismatch>,
    },
    /// No resource or object of a kind matches.
    NoMatch {
        /// What was looked for, such as `an AWS::EC2::VPC in stack prod-network`.
        what: String,
        /// The matcher, described.
        expected: String,
        /// The closest candidates (at most three), empty when there is none of that kind.
        closest: Vec<Candidate>,
    },
    /// A count that differs.
    Count {
        /// What was counted.
        what: String,
        /// The count expected.
        expected: usize,
        /// What was found, one line each.
        found: Vec<String>,
    },
    /// A file of the assembly that is not what the manifest says.
    Unreadable {
        /// The file, relative to the assembly.
        file: String,
        /// Why.
        message: String,
    },
    /// Platform rules broken.
    Rules(Vec<Violation>),
}

fn write_mismatches(f: &mut fmt::Formatter<'_>, indent: &str, mismatches: &[Mismatch]) -> fmt::Result {
    for m in mismatches {
        writeln!(f)?;
        write!(f, "{indent}at {}: expected {}, found {}", m.at, m.expected, m.found)?;
    }
    Ok(())
}

impl fmt::Display for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssertionError::NotFound { what, candidates } => {
                write!(f, "{what} not found")?;
                if candidates.is_empty() {
                    write!(f, " (there is none)")
                } else {
                    write!(f, "; there is: {}", candidates.join(", "))
                }
            }
            AssertionError::Mismatch { subject, mismatches } => {
                write!(f, "{subject} does not match:")?;
                write_mismatches(f, "  ", mismatches)
            }
            AssertionError::NoMatch { what, expected, closest } => {
                write!(f, "no {what} matches {expected}")?;
                if closest.is_empty() {
                    return write!(f, " (there is none of that kind)");
                }
                write!(f, "\nclosest candidates:")?;
                for c in closest {
                    write!(f, "\n  {}:", c.subject)?;
                    write_mismatches(f, "    ", &c.mismatches)?;
                }
                Ok(())
            }
            AssertionError::Count { what, expected, found } => {
                write!(f, "expected {expected} {what}, found {}", found.len())?;
                for line in found {
                    write!(f, "\n  {line}")?;
                }
                Ok(())
            }
            AssertionError::Unreadable { file, message } => write!(f, "{file}: {message}"),
            AssertionError::Rules(violations) => {
                write!(f, "{} platform rule violation(s):", violations.len())?;
                for v in violations {
                    write!(f, "\n  [{}] {}: {}", v.rule, v.subject, v.message)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for AssertionError {}

/// A value as one line of JSON, cut at 200 characters.
pub(crate) fn show(value: Option<&serde_json::Value>) -> String {
    let Some(value) = value else {
        return "absent".to_string();
    };
    let text = value.to_string();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
