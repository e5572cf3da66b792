//! The type model: what one resource type becomes in Rust (its struct, the property structs and
//! enums of its module, its attribute getters), derived from its schema and independent of how
//! it is rendered.

mod attributes;
mod builder;
mod kinds;
mod recursion;

use serde_json::Value as J;

use crate::docs::doc_text;
use crate::naming::{pascal_case, snake_case};
use crate::schema::{ResourceSchema, string_set};
use builder::Builder;
pub(crate) use kinds::apply_kinds;

/// The Rust shape of a property.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// `Val<String>`, with the enum that converts into it.
    Str(Option<String>),
    /// `Val<i64>`.
    Int,
    /// `Val<f64>`.
    Num,
    /// `Val<bool>`.
    Bool,
    /// `Val<Vec<String>>`, with the enum of its items.
    StrList(Option<String>),
    /// `Vec<_>` of another shape.
    List(Box<Ty>),
    /// `BTreeMap<String, _>` (`patternProperties`).
    Map(Box<Ty>),
    /// A property struct of the module, by name.
    Struct(String),
    /// The shared `crate::Tag`.
    Tag,
    /// Free-form JSON: `Value`.
    Json,
}

/// A field of a generated struct: one writable property.
#[derive(Debug)]
pub(crate) struct Field {
    /// The property name in the template (`VpcId`).
    pub(crate) json: String,
    /// The Rust field name (`vpc_id`).
    pub(crate) rust: String,
    /// Its shape.
    pub(crate) ty: Ty,
    /// Whether the schema lists it in `required`.
    pub(crate) required: bool,
    /// Whether it is boxed, because its struct would otherwise contain itself.
    pub(crate) boxed: bool,
    /// The description, escaped for rustdoc.
    pub(crate) doc: Option<String>,
    /// Whether changing it replaces the resource (`createOnlyProperties`).
    pub(crate) create_only: bool,
}

/// A generated struct: the resource itself or one of its property types.
#[derive(Debug)]
pub(crate) struct StructDef {
    /// The Rust type name.
    pub(crate) name: String,
    /// What the schema calls it: the type (`AWS::EC2::VPC`), a definition, or the property
    /// holding an inline object.
    pub(crate) schema_name: String,
    /// The description, escaped for rustdoc.
    pub(crate) doc: Option<String>,
    /// The writable properties, in schema order (which is alphabetical in the registry).
    pub(crate) fields: Vec<Field>,
}

/// A generated enum for a string property with `enum` values.
#[derive(Debug)]
pub(crate) struct EnumDef {
    /// The Rust type name.
    pub(crate) name: String,
    /// The property it was first made for (others with the same name and values share it).
    pub(crate) property: String,
    /// The description, escaped for rustdoc.
    pub(crate) doc: Option<String>,
    /// (variant, value)
    pub(crate) variants: Vec<(String, String)>,
}

/// A typed getter for an `Fn::GetAtt` attribute.
#[derive(Debug)]
pub(crate) struct AttrDef {
    /// The method name (`vpc_id`).
    pub(crate) method: String,
    /// The attribute as named in `Fn::GetAtt` (`VpcId`, `Endpoint.Address`).
    pub(crate) name: String,
    /// The Rust type of the value: its schema type (`String`, `i64`, `bool`, `Vec<String>`),
    /// or the kind `kinds.txt` gives it (`crate::kinds::VpcId`).
    pub(crate) kind: String,
    /// The description, escaped for rustdoc.
    pub(crate) doc: Option<String>,
}

/// Everything generated for one resource type: the module `service::module`.
pub(crate) struct ResourceModule {
    /// `AWS::EC2::VPC`.
    pub(crate) type_name: String,
    /// The service module (`ec2`).
    pub(crate) service: String,
    /// The type's module (`vpc`).
    pub(crate) module: String,
    /// The resource struct's name (`Vpc`).
    pub(crate) name: String,
    /// The type's description, escaped for rustdoc.
    pub(crate) doc: Option<String>,
    /// The resource struct.
    pub(crate) root: StructDef,
    /// The property structs, by name.
    pub(crate) structs: Vec<StructDef>,
    /// The enums, by name.
    pub(crate) enums: Vec<EnumDef>,
    /// The attribute getters.
    pub(crate) attributes: Vec<AttrDef>,
    /// The kind of the resource's `Ref`: `String`, or the one `kinds.txt` gives it.
    pub(crate) ref_kind: String,
    /// The `createOnlyProperties`, as dotted paths below the resource.
    pub(crate) replaces_on_change: Vec<String>,
}

/// The model of `type_name` from its registry schema.
pub(crate) fn build_module(type_name: &str, schema: &J) -> Result<ResourceModule, String> {
    let schema = ResourceSchema::new(type_name, schema)?;
    let parts: Vec<&str> = type_name.split("::").collect();
    let service = parts[1].to_ascii_lowercase();
    let module = snake_case(parts[2]);
    let name = pascal_case(&module);
    let mut builder = Builder::new(&schema, &name);
    let required = string_set(schema.raw.get("required"));
    let fields = builder.fields(schema.properties, &required, &name, "/properties")?;
    let mut root =
        StructDef { name: name.clone(), schema_name: type_name.to_string(), doc: description(schema.raw), fields };
    let attributes = attributes::attributes(&schema);
    let replaces_on_change =
        schema.create_only.iter().filter_map(|p| p.strip_prefix("/properties/")).map(|p| p.replace('/', ".")).collect();
    let (mut structs, mut enums) = builder.finish();
    recursion::box_recursive_fields(&mut structs);
    structs.sort_by(|a, c| a.name.cmp(&c.name));
    enums.sort_by(|a, c| a.name.cmp(&c.name));
    root.fields.iter_mut().for_each(|f| f.boxed = false);
    Ok(ResourceModule {
        type_name: type_name.to_string(),
        service,
        module,
        name,
        doc: root.doc.clone(),
        root,
        structs,
        enums,
        attributes,
        ref_kind: "String".to_string(),
        replaces_on_change,
    })
}

/// The description of a schema, escaped for rustdoc; `None` when it has none worth showing.
fn description(schema: &J) -> Option<String> {
    schema.get("description").and_then(J::as_str).and_then(doc_text)
}
