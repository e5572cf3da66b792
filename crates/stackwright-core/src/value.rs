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

use std::fmt;
use std::marker::PhantomData;

use indexmap::IndexMap;

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
    AccountId,
    Region,
    Partition,
    StackName,
    StackId,
    UrlSuffix,
    NoValue,
    NotificationArns,
}

impl Pseudo {
    /// The name as written after `Ref`, e.g. `AWS::AccountId`.
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
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Value>),
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
        block: Box<Value>,
        count: u32,
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
    Text(String),
    Value(Value),
}

impl Value {
    /// `Fn::Sub` from pieces: `Value::sub(["arn:", Pseudo::Partition.into(), ":s3:::bucket"])`
    /// reads better with the [`sub!`](crate::sub) macro.
    pub fn sub(parts: impl IntoIterator<Item = SubPart>) -> Value {
        Value::Sub(parts.into_iter().collect())
    }

    /// `Fn::Join` with a delimiter.
    pub fn join(delimiter: &str, items: impl IntoIterator<Item = Value>) -> Value {
        Value::Join(delimiter.to_string(), items.into_iter().collect())
    }

    /// `Fn::Select` of item `index`.
    pub fn select(index: u32, list: impl Into<Value>) -> Value {
        Value::Select(index, Box::new(list.into()))
    }

    /// `Fn::GetAZs` of the stack's own region.
    pub fn azs() -> Value {
        Value::GetAzs(Box::new(Value::String(String::new())))
    }

    /// `Fn::Cidr`.
    pub fn cidr(block: impl Into<Value>, count: u32, cidr_bits: u32) -> Value {
        Value::Cidr { block: Box::new(block.into()), count, cidr_bits }
    }

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
impl<K> From<Attr<K>> for SubPart {
    fn from(a: Attr<K>) -> Self {
        SubPart::Value(a.value)
    }
}
impl<K> From<&Attr<K>> for SubPart {
    fn from(a: &Attr<K>) -> Self {
        SubPart::Value(a.value.clone())
    }
}
impl<T> From<Val<T>> for SubPart {
    fn from(v: Val<T>) -> Self {
        SubPart::Value(v.value)
    }
}

/// Builds an `Fn::Sub` value from literal text and values, in order.
///
/// ```
/// use stackwright_core::{sub, Pseudo, Value};
/// let arn = sub!("arn:", Pseudo::Partition, ":iam::", Pseudo::AccountId, ":root");
/// assert!(matches!(arn, Value::Sub(_)));
/// ```
#[macro_export]
macro_rules! sub {
    ($($part:expr),+ $(,)?) => {
        $crate::Value::sub([$($crate::SubPart::from($part)),+])
    };
}

/// A value with the type CloudFormation expects for a property (`String`, `i64`, `bool`,
/// `f64`, `Vec<String>`, or a property type). Literals convert with `.into()`; so do
/// [`Attr`]s of a matching kind.
pub struct Val<T> {
    value: Value,
    _type: PhantomData<fn() -> T>,
}

impl<T> Val<T> {
    /// Wraps an untyped value. Prefer the `From` conversions: this one skips the type check.
    pub fn unchecked(value: Value) -> Self {
        Val { value, _type: PhantomData }
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn into_value(self) -> Value {
        self.value
    }
}

/// Typed intrinsic functions: the functions whose result type is known.
impl Val<String> {
    /// `Fn::Sub` (see the [`sub!`](crate::sub) macro for the pieces).
    pub fn sub(parts: impl IntoIterator<Item = SubPart>) -> Self {
        Val::unchecked(Value::sub(parts))
    }

    /// `Fn::Join` of strings.
    pub fn join(delimiter: &str, items: impl IntoIterator<Item = Val<String>>) -> Self {
        Val::unchecked(Value::join(delimiter, items.into_iter().map(Val::into_value)))
    }

    /// `Fn::Select` of one item of a list.
    pub fn select(index: u32, list: impl Into<Val<Vec<String>>>) -> Self {
        Val::unchecked(Value::select(index, list.into().into_value()))
    }

    /// `Fn::Base64`.
    pub fn base64(text: impl Into<Val<String>>) -> Self {
        Val::unchecked(Value::Base64(Box::new(text.into().into_value())))
    }
}

impl Val<Vec<String>> {
    /// `Fn::GetAZs` of the stack's own region.
    pub fn azs() -> Self {
        Val::unchecked(Value::azs())
    }

    /// `Fn::Cidr`: `count` blocks with `cidr_bits` host bits each, carved from `block`.
    pub fn cidr(block: impl Into<Val<String>>, count: u32, cidr_bits: u32) -> Self {
        Val::unchecked(Value::cidr(block.into().into_value(), count, cidr_bits))
    }

    /// `Fn::Split`.
    pub fn split(delimiter: &str, source: impl Into<Val<String>>) -> Self {
        Val::unchecked(Value::Split(delimiter.to_string(), Box::new(source.into().into_value())))
    }

    /// A list of typed strings, literal or not.
    pub fn of(items: impl IntoIterator<Item = Val<String>>) -> Self {
        Val::unchecked(Value::List(items.into_iter().map(Val::into_value).collect()))
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

/// What an attribute kind is represented as in CloudFormation.
pub trait AttrKind {
    /// `String`, `i64`, `bool` or `Vec<String>`.
    type Repr;
}

impl AttrKind for String {
    type Repr = String;
}
impl AttrKind for i64 {
    type Repr = i64;
}
impl AttrKind for bool {
    type Repr = bool;
}
impl AttrKind for Vec<String> {
    type Repr = Vec<String>;
}

/// Declares marker types for string-valued attributes, so that a subnet id cannot be passed
/// where a VPC id is wanted.
#[macro_export]
macro_rules! string_kinds {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {}
        impl $crate::AttrKind for $name {
            type Repr = String;
        }
    )*};
}

string_kinds! {
    /// An Amazon Resource Name.
    Arn,
}

/// A typed handle to a value produced by a resource (`Attr<VpcId>`, `Attr<Arn>`): rendered as
/// `Ref`/`Fn::GetAtt` where used. Get one from a resource; it cannot be made from a string.
pub struct Attr<K> {
    value: Value,
    _kind: PhantomData<fn() -> K>,
}

impl<K> Attr<K> {
    /// A typed handle to any value. Constructs use this to give the values they compute a
    /// kind; pass only values that really are of kind `K`.
    pub fn from_value(value: Value) -> Self {
        Attr { value, _kind: PhantomData }
    }

    /// The same value seen as another kind with the same representation (for example the
    /// generic `Attr<String>` of a generated type as an `Attr<VpcId>`).
    pub fn cast<L>(self) -> Attr<L>
    where
        K: AttrKind,
        L: AttrKind<Repr = K::Repr>,
    {
        Attr::from_value(self.value)
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The value, for a property of the matching type.
    pub fn to_val(&self) -> Val<K::Repr>
    where
        K: AttrKind,
    {
        Val::unchecked(self.value.clone())
    }
}

impl<K> Clone for Attr<K> {
    fn clone(&self) -> Self {
        Attr::from_value(self.value.clone())
    }
}
impl<K> fmt::Debug for Attr<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attr<{}>({:?})", std::any::type_name::<K>(), self.value)
    }
}
impl<K> PartialEq for Attr<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<K> From<Attr<K>> for Value {
    fn from(a: Attr<K>) -> Self {
        a.value
    }
}
impl<K> From<&Attr<K>> for Value {
    fn from(a: &Attr<K>) -> Self {
        a.value.clone()
    }
}
impl<K: AttrKind> From<Attr<K>> for Val<K::Repr> {
    fn from(a: Attr<K>) -> Self {
        Val::unchecked(a.value)
    }
}
impl<K: AttrKind> From<&Attr<K>> for Val<K::Repr> {
    fn from(a: &Attr<K>) -> Self {
        Val::unchecked(a.value.clone())
    }
}

/// Property types (generated or hand-written) turn themselves into a [`Value`].
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl<T> ToValue for Val<T> {
    fn to_value(&self) -> Value {
        self.value.clone()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_intrinsics_build_the_untyped_functions() {
        let az: Val<String> = Val::select(1, Val::azs());
        assert_eq!(az.value(), &Value::select(1, Value::azs()));
        let subnets = Val::cidr("10.0.0.0/16", 4, 8);
        assert_eq!(subnets.value(), &Value::cidr("10.0.0.0/16", 4, 8));
        let joined = Val::join(",", [Val::from("a"), Val::from(Pseudo::Region)]);
        assert_eq!(joined.value(), &Value::join(",", [Value::from("a"), Value::Pseudo(Pseudo::Region)]));
        let arn = Val::sub([SubPart::from("arn:"), SubPart::from(Pseudo::Partition)]);
        assert!(matches!(arn.value(), Value::Sub(parts) if parts.len() == 2));
    }
}
