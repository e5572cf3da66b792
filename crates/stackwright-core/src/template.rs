//! The CloudFormation template model: what a stack declares besides its resources.

use serde::Serialize;

use crate::value::Value;

/// What happens to a resource's physical object when the resource is deleted or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DeletionPolicy {
    /// Delete the physical object (CloudFormation's default for most types).
    Delete,
    /// Keep the physical object; it leaves the stack and is no longer managed.
    Retain,
    /// Take a snapshot, then delete (types that support snapshots, such as volumes and
    /// databases).
    Snapshot,
    /// Keep the object, except when it is deleted because the stack's creation failed (then
    /// nothing worth keeping exists yet).
    RetainExceptOnCreate,
}

/// A template parameter declared by a construct or user (cross-stack parameters are added by
/// synth, not declared).
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterDef {
    /// CloudFormation parameter type, such as `String` or `AWS::EC2::VPC::Id`.
    pub kind: String,
    /// Shown by the console and CLI next to the parameter. Default: none.
    pub description: Option<String>,
    /// The value when the deployer passes none. Default: none (the parameter is required).
    pub default: Option<serde_json::Value>,
    /// The only values accepted. Default: empty (any value).
    pub allowed_values: Vec<String>,
    /// Masks the value in the console, CLI and API (for secrets). Default: `false`.
    pub no_echo: bool,
}

impl ParameterDef {
    /// A `String` parameter, with no description, default or allowed values.
    #[must_use]
    pub fn string() -> Self {
        ParameterDef {
            kind: "String".into(),
            description: None,
            default: None,
            allowed_values: Vec::new(),
            no_echo: false,
        }
    }

    /// The same parameter with a description.
    #[must_use]
    pub fn with_description(mut self, description: &str) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The same parameter with a default value, so the deployer need not pass one.
    #[must_use]
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
