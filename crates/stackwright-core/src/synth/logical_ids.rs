//! Step 2: every stack gets its artifact id and name, every resource its logical id (see
//! [`crate::names`]); collisions are errors.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::names;
use crate::tree::NodeKind;

use super::{StackState, Synth};

impl<'a> Synth<'a> {
    pub(super) fn collect_stacks(&mut self, reachable: &[usize]) {
        let mut names_seen: HashMap<(String, String, String), usize> = HashMap::new();
        for &i in reachable {
            let NodeKind::Stack(data) = self.tree.node(i).kind() else {
                continue;
            };
            let Some(env) = self.tree.environment_of(i) else {
                continue;
            };
            let env_data = self.tree.environment_data(env);
            let artifact = format!("{}-{}", self.tree.node(env).id(), self.tree.node(i).id());
            let stack_name = data.stack_name.clone().unwrap_or_else(|| format!("{}-{artifact}", self.tree.app_name()));
            let key = (env_data.account.to_string(), env_data.region.to_string(), stack_name.clone());
            if let Some(other) = names_seen.insert(key, i) {
                self.diags.push(
                    self.path(i),
                    format!(
                        "stack name '{stack_name}' is also used by '{}' in the same account and region",
                        self.path(other)
                    ),
                    "give one of the stacks another name with set_stack_name",
                );
            }
            self.stack_pos.insert(i, self.stacks.len());
            self.stacks.push(StackState {
                node: i,
                env,
                artifact,
                resources: IndexMap::new(),
                resource_paths: IndexMap::new(),
                parameters: data.parameters.iter().map(|(k, v)| (k.clone(), v.into())).collect(),
                parameter_bindings: Vec::new(),
                conditions: IndexMap::new(),
                outputs: IndexMap::new(),
                exports: IndexMap::new(),
                depends_on: IndexMap::new(),
                resource_edges: Vec::new(),
                moves: Vec::new(),
                imports: Vec::new(),
            });
        }
    }

    pub(super) fn assign_logical_ids(&mut self, reachable: &[usize]) {
        let mut taken: HashMap<(usize, String), usize> = HashMap::new();
        for &i in reachable {
            if self.tree.node(i).resource().is_none() {
                continue;
            }
            let Some(stack) = self.tree.stack_of(i) else {
                continue;
            };
            let pos = self.stack_pos[&stack];
            let components = self.id_components(i, stack);
            let id = names::logical_id(components.iter().map(|(c, o)| (c.as_str(), o.as_deref())));
            if !names::is_valid_logical_id(&id) {
                self.diags.push(
                    self.path(i),
                    format!("the logical id derived from this path, '{id}', is not valid"),
                    "start construct ids with a letter, or set an explicit logical id with set_logical_id",
                );
            }
            if let Some(other) = taken.insert((pos, id.clone()), i) {
                self.diags.push(
                    self.path(i),
                    format!("logical id '{id}' collides with the one of '{}'", self.path(other)),
                    "rename one of the two constructs, or give one an explicit logical id with set_logical_id",
                );
            }
            if self.stacks[pos].parameters.contains_key(&id) {
                self.diags.push(
                    self.path(i),
                    format!("logical id '{id}' is also the name of a parameter of the stack"),
                    "rename the construct or the parameter",
                );
            }
            self.logical.insert(i, (pos, id));
        }
    }
}
