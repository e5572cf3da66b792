//! Helpers the generated code is built from: the property map builder every `ToValue` uses,
//! and the typed `Fn::GetAtt` every attribute getter returns.

use std::collections::BTreeMap;

use stackwright_core::{Attr, NodeRef, ToValue, Value};

/// Collects the properties of a resource or property type, leaving out unset ones, in the order
/// they are added (the generated code adds them by name, so templates are stable).
pub(crate) struct Props(Vec<(&'static str, Value)>);

impl Props {
    /// An empty map with room for `n` properties (the type's property count).
    pub(crate) fn with_capacity(n: usize) -> Self {
        Props(Vec::with_capacity(n))
    }

    /// A required property.
    pub(crate) fn req<T: ToValue + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        self.0.push((name, value.to_value()));
        self
    }

    /// An optional property: left out when unset.
    pub(crate) fn opt<T: ToValue + ?Sized>(self, name: &'static str, value: Option<&T>) -> Self {
        match value {
            Some(v) => self.req(name, v),
            None => self,
        }
    }

    /// A map property (`patternProperties`), in key order.
    pub(crate) fn map<T: ToValue>(mut self, name: &'static str, value: Option<&BTreeMap<String, T>>) -> Self {
        if let Some(map) = value {
            let entries = map.iter().map(|(k, v)| (k.as_str(), v.to_value()));
            self.0.push((name, Value::map(entries)));
        }
        self
    }

    /// The collected properties as a template map.
    pub(crate) fn build(self) -> Value {
        Value::map(self.0)
    }
}

/// `Fn::GetAtt` of `attribute` of the resource at `node`.
pub(crate) fn get_att<K>(node: NodeRef, attribute: &str) -> Attr<K> {
    Attr::from_value_unchecked(Value::GetAtt(node, attribute.to_string()))
}
