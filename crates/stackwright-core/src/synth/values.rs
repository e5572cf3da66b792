//! Step 3, for one value: a [`Value`] rendered as template JSON in the context of the stack
//! that uses it. A reference to a resource of the same stack becomes `Ref`/`Fn::GetAtt`; one to
//! another stack of the same environment becomes a parameter of the consumer filled from an
//! output of the producer.

use crate::assembly::ParameterBinding;
use crate::names;
use crate::value::{NodeRef, SubPart, Value};

use super::Synth;
use super::template_json::ParameterJson;

impl<'a> Synth<'a> {
    /// Renders `value` for use in stack `pos`. `from` is the resource that uses it (for
    /// dependency edges); `path` names the user in errors.
    pub(super) fn render(&mut self, value: &Value, pos: usize, from: Option<usize>, path: &str) -> serde_json::Value {
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

    /// The output name for a reference: the logical id, plus the attribute for `Fn::GetAtt`.
    pub(super) fn output_name(&self, value: &Value) -> Option<String> {
        match value {
            Value::Ref(n) => self.logical.get(&n.index).map(|(_, id)| id.clone()),
            Value::GetAtt(n, attribute) => {
                self.logical.get(&n.index).map(|(_, id)| format!("{id}{}", names::pascal_case(attribute)))
            }
            _ => None,
        }
    }

    /// The stack position and logical id of the resource `target`, or a recorded error; `None`
    /// without an error for a rejected construct (see `Node::reject`).
    pub(super) fn resource_of(&mut self, target: NodeRef, user_path: &str) -> Option<(usize, String)> {
        if !self.tree.contains(target) {
            self.diags.push(
                user_path,
                "refers to a construct of another App",
                "build every construct of a program in one App",
            );
            return None;
        }
        if self.tree.node(target.index).rejected() {
            // A value of a rejected construct: its problems are recorded, nothing is rendered.
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
}

enum Reference {
    /// A resource of the same stack: logical id and optional attribute.
    Local(String, Option<String>),
    /// A parameter filled from another stack's output.
    Parameter(String),
}
