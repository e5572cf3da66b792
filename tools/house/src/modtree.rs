//! The module tree of one crate, read from its root file the way rustc finds module files.
//!
//! `mod x;` is `x.rs` or `x/mod.rs` beside a crate root or `mod.rs` file, and `foo/x.rs` or
//! `foo/x/mod.rs` inside a non-`mod.rs` file `foo.rs`; inline `mod x { … }` blocks are modules
//! of their own (their `mod y;` live in the `x/` folder); `#[path = "…"]` is honoured (relative
//! to the declaring file's folder, or to the inline module's folder inside one) and the file it
//! names holds its child modules beside it, as a `mod.rs` does. Items gated by `#[cfg(test)]`,
//! `mod tests` among them, are skipped (see the crate docs for why).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::refs::{self, Found};

/// One module of a crate.
#[derive(Debug)]
pub(crate) struct Module {
    /// Names from the crate root (empty for the root).
    pub(crate) path: Vec<String>,
    /// Index of the parent module in [`Crate::modules`]; `None` for the root.
    pub(crate) parent: Option<usize>,
    /// The file its items are in.
    pub(crate) file: PathBuf,
    /// Its child modules by name (indices into [`Crate::modules`]).
    pub(crate) children: BTreeMap<String, usize>,
    /// The names of the other items it defines (types, functions, constants, macros…).
    pub(crate) items: BTreeSet<String>,
    /// Paths in its code, `use` bindings and glob imports.
    pub(crate) found: Found,
}

/// `crate::a::b` for the module path `[a, b]` (`crate` for the root), as reports show it.
pub(crate) fn display(path: &[String]) -> String {
    std::iter::once("crate").chain(path.iter().map(String::as_str)).collect::<Vec<_>>().join("::")
}

/// The modules of one crate (one Cargo target), the root first.
#[derive(Debug)]
pub(crate) struct Crate {
    /// What reports call it: `stackwright-core (lib)`, `house (bin)`.
    pub(crate) name: String,
    /// Every module; index 0 is the crate root.
    pub(crate) modules: Vec<Module>,
}

/// A file that could not be read or parsed, or a `mod x;` without its file.
#[derive(Debug)]
pub(crate) struct LoadError(pub(crate) String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads the crate whose root file is `root` (`src/lib.rs`, `src/main.rs`, `tests/x.rs`…).
///
/// # Errors
/// A module file that is missing, unreadable or not valid Rust.
pub(crate) fn load_crate(name: &str, root: &Path) -> Result<Crate, LoadError> {
    let mut krate = Crate { name: name.to_owned(), modules: Vec::new() };
    let file = parse(root)?;
    let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
    let at = Location { file: root.to_path_buf(), children_dir: dir.clone(), path_attr_dir: dir };
    add_module(&mut krate, None, Vec::new(), &at, &file.items)?;
    Ok(krate)
}

/// Where a module's items are and where its `mod x;` declarations look for files.
struct Location {
    file: PathBuf,
    /// Where `mod x;` finds `x.rs` / `x/mod.rs`.
    children_dir: PathBuf,
    /// What `#[path = "…"]` on a `mod x;` is relative to.
    path_attr_dir: PathBuf,
}

fn parse(path: &Path) -> Result<syn::File, LoadError> {
    let source =
        std::fs::read_to_string(path).map_err(|e| LoadError(format!("cannot read {}: {e}", path.display())))?;
    syn::parse_file(&source).map_err(|e| {
        let line = e.span().start().line;
        LoadError(format!("cannot parse {}:{line}: {e}", path.display()))
    })
}

/// Adds the module `path` made of `items` (at `at`), then its children; returns its index.
fn add_module(
    krate: &mut Crate,
    parent: Option<usize>,
    path: Vec<String>,
    at: &Location,
    items: &[syn::Item],
) -> Result<usize, LoadError> {
    let index = krate.modules.len();
    krate.modules.push(Module {
        path: path.clone(),
        parent,
        file: at.file.clone(),
        children: BTreeMap::new(),
        items: BTreeSet::new(),
        found: Found::default(),
    });
    for item in items {
        if refs::is_cfg_test(item_attrs(item)) {
            continue;
        }
        if let syn::Item::Mod(module) = item {
            let name = module.ident.to_string();
            let mut child_path = path.clone();
            child_path.push(name.clone());
            let child = match &module.content {
                Some((_, content)) => {
                    let dir = at.children_dir.join(&name);
                    let inline = Location { file: at.file.clone(), children_dir: dir.clone(), path_attr_dir: dir };
                    add_module(krate, Some(index), child_path, &inline, content)?
                }
                None => {
                    let (file, children_dir) = module_file(at, module)?;
                    let parsed = parse(&file)?;
                    let child_at = Location { file, children_dir: children_dir.clone(), path_attr_dir: children_dir };
                    add_module(krate, Some(index), child_path, &child_at, &parsed.items)?
                }
            };
            krate.modules[index].children.insert(name, child);
        } else {
            if let Some(name) = item_name(item) {
                krate.modules[index].items.insert(name);
            }
            refs::collect(item, &mut krate.modules[index].found);
        }
    }
    Ok(index)
}

/// The file of `mod x;` declared at `at`, and the folder of its own child modules.
fn module_file(at: &Location, module: &syn::ItemMod) -> Result<(PathBuf, PathBuf), LoadError> {
    let name = module.ident.to_string();
    if let Some(path) = path_attr(&module.attrs) {
        let file = at.path_attr_dir.join(path);
        let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
        return Ok((file, dir));
    }
    let flat = at.children_dir.join(format!("{name}.rs"));
    let nested = at.children_dir.join(&name).join("mod.rs");
    if flat.is_file() {
        Ok((flat, at.children_dir.join(&name)))
    } else if nested.is_file() {
        Ok((nested, at.children_dir.join(&name)))
    } else {
        Err(LoadError(format!(
            "{}: `mod {name};` has neither {} nor {}",
            at.file.display(),
            flat.display(),
            nested.display()
        )))
    }
}

/// The value of `#[path = "…"]`, if any.
fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// The attributes of any item.
fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The name an item defines in its module's namespace (modules and `use` aside).
fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::TraitAlias(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

/// Shorthands for the tests of this crate.
#[cfg(test)]
pub(crate) mod fixture {
    use std::path::Path;

    /// Writes `files` (relative path, contents) under `dir`.
    pub(crate) fn write(dir: &Path, files: &[(&str, &str)]) {
        for (path, contents) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, contents).expect("write");
        }
    }

    /// Writes `files` into a new temporary folder and loads the crate rooted at `src/lib.rs`.
    pub(crate) fn krate(files: &[(&str, &str)]) -> super::Crate {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), files);
        super::load_crate("fixture", &dir.path().join("src/lib.rs")).expect("loads")
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::krate;

    fn paths(krate: &super::Crate) -> Vec<String> {
        krate.modules.iter().map(|m| super::display(&m.path)).collect()
    }

    #[test]
    fn finds_flat_nested_inline_and_path_attr_modules() {
        let k = krate(&[
            (
                "src/lib.rs",
                "mod a;\nmod b;\nmod c { mod d; }\n#[path = \"other/e.rs\"] mod e;\n#[cfg(test)] mod tests;",
            ),
            ("src/a.rs", "mod x;"),
            ("src/a/x.rs", ""),
            ("src/b/mod.rs", "mod y;"),
            ("src/b/y.rs", ""),
            ("src/c/d.rs", ""),
            ("src/other/e.rs", "mod z;"),
            ("src/other/z.rs", ""),
        ]);
        assert_eq!(
            paths(&k),
            [
                "crate",
                "crate::a",
                "crate::a::x",
                "crate::b",
                "crate::b::y",
                "crate::c",
                "crate::c::d",
                "crate::e",
                "crate::e::z"
            ]
        );
    }

    #[test]
    fn a_missing_module_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        super::fixture::write(dir.path(), &[("src/lib.rs", "mod gone;")]);
        let err = super::load_crate("fixture", &dir.path().join("src/lib.rs")).expect_err("no gone.rs");
        assert!(err.0.contains("`mod gone;`"), "{err}");
    }
}
