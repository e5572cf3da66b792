//! Reading the CloudFormation registry schemas: the allowlist, the committed schema files, the
//! kinds table, and the lookups into one schema (`$ref` resolution, JSON pointers, the common
//! shapes).

pub(crate) mod allowlist;
pub(crate) mod import;
pub(crate) mod instance_types;
pub(crate) mod kinds;
pub(crate) mod rds_postgres;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value as J};

use crate::{ALLOWLIST, KINDS, SCHEMAS_DIR, VERSION_FILE};
use allowlist::{parse_allowlist, schema_file_name};
use kinds::{KindTable, parse_kinds};

/// Reads the allowlist and the schema of every listed type below `crate_dir`: the cfn-lint
/// version they were copied from, and `(type name, schema)` in allowlist order.
pub(crate) fn read_schemas(crate_dir: &Path) -> Result<(String, Vec<(String, J)>), String> {
    let read = |p: &Path| fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let types = parse_allowlist(&read(&crate_dir.join(ALLOWLIST))?)?;
    let schemas_dir = crate_dir.join(SCHEMAS_DIR);
    let version = read(&schemas_dir.join(VERSION_FILE))?.trim().to_string();
    let mut schemas = Vec::new();
    for type_name in &types {
        let file = schemas_dir.join(schema_file_name(type_name));
        if !file.exists() {
            return Err(format!(
                "no schema for {type_name} ({} is missing): run `cargo run -p stackwright-cfn-codegen -- import` to copy it from cfn-lint",
                file.display()
            ));
        }
        let schema: J = serde_json::from_str(&read(&file)?).map_err(|e| format!("{}: {e}", file.display()))?;
        schemas.push((type_name.clone(), schema));
    }
    Ok((version, schemas))
}

/// Reads the kinds table below `crate_dir`.
pub(crate) fn read_kinds(crate_dir: &Path) -> Result<KindTable, String> {
    let file = crate_dir.join(KINDS);
    parse_kinds(&fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?)
}

/// One resource type's schema, with the lookups the type model needs.
pub(crate) struct ResourceSchema<'a> {
    /// `AWS::EC2::VPC`.
    pub(crate) type_name: &'a str,
    /// The whole schema document.
    pub(crate) raw: &'a J,
    /// Its top-level `properties`.
    pub(crate) properties: &'a Map<String, J>,
    /// Its `definitions`, the targets of `$ref`s.
    definitions: Map<String, J>,
    /// The JSON pointers in `readOnlyProperties` (`/properties/VpcId`).
    pub(crate) read_only: BTreeSet<String>,
    /// The JSON pointers in `createOnlyProperties`.
    pub(crate) create_only: BTreeSet<String>,
}

impl<'a> ResourceSchema<'a> {
    /// The schema of `type_name`; an error when it has no `properties`.
    pub(crate) fn new(type_name: &'a str, raw: &'a J) -> Result<Self, String> {
        let properties = raw
            .get("properties")
            .and_then(J::as_object)
            .ok_or_else(|| format!("{type_name}: the schema has no properties"))?;
        Ok(ResourceSchema {
            type_name,
            raw,
            properties,
            definitions: raw.get("definitions").and_then(J::as_object).cloned().unwrap_or_default(),
            read_only: string_set(raw.get("readOnlyProperties")),
            create_only: string_set(raw.get("createOnlyProperties")),
        })
    }

    /// The definition a `#/definitions/Name` reference points to, if it exists.
    pub(crate) fn definition(&self, reference: &str) -> Option<J> {
        let name = reference.strip_prefix("#/definitions/")?;
        self.definitions.get(name).cloned()
    }

    /// The name and schema of the definition `reference` points to; an error for a reference
    /// outside `#/definitions/` or to a missing definition.
    pub(crate) fn resolve_ref(&self, reference: &str) -> Result<(String, J), String> {
        let def_name = reference
            .strip_prefix("#/definitions/")
            .ok_or_else(|| format!("{}: unsupported $ref '{reference}'", self.type_name))?
            .to_string();
        let def = self
            .definitions
            .get(&def_name)
            .cloned()
            .ok_or_else(|| format!("{}: $ref to a missing definition '{def_name}'", self.type_name))?;
        Ok((def_name, def))
    }

    /// The schema at a property path (`["VpcEncryptionControl", "Mode"]`), following `$ref`s.
    pub(crate) fn walk(&self, parts: &[String]) -> Option<J> {
        let mut cur = self.deref(self.properties.get(&parts[0])?.clone());
        for part in &parts[1..] {
            cur = self.deref(cur.get("properties")?.get(part)?.clone());
        }
        Some(cur)
    }

    /// `schema` with its `$ref`s followed (at most 8 deep), keeping the description of the
    /// referring schema, which is the more specific one.
    pub(crate) fn deref(&self, mut schema: J) -> J {
        for _ in 0..8 {
            let Some(def) = schema.get("$ref").and_then(J::as_str).and_then(|r| self.definition(r)) else {
                break;
            };
            let description = schema.get("description").cloned();
            schema = def;
            if let (Some(d), Some(obj)) = (description, schema.as_object_mut()) {
                obj.insert("description".into(), d);
            }
        }
        schema
    }
}

/// The strings of a JSON array (`required`, `readOnlyProperties`), as a set.
pub(crate) fn string_set(v: Option<&J>) -> BTreeSet<String> {
    v.and_then(J::as_array).map(|a| a.iter().filter_map(J::as_str).map(str::to_string).collect()).unwrap_or_default()
}

/// The names in a schema's `type`, which is one name or a list of them.
pub(crate) fn type_names(schema: &J) -> Vec<&str> {
    match schema.get("type") {
        Some(J::String(t)) => vec![t.as_str()],
        Some(J::Array(a)) => a.iter().filter_map(J::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether an object schema has at least one property.
pub(crate) fn has_properties(schema: &J) -> bool {
    schema.get("properties").and_then(J::as_object).is_some_and(|p| !p.is_empty())
}

/// The common tag shape: exactly `Key` and `Value`, both required strings.
pub(crate) fn is_tag(schema: &J) -> bool {
    let Some(props) = schema.get("properties").and_then(J::as_object) else {
        return false;
    };
    let required = string_set(schema.get("required"));
    props.len() == 2
        && ["Key", "Value"]
            .iter()
            .all(|k| required.contains(*k) && props.get(*k).and_then(|p| p.get("type")).is_some_and(|t| t == "string"))
}
