//! Matchers: what a property or field should be, written partially ([`Match`]), and values
//! to read back after a match ([`Capture`]).
//!
//! Inside [`Match::object_like`], plain JSON is matched partially all the way down: a JSON
//! object matches an object holding at least its keys (more are fine), a JSON array matches an
//! array of exactly its length, element by element, and a scalar matches an equal scalar.
//! [`Match::exact`] turns partial matching off below it.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use serde_json::Value;

use super::error::{Mismatch, show};

/// What a value should be. Build one with the constructors; plain JSON converts into a
/// matcher (`Match::from(json!(…))`) that matches partially as described in the module docs.
#[derive(Debug, Clone)]
pub struct Match(Kind);

#[derive(Debug, Clone)]
enum Kind {
    /// Partial JSON (objects as subsets, arrays element by element).
    Literal(Value),
    /// Equal, nothing more nor less.
    Exact(Value),
    /// An object with at least these keys, each matching.
    ObjectLike(Vec<(String, Match)>),
    /// An array with elements matching these, in this order (others may sit between).
    ArrayWith(Vec<Match>),
    /// No value.
    Absent,
    /// Any value that is there.
    Anything,
    /// One of these.
    AnyOf(Vec<Match>),
    /// Any value that is there, recorded.
    Capture(Capture),
    /// A matcher built wrongly: it never matches, and says why.
    Invalid(String),
}

impl Match {
    /// Equal to `value`, with no extra key anywhere below.
    #[must_use]
    pub fn exact(value: impl Into<Value>) -> Self {
        Match(Kind::Exact(value.into()))
    }

    /// An object holding at least the keys of `pattern` (a JSON object), each matching
    /// partially; add matchers for more keys with [`with`](Self::with). A `pattern` that is
    /// not a JSON object makes a matcher that fails and says so.
    #[must_use]
    pub fn object_like(pattern: Value) -> Self {
        match pattern {
            Value::Object(map) => Match(Kind::ObjectLike(map.into_iter().map(|(k, v)| (k, Match::from(v))).collect())),
            other => Match(Kind::Invalid(format!("Match::object_like needs a JSON object, not {other}"))),
        }
    }

    /// The same object matcher, with `key` matching `matcher` (replacing what `key` had).
    /// On a matcher that is not [`object_like`](Self::object_like) the result fails and says so.
    #[must_use]
    pub fn with(self, key: &str, matcher: impl Into<Match>) -> Self {
        match self.0 {
            Kind::ObjectLike(mut pairs) => {
                pairs.retain(|(k, _)| k != key);
                pairs.push((key.to_string(), matcher.into()));
                Match(Kind::ObjectLike(pairs))
            }
            Kind::Invalid(why) => Match(Kind::Invalid(why)),
            _ => Match(Kind::Invalid(format!("with(\"{key}\", …) is for a Match::object_like"))),
        }
    }

    /// An array with an element matching each of `items`, in this order; other elements may
    /// come before, between and after.
    #[must_use]
    pub fn array_with<M: Into<Match>>(items: impl IntoIterator<Item = M>) -> Self {
        Match(Kind::ArrayWith(items.into_iter().map(Into::into).collect()))
    }

    /// No value: the key is not there (in an [`object_like`](Self::object_like)).
    #[must_use]
    pub fn absent() -> Self {
        Match(Kind::Absent)
    }

    /// Any value, as long as there is one.
    #[must_use]
    pub fn anything() -> Self {
        Match(Kind::Anything)
    }

    /// A value matching at least one of `alternatives`.
    #[must_use]
    pub fn any_of<M: Into<Match>>(alternatives: impl IntoIterator<Item = M>) -> Self {
        Match(Kind::AnyOf(alternatives.into_iter().map(Into::into).collect()))
    }

    /// Any value that is there, recorded in `capture`.
    #[must_use]
    pub fn capture(capture: &Capture) -> Self {
        Match(Kind::Capture(capture.clone()))
    }

    /// The differences between `found` (at JSON pointer `at`) and this matcher; empty when
    /// it matches.
    pub(crate) fn mismatches(&self, found: Option<&Value>, at: &str) -> Vec<Mismatch> {
        let mut out = Vec::new();
        self.check(found, at, &mut out);
        out
    }

    fn check(&self, found: Option<&Value>, at: &str, out: &mut Vec<Mismatch>) {
        let mut fail = |expected: String| out.push(Mismatch { at: at.to_string(), expected, found: show(found) });
        match &self.0 {
            Kind::Exact(value) => {
                if found != Some(value) {
                    fail(show(Some(value)));
                }
            }
            Kind::Literal(Value::Object(map)) => check_object(map.iter().map(|(k, v)| (k, Literal(v))), found, at, out),
            Kind::Literal(Value::Array(items)) => match found {
                Some(Value::Array(values)) if values.len() == items.len() => {
                    for (i, (item, value)) in items.iter().zip(values).enumerate() {
                        Match(Kind::Literal(item.clone())).check(Some(value), &format!("{at}/{i}"), out);
                    }
                }
                _ => fail(show(Some(&Value::Array(items.clone())))),
            },
            Kind::Literal(value) => {
                if found != Some(value) {
                    fail(show(Some(value)));
                }
            }
            Kind::ObjectLike(pairs) => check_object(pairs.iter().map(|(k, m)| (k, Matcher(m))), found, at, out),
            Kind::ArrayWith(items) => {
                let Some(Value::Array(values)) = found else {
                    return fail(self.to_string());
                };
                let mut next = 0;
                for item in items {
                    match (next..values.len()).find(|&j| item.mismatches(Some(&values[j]), at).is_empty()) {
                        Some(j) => next = j + 1,
                        None => {
                            let expected = format!("an element matching {item} (after index {next})");
                            return fail(expected);
                        }
                    }
                }
            }
            Kind::Absent => {
                if found.is_some() {
                    fail("absent".to_string());
                }
            }
            Kind::Anything => {
                if found.is_none() {
                    fail("any value".to_string());
                }
            }
            Kind::AnyOf(alternatives) => {
                if !alternatives.iter().any(|m| m.mismatches(found, at).is_empty()) {
                    fail(self.to_string());
                }
            }
            Kind::Capture(capture) => match found {
                Some(value) => *capture.0.borrow_mut() = Some(value.clone()),
                None => fail("a value to capture".to_string()),
            },
            Kind::Invalid(why) => fail(format!("(invalid matcher: {why})")),
        }
    }
}

/// One expected entry of an object: partial JSON or a matcher.
enum Entry<'a> {
    Literal(&'a Value),
    Matcher(&'a Match),
}
use Entry::{Literal, Matcher};

fn check_object<'a>(
    entries: impl Iterator<Item = (&'a String, Entry<'a>)>,
    found: Option<&Value>,
    at: &str,
    out: &mut Vec<Mismatch>,
) {
    let Some(Value::Object(object)) = found else {
        out.push(Mismatch { at: at.to_string(), expected: "an object".to_string(), found: show(found) });
        return;
    };
    for (key, entry) in entries {
        let below = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
        match entry {
            Literal(value) => Match(Kind::Literal(value.clone())).check(object.get(key), &below, out),
            Matcher(m) => m.check(object.get(key), &below, out),
        }
    }
}

impl From<Value> for Match {
    fn from(value: Value) -> Self {
        Match(Kind::Literal(value))
    }
}

impl From<&str> for Match {
    fn from(value: &str) -> Self {
        Match(Kind::Literal(Value::from(value)))
    }
}

impl From<&Capture> for Match {
    fn from(capture: &Capture) -> Self {
        Match::capture(capture)
    }
}

fn list(f: &mut fmt::Formatter<'_>, items: &[Match]) -> fmt::Result {
    for (i, m) in items.iter().enumerate() {
        if i > 0 {
            write!(f, ", ")?;
        }
        write!(f, "{m}")?;
    }
    Ok(())
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Literal(v) => write!(f, "{}", show(Some(v))),
            Kind::Exact(v) => write!(f, "exactly {}", show(Some(v))),
            Kind::ObjectLike(pairs) => {
                write!(f, "an object like {{")?;
                for (i, (k, m)) in pairs.iter().enumerate() {
                    write!(f, "{}\"{k}\": {m}", if i > 0 { ", " } else { "" })?;
                }
                write!(f, "}}")
            }
            Kind::ArrayWith(items) => {
                write!(f, "an array with [")?;
                list(f, items)?;
                write!(f, "]")
            }
            Kind::Absent => write!(f, "absent"),
            Kind::Anything => write!(f, "any value"),
            Kind::AnyOf(items) => {
                write!(f, "any of [")?;
                list(f, items)?;
                write!(f, "]")
            }
            Kind::Capture(_) => write!(f, "any value (captured)"),
            Kind::Invalid(why) => write!(f, "(invalid matcher: {why})"),
        }
    }
}

/// A value recorded by [`Match::capture`] during a match, to read back afterwards (an id
/// assigned by synth, a late-bound reference to compare with another resource). After a
/// match that succeeded it holds the value of the matching element; clones share the value.
#[derive(Debug, Clone, Default)]
pub struct Capture(Rc<RefCell<Option<Value>>>);

impl Capture {
    /// An empty capture.
    #[must_use]
    pub fn new() -> Self {
        Capture::default()
    }

    /// The value captured last; `None` before a match.
    #[must_use]
    pub fn value(&self) -> Option<Value> {
        self.0.borrow().clone()
    }

    /// The value captured last when it is a string.
    #[must_use]
    pub fn as_string(&self) -> Option<String> {
        self.0.borrow().as_ref().and_then(Value::as_str).map(str::to_string)
    }
}
