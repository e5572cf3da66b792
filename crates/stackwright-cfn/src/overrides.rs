//! Overriding a property of any resource (a construct's inner resource included), checked
//! against the type's registry schema.

use stackwright_core::{AnyResource, Construct, Diagnostic, Result, Value};

use crate::property_path::{PropertyPathError, check_property_path};

/// Checked property overrides on [`AnyResource`]: the escape hatch for a property a construct
/// does not expose, without the typo a plain dotted path lets through.
///
/// ```
/// use stackwright_cfn::CheckedOverride;
/// use stackwright_core::{Account, AnyResource, App, RawResource, Region, Resource};
/// let app = App::new("demo");
/// let stack = app.environment("dev", Account::new("123456789012")?, Region::EuWest1).stack("network");
/// Resource::new(&stack, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16"))?;
/// let vpc = AnyResource::find(&stack, "Vpc")?;
/// vpc.override_property("EnableDnsHostnames", true)?;
/// let err = vpc.override_property("EnableDnsHostname", true).unwrap_err();
/// assert!(err.to_string().contains("nearest valid path: EnableDnsHostnames"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
pub trait CheckedOverride {
    /// Sets the property at `dotted_path` (`"Logging.ClusterLogging.EnabledTypes"`; a
    /// numeric part indexes a list) after checking the path against the resource type's
    /// registry schema, and records the override in the resource's template `Metadata`
    /// (`stackwright:overrides`). `Value::Null` removes the property.
    ///
    /// # Errors
    /// When the type has no such property (the error names the type and the nearest valid
    /// path), no schema is shipped for the type, or a part of the path other than the last
    /// holds a value that is not an object.
    fn override_property(&self, dotted_path: &str, value: impl Into<Value>) -> Result<()>;
}

impl CheckedOverride for AnyResource {
    fn override_property(&self, dotted_path: &str, value: impl Into<Value>) -> Result<()> {
        let type_name = self.type_name();
        match check_property_path(type_name, dotted_path) {
            Ok(()) => self.override_property_unchecked(dotted_path, value),
            Err(PropertyPathError::NoSuchProperty { nearest }) => Err(Diagnostic::new(
                self.node().path(),
                format!("{type_name} has no property '{dotted_path}'"),
                format!("nearest valid path: {nearest}"),
            )
            .into()),
            Err(PropertyPathError::UnknownType) => Err(Diagnostic::new(
                self.node().path(),
                format!("no registry schema is shipped for {type_name}, so '{dotted_path}' cannot be checked"),
                "use AnyResource::override_property_unchecked, or add the type to crates/stackwright-cfn/allowlist.txt",
            )
            .into()),
        }
    }
}
