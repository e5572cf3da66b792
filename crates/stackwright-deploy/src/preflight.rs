//! Preflight: everything a deploy needs, checked before anything is changed, in two phases whose
//! results are types (as k8s-openapi makes an unchecked request unrepresentable): only
//! [`Plan::offline`] builds a [`Plan`], only [`Plan::read`] turns one into a [`Checked`], and
//! the runtime deploys nothing but a [`Checked`].
//!
//! 1. **Offline** ([`Plan::offline`]), sending no request at all: the selection, every template
//!    (present, JSON, within the inline size limit), every dependency known and no cycle, every
//!    Kubernetes manifest present and readable, every late-bound value produced by a stack of
//!    the plan (whose template declares that output) or set in the environment now, no node
//!    group or kube-proxy newer than its control plane ([`crate::upgrade`]).
//! 2. **Read-only calls** ([`Plan::read`]): the account of each environment (STS), the
//!    outputs of producer stacks outside the selection (`DescribeStacks`), and — for stacks
//!    with EKS resources — the deployed template (`GetTemplate`), against which a control-plane
//!    jump of more than one minor and any downgrade are refused.
//!
//! Each phase lists every problem it finds, not the first only ([`Error::Preflight`], exit
//! status 2); no create, execute, update or delete happens until both have passed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value as Json;
use stackwright_core::assembly::{BindingSource, ClusterEntry, StackEntry};

use crate::aws::Aws;
use crate::cfn::{CfnOptions, Engine, MAX_TEMPLATE_BODY, inline_body};
use crate::error::{Error, Result};
use crate::interrupt::Ledger;
use crate::no_resources;
use crate::plan::{Assembly, Extend, Outputs};
use crate::progress::Progress;
use crate::upgrade;

/// A plan whose assembly passed the offline checks; nothing was sent anywhere to build it.
#[derive(Debug, Clone)]
pub struct Plan {
    assembly: Arc<Assembly>,
    stacks: Vec<String>,
    templates: HashMap<String, String>,
    clusters: Vec<String>,
    environment: BTreeMap<String, String>,
    /// Producer stacks outside the selection, with the outputs wanted from each.
    outside: BTreeMap<String, BTreeSet<String>>,
    /// Selected stacks without resources: phase 2 checks no CloudFormation stack has their name.
    no_resources: Vec<String>,
}

/// A plan that also passed the read-only calls: the only thing the runtime deploys.
#[derive(Debug, Clone)]
pub struct Checked {
    plan: Plan,
    outputs: Outputs,
}

/// The template's top-level `Outputs` and `Parameters` names.
struct Declared {
    outputs: HashSet<String>,
    parameters: HashSet<String>,
    /// The template has no resources ([`crate::no_resources`]): never sent to CloudFormation.
    no_resources: bool,
}

impl Plan {
    /// Checks the assembly for deploying the stacks matching `patterns` (extended as `extend`
    /// says) and, with `kubernetes`, the objects of their clusters. `env` reads the
    /// environment variables that late-bound values name.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when a pattern matches no stack; [`Error::Preflight`] with every
    /// problem found.
    pub fn offline(
        assembly: Arc<Assembly>,
        patterns: &[String],
        extend: Extend,
        kubernetes: bool,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Plan> {
        let stacks = assembly.select(patterns, extend)?;
        let mut problems = Vec::new();
        let mut templates = HashMap::new();
        let mut declared = HashMap::new();
        let mut no_resources = Vec::new();
        for id in &stacks {
            let entry = assembly.stack(id)?;
            stack_problems(&assembly, entry, &mut problems);
            if let Some((body, names)) = template(&assembly, entry, &mut problems) {
                if let Ok(parsed) = serde_json::from_str::<Json>(&body) {
                    problems.extend(upgrade::problems(id, None, &parsed));
                }
                if names.no_resources {
                    no_resources.push(id.clone());
                }
                templates.insert(id.clone(), body);
                declared.insert(id.clone(), names);
            }
        }
        problems.extend(cycles(&assembly, &stacks));
        problems.extend(upgrade::node_groups_ahead_across_stacks(&templates));
        let mut plan = Plan {
            assembly: assembly.clone(),
            stacks,
            templates,
            clusters: Vec::new(),
            environment: BTreeMap::new(),
            outside: BTreeMap::new(),
            no_resources,
        };
        plan.check_parameters(&declared, &mut problems);
        if kubernetes {
            let selected = plan.stacks.clone();
            for cluster in assembly.manifest.clusters.iter().filter(|c| selected.contains(&c.stack)) {
                plan.check_cluster(cluster, &declared, env, &mut problems);
                plan.clusters.push(cluster.id.clone());
            }
        }
        if problems.is_empty() { Ok(plan) } else { Err(Error::Preflight(problems)) }
    }

    /// The selected stacks, in dependency (manifest) order.
    #[must_use]
    pub fn stacks(&self) -> &[String] {
        &self.stacks
    }

    /// Every consumer parameter: produced by a stack of the plan whose template declares the
    /// output, or by a known stack outside it (read in phase 2); declared by the consumer.
    fn check_parameters(&mut self, declared: &HashMap<String, Declared>, problems: &mut Vec<String>) {
        let assembly = self.assembly.clone();
        for id in &self.stacks.clone() {
            let Some(entry) = assembly.manifest.stack(id) else { continue };
            for b in &entry.parameters {
                if declared.get(id).is_some_and(|d| !d.parameters.contains(&b.parameter)) {
                    problems.push(format!(
                        "stack {id}: the manifest binds parameter {} but the template declares no such parameter\n  \
                         hint: synthesize the assembly again",
                        b.parameter
                    ));
                }
                let what = format!("stack {id}: parameter {}", b.parameter);
                self.producer(&what, &b.stack, &b.output, declared, problems);
            }
        }
    }

    /// A late-bound value read from `stack`'s `output`: known stack; in the plan, a declared
    /// output; outside it, remembered for phase 2.
    fn producer(
        &mut self,
        what: &str,
        stack: &str,
        output: &str,
        declared: &HashMap<String, Declared>,
        problems: &mut Vec<String>,
    ) {
        if self.assembly.manifest.stack(stack).is_none() {
            problems.push(format!(
                "{what} needs output {output} of stack {stack}, which the assembly does not have\n  \
                 hint: synthesize the assembly again"
            ));
        } else if self.stacks.iter().any(|s| s == stack) {
            if declared.get(stack).is_some_and(|d| !d.outputs.contains(output)) {
                problems.push(format!(
                    "{what} needs output {output} of stack {stack}, whose template declares no such output\n  \
                     hint: synthesize the assembly again"
                ));
            }
        } else {
            self.outside.entry(stack.to_string()).or_default().insert(output.to_string());
        }
    }

    /// The cluster's manifests are there and readable, and every late-bound value has a source.
    fn check_cluster(
        &mut self,
        cluster: &ClusterEntry,
        declared: &HashMap<String, Declared>,
        env: &dyn Fn(&str) -> Option<String>,
        problems: &mut Vec<String>,
    ) {
        if self.assembly.environment(&cluster.environment).is_err() {
            problems.push(format!(
                "cluster {}: the assembly has no environment '{}'\n  hint: synthesize the assembly again",
                cluster.id, cluster.environment
            ));
        }
        for object in &cluster.objects {
            let path = self.assembly.dir.join(&cluster.directory).join(&object.file);
            match std::fs::read_to_string(&path) {
                Err(e) => problems.push(format!(
                    "cluster {}: cannot read the manifest of {} at {}: {e}\n  hint: synthesize the assembly again",
                    cluster.id,
                    object.path,
                    path.display()
                )),
                Ok(text) => {
                    if let Err(e) = serde_saphyr::from_str::<Json>(&text) {
                        problems.push(format!(
                            "cluster {}: {} is not a Kubernetes object: {e}\n  hint: synthesize the assembly again",
                            cluster.id,
                            path.display()
                        ));
                    }
                }
            }
        }
        for b in &cluster.bindings {
            let what = format!("cluster {}: {}", cluster.id, b.placeholder);
            match &b.source {
                BindingSource::StackOutput { stack, output } => self.producer(&what, stack, output, declared, problems),
                BindingSource::Environment { variable } => match env(variable) {
                    Some(value) => {
                        self.environment.insert(variable.clone(), value);
                    }
                    None => problems.push(format!(
                        "{what} reads environment variable {variable}, which is not set\n  \
                         hint: export {variable}=… and run again (or deploy with --no-kubernetes)"
                    )),
                },
            }
        }
    }

    /// Phase 2, read-only calls: the account of every environment of the plan (unless
    /// `check_account` is off) and the outputs of producers outside the selection.
    ///
    /// # Errors
    ///
    /// [`Error::Preflight`] with every problem found (credentials for another account, a
    /// producer not deployed or without the output); the errors of the calls themselves (STS,
    /// `DescribeStacks`) when they cannot be made.
    pub async fn read(
        self,
        aws: &Aws,
        options: &CfnOptions,
        progress: &Progress,
        check_account: bool,
    ) -> Result<Checked> {
        let mut problems = Vec::new();
        if check_account {
            let mut seen = BTreeSet::new();
            for id in &self.stacks {
                let entry = self.assembly.stack(id)?;
                if seen.insert(entry.environment.clone()) {
                    let env = self.assembly.environment(&entry.environment)?;
                    if aws.options.local {
                        progress.line(aws.emulator_account(&env.id, &env.region, &env.account, progress).await?);
                        continue;
                    }
                    match aws.check_account(&env.id, &env.region, &env.account, progress).await {
                        Ok(()) => {}
                        Err(Error::Usage(problem)) => problems.push(problem),
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        let mut outputs = Outputs::new();
        let ledger = Ledger::default();
        self.refuse_leftover_stacks(aws, options, progress, &ledger, &mut problems).await?;
        let reading = upgrade::Reading { assembly: &self.assembly, aws, options, progress, ledger: &ledger };
        reading.refuse_unsafe_upgrades(&self.stacks, &self.templates, &mut problems).await?;
        for (stack, wanted) in &self.outside {
            let entry = self.assembly.stack(stack)?;
            if let Ok(text) = self.assembly.template(entry)
                && let Ok(template) = serde_json::from_str::<Json>(&text)
                && no_resources::has_no_resources(&template)
            {
                // Never in CloudFormation: its outputs are in its template (literals only here:
                // a parameter's value would need the stacks before it, outside the selection).
                match no_resources::outputs(&template, &BTreeMap::new()) {
                    Ok(values) => {
                        outputs.insert(stack.clone(), values);
                    }
                    Err(why) => problems.push(format!(
                        "stack {stack} has no resources and {why}\n  hint: include {stack} in the selection"
                    )),
                }
                continue;
            }
            let env = self.assembly.environment(&entry.environment)?;
            let clients = aws.region(&env.region).await;
            let engine = Engine { clients: &clients, entry, options, progress, ledger: &ledger };
            let Some(info) = engine.describe(&entry.stack_name).await? else {
                problems.push(format!(
                    "stack {stack} ({}) is not deployed, and the plan needs its output{} {}\n  \
                     hint: deploy {stack} first, or include it in the selection",
                    entry.stack_name,
                    if wanted.len() == 1 { "" } else { "s" },
                    wanted.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
                continue;
            };
            let missing: Vec<&str> =
                wanted.iter().filter(|o| !info.outputs.contains_key(*o)).map(String::as_str).collect();
            if !missing.is_empty() {
                problems.push(format!(
                    "stack {stack} ({}, {}) has no output {}, which the plan needs\n  \
                     hint: deploy {stack} again with this assembly first, or include it in the selection",
                    entry.stack_name,
                    info.status,
                    missing.join(", ")
                ));
            }
            outputs.insert(stack.clone(), info.outputs);
        }
        if problems.is_empty() { Ok(Checked { plan: self, outputs }) } else { Err(Error::Preflight(problems)) }
    }

    /// A selected stack without resources is never sent to CloudFormation: a CloudFormation
    /// stack of its name, left by an earlier program, is refused (deploy deletes nothing on its
    /// own).
    async fn refuse_leftover_stacks(
        &self,
        aws: &Aws,
        options: &CfnOptions,
        progress: &Progress,
        ledger: &Ledger,
        problems: &mut Vec<String>,
    ) -> Result<()> {
        for stack in &self.no_resources {
            let entry = self.assembly.stack(stack)?;
            let env = self.assembly.environment(&entry.environment)?;
            let clients = aws.region(&env.region).await;
            let engine = Engine { clients: &clients, entry, options, progress, ledger };
            if let Some(info) = engine.describe(&entry.stack_name).await? {
                problems.push(format!(
                    "stack {stack}: the program gives it no resources, so deploy does not send it to CloudFormation, \
                     but CloudFormation has a stack {} ({}) from an earlier program\n  \
                     hint: delete it on purpose first (`destroy {stack}`: its resources are deleted), or give the \
                     stack a resource again",
                    entry.stack_name, info.status
                ));
            }
        }
        Ok(())
    }
}

impl Checked {
    /// The assembly the plan was checked against.
    #[must_use]
    pub fn assembly(&self) -> &Arc<Assembly> {
        &self.plan.assembly
    }

    /// The selected stacks, in dependency (manifest) order.
    #[must_use]
    pub fn stacks(&self) -> &[String] {
        &self.plan.stacks
    }

    /// The template of a stack of the plan, as it is sent (checked to fit inline).
    #[must_use]
    pub fn template(&self, stack: &str) -> Option<&str> {
        self.plan.templates.get(stack).map(String::as_str)
    }

    /// The ids of the clusters whose objects are applied after their stacks.
    #[must_use]
    pub fn clusters(&self) -> &[String] {
        &self.plan.clusters
    }

    /// Outputs of the producers outside the selection, read in phase 2.
    #[must_use]
    pub fn outputs(&self) -> &Outputs {
        &self.outputs
    }

    /// The environment variables late-bound values read, with their values, read in phase 1.
    #[must_use]
    pub fn environment(&self) -> &BTreeMap<String, String> {
        &self.plan.environment
    }
}

/// A stack's environment exists and every stack it depends on is in the assembly.
fn stack_problems(assembly: &Assembly, entry: &StackEntry, problems: &mut Vec<String>) {
    if assembly.environment(&entry.environment).is_err() {
        problems.push(format!(
            "stack {}: the assembly has no environment '{}'\n  hint: synthesize the assembly again",
            entry.id, entry.environment
        ));
    }
    for d in &entry.dependencies {
        if assembly.manifest.stack(d).is_none() {
            problems.push(format!(
                "stack {} depends on stack {d}, which the assembly does not have\n  hint: synthesize the assembly again",
                entry.id
            ));
        }
    }
}

/// The template as it will be sent, and the names it declares; `None` after recording why not.
fn template(assembly: &Assembly, entry: &StackEntry, problems: &mut Vec<String>) -> Option<(String, Declared)> {
    let path = assembly.dir.join(&entry.template);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!(
                "stack {}: cannot read its template {}: {e}\n  hint: synthesize the assembly again",
                entry.id,
                path.display()
            ));
            return None;
        }
    };
    let parsed: Json = match serde_json::from_str(&text) {
        Ok(v @ Json::Object(_)) => v,
        Ok(_) => {
            problems.push(format!(
                "stack {}: the template {} is not a JSON object\n  hint: synthesize the assembly again",
                entry.id,
                path.display()
            ));
            return None;
        }
        Err(e) => {
            problems.push(format!(
                "stack {}: the template {} is not JSON: {e}\n  hint: synthesize the assembly again",
                entry.id,
                path.display()
            ));
            return None;
        }
    };
    // The runtime sends templates inline (`TemplateBody`, at most 51,200 bytes); the 1 MB
    // limit applies to templates uploaded to S3 (`TemplateURL`), which it does not do.
    let body = match inline_body(&text) {
        Ok(body) => body,
        Err(size) => {
            problems.push(format!(
                "stack {}: the template is {size} bytes even without whitespace; this runtime sends templates \
                 inline (TemplateBody), where CloudFormation takes at most {MAX_TEMPLATE_BODY} bytes (the 1 MB \
                 limit is for templates uploaded to S3, which this runtime does not do)\n  \
                 hint: split the stack",
                entry.id
            ));
            return None;
        }
    };
    let names = |key: &str| -> HashSet<String> {
        parsed.get(key).and_then(Json::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default()
    };
    let no_resources = no_resources::has_no_resources(&parsed);
    if no_resources {
        // Its outputs are evaluated from the template: each must be a literal or a parameter.
        let parameters = names("Parameters").into_iter().map(|p| (p, String::new())).collect();
        if let Err(why) = no_resources::outputs(&parsed, &parameters) {
            problems.push(format!(
                "stack {}: the template has no resources, so it is not sent to CloudFormation, but {why}\n  \
                 hint: synthesize the assembly again",
                entry.id
            ));
        }
    }
    Some((body, Declared { outputs: names("Outputs"), parameters: names("Parameters"), no_resources }))
}

/// Every dependency cycle among the selected stacks, each once (`a → b → a`).
fn cycles(assembly: &Assembly, stacks: &[String]) -> Vec<String> {
    let in_plan: HashSet<&str> = stacks.iter().map(String::as_str).collect();
    let deps = |id: &str| -> Vec<&str> {
        assembly
            .manifest
            .stack(id)
            .map(|s| s.dependencies.iter().map(String::as_str).filter(|d| in_plan.contains(d)).collect())
            .unwrap_or_default()
    };
    // Depth-first search; a node on the current path reached again closes a cycle.
    let mut done: HashSet<&str> = HashSet::new();
    let mut found: Vec<Vec<&str>> = Vec::new();
    for start in stacks {
        let mut path: Vec<&str> = Vec::new();
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        while let Some((node, i)) = stack.pop() {
            if i == 0 {
                if done.contains(node) {
                    continue;
                }
                path.push(node);
            }
            let next = deps(node);
            if let Some(&d) = next.get(i) {
                stack.push((node, i + 1));
                if let Some(pos) = path.iter().position(|p| *p == d) {
                    let mut cycle: Vec<&str> = path[pos..].to_vec();
                    // One rotation per cycle: start at its smallest id.
                    let min = cycle.iter().enumerate().min_by_key(|(_, s)| **s).map_or(0, |(i, _)| i);
                    cycle.rotate_left(min);
                    if !found.contains(&cycle) {
                        found.push(cycle);
                    }
                } else if !done.contains(d) {
                    stack.push((d, 0));
                }
            } else {
                path.pop();
                done.insert(node);
            }
        }
    }
    found
        .into_iter()
        .map(|c| {
            format!(
                "dependency cycle: {} → {}; none of these stacks can go first\n  hint: synthesize the assembly again",
                c.join(" → "),
                c[0]
            )
        })
        .collect()
}
