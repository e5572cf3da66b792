//! Import: a resource of the program that already exists, created outside CloudFormation, and
//! that the stack is to adopt (CloudFormation resource import, `ChangeSetType=IMPORT`) instead
//! of creating it.
//!
//! The declaration is recorded here; synth checks it (a `DeletionPolicy`, an importable type,
//! a non-empty identifier) and writes it into the stack's manifest entry
//! ([`ImportEntry`](crate::assembly::ImportEntry)), from which the runtime builds the import
//! change set. The identifier's keys are checked against the type's registry schema by
//! `stackwright_cfn::ImportExisting`, the way to declare an import; this crate holds no schema.

use indexmap::IndexMap;

use crate::resource::AnyResource;
use crate::tree::Construct;

/// The imports a tree declares: resource node index → identifier (property → value), in
/// declaration order.
#[derive(Default)]
pub(crate) struct Imports(pub(crate) IndexMap<usize, IndexMap<String, String>>);

impl AnyResource {
    /// Declares that this resource exists already and is to be imported into its stack with
    /// `identifier` (the type's primary identifier properties and their values, such as
    /// `[("RoleName", "legacy-ci")]`). The identifier is **not** checked against the type's
    /// schema: `stackwright_cfn::ImportExisting::import_existing` checks it first.
    ///
    /// Synth reports, with the resource's path: a resource without a `DeletionPolicy`
    /// (CloudFormation requires one on every imported resource), a type CloudFormation cannot
    /// import ([`crate::cfn_support`]), an empty identifier or value, and a second
    /// declaration with another identifier.
    pub fn import_existing_unchecked<K: Into<String>, V: Into<String>>(
        &self,
        identifier: impl IntoIterator<Item = (K, V)>,
    ) {
        let identifier: IndexMap<String, String> = identifier.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let node = self.node();
        let earlier = node.extension_mut::<Imports>().0.insert(node.index(), identifier.clone());
        if let Some(earlier) = earlier.filter(|e| *e != identifier) {
            node.defer_error(crate::Diagnostic::new(
                node.path(),
                format!("the resource is declared imported with {earlier:?} and with {identifier:?}"),
                "declare one identifier per imported resource",
            ));
        }
    }
}
