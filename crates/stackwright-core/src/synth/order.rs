//! Step 5: stacks in dependency order; a cycle between stacks, or between resources of one
//! stack, is an error naming the edge to cut.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::{StackState, Synth};

impl<'a> Synth<'a> {
    pub(super) fn check_resource_cycles(&mut self) {
        for pos in 0..self.stacks.len() {
            let edges: Vec<(usize, usize)> = self.stacks[pos].resource_edges.clone();
            if let Some(cycle) = find_cycle(&edges) {
                let names: Vec<String> = cycle.iter().map(|n| self.path(*n)).collect();
                let (a, b) = (names[names.len() - 2].clone(), names[names.len() - 1].clone());
                self.diags.push(
                    self.path(self.stacks[pos].node),
                    format!("resources depend on each other in a cycle: {}", names.join(" -> ")),
                    format!("cut the edge '{a}' -> '{b}': remove that reference or dependency"),
                );
            }
        }
    }

    /// Stack positions in dependency order; records a cycle as an error.
    pub(super) fn stack_order(&mut self) -> Vec<usize> {
        let edges: Vec<(usize, usize)> =
            self.stacks.iter().enumerate().flat_map(|(p, s)| s.depends_on.keys().map(move |d| (p, *d))).collect();
        if let Some(cycle) = find_cycle(&edges) {
            let n = cycle.len();
            let (from, to) = (cycle[n - 2], cycle[n - 1]);
            let names: Vec<String> = cycle.iter().map(|p| self.stacks[*p].artifact.clone()).collect();
            let reason = self.stacks[from].depends_on.get(&to).cloned().unwrap_or_default();
            self.diags.push(
                self.path(self.stacks[from].node),
                format!("stacks depend on each other in a cycle: {}", names.join(" -> ")),
                format!(
                    "cut the edge {} -> {} ({reason}): move one of the resources, or pass the value another way",
                    names[n - 2],
                    names[n - 1]
                ),
            );
            return (0..self.stacks.len()).collect();
        }
        // Depth-first post-order: dependencies first, otherwise tree order.
        let mut order = Vec::new();
        let mut done = vec![false; self.stacks.len()];
        fn visit(p: usize, stacks: &[StackState], done: &mut [bool], order: &mut Vec<usize>) {
            if done[p] {
                return;
            }
            done[p] = true;
            for d in stacks[p].depends_on.keys() {
                visit(*d, stacks, done, order);
            }
            order.push(p);
        }
        for p in 0..self.stacks.len() {
            visit(p, &self.stacks, &mut done, &mut order);
        }
        order
    }
}

/// A cycle in a directed graph given as edges, as the list of nodes `a -> … -> a`.
fn find_cycle(edges: &[(usize, usize)]) -> Option<Vec<usize>> {
    let mut adjacency: IndexMap<usize, Vec<usize>> = IndexMap::new();
    for (a, b) in edges {
        adjacency.entry(*a).or_default().push(*b);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut marks: HashMap<usize, Mark> = HashMap::new();
    let mut path: Vec<usize> = Vec::new();
    fn dfs(
        n: usize,
        adjacency: &IndexMap<usize, Vec<usize>>,
        marks: &mut HashMap<usize, Mark>,
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        marks.insert(n, Mark::Active);
        path.push(n);
        for &m in adjacency.get(&n).map(Vec::as_slice).unwrap_or(&[]) {
            match marks.get(&m).copied().unwrap_or(Mark::New) {
                Mark::Active => {
                    let start = path.iter().position(|p| *p == m).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(m);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = dfs(m, adjacency, marks, path) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(n, Mark::Done);
        None
    }
    let starts: Vec<usize> = adjacency.keys().copied().collect();
    for n in starts {
        if marks.get(&n).copied().unwrap_or(Mark::New) == Mark::New
            && let Some(c) = dfs(n, &adjacency, &mut marks, &mut path)
        {
            return Some(c);
        }
    }
    None
}
