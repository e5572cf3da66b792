//! The index files: the root `mod.rs` (service modules and lookups by type name) and each
//! service's `mod.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::header;
use crate::model::ResourceModule;

/// The root `mod.rs`: the `kinds` module, the service modules, `TYPE_NAMES`, `replaces_on_change` and
/// `attribute_names`.
pub(super) fn render_root(services: &BTreeMap<String, Vec<&ResourceModule>>, version: &str) -> String {
    let mut out = String::new();
    out.push_str(&header(version));
    out.push_str("\npub mod kinds;\n\n");
    for service in services.keys() {
        let _ = writeln!(out, "pub mod {service};");
    }
    out.push_str("\n/// Every generated resource type name, sorted.\npub const TYPE_NAMES: &[&str] = &[\n");
    let mut all: Vec<&ResourceModule> = services.values().flatten().copied().collect();
    all.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    for m in &all {
        let _ = writeln!(out, "    {:?},", m.type_name);
    }
    out.push_str("];\n\n");
    out.push_str("/// The properties whose change replaces a resource of a generated type (its\n/// `createOnlyProperties`, nested ones as dotted paths), or `None` for another type.\npub fn replaces_on_change(type_name: &str) -> Option<&'static [&'static str]> {\n    match type_name {\n");
    for m in &all {
        let _ = writeln!(out, "        {:?} => Some({}::{}::REPLACES_ON_CHANGE),", m.type_name, m.service, m.name);
    }
    out.push_str("        _ => None,\n    }\n}\n\n");
    out.push_str("/// The `Fn::GetAtt` attributes a generated type has typed getters for, or `None` for\n/// another type.\npub fn attribute_names(type_name: &str) -> Option<&'static [&'static str]> {\n    match type_name {\n");
    for m in &all {
        let _ = writeln!(out, "        {:?} => Some({}::{}Attributes::NAMES),", m.type_name, m.service, m.name);
    }
    out.push_str("        _ => None,\n    }\n}\n");
    out
}

/// A service's `mod.rs`: a module per type, and the types and their attributes re-exported.
pub(super) fn render_service(modules: &[&ResourceModule], version: &str) -> String {
    let mut out = String::new();
    let namespace = modules[0].type_name.rsplit_once("::").map(|(ns, _)| ns).unwrap_or_default();
    let _ = writeln!(out, "//! `{namespace}` resource types.");
    let _ = writeln!(out, "//!");
    let _ = writeln!(out, "//! Each type's module also holds its property types and enums.");
    out.push('\n');
    out.push_str(&header(version));
    out.push('\n');
    for m in modules {
        let _ = writeln!(out, "pub mod {};", m.module);
    }
    out.push('\n');
    for m in modules {
        let _ = writeln!(out, "pub use {}::{{{}, {}Attributes}};", m.module, m.name, m.name);
    }
    out
}
