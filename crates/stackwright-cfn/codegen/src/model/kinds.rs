//! Typing `Ref`s and attribute getters with the kinds of `kinds.txt`.

use super::ResourceModule;
use crate::KINDS;
use crate::schema::kinds::KindTable;

/// Gives the `Ref`s and attributes listed in `table` their kind (`crate::kinds::VpcId`).
///
/// Errors on an entry for a type that is not generated, for an attribute without a typed
/// getter or whose value is not a string, and on a declared kind no entry uses.
pub(crate) fn apply_kinds(modules: &mut [ResourceModule], table: &KindTable) -> Result<(), String> {
    for ((type_name, attribute), kind) in &table.entries {
        let entry = format!("{KINDS}: {type_name} {attribute} {kind}");
        let module = modules
            .iter_mut()
            .find(|m| &m.type_name == type_name)
            .ok_or_else(|| format!("{entry}: {type_name} is not in the allowlist"))?;
        let rust = if kind == "String" { kind.clone() } else { format!("crate::kinds::{kind}") };
        if attribute == "Ref" {
            module.ref_kind = rust;
            continue;
        }
        let names = module.attributes.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
        let getter =
            module.attributes.iter_mut().find(|a| &a.name == attribute).ok_or_else(|| {
                format!("{entry}: {type_name} has no getter for '{attribute}' (it has: Ref, {names})")
            })?;
        if getter.kind != "String" {
            return Err(format!("{entry}: its getter returns Attr<{}>, and kinds are strings", getter.kind));
        }
        getter.kind = rust;
    }
    if let Some((unused, _)) = table.kinds.iter().find(|(k, _)| table.sources(k).next().is_none()) {
        return Err(format!("{KINDS}: the kind '{unused}' is declared but no entry uses it"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::schema::kinds::parse_kinds;

    /// The files generated for one type with an `Id` string and a `Count` integer attribute,
    /// typed by `kinds`.
    fn generate(kinds: &str) -> Result<std::collections::BTreeMap<String, String>, String> {
        let schema = json!({
            "properties": {"Id": {"type": "string"}, "Count": {"type": "integer"}, "Name": {"type": "string"}},
            "readOnlyProperties": ["/properties/Id", "/properties/Count"]
        });
        crate::generate("0", &[("AWS::Demo::Thing".to_string(), schema)], &parse_kinds(kinds)?)
    }

    #[test]
    fn kinds_type_refs_and_getters() {
        let files =
            generate("kind ThingId The id of a thing.\nAWS::Demo::Thing Ref ThingId\nAWS::Demo::Thing Id ThingId\n")
                .unwrap();
        let thing = &files["demo/thing.rs"];
        assert!(thing.contains("    type Ref = crate::kinds::ThingId;\n"));
        assert!(thing.contains("pub fn id(&self) -> Attr<crate::kinds::ThingId> {"));
        assert!(thing.contains("pub fn count(&self) -> Attr<i64> {"));
        assert!(files["kinds.rs"].contains("    /// Returned by `AWS::Demo::Thing` (`Ref`, `Id`).\n    ThingId,\n"));
        assert!(generate("").unwrap()["demo/thing.rs"].contains("    type Ref = String;\n"));
    }

    #[test]
    fn bad_entries_are_errors() {
        let err = |kinds: &str| generate(kinds).unwrap_err();
        assert!(err("AWS::Demo::Other Ref Arn\n").contains("not in the allowlist"));
        assert!(err("AWS::Demo::Thing Name Arn\n").contains("has no getter for 'Name'"));
        assert!(err("AWS::Demo::Thing Count Arn\n").contains("returns Attr<i64>"));
        assert!(err("kind ThingId The id.\nAWS::Demo::Thing Ref Arn\n").contains("no entry uses it"));
    }
}
