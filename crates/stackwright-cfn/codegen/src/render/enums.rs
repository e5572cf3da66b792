//! The enums of string properties with `enum` values, which convert into `Val<String>`.

use std::fmt::Write as _;

use super::push_doc;
use crate::model::{EnumDef, ResourceModule};

/// An enum of module `m`, its `as_str` and its conversion into `Val<String>`.
pub(super) fn render_enum(out: &mut String, e: &EnumDef, m: &ResourceModule) {
    match e.doc.as_deref() {
        Some(d) => push_doc(out, "", Some(d)),
        None => {
            let _ = writeln!(out, "/// The values of `{}` in `{}`.", e.property, m.type_name);
        }
    }
    out.push_str("///\n");
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
    // A table indexed by the discriminant rather than a match: an enum may have a hundred
    // values, and its `as_str` stays one line (clippy's too_many_lines).
    let _ = writeln!(
        out,
        "impl {} {{\n    /// The values as written in a template, in the order of the variants.\n    const VALUES: &[&str] = &[",
        e.name
    );
    for (_, value) in &e.variants {
        let _ = writeln!(out, "        {value:?},");
    }
    out.push_str(
        "    ];\n\n    /// The value as written in a template.\n    pub fn as_str(self) -> &'static str {\n        Self::VALUES[self as usize]\n    }\n}\n\n",
    );
    let _ = writeln!(
        out,
        "impl From<{0}> for Val<String> {{\n    fn from(value: {0}) -> Self {{\n        Val::from(value.as_str())\n    }}\n}}",
        e.name
    );
}
