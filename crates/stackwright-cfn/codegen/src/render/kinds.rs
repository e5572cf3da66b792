//! The `kinds` module: the marker types of `kinds.txt`, each documented with the `Ref`s and
//! attributes that return it.

use std::fmt::Write as _;

use super::header;
use crate::schema::kinds::KindTable;

/// The file `kinds.rs`.
pub(super) fn render_kinds(table: &KindTable, version: &str) -> String {
    let mut out = String::new();
    out.push_str(
        "//! The kinds of typed attributes: marker types for strings that identify one kind of thing (a\n\
         //! VPC id, a cluster name), so that a subnet id cannot be passed where a VPC id is wanted.\n\
         //!\n\
         //! The getters of the attributes listed in `kinds.txt` return them (`Attr<VpcId>`), and so\n\
         //! does the `Ref` of the types listed there\n\
         //! ([`Resource::reference`](stackwright_core::Resource::reference) returns an\n\
         //! `Attr<ResourceType::Ref>`); an attribute not listed keeps its schema type, and `Ref` is a\n\
         //! `String`.\n\n",
    );
    out.push_str(&header(version));
    out.push_str("\n/// An Amazon Resource Name: the core's kind, beside the ones generated here.\npub use stackwright_core::Arn;\n");
    if table.kinds.is_empty() {
        return out;
    }
    out.push_str("\nstackwright_core::string_kinds! {\n");
    for (kind, doc) in &table.kinds {
        let _ = writeln!(out, "    /// {doc}\n    ///\n    /// Returned by {}.\n    {kind},", sources(table, kind));
    }
    out.push_str("}\n");
    out
}

/// "`AWS::EC2::VPC` (`Ref`, `VpcId`), `AWS::EC2::Subnet` (`VpcId`)": the entries giving `kind`,
/// by type, `Ref` first.
fn sources(table: &KindTable, kind: &str) -> String {
    let mut by_type: Vec<(&str, Vec<&str>)> = Vec::new();
    for (type_name, attribute) in table.sources(kind) {
        match by_type.last_mut() {
            Some((t, attrs)) if *t == type_name => attrs.push(attribute),
            _ => by_type.push((type_name, vec![attribute])),
        }
    }
    by_type
        .iter_mut()
        .map(|(t, attrs)| {
            attrs.sort_by_key(|a| (*a != "Ref", *a));
            let attrs = attrs.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
            format!("`{t}` ({attrs})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}
