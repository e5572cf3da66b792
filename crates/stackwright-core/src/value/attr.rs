//! [`Attr<K>`]: a typed handle to a value a resource produces, and the [`AttrKind`]s that type
//! it.

use std::fmt;
use std::marker::PhantomData;

use super::typed::Val;
use super::{SubPart, Value};

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
/// `Ref`/`Fn::GetAtt` where used.
///
/// Get one from a resource: the generated getters of `stackwright-cfn` give each attribute the
/// kind listed in that crate's `kinds.txt` (`Attr<VpcId>`, `Attr<Arn>`) or else its schema type
/// (`Attr<String>`, `Attr<Vec<String>>`, `Attr<bool>`), and
/// [`Resource::reference`](crate::Resource::reference) gives the `Ref`, of the kind
/// [`ResourceType::Ref`](crate::ResourceType::Ref) of its type. It cannot be made from
/// a string or any other untyped value except through the visibly unchecked
/// [`from_value_unchecked`](Attr::from_value_unchecked), so a literal cannot pose as the
/// attribute of a resource.
///
/// ```compile_fail
/// use stackwright_core::{Arn, Attr};
/// let arn: Attr<Arn> = "arn:aws:iam::123456789012:role/web".into();
/// ```
pub struct Attr<K> {
    value: Value,
    _kind: PhantomData<fn() -> K>,
}

impl<K> Attr<K> {
    /// The handle of a value the core built from a resource (its `Ref` or an `Fn::GetAtt`).
    /// Crate-private: outside the core, [`from_value_unchecked`](Attr::from_value_unchecked)
    /// says in its name that nothing is checked.
    pub(crate) fn from_value(value: Value) -> Self {
        Attr { value, _kind: PhantomData }
    }

    /// A typed handle to any value, with nothing checked.
    ///
    /// Sound only when `value` really is of kind `K`: a reference to a resource or an attribute
    /// of it (`Value::Ref`, `Value::GetAtt`) whose CloudFormation type matches `K`, or a value
    /// built from such attributes that is one too (an ARN assembled with `Fn::Sub`, for
    /// example). Generated code uses it for the getters whose types come from the schema; a
    /// construct uses it for the values it computes. A wrong kind is not caught: the template
    /// is rendered and CloudFormation rejects (or, worse, accepts) the wrong value.
    #[must_use]
    pub fn from_value_unchecked(value: Value) -> Self {
        Attr::from_value(value)
    }

    /// The same value seen as another kind with the same representation, with nothing
    /// checked: for example the `Attr<String>` of a [`RawResource`](crate::RawResource)
    /// attribute that is a VPC's id, as an `Attr<VpcId>` (the generated getters are typed
    /// already).
    ///
    /// Sound only when the value really is of kind `L` (the attribute is a VPC id, not another
    /// string). The representations must match, so a list cannot become a string.
    #[must_use]
    pub fn cast_unchecked<L>(self) -> Attr<L>
    where
        K: AttrKind,
        L: AttrKind<Repr = K::Repr>,
    {
        Attr::from_value(self.value)
    }

    /// The untyped value, to build other values with.
    #[must_use]
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
