//! Deriving the fields, property structs and enums of a resource type from its schema.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value as J};

use super::{EnumDef, Field, StructDef, Ty, description};
use crate::naming::{field_name, pascal_case, variant_names};
use crate::schema::{ResourceSchema, has_properties, is_tag, string_set, type_names};

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

/// What a type name in the module is taken by: a struct, or an enum with these values (which
/// another property with the same values may share).
#[derive(Clone, PartialEq)]
enum TypeName {
    Struct,
    Enum(Vec<String>),
}

/// Collects the property structs and enums of one module while resolving its properties.
pub(super) struct Builder<'s, 'a> {
    schema: &'s ResourceSchema<'a>,
    /// Type names taken in the module.
    names: BTreeMap<String, TypeName>,
    /// Definition name → struct name (`None`: no writable property, so no struct).
    def_structs: HashMap<String, Option<String>>,
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
}

impl<'s, 'a> Builder<'s, 'a> {
    /// A builder for the module of the resource struct `name`, with the names the module
    /// already uses taken.
    pub(super) fn new(schema: &'s ResourceSchema<'a>, name: &str) -> Self {
        let mut names = BTreeMap::new();
        for reserved in RESERVED_TYPE_NAMES {
            names.insert((*reserved).to_string(), TypeName::Struct);
        }
        names.insert(name.to_string(), TypeName::Struct);
        names.insert(format!("{name}Attributes"), TypeName::Struct);
        Builder { schema, names, def_structs: HashMap::new(), structs: Vec::new(), enums: Vec::new() }
    }

    /// The property structs and enums collected, in the order they were found.
    pub(super) fn finish(self) -> (Vec<StructDef>, Vec<EnumDef>) {
        (self.structs, self.enums)
    }

    /// The fields of an object with `properties`, found at JSON pointer `path` (for
    /// read-only and create-only lookups).
    pub(super) fn fields(
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
            if self.schema.read_only.contains(&prop_path) {
                continue;
            }
            let Some(ty) = self.resolve(prop, json, owner, &prop_path)? else {
                continue;
            };
            let rust = field_name(json);
            if !rust_names.insert(rust.clone()) {
                return Err(format!(
                    "{}: two properties of {owner} map to the field name '{rust}'",
                    self.schema.type_name
                ));
            }
            let doc = description(prop).or_else(|| {
                prop.get("$ref")
                    .and_then(J::as_str)
                    .and_then(|r| self.schema.definition(r))
                    .and_then(|d| description(&d))
            });
            fields.push(Field {
                json: json.clone(),
                rust,
                ty,
                required: required.contains(json),
                boxed: false,
                doc,
                create_only: self.schema.create_only.contains(&prop_path),
            });
        }
        Ok(fields)
    }

    /// The Rust shape of property `name` of `owner` with schema `schema`; `None` when it has
    /// nothing writable.
    fn resolve(&mut self, schema: &J, name: &str, owner: &str, path: &str) -> Result<Option<Ty>, String> {
        if let Some(reference) = schema.get("$ref").and_then(J::as_str) {
            return self.resolve_ref(reference, owner, path);
        }
        let types = type_names(schema);
        if types.len() > 1 {
            return Ok(Some(Ty::Json));
        }
        match types.first().copied() {
            Some("string") => Ok(Some(Ty::Str(self.string_enum(schema, name, owner)))),
            Some("integer") => Ok(Some(Ty::Int)),
            Some("number") => Ok(Some(Ty::Num)),
            Some("boolean") => Ok(Some(Ty::Bool)),
            Some("array") => self.resolve_array(schema, name, owner, path),
            Some("object") | None if has_properties(schema) => {
                if is_tag(schema) {
                    return Ok(Some(Ty::Tag));
                }
                Ok(self.object_struct(name, schema, path)?.map(Ty::Struct))
            }
            Some("object") => self.resolve_map(schema, name, owner, path),
            _ => Ok(Some(Ty::Json)),
        }
    }

    /// A `$ref` property: the shared tag, the struct of its definition, or the definition's
    /// own shape when it is not an object.
    fn resolve_ref(&mut self, reference: &str, owner: &str, path: &str) -> Result<Option<Ty>, String> {
        let (def_name, def) = self.schema.resolve_ref(reference)?;
        if is_tag(&def) {
            return Ok(Some(Ty::Tag));
        }
        if has_properties(&def) {
            return Ok(self.struct_for_definition(&def_name, &def, path)?.map(Ty::Struct));
        }
        self.resolve(&def, &def_name, owner, path)
    }

    /// An `array` property: a list of its items' shape (`Val<Vec<String>>` for strings).
    fn resolve_array(&mut self, schema: &J, name: &str, owner: &str, path: &str) -> Result<Option<Ty>, String> {
        let Some(items) = schema.get("items") else {
            return Ok(Some(Ty::List(Box::new(Ty::Json))));
        };
        let Some(item) = self.resolve(items, name, owner, &format!("{path}/*"))? else {
            return Ok(None);
        };
        match item {
            Ty::Str(e) => Ok(Some(Ty::StrList(e))),
            Ty::Map(_) => Err(format!(
                "{}: {owner}.{name} is a list of maps, which the generator does not support",
                self.schema.type_name
            )),
            other => Ok(Some(Ty::List(Box::new(other)))),
        }
    }

    /// An `object` property without `properties`: a map when it has one `patternProperties`
    /// entry, free-form JSON otherwise.
    fn resolve_map(&mut self, schema: &J, name: &str, owner: &str, path: &str) -> Result<Option<Ty>, String> {
        match schema.get("patternProperties").and_then(J::as_object) {
            Some(patterns) if patterns.len() == 1 => {
                let (_, value) = patterns.iter().next().expect("one pattern");
                Ok(self.resolve(value, name, owner, &format!("{path}/*"))?.map(|t| Ty::Map(Box::new(t))))
            }
            _ => Ok(Some(Ty::Json)),
        }
    }

    /// The struct of a definition, built once and shared by every property referring to it.
    fn struct_for_definition(&mut self, def_name: &str, def: &J, path: &str) -> Result<Option<String>, String> {
        if let Some(done) = self.def_structs.get(def_name) {
            return Ok(done.clone());
        }
        let name = self.unique_struct_name(&pascal_case(def_name));
        // Reserve first: the definition may refer to itself.
        self.def_structs.insert(def_name.to_string(), Some(name.clone()));
        let built = self.build_struct(&name, def_name, def, path)?;
        if !built {
            self.def_structs.insert(def_name.to_string(), None);
            self.names.remove(&name);
            return Ok(None);
        }
        Ok(Some(name))
    }

    /// The struct of an inline object schema, named after its property `property`.
    fn object_struct(&mut self, property: &str, schema: &J, path: &str) -> Result<Option<String>, String> {
        let name = self.unique_struct_name(&pascal_case(property));
        if self.build_struct(&name, property, schema, path)? {
            Ok(Some(name))
        } else {
            self.names.remove(&name);
            Ok(None)
        }
    }

    /// Builds the struct `name` from an object schema (the definition or property
    /// `schema_name`); false when it has no writable field.
    fn build_struct(&mut self, name: &str, schema_name: &str, schema: &J, path: &str) -> Result<bool, String> {
        let empty = Map::new();
        let properties = schema.get("properties").and_then(J::as_object).unwrap_or(&empty);
        let required = string_set(schema.get("required"));
        let fields = self.fields(properties, &required, name, path)?;
        if fields.is_empty() {
            return Ok(false);
        }
        self.structs.push(StructDef {
            name: name.to_string(),
            schema_name: schema_name.to_string(),
            doc: description(schema),
            fields,
        });
        Ok(true)
    }

    /// `hint`, or `hintProperty`, `hintProperty2`, … when taken; the name is then taken.
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
                        property: name.to_string(),
                        doc: description(schema),
                        variants: variant_names(&values),
                    });
                    return Some(candidate);
                }
            }
        }
        None
    }
}
