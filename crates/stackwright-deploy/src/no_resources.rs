//! Stacks without CloudFormation resources. CloudFormation refuses a template without any, and
//! synth allows one only where it holds the Kubernetes objects of a cluster the program refers
//! to (`EksCluster::from_attributes`: the cluster exists, the stack only carries its objects).
//! Such a stack is never sent to CloudFormation: deploy applies its cluster's objects, and its
//! outputs — the cluster's connection, literal values — are read from the template itself.
//!
//! As with CDK, which skips a stack without resources, nothing is created for it; unlike CDK,
//! deploy never deletes a CloudFormation stack of that name that exists from an earlier
//! program: preflight refuses, and the user destroys it on purpose.

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// Whether `template` declares no resource (a stack CloudFormation would refuse).
pub(crate) fn has_no_resources(template: &Json) -> bool {
    template.get("Resources").and_then(Json::as_object).is_none_or(serde_json::Map::is_empty)
}

/// The outputs of a stack without resources, evaluated from its template: each output's value
/// is a literal string, or a `Ref` to one of the stack's `parameters` (filled from the outputs
/// of the stacks it depends on).
///
/// # Errors
/// The outputs that are neither (no resource exists to compute them), one line each.
pub(crate) fn outputs(
    template: &Json,
    parameters: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let mut values = BTreeMap::new();
    let mut problems = Vec::new();
    let declared = template.get("Outputs").and_then(Json::as_object);
    for (name, output) in declared.into_iter().flatten() {
        match output.get("Value") {
            Some(Json::String(literal)) => {
                values.insert(name.clone(), literal.clone());
            }
            Some(Json::Object(o)) if o.len() == 1 && o.get("Ref").and_then(Json::as_str).is_some() => {
                let parameter = o["Ref"].as_str().unwrap_or_default();
                match parameters.get(parameter) {
                    Some(v) => {
                        values.insert(name.clone(), v.clone());
                    }
                    None => problems.push(format!("output {name} refers to parameter {parameter}, which has no value")),
                }
            }
            other => problems.push(format!(
                "output {name} is {}, which only CloudFormation can compute (and the stack has no resources, so it is \
                 not sent to CloudFormation)",
                other.map_or_else(|| "missing its Value".to_string(), |v| format!("`{v}`"))
            )),
        }
    }
    if problems.is_empty() { Ok(values) } else { Err(problems.join("; ")) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_template_without_resources_is_recognised() {
        assert!(has_no_resources(&json!({"Outputs": {}})));
        assert!(has_no_resources(&json!({"Resources": {}})));
        assert!(!has_no_resources(&json!({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}})));
    }

    #[test]
    fn literal_and_parameter_outputs_are_evaluated_others_refused() {
        let template = json!({
            "Parameters": {"RoleArn": {"Type": "String"}},
            "Outputs": {
                "MainEndpoint": {"Value": "https://ABC.gr7.eu-central-1.eks.amazonaws.com"},
                "Role": {"Value": {"Ref": "RoleArn"}}
            }
        });
        let parameters = BTreeMap::from([("RoleArn".to_string(), "arn:aws:iam::1:role/r".to_string())]);
        let got = outputs(&template, &parameters).unwrap();
        assert_eq!(got["MainEndpoint"], "https://ABC.gr7.eu-central-1.eks.amazonaws.com");
        assert_eq!(got["Role"], "arn:aws:iam::1:role/r");
        let missing = outputs(&template, &BTreeMap::new()).unwrap_err();
        assert!(missing.contains("output Role refers to parameter RoleArn, which has no value"), "{missing}");
        let computed = json!({"Outputs": {"Id": {"Value": {"Fn::GetAtt": ["X", "Arn"]}}}});
        let refused = outputs(&computed, &BTreeMap::new()).unwrap_err();
        assert!(
            refused.contains("output Id is `{\"Fn::GetAtt\":[\"X\",\"Arn\"]}`, which only CloudFormation"),
            "{refused}"
        );
    }
}
