//! Rewiring the references that cross the cut of a stack refactor.
//!
//! A refactor may not add parameters (AWS CloudFormation User Guide, "Stack refactoring",
//! considerations: "update the stack before performing the refactor"). So when a moved
//! resource refers to one that stays (or the reverse), the stacks are first updated — without
//! changing any resource — so that each side already has what the refactor's templates need:
//!
//! 1. the source gains the outputs that will carry the values across (the program's own
//!    outputs where the program connects the two stacks that way);
//! 2. the stack that will refer across the cut gains the parameter the program gives it, with
//!    the value just read from those outputs (or, for a parameter of the source the moved
//!    resource uses, the source's value);
//! 3. in the refactor's templates, each `Ref`/`Fn::GetAtt` across the cut becomes a `Ref` of
//!    that parameter — the same value, so no resource changes — and a `DependsOn` across the
//!    cut is dropped (the deploy after the refactor orders the stacks instead).
//!
//! Only connections the program itself makes are rewired: the parameter is the program's
//! cross-stack parameter (its binding in the manifest), so the ordinary deploy that follows has
//! nothing to rewire. `${…}` references inside `Fn::Sub` are refused with a hint.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};
use stackwright_core::assembly::ParameterBinding;

/// One stack of a refactor as the plan sees it.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The stack's id in the assembly.
    pub id: &'a str,
    /// The CloudFormation stack name.
    pub name: &'a str,
    /// The deployed template (`None`: the stack does not exist yet).
    pub deployed: Option<&'a Json>,
    /// The program's template of the stack.
    pub program: &'a Json,
    /// The program's cross-stack parameters of the stack.
    pub bindings: &'a [ParameterBinding],
}

/// Where the value of a parameter added before the refactor comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueFrom {
    /// An output of the source stack (added by the preparation when needed).
    SourceOutput(String),
    /// The current value of a parameter of the source stack.
    SourceParameter(String),
}

/// A parameter a stack gains before the refactor.
#[derive(Debug, Clone, PartialEq)]
pub struct NewParameter {
    /// Its name.
    pub name: String,
    /// Its definition (the program's, or the source's for a copied parameter).
    pub definition: Json,
    /// Where its value comes from.
    pub value: ValueFrom,
}

/// What the stacks gain before the refactor, and how references across the cut are rewritten.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rewiring {
    /// Outputs the source gains first (name → output).
    pub source_outputs: Map<String, Json>,
    /// Parameters the source gains (for staying resources that refer to moved ones).
    pub source_parameters: Vec<NewParameter>,
    /// Parameters the destination gains (for moved resources that refer to staying ones, or
    /// that use a parameter of the source).
    pub destination_parameters: Vec<NewParameter>,
    /// Reference across the cut → the parameter that replaces it.
    replacements: BTreeMap<Reference, String>,
}

/// A `Ref` (attribute `None`) or `Fn::GetAtt` of a logical id.
type Reference = (String, Option<String>);

/// The reference `value` is, when it is exactly a `Ref` or an `Fn::GetAtt`.
fn reference(value: &Json) -> Option<Reference> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    match map.iter().next()? {
        (k, Json::String(target)) if k == "Ref" => Some((target.clone(), None)),
        (k, Json::Array(parts)) if k == "Fn::GetAtt" && parts.len() == 2 => {
            Some((parts[0].as_str()?.to_string(), Some(parts[1].as_str()?.to_string())))
        }
        (k, Json::String(dotted)) if k == "Fn::GetAtt" => {
            let (target, attribute) = dotted.split_once('.')?;
            Some((target.to_string(), Some(attribute.to_string())))
        }
        _ => None,
    }
}

/// Every reference in `value` to a logical id `wanted` accepts (with `Fn::Sub` texts naming one).
fn crossing(value: &Json, wanted: &dyn Fn(&str) -> bool, refs: &mut Vec<Reference>, subs: &mut Vec<String>) {
    if let Some(r) = reference(value) {
        if wanted(&r.0) {
            refs.push(r);
        }
        return;
    }
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                if k == "Fn::Sub" {
                    let text = match v {
                        Json::String(s) => s.as_str(),
                        Json::Array(a) => a.first().and_then(Json::as_str).unwrap_or_default(),
                        _ => "",
                    };
                    for part in text.split("${").skip(1) {
                        if let Some((name, _)) = part.split_once('}') {
                            let target = name.split('.').next().unwrap_or(name);
                            if !name.starts_with('!') && wanted(target) {
                                subs.push(target.to_string());
                            }
                        }
                    }
                }
                crossing(v, wanted, refs, subs);
            }
        }
        Json::Array(items) => items.iter().for_each(|i| crossing(i, wanted, refs, subs)),
        _ => {}
    }
}

/// The program's parameter of `consumer` bound to an output of `producer` whose value is `r`:
/// (parameter, output).
fn binding_for<'a>(consumer: &Side<'a>, producer: &Side<'a>, r: &Reference) -> Option<(&'a str, &'a str)> {
    consumer.bindings.iter().filter(|b| b.stack == producer.id).find_map(|b| {
        let value = producer.program.get("Outputs")?.get(&b.output)?.get("Value")?;
        (reference(value).as_ref() == Some(r)).then_some((b.parameter.as_str(), b.output.as_str()))
    })
}

/// Plans the rewiring of a refactor moving `moved` from `source` (deployed) to `destination`;
/// `path_of` names the construct a logical id belongs to, for messages.
///
/// # Errors
/// Every reference that cannot be rewired, one line each with the construct path and a hint.
pub(super) fn plan(
    source: &Side<'_>,
    destination: &Side<'_>,
    moved: &[String],
    path_of: &dyn Fn(&str) -> String,
) -> Result<Rewiring, Vec<String>> {
    let deployed = source.deployed.cloned().unwrap_or_default();
    let resources = deployed["Resources"].as_object().cloned().unwrap_or_default();
    let is_moved = |id: &str| moved.iter().any(|m| m == id);
    let stays = |id: &str| !is_moved(id) && resources.contains_key(id);
    let source_parameters = deployed.get("Parameters").and_then(Json::as_object).cloned().unwrap_or_default();
    let destination_has = |p: &str| destination.deployed.and_then(|d| d.get("Parameters")?.get(p)).is_some();
    let mut w = Rewiring::default();
    let mut problems = Vec::new();
    let sub_hint = "a reference inside Fn::Sub cannot be rewired\n  hint: move in two steps (first deploy a version \
                    without the reference), or move both resources";
    for (id, resource) in resources.iter() {
        let (mut refs, mut subs) = (Vec::new(), Vec::new());
        if is_moved(id) {
            crossing(resource, &|t| stays(t) || source_parameters.contains_key(t), &mut refs, &mut subs);
        } else {
            crossing(resource, &is_moved, &mut refs, &mut subs);
        }
        for target in subs {
            let (who, whom) = if is_moved(id) { (path_of(id), target) } else { (path_of(&target), id.clone()) };
            problems.push(format!("{who}: {whom} is named in an Fn::Sub across the move; {sub_hint}"));
        }
        for r in refs {
            if w.replacements.contains_key(&r) {
                continue;
            }
            if is_moved(id) && source_parameters.contains_key(&r.0) {
                // A parameter of the source the moved resource uses: the destination gets it too,
                // with the source's value, unless it has it already.
                if !destination_has(&r.0) {
                    w.destination_parameters.push(NewParameter {
                        name: r.0.clone(),
                        definition: source_parameters[&r.0].clone(),
                        value: ValueFrom::SourceParameter(r.0.clone()),
                    });
                }
                w.replacements.insert(r.clone(), r.0.clone());
            } else if is_moved(id) {
                problems.extend(wire_out(&mut w, (source, destination), &deployed, (id, r), &path_of(id)).err());
            } else {
                let path = path_of(&r.0);
                problems.extend(wire_back(&mut w, (source, destination), &deployed, (id, r), &path).err());
            }
        }
    }
    if problems.is_empty() { Ok(w) } else { Err(problems) }
}

/// Wires a moved resource's reference `r` to a resource that stays: the program's output of
/// the source, its parameter of the destination.
fn wire_out(
    w: &mut Rewiring,
    (source, destination): (&Side<'_>, &Side<'_>),
    deployed: &Json,
    (id, r): (&str, Reference),
    path: &str,
) -> Result<(), String> {
    let Some((parameter, output)) = binding_for(destination, source, &r) else {
        return Err(format!(
            "{path}: {id} refers to {}, which stays in {}, and the program does not pass that value to {} through a \
             parameter\n  hint: keep the reference as it was deployed while moving, or move {} too",
            r.0, source.name, destination.name, r.0
        ));
    };
    let value = source.program["Outputs"][output].clone();
    add_output(w, deployed, output, value, source.name)?;
    let has = destination.deployed.and_then(|d| d.get("Parameters")?.get(parameter)).is_some();
    if !has {
        w.destination_parameters.push(NewParameter {
            name: parameter.to_string(),
            definition: destination.program["Parameters"][parameter].clone(),
            value: ValueFrom::SourceOutput(output.to_string()),
        });
    }
    w.replacements.insert(r, parameter.to_string());
    Ok(())
}

/// Wires the reference `r` of a resource that stays (`id`) to a moved one: a temporary output
/// of the source (the resource is still there) under the name the destination will give it,
/// and the program's parameter of the source.
fn wire_back(
    w: &mut Rewiring,
    (source, destination): (&Side<'_>, &Side<'_>),
    deployed: &Json,
    (id, r): (&str, Reference),
    path: &str,
) -> Result<(), String> {
    let Some((parameter, output)) = binding_for(source, destination, &r) else {
        return Err(format!(
            "{path}: {id} stays in {} but refers to {}, which moves, and the program does not pass that value back to \
             {} through a parameter\n  hint: move {id} too, or remove the reference first",
            source.name, r.0, source.name
        ));
    };
    let value = Json::Object(Map::from_iter([("Value".to_string(), to_json(&r))]));
    add_output(w, deployed, output, value, source.name)?;
    if deployed.get("Parameters").and_then(|p| p.get(parameter)).is_none() {
        w.source_parameters.push(NewParameter {
            name: parameter.to_string(),
            definition: source.program["Parameters"][parameter].clone(),
            value: ValueFrom::SourceOutput(output.to_string()),
        });
    }
    w.replacements.insert(r, parameter.to_string());
    Ok(())
}

/// Adds the output `name` to the source's preparation, unless it is deployed with that value.
fn add_output(w: &mut Rewiring, deployed: &Json, name: &str, output: Json, stack: &str) -> Result<(), String> {
    match deployed.get("Outputs").and_then(|o| o.get(name)) {
        Some(existing) if existing.get("Value") == output.get("Value") => Ok(()),
        Some(_) => Err(format!(
            "{stack} has an output {name} with another value; the move needs that name to carry a value to the other \
             stack\n  hint: deploy once without the move, then move"
        )),
        None => {
            w.source_outputs.insert(name.to_string(), output);
            Ok(())
        }
    }
}

/// The JSON of a reference.
fn to_json((target, attribute): &Reference) -> Json {
    match attribute {
        None => serde_json::json!({ "Ref": target }),
        Some(a) => serde_json::json!({ "Fn::GetAtt": [target, a] }),
    }
}

impl Rewiring {
    /// `resource` with every reference across the cut replaced by its parameter, and its
    /// `DependsOn` entries naming a resource `gone` (on the other side) dropped.
    #[must_use]
    pub fn rewrite(&self, resource: &Json, gone: &dyn Fn(&str) -> bool) -> Json {
        let mut out = self.replace(resource);
        if let Some(map) = out.as_object_mut() {
            match map.get_mut("DependsOn") {
                Some(Json::String(s)) if gone(s) => {
                    map.remove("DependsOn");
                }
                Some(Json::Array(items)) => {
                    items.retain(|i| !i.as_str().is_some_and(gone));
                    if items.is_empty() {
                        map.remove("DependsOn");
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn replace(&self, value: &Json) -> Json {
        if let Some(parameter) = reference(value).and_then(|r| self.replacements.get(&r)) {
            return serde_json::json!({ "Ref": parameter });
        }
        match value {
            Json::Object(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), self.replace(v))).collect()),
            Json::Array(items) => Json::Array(items.iter().map(|i| self.replace(i)).collect()),
            other => other.clone(),
        }
    }

    /// Whether the stacks need updating before the refactor.
    #[must_use]
    pub fn needs_preparation(&self) -> bool {
        !(self.source_outputs.is_empty() && self.source_parameters.is_empty() && self.destination_parameters.is_empty())
    }
}

/// `template` with `parameters` added (their definitions; with `Default` = the value when
/// `defaults` is given, for a stack the refactor creates, which takes no parameter values).
#[must_use]
pub fn with_parameters(
    template: &Json,
    parameters: &[NewParameter],
    defaults: Option<&BTreeMap<String, String>>,
) -> Json {
    let mut out = template.clone();
    if parameters.is_empty() {
        return out;
    }
    if !out.get("Parameters").is_some_and(Json::is_object) {
        out["Parameters"] = Json::Object(Map::new());
    }
    for p in parameters {
        let mut definition = p.definition.clone();
        if let Some(value) = defaults.and_then(|d| d.get(&p.name)) {
            definition["Default"] = Json::String(value.clone());
        }
        out["Parameters"][&p.name] = definition;
    }
    out
}

/// `template` with `outputs` added.
#[must_use]
pub fn with_outputs(template: &Json, outputs: &Map<String, Json>) -> Json {
    let mut out = template.clone();
    if outputs.is_empty() {
        return out;
    }
    if !out.get("Outputs").is_some_and(Json::is_object) {
        out["Outputs"] = Json::Object(Map::new());
    }
    for (name, output) in outputs {
        out["Outputs"][name] = output.clone();
    }
    out
}
