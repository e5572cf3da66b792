//! Values that may be known only at deploy time: literals, references to resources, pseudo
//! parameters and CloudFormation intrinsic functions.
//!
//! [`Value`] is the untyped tree every property is built from. [`Val<T>`] is the same value
//! with the type CloudFormation expects (`Val<String>`, `Val<i64>`, …), so a number cannot be
//! passed where a string is expected. [`Attr<K>`] is a typed handle to a resource attribute
//! (`Attr<VpcId>`, `Attr<Arn>`): it converts into the `Val` of its representation.
//!
//! A value is rendered only at synth time, in the context of the stack that uses it: a
//! reference to a resource of the same stack becomes `Ref`/`Fn::GetAtt`, a reference to another
//! stack of the same environment becomes a parameter filled from the producer's output.

mod attr;
mod intrinsics;
mod typed;

use indexmap::IndexMap;

pub use attr::{Arn, Attr, AttrKind};
pub use typed::Val;

/// Identifies a node of one construct tree. Values hold these instead of logical ids, because
/// logical ids are known only once the whole tree is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeRef {
    pub(crate) tree: u64,
    pub(crate) index: usize,
}

/// CloudFormation pseudo parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::AccountId`: the account the stack is deployed to.
    AccountId,
    /// `AWS::Region`: the region the stack is deployed to.
    Region,
    /// `AWS::Partition`: `aws`, `aws-cn` or `aws-us-gov`, for ARNs that work in every partition.
    Partition,
    /// `AWS::StackName`: the stack's name.
    StackName,
    /// `AWS::StackId`: the stack's ARN.
    StackId,
    /// `AWS::URLSuffix`: `amazonaws.com` (or the partition's own), for service endpoints.
    UrlSuffix,
    /// `AWS::NoValue`: removes the property it is the value of (useful inside `Fn::If`).
    NoValue,
    /// `AWS::NotificationARNs`: the stack's notification topics.
    NotificationArns,
}

impl Pseudo {
    /// The name as written after `Ref`, e.g. `AWS::AccountId`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NoValue => "AWS::NoValue",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
        }
    }
}

/// An untyped property value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value: a property set to it is left out of the template.
    Null,
    /// A literal boolean.
    Bool(bool),
    /// A literal integer.
    Int(i64),
    /// A literal number that is not an integer.
    Float(f64),
    /// A literal string.
    String(String),
    /// A list; `Null` items are left out.
    List(Vec<Value>),
    /// An object, in insertion order; `Null` entries are left out.
    Map(IndexMap<String, Value>),
    /// `Ref` to a resource.
    Ref(NodeRef),
    /// `Fn::GetAtt` of a resource attribute.
    GetAtt(NodeRef, String),
    /// `Ref` to a pseudo parameter.
    Pseudo(Pseudo),
    /// `Ref` to a parameter declared in the template model by name.
    Parameter(String),
    /// `Fn::Sub`: literal text and values, concatenated.
    Sub(Vec<SubPart>),
    /// `Fn::Join`.
    Join(String, Vec<Value>),
    /// `Fn::Select`.
    Select(u32, Box<Value>),
    /// `Fn::Split`.
    Split(String, Box<Value>),
    /// `Fn::GetAZs` of a region (`Value::String("")` for the stack's own region).
    GetAzs(Box<Value>),
    /// `Fn::Cidr`: `count` blocks of `cidr_bits` host bits carved from `block`.
    Cidr {
        /// The block to divide, such as the VPC's CIDR.
        block: Box<Value>,
        /// How many blocks to return.
        count: u32,
        /// The host bits of each block (8 gives a /24 in IPv4).
        cidr_bits: u32,
    },
    /// `Fn::Base64`.
    Base64(Box<Value>),
    /// `Fn::If` on a named condition.
    If(String, Box<Value>, Box<Value>),
    /// `Fn::Equals`, for conditions.
    Equals(Box<Value>, Box<Value>),
    /// `Fn::Not`, for conditions.
    Not(Box<Value>),
    /// `Condition`: a reference to another named condition.
    Condition(String),
}

/// A piece of an `Fn::Sub` string.
#[derive(Debug, Clone, PartialEq)]
pub enum SubPart {
    /// Literal text (a `${` in it is escaped when rendered).
    Text(String),
    /// A value substituted at deploy time.
    Value(Value),
}

impl Value {
    /// A map from pairs, keeping their order.
    pub fn map<K: Into<String>, V: Into<Value>>(pairs: impl IntoIterator<Item = (K, V)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    /// A list from items.
    pub fn list<V: Into<Value>>(items: impl IntoIterator<Item = V>) -> Value {
        Value::List(items.into_iter().map(Into::into).collect())
    }

    /// Calls `f` on every resource this value refers to (for dependencies and cross-stack
    /// wiring).
    pub fn visit_refs(&self, f: &mut impl FnMut(NodeRef)) {
        match self {
            Value::Ref(n) | Value::GetAtt(n, _) => f(*n),
            Value::List(items) | Value::Join(_, items) => items.iter().for_each(|v| v.visit_refs(f)),
            Value::Map(m) => m.values().for_each(|v| v.visit_refs(f)),
            Value::Sub(parts) => parts.iter().for_each(|p| {
                if let SubPart::Value(v) = p {
                    v.visit_refs(f)
                }
            }),
            Value::Select(_, v) | Value::Split(_, v) | Value::GetAzs(v) | Value::Base64(v) | Value::Not(v) => {
                v.visit_refs(f)
            }
            Value::Cidr { block, .. } => block.visit_refs(f),
            Value::If(_, a, b) | Value::Equals(a, b) => {
                a.visit_refs(f);
                b.visit_refs(f);
            }
            Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::String(_)
            | Value::Pseudo(_)
            | Value::Parameter(_)
            | Value::Condition(_) => {}
        }
    }

    /// True when the value is known at synth time (no reference, pseudo parameter or function).
    pub fn is_literal(&self) -> bool {
        match self {
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_) => true,
            Value::List(items) => items.iter().all(Value::is_literal),
            Value::Map(m) => m.values().all(Value::is_literal),
            _ => false,
        }
    }

    /// The string, when this is a literal string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::String(s.clone())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Int(n.into())
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Int(n.into())
    }
}
impl From<u16> for Value {
    fn from(n: u16) -> Self {
        Value::Int(n.into())
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Float(n)
    }
}
impl From<Pseudo> for Value {
    fn from(p: Pseudo) -> Self {
        Value::Pseudo(p)
    }
}
impl<V: Into<Value>> From<Vec<V>> for Value {
    fn from(v: Vec<V>) -> Self {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}
impl<V: Into<Value>> From<Option<V>> for Value {
    fn from(v: Option<V>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => {
                n.as_i64().map_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0)), Value::Int)
            }
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::List(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => Value::Map(o.into_iter().map(|(k, v)| (k, Value::from(v))).collect()),
        }
    }
}

impl From<&str> for SubPart {
    fn from(s: &str) -> Self {
        SubPart::Text(s.to_string())
    }
}
impl From<String> for SubPart {
    fn from(s: String) -> Self {
        SubPart::Text(s)
    }
}
impl From<Value> for SubPart {
    fn from(v: Value) -> Self {
        SubPart::Value(v)
    }
}
impl From<Pseudo> for SubPart {
    fn from(p: Pseudo) -> Self {
        SubPart::Value(Value::Pseudo(p))
    }
}

/// Property types (generated or hand-written) turn themselves into a [`Value`].
pub trait ToValue {
    /// The untyped value, as rendered into the template.
    fn to_value(&self) -> Value;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(ToValue::to_value).collect())
    }
}
impl<T: ToValue> ToValue for IndexMap<String, T> {
    fn to_value(&self) -> Value {
        Value::Map(self.iter().map(|(k, v)| (k.clone(), v.to_value())).collect())
    }
}
