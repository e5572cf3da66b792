//! The CloudFormation template model: what a stack holds besides its resources, and the JSON
//! shape synth writes.

use indexmap::IndexMap;
use serde::Serialize;

use crate::value::Value;

/// What happens to a resource's physical object when the resource is deleted or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DeletionPolicy {
    Delete,
    Retain,
    Snapshot,
    RetainExceptOnCreate,
}

/// A template parameter declared by a construct or user (cross-stack parameters are added by
/// synth, not declared).
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterDef {
    /// CloudFormation parameter type, such as `String` or `AWS::EC2::VPC::Id`.
    pub kind: String,
    pub description: Option<String>,
    pub default: Option<serde_json::Value>,
    pub allowed_values: Vec<String>,
    pub no_echo: bool,
}

impl ParameterDef {
    /// A `String` parameter.
    pub fn string() -> Self {
        ParameterDef {
            kind: "String".into(),
            description: None,
            default: None,
            allowed_values: Vec::new(),
            no_echo: false,
        }
    }

    pub fn with_description(mut self, description: &str) -> Self {
        self.description = Some(description.into());
        self
    }

    pub fn with_default(mut self, default: impl Into<serde_json::Value>) -> Self {
        self.default = Some(default.into());
        self
    }
}

/// A stack output.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputDef {
    pub value: Value,
    pub description: Option<String>,
}

/// The JSON form of a template, in the order CloudFormation documents its sections.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateJson {
    #[serde(rename = "AWSTemplateFormatVersion")]
    pub format_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub parameters: IndexMap<String, ParameterJson>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub conditions: IndexMap<String, serde_json::Value>,
    pub resources: IndexMap<String, ResourceJson>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub outputs: IndexMap<String, OutputJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterJson {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_values: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_echo: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceJson {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<DeletionPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<DeletionPolicy>,
    pub metadata: IndexMap<String, serde_json::Value>,
    pub properties: serde_json::Value,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutputJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub value: serde_json::Value,
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
