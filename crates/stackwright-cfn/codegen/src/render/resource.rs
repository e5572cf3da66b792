//! The file of one resource type: its struct, its attributes, its `ResourceType`
//! implementation, and its property structs and enums.

use std::fmt::Write as _;

use super::enums::render_enum;
use super::header;
use super::structs::render_struct;
use crate::model::ResourceModule;

/// The whole file of a resource type.
pub(super) fn render_resource(m: &ResourceModule, version: &str) -> String {
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
    let body = body(m);
    imports(&mut out, &body);
    out.push('\n');
    out.push_str(&body);
    out
}

/// Everything after the imports.
fn body(m: &ResourceModule) -> String {
    let mut body = String::new();
    render_struct(&mut body, &m.root, m, true);
    attributes(&mut body, m);
    resource_type_impl(&mut body, m);
    for s in &m.structs {
        body.push('\n');
        render_struct(&mut body, s, m, false);
    }
    for e in &m.enums {
        body.push('\n');
        render_enum(&mut body, e, m);
    }
    body
}

/// The `…Attributes` struct and its typed `Fn::GetAtt` getters.
fn attributes(body: &mut String, m: &ResourceModule) {
    let attrs = format!("{}Attributes", m.name);
    let _ = writeln!(
        body,
        "\n/// The attributes of a [`{}`] in a template: `Ref` is [`Resource::reference`](stackwright_core::Resource::reference)\n/// (an `Attr<{}>`), the getters below are `Fn::GetAtt`.\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub struct {attrs} {{\n    node: NodeRef,\n}}",
        m.name,
        m.ref_kind.trim_start_matches("crate::kinds::")
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
                let _ = writeln!(body, "    /// `{}`: the `Fn::GetAtt` attribute of `{}`.", a.name, m.type_name);
            }
        }
        let _ = writeln!(
            body,
            "    pub fn {}(&self) -> Attr<{}> {{\n        get_att(self.node, {:?})\n    }}",
            a.method, a.kind, a.name
        );
    }
    body.push_str("}\n");
}

/// `impl ResourceType`: the type name, the kind of its `Ref`, the properties and the attributes
/// handle.
fn resource_type_impl(body: &mut String, m: &ResourceModule) {
    let attrs = format!("{}Attributes", m.name);
    let _ = writeln!(
        body,
        "\nimpl ResourceType for {} {{\n    type Attributes = {attrs};\n    type Ref = {};\n\n    fn type_name(&self) -> &str {{\n        Self::TYPE_NAME\n    }}\n\n    fn properties(&self) -> Value {{\n        self.to_value()\n    }}\n\n    fn attributes(node: NodeRef) -> {attrs} {{\n        {attrs} {{ node }}\n    }}\n}}",
        m.name, m.ref_kind
    );
}

/// The `use` lines for what `body` uses.
fn imports(out: &mut String, body: &str) {
    if body.contains("BTreeMap<") {
        out.push_str("use std::collections::BTreeMap;\n\n");
    }
    let mut core = vec!["NodeRef", "ResourceType", "ToValue"];
    if body.contains("-> Attr<") {
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
}
