//! The generator of `stackwright-cfn`: reads the CloudFormation registry schemas of the types
//! in `allowlist.txt` from `schemas/` and writes one Rust module per resource type under
//! `src/generated/`.
//!
//! The mapping, for one resource type (`AWS::EC2::VPC` → module `ec2::vpc`):
//! - the type becomes a struct (`Vpc`) with a `pub` field per writable property: required
//!   properties are plain fields and arguments of `new`, optional ones are `Option`s with a
//!   `with_*` setter;
//! - property types: `string` → `Val<String>`, `integer` → `Val<i64>`, `number` → `Val<f64>`,
//!   `boolean` → `Val<bool>`, an array of strings → `Val<Vec<String>>`, other arrays → `Vec<_>`,
//!   `patternProperties` maps → `BTreeMap<String, _>`, `definitions` and inline objects →
//!   structs in the module, the common `{Key, Value}` tag shape → the shared `crate::Tag`, and
//!   free-form JSON (`object` without properties, `["object", "string"]`) → `Value`;
//! - string `enum`s become Rust enums that convert into `Val<String>`;
//! - `readOnlyProperties` are not fields: they become typed getters on `VpcAttributes`
//!   (`Fn::GetAtt`), when they are strings, integers, booleans or lists of strings;
//! - `kinds.txt` declares marker types for strings that identify one kind of thing (`VpcId`,
//!   `ClusterName`), written to the module `kinds`, and gives them to `Ref`s and getters:
//!   `Vpc::vpc_id()` returns an `Attr<VpcId>`, the `Ref` of a VPC (`ResourceType::Ref`) is a
//!   `VpcId`; an entry not listed keeps its schema type, and `Ref` is a `String`;
//! - `createOnlyProperties` become `Vpc::REPLACES_ON_CHANGE` and a note on the field;
//! - descriptions become doc comments (their first paragraph, escaped for rustdoc); an item
//!   without one gets a sentence naming it in the schema, so that every public item is documented.
//!
//! The output is deterministic: the same schemas give the same bytes, which the drift test of
//! `stackwright-cfn` checks.
//!
//! The steps, one module each, importing in one direction: `schema` reads the allowlist, the
//! schemas and the kinds table, `model` derives the types of each resource from its schema, `render` writes
//! them as Rust source, and `files` puts the result on disk; `naming` and `docs` turn schema
//! names and descriptions into Rust names and doc comments.

mod docs;
mod files;
mod model;
mod naming;
mod render;
mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as J;

pub use files::{list_rs_files, stale_files, write_generated};
pub use schema::allowlist::{parse_allowlist, schema_file_name};
pub use schema::import::import_schemas;
pub use schema::instance_types::{
    CFNLINT_INSTANCE_TYPES, INSTANCE_TYPES_FILE, compact_instance_types, import_instance_types,
};
pub use schema::kinds::{BUILTIN_KINDS, KindTable, parse_kinds};
pub use schema::rds_postgres::{RDS_POSTGRES_FILE, compact_rds_postgres, import_rds_postgres};

/// The allowlist, relative to the `stackwright-cfn` crate.
pub const ALLOWLIST: &str = "allowlist.txt";
/// The kinds table, relative to the `stackwright-cfn` crate.
pub const KINDS: &str = "kinds.txt";
/// The committed schemas, relative to the `stackwright-cfn` crate.
pub const SCHEMAS_DIR: &str = "schemas";
/// The generated code, relative to the `stackwright-cfn` crate.
pub const GENERATED_DIR: &str = "src/generated";
/// The file in `schemas/` holding the cfn-lint version the schemas were copied from.
pub const VERSION_FILE: &str = "cfn-lint-version";

/// The directory of the `stackwright-cfn` crate (this crate's parent).
#[must_use]
pub fn cfn_crate_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives inside the stackwright-cfn crate")
        .to_path_buf()
}

/// Reads the allowlist, the schemas and the kinds table below `crate_dir` and generates the
/// code: a map from paths relative to `src/generated/` to file contents.
///
/// # Errors
///
/// An unreadable or invalid allowlist or kinds table, a missing or unparsable schema, or a
/// schema or kinds entry the generator cannot map (see [`generate`]).
pub fn generate_from_dir(crate_dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let (version, schemas) = schema::read_schemas(crate_dir)?;
    let kinds = schema::read_kinds(crate_dir)?;
    generate(&version, &schemas, &kinds)
}

/// Generates every file from the schemas of the allowlisted types, `(type name, schema)`, copied
/// from cfn-lint `version`, typing the `Ref`s and attributes `kinds` lists.
///
/// # Errors
///
/// A schema without properties, a `$ref` outside its `definitions`, two properties with the same
/// Rust field name, or a list of maps; a kinds entry for a type not generated, for an attribute
/// without a string getter, or a declared kind no entry uses.
pub fn generate(version: &str, schemas: &[(String, J)], kinds: &KindTable) -> Result<BTreeMap<String, String>, String> {
    let mut modules = Vec::new();
    for (type_name, schema) in schemas {
        modules.push(model::build_module(type_name, schema)?);
    }
    model::apply_kinds(&mut modules, kinds)?;
    modules.sort_by(|a, b| (&a.service, &a.module).cmp(&(&b.service, &b.module)));
    Ok(render::render_files(&modules, kinds, version))
}
