//! Synthesis: from a finished construct tree to a cloud assembly.
//!
//! 1. Collect every problem recorded while building, and run the registered checks.
//! 2. Give every resource its logical id (see [`crate::names`]); reject collisions.
//! 3. Render each stack's resources and outputs. A reference to a resource of another stack of
//!    the same environment becomes a consumer parameter and a producer output, recorded in the
//!    manifest; a reference to another environment is an error.
//! 4. Export each cluster's connection data and late-bound values as outputs; write its
//!    objects as YAML files in apply order.
//! 5. Order stacks by dependency; a cycle (between stacks, or between resources of one stack)
//!    is an error naming the edge to cut.
//!
//! Every problem from every step is returned at once.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;

use crate::assembly::{
    Assembly, BindingEntry, BindingSource, ClusterEntry, ClusterOutputs, EnvironmentEntry, Manifest, ObjectEntry,
    ParameterBinding, ResourceEntry, SCHEMA_VERSION, StackEntry,
};
use crate::error::{Diagnostics, Error, Result};
use crate::kube::{self, KubeObjectData, LateSource, apply_rank};
use crate::names;
use crate::template::{OutputJson, ParameterJson, ResourceJson, TemplateJson};
use crate::tree::{CheckContext, NodeKind, TreeData};
use crate::value::{NodeRef, SubPart, Value};

/// CloudFormation's per-template quotas.
const MAX_RESOURCES: usize = 500;
const MAX_PARAMETERS: usize = 200;
const MAX_OUTPUTS: usize = 200;
/// The largest template body `CreateStack`/`CreateChangeSet` accept inline. The runtime sends
/// templates minified and inline (no asset bucket), so this is the bar.
pub const MAX_TEMPLATE_BODY_BYTES: usize = 51_200;

/// Everything synth learns about one stack.
struct StackState {
    node: usize,
    env: usize,
    artifact: String,
    resources: IndexMap<String, ResourceJson>,
    resource_paths: IndexMap<String, ResourceEntry>,
    parameters: IndexMap<String, ParameterJson>,
    parameter_bindings: Vec<ParameterBinding>,
    conditions: IndexMap<String, serde_json::Value>,
    outputs: IndexMap<String, OutputJson>,
    /// Outputs other stacks or clusters need, not yet rendered.
    exports: IndexMap<String, Value>,
    /// Stacks this one depends on, with the reason (the first path that made the edge).
    depends_on: IndexMap<usize, String>,
    /// Resource-to-resource edges inside the stack (for cycle detection).
    resource_edges: Vec<(usize, usize)>,
}

struct Synth<'a> {
    tree: &'a TreeData,
    diags: Diagnostics,
    stacks: Vec<StackState>,
    /// Stack node index → position in `stacks`.
    stack_pos: HashMap<usize, usize>,
    /// Resource node index → (stack position, logical id).
    logical: HashMap<usize, (usize, String)>,
}

pub(crate) fn synthesize(tree: &TreeData) -> Result<Assembly> {
    let mut synth = Synth {
        tree,
        diags: tree.deferred().clone(),
        stacks: Vec::new(),
        stack_pos: HashMap::new(),
        logical: HashMap::new(),
    };
    let reachable = tree.subtree(0);
    synth.run_checks(&reachable);
    synth.collect_stacks(&reachable);
    synth.assign_logical_ids(&reachable);
    synth.render_resources(&reachable);
    synth.add_explicit_dependencies(&reachable);
    let clusters = synth.render_clusters();
    synth.render_exports();
    synth.check_resource_cycles();
    let order = synth.stack_order();
    synth.check_quotas();
    if !synth.diags.is_empty() {
        return Err(Error::Invalid(synth.diags));
    }
    synth.into_assembly(order, clusters)
}

impl<'a> Synth<'a> {
    fn path(&self, index: usize) -> String {
        self.tree.path(index)
    }

    fn run_checks(&mut self, reachable: &[usize]) {
        let ctx = CheckContext::new(self.tree);
        for &i in reachable {
            for check in self.tree.node(i).checks() {
                self.diags.extend(check(&ctx));
            }
        }
    }

    fn collect_stacks(&mut self, reachable: &[usize]) {
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
            });
        }
    }

    fn assign_logical_ids(&mut self, reachable: &[usize]) {
        let mut taken: HashMap<(usize, String), usize> = HashMap::new();
        for &i in reachable {
            if self.tree.node(i).resource().is_none() {
                continue;
            }
            let Some(stack) = self.tree.stack_of(i) else {
                continue;
            };
            let pos = self.stack_pos[&stack];
            let mut chain: Vec<usize> = self.tree.ancestors(i).take_while(|a| *a != stack).collect();
            chain.reverse();
            let id =
                names::logical_id(chain.iter().map(|c| (self.tree.node(*c).id(), self.tree.node(*c).logical_id())));
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

    fn render_resources(&mut self, reachable: &[usize]) {
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
            metadata.insert("stackwright:path".to_string(), serde_json::Value::String(path.clone()));
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
    fn add_explicit_dependencies(&mut self, reachable: &[usize]) {
        for &i in reachable {
            for target in self.tree.node(i).dependencies() {
                let t = target.index;
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

    /// Each cluster's manifest entry, with the object bodies in the entry's (apply) order.
    fn render_clusters(&mut self) -> Vec<(ClusterEntry, Vec<&'a serde_json::Value>)> {
        let mut entries = Vec::new();
        let tree = self.tree;
        for cluster in kube::clusters(tree) {
            let Some(stack) = self.tree.stack_of(cluster.node()) else {
                continue;
            };
            let Some(&pos) = self.stack_pos.get(&stack) else {
                continue;
            };
            let env = self.stacks[pos].env;
            let env_id = self.tree.node(env).id().to_string();
            let prefix = names::pascal_case(cluster.name());
            let c = cluster.connection();
            let outputs = ClusterOutputs {
                cluster_name: self.export(pos, format!("{prefix}ClusterName"), c.cluster_name.clone()),
                endpoint: self.export(pos, format!("{prefix}Endpoint"), c.endpoint.clone()),
                certificate_authority: self.export(
                    pos,
                    format!("{prefix}CertificateAuthority"),
                    c.certificate_authority.clone(),
                ),
                oidc_issuer: self.export(pos, format!("{prefix}OidcIssuer"), c.oidc_issuer.clone()),
            };
            let mut bindings = Vec::new();
            for (placeholder, source) in cluster.bindings() {
                let source = match source {
                    LateSource::Environment(variable) => BindingSource::Environment { variable: variable.clone() },
                    LateSource::Stack(value) => match self.late_bound_output(value, env, cluster.node()) {
                        Some((stack, output)) => BindingSource::StackOutput { stack, output },
                        None => continue,
                    },
                };
                bindings.push(BindingEntry { placeholder: placeholder.clone(), source });
            }
            let id = format!("{env_id}-{}", cluster.name());
            let mut objects: Vec<&'a KubeObjectData> = cluster.objects().iter().collect();
            objects.sort_by(|a, b| {
                (apply_rank(a.kind()), a.kind(), a.namespace(), a.name()).cmp(&(
                    apply_rank(b.kind()),
                    b.kind(),
                    b.namespace(),
                    b.name(),
                ))
            });
            let width = if objects.len() > 100 { 3 } else { 2 };
            let object_entries = objects
                .iter()
                .enumerate()
                .map(|(n, o)| {
                    let kind = o.kind().to_ascii_lowercase();
                    let file = match o.namespace() {
                        Some(ns) => format!("{n:0width$}-{kind}-{ns}-{}.yaml", o.name()),
                        None => format!("{n:0width$}-{kind}-{}.yaml", o.name()),
                    };
                    ObjectEntry {
                        file,
                        api_version: o.api_version().to_string(),
                        kind: o.kind().to_string(),
                        namespace: o.namespace().map(str::to_string),
                        name: o.name().to_string(),
                        path: self.path(o.owner()),
                    }
                })
                .collect();
            let bodies = objects.iter().map(|o| o.body()).collect();
            entries.push((
                ClusterEntry {
                    directory: format!("k8s/{id}"),
                    id,
                    name: cluster.name().to_string(),
                    environment: env_id,
                    stack: self.stacks[pos].artifact.clone(),
                    outputs,
                    objects: object_entries,
                    bindings,
                },
                bodies,
            ));
        }
        entries
    }

    /// The stack output holding a late-bound resource value, created on first use.
    fn late_bound_output(
        &mut self,
        value: &Value,
        cluster_env: usize,
        cluster_node: usize,
    ) -> Option<(String, String)> {
        let (Value::Ref(target) | Value::GetAtt(target, _)) = value else {
            return None;
        };
        let (pos, _) = self.resource_of(*target, &self.path(cluster_node))?;
        if self.stacks[pos].env != cluster_env {
            self.diags.push(
                self.path(cluster_node),
                format!(
                    "a manifest of this cluster late-binds '{}', which is in another environment",
                    self.path(target.index)
                ),
                "late-bind only values of stacks in the cluster's environment",
            );
            return None;
        }
        let output = self.output_name(value)?;
        let output = self.export(pos, output, value.clone());
        Some((self.stacks[pos].artifact.clone(), output))
    }

    /// Renders pending exports into outputs until none is left (rendering one can create
    /// another in a stack it references).
    fn render_exports(&mut self) {
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
    fn export(&mut self, pos: usize, name: String, value: Value) -> String {
        let state = &mut self.stacks[pos];
        if !state.outputs.contains_key(&name) {
            state.exports.insert(name.clone(), value);
        }
        name
    }

    /// The output name for a reference: the logical id, plus the attribute for `Fn::GetAtt`.
    fn output_name(&self, value: &Value) -> Option<String> {
        match value {
            Value::Ref(n) => self.logical.get(&n.index).map(|(_, id)| id.clone()),
            Value::GetAtt(n, attribute) => {
                self.logical.get(&n.index).map(|(_, id)| format!("{id}{}", names::pascal_case(attribute)))
            }
            _ => None,
        }
    }

    /// The stack position and logical id of the resource `target`, or a recorded error.
    fn resource_of(&mut self, target: NodeRef, user_path: &str) -> Option<(usize, String)> {
        if !self.tree.contains(target) {
            self.diags.push(
                user_path,
                "refers to a construct of another App",
                "build every construct of a program in one App",
            );
            return None;
        }
        match self.logical.get(&target.index) {
            Some(found) => Some(found.clone()),
            None => {
                if self.tree.node(target.index).resource().is_none() {
                    self.diags.push(
                        user_path,
                        format!("refers to '{}', which is not a CloudFormation resource", self.path(target.index)),
                        "refer to a resource (or an attribute of one) instead of a construct",
                    );
                }
                None
            }
        }
    }

    /// Renders `value` for use in stack `pos`. `from` is the resource that uses it (for
    /// dependency edges); `path` names the user in errors.
    fn render(&mut self, value: &Value, pos: usize, from: Option<usize>, path: &str) -> serde_json::Value {
        use serde_json::{Value as J, json};
        match value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(n) => json!(n),
            Value::Float(f) => json!(f),
            Value::String(s) => J::String(s.clone()),
            Value::List(items) => {
                J::Array(items.iter().map(|v| self.render(v, pos, from, path)).filter(|v| !v.is_null()).collect())
            }
            Value::Map(map) => {
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    let r = self.render(v, pos, from, path);
                    if !r.is_null() {
                        out.insert(k.clone(), r);
                    }
                }
                J::Object(out)
            }
            Value::Ref(_) | Value::GetAtt(..) => match self.reference(value, pos, from, path) {
                Some(Reference::Local(id, None)) => json!({ "Ref": id }),
                Some(Reference::Local(id, Some(attribute))) => {
                    json!({ "Fn::GetAtt": [id, attribute] })
                }
                Some(Reference::Parameter(name)) => json!({ "Ref": name }),
                None => J::Null,
            },
            Value::Pseudo(p) => json!({ "Ref": p.name() }),
            Value::Parameter(name) => json!({ "Ref": name }),
            Value::Sub(parts) => self.render_sub(parts, pos, from, path),
            Value::Join(delimiter, items) => {
                let items: Vec<J> = items.iter().map(|v| self.render(v, pos, from, path)).collect();
                json!({ "Fn::Join": [delimiter, items] })
            }
            Value::Select(index, list) => {
                json!({ "Fn::Select": [index.to_string(), self.render(list, pos, from, path)] })
            }
            Value::Split(delimiter, source) => {
                json!({ "Fn::Split": [delimiter, self.render(source, pos, from, path)] })
            }
            Value::GetAzs(region) => json!({ "Fn::GetAZs": self.render(region, pos, from, path) }),
            Value::Cidr { block, count, cidr_bits } => {
                json!({ "Fn::Cidr": [self.render(block, pos, from, path), count.to_string(), cidr_bits.to_string()] })
            }
            Value::Base64(v) => json!({ "Fn::Base64": self.render(v, pos, from, path) }),
            Value::If(condition, a, b) => {
                json!({ "Fn::If": [condition, self.render(a, pos, from, path), self.render(b, pos, from, path)] })
            }
            Value::Equals(a, b) => {
                json!({ "Fn::Equals": [self.render(a, pos, from, path), self.render(b, pos, from, path)] })
            }
            Value::Not(v) => json!({ "Fn::Not": [self.render(v, pos, from, path)] }),
            Value::Condition(name) => json!({ "Condition": name }),
        }
    }

    fn render_sub(&mut self, parts: &[SubPart], pos: usize, from: Option<usize>, path: &str) -> serde_json::Value {
        let mut template = String::new();
        let mut variables = serde_json::Map::new();
        let mut has_references = false;
        for part in parts {
            match part {
                SubPart::Text(text) => template.push_str(&text.replace("${", "${!")),
                SubPart::Value(v) => {
                    let name = match v {
                        Value::String(s) => {
                            template.push_str(&s.replace("${", "${!"));
                            continue;
                        }
                        Value::Pseudo(p) => p.name().to_string(),
                        Value::Parameter(name) => name.clone(),
                        Value::Ref(_) | Value::GetAtt(..) => match self.reference(v, pos, from, path) {
                            Some(Reference::Local(id, None)) => id,
                            Some(Reference::Local(id, Some(attribute))) => {
                                format!("{id}.{attribute}")
                            }
                            Some(Reference::Parameter(name)) => name,
                            None => continue,
                        },
                        other => {
                            // The same value used twice is one variable.
                            let rendered = self.render(other, pos, from, path);
                            match variables.iter().find(|(_, v)| **v == rendered) {
                                Some((name, _)) => name.clone(),
                                None => {
                                    let name = format!("Var{}", variables.len() + 1);
                                    variables.insert(name.clone(), rendered);
                                    name
                                }
                            }
                        }
                    };
                    has_references = true;
                    template.push_str("${");
                    template.push_str(&name);
                    template.push('}');
                }
            }
        }
        if !has_references {
            // Nothing to substitute: the literal text, with the escapes undone.
            return serde_json::Value::String(template.replace("${!", "${"));
        }
        if variables.is_empty() {
            serde_json::json!({ "Fn::Sub": template })
        } else {
            serde_json::json!({ "Fn::Sub": [template, variables] })
        }
    }

    /// Resolves a `Ref`/`Fn::GetAtt` used in stack `pos`: local, or through a parameter filled
    /// from the producer's output.
    fn reference(&mut self, value: &Value, pos: usize, from: Option<usize>, path: &str) -> Option<Reference> {
        let (target, attribute) = match value {
            Value::Ref(t) => (*t, None),
            Value::GetAtt(t, a) => (*t, Some(a.clone())),
            _ => return None,
        };
        let (target_pos, target_id) = self.resource_of(target, path)?;
        if target_pos == pos {
            if let Some(from) = from {
                self.stacks[pos].resource_edges.push((from, target.index));
            }
            return Some(Reference::Local(target_id, attribute));
        }
        if self.stacks[target_pos].env != self.stacks[pos].env {
            self.diags.push(
                path,
                format!(
                    "refers to '{}' in environment '{}', but a stack can only use values of its own environment ('{}')",
                    self.path(target.index),
                    self.tree.node(self.stacks[target_pos].env).id(),
                    self.tree.node(self.stacks[pos].env).id(),
                ),
                "pass the value as a literal (for example an ARN you know), or create the resource in this environment",
            );
            return None;
        }
        let output = self.output_name(value)?;
        let output = self.export(target_pos, output, value.clone());
        let producer = &self.stacks[target_pos];
        let parameter = format!("{}{output}", names::pascal_case(self.tree.node(producer.node).id()));
        let producer_artifact = producer.artifact.clone();
        let target_path = self.path(target.index);
        let consumer = &mut self.stacks[pos];
        if !consumer.parameters.contains_key(&parameter) {
            consumer.parameters.insert(
                parameter.clone(),
                ParameterJson {
                    kind: "String".into(),
                    description: Some(format!(
                        "{target_path}{}: output {output} of stack {producer_artifact}",
                        attribute.map(|a| format!(".{a}")).unwrap_or_default()
                    )),
                    default: None,
                    allowed_values: Vec::new(),
                    no_echo: false,
                },
            );
            consumer.parameter_bindings.push(ParameterBinding {
                parameter: parameter.clone(),
                stack: producer_artifact,
                output,
            });
        }
        consumer.depends_on.entry(target_pos).or_insert_with(|| format!("'{path}' uses '{target_path}'"));
        Some(Reference::Parameter(parameter))
    }

    fn check_resource_cycles(&mut self) {
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
    fn stack_order(&mut self) -> Vec<usize> {
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

    fn check_quotas(&mut self) {
        for s in &self.stacks {
            for (what, count, max) in [
                ("resources", s.resources.len(), MAX_RESOURCES),
                ("parameters", s.parameters.len(), MAX_PARAMETERS),
                ("outputs", s.outputs.len(), MAX_OUTPUTS),
            ] {
                if count > max {
                    self.diags.push(
                        self.tree.path(s.node),
                        format!("the stack has {count} {what}; CloudFormation allows at most {max}"),
                        "split the stack into several stacks",
                    );
                }
            }
        }
    }

    fn into_assembly(
        self,
        order: Vec<usize>,
        clusters: Vec<(ClusterEntry, Vec<&serde_json::Value>)>,
    ) -> Result<Assembly> {
        let tree = self.tree;
        let mut files = IndexMap::new();
        let mut oversized = Diagnostics::new();
        let environments = tree
            .node(0)
            .children()
            .values()
            .map(|&e| {
                let data = tree.environment_data(e);
                EnvironmentEntry {
                    id: tree.node(e).id().to_string(),
                    account: data.account.to_string(),
                    region: data.region.to_string(),
                    production: data.production,
                }
            })
            .collect();
        let artifacts: Vec<String> = self.stacks.iter().map(|s| s.artifact.clone()).collect();
        let mut stacks = Vec::new();
        let mut by_position: Vec<Option<StackState>> = self.stacks.into_iter().map(Some).collect();
        for pos in order {
            let Some(state) = by_position[pos].take() else {
                continue;
            };
            let data = tree.stack_data(state.node);
            let env = tree.environment_data(state.env);
            let template_file = format!("{}.template.json", state.artifact);
            let description =
                data.description.clone().unwrap_or_else(|| format!("{} {}", tree.app_name(), tree.path(state.node)));
            let template = TemplateJson {
                format_version: "2010-09-09",
                description: Some(description),
                parameters: state.parameters,
                conditions: state.conditions,
                resources: state.resources,
                outputs: state.outputs,
            };
            let compact = serde_json::to_vec(&template).map_or(0, |v| v.len());
            if compact > MAX_TEMPLATE_BODY_BYTES {
                oversized.push(
                    tree.path(state.node),
                    format!("the template is {compact} bytes minified; CloudFormation accepts at most {MAX_TEMPLATE_BODY_BYTES} inline"),
                    "split the stack into several stacks",
                );
            }
            let mut json = serde_json::to_string_pretty(&template)
                .map_err(|e| Error::Serialize { what: template_file.clone(), message: e.to_string() })?;
            json.push('\n');
            files.insert(template_file.clone(), json.into_bytes());
            stacks.push(StackEntry {
                id: state.artifact.clone(),
                environment: tree.node(state.env).id().to_string(),
                stack_name: data
                    .stack_name
                    .clone()
                    .unwrap_or_else(|| format!("{}-{}", tree.app_name(), state.artifact)),
                template: template_file,
                dependencies: state
                    .depends_on
                    .keys()
                    .map(|d| artifacts[*d].clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                parameters: state.parameter_bindings,
                termination_protection: data.termination_protection.unwrap_or(env.production),
                tags: data.tags.clone(),
                resources: state.resource_paths,
            });
        }
        for (entry, bodies) in &clusters {
            for (object, body) in entry.objects.iter().zip(bodies) {
                let yaml = crate::yaml::to_yaml(body)
                    .map_err(|message| Error::Serialize { what: object.file.clone(), message })?;
                files.insert(format!("{}/{}", entry.directory, object.file), yaml.into_bytes());
            }
        }
        for (path, (_, bytes)) in tree.files() {
            files.insert(path.clone(), bytes.clone());
        }
        if !oversized.is_empty() {
            return Err(Error::Invalid(oversized));
        }
        let manifest = Manifest {
            schema_version: SCHEMA_VERSION.into(),
            tool: format!("stackwright {}", env!("CARGO_PKG_VERSION")),
            app: tree.app_name().to_string(),
            environments,
            stacks,
            clusters: clusters.into_iter().map(|(entry, _)| entry).collect(),
            files: tree.files().keys().cloned().collect(),
        };
        Ok(Assembly { manifest, files })
    }
}

enum Reference {
    /// A resource of the same stack: logical id and optional attribute.
    Local(String, Option<String>),
    /// A parameter filled from another stack's output.
    Parameter(String),
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
