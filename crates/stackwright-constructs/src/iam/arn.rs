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

/// The resource part (`role/ci`, `user/alice`, `root`) of a literal IAM ARN in a 12-digit
/// account, in any partition; `None` when `arn` is not one.
pub(crate) fn iam_resource(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, _region, account, resource] = parts[..] else {
        return None;
    };
    let ok = prefix == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(resource)
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

#[cfg(test)]
mod tests {
    use super::iam_resource;

    #[test]
    fn iam_resource_of_literal_iam_arns_only() {
        assert_eq!(iam_resource("arn:aws:iam::123456789012:role/ci"), Some("role/ci"));
        assert_eq!(iam_resource("arn:aws-cn:iam::123456789012:root"), Some("root"));
        assert_eq!(iam_resource("arn:aws:iam::123456789012:role/path/with:colon"), Some("role/path/with:colon"));
        assert_eq!(iam_resource("arn:aws:s3:::bucket"), None);
        assert_eq!(iam_resource("arn:aws:iam::12345:role/ci"), None);
        assert_eq!(iam_resource("role/ci"), None);
        assert_eq!(iam_resource(""), None);
    }
}
