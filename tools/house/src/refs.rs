//! The paths one module's code names: what the cycle check resolves into edges.
//!
//! Collected from the syntax tree, so comments, doc comments and string literals never count.
//! What counts: every leaf of a `use` tree (grouped or not), every path syn parses in
//! expressions, types, patterns, trait bounds and impls, and `crate::`/`super::`/`self::`
//! (and `$crate::`) sequences in the tokens of macro invocations and `macro_rules!` bodies,
//! which syn leaves unparsed. Visibility restrictions (`pub(in crate::a)`) and attributes are
//! not uses and are skipped.

use proc_macro2::{Spacing, Span, TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// A path as written in a module, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ref {
    /// The segments as written: `["crate", "a", "f"]`, `["super", "x"]`, `["foo", "Bar"]`.
    pub(crate) segs: Vec<String>,
    /// 1-based line of the path in its file.
    pub(crate) line: usize,
    /// The path as the report shows it (`use crate::a::X`, `crate::a::f`).
    pub(crate) text: String,
}

/// A name a `use` item brings into a module: `use crate::a::X as Y` binds `Y` to `crate::a::X`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Binding {
    /// The name in the importing module.
    pub(crate) name: String,
    /// The imported path as written (relative to the importing module).
    pub(crate) segs: Vec<String>,
}

/// Everything [`collect`] found in some items of one module.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Every path that may name a module of the crate.
    pub(crate) refs: Vec<Ref>,
    /// Names imported by `use`.
    pub(crate) bindings: Vec<Binding>,
    /// Glob imports (`use a::b::*`): the module path, as written.
    pub(crate) globs: Vec<Vec<String>>,
}

/// Collects the paths of one item (not descending into `mod` items: each module is its own
/// unit, see [`crate::modtree`]).
pub(crate) fn collect(item: &syn::Item, found: &mut Found) {
    Collector { found }.visit_item(item);
}

/// Whether `#[cfg(test)]` (or `#[cfg(all(test, …))]`) gates the item: such code is skipped,
/// like a dev-dependency (see the crate docs).
pub(crate) fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let syn::Meta::List(list) = &attr.meta else { return false };
        if !list.path.is_ident("cfg") {
            return false;
        }
        let mut tokens = list.tokens.clone().into_iter();
        match tokens.next() {
            Some(TokenTree::Ident(ident)) if ident == "test" => tokens.next().is_none(),
            Some(TokenTree::Ident(ident)) if ident == "all" => match tokens.next() {
                Some(TokenTree::Group(group)) => {
                    group.stream().into_iter().any(|t| matches!(&t, TokenTree::Ident(i) if i == "test"))
                }
                _ => false,
            },
            _ => false,
        }
    })
}

/// The syn visitor behind [`collect`].
struct Collector<'a> {
    found: &'a mut Found,
}

impl Collector<'_> {
    fn push(&mut self, segs: Vec<String>, span: Span, text: String) {
        self.found.refs.push(Ref { segs, line: span.start().line, text });
    }

    /// Flattens one `use` tree below `prefix` into refs, bindings and globs.
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => self.use_leaf(prefix, &name.ident, None),
            syn::UseTree::Rename(rename) => self.use_leaf(prefix, &rename.ident, Some(&rename.rename)),
            syn::UseTree::Glob(glob) => {
                if !prefix.is_empty() {
                    self.found.globs.push(prefix.clone());
                    let text = format!("use {}::*", prefix.join("::"));
                    self.push(prefix.clone(), glob.star_token.span, text);
                }
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    /// One leaf `ident` (or `ident as rename`) of a `use` tree; `self` names the prefix itself.
    fn use_leaf(&mut self, prefix: &[String], ident: &syn::Ident, rename: Option<&syn::Ident>) {
        let mut segs = prefix.to_vec();
        if ident != "self" || segs.is_empty() {
            segs.push(ident.to_string());
        }
        let text = format!("use {}", segs.join("::"));
        let name = rename.unwrap_or(ident).to_string();
        let name = if ident == "self" && rename.is_none() { segs.last().cloned().unwrap_or(name) } else { name };
        if name != "_" {
            self.found.bindings.push(Binding { name, segs: segs.clone() });
        }
        self.push(segs, ident.span(), text);
    }

    /// `crate::…`, `super::…`, `self::…` and `$crate::…` sequences in unparsed macro tokens.
    fn macro_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(group) => self.macro_tokens(group.stream()),
                TokenTree::Ident(ident) if is_root_keyword(&ident.to_string()) => {
                    let (segs, next) = path_at(&trees, i);
                    if segs.len() > 1 {
                        let text = segs.join("::");
                        self.push(segs, ident.span(), text);
                        i = next;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// Whether a path starting with this segment is anchored in the crate's own module tree.
fn is_root_keyword(seg: &str) -> bool {
    matches!(seg, "crate" | "super" | "self")
}

/// The `a::b::c` path of identifiers starting at `trees[start]`, and the index after it.
fn path_at(trees: &[TokenTree], start: usize) -> (Vec<String>, usize) {
    let mut segs = Vec::new();
    let mut i = start;
    while let Some(TokenTree::Ident(ident)) = trees.get(i) {
        segs.push(ident.to_string());
        i += 1;
        let colons = matches!(
            (trees.get(i), trees.get(i + 1)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
        );
        if !colons {
            break;
        }
        i += 2;
    }
    (segs, i)
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {
        // A module is its own unit: modtree collects it separately.
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if item.leading_colon.is_none() {
            self.use_tree(&mut Vec::new(), &item.tree);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() && path.segments.len() > 1 {
            let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            let span = path.segments[0].ident.span();
            let text = segs.join("::");
            self.push(segs, span, text);
        }
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        self.macro_tokens(mac.tokens.clone());
    }

    fn visit_vis_restricted(&mut self, _: &'ast syn::VisRestricted) {
        // `pub(in crate::a)` restricts who may use an item; it uses nothing.
    }

    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {
        // Attributes (derives, cfgs, docs) are not imports.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: &str) -> Found {
        let file = syn::parse_file(source).expect("valid Rust");
        let mut found = Found::default();
        for item in &file.items {
            collect(item, &mut found);
        }
        found
    }

    fn texts(found: &Found) -> Vec<String> {
        found.refs.iter().map(|r| format!("{}:{}", r.line, r.text)).collect()
    }

    #[test]
    fn grouped_use_gives_every_leaf_and_binding() {
        let f = found("use crate::{a::X, b::{self, Y as Z}};\n");
        assert_eq!(texts(&f), ["1:use crate::a::X", "1:use crate::b", "1:use crate::b::Y"]);
        let names: Vec<&str> = f.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["X", "b", "Z"]);
    }

    #[test]
    fn inline_paths_in_bodies_types_and_macros() {
        let f = found("fn f(x: crate::t::T) {\n    let _ = super::g::h();\n    println!(\"{}\", crate::m::N);\n}\n");
        assert_eq!(texts(&f), ["1:crate::t::T", "2:super::g::h", "3:crate::m::N"]);
    }

    #[test]
    fn comments_and_strings_are_not_paths() {
        let f = found("/// see [crate::a::X]\n// crate::b::Y\nfn f() -> &'static str { \"crate::c::Z\" }\n");
        assert!(f.refs.is_empty(), "{:?}", f.refs);
    }

    #[test]
    fn cfg_test_is_recognised() {
        let file =
            syn::parse_file("#[cfg(test)] mod a {}\n#[cfg(all(test, unix))] mod b {}\n#[cfg(not(test))] mod c {}")
                .expect("valid Rust");
        let gated: Vec<bool> = file
            .items
            .iter()
            .map(|item| match item {
                syn::Item::Mod(m) => is_cfg_test(&m.attrs),
                _ => false,
            })
            .collect();
        assert_eq!(gated, [true, true, false]);
    }
}
