//! Step 2a: the moves the program declares (`Node::moved_from`) are checked against the whole
//! tree; a resource below a moved construct gets its logical id, and its `stackwright:path`
//! metadata, from the old path, so that its template is the one it was created with; the
//! assembly records each move in the stack the construct is in now.

use std::collections::HashMap;

use crate::assembly::MoveEntry;
use crate::tree::{Moves, NodeKind};

use super::Synth;

/// A declared move that passed the checks.
pub(super) struct ResolvedMove {
    /// The old path, as declared.
    old_path: String,
    /// Position (in `Synth::stacks`) of the stack the old path is in.
    old_stack: usize,
    /// The ids of the old path below its stack.
    old_chain: Vec<String>,
}

impl<'a> Synth<'a> {
    /// Checks every declared move; the valid ones are kept for the logical ids.
    pub(super) fn resolve_moves(&mut self, reachable: &[usize]) {
        let Some(moves) = self.tree.extension::<Moves>() else {
            return;
        };
        let mut from: HashMap<&str, usize> = HashMap::new();
        for (&i, old_path) in &moves.0 {
            if !reachable.contains(&i) {
                continue; // a detached duplicate: its own problem is recorded
            }
            let path = self.path(i);
            let here = "moved_from";
            let stack = self.tree.stack_of(i);
            if !matches!(self.tree.node(i).kind(), NodeKind::Construct) || stack.is_none() {
                self.diags.push(
                    &path,
                    format!("{here} is declared on an app, environment or stack, or outside every stack"),
                    "declare the move on the construct that moved; stacks and environments cannot be renamed in place",
                );
                continue;
            }
            let parts: Vec<&str> = old_path.split('/').collect();
            if parts.len() < 3 || parts.iter().any(|p| p.is_empty()) {
                self.diags.push(
                    &path,
                    format!("the old path '{old_path}' is not <environment>/<stack>/<construct>[/…]"),
                    "write the full path the construct had, as `list` printed it, such as 'prod/cluster/Cluster/Logs'",
                );
                continue;
            }
            let Some(env) = self.tree.environment_of(i) else { continue };
            let env_id = self.tree.node(env).id();
            if parts[0] != env_id {
                self.diags.push(
                    &path,
                    format!("the old path '{old_path}' is in environment '{}', the construct in '{env_id}'", parts[0]),
                    "a construct can only move inside its environment (CloudFormation moves resources between \
                     stacks of one account and region); recreate it in the new environment instead",
                );
                continue;
            }
            let old_stack = self.tree.node(env).children().get(parts[1]).copied();
            let Some(old_pos) = old_stack.and_then(|s| self.stack_pos.get(&s).copied()) else {
                self.diags.push(
                    &path,
                    format!("the old path '{old_path}' is in stack '{}', which the program does not have", parts[1]),
                    format!("keep the stack '{env_id}/{}' while its resources move out of it", parts[1]),
                );
                continue;
            };
            if self.resolve(env, &parts[1..]).is_some() {
                self.diags.push(
                    &path,
                    format!("the old path '{old_path}' is still the path of a construct"),
                    "a construct moved from a path that is still in use is a copy, not a move: remove the \
                     construct at the old path, or the move",
                );
                continue;
            }
            if let Some(other) = from.insert(old_path, i) {
                self.diags.push(
                    &path,
                    format!("'{}' is also declared moved from '{old_path}'", self.path(other)),
                    "one construct was at the old path: declare the move on that one only",
                );
                continue;
            }
            let resolved = ResolvedMove {
                old_path: old_path.clone(),
                old_stack: old_pos,
                old_chain: parts[2..].iter().map(|p| (*p).to_string()).collect(),
            };
            self.moves.insert(i, resolved);
        }
    }

    /// The node at `ids` below `from`, if every id names a child.
    fn resolve(&self, from: usize, ids: &[&str]) -> Option<usize> {
        ids.iter().try_fold(from, |at, id| self.tree.node(at).children().get(*id).copied())
    }

    /// The moved construct nearest to resource `i` (itself included, its stack excluded).
    pub(super) fn moved_ancestor(&self, i: usize) -> Option<usize> {
        let stack = self.tree.stack_of(i)?;
        self.tree.ancestors(i).take_while(|a| *a != stack).find(|a| self.moves.contains_key(a))
    }

    /// The path components (with explicit logical ids) a resource's logical id is derived
    /// from: below its stack, or below the old stack from its nearest moved construct up.
    pub(super) fn id_components(&self, i: usize, stack: usize) -> Vec<(String, Option<String>)> {
        let mut chain: Vec<usize> = self.tree.ancestors(i).take_while(|a| *a != stack).collect();
        chain.reverse();
        let owned = |c: &usize| {
            let node = self.tree.node(*c);
            (node.id().to_string(), node.logical_id().map(str::to_string))
        };
        let Some(k) = chain.iter().rposition(|c| self.moves.contains_key(c)) else {
            return chain.iter().map(owned).collect();
        };
        let m = &self.moves[&chain[k]];
        let (last, above) = m.old_chain.split_last().expect("an old path has a construct part");
        let mut out: Vec<(String, Option<String>)> = above.iter().map(|p| (p.clone(), None)).collect();
        out.push((last.clone(), self.tree.node(chain[k]).logical_id().map(str::to_string)));
        out.extend(chain[k + 1..].iter().map(owned));
        out
    }

    /// The path a resource's template metadata records: the old one below a moved construct,
    /// so that a move leaves the template byte-identical.
    pub(super) fn recorded_path(&self, i: usize) -> String {
        let path = self.path(i);
        match self.moved_ancestor(i) {
            Some(m) => format!("{}{}", self.moves[&m].old_path, &path[self.path(m).len()..]),
            None => path,
        }
    }

    /// Records each move in the manifest entry of the stack the construct is in now, with the
    /// logical ids it kept (those of resources below a nested move belong to that move).
    pub(super) fn record_moves(&mut self, reachable: &[usize]) {
        let mut entries: Vec<(usize, MoveEntry)> = Vec::new();
        let mut refused = crate::error::Diagnostics::new();
        for (&m, resolved) in &self.moves {
            let logical_ids: Vec<String> = self
                .tree
                .subtree(m)
                .into_iter()
                .filter(|r| reachable.contains(r) && self.moved_ancestor(*r) == Some(m))
                .filter_map(|r| self.logical.get(&r).map(|(_, id)| id.clone()))
                .collect();
            let Some(pos) = self.tree.stack_of(m).and_then(|s| self.stack_pos.get(&s).copied()) else {
                continue;
            };
            if pos != resolved.old_stack {
                for r in self.tree.subtree(m).into_iter().filter(|r| reachable.contains(r)) {
                    let Some(resource) = self.tree.node(r).resource() else { continue };
                    if !crate::cfn_support::refactorable(&resource.type_name) {
                        refused.push(
                            self.path(r),
                            format!(
                                "{} cannot move to another stack: CloudFormation stack refactoring does not support \
                                 the type (documented list)",
                                resource.type_name
                            ),
                            "keep the construct in its old stack, or let it be replaced (remove the move)",
                        );
                    }
                }
            }
            let entry = MoveEntry {
                from: resolved.old_path.clone(),
                to: self.path(m),
                from_stack: self.stacks[resolved.old_stack].artifact.clone(),
                logical_ids,
            };
            entries.push((pos, entry));
        }
        self.diags.extend(refused);
        for (pos, entry) in entries {
            self.stacks[pos].moves.push(entry);
        }
    }
}
