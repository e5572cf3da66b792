//! The JSON shape of a template, in the order CloudFormation documents its sections. Only
//! synth writes it: users and constructs describe templates with the tree, never with these.

use indexmap::IndexMap;
use serde::Serialize;

use crate::template::{DeletionPolicy, ParameterDef};

/// The JSON form of a template, in the order CloudFormation documents its sections.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct TemplateJson<'a> {
    #[serde(rename = "AWSTemplateFormatVersion")]
    pub(super) format_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) description: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(super) parameters: &'a IndexMap<String, ParameterJson>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(super) conditions: &'a IndexMap<String, serde_json::Value>,
    pub(super) resources: &'a IndexMap<String, ResourceJson>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub(super) outputs: &'a IndexMap<String, OutputJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ParameterJson {
    #[serde(rename = "Type")]
    pub(super) kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) default: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) allowed_values: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) no_echo: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ResourceJson {
    #[serde(rename = "Type")]
    pub(super) kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) condition: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) deletion_policy: Option<DeletionPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) update_replace_policy: Option<DeletionPolicy>,
    pub(super) metadata: IndexMap<String, serde_json::Value>,
    pub(super) properties: serde_json::Value,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct OutputJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) description: Option<String>,
    pub(super) value: serde_json::Value,
}

impl From<&ParameterDef> for ParameterJson {
    fn from(p: &ParameterDef) -> Self {
        ParameterJson {
            kind: p.kind.clone(),
            description: p.description.clone(),
            default: p.default.clone(),
            allowed_values: p.allowed_values.clone(),
            no_echo: p.no_echo,
        }
    }
}
