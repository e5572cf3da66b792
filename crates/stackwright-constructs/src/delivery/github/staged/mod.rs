//! [`StagedPipeline`]: one synthesized assembly, delivered through ordered stages (for example
//! staging, then prod).
//!
//! Two workflows land in the assembly under `.github/workflows/`:
//!
//! - `stackwright-pr.yml` — on a pull request: build and test; build the program once,
//!   synthesize, pack the assembly and the program into an artifact with its digest; per stage,
//!   verify the digest and `diff --json --app-dir` with the stage's read-only diff role; one
//!   comment with a section per stage; a gate on security-relevant changes.
//! - `stackwright-deploy.yml` — on a push to main: the `synth` job builds the program once,
//!   synthesizes, and uploads the assembly and the program with the digest of both (a job
//!   output); then one job per stage, each in its own GitHub environment and concurrency group,
//!   after the synth job and the previous stage: download, verify the digest (a mismatch fails
//!   the job), `deploy --app-dir` with the stage's deploy role — no cargo build — and the
//!   stage's [`SmokeCheck`]. A stage starts only after the previous one deployed and passed
//!   its smoke check.
//!
//! Each stage gets its own [`GitHubAccess`] (diff and deploy roles) in a stack of its
//! environment: stages may share an account (one OIDC provider per account, created by the
//! account's first stage; role names carry the environment id) or not.

use std::collections::BTreeMap;

use stackwright_core::{Construct, Diagnostic, Node, Problems, Result};

mod props;
mod smoke;
mod workflows;

pub use props::{DeliveryStage, StagedPipelineProps};
pub use smoke::SmokeCheck;

use super::access::{GITHUB_OIDC_HOST, GitHubAccess, GitHubAccessProps, OidcProviderSource, check_claim_part};
use super::pipeline::add_workflow_file;
use super::workflow::Workflow;

/// The pull-request workflow of a staged pipeline.
pub const STAGED_PR_WORKFLOW: &str = "stackwright-pr.yml";
/// The deploy workflow of a staged pipeline.
pub const STAGED_DEPLOY_WORKFLOW: &str = "stackwright-deploy.yml";

/// The staged workflows and each stage's roles.
pub struct StagedPipeline {
    node: Node,
    stages: Vec<(String, GitHubAccess)>,
    workflows: BTreeMap<String, Workflow>,
}

/// What the workflows need of one checked stage.
pub(super) struct StageContext {
    /// The GitHub environment.
    pub github_environment: String,
    /// The job-id suffix (the GitHub environment with other characters than letters, digits,
    /// `-` and `_` replaced).
    pub job: String,
    /// The artifact ids of the environment's stacks, what `diff` and `deploy` select.
    pub stacks: Vec<String>,
    pub region: String,
    pub diff_role: String,
    pub deploy_role: String,
    pub concurrency_group: String,
    pub cluster: Option<String>,
    pub smoke: Option<SmokeCheck>,
}

impl StagedPipeline {
    /// Creates each stage's roles (in its scope's stack) and writes the workflows into the
    /// assembly. Create it **after** every stack of the stages' environments: the stages'
    /// stack ids are written into the workflows, and synth fails when a stack is added later.
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. Every problem of `props` — no stage, two
    /// stages of one environment or one GitHub environment, a stage outside a stack, a smoke
    /// check without a cluster or without a readiness path, a bad command or binary path — is
    /// recorded at the pipeline's path and reported by synth with every other construct's; the
    /// pipeline then writes nothing and creates no role.
    pub fn new(scope: &impl Construct, id: &str, props: StagedPipelineProps) -> Result<Self> {
        let mut problems = Problems::for_child(scope, id);
        let _ = problems.place("a StagedPipeline")?;
        let path = problems.path().to_string();
        problems.extend(check_props(&path, &props));
        let node = problems.add_node();
        if node.is_rejected() {
            return Ok(StagedPipeline { node, stages: Vec::new(), workflows: BTreeMap::new() });
        }
        let mut stages = Vec::new();
        let mut contexts = Vec::new();
        // account → the stack that creates its provider
        let mut providers: BTreeMap<String, stackwright_core::Stack> = BTreeMap::new();
        for stage in &props.stages {
            let (Some(env), Some(stack)) = (stage.scope.environment(), stage.scope.stack()) else { continue };
            let account = env.account().as_str().to_string();
            let provider = match (&stage.provider, providers.get(&account)) {
                (Some(p), _) => p.clone(),
                (None, Some(creator)) => {
                    stack.add_dependency(creator);
                    OidcProviderSource::Existing(format!("arn:aws:iam::{account}:oidc-provider/{GITHUB_OIDC_HOST}"))
                }
                (None, None) => {
                    providers.insert(account.clone(), stack.clone());
                    OidcProviderSource::Create
                }
            };
            let mut access_props = GitHubAccessProps::new(props.repository.clone())
                .environment(stage.github_environment.as_str())
                .provider(provider)
                .deploy_services(stage.deploy_services.clone());
            if let Some(c) = &stage.cluster {
                access_props = access_props.cluster(c.clone());
            }
            let access =
                GitHubAccess::new(&stage.scope, &format!("{id}{}", camel(&stage.github_environment)), access_props)?;
            let stacks: Vec<String> = env.node().stack_resource_types().stacks.into_keys().collect();
            let env_ref = env.node().node_ref();
            let (check_path, expected) = (path.clone(), stacks.clone());
            node.add_check(move |check| {
                let now: Vec<String> = check.stack_resource_types(env_ref).stacks.into_keys().collect();
                stacks_problem(&check_path, &expected, &now)
            });
            contexts.push(StageContext {
                github_environment: stage.github_environment.clone(),
                job: job_suffix(&stage.github_environment),
                stacks,
                region: env.region().as_str().to_string(),
                diff_role: access.diff_role_arn(),
                deploy_role: access.deploy_role_arn(),
                concurrency_group: format!("stackwright-deploy-{}-{}", node.app_name(), env.id()),
                cluster: stage.cluster.as_ref().map(|c| c.name.clone()),
                smoke: stage.smoke.clone(),
            });
            stages.push((stage.github_environment.clone(), access));
        }
        let mut workflows = BTreeMap::new();
        workflows.insert(STAGED_PR_WORKFLOW.to_string(), workflows::pull_request(&props, &contexts));
        workflows.insert(STAGED_DEPLOY_WORKFLOW.to_string(), workflows::deploy(&props, &contexts));
        for (file, workflow) in &workflows {
            add_workflow_file(&node, &path, file, workflow)?;
        }
        Ok(StagedPipeline { node, stages, workflows })
    }

    /// Each stage's GitHub environment and roles, in order.
    pub fn stages(&self) -> &[(String, GitHubAccess)] {
        &self.stages
    }

    /// File name → workflow.
    pub fn workflows(&self) -> &BTreeMap<String, Workflow> {
        &self.workflows
    }
}

impl Construct for StagedPipeline {
    fn node(&self) -> &Node {
        &self.node
    }
}

/// `staging` → `Staging`, `eu/prod-1` → `EuProd1`: the id of a stage's access below its scope.
fn camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .map(|s| s[..1].to_ascii_uppercase() + &s[1..])
        .collect()
}

fn job_suffix(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

/// A stack of a stage's environment added (or gone) after the pipeline wrote its ids.
fn stacks_problem(path: &str, expected: &[String], now: &[String]) -> Vec<Diagnostic> {
    let added: Vec<&String> = now.iter().filter(|s| !expected.contains(s)).collect();
    if added.is_empty() {
        return Vec::new();
    }
    vec![Diagnostic::new(
        path,
        format!(
            "the stack(s) {} were added after the StagedPipeline: its workflows would not deploy them",
            added.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ),
        "create the StagedPipeline after every stack of its stages' environments",
    )]
}

/// Every problem of `props`, at `path`.
fn check_props(path: &str, props: &StagedPipelineProps) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut push = |message: String, hint: &str| problems.push(Diagnostic::new(path, message, hint));
    if props.stages.is_empty() {
        push("a StagedPipeline without a stage deploys nothing".into(), "add stages with StagedPipelineProps::stage");
    }
    for (what, value) in [("main branch", &props.main_branch), ("security label", &props.security_label)] {
        if let Err(d) = check_claim_part(path, what, value) {
            push(d.message, &d.hint);
        }
    }
    for (what, command) in [("build command", &props.build_command), ("test command", &props.test_command)] {
        if command.trim().is_empty() || command.contains("${{") || command.contains('\n') {
            push(format!("invalid {what} '{command}'"), "give one shell command line without GitHub expressions");
        }
    }
    let b = &props.program_binary;
    if b.is_empty()
        || b.starts_with('/')
        || b.split('/').any(|s| s == ".." || s.is_empty())
        || !b.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/'))
    {
        push(
            format!("invalid program binary '{b}'"),
            "give the path build_command leaves the binary at, relative to the repository root, e.g. target/release/examples/staged",
        );
    }
    let mut environments = Vec::new();
    let mut jobs = Vec::new();
    for stage in &props.stages {
        let Some(env) = stage.scope.environment() else {
            push(
                format!("the stage '{}' is outside every environment", stage.github_environment),
                "give DeliveryStage::new a stack of the stage's environment",
            );
            continue;
        };
        if stage.scope.stack().is_none() {
            push(
                format!("the roles of stage '{}' need a stack", stage.github_environment),
                "give DeliveryStage::new a stack of the stage's environment",
            );
        }
        if environments.contains(&env.id()) {
            push(
                format!("two stages deploy the environment '{}'", env.id()),
                "a stage is one environment: give each stage a stack of another environment",
            );
        }
        environments.push(env.id());
        let job = job_suffix(&stage.github_environment);
        if jobs.contains(&job) {
            push(
                format!("two stages use the GitHub environment '{}'", stage.github_environment),
                "give each stage its own github_environment",
            );
        }
        jobs.push(job);
        if let Some(smoke) = &stage.smoke {
            if stage.cluster.is_none() {
                push(
                    format!("the smoke check of stage '{}' has no cluster to run on", stage.github_environment),
                    "give the stage its cluster: DeliveryStage::cluster(ClusterTarget::for_workload(..))",
                );
            }
            if let Some((message, hint)) = smoke.problem() {
                push(message, &hint);
            }
        }
    }
    problems
}
