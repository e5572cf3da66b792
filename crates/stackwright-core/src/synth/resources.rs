//! Step 3: each stack's resources, conditions and outputs, explicit dependencies, and the
//! outputs other stacks and clusters asked for.

use indexmap::IndexMap;

use crate::assembly::ResourceEntry;
use crate::value::Value;

use super::Synth;
use super::template_json::{OutputJson, ResourceJson};

impl<'a> Synth<'a> {
    pub(super) fn render_resources(&mut self, reachable: &[usize]) {
        for &i in reachable {
            let node = self.tree.node(i);
            let Some(resource) = node.resource() else {
                continue;
            };
            let Some((pos, id)) = self.logical.get(&i).cloned() else {
                continue;
            };
            let path = self.path(i);
            let properties = self.render(&resource.properties, pos, Some(i), &path);
            let mut metadata = IndexMap::new();
            metadata.insert("stackwright:path".to_string(), serde_json::Value::String(self.recorded_path(i)));
            metadata.extend(node.metadata().iter().map(|(k, v)| (k.clone(), v.clone())));
            metadata.extend(resource.metadata.iter().map(|(k, v)| (k.clone(), v.clone())));
            let json = ResourceJson {
                kind: resource.type_name.clone(),
                condition: resource.condition.clone(),
                depends_on: Vec::new(),
                deletion_policy: resource.deletion_policy,
                update_replace_policy: resource.update_replace_policy,
                metadata,
                properties: if properties.is_null() { serde_json::json!({}) } else { properties },
            };
            let state = &mut self.stacks[pos];
            state.resource_paths.insert(id.clone(), ResourceEntry { kind: resource.type_name.clone(), path });
            state.resources.insert(id, json);
        }
        let stacks: Vec<(usize, usize)> = self.stacks.iter().enumerate().map(|(p, s)| (p, s.node)).collect();
        for (pos, node) in stacks {
            let data = self.tree.stack_data(node);
            let path = self.path(node);
            for (name, condition) in &data.conditions {
                let rendered = self.render(condition, pos, None, &path);
                self.stacks[pos].conditions.insert(name.clone(), rendered);
            }
            for (name, output) in &data.outputs {
                let value = self.render(&output.value, pos, None, &path);
                self.stacks[pos]
                    .outputs
                    .insert(name.clone(), OutputJson { description: output.description.clone(), value });
            }
        }
    }

    /// `DependsOn` and stack dependencies from `Node::add_dependency`.
    pub(super) fn add_explicit_dependencies(&mut self, reachable: &[usize]) {
        for &i in reachable {
            for target in self.tree.node(i).dependencies() {
                let t = target.index;
                if self.tree.node(t).rejected() {
                    // A rejected construct has nothing to wait for; its problems are recorded.
                    continue;
                }
                let (Some(from_stack), Some(to_stack)) = (self.tree.stack_of(i), self.tree.stack_of(t)) else {
                    continue;
                };
                let (from_pos, to_pos) = (self.stack_pos[&from_stack], self.stack_pos[&to_stack]);
                if from_pos != to_pos {
                    let reason = format!("'{}' depends on '{}'", self.path(i), self.path(t));
                    self.stacks[from_pos].depends_on.entry(to_pos).or_insert(reason);
                    continue;
                }
                let targets: Vec<(usize, String)> = self
                    .tree
                    .subtree(t)
                    .into_iter()
                    .filter_map(|r| self.logical.get(&r).map(|(_, id)| (r, id.clone())))
                    .collect();
                for source in self.tree.subtree(i) {
                    let Some((_, source_id)) = self.logical.get(&source).cloned() else {
                        continue;
                    };
                    for (target_node, target_id) in &targets {
                        if *target_node == source {
                            continue;
                        }
                        let state = &mut self.stacks[from_pos];
                        state.resource_edges.push((source, *target_node));
                        if let Some(r) = state.resources.get_mut(&source_id)
                            && !r.depends_on.contains(target_id)
                        {
                            r.depends_on.push(target_id.clone());
                        }
                    }
                }
            }
        }
    }

    /// Renders pending exports into outputs until none is left (rendering one can create
    /// another in a stack it references).
    pub(super) fn render_exports(&mut self) {
        loop {
            let pending: Vec<(usize, String, Value)> = self
                .stacks
                .iter_mut()
                .enumerate()
                .flat_map(|(pos, s)| std::mem::take(&mut s.exports).into_iter().map(move |(name, v)| (pos, name, v)))
                .collect();
            if pending.is_empty() {
                return;
            }
            for (pos, name, value) in pending {
                let path = self.path(self.stacks[pos].node);
                let rendered = self.render(&value, pos, None, &path);
                self.stacks[pos].outputs.insert(name, OutputJson { description: None, value: rendered });
            }
        }
    }

    /// Asks stack `pos` to output `value` as `name`; returns the name.
    pub(super) fn export(&mut self, pos: usize, name: String, value: Value) -> String {
        let state = &mut self.stacks[pos];
        if !state.outputs.contains_key(&name) {
            state.exports.insert(name.clone(), value);
        }
        name
    }
}
