//! The plan: which stacks, in which order, with which parameters; and a scheduler that runs
//! independent stacks concurrently (bounded) while keeping dependency order.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use stackwright_core::Manifest;
use stackwright_core::assembly::{EnvironmentEntry, StackEntry};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::error::{Error, Result};

/// A cloud assembly read from disk.
#[derive(Debug, Clone)]
pub struct Assembly {
    /// The directory it was read from (templates and manifests are relative to it).
    pub dir: PathBuf,
    /// Its `manifest.json`.
    pub manifest: Manifest,
}

impl Assembly {
    /// Reads the assembly in `dir`.
    ///
    /// # Errors
    ///
    /// [`Error::Assembly`] when `manifest.json` is missing or unreadable.
    pub fn read(dir: &Path) -> Result<Assembly> {
        Ok(Assembly { dir: dir.to_path_buf(), manifest: Manifest::read(dir)? })
    }

    /// The stack with id `id`.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when the assembly has no such stack.
    pub fn stack(&self, id: &str) -> Result<&StackEntry> {
        self.manifest.stack(id).ok_or_else(|| {
            Error::usage(format!(
                "the assembly in {} has no stack '{id}'\n  hint: synthesize the assembly again",
                self.dir.display()
            ))
        })
    }

    /// The environment with id `id`.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when the assembly has no such environment.
    pub fn environment(&self, id: &str) -> Result<&EnvironmentEntry> {
        self.manifest.environments.iter().find(|e| e.id == id).ok_or_else(|| {
            Error::usage(format!(
                "the assembly in {} has no environment '{id}'\n  hint: synthesize the assembly again",
                self.dir.display()
            ))
        })
    }

    /// The stack's template, as text.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when the file cannot be read.
    pub fn template(&self, stack: &StackEntry) -> Result<String> {
        let path = self.dir.join(&stack.template);
        std::fs::read_to_string(&path).map_err(|e| {
            Error::usage(format!(
                "cannot read the template of stack {} at {}: {e}\n  hint: synthesize the assembly again",
                stack.id,
                path.display()
            ))
        })
    }

    /// Resolves a selection to stack ids in manifest (dependency) order.
    ///
    /// Patterns match a stack id (`prod-network`) or stack name, `*` matching any run of
    /// characters; no pattern selects every stack. `Upstream` adds what the selection depends
    /// on (deploy, diff); `Downstream` adds what depends on it (destroy).
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when a pattern matches no stack (the message lists the stacks).
    pub fn select(&self, patterns: &[String], extend: Extend) -> Result<Vec<String>> {
        let stacks = &self.manifest.stacks;
        let mut chosen: HashSet<&str> = HashSet::new();
        if patterns.is_empty() {
            chosen.extend(stacks.iter().map(|s| s.id.as_str()));
        }
        for p in patterns {
            let matched: Vec<&str> =
                stacks.iter().filter(|s| glob(p, &s.id) || glob(p, &s.stack_name)).map(|s| s.id.as_str()).collect();
            if matched.is_empty() {
                let ids: Vec<&str> = stacks.iter().map(|s| s.id.as_str()).collect();
                return Err(Error::usage(format!("no stack matches '{p}'; the stacks are: {}", ids.join(", "))));
            }
            chosen.extend(matched);
        }
        loop {
            let before = chosen.len();
            for s in stacks {
                match extend {
                    Extend::Upstream if chosen.contains(s.id.as_str()) => {
                        chosen.extend(s.dependencies.iter().map(String::as_str));
                    }
                    Extend::Downstream if s.dependencies.iter().any(|d| chosen.contains(d.as_str())) => {
                        chosen.insert(s.id.as_str());
                    }
                    _ => {}
                }
            }
            if chosen.len() == before {
                break;
            }
        }
        Ok(stacks.iter().filter(|s| chosen.contains(s.id.as_str())).map(|s| s.id.clone()).collect())
    }
}

/// Which related stacks a selection pulls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extend {
    /// Only the stacks named.
    Exactly,
    /// And the stacks they depend on.
    Upstream,
    /// And the stacks that depend on them.
    Downstream,
}

/// `*` matches any run of characters; everything else literally.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Stack outputs known so far, by stack id.
pub type Outputs = HashMap<String, BTreeMap<String, String>>;

/// The consumer's parameters, filled from its producers' outputs.
pub(crate) fn parameters(stack: &StackEntry, outputs: &Outputs) -> Result<Vec<(String, String)>> {
    let mut missing = Vec::new();
    let mut values = Vec::new();
    for binding in &stack.parameters {
        match outputs.get(&binding.stack).and_then(|o| o.get(&binding.output)) {
            Some(v) => values.push((binding.parameter.clone(), v.clone())),
            None => missing.push(format!(
                "parameter {} needs output {} of stack {}",
                binding.parameter, binding.output, binding.stack
            )),
        }
    }
    if missing.is_empty() {
        Ok(values)
    } else {
        Err(Error::Stack {
            stack: stack.id.clone(),
            message: format!(
                "{}\n  hint: deploy {} first (or include it in the selection)",
                missing.join("; "),
                stack
                    .parameters
                    .iter()
                    .map(|b| b.stack.as_str())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }
}

/// What happened to one node of a [`run_dag`].
#[derive(Debug)]
pub(crate) enum NodeResult<T> {
    /// The task's result.
    Done(T),
    /// The task's error.
    Failed(Error),
    /// Not started because a node it waits for failed.
    Skipped { because: String },
}

/// Runs `task` for every node once every node it waits for has finished successfully, at
/// most `concurrency` at a time. `waits_for(node)` lists nodes of `nodes` (others are
/// ignored). A failure does not stop independent nodes; nodes waiting for a failed one are
/// skipped. Results come back in the order of `nodes`.
pub(crate) async fn run_dag<T, F, Fut>(
    nodes: &[String],
    waits_for: impl Fn(&str) -> Vec<String>,
    concurrency: usize,
    task: F,
) -> Vec<(String, NodeResult<T>)>
where
    T: Send + 'static,
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let in_set: HashSet<&String> = nodes.iter().collect();
    let deps: HashMap<String, Vec<String>> = nodes
        .iter()
        .map(|n| {
            let d = waits_for(n).into_iter().filter(|d| in_set.contains(d) && d != n).collect();
            (n.clone(), d)
        })
        .collect();
    let semaphore = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut results: HashMap<String, NodeResult<T>> = HashMap::new();
    let mut started: HashSet<String> = HashSet::new();
    let mut running = JoinSet::new();
    loop {
        // Start what is ready; skip what can never run.
        let mut progress = true;
        while progress {
            progress = false;
            for n in nodes {
                if started.contains(n) {
                    continue;
                }
                let d = &deps[n];
                if let Some(bad) = d
                    .iter()
                    .find(|d| matches!(results.get(*d), Some(NodeResult::Failed(_) | NodeResult::Skipped { .. })))
                {
                    // Name the node that failed, not one skipped because of it.
                    let because = match results.get(bad) {
                        Some(NodeResult::Skipped { because }) => because.clone(),
                        _ => bad.clone(),
                    };
                    started.insert(n.clone());
                    results.insert(n.clone(), NodeResult::Skipped { because });
                    progress = true;
                } else if d.iter().all(|d| matches!(results.get(d), Some(NodeResult::Done(_)))) {
                    started.insert(n.clone());
                    let fut = task(n.clone());
                    let permit = semaphore.clone();
                    let name = n.clone();
                    running.spawn(async move {
                        let _permit = permit.acquire_owned().await;
                        (name, fut.await)
                    });
                }
            }
        }
        match running.join_next().await {
            Some(Ok((name, result))) => {
                let r = match result {
                    Ok(v) => NodeResult::Done(v),
                    Err(e) => NodeResult::Failed(e),
                };
                results.insert(name, r);
            }
            Some(Err(join_error)) => {
                // A panicking task: report it on every node that has no result yet and is
                // running; there is no way to know which one it was, so fail loudly.
                let message = format!("internal error: a task panicked: {join_error}");
                for n in nodes {
                    if started.contains(n) && !results.contains_key(n) {
                        results.insert(n.clone(), NodeResult::Failed(Error::usage(message.clone())));
                        break;
                    }
                }
            }
            None => break,
        }
    }
    nodes
        .iter()
        .map(|n| {
            let r = results.remove(n).unwrap_or(NodeResult::Skipped { because: "a dependency cycle".into() });
            (n.clone(), r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackwright_core::assembly::ParameterBinding;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn entry(id: &str, deps: &[&str]) -> StackEntry {
        StackEntry {
            id: id.into(),
            environment: "prod".into(),
            stack_name: format!("app-{id}"),
            template: format!("{id}.template.json"),
            dependencies: deps.iter().map(|d| d.to_string()).collect(),
            parameters: vec![],
            termination_protection: false,
            tags: Default::default(),
            resources: Default::default(),
            moves: vec![],
            imports: vec![],
        }
    }

    fn assembly(stacks: Vec<StackEntry>) -> Assembly {
        Assembly {
            dir: PathBuf::from("."),
            manifest: Manifest {
                schema_version: "1".into(),
                tool: "test".into(),
                app: "app".into(),
                environments: vec![],
                stacks,
                clusters: vec![],
                files: vec![],
                lookups: vec![],
            },
        }
    }

    #[test]
    fn selection_extends_up_or_down_and_keeps_manifest_order() {
        let a = assembly(vec![
            entry("prod-network", &[]),
            entry("prod-registry", &[]),
            entry("prod-cluster", &["prod-network"]),
            entry("prod-apps", &["prod-cluster", "prod-registry"]),
        ]);
        let up = a.select(&["prod-apps".into()], Extend::Upstream).unwrap();
        assert_eq!(up, ["prod-network", "prod-registry", "prod-cluster", "prod-apps"]);
        let down = a.select(&["prod-network".into()], Extend::Downstream).unwrap();
        assert_eq!(down, ["prod-network", "prod-cluster", "prod-apps"]);
        let exact = a.select(&["*-cluster".into()], Extend::Exactly).unwrap();
        assert_eq!(exact, ["prod-cluster"]);
        let by_name = a.select(&["app-prod-reg*".into()], Extend::Exactly).unwrap();
        assert_eq!(by_name, ["prod-registry"]);
        assert_eq!(a.select(&[], Extend::Exactly).unwrap().len(), 4);
        let err = a.select(&["nope".into()], Extend::Exactly).unwrap_err();
        assert!(err.to_string().contains("prod-network, prod-registry"), "{err}");
    }

    #[test]
    fn glob_matches() {
        assert!(glob("a*c", "abbbc"));
        assert!(glob("*", ""));
        assert!(glob("prod-*", "prod-network"));
        assert!(!glob("prod-*", "dev-network"));
        assert!(glob("*net*", "prod-network"));
        assert!(!glob("abc", "abcd"));
    }

    #[test]
    fn parameters_come_from_producer_outputs() {
        let mut consumer = entry("prod-cluster", &["prod-network"]);
        consumer.parameters = vec![ParameterBinding {
            parameter: "NetworkVpcId".into(),
            stack: "prod-network".into(),
            output: "VpcId".into(),
        }];
        let mut outputs = Outputs::new();
        let mut twice = consumer.clone();
        twice.parameters.push(ParameterBinding {
            parameter: "NetworkSubnetId".into(),
            stack: "prod-network".into(),
            output: "SubnetId".into(),
        });
        let err = parameters(&twice, &outputs).unwrap_err().to_string();
        assert!(err.contains("hint: deploy prod-network first"), "each producer named once: {err}");
        let err = parameters(&consumer, &outputs).unwrap_err().to_string();
        assert!(err.contains("NetworkVpcId needs output VpcId of stack prod-network"), "{err}");
        outputs.insert("prod-network".into(), [("VpcId".to_string(), "vpc-123".to_string())].into());
        assert_eq!(parameters(&consumer, &outputs).unwrap(), [("NetworkVpcId".to_string(), "vpc-123".to_string())]);
    }

    #[tokio::test]
    async fn dag_keeps_order_bounds_concurrency_and_skips_after_failure() {
        let nodes: Vec<String> = ["a", "b", "c", "d", "e", "f", "g"].iter().map(|s| s.to_string()).collect();
        // a, b, c independent; d after a and b; e after d; f after c (c fails); g after f.
        let deps = |n: &str| -> Vec<String> {
            match n {
                "d" => vec!["a".into(), "b".into()],
                "e" => vec!["d".into()],
                "f" => vec!["c".into()],
                "g" => vec!["f".into()],
                _ => vec![],
            }
        };
        let active = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let results = run_dag(&nodes, deps, 2, |n| {
            let (active, peak, finished) = (active.clone(), peak.clone(), finished.clone());
            async move {
                let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await;
                active.fetch_sub(1, Ordering::SeqCst);
                finished.lock().unwrap().push(n.clone());
                if n == "c" { Err(Error::usage("c broke")) } else { Ok(n.len()) }
            }
        })
        .await;
        assert_eq!(peak.load(Ordering::SeqCst), 2, "at most 2 at once, and 2 were used");
        let order = finished.lock().unwrap().clone();
        let pos = |x: &str| order.iter().position(|o| o == x).unwrap();
        assert!(pos("d") > pos("a") && pos("d") > pos("b") && pos("e") > pos("d"));
        let summary: Vec<(String, &str)> = results
            .iter()
            .map(|(n, r)| {
                (
                    n.clone(),
                    match r {
                        NodeResult::Done(_) => "done",
                        NodeResult::Failed(_) => "failed",
                        NodeResult::Skipped { .. } => "skipped",
                    },
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a".to_string(), "done"),
                ("b".to_string(), "done"),
                ("c".to_string(), "failed"),
                ("d".to_string(), "done"),
                ("e".to_string(), "done"),
                ("f".to_string(), "skipped"),
                ("g".to_string(), "skipped"),
            ]
        );
        // g names the stack that failed, not f, which was only skipped.
        assert!(matches!(&results[6].1, NodeResult::Skipped { because } if because == "c"));
    }
}
