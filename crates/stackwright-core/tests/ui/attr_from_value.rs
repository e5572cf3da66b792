// `Attr::from_value` is crate-private: outside the core, a typed attribute comes from a resource
// (or, visibly, from `Attr::from_value_unchecked`), never from a string.
use stackwright_core::{Arn, Attr, Value};

fn main() {
    let _role: Attr<Arn> = Attr::from_value(Value::from("arn:aws:iam::123456789012:role/web"));
    let _key: Attr<Arn> = "arn:aws:kms:us-east-1:123456789012:key/1".into();
}
