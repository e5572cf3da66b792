//! The typed `Fn::GetAtt` getters of a resource type.

use std::collections::BTreeSet;

use serde_json::Value as J;

use super::{AttrDef, description};
use crate::naming::{escape_keyword, snake_case};
use crate::schema::ResourceSchema;

/// Methods of `Resource<T>` and `Construct`, which would hide an attribute getter of the same
/// name behind `Deref`.
const RESOURCE_METHODS: &[&str] = &[
    "add_resource_metadata",
    "get_att",
    "node",
    "reference",
    "set_condition",
    "set_deletion_policy",
    "set_property",
    "set_update_replace_policy",
];

/// `Fn::GetAtt` attributes that are writable properties, so not in `readOnlyProperties`:
/// the ones the CloudFormation reference documents for the allowlisted types (cfn-lint
/// accepts `Fn::GetAtt` of any property of these types).
const WRITABLE_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("AWS::EC2::SecurityGroup", &["VpcId"]),
    ("AWS::EC2::Subnet", &["AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "OutpostArn", "VpcId"]),
    ("AWS::EC2::VPC", &["CidrBlock"]),
    ("AWS::EKS::Nodegroup", &["ClusterName", "NodegroupName"]),
    ("AWS::SNS::Topic", &["TopicName"]),
    ("AWS::SSM::Parameter", &["Type", "Value"]),
];

/// Getters for the read-only properties that `Fn::GetAtt` can return as a scalar or a list of
/// strings. Top-level ones come first and win a name collision.
pub(super) fn attributes(schema: &ResourceSchema<'_>) -> Vec<AttrDef> {
    let mut methods = BTreeSet::new();
    let mut out = Vec::new();
    for parts in attribute_paths(schema) {
        let Some(attribute) = schema.walk(&parts) else {
            continue;
        };
        let Some(kind) = scalar_kind(schema, &attribute) else {
            continue;
        };
        let mut method = parts.iter().map(|p| snake_case(p)).collect::<Vec<_>>().join("_");
        if RESOURCE_METHODS.contains(&method.as_str()) {
            method.push_str("_attr");
        }
        let method = escape_keyword(method);
        if !methods.insert(method.clone()) {
            continue;
        }
        out.push(AttrDef { method, name: parts.join("."), kind: kind.to_string(), doc: description(&attribute) });
    }
    out
}

/// The property paths that may be attributes: the read-only ones outside lists and the
/// writable ones in `WRITABLE_ATTRIBUTES`, top-level ones first, then by name.
fn attribute_paths(schema: &ResourceSchema<'_>) -> Vec<Vec<String>> {
    let mut paths: Vec<Vec<String>> = schema
        .read_only
        .iter()
        .filter_map(|p| p.strip_prefix("/properties/"))
        .map(|p| p.split('/').map(str::to_string).collect::<Vec<_>>())
        .filter(|parts| !parts.iter().any(|p| p == "*"))
        .collect();
    let writable = WRITABLE_ATTRIBUTES
        .iter()
        .filter(|(t, _)| *t == schema.type_name)
        .flat_map(|(_, names)| names.iter())
        .filter(|name| schema.properties.contains_key(**name))
        .map(|name| vec![(*name).to_string()]);
    paths.extend(writable);
    paths.sort_by(|a, b| (a.len() > 1, a).cmp(&(b.len() > 1, b)));
    paths
}

/// The Rust type of an attribute's value, or `None` for a shape `Attr` does not carry.
fn scalar_kind(schema: &ResourceSchema<'_>, attribute: &J) -> Option<&'static str> {
    match attribute.get("type")? {
        J::String(t) => match t.as_str() {
            "string" => Some("String"),
            "integer" => Some("i64"),
            "boolean" => Some("bool"),
            "array" => {
                let items = schema.deref(attribute.get("items")?.clone());
                (items.get("type")? == "string").then_some("Vec<String>")
            }
            _ => None,
        },
        _ => None,
    }
}
