//! Declaring that a resource of the program exists already and is to be imported into its
//! stack, with its identifier checked against the type's registry schema.

use stackwright_core::{AnyResource, Construct, Diagnostic, Result, cfn_support};

/// The primary identifier properties of `type_name` (from the registry schema's
/// `primaryIdentifier`, such as `["RoleName"]` for `AWS::IAM::Role`); `None` when no schema is
/// shipped for the type.
#[must_use]
pub fn primary_identifier(type_name: &str) -> Option<Vec<String>> {
    let schema: serde_json::Value = serde_json::from_str(crate::schemas::schema_text(type_name)?).ok()?;
    let pointers = schema.get("primaryIdentifier")?.as_array()?;
    Some(pointers.iter().filter_map(|p| p.as_str()).map(|p| p.trim_start_matches("/properties/").to_string()).collect())
}

/// Adopting an existing resource: implemented for every construct that is a resource or has
/// one as its default child (`Resource`), like [`AnyResource::find`] with an empty path.
///
/// ```
/// use stackwright_cfn::ImportExisting;
/// use stackwright_core::{Account, App, DeletionPolicy, RawResource, Region, Resource};
/// let app = App::new("demo");
/// let stack = app.environment("prod", Account::new("123456789012")?, Region::EuWest1).stack("ci");
/// let role = Resource::new(&stack, "Deployer", RawResource::new("AWS::IAM::Role"))?;
/// role.set_deletion_policy(DeletionPolicy::Retain);
/// role.import_existing([("RoleName", "legacy-deployer")])?;
/// let err = role.import_existing([("RoleArn", "arn:aws:iam::123456789012:role/x")]).unwrap_err();
/// assert!(err.to_string().contains("AWS::IAM::Role is identified by RoleName"));
/// let entry = &app.synth()?.manifest.stacks[0];
/// assert_eq!(entry.imports[0].identifier["RoleName"], "legacy-deployer");
/// # Ok::<(), stackwright_core::Error>(())
/// ```
pub trait ImportExisting {
    /// Declares that the resource exists already, identified by `identifier` (each property
    /// of the type's `primaryIdentifier` with the existing resource's value): the runtime
    /// imports it with an import change set instead of creating it. The resource needs a
    /// `DeletionPolicy` (synth reports it otherwise).
    ///
    /// # Errors
    /// With the resource's path: the construct is not a resource, CloudFormation cannot import
    /// the type (or no schema is shipped to check the identifier), or the identifier's
    /// properties are not exactly the type's primary identifier (the hint lists them).
    fn import_existing<K: Into<String>, V: Into<String>>(
        &self,
        identifier: impl IntoIterator<Item = (K, V)>,
    ) -> Result<()>;
}

impl<C: Construct> ImportExisting for C {
    fn import_existing<K: Into<String>, V: Into<String>>(
        &self,
        identifier: impl IntoIterator<Item = (K, V)>,
    ) -> Result<()> {
        let resource = AnyResource::find(self, "")?;
        let type_name = resource.type_name().to_string();
        let path = resource.node().path();
        cfn_support::check_importable(&type_name).map_err(|reason| {
            Diagnostic::new(
                &path,
                format!("the resource cannot be imported: {reason}"),
                "create it with the program instead, or leave it outside CloudFormation and reference it",
            )
        })?;
        let pairs: Vec<(String, String)> = identifier.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let expected = primary_identifier(&type_name).unwrap_or_default();
        let mut given: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        given.sort_unstable();
        let mut wanted: Vec<&str> = expected.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        if given != wanted {
            return Err(Diagnostic::new(
                &path,
                format!(
                    "{type_name} is identified by {} (its registry schema's primaryIdentifier), not by {}",
                    expected.join(" + "),
                    if given.is_empty() { "nothing".to_string() } else { given.join(" + ") }
                ),
                format!("give exactly {} with the existing resource's values", expected.join(", ")),
            )
            .into());
        }
        if let Some((k, _)) = pairs.iter().find(|(_, v)| v.is_empty()) {
            return Err(Diagnostic::new(
                &path,
                format!("the identifier property {k} is empty"),
                "give the existing resource's value",
            )
            .into());
        }
        resource.import_existing_unchecked(pairs);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_identifiers_come_from_the_schemas() {
        assert_eq!(primary_identifier("AWS::IAM::Role").unwrap(), ["RoleName"]);
        assert_eq!(primary_identifier("AWS::EC2::Route").unwrap(), ["RouteTableId", "CidrBlock"]);
        assert_eq!(primary_identifier("AWS::S3::Bucket"), None);
        // Every importable type has a schema with a primary identifier.
        for t in cfn_support::IMPORTABLE {
            assert!(primary_identifier(t).is_some_and(|p| !p.is_empty()), "{t}");
        }
    }
}
