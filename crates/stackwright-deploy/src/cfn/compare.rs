//! How two templates differ, resource by resource: what a diff shows without a change set (a
//! new stack, a stack that cannot take one) and what fills in a change set's gaps (the
//! property names that emulators, and some changes, leave out).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use stackwright_core::assembly::StackEntry;

use super::change_set::{ResourceChange, is_security_property, is_security_type};

fn resources(template: &Json) -> BTreeMap<String, Json> {
    template
        .get("Resources")
        .and_then(Json::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// Resource changes between a deployed template (`None`: a new stack) and the local one.
/// Replacement is only known here when the type changes; the change set knows the rest.
pub fn template_diff(entry: &StackEntry, deployed: Option<&Json>, local: &Json) -> Vec<ResourceChange> {
    let old = deployed.map(resources).unwrap_or_default();
    let new = resources(local);
    let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut changes = Vec::new();
    for id in ids {
        let kind = |r: &Json| r.get("Type").and_then(Json::as_str).unwrap_or("").to_string();
        let (action, resource_type, replacement, properties) = match (old.get(id), new.get(id)) {
            (None, Some(n)) => ("Add", kind(n), None, Vec::new()),
            (Some(o), None) => ("Remove", kind(o), None, Vec::new()),
            (Some(o), Some(n)) if o == n => continue,
            (Some(o), Some(n)) if kind(o) != kind(n) => {
                ("Modify", kind(n), Some("True".to_string()), vec!["Type".to_string()])
            }
            (Some(o), Some(n)) => {
                let empty = serde_json::Map::new();
                let po = o.get("Properties").and_then(Json::as_object).unwrap_or(&empty);
                let pn = n.get("Properties").and_then(Json::as_object).unwrap_or(&empty);
                let keys: BTreeSet<&String> = po.keys().chain(pn.keys()).collect();
                let mut props: Vec<String> = keys.into_iter().filter(|k| po.get(*k) != pn.get(*k)).cloned().collect();
                for attr in ["DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Condition", "Metadata"] {
                    if o.get(attr) != n.get(attr) {
                        props.push(attr.to_string());
                    }
                }
                ("Modify", kind(n), None, props)
            }
            (None, None) => continue,
        };
        let overridden = new.get(id).map(|n| overridden(n, action, &properties)).unwrap_or_default();
        changes.push(ResourceChange {
            overridden,
            security: is_security_type(&resource_type) || properties.iter().any(|p| is_security_property(p)),
            action: action.to_string(),
            path: entry.resources.get(id).map(|r| r.path.clone()),
            logical_id: id.clone(),
            resource_type,
            replacement,
            properties,
        });
    }
    changes
}

/// The override paths (`stackwright:overrides` in the resource's `Metadata`) under the
/// properties that change: all of them for a new resource.
fn overridden(resource: &Json, action: &str, properties: &[String]) -> Vec<String> {
    let Some(paths) = resource.pointer("/Metadata/stackwright:overrides").and_then(Json::as_array) else {
        return Vec::new();
    };
    paths
        .iter()
        .filter_map(Json::as_str)
        .filter(|path| {
            let top = path.split('.').next().unwrap_or(path);
            action == "Add" || properties.iter().any(|p| p == top)
        })
        .map(str::to_string)
        .collect()
}

/// Fills in what a change set left out from the changes `by_template` found: the names of the
/// properties that change, and whether a change is a security change.
pub fn complete(changes: &mut [ResourceChange], by_template: &[ResourceChange]) {
    for c in changes {
        if let Some(t) = by_template.iter().find(|t| t.logical_id == c.logical_id) {
            if c.properties.is_empty() {
                c.properties = t.properties.clone();
            }
            if c.overridden.is_empty() {
                c.overridden = t.overridden.clone();
            }
            c.security |= t.security;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use stackwright_core::assembly::ResourceEntry;

    #[test]
    fn template_diff_finds_adds_removes_modifications_and_security() {
        let mut entry = StackEntry {
            id: "prod-web".into(),
            environment: "prod".into(),
            stack_name: "app-prod-web".into(),
            template: "t.json".into(),
            dependencies: vec![],
            parameters: vec![],
            termination_protection: false,
            tags: Default::default(),
            resources: Default::default(),
            moves: vec![],
            imports: vec![],
        };
        entry
            .resources
            .insert("Sg".into(), ResourceEntry { kind: "AWS::EC2::SecurityGroup".into(), path: "prod/web/Sg".into() });
        let old = json!({"Resources": {
            "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "web", "SecurityGroupIngress": []}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
            "Gone": {"Type": "AWS::SSM::Parameter", "Properties": {"Value": "x"}},
            "Same": {"Type": "AWS::SSM::Parameter", "Properties": {"Value": "y"}},
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30, "LogGroupName": "a"}}
        }});
        let new = json!({"Resources": {
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 731, "LogGroupName": "a"},
                     "Metadata": {"stackwright:overrides": ["RetentionInDays", "LogGroupName"]}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "web", "SecurityGroupIngress": [{"CidrIp": "0.0.0.0/0"}]}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}, "DeletionPolicy": "Retain"},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
            "Same": {"Type": "AWS::SSM::Parameter", "Properties": {"Value": "y"}}
        }});
        let changes = template_diff(&entry, Some(&old), &new);
        let lines: Vec<String> = changes.iter().map(|c| c.line()).collect();
        assert_eq!(
            lines,
            [
                "- Gone (AWS::SSM::Parameter)",
                "~ Logs (AWS::Logs::LogGroup) (RetentionInDays, Metadata) [override: RetentionInDays]",
                "+ Role (AWS::IAM::Role) [SECURITY]",
                "~ Sg (AWS::EC2::SecurityGroup) prod/web/Sg (SecurityGroupIngress) [SECURITY]",
                "~ Topic (AWS::SNS::Topic) (DeletionPolicy)",
            ]
        );
        let all_new = template_diff(&entry, None, &new);
        assert!(all_new.iter().all(|c| c.action == "Add") && all_new.len() == 5);
        let logs = all_new.iter().find(|c| c.logical_id == "Logs").unwrap();
        assert_eq!(logs.overridden, ["RetentionInDays", "LogGroupName"], "a new resource: every override");
    }
}
