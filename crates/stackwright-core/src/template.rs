//! The CloudFormation template model: what a stack declares besides its resources.

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

/// A stack output, as declared with `Stack::add_output`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutputDef {
    pub(crate) value: Value,
    pub(crate) description: Option<String>,
}
