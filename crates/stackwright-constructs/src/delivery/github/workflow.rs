//! A typed model of GitHub Actions workflow files, rendered to YAML with the core's YAML-1.1-safe
//! emitter.
//!
//! Only what the pipeline needs is modelled, but everything it models is typed: triggers,
//! `permissions:` (every job states its own; the workflow grants nothing), concurrency groups,
//! environments, and steps that either `run:` a script or use an action from the pinned table in
//! [`actions`](super::actions) — an action cannot be referenced by a tag or branch.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value as Json;

use super::actions::PinnedAction;

/// One workflow file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workflow {
    /// Comment lines written before the YAML (each starting with `#`); defaults to [`HEADER`].
    #[serde(skip)]
    pub header: String,
    /// The workflow's name, shown in the Actions tab.
    pub name: String,
    /// What starts the workflow.
    #[serde(rename = "on")]
    pub on: Triggers,
    /// The workflow-level grant: always empty (`{}`), so that each job states what it needs.
    pub permissions: Permissions,
    /// The workflow-level concurrency group; default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<Concurrency>,
    /// Environment variables of every job; default: none.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, String>,
    /// The jobs, by id, in the order they are written.
    pub jobs: IndexMap<String, Job>,
}

impl Workflow {
    /// A workflow named `name`, started by `on`, with the default header, no permissions at the
    /// workflow level and no jobs yet.
    pub fn new(name: &str, on: Triggers) -> Self {
        Workflow {
            header: HEADER.to_string(),
            name: name.to_string(),
            on,
            permissions: Permissions::none(),
            concurrency: None,
            env: IndexMap::new(),
            jobs: IndexMap::new(),
        }
    }

    /// Sets a workflow-level environment variable.
    #[must_use]
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.insert(key.to_string(), value.into());
        self
    }

    /// Replaces the header comment (`text` lines are prefixed with `# `). A workflow without the
    /// default header is never replaced or removed by `synth --workflows`.
    #[must_use]
    pub fn header(mut self, text: &str) -> Self {
        self.header = text.lines().map(|l| format!("# {l}\n")).collect();
        self
    }

    /// Sets the workflow-level concurrency group.
    #[must_use]
    pub fn concurrency(mut self, concurrency: Concurrency) -> Self {
        self.concurrency = Some(concurrency);
        self
    }

    /// Adds the job `id` (replacing one of the same id).
    #[must_use]
    pub fn job(mut self, id: &str, job: Job) -> Self {
        self.jobs.insert(id.to_string(), job);
        self
    }

    /// The YAML text, with each pinned action's tag as a comment after its commit SHA.
    pub fn to_yaml(&self) -> Result<String, String> {
        let json = serde_json::to_value(self).map_err(|e| e.to_string())?;
        let yaml = stackwright_core::yaml::to_yaml(&json)?;
        Ok(format!("{}{}", self.header, annotate_pins(&yaml)))
    }

    /// Every action the workflow uses.
    pub fn actions(&self) -> Vec<&PinnedAction> {
        self.jobs.values().flat_map(|j| j.steps.iter().filter_map(|s| s.uses)).collect()
    }
}

/// The first lines of every synthesized workflow: `synth --workflows` replaces (and removes)
/// only files that start with them.
pub const HEADER: &str =
    "# Synthesized by stackwright: do not edit. Change the program, then run `synth --workflows`.\n";

/// Appends `# <tag>` to every `uses: owner/repo@<sha>` line of a pinned action, and the reason
/// to every scope of a `permissions:` block.
fn annotate_pins(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 1024);
    // The indentation of the `permissions:` key whose block is being read.
    let mut permissions_indent: Option<usize> = None;
    for line in yaml.lines() {
        out.push_str(line);
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start().trim_start_matches("- ");
        if permissions_indent.is_some_and(|p| indent <= p) {
            permissions_indent = None;
        }
        if let Some(reference) = trimmed.strip_prefix("uses: ")
            && let Some(action) = super::actions::ALL.iter().find(|a| a.reference() == reference)
        {
            out.push_str(" # ");
            out.push_str(action.tag);
        } else if trimmed == "permissions:" {
            permissions_indent = Some(indent);
        } else if permissions_indent.is_some()
            && let Some(reason) = permission_reason(trimmed)
        {
            out.push_str(" # ");
            out.push_str(reason);
        }
        out.push('\n');
    }
    out
}

/// Why a job holds a `GITHUB_TOKEN` scope (written beside it, for reviewers).
fn permission_reason(scope_line: &str) -> Option<&'static str> {
    Some(match scope_line {
        "contents: read" => "check out the repository",
        "id-token: write" => "request a GitHub OIDC token to assume the AWS role",
        "pull-requests: write" => "create or update the one diff comment",
        _ => return None,
    })
}

/// What starts a workflow.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Triggers {
    /// Runs on pull requests; default: no.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<BranchFilter>,
    /// Runs on pushes; default: no.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push: Option<BranchFilter>,
    /// Can be started by hand (`workflow_dispatch`); default: no.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_dispatch: Option<Empty>,
    /// Runs on these schedules (on the default branch); default: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<Cron>,
}

/// One `schedule` entry: a POSIX cron expression, in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cron {
    /// Five fields: minute, hour, day of month, month, day of week.
    pub cron: String,
}

/// An empty mapping (`workflow_dispatch: {}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Empty {}

/// Branch, path and activity-type filters of a `push` or `pull_request` trigger.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BranchFilter {
    /// Activity types (`opened`, `synchronize`, `labeled`, …); default: GitHub's defaults.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// Branches that start the workflow; default: all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<String>,
    /// Paths whose changes start the workflow; default: any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

impl BranchFilter {
    /// A filter on these branches.
    pub fn branches<S: Into<String>>(branches: impl IntoIterator<Item = S>) -> Self {
        BranchFilter { branches: branches.into_iter().map(Into::into).collect(), ..Default::default() }
    }

    /// Limits the filter to changes under these paths.
    #[must_use]
    pub fn paths<S: Into<String>>(mut self, paths: impl IntoIterator<Item = S>) -> Self {
        self.paths = paths.into_iter().map(Into::into).collect();
        self
    }

    /// Limits the filter to these activity types.
    #[must_use]
    pub fn types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.types = types.into_iter().map(Into::into).collect();
        self
    }
}

/// The level of a `GITHUB_TOKEN` scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// `read`.
    Read,
    /// `write`.
    Write,
}

/// A `permissions:` block. Scopes not listed are `none`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Permissions(pub IndexMap<String, Access>);

impl Permissions {
    /// `{}`: no scope at all.
    pub fn none() -> Self {
        Permissions::default()
    }

    /// `contents: read`, what checking out a private repository needs.
    pub fn contents_read() -> Self {
        Permissions::none().with("contents", Access::Read)
    }

    /// Grants `access` to `scope` (`contents`, `id-token`, `pull-requests`, …).
    #[must_use]
    pub fn with(mut self, scope: &str, access: Access) -> Self {
        self.0.insert(scope.to_string(), access);
        self
    }

    /// `id-token: write`: the job may request a GitHub OIDC token (to assume an AWS role).
    #[must_use]
    pub fn with_id_token(self) -> Self {
        self.with("id-token", Access::Write)
    }

    /// The access granted to `scope`, if any.
    pub fn get(&self, scope: &str) -> Option<Access> {
        self.0.get(scope).copied()
    }
}

/// A `concurrency:` group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Concurrency {
    /// The group's name (an expression is allowed).
    pub group: String,
    /// Whether a new run cancels the one in progress.
    pub cancel_in_progress: bool,
}

impl Concurrency {
    /// Runs of the group wait for each other: none is cancelled (deploys).
    pub fn queue(group: impl Into<String>) -> Self {
        Concurrency { group: group.into(), cancel_in_progress: false }
    }

    /// A new run cancels the previous one of the group (pull-request checks).
    pub fn cancel_previous(group: impl Into<String>) -> Self {
        Concurrency { group: group.into(), cancel_in_progress: true }
    }
}

/// A job's deployment environment (protection rules, required reviewers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobEnvironment {
    /// The environment's name (`production`).
    pub name: String,
}

/// One job.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Job {
    /// The job's name, shown in the Actions tab.
    pub name: String,
    /// The runner label; default `ubuntu-latest`.
    pub runs_on: String,
    /// Ids of the jobs that must succeed first; default: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// An `if:` expression; default: always run.
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Always stated, even when empty.
    pub permissions: Permissions,
    /// The deployment environment; default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<JobEnvironment>,
    /// The job's concurrency group; default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<Concurrency>,
    /// Minutes before the job is cancelled; default 30.
    pub timeout_minutes: u32,
    /// Outputs other jobs read, by name; default: none.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub outputs: IndexMap<String, String>,
    /// Environment variables of the job's steps; default: none.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Job {
    /// A job on `ubuntu-latest` with no permissions and a 30-minute timeout.
    pub fn new(name: &str) -> Self {
        Job {
            name: name.to_string(),
            runs_on: "ubuntu-latest".to_string(),
            needs: Vec::new(),
            condition: None,
            permissions: Permissions::none(),
            environment: None,
            concurrency: None,
            timeout_minutes: 30,
            outputs: IndexMap::new(),
            env: IndexMap::new(),
            steps: Vec::new(),
        }
    }

    /// Replaces the job's permissions.
    #[must_use]
    pub fn permissions(mut self, permissions: Permissions) -> Self {
        self.permissions = permissions;
        self
    }

    /// Runs the job after `job` succeeded.
    #[must_use]
    pub fn needs(mut self, job: &str) -> Self {
        self.needs.push(job.to_string());
        self
    }

    /// Runs the job only when `expression` holds (`if:`).
    #[must_use]
    pub fn condition(mut self, expression: &str) -> Self {
        self.condition = Some(expression.to_string());
        self
    }

    /// Runs the job in the deployment environment `name`.
    #[must_use]
    pub fn environment(mut self, name: &str) -> Self {
        self.environment = Some(JobEnvironment { name: name.to_string() });
        self
    }

    /// Sets the job's concurrency group.
    #[must_use]
    pub fn concurrency(mut self, concurrency: Concurrency) -> Self {
        self.concurrency = Some(concurrency);
        self
    }

    /// Cancels the job after `minutes`.
    #[must_use]
    pub fn timeout(mut self, minutes: u32) -> Self {
        self.timeout_minutes = minutes;
        self
    }

    /// Exposes the output `name` (an expression over step outputs) to other jobs.
    #[must_use]
    pub fn output(mut self, name: &str, expression: &str) -> Self {
        self.outputs.insert(name.to_string(), expression.to_string());
        self
    }

    /// Sets an environment variable of the job's steps.
    #[must_use]
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.insert(key.to_string(), value.into());
        self
    }

    /// Appends a step.
    #[must_use]
    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// Appends steps, in order.
    #[must_use]
    pub fn steps(mut self, steps: impl IntoIterator<Item = Step>) -> Self {
        self.steps.extend(steps);
        self
    }
}

/// One step: a `run:` script or a pinned action.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Step {
    /// The step's name, shown in the log.
    pub name: String,
    /// An id other steps and outputs refer to; default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// An `if:` expression; default: always run.
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The pinned action the step uses, when it is not a `run:` step.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "serialize_uses")]
    pub uses: Option<&'static PinnedAction>,
    /// The action's inputs.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub with: IndexMap<String, Json>,
    /// Environment variables of the step; default: none.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, String>,
    /// The shell of a `run:` step (bash with `-e -o pipefail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shell: Option<String>,
    /// The script of a `run:` step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
}

fn serialize_uses<S: serde::Serializer>(uses: &Option<&'static PinnedAction>, s: S) -> Result<S::Ok, S::Error> {
    match uses {
        Some(a) => s.serialize_str(&a.reference()),
        None => s.serialize_none(),
    }
}

impl Step {
    /// A shell step (bash, with `-e -o pipefail`).
    pub fn run(name: &str, script: &str) -> Self {
        Step {
            name: name.to_string(),
            id: None,
            condition: None,
            uses: None,
            with: IndexMap::new(),
            env: IndexMap::new(),
            shell: Some("bash".to_string()),
            run: Some(script.to_string()),
        }
    }

    /// A step using a pinned action.
    pub fn uses(name: &str, action: &'static PinnedAction) -> Self {
        Step {
            name: name.to_string(),
            id: None,
            condition: None,
            uses: Some(action),
            with: IndexMap::new(),
            env: IndexMap::new(),
            shell: None,
            run: None,
        }
    }

    /// Sets the step's id.
    #[must_use]
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_string());
        self
    }

    /// Runs the step only when `expression` holds (`if:`).
    #[must_use]
    pub fn condition(mut self, expression: &str) -> Self {
        self.condition = Some(expression.to_string());
        self
    }

    /// Sets the action input `input`.
    #[must_use]
    pub fn with(mut self, input: &str, value: impl Into<Json>) -> Self {
        self.with.insert(input.to_string(), value.into());
        self
    }

    /// Sets an environment variable of the step.
    #[must_use]
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.insert(key.to_string(), value.into());
        self
    }

    /// Sets several environment variables of the step.
    #[must_use]
    pub fn envs(mut self, vars: impl IntoIterator<Item = (String, String)>) -> Self {
        self.env.extend(vars);
        self
    }
}
