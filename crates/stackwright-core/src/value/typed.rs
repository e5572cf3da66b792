//! [`Val<T>`]: a value with the type CloudFormation expects for a property.

use std::fmt;
use std::marker::PhantomData;

use super::{Pseudo, SubPart, ToValue, Value};

/// A value with the type CloudFormation expects for a property (`String`, `i64`, `bool`,
/// `f64`, `Vec<String>`, or a property type). Literals convert with `.into()`; so do
/// [`Attr`](super::Attr)s of a matching kind.
pub struct Val<T> {
    value: Value,
    _type: PhantomData<fn() -> T>,
}

impl<T> Val<T> {
    /// Wraps an untyped value. Prefer the `From` conversions: this one skips the type check.
    #[must_use]
    pub fn unchecked(value: Value) -> Self {
        Val { value, _type: PhantomData }
    }

    /// The untyped value.
    #[must_use]
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The untyped value, without a copy.
    #[must_use]
    pub fn into_value(self) -> Value {
        self.value
    }
}

impl<T> Clone for Val<T> {
    fn clone(&self) -> Self {
        Val::unchecked(self.value.clone())
    }
}
impl<T> fmt::Debug for Val<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}
impl<T> PartialEq for Val<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T> From<Val<T>> for Value {
    fn from(v: Val<T>) -> Self {
        v.value
    }
}

impl From<&str> for Val<String> {
    fn from(s: &str) -> Self {
        Val::unchecked(s.into())
    }
}
impl From<String> for Val<String> {
    fn from(s: String) -> Self {
        Val::unchecked(s.into())
    }
}
impl From<&String> for Val<String> {
    fn from(s: &String) -> Self {
        Val::unchecked(s.into())
    }
}
impl From<Pseudo> for Val<String> {
    fn from(p: Pseudo) -> Self {
        Val::unchecked(p.into())
    }
}
impl From<bool> for Val<bool> {
    fn from(b: bool) -> Self {
        Val::unchecked(b.into())
    }
}
impl From<i64> for Val<i64> {
    fn from(n: i64) -> Self {
        Val::unchecked(n.into())
    }
}
impl From<i32> for Val<i64> {
    fn from(n: i32) -> Self {
        Val::unchecked(n.into())
    }
}
impl From<u32> for Val<i64> {
    fn from(n: u32) -> Self {
        Val::unchecked(n.into())
    }
}
impl From<u16> for Val<i64> {
    fn from(n: u16) -> Self {
        Val::unchecked(n.into())
    }
}
impl From<f64> for Val<f64> {
    fn from(n: f64) -> Self {
        Val::unchecked(n.into())
    }
}
impl From<i64> for Val<f64> {
    fn from(n: i64) -> Self {
        Val::unchecked(Value::Int(n))
    }
}
impl<T> From<Vec<T>> for Val<Vec<String>>
where
    T: Into<Val<String>>,
{
    fn from(items: Vec<T>) -> Self {
        Val::unchecked(Value::List(items.into_iter().map(|i| i.into().value).collect()))
    }
}
impl<const N: usize> From<[&str; N]> for Val<Vec<String>> {
    fn from(items: [&str; N]) -> Self {
        Val::unchecked(Value::list(items))
    }
}

impl<T> From<Val<T>> for SubPart {
    fn from(v: Val<T>) -> Self {
        SubPart::Value(v.value)
    }
}

impl<T> ToValue for Val<T> {
    fn to_value(&self) -> Value {
        self.value.clone()
    }
}
