//! Boxing the fields through which a property struct would contain itself.

use std::collections::{BTreeSet, HashMap};

use super::{StructDef, Ty};

/// Boxes optional struct fields that would make a struct contain itself.
pub(super) fn box_recursive_fields(structs: &mut [StructDef]) {
    let edges: HashMap<String, Vec<String>> = structs
        .iter()
        .map(|s| {
            let targets = s
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Ty::Struct(n) => Some(n.clone()),
                    _ => None,
                })
                .collect();
            (s.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for s in structs.iter_mut() {
        let owner = s.name.clone();
        for f in &mut s.fields {
            if let Ty::Struct(target) = &f.ty
                && !f.required
                && reaches(target, &owner)
            {
                f.boxed = true;
            }
        }
    }
}
