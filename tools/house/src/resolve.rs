//! Which module a path names, following `use` re-exports.
//!
//! `crate::`, `super::` and `self::` anchor a path in the crate; a path starting with any other
//! name starts from the module it is written in: a child module, a name a `use` brought in, or
//! else something outside the crate (an extern crate, a local type, a generic) that is no edge.
//! Each further segment steps into a child module, or through a `use` (named or glob) of the
//! module reached — so `crate::Monitoring`, re-exported at the root from `monitoring`, names
//! `monitoring` — and stops at the first item it defines (`a::Type::method` names `a`).

use crate::modtree::Crate;

/// How deep re-exports are followed before giving up (a guard against `use` loops).
const MAX_DEPTH: usize = 16;

/// What one segment of a path reached.
enum Step {
    /// A module: the path may go on into it.
    Module(usize),
    /// An item defined in (or re-exported to its definition in) this module: the path ends there.
    Item(usize),
}

impl Crate {
    /// The module (index into [`Crate::modules`]) the path `segs`, written in module `from`,
    /// names; `None` for paths outside the crate.
    pub(crate) fn resolve(&self, from: usize, segs: &[String]) -> Option<usize> {
        self.resolve_at(from, segs, 0).map(|step| match step {
            Step::Module(m) | Step::Item(m) => m,
        })
    }

    fn resolve_at(&self, from: usize, segs: &[String], depth: usize) -> Option<Step> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (first, rest) = segs.split_first()?;
        let mut current = match first.as_str() {
            "crate" => 0,
            "self" => from,
            "super" => self.modules[from].parent?,
            _ => match self.step(from, first, depth)? {
                Step::Module(m) => m,
                item @ Step::Item(_) => return Some(item),
            },
        };
        let mut rest = rest;
        while first == "super" && rest.first().is_some_and(|s| s == "super") {
            current = self.modules[current].parent?;
            rest = &rest[1..];
        }
        for seg in rest {
            match self.step(current, seg, depth) {
                Some(Step::Module(m)) => current = m,
                Some(Step::Item(m)) => return Some(Step::Item(m)),
                None => break,
            }
        }
        Some(Step::Module(current))
    }

    /// What the name `name` is in module `module`.
    fn step(&self, module: usize, name: &str, depth: usize) -> Option<Step> {
        let m = &self.modules[module];
        if let Some(&child) = m.children.get(name) {
            return Some(Step::Module(child));
        }
        if m.items.contains(name) {
            return Some(Step::Item(module));
        }
        for binding in m.found.bindings.iter().filter(|b| b.name == name) {
            if let Some(step) = self.resolve_at(module, &binding.segs, depth + 1) {
                return Some(step);
            }
        }
        for glob in &m.found.globs {
            let Some(Step::Module(target)) = self.resolve_at(module, glob, depth + 1) else { continue };
            if target != module
                && let Some(step) = self.step(target, name, depth + 1)
            {
                return Some(step);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::modtree::fixture::krate;

    fn resolve(k: &crate::modtree::Crate, from: &str, path: &str) -> Option<String> {
        let from = k.modules.iter().position(|m| crate::modtree::display(&m.path) == from).expect("module exists");
        let segs: Vec<String> = path.split("::").map(str::to_owned).collect();
        k.resolve(from, &segs).map(|m| crate::modtree::display(&k.modules[m].path))
    }

    #[test]
    fn anchors_children_items_and_reexports() {
        let k = krate(&[
            ("src/lib.rs", "mod a;\nmod b;\npub use a::Thing;\npub use b::*;"),
            ("src/a.rs", "pub struct Thing;\npub mod inner { pub fn f() {} }"),
            ("src/b.rs", "pub fn g() {}\nmod deep { mod deeper {} }"),
        ]);
        assert_eq!(resolve(&k, "crate::b", "crate::a::inner::f").as_deref(), Some("crate::a::inner"));
        assert_eq!(resolve(&k, "crate::b", "crate::Thing").as_deref(), Some("crate::a"));
        assert_eq!(resolve(&k, "crate::a", "crate::g").as_deref(), Some("crate::b"));
        assert_eq!(resolve(&k, "crate::b::deep::deeper", "super::super::g").as_deref(), Some("crate::b"));
        assert_eq!(resolve(&k, "crate::a", "self::Thing::new").as_deref(), Some("crate::a"));
        assert_eq!(resolve(&k, "crate::a", "std::fmt::Debug"), None);
        assert_eq!(resolve(&k, "crate", "a::inner::f").as_deref(), Some("crate::a::inner"));
    }
}
