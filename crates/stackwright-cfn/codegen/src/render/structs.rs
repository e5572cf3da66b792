//! The generated structs: the resource struct and the property structs, each with its
//! constructor, `with_*` setters and `ToValue` implementation.

use std::fmt::Write as _;

use super::push_doc;
use super::types::{field_type, param};
use crate::model::{Field, ResourceModule, StructDef, Ty};

/// A struct with its `impl` and `ToValue`; `resource` is set for the resource struct itself.
pub(super) fn render_struct(out: &mut String, s: &StructDef, resource: Option<&ResourceModule>) {
    struct_docs(out, s, resource);
    struct_definition(out, s);
    let _ = writeln!(out, "impl {} {{", s.name);
    if let Some(m) = resource {
        resource_constants(out, m);
    }
    constructor(out, s);
    for f in s.fields.iter().filter(|f| !f.required) {
        setter(out, f);
    }
    out.push_str("}\n\n");
    to_value_impl(out, s);
}

/// The doc comment of a struct.
fn struct_docs(out: &mut String, s: &StructDef, resource: Option<&ResourceModule>) {
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
}

/// The struct item: its derives and documented fields.
fn struct_definition(out: &mut String, s: &StructDef) {
    let derive_default = s.fields.iter().all(|f| !f.required);
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
        out.push_str("    #[allow(clippy::too_many_arguments)]\n");
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
        "\n    /// Sets `{}`.\n    pub fn {setter}(mut self, value: {param}) -> Self {{\n        self.{} = {wrapped};\n        self\n    }}",
        f.json, f.rust
    );
}

/// `ToValue`: the set properties as a template map, by property name.
fn to_value_impl(out: &mut String, s: &StructDef) {
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
