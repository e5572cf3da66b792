//! Step 2b: the imports the program declares (`AnyResource::import_existing_unchecked`) are
//! checked — a `DeletionPolicy`, an importable type, a whole identifier — and recorded in the
//! manifest entry of their stack, with their logical ids.

use crate::assembly::ImportEntry;
use crate::cfn_support;
use crate::import::Imports;

use super::Synth;

impl<'a> Synth<'a> {
    pub(super) fn record_imports(&mut self, reachable: &[usize]) {
        let Some(imports) = self.tree.extension::<Imports>() else {
            return;
        };
        for (&i, identifier) in &imports.0 {
            if !reachable.contains(&i) {
                continue;
            }
            let path = self.path(i);
            let Some(resource) = self.tree.node(i).resource() else { continue };
            let Some((pos, logical_id)) = self.logical.get(&i).cloned() else { continue };
            let mut ok = true;
            if let Err(reason) = cfn_support::check_importable(&resource.type_name) {
                ok = false;
                self.diags.push(
                    &path,
                    format!("the resource cannot be imported: {reason}"),
                    "create it with the program instead, or leave it outside CloudFormation and reference it",
                );
            }
            if resource.deletion_policy.is_none() {
                ok = false;
                self.diags.push(
                    &path,
                    "an imported resource needs a DeletionPolicy: CloudFormation refuses to import one without it",
                    "call set_deletion_policy(DeletionPolicy::Retain) on it (Retain keeps the resource if the \
                     stack is ever deleted, as it existed before the stack)",
                );
            }
            if identifier.is_empty() || identifier.iter().any(|(k, v)| k.is_empty() || v.is_empty()) {
                ok = false;
                self.diags.push(
                    &path,
                    format!("the import identifier {identifier:?} is empty or has an empty key or value"),
                    "give each primary identifier property of the type with the existing resource's value",
                );
            }
            if ok {
                self.stacks[pos].imports.push(ImportEntry {
                    logical_id,
                    resource_type: resource.type_name.clone(),
                    identifier: identifier.clone(),
                    path,
                });
            }
        }
    }
}
