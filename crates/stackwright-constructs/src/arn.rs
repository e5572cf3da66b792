//! ARNs and other strings built from literal text and deploy-time values, rendered as one
//! flat `Fn::Sub`.

use stackwright_core::{Pseudo, SubPart, Value};

/// Concatenates `parts` into one `Fn::Sub`, splicing nested `Fn::Sub` values in place (so
/// that `${Var1}` indirections never appear).
pub(crate) fn concat(parts: impl IntoIterator<Item = SubPart>) -> Value {
    let mut flat = Vec::new();
    for part in parts {
        match part {
            SubPart::Value(Value::Sub(inner)) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    Value::sub(flat)
}

/// `arn:<partition>:<service>:<region>:<account>:<resource…>` in the stack's own partition,
/// region and account.
pub(crate) fn regional(service: &str, resource: impl IntoIterator<Item = SubPart>) -> Value {
    let mut parts: Vec<SubPart> = vec![
        "arn:".into(),
        Pseudo::Partition.into(),
        format!(":{service}:").into(),
        Pseudo::Region.into(),
        ":".into(),
        Pseudo::AccountId.into(),
        ":".into(),
    ];
    parts.extend(resource);
    concat(parts)
}
