//! The common tag shape, shared by every generated type whose schema has a `{Key, Value}` tag
//! definition, so that one `Tag` works for all of them.

use stackwright_core::{ToValue, Val, Value};

/// A `{ "Key": …, "Value": … }` tag, the shape most resource types take in `Tags`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// `Key`: the tag's name.
    pub key: Val<String>,
    /// `Value`: the tag's value.
    pub value: Val<String>,
}

impl Tag {
    /// A tag with `key` and `value`, each a literal or a template value (`Attr`, parameter).
    #[must_use]
    pub fn new(key: impl Into<Val<String>>, value: impl Into<Val<String>>) -> Self {
        Tag { key: key.into(), value: value.into() }
    }
}

impl ToValue for Tag {
    fn to_value(&self) -> Value {
        Value::map([("Key", self.key.to_value()), ("Value", self.value.to_value())])
    }
}
