//! What is synthesized equals upstream's references recorded in `upstream/`, with the
//! documented narrowings.

use stackwright_core::Region;

use super::*;
use crate::eks::addons::upstream;

/// The statements (0-based) of upstream's policy that stackwright narrows with
/// `aws:RequestedRegion`: those allowing writes on `*` without any condition.
const UPSTREAM_DEVIATIONS: [usize; 5] = [2, 3, 4, 9, 15];

#[test]
fn the_policy_is_upstreams_narrowed_to_the_region() {
    let mut reference = upstream("aws-load-balancer-controller-v3.5.0-iam-policy.json");
    let policy = iam_policy(Region::EuWest1);
    assert!(policy.problems("p").is_empty());
    let mut ours = policy_json(&policy);
    // Remove the one narrowing from ours; what is left must be upstream's policy exactly.
    for (i, statement) in ours["Statement"].as_array_mut().unwrap().iter_mut().enumerate() {
        let deviates = UPSTREAM_DEVIATIONS.contains(&i);
        let condition = statement.as_object_mut().unwrap().remove("Condition");
        if deviates {
            let condition = condition.unwrap();
            let regions = &condition["StringEquals"][REQUESTED_REGION];
            assert!(regions == "eu-west-1" || *regions == serde_json::json!(["eu-west-1", "us-east-1"]), "{regions}");
        } else if let Some(condition) = condition {
            statement.as_object_mut().unwrap().insert("Condition".into(), condition);
        }
    }
    // Upstream writes some single actions as lists; compare the same shape.
    for statement in reference["Statement"].as_array_mut().unwrap() {
        if let Some(actions) = statement["Action"].as_array()
            && actions.len() == 1
        {
            statement["Action"] = actions[0].clone();
        }
    }
    assert_eq!(ours, reference);
}

/// A policy document rendered the way a template holds it (all values here are literals).
fn policy_json(policy: &PolicyDocument) -> serde_json::Value {
    fn literal(value: &Value) -> serde_json::Value {
        match value {
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => serde_json::Value::Array(items.iter().map(literal).collect()),
            Value::Map(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), literal(v))).collect()),
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(n) => serde_json::json!(n),
            other => panic!("not a literal: {other:?}"),
        }
    }
    literal(&policy.to_value())
}

#[test]
fn the_rbac_and_crds_are_upstreams() {
    let reference = upstream("aws-load-balancer-controller-v3.5.0-rbac.json");
    assert_eq!(serde_json::to_value(cluster_role_rules()).unwrap(), reference["ClusterRole"]);
    assert_eq!(serde_json::to_value(role_rules()).unwrap(), reference["Role"]);
    let crds = crds().unwrap();
    // k8s-openapi keeps schema bounds as floats (`1000` reads back as `1000.0`): compare numbers
    // as numbers.
    let ours = numbers_as_floats(serde_json::to_value(&crds).unwrap());
    let reference = numbers_as_floats(upstream("aws-load-balancer-controller-v3.5.0-crds.json"));
    assert!(ours == reference, "the CRDs differ from upstream's");
}

fn numbers_as_floats(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        J::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        J::Array(items) => J::Array(items.into_iter().map(numbers_as_floats).collect()),
        J::Object(m) => J::Object(m.into_iter().map(|(k, v)| (k, numbers_as_floats(v))).collect()),
        other => other,
    }
}
