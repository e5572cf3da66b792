//! The generated structs: the resource struct and the property structs, each with its
//! constructor, `with_*` setters and `ToValue` implementation.

use std::fmt::Write as _;

use super::push_doc;
use super::types::{field_type, param};
use crate::model::{Field, ResourceModule, StructDef, Ty};

/// A struct of module `m` with its `impl` and `ToValue`; `root` for the resource struct itself.
pub(super) fn render_struct(out: &mut String, s: &StructDef, m: &ResourceModule, root: bool) {
    struct_docs(out, s, m, root);
    struct_definition(out, s, m, root);
    let _ = writeln!(out, "impl {} {{", s.name);
    if root {
        resource_constants(out, m);
    }
    constructor(out, s);
    for f in s.fields.iter().filter(|f| !f.required) {
        setter(out, f);
    }
    out.push_str("}\n\n");
    to_value_impl(out, s);
}

/// The doc comment of a struct: its description, or what it is in the schema.
fn struct_docs(out: &mut String, s: &StructDef, m: &ResourceModule, root: bool) {
    match &s.doc {
        Some(d) => push_doc(out, "", Some(d)),
        None if root => {
            let _ = writeln!(out, "/// `{}`.", m.type_name);
        }
        None => {
            let _ = writeln!(out, "/// The `{}` property type of `{}`.", s.schema_name, m.type_name);
        }
    }
    if root {
        if s.doc.is_some() {
            out.push_str("///\n");
        }
        let _ = writeln!(
            out,
            "/// The `{}` resource: add it to a stack with `Resource::new(&stack, \"Id\", {}::new(…))`.",
            m.type_name, m.name
        );
    }
}

/// The struct item: its derives and documented fields.
fn struct_definition(out: &mut String, s: &StructDef, m: &ResourceModule, root: bool) {
    let derive_default = s.fields.iter().all(|f| !f.required);
    let _ = writeln!(out, "#[derive(Debug, Clone, PartialEq{})]", if derive_default { ", Default" } else { "" });
    let _ = writeln!(out, "pub struct {} {{", s.name);
    for (i, f) in s.fields.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", field_docs(f, s, m, root));
        let _ = writeln!(out, "    pub {}: {},", f.rust, field_type(f));
    }
    out.push_str("}\n\n");
}

/// The doc comment of a field: its description and a note with its CloudFormation name, or
/// without a description, a sentence saying whose property it is.
fn field_docs(f: &Field, s: &StructDef, m: &ResourceModule, root: bool) -> String {
    let mut notes = String::new();
    if f.required {
        notes.push_str(", required");
    }
    if f.create_only {
        notes.push_str("; changing it replaces the resource");
    }
    match &f.doc {
        Some(d) => format!("    /// {d}\n    ///\n    /// `{}`{notes}.", f.json),
        None if root => format!("    /// The `{}` property of `{}`{notes}.", f.json, m.type_name),
        None => format!("    /// The `{}` property of `{}` in `{}`{notes}.", f.json, s.schema_name, m.type_name),
    }
}

/// `TYPE_NAME` and `REPLACES_ON_CHANGE` of the resource struct.
fn resource_constants(out: &mut String, m: &ResourceModule) {
    let _ = writeln!(out, "    /// The CloudFormation type name.\n    pub const TYPE_NAME: &str = {:?};", m.type_name);
    let list = m.replaces_on_change.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        out,
        "    /// The properties whose change replaces the resource (`createOnlyProperties`).\n    pub const REPLACES_ON_CHANGE: &[&str] = &[{list}];\n"
    );
}

/// `new`: the required properties as arguments (by property name), the others unset.
fn constructor(out: &mut String, s: &StructDef) {
    let mut required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    required.sort_by(|a, b| a.json.cmp(&b.json));
    if required.is_empty() {
        let _ = writeln!(
            out,
            "    /// A `{}` with no property set.\n    pub fn new() -> Self {{\n        Self::default()\n    }}",
            s.name
        );
        return;
    }
    let args = required.iter().map(|f| format!("`{}`", f.rust)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(out, "    /// A `{}` with its required properties ({args}); the others are unset.", s.name);
    if required.len() > 7 {
        out.push_str("    #[expect(clippy::too_many_arguments, reason = \"one argument per required property\")]\n");
    }
    let params =
        required.iter().map(|f| format!("{}: {}", f.rust, param(&f.ty, &f.rust).0)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(out, "    pub fn new({params}) -> Self {{");
    let _ = writeln!(out, "        {} {{", s.name);
    for f in &s.fields {
        if !f.required {
            let _ = writeln!(out, "            {}: None,", f.rust);
            continue;
        }
        let (_, conv) = param(&f.ty, &f.rust);
        if conv == f.rust {
            let _ = writeln!(out, "            {},", f.rust);
        } else {
            let _ = writeln!(out, "            {}: {conv},", f.rust);
        }
    }
    out.push_str("        }\n    }\n");
}

/// The `with_*` setter of an optional field.
fn setter(out: &mut String, f: &Field) {
    let (param, conv) = param(&f.ty, "value");
    let setter = format!("with_{}", f.rust.trim_end_matches('_'));
    let wrapped = if f.boxed { format!("Some(Box::new({conv}))") } else { format!("Some({conv})") };
    let _ = writeln!(
        out,
        "\n    /// Sets `{}`.\n    #[must_use]\n    pub fn {setter}(mut self, value: {param}) -> Self {{\n        self.{} = {wrapped};\n        self\n    }}",
        f.json, f.rust
    );
}

/// `ToValue`: the set properties as a template map, by property name.
fn to_value_impl(out: &mut String, s: &StructDef) {
    let _ = writeln!(out, "impl ToValue for {} {{", s.name);
    // One line per property: a type with very many (AWS::RDS::DBInstance has 83) exceeds
    // clippy's too_many_lines (80, clippy.toml), which says nothing about a flat list.
    if s.fields.len() > 76 {
        out.push_str("    #[expect(clippy::too_many_lines, reason = \"one line per property of the type\")]\n");
    }
    out.push_str("    fn to_value(&self) -> Value {\n");
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
