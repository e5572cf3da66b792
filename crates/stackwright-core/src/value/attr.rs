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
