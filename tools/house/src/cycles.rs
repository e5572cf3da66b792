//! Import edges between sibling modules and the cycles among them.
//!
//! A path written in module `a::b::c` that names `a::d::e` is the edge `b → d` among the
//! children of `a`: the one level where the two modules part ways. A path naming the module
//! itself, one of its descendants or one of its ancestors is no edge (a child may use its
//! parents). A cycle is a strongly connected component of more than one sibling.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::modtree::{Crate, display};

/// Where one path creating an edge was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Evidence {
    /// The file the path is in.
    pub(crate) file: PathBuf,
    /// Its 1-based line.
    pub(crate) line: usize,
    /// The path as written.
    pub(crate) text: String,
}

/// `from → to` between children of one module, with the paths that create it.
pub(crate) type Edges = BTreeMap<(String, String), Vec<Evidence>>;

/// The sibling edges of a crate, grouped by their parent module (`crate::a`).
pub(crate) fn sibling_edges(krate: &Crate) -> BTreeMap<String, Edges> {
    let mut levels: BTreeMap<String, Edges> = BTreeMap::new();
    for (index, module) in krate.modules.iter().enumerate() {
        for r in &module.found.refs {
            let Some(target) = krate.resolve(index, &r.segs) else { continue };
            let (from, to) = (&module.path, &krate.modules[target].path);
            let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // itself, a descendant or an ancestor
            }
            let parent = display(&from[..common]);
            let evidence = Evidence { file: module.file.clone(), line: r.line, text: r.text.clone() };
            let edge = (from[common].clone(), to[common].clone());
            levels.entry(parent).or_default().entry(edge).or_default().push(evidence);
        }
    }
    for evidence in levels.values_mut().flat_map(BTreeMap::values_mut) {
        evidence.sort();
        evidence.dedup();
    }
    levels
}

/// One cycle: siblings of `parent` that reach each other, and the edges among them.
#[derive(Debug)]
pub(crate) struct Cycle {
    /// The crate (target) it is in.
    pub(crate) krate: String,
    /// The module whose children these are.
    pub(crate) parent: String,
    /// The siblings, sorted.
    pub(crate) members: Vec<String>,
    /// Every edge between two members.
    pub(crate) edges: Edges,
}

/// Every import cycle of the crate.
pub(crate) fn find_cycles(krate: &Crate) -> Vec<Cycle> {
    let mut cycles = Vec::new();
    for (parent, edges) in sibling_edges(krate) {
        for members in components(&edges) {
            let inside: Edges = edges
                .iter()
                .filter(|((a, b), _)| members.contains(a) && members.contains(b))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            cycles.push(Cycle { krate: krate.name.clone(), parent: parent.clone(), members, edges: inside });
        }
    }
    cycles
}

/// The strongly connected components of more than one node (Tarjan's algorithm).
fn components(edges: &Edges) -> Vec<Vec<String>> {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges.keys() {
        graph.entry(a).or_default().push(b);
        graph.entry(b).or_default();
    }
    let mut tarjan =
        Tarjan { graph: &graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for node in graph.keys() {
        if !tarjan.index.contains_key(node) {
            tarjan.visit(node);
        }
    }
    tarjan.found
}

/// The state of one run of Tarjan's algorithm.
struct Tarjan<'a> {
    graph: &'a BTreeMap<&'a str, Vec<&'a str>>,
    index: BTreeMap<&'a str, usize>,
    low: BTreeMap<&'a str, usize>,
    stack: Vec<&'a str>,
    found: Vec<Vec<String>>,
}

impl<'a> Tarjan<'a> {
    fn visit(&mut self, node: &'a str) {
        let n = self.index.len();
        self.index.insert(node, n);
        self.low.insert(node, n);
        self.stack.push(node);
        for &next in &self.graph[node] {
            if !self.index.contains_key(next) {
                self.visit(next);
                let low = self.low[node].min(self.low[next]);
                self.low.insert(node, low);
            } else if self.stack.contains(&next) {
                let low = self.low[node].min(self.index[next]);
                self.low.insert(node, low);
            }
        }
        if self.low[node] == self.index[node] {
            let at = self.stack.iter().rposition(|&s| s == node).unwrap_or(0);
            let mut members: Vec<String> = self.stack.drain(at..).map(str::to_owned).collect();
            if members.len() > 1 {
                members.sort();
                self.found.push(members);
            }
        }
    }
}

/// The report of one cycle, file paths relative to `root`.
pub(crate) fn report(cycle: &Cycle, root: &Path) -> String {
    let mut out = format!(
        "import cycle in {} among the children of {}: {}\n",
        cycle.krate,
        cycle.parent,
        cycle.members.join(" <-> ")
    );
    for ((from, to), evidence) in &cycle.edges {
        let _ = writeln!(out, "  {from} -> {to}");
        for e in evidence {
            let file = e.file.strip_prefix(root).unwrap_or(&e.file);
            let _ = writeln!(out, "    {}:{}  {}", file.display(), e.line, e.text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modtree::fixture::krate;

    fn cycles(files: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
        find_cycles(&krate(files)).into_iter().map(|c| (c.parent, c.members)).collect()
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|&s| s.to_owned()).collect()
    }

    #[test]
    fn grouped_use_cycle_is_caught() {
        let found = cycles(&[
            ("src/lib.rs", "mod a;\nmod b;"),
            ("src/a.rs", "use crate::{b::{X, Y}, a::a2::Z};\nmod a2 { pub struct Z; }"),
            ("src/b.rs", "pub struct X;\npub struct Y;\nuse super::a::W;"),
        ]);
        assert_eq!(found, [("crate".to_owned(), strings(&["a", "b"]))]);
    }

    #[test]
    fn inline_path_cycle_is_caught_with_its_line() {
        let k = krate(&[
            ("src/lib.rs", "mod a;\nmod b;"),
            ("src/a.rs", "pub fn f() {}\npub fn g() {\n    crate::b::h();\n}"),
            ("src/b.rs", "pub fn h() {\n    let x = vec![crate::a::f()];\n}"),
        ]);
        let found = find_cycles(&k);
        assert_eq!(found.len(), 1);
        let report = report(&found[0], Path::new("/"));
        assert!(report.contains("a -> b"), "{report}");
        assert!(report.contains("a.rs:3  crate::b::h"), "{report}");
        assert!(report.contains("b.rs:2  crate::a::f"), "{report}");
    }

    #[test]
    fn paths_in_comments_and_strings_are_no_edges() {
        let found = cycles(&[
            ("src/lib.rs", "mod a;\nmod b;"),
            ("src/a.rs", "use crate::b::X;"),
            ("src/b.rs", "pub struct X;\n// crate::a::f()\n/// [crate::a]\npub const S: &str = \"crate::a::f\";"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn child_using_its_ancestor_is_no_cycle() {
        let found = cycles(&[
            ("src/lib.rs", "pub mod a;\npub fn top() {}"),
            ("src/a/mod.rs", "pub mod b;\npub fn f() { crate::top(); b::g(); }"),
            ("src/a/b.rs", "pub fn g() { super::f(); crate::a::f(); crate::top(); }"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn three_sibling_cycle_is_found() {
        let found = cycles(&[
            ("src/lib.rs", "mod a;\nmod b;\nmod c;\nmod d;"),
            ("src/a.rs", "use crate::b::B;\npub struct A;"),
            ("src/b.rs", "use crate::c::C;\npub struct B;"),
            ("src/c.rs", "use crate::a::A;\npub struct C;\nuse crate::d::D;"),
            ("src/d.rs", "pub struct D;"),
        ]);
        assert_eq!(found, [("crate".to_owned(), strings(&["a", "b", "c"]))]);
    }

    #[test]
    fn nested_level_cycle_is_found_and_reexports_followed() {
        let found = cycles(&[
            ("src/lib.rs", "mod net;\nmod eks;"),
            ("src/net/mod.rs", "mod vpc;\nmod sg;\npub use vpc::Vpc;"),
            ("src/net/vpc.rs", "pub struct Vpc;\nfn f() -> super::sg::Sg { todo!() }"),
            ("src/net/sg.rs", "pub struct Sg;\nfn g(_: &crate::net::Vpc) {}"),
            ("src/eks.rs", "use crate::net::Vpc;"),
        ]);
        assert_eq!(found, [("crate::net".to_owned(), strings(&["sg", "vpc"]))]);
    }

    #[test]
    fn cfg_test_modules_are_skipped() {
        let found = cycles(&[
            ("src/lib.rs", "mod a;\nmod b;"),
            ("src/a.rs", "use crate::b::X;"),
            ("src/b.rs", "pub struct X;\n#[cfg(test)]\nmod tests { use crate::a; }"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }
}
