//! CloudFormation's intrinsic functions, untyped on [`Value`] and typed on [`Val`] where the
//! result type is known.

use super::typed::Val;
use super::{SubPart, Value};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Pseudo;

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
