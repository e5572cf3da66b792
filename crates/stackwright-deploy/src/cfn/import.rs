//! Importing existing resources into a stack: the plan (which template the `IMPORT` change set
//! carries, and whether an update must follow) and the change set itself.
//!
//! CloudFormation's import change set may only add the imported resources: it cannot create,
//! change or delete anything else in the same operation. So a deploy that imports and also
//! changes other resources runs in two steps: an `IMPORT` change set whose template is the
//! deployed one (an empty one for a new stack) plus the imported resources exactly as the
//! program declares them, then a normal update to the program's template. The plan is
//! computed from the templates alone, before anything is sent, and refuses what cannot work
//! (an imported resource without a `DeletionPolicy`, of a type CloudFormation cannot import,
//! or referring to a resource that does not exist yet).

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::{Capability, ChangeSetType, ResourceToImport};
use serde_json::{Map, Value as Json};
use stackwright_core::assembly::ImportEntry;
use stackwright_core::cfn_support;

use super::change_set::{parameter_list, tags};
use super::orphans::change_set_name;
use super::template::{MAX_TEMPLATE_BODY, inline_body};
use super::{Engine, ResourceChange};
use crate::error::Result;

/// What a deploy that imports does first.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// The template of the `IMPORT` change set.
    pub template: Json,
    /// The resources it imports (those not in the deployed stack yet), in declaration order.
    pub resources: Vec<ImportEntry>,
    /// Whether the program's template differs from the import template: an update follows.
    pub then_update: bool,
}

/// The import step of a deploy of `local`, given the `deployed` template (`None` for a new
/// stack); `Ok(None)` when every declared import is in the deployed stack already.
///
/// # Errors
/// Every problem at once, one line each with the resource's path and a fix.
pub fn import_plan(
    deployed: Option<&Json>,
    local: &Json,
    imports: &[ImportEntry],
) -> Result<Option<ImportPlan>, String> {
    let deployed_resources = deployed.and_then(|d| d.get("Resources")).and_then(Json::as_object);
    let pending: Vec<&ImportEntry> =
        imports.iter().filter(|i| !deployed_resources.is_some_and(|r| r.contains_key(&i.logical_id))).collect();
    if pending.is_empty() {
        return Ok(None);
    }
    let mut template = match deployed {
        Some(d) if !d.is_object() => {
            return Err(
                "the deployed template is not a JSON object: CloudFormation's GetTemplate answer cannot be read".into(),
            );
        }
        Some(d) => d.clone(),
        None => {
            let mut t = Map::new();
            t.insert("AWSTemplateFormatVersion".into(), "2010-09-09".into());
            if let Some(description) = local.get("Description") {
                t.insert("Description".into(), description.clone());
            }
            t.insert("Resources".into(), Json::Object(Map::new()));
            Json::Object(t)
        }
    };
    let mut problems = Vec::new();
    let local_resources = local.get("Resources").and_then(Json::as_object).cloned().unwrap_or_default();
    let local_parameters = local.get("Parameters").and_then(Json::as_object).cloned().unwrap_or_default();
    for entry in &pending {
        let Some(resource) = local_resources.get(&entry.logical_id) else {
            problems.push(format!("{}: the imported resource {} is not in the template", entry.path, entry.logical_id));
            continue;
        };
        if resource.get("DeletionPolicy").is_none() {
            problems.push(format!(
                "{}: an imported resource needs a DeletionPolicy\n  hint: set_deletion_policy(DeletionPolicy::Retain), \
                 synthesize and deploy again",
                entry.path
            ));
        }
        if let Err(reason) = cfn_support::check_importable(&entry.resource_type) {
            problems.push(format!("{}: the resource cannot be imported: {reason}", entry.path));
        }
        let mut refs = Vec::new();
        references(resource, &mut refs);
        for target in refs {
            if target.starts_with("AWS::") {
                continue;
            }
            let in_template = template["Resources"].get(&target).is_some()
                || pending.iter().any(|p| p.logical_id == target)
                || template.get("Parameters").and_then(|p| p.get(&target)).is_some();
            if in_template {
                continue;
            }
            if let Some(parameter) = local_parameters.get(&target)
                && let Some(object) = template.as_object_mut()
            {
                // An object: the deployed one was checked above, the new one is built as one.
                let parameters = object.entry("Parameters").or_insert_with(|| Json::Object(Map::new()));
                parameters[&target] = parameter.clone();
            } else {
                problems.push(format!(
                    "{}: the imported resource refers to {target}, which is not deployed yet: an import change set \
                     cannot create it\n  hint: deploy the program without the import first (so {target} exists), \
                     then declare the import",
                    entry.path
                ));
            }
        }
        template["Resources"][&entry.logical_id] = resource.clone();
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let then_update = &template != local;
    Ok(Some(ImportPlan { template, resources: pending.into_iter().cloned().collect(), then_update }))
}

/// The logical ids and parameters `value` refers to (`Ref`, `Fn::GetAtt`, `${…}` in
/// `Fn::Sub`).
pub(crate) fn references(value: &Json, out: &mut Vec<String>) {
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("Ref", Json::String(target)) => out.push(target.clone()),
                    ("Fn::GetAtt", Json::Array(parts)) => {
                        out.extend(parts.first().and_then(Json::as_str).map(str::to_string));
                    }
                    ("Fn::GetAtt", Json::String(dotted)) => {
                        out.extend(dotted.split('.').next().map(str::to_string));
                    }
                    ("Fn::Sub", sub) => {
                        let text = match sub {
                            Json::String(s) => s.as_str(),
                            Json::Array(a) => a.first().and_then(Json::as_str).unwrap_or_default(),
                            _ => "",
                        };
                        for part in text.split("${").skip(1) {
                            if let Some((name, _)) = part.split_once('}')
                                && !name.starts_with('!')
                            {
                                out.push(name.split('.').next().unwrap_or(name).to_string());
                            }
                        }
                        references(sub, out);
                    }
                    _ => references(v, out),
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|i| references(i, out)),
        _ => {}
    }
}

/// The `ResourcesToImport` of a change set.
pub(crate) fn resources_to_import(plan: &ImportPlan) -> Vec<ResourceToImport> {
    plan.resources
        .iter()
        .map(|r| {
            ResourceToImport::builder()
                .resource_type(&r.resource_type)
                .logical_resource_id(&r.logical_id)
                .set_resource_identifier(Some(r.identifier.clone().into_iter().collect()))
                .build()
        })
        .collect()
}

/// The parameters of the import template among those the program's template takes
/// (CloudFormation refuses a parameter the template does not declare).
pub(crate) fn import_parameters(plan: &ImportPlan, parameters: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let declared = plan.template.get("Parameters").and_then(Json::as_object);
    parameters
        .iter()
        .filter(|(k, _)| declared.is_some_and(|d| d.contains_key(*k)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl Engine<'_> {
    /// Creates the `IMPORT` change set of `plan` and waits for it: its id and changes (one
    /// `Import` per resource).
    ///
    /// # Errors
    ///
    /// [`Error::Stack`](crate::error::Error::Stack) when CloudFormation refuses the change set or it fails (the resource
    /// does not exist, its identifier is wrong, it belongs to another stack: the reason says);
    /// [`Error::Timeout`](crate::error::Error::Timeout) and the errors of the calls.
    pub async fn create_import_change_set(
        &self,
        plan: &ImportPlan,
        parameters: &BTreeMap<String, String>,
    ) -> Result<(String, Vec<ResourceChange>)> {
        let body = serde_json::to_string(&plan.template)
            .map_err(|e| self.fail(format!("the import template cannot be serialized: {e}")))?;
        let body = inline_body(&body).map_err(|size| {
            self.fail(format!(
                "the import template is {size} bytes; CloudFormation takes at most {MAX_TEMPLATE_BODY} inline"
            ))
        })?;
        let name = change_set_name();
        let params = parameter_list(&import_parameters(plan, parameters));
        let resources = resources_to_import(plan);
        let tags = tags(self.entry);
        self.ledger.created(self.cfn(), &self.entry.id, self.name(), &name, false);
        let created = self
            .call("CreateChangeSet", || {
                self.cfn()
                    .create_change_set()
                    .stack_name(self.name())
                    .change_set_name(&name)
                    .change_set_type(ChangeSetType::Import)
                    .template_body(body.as_str())
                    .set_parameters(Some(params.clone()))
                    .set_tags(Some(tags.clone()))
                    .set_resources_to_import(Some(resources.clone()))
                    .capabilities(Capability::CapabilityIam)
                    .capabilities(Capability::CapabilityNamedIam)
                    .description(format!("stackwright import into {}", self.entry.id))
                    .send()
            })
            .await;
        let id = self.created_id(created.map(|c| c.id), &name)?;
        match self.wait_change_set(id, &name).await? {
            Some(created) => Ok(created),
            None => Err(self.fail(format!(
                "the import change set of {} contained no changes: the resources are imported already",
                self.name()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn import(id: &str, kind: &str, key: &str, value: &str) -> ImportEntry {
        ImportEntry {
            logical_id: id.into(),
            resource_type: kind.into(),
            identifier: [(key.to_string(), value.to_string())].into_iter().collect(),
            path: format!("prod/ci/{id}"),
        }
    }

    fn role(extra: Json) -> Json {
        let mut r = json!({"Type": "AWS::IAM::Role", "DeletionPolicy": "Retain", "Properties": {"RoleName": "legacy"}});
        r["Properties"].as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        r
    }

    #[test]
    fn an_import_into_a_new_stack_carries_only_the_imported_resources_then_an_update_adds_the_rest() {
        let local = json!({"Description": "d", "Parameters": {"VpcId": {"Type": "String"}}, "Resources": {
            "Role": role(json!({"Description": {"Ref": "VpcId"}})),
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        }});
        let imports = [import("Role", "AWS::IAM::Role", "RoleName", "legacy")];
        let plan = import_plan(None, &local, &imports).unwrap().unwrap();
        let resources: Vec<&String> = plan.template["Resources"].as_object().unwrap().keys().collect();
        assert_eq!(resources, ["Role"]);
        assert_eq!(plan.template["Parameters"]["VpcId"]["Type"], "String", "a parameter it uses comes along");
        assert!(plan.then_update, "the topic is created by the update that follows");
        let params: BTreeMap<String, String> =
            [("VpcId".into(), "vpc-1".into()), ("Other".into(), "x".into())].into_iter().collect();
        assert_eq!(import_parameters(&plan, &params).keys().collect::<Vec<_>>(), ["VpcId"]);
        assert_eq!(resources_to_import(&plan)[0].resource_identifier().unwrap()["RoleName"], "legacy");
    }

    #[test]
    fn an_import_alone_needs_no_update_and_a_done_import_no_import() {
        let deployed = json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}}});
        let mut local = deployed.clone();
        local["Resources"]["Role"] = role(json!({}));
        let imports = [import("Role", "AWS::IAM::Role", "RoleName", "legacy")];
        let plan = import_plan(Some(&deployed), &local, &imports).unwrap().unwrap();
        assert_eq!(plan.template, local);
        assert!(!plan.then_update);
        assert_eq!(import_plan(Some(&local), &local, &imports).unwrap(), None, "already imported");
    }

    #[test]
    fn what_cannot_be_imported_is_refused_before_anything_is_sent() {
        let local = json!({"Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "legacy", "PermissionsBoundary": {"Fn::GetAtt": ["Boundary", "PolicyArn"]}}},
            "Boundary": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {}},
            "Policy": {"Type": "AWS::IAM::Policy", "DeletionPolicy": "Retain", "Properties": {}},
        }});
        let imports =
            [import("Role", "AWS::IAM::Role", "RoleName", "legacy"), import("Policy", "AWS::IAM::Policy", "Id", "x")];
        let err = import_plan(None, &local, &imports).unwrap_err();
        assert!(err.contains("prod/ci/Role: an imported resource needs a DeletionPolicy"), "{err}");
        assert!(
            err.contains("prod/ci/Role: the imported resource refers to Boundary, which is not deployed yet"),
            "{err}"
        );
        assert!(
            err.contains(
                "prod/ci/Policy: the resource cannot be imported: CloudFormation cannot import AWS::IAM::Policy"
            ),
            "{err}"
        );
    }

    #[test]
    fn references_are_found_in_refs_getatts_and_subs() {
        let mut out = Vec::new();
        references(
            &json!({"A": {"Ref": "X"}, "B": [{"Fn::GetAtt": "Y.Arn"}], "C": {"Fn::Sub": "${Z.Arn}/${AWS::Region}/${!Literal}"}}),
            &mut out,
        );
        assert_eq!(out, ["X", "Y", "Z", "AWS::Region"]);
    }
}
