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
//! - `createOnlyProperties` become `Vpc::REPLACES_ON_CHANGE` and a note on the field;
//! - descriptions become doc comments (their first paragraph, escaped for rustdoc).
//!
//! The output is deterministic: the same schemas give the same bytes, which the drift test of
//! `stackwright-cfn` checks.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as J};

/// The directory of the `stackwright-cfn` crate (this crate's parent).
pub fn cfn_crate_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives inside the stackwright-cfn crate")
        .to_path_buf()
}

/// The allowlist, schemas and generated code, relative to the `stackwright-cfn` crate.
pub const ALLOWLIST: &str = "allowlist.txt";
pub const SCHEMAS_DIR: &str = "schemas";
pub const GENERATED_DIR: &str = "src/generated";
/// The file in `schemas/` holding the cfn-lint version the schemas were copied from.
pub const VERSION_FILE: &str = "cfn-lint-version";

/// Parses the allowlist: one type name per line; blank lines and `#` comments are ignored.
pub fn parse_allowlist(text: &str) -> Result<Vec<String>, String> {
    let mut types = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split("::").collect();
        if parts.len() != 3
            || parts[0] != "AWS"
            || parts[1..].iter().any(|p| {
                p.is_empty()
                    || !p.starts_with(|c: char| c.is_ascii_uppercase())
                    || !p.chars().all(|c| c.is_ascii_alphanumeric())
            })
        {
            return Err(format!("{ALLOWLIST}:{}: '{line}' is not a resource type name such as AWS::EC2::VPC", n + 1));
        }
        if !seen.insert(line.to_string()) {
            return Err(format!("{ALLOWLIST}:{}: '{line}' is listed twice", n + 1));
        }
        types.push(line.to_string());
    }
    Ok(types)
}

/// The file name a type's schema is stored under in `schemas/`: `aws-ec2-vpc.json`.
pub fn schema_file_name(type_name: &str) -> String {
    format!("{}.json", type_name.to_ascii_lowercase().replace("::", "-"))
}

/// Reads the allowlist and schemas below `crate_dir` and generates the code: a map from paths
/// relative to `src/generated/` to file contents.
pub fn generate_from_dir(crate_dir: &Path) -> Result<BTreeMap<String, String>, String> {
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
    generate(&version, &schemas)
}

/// Writes generated files below `crate_dir/src/generated`, removing `.rs` files that are no
/// longer generated. Returns the number of files whose content changed.
pub fn write_generated(crate_dir: &Path, files: &BTreeMap<String, String>) -> Result<usize, String> {
    let root = crate_dir.join(GENERATED_DIR);
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let mut changed = 0;
    for existing in list_rs_files(&root)? {
        if !files.contains_key(&existing) {
            let p = root.join(&existing);
            fs::remove_file(&p).map_err(|e| io(&p, e))?;
            changed += 1;
        }
    }
    for (rel, text) in files {
        let p = root.join(rel);
        if fs::read_to_string(&p).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(dir) = p.parent() {
            fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        fs::write(&p, text).map_err(|e| io(&p, e))?;
        changed += 1;
    }
    // Remove directories left empty.
    if let Ok(entries) = fs::read_dir(&root) {
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() && fs::read_dir(&p).map(|mut d| d.next().is_none()).unwrap_or(false) {
                fs::remove_dir(&p).map_err(|e| io(&p, e))?;
            }
        }
    }
    Ok(changed)
}

/// The `.rs` files below `root`, as paths relative to it with `/` separators, sorted.
pub fn list_rs_files(root: &Path) -> Result<Vec<String>, String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), String> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let p = entry.path();
            if p.is_dir() {
                walk(&p, &format!("{prefix}{name}/"), out)?;
            } else if name.ends_with(".rs") {
                out.push(format!("{prefix}{name}"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, "", &mut out)?;
    out.sort();
    Ok(out)
}

/// Copies the schema of every allowlisted type from an installed cfn-lint package
/// (`.../site-packages/cfnlint`) into `crate_dir/schemas/`, byte for byte, and records its
/// version. Schemas of types no longer listed are removed.
pub fn import_schemas(cfnlint_dir: &Path, crate_dir: &Path) -> Result<Vec<String>, String> {
    let read = |p: &Path| fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let types = parse_allowlist(&read(&crate_dir.join(ALLOWLIST))?)?;
    let data = cfnlint_dir.join("data/schemas");
    let providers: J = serde_json::from_str(&read(&data.join("providers/us-east-1.json"))?)
        .map_err(|e| format!("providers/us-east-1.json: {e}"))?;
    let version = read(&cfnlint_dir.join("version.py"))?
        .lines()
        .find_map(|l| l.trim().strip_prefix("__version__"))
        .map(|v| v.trim_start_matches([' ', '=']).trim().trim_matches(['"', '\'']).to_string())
        .ok_or("no __version__ in cfnlint/version.py")?;
    let dest = crate_dir.join(SCHEMAS_DIR);
    fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let mut wanted = BTreeSet::new();
    let mut copied = Vec::new();
    for type_name in &types {
        let hash = providers
            .get(type_name)
            .and_then(J::as_str)
            .ok_or_else(|| format!("cfn-lint {version} has no schema for {type_name} in us-east-1"))?;
        let src = data.join("resources").join(format!("{hash}.json"));
        let name = schema_file_name(type_name);
        fs::copy(&src, dest.join(&name)).map_err(|e| format!("{}: {e}", src.display()))?;
        wanted.insert(name);
        copied.push(type_name.clone());
    }
    for entry in fs::read_dir(&dest).map_err(|e| format!("{}: {e}", dest.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !wanted.contains(&name) {
            fs::remove_file(entry.path()).map_err(|e| e.to_string())?;
        }
    }
    fs::write(dest.join(VERSION_FILE), format!("{version}\n")).map_err(|e| e.to_string())?;
    Ok(copied)
}

// ---------------------------------------------------------------------------------------------
// The model

/// The Rust shape of a property.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    /// `Val<String>`, with the enum that converts into it.
    Str(Option<String>),
    Int,
    Num,
    Bool,
    /// `Val<Vec<String>>`, with the enum of its items.
    StrList(Option<String>),
    List(Box<Ty>),
    Map(Box<Ty>),
    Struct(String),
    Tag,
    Json,
}

impl Ty {
    fn rust(&self) -> String {
        match self {
            Ty::Str(_) => "Val<String>".into(),
            Ty::Int => "Val<i64>".into(),
            Ty::Num => "Val<f64>".into(),
            Ty::Bool => "Val<bool>".into(),
            Ty::StrList(_) => "Val<Vec<String>>".into(),
            Ty::List(t) => format!("Vec<{}>", t.rust()),
            Ty::Map(t) => format!("BTreeMap<String, {}>", t.rust()),
            Ty::Struct(n) => n.clone(),
            Ty::Tag => "crate::Tag".into(),
            Ty::Json => "Value".into(),
        }
    }

    /// The type a setter or constructor takes for a value of this shape, and the expression
    /// turning `value` into the field's type.
    fn param(&self, value: &str) -> (String, String) {
        match self {
            Ty::Str(_) | Ty::Int | Ty::Num | Ty::Bool | Ty::StrList(_) | Ty::Json => {
                (format!("impl Into<{}>", self.rust()), format!("{value}.into()"))
            }
            Ty::Struct(n) => (n.clone(), value.to_string()),
            Ty::Tag => ("crate::Tag".into(), value.to_string()),
            Ty::List(t) => {
                let (item, conv) = t.param("v");
                if conv == "v" {
                    (format!("impl IntoIterator<Item = {item}>"), format!("{value}.into_iter().collect()"))
                } else {
                    (
                        format!("impl IntoIterator<Item = {item}>"),
                        format!("{value}.into_iter().map(Into::into).collect()"),
                    )
                }
            }
            Ty::Map(t) => {
                let (item, conv) = t.param("v");
                let map = if conv == "v" { "v" } else { "v.into()" };
                (
                    format!("impl IntoIterator<Item = (impl Into<String>, {item})>"),
                    format!("{value}.into_iter().map(|(k, v)| (k.into(), {map})).collect()"),
                )
            }
        }
    }
}

#[derive(Debug)]
struct Field {
    json: String,
    rust: String,
    ty: Ty,
    required: bool,
    boxed: bool,
    doc: Option<String>,
    create_only: bool,
}

#[derive(Debug)]
struct StructDef {
    name: String,
    doc: Option<String>,
    fields: Vec<Field>,
}

#[derive(Debug)]
struct EnumDef {
    name: String,
    doc: Option<String>,
    /// (variant, value)
    variants: Vec<(String, String)>,
}

#[derive(Debug)]
struct AttrDef {
    method: String,
    name: String,
    kind: &'static str,
    doc: Option<String>,
}

struct ResourceModule {
    type_name: String,
    service: String,
    module: String,
    name: String,
    doc: Option<String>,
    root: StructDef,
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
    attributes: Vec<AttrDef>,
    replaces_on_change: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// From a schema to the model

/// Names the generated code imports or uses unqualified: a definition with one of these names
/// gets a `Property` suffix.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Attr",
    "BTreeMap",
    "Box",
    "Default",
    "NodeRef",
    "None",
    "Option",
    "Props",
    "ResourceType",
    "Self",
    "Some",
    "String",
    "ToValue",
    "Val",
    "Value",
    "Vec",
];

/// Methods of `Resource<T>` and `Construct`, which would hide an attribute getter of the same
/// name behind `Deref`.
const RESOURCE_METHODS: &[&str] = &[
    "add_resource_metadata",
    "get_att",
    "node",
    "reference",
    "set_condition",
    "set_deletion_policy",
    "set_property",
    "set_update_replace_policy",
];

/// `Fn::GetAtt` attributes that are writable properties, so not in `readOnlyProperties`:
/// the ones the CloudFormation reference documents for the allowlisted types (cfn-lint
/// accepts `Fn::GetAtt` of any property of these types).
const WRITABLE_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("AWS::EC2::SecurityGroup", &["VpcId"]),
    ("AWS::EC2::Subnet", &["AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "OutpostArn", "VpcId"]),
    ("AWS::EC2::VPC", &["CidrBlock"]),
    ("AWS::EKS::Nodegroup", &["ClusterName", "NodegroupName"]),
    ("AWS::SNS::Topic", &["TopicName"]),
    ("AWS::SSM::Parameter", &["Type", "Value"]),
];

#[derive(Clone, PartialEq)]
enum TypeName {
    Struct,
    Enum(Vec<String>),
}

struct Builder<'a> {
    type_name: &'a str,
    definitions: Map<String, J>,
    read_only: BTreeSet<String>,
    create_only: BTreeSet<String>,
    /// Type names taken in the module.
    names: BTreeMap<String, TypeName>,
    /// Definition name → struct name (`None`: no writable property, so no struct).
    def_structs: HashMap<String, Option<String>>,
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
}

fn build_module(type_name: &str, schema: &J) -> Result<ResourceModule, String> {
    let parts: Vec<&str> = type_name.split("::").collect();
    let service = parts[1].to_ascii_lowercase();
    let module = snake_case(parts[2]);
    let name = pascal_case(&module);
    let pointers = |key: &str| -> BTreeSet<String> {
        schema
            .get(key)
            .and_then(J::as_array)
            .map(|a| a.iter().filter_map(J::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let properties = schema
        .get("properties")
        .and_then(J::as_object)
        .ok_or_else(|| format!("{type_name}: the schema has no properties"))?;
    let mut b = Builder {
        type_name,
        definitions: schema.get("definitions").and_then(J::as_object).cloned().unwrap_or_default(),
        read_only: pointers("readOnlyProperties"),
        create_only: pointers("createOnlyProperties"),
        names: BTreeMap::new(),
        def_structs: HashMap::new(),
        structs: Vec::new(),
        enums: Vec::new(),
    };
    for reserved in RESERVED_TYPE_NAMES {
        b.names.insert((*reserved).to_string(), TypeName::Struct);
    }
    b.names.insert(name.clone(), TypeName::Struct);
    b.names.insert(format!("{name}Attributes"), TypeName::Struct);
    let required = string_set(schema.get("required"));
    let fields = b.fields(properties, &required, &name, "/properties")?;
    let mut root = StructDef { name: name.clone(), doc: description(schema), fields };
    let attributes = b.attributes(properties)?;
    let replaces_on_change =
        b.create_only.iter().filter_map(|p| p.strip_prefix("/properties/")).map(|p| p.replace('/', ".")).collect();
    box_recursive_fields(&mut b.structs);
    b.structs.sort_by(|a, c| a.name.cmp(&c.name));
    b.enums.sort_by(|a, c| a.name.cmp(&c.name));
    root.fields.iter_mut().for_each(|f| f.boxed = false);
    Ok(ResourceModule {
        type_name: type_name.to_string(),
        service,
        module,
        name,
        doc: root.doc.clone(),
        root,
        structs: b.structs,
        enums: b.enums,
        attributes,
        replaces_on_change,
    })
}

fn string_set(v: Option<&J>) -> BTreeSet<String> {
    v.and_then(J::as_array).map(|a| a.iter().filter_map(J::as_str).map(str::to_string).collect()).unwrap_or_default()
}

fn description(schema: &J) -> Option<String> {
    schema.get("description").and_then(J::as_str).and_then(doc_text)
}

impl Builder<'_> {
    /// The fields of an object with `properties`, found at JSON pointer `path` (for
    /// read-only and create-only lookups).
    fn fields(
        &mut self,
        properties: &Map<String, J>,
        required: &BTreeSet<String>,
        owner: &str,
        path: &str,
    ) -> Result<Vec<Field>, String> {
        let mut fields = Vec::new();
        let mut rust_names = BTreeSet::new();
        for (json, prop) in properties {
            let prop_path = format!("{path}/{json}");
            if self.read_only.contains(&prop_path) {
                continue;
            }
            let Some(ty) = self.resolve(prop, json, owner, &prop_path)? else {
                continue;
            };
            let rust = field_name(json);
            if !rust_names.insert(rust.clone()) {
                return Err(format!("{}: two properties of {owner} map to the field name '{rust}'", self.type_name));
            }
            let doc = description(prop).or_else(|| {
                prop.get("$ref").and_then(J::as_str).and_then(|r| self.definition(r)).and_then(|d| description(&d))
            });
            fields.push(Field {
                json: json.clone(),
                rust,
                ty,
                required: required.contains(json),
                boxed: false,
                doc,
                create_only: self.create_only.contains(&prop_path),
            });
        }
        Ok(fields)
    }

    fn definition(&self, reference: &str) -> Option<J> {
        let name = reference.strip_prefix("#/definitions/")?;
        self.definitions.get(name).cloned()
    }

    /// The Rust shape of property `name` of `owner` with schema `schema`; `None` when it has
    /// nothing writable.
    fn resolve(&mut self, schema: &J, name: &str, owner: &str, path: &str) -> Result<Option<Ty>, String> {
        if let Some(reference) = schema.get("$ref").and_then(J::as_str) {
            let def_name = reference
                .strip_prefix("#/definitions/")
                .ok_or_else(|| format!("{}: unsupported $ref '{reference}'", self.type_name))?
                .to_string();
            let def = self
                .definitions
                .get(&def_name)
                .cloned()
                .ok_or_else(|| format!("{}: $ref to a missing definition '{def_name}'", self.type_name))?;
            if is_tag(&def) {
                return Ok(Some(Ty::Tag));
            }
            if has_properties(&def) {
                return Ok(self.struct_for_definition(&def_name, &def, path)?.map(Ty::Struct));
            }
            return self.resolve(&def, &def_name, owner, path);
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(J::String(t)) => vec![t.as_str()],
            Some(J::Array(a)) => a.iter().filter_map(J::as_str).collect(),
            _ => Vec::new(),
        };
        if types.len() > 1 {
            return Ok(Some(Ty::Json));
        }
        Ok(Some(match types.first().copied() {
            Some("string") => Ty::Str(self.string_enum(schema, name, owner)),
            Some("integer") => Ty::Int,
            Some("number") => Ty::Num,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let Some(items) = schema.get("items") else {
                    return Ok(Some(Ty::List(Box::new(Ty::Json))));
                };
                let Some(item) = self.resolve(items, name, owner, &format!("{path}/*"))? else {
                    return Ok(None);
                };
                match item {
                    Ty::Str(e) => Ty::StrList(e),
                    Ty::Map(_) => {
                        return Err(format!(
                            "{}: {owner}.{name} is a list of maps, which the generator does not support",
                            self.type_name
                        ));
                    }
                    other => Ty::List(Box::new(other)),
                }
            }
            Some("object") | None if has_properties(schema) => {
                if is_tag(schema) {
                    Ty::Tag
                } else {
                    match self.object_struct(&pascal_case(name), schema, path)? {
                        Some(s) => Ty::Struct(s),
                        None => return Ok(None),
                    }
                }
            }
            Some("object") => match schema.get("patternProperties").and_then(J::as_object) {
                Some(patterns) if patterns.len() == 1 => {
                    let (_, value) = patterns.iter().next().expect("one pattern");
                    match self.resolve(value, name, owner, &format!("{path}/*"))? {
                        Some(t) => Ty::Map(Box::new(t)),
                        None => return Ok(None),
                    }
                }
                _ => Ty::Json,
            },
            _ => Ty::Json,
        }))
    }

    fn struct_for_definition(&mut self, def_name: &str, def: &J, path: &str) -> Result<Option<String>, String> {
        if let Some(done) = self.def_structs.get(def_name) {
            return Ok(done.clone());
        }
        let name = self.unique_struct_name(&pascal_case(def_name));
        // Reserve first: the definition may refer to itself.
        self.def_structs.insert(def_name.to_string(), Some(name.clone()));
        let built = self.build_struct(&name, def, path)?;
        if !built {
            self.def_structs.insert(def_name.to_string(), None);
            self.names.remove(&name);
            return Ok(None);
        }
        Ok(Some(name))
    }

    fn object_struct(&mut self, hint: &str, schema: &J, path: &str) -> Result<Option<String>, String> {
        let name = self.unique_struct_name(hint);
        if self.build_struct(&name, schema, path)? {
            Ok(Some(name))
        } else {
            self.names.remove(&name);
            Ok(None)
        }
    }

    /// Builds the struct `name` from an object schema; false when it has no writable field.
    fn build_struct(&mut self, name: &str, schema: &J, path: &str) -> Result<bool, String> {
        let empty = Map::new();
        let properties = schema.get("properties").and_then(J::as_object).unwrap_or(&empty);
        let required = string_set(schema.get("required"));
        let fields = self.fields(properties, &required, name, path)?;
        if fields.is_empty() {
            return Ok(false);
        }
        self.structs.push(StructDef { name: name.to_string(), doc: description(schema), fields });
        Ok(true)
    }

    fn unique_struct_name(&mut self, hint: &str) -> String {
        let mut name = hint.to_string();
        if self.names.contains_key(&name) {
            name = format!("{hint}Property");
        }
        let mut n = 2;
        while self.names.contains_key(&name) {
            name = format!("{hint}Property{n}");
            n += 1;
        }
        self.names.insert(name.clone(), TypeName::Struct);
        name
    }

    /// The enum for a string schema with `enum` values, shared by properties with the same
    /// name and values.
    fn string_enum(&mut self, schema: &J, name: &str, owner: &str) -> Option<String> {
        let values: Vec<String> =
            schema.get("enum")?.as_array()?.iter().map(|v| v.as_str().map(str::to_string)).collect::<Option<_>>()?;
        if values.is_empty() {
            return None;
        }
        let wanted = TypeName::Enum(values.clone());
        let base = pascal_case(name);
        let mut candidates = vec![base.clone(), format!("{owner}{base}")];
        candidates.extend((2..).take(20).map(|n| format!("{owner}{base}{n}")));
        for candidate in candidates {
            match self.names.get(&candidate) {
                Some(existing) if *existing == wanted => return Some(candidate),
                Some(_) => continue,
                None => {
                    self.names.insert(candidate.clone(), wanted);
                    self.enums.push(EnumDef {
                        name: candidate.clone(),
                        doc: description(schema),
                        variants: variant_names(&values),
                    });
                    return Some(candidate);
                }
            }
        }
        None
    }

    /// Getters for the read-only properties that `Fn::GetAtt` can return as a scalar or a
    /// list of strings. Top-level ones come first and win a name collision.
    fn attributes(&self, properties: &Map<String, J>) -> Result<Vec<AttrDef>, String> {
        let mut paths: Vec<Vec<String>> = self
            .read_only
            .iter()
            .filter_map(|p| p.strip_prefix("/properties/"))
            .map(|p| p.split('/').map(str::to_string).collect::<Vec<_>>())
            .filter(|parts| !parts.iter().any(|p| p == "*"))
            .collect();
        let writable = WRITABLE_ATTRIBUTES
            .iter()
            .filter(|(t, _)| *t == self.type_name)
            .flat_map(|(_, names)| names.iter())
            .filter(|name| properties.contains_key(**name))
            .map(|name| vec![(*name).to_string()]);
        paths.extend(writable);
        // Top-level attributes first (they win a name collision), then by name.
        paths.sort_by(|a, b| (a.len() > 1, a).cmp(&(b.len() > 1, b)));
        let mut methods = BTreeSet::new();
        let mut out = Vec::new();
        for parts in paths {
            let Some(schema) = self.walk(properties, &parts) else {
                continue;
            };
            let kind = match self.scalar_kind(&schema) {
                Some(k) => k,
                None => continue,
            };
            let mut method = parts.iter().map(|p| snake_case(p)).collect::<Vec<_>>().join("_");
            if RESOURCE_METHODS.contains(&method.as_str()) {
                method.push_str("_attr");
            }
            let method = escape_keyword(method);
            if !methods.insert(method.clone()) {
                continue;
            }
            out.push(AttrDef { method, name: parts.join("."), kind, doc: description(&schema) });
        }
        Ok(out)
    }

    /// The schema at a property path, following `$ref`s.
    fn walk(&self, properties: &Map<String, J>, parts: &[String]) -> Option<J> {
        let mut cur = self.deref(properties.get(&parts[0])?.clone());
        for part in &parts[1..] {
            cur = self.deref(cur.get("properties")?.get(part)?.clone());
        }
        Some(cur)
    }

    fn deref(&self, mut schema: J) -> J {
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

    fn scalar_kind(&self, schema: &J) -> Option<&'static str> {
        match schema.get("type")? {
            J::String(t) => match t.as_str() {
                "string" => Some("String"),
                "integer" => Some("i64"),
                "boolean" => Some("bool"),
                "array" => {
                    let items = self.deref(schema.get("items")?.clone());
                    (items.get("type")? == "string").then_some("Vec<String>")
                }
                _ => None,
            },
            _ => None,
        }
    }
}

fn has_properties(schema: &J) -> bool {
    schema.get("properties").and_then(J::as_object).is_some_and(|p| !p.is_empty())
}

/// The common tag shape: exactly `Key` and `Value`, both required strings.
fn is_tag(schema: &J) -> bool {
    let Some(props) = schema.get("properties").and_then(J::as_object) else {
        return false;
    };
    let required = string_set(schema.get("required"));
    props.len() == 2
        && ["Key", "Value"]
            .iter()
            .all(|k| required.contains(*k) && props.get(*k).and_then(|p| p.get("type")).is_some_and(|t| t == "string"))
}

/// Boxes optional struct fields that would make a struct contain itself.
fn box_recursive_fields(structs: &mut [StructDef]) {
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

// ---------------------------------------------------------------------------------------------
// Names

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

fn escape_keyword(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) { format!("{name}_") } else { name }
}

/// `VpcId` → `vpc_id`, `Ipv4IpamPoolId` → `ipv4_ipam_pool_id`, `OIDCProvider` →
/// `oidc_provider`.
pub fn snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) { format!("n{out}") } else { out }
}

fn field_name(json: &str) -> String {
    escape_keyword(snake_case(json))
}

/// `vpc_gateway_attachment` or `VPCGatewayAttachment` → `VpcGatewayAttachment`.
pub fn pascal_case(s: &str) -> String {
    snake_case(s)
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Variant names for enum values: `GreaterThanThreshold` stays, `AL2_x86_64` →
/// `Al2X8664`, `ipv4` → `Ipv4`, `1.0` → `V1_0`-like `V10`.
fn variant_names(values: &[String]) -> Vec<(String, String)> {
    let mut taken = BTreeSet::new();
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let mut name: String = value
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let all_upper = !p.chars().any(|c| c.is_ascii_lowercase());
                    let mut c = p.chars();
                    let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or_default();
                    let rest: String = if all_upper { c.as_str().to_ascii_lowercase() } else { c.as_str().to_string() };
                    format!("{first}{rest}")
                })
                .collect();
            if name.is_empty() {
                name = format!("Value{}", i + 1);
            }
            if name.starts_with(|c: char| c.is_ascii_digit()) {
                name = format!("V{name}");
            }
            if name == "Self" {
                name = "SelfValue".into();
            }
            let base = name.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            (name, value.clone())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Doc comments

/// The first paragraph of a description, cut at a sentence end near 600 characters, escaped
/// so that rustdoc renders it as text: no code blocks, no intra-doc links, no HTML, no bare
/// URLs.
fn doc_text(raw: &str) -> Option<String> {
    let first =
        raw.split('\n').map(str::trim).find(|p| !p.is_empty())?.split_whitespace().collect::<Vec<_>>().join(" ");
    if first.is_empty() || first.eq_ignore_ascii_case("todo: add description") {
        return None;
    }
    let mut text = first;
    if text.chars().count() > 600 {
        let cut: String = text.chars().take(600).collect();
        text = match cut.rfind(". ") {
            Some(i) if i > 100 => cut[..=i].to_string(),
            _ => format!("{}…", cut.trim_end()),
        };
    }
    Some(escape_markdown(&text))
}

fn escape_markdown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let mut code: Option<usize> = None;
    // Unbalanced backticks would swallow the rest: escape them all when the runs do not pair.
    let balanced = backtick_runs_balanced(&chars);
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            if !balanced {
                for _ in 0..run {
                    out.push_str("\\`");
                }
            } else {
                match code {
                    None => code = Some(run),
                    Some(n) if n == run => code = None,
                    Some(_) => {}
                }
                out.extend(std::iter::repeat_n('`', run));
            }
            i += run;
            continue;
        }
        if code.is_some() {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                // Keep `[text](http...)` links, escape other brackets.
                if let Some(len) = markdown_link_len(&chars[i..]) {
                    let link: String = chars[i..i + len].iter().collect();
                    out.push_str(&link);
                    i += len;
                    continue;
                }
                out.push_str("\\[");
            }
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            'h' if starts_with_url(&chars[i..]) => {
                let len = chars[i..]
                    .iter()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '"' | '\'' | '<' | '>'))
                    .count();
                let mut url: String = chars[i..i + len].iter().collect();
                let trailing: String = {
                    let trimmed = url.trim_end_matches(['.', ',', ';', ':']).len();
                    let t = url[trimmed..].to_string();
                    url.truncate(trimmed);
                    t
                };
                let _ = write!(out, "<{url}>{trailing}");
                i += len;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn backtick_runs_balanced(chars: &[char]) -> bool {
    let mut i = 0;
    let mut open: Option<usize> = None;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            match open {
                None => open = Some(run),
                Some(n) if n == run => open = None,
                Some(_) => {}
            }
            i += run;
        } else {
            i += 1;
        }
    }
    open.is_none()
}

fn starts_with_url(chars: &[char]) -> bool {
    let s: String = chars.iter().take(8).collect();
    s.starts_with("https://") || s.starts_with("http://")
}

/// The length of a `[text](http...)` link at the start of `chars`, if there is one.
fn markdown_link_len(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|c| *c == ']')?;
    if chars[1..close].iter().any(|c| matches!(c, '[' | '`')) {
        return None;
    }
    if chars.get(close + 1) != Some(&'(') || !starts_with_url(&chars[close + 2..]) {
        return None;
    }
    let end = chars[close + 2..].iter().position(|c| *c == ')' || c.is_whitespace())?;
    (chars[close + 2 + end] == ')').then_some(close + 2 + end + 1)
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// Generates every file from the schemas of the allowlisted types.
pub fn generate(version: &str, schemas: &[(String, J)]) -> Result<BTreeMap<String, String>, String> {
    let mut modules = Vec::new();
    for (type_name, schema) in schemas {
        modules.push(build_module(type_name, schema)?);
    }
    modules.sort_by(|a, b| (&a.service, &a.module).cmp(&(&b.service, &b.module)));
    let mut files = BTreeMap::new();
    let mut services: BTreeMap<String, Vec<&ResourceModule>> = BTreeMap::new();
    for m in &modules {
        services.entry(m.service.clone()).or_default().push(m);
        files.insert(format!("{}/{}.rs", m.service, m.module), render_resource(m, version));
    }
    for (service, ms) in &services {
        files.insert(format!("{service}/mod.rs"), render_service(service, ms, version));
    }
    files.insert("mod.rs".into(), render_root(&services, version));
    Ok(files)
}

fn header(version: &str) -> String {
    format!(
        "// Generated by stackwright-cfn-codegen from the CloudFormation registry schemas of cfn-lint {version}.\n// Do not edit: change the generator or the allowlist and run `cargo run -p stackwright-cfn-codegen`.\n"
    )
}

fn render_root(services: &BTreeMap<String, Vec<&ResourceModule>>, version: &str) -> String {
    let mut out = String::new();
    out.push_str(&header(version));
    out.push('\n');
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

fn render_service(service: &str, modules: &[&ResourceModule], version: &str) -> String {
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
    let _ = service;
    out
}

fn push_doc(out: &mut String, indent: &str, doc: Option<&str>) {
    if let Some(doc) = doc {
        let _ = writeln!(out, "{indent}/// {doc}");
    }
}

fn render_resource(m: &ResourceModule, version: &str) -> String {
    let mut out = String::new();
    match &m.doc {
        Some(d) => {
            let _ = writeln!(out, "//! `{}`: {d}", m.type_name);
        }
        None => {
            let _ = writeln!(out, "//! `{}`.", m.type_name);
        }
    }
    out.push('\n');
    out.push_str(&header(version));
    out.push('\n');

    // The resource.
    let mut body = String::new();
    render_struct(&mut body, &m.root, Some(m));
    // Its attributes.
    let attrs = format!("{}Attributes", m.name);
    let _ = writeln!(
        body,
        "\n/// The attributes of a [`{}`] in a template: `Ref` is [`Resource::reference`](stackwright_core::Resource::reference), the\n/// getters below are `Fn::GetAtt`.\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub struct {attrs} {{\n    node: NodeRef,\n}}",
        m.name
    );
    let names = m.attributes.iter().map(|a| format!("{:?}", a.name)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        body,
        "\nimpl {attrs} {{\n    /// The attributes with a typed getter, as named in `Fn::GetAtt`.\n    pub const NAMES: &[&str] = &[{names}];"
    );
    for a in &m.attributes {
        body.push('\n');
        match &a.doc {
            Some(d) => {
                let _ = writeln!(body, "    /// `{}`: {d}", a.name);
            }
            None => {
                let _ = writeln!(body, "    /// `{}`.", a.name);
            }
        }
        let _ = writeln!(
            body,
            "    pub fn {}(&self) -> Attr<{}> {{\n        get_att(self.node, {:?})\n    }}",
            a.method, a.kind, a.name
        );
    }
    body.push_str("}\n");
    let _ = writeln!(
        body,
        "\nimpl ResourceType for {} {{\n    type Attributes = {attrs};\n\n    fn type_name(&self) -> &str {{\n        Self::TYPE_NAME\n    }}\n\n    fn properties(&self) -> Value {{\n        self.to_value()\n    }}\n\n    fn attributes(node: NodeRef) -> {attrs} {{\n        {attrs} {{ node }}\n    }}\n}}",
        m.name
    );
    for s in &m.structs {
        body.push('\n');
        render_struct(&mut body, s, None);
    }
    for e in &m.enums {
        body.push('\n');
        render_enum(&mut body, e);
    }
    // Import what the body uses.
    if body.contains("BTreeMap<") {
        out.push_str("use std::collections::BTreeMap;\n\n");
    }
    let mut core = vec!["NodeRef", "ResourceType", "ToValue"];
    if body.contains("Attr<") {
        core.insert(0, "Attr");
    }
    if body.contains("Val<") {
        core.push("Val");
    }
    core.push("Value");
    let _ = writeln!(out, "use stackwright_core::{{{}}};", core.join(", "));
    out.push('\n');
    if body.contains("get_att(") {
        out.push_str("use crate::props::{Props, get_att};\n");
    } else {
        out.push_str("use crate::props::Props;\n");
    }
    out.push('\n');
    out.push_str(&body);
    out
}

fn render_struct(out: &mut String, s: &StructDef, resource: Option<&ResourceModule>) {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let mut required_sorted = required.clone();
    required_sorted.sort_by(|a, b| a.json.cmp(&b.json));
    match (&s.doc, resource) {
        (Some(d), _) => push_doc(out, "", Some(d)),
        (None, Some(m)) => {
            let _ = writeln!(out, "/// `{}`.", m.type_name);
        }
        (None, None) => {}
    }
    if let Some(m) = resource {
        if s.doc.is_some() {
            out.push_str("///\n");
        }
        let _ = writeln!(
            out,
            "/// The `{}` resource: add it to a stack with `Resource::new(&stack, \"Id\", {}::new(…))`.",
            m.type_name, m.name
        );
    }
    let derive_default = required.is_empty();
    let _ = writeln!(out, "#[derive(Debug, Clone, PartialEq{})]", if derive_default { ", Default" } else { "" });
    let _ = writeln!(out, "pub struct {} {{", s.name);
    for (i, f) in s.fields.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_doc(out, "    ", f.doc.as_deref());
        if f.doc.is_some() {
            out.push_str("    ///\n");
        }
        let mut note = format!("    /// `{}`", f.json);
        if f.required {
            note.push_str(", required");
        }
        if f.create_only {
            note.push_str("; changing it replaces the resource");
        }
        note.push('.');
        let _ = writeln!(out, "{note}");
        let _ = writeln!(out, "    pub {}: {},", f.rust, field_type(f));
    }
    out.push_str("}\n\n");

    let _ = writeln!(out, "impl {} {{", s.name);
    if let Some(m) = resource {
        let _ =
            writeln!(out, "    /// The CloudFormation type name.\n    pub const TYPE_NAME: &str = {:?};", m.type_name);
        let list = m.replaces_on_change.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ");
        let _ = writeln!(
            out,
            "    /// The properties whose change replaces the resource (`createOnlyProperties`).\n    pub const REPLACES_ON_CHANGE: &[&str] = &[{list}];\n"
        );
    }
    // new()
    if required_sorted.is_empty() {
        let _ = writeln!(
            out,
            "    /// A `{}` with no property set.\n    pub fn new() -> Self {{\n        Self::default()\n    }}",
            s.name
        );
    } else {
        let args = required_sorted.iter().map(|f| format!("`{}`", f.rust)).collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "    /// A `{}` with its required properties ({args}); the others are unset.", s.name);
        if required_sorted.len() > 7 {
            out.push_str("    #[allow(clippy::too_many_arguments)]\n");
        }
        let params = required_sorted
            .iter()
            .map(|f| format!("{}: {}", f.rust, f.ty.param(&f.rust).0))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "    pub fn new({params}) -> Self {{");
        let _ = writeln!(out, "        {} {{", s.name);
        for f in &s.fields {
            if f.required {
                let (_, conv) = f.ty.param(&f.rust);
                if conv == f.rust {
                    let _ = writeln!(out, "            {},", f.rust);
                } else {
                    let _ = writeln!(out, "            {}: {conv},", f.rust);
                }
            } else {
                let _ = writeln!(out, "            {}: None,", f.rust);
            }
        }
        out.push_str("        }\n    }\n");
    }
    // Setters for optional fields.
    for f in s.fields.iter().filter(|f| !f.required) {
        let (param, conv) = f.ty.param("value");
        let setter = format!("with_{}", f.rust.trim_end_matches('_'));
        let wrapped = if f.boxed { format!("Some(Box::new({conv}))") } else { format!("Some({conv})") };
        let _ = writeln!(
            out,
            "\n    /// Sets `{}`.\n    pub fn {setter}(mut self, value: {param}) -> Self {{\n        self.{} = {wrapped};\n        self\n    }}",
            f.json, f.rust
        );
    }
    out.push_str("}\n\n");

    // ToValue
    let _ = writeln!(out, "impl ToValue for {} {{\n    fn to_value(&self) -> Value {{", s.name);
    let _ = writeln!(out, "        Props::with_capacity({})", s.fields.len());
    for f in &s.fields {
        let call = match (&f.ty, f.required, f.boxed) {
            (Ty::Map(_), true, _) => format!(".map({:?}, Some(&self.{}))", f.json, f.rust),
            (Ty::Map(_), false, _) => format!(".map({:?}, self.{}.as_ref())", f.json, f.rust),
            (_, true, _) => format!(".req({:?}, &self.{})", f.json, f.rust),
            (_, false, true) => format!(".opt({:?}, self.{}.as_deref())", f.json, f.rust),
            (_, false, false) => format!(".opt({:?}, self.{}.as_ref())", f.json, f.rust),
        };
        let _ = writeln!(out, "            {call}");
    }
    out.push_str("            .build()\n    }\n}\n");
}

fn field_type(f: &Field) -> String {
    let t = if f.boxed { format!("Box<{}>", f.ty.rust()) } else { f.ty.rust() };
    if f.required { t } else { format!("Option<{t}>") }
}

fn render_enum(out: &mut String, e: &EnumDef) {
    push_doc(out, "", e.doc.as_deref());
    if e.doc.is_some() {
        out.push_str("///\n");
    }
    let _ = writeln!(
        out,
        "/// Converts into a `Val<String>`; a string works too, for values added after this was generated."
    );
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\n");
    let _ = writeln!(out, "pub enum {} {{", e.name);
    for (variant, value) in &e.variants {
        let _ = writeln!(out, "    /// `{}`", value.replace('`', "'"));
        let _ = writeln!(out, "    {variant},");
    }
    out.push_str("}\n\n");
    let _ = writeln!(
        out,
        "impl {} {{\n    /// The value as written in a template.\n    pub fn as_str(self) -> &'static str {{\n        match self {{",
        e.name
    );
    for (variant, value) in &e.variants {
        let _ = writeln!(out, "            {}::{variant} => {value:?},", e.name);
    }
    out.push_str("        }\n    }\n}\n\n");
    let _ = writeln!(
        out,
        "impl From<{0}> for Val<String> {{\n    fn from(value: {0}) -> Self {{\n        Val::from(value.as_str())\n    }}\n}}",
        e.name
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake_case("VpcId"), "vpc_id");
        assert_eq!(snake_case("Ipv4IpamPoolId"), "ipv4_ipam_pool_id");
        assert_eq!(snake_case("OIDCProvider"), "oidc_provider");
        assert_eq!(snake_case("VPCGatewayAttachment"), "vpc_gateway_attachment");
        assert_eq!(snake_case("EnableDns64"), "enable_dns64");
        assert_eq!(pascal_case("VPC"), "Vpc");
        assert_eq!(pascal_case("EIP"), "Eip");
        assert_eq!(field_name("Type"), "type_");
        let v: Vec<String> =
            ["AL2_x86_64", "GreaterThanThreshold", "ipv4", "1.0", "*"].iter().map(|s| s.to_string()).collect();
        let names: Vec<String> = variant_names(&v).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Al2X8664", "GreaterThanThreshold", "Ipv4", "V10", "Value5"]);
    }

    #[test]
    fn docs_are_escaped() {
        assert_eq!(
            doc_text("See [Tags](https://x.example/t) and [note], `a<b>` <b> https://y.example/z.\nMore.").unwrap(),
            "See [Tags](https://x.example/t) and \\[note\\], `a<b>` &lt;b&gt; <https://y.example/z>."
        );
        assert_eq!(doc_text("  \n   indented code\n").unwrap(), "indented code");
        assert_eq!(doc_text("Todo: add description"), None);
    }

    #[test]
    fn allowlist() {
        assert_eq!(
            parse_allowlist("# c\nAWS::EC2::VPC # the vpc\n\nAWS::IAM::Role\n").unwrap(),
            ["AWS::EC2::VPC", "AWS::IAM::Role"]
        );
        assert!(parse_allowlist("AWS::EC2::VPC\nAWS::EC2::VPC\n").is_err());
        assert!(parse_allowlist("EC2::VPC\n").is_err());
        assert_eq!(schema_file_name("AWS::EC2::VPC"), "aws-ec2-vpc.json");
    }
}
