//! [`GitHubPipeline`]: the delivery flow of a stackwright program, as GitHub Actions workflows
//! synthesized from the program itself, and the AWS roles they assume.
//!
//! Three workflows (and an optional fourth) land in the assembly under `.github/workflows/`
//! (`synth --workflows` copies them into the repository):
//!
//! - `stackwright-pr.yml` — on a pull request: build, test, synthesize (and check that the
//!   committed workflows are current), `diff --json` with the read-only diff role, one PR comment
//!   updated on every push, and a gate that fails on security-relevant changes (IAM, security
//!   groups, access entries, …) unless the PR carries the review label.
//! - `stackwright-deploy.yml` — on a push to main (changes outside the service): `deploy
//!   --require-approval never` in the protected environment, one deploy at a time.
//! - `stackwright-app.yml` — on a push to main that changes the service: build the image, tag it
//!   with the commit SHA of the service's last change, push it to ECR, deploy with the tag in the
//!   late-bound `IMAGE_TAG` variable, wait for the rollout and roll the Deployment back when it
//!   fails.
//!
//! - `stackwright-drift.yml`, opt-in ([`GitHubPipeline::add_drift_workflow`]) — on a schedule
//!   and by hand: `drift` on the environment's stacks with a read-only role derived from their
//!   resource types; fails when something drifted.
//!
//! Both deploy workflows compute the image tag the same way (the last commit that changed the
//! service) and build the image when ECR does not have it yet, so whichever runs first deploys
//! a complete system; they share one concurrency group, so two deploys never overlap.

use indexmap::IndexMap;
use stackwright_cfn::iam;
use stackwright_core::{Construct, Diagnostic, Node, Problems, Resource, Result};

mod cron;
mod drift;
mod drift_role;
mod props;

pub use drift::{DRIFT_WORKFLOW, DriftSchedule};
pub use props::{AppDelivery, GitHubPipelineProps};

use super::access::{ClusterTarget, GitHubAccess, GitHubAccessProps, check_claim_part};
use super::actions;
use super::workflow::{BranchFilter, Concurrency, Empty, Job, Permissions, Step, Triggers, Workflow};

/// The workflows and the roles behind them.
pub struct GitHubPipeline {
    node: Node,
    access: GitHubAccess,
    workflows: IndexMap<String, Workflow>,
    /// What the workflows are made of; `None` on a rejected pipeline.
    context: Option<Context>,
    drift_role: Option<Resource<iam::Role>>,
}

/// Where the workflow files go, in the assembly and in the repository.
pub const WORKFLOWS_DIR: &str = ".github/workflows";

impl GitHubPipeline {
    /// Creates the OIDC provider and roles in `scope`'s stack and writes the workflows into
    /// the assembly.
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. Every problem of `props` — and a bad
    /// or duplicate `id`, or a scope outside a stack — is recorded at the pipeline's path and
    /// reported by synth with every other construct's problems; the pipeline is then
    /// *rejected*: it writes no workflow and its access is rejected too. The problems of the
    /// roles' props are [`GitHubAccess::new`]'s, at its path. An app delivered to a rejected
    /// repository ([`AppDelivery::for_repo`]) rejects the pipeline too, after it has checked
    /// its own props, without a problem of its own (the repository's are reported).
    pub fn new(scope: &impl Construct, id: &str, props: GitHubPipelineProps) -> Result<Self> {
        let mut problems = Problems::for_child(scope, id);
        let (stack, env) = problems.place("a GitHubPipeline")?;
        let path = problems.path().to_string();
        problems.extend(check_props(&path, &props));
        let node = problems.add_node();
        if !node.is_rejected()
            && let Some(repository) = props.app.as_ref().and_then(|app| app.ecr_repository_node.as_ref())
            && repository.is_rejected()
        {
            // The repository's problems are reported: its name is not checked again (by the access).
            node.reject_because_of(repository);
        }
        let Some(stack) = stack.filter(|_| !node.is_rejected()) else {
            let access = GitHubAccess::rejected(node.clone(), &env);
            return Ok(GitHubPipeline { node, access, workflows: IndexMap::new(), context: None, drift_role: None });
        };
        let access = GitHubAccess::new(
            &node,
            "Access",
            GitHubAccessProps {
                repository: props.repository.clone(),
                environment: props.environment.clone(),
                provider: props.provider.clone(),
                ecr_repositories: props.app.iter().map(|a| a.ecr_repository.clone()).collect(),
                cluster: props.cluster.clone(),
                deploy_services: props.deploy_services.clone(),
            },
        )?;
        let ctx = Context {
            environment: env.id(),
            account: stack.account().as_str().to_string(),
            region: stack.region().as_str().to_string(),
            registry: format!("{}.dkr.ecr.{}.amazonaws.com", stack.account().as_str(), stack.region().as_str()),
            diff_role: access.diff_role_arn(),
            deploy_role: access.deploy_role_arn(),
            concurrency_group: format!("stackwright-deploy-{}-{}", node.app_name(), env.id()),
            props,
        };
        let mut workflows = IndexMap::new();
        workflows.insert("stackwright-pr.yml".to_string(), pull_request_workflow(&ctx));
        workflows.insert("stackwright-deploy.yml".to_string(), deploy_workflow(&ctx));
        if let Some(app) = &ctx.props.app {
            workflows.insert("stackwright-app.yml".to_string(), app_workflow(&ctx, app));
        }
        for (file, workflow) in &workflows {
            add_workflow_file(&node, &path, file, workflow)?;
        }
        Ok(GitHubPipeline { node, access, workflows, context: Some(ctx), drift_role: None })
    }

    /// The OIDC provider and roles.
    pub fn access(&self) -> &GitHubAccess {
        &self.access
    }

    /// File name → workflow.
    pub fn workflows(&self) -> &IndexMap<String, Workflow> {
        &self.workflows
    }

    /// The read-only role of the drift workflow, once
    /// [`add_drift_workflow`](Self::add_drift_workflow) added it.
    pub fn drift_role(&self) -> Option<&Resource<iam::Role>> {
        self.drift_role.as_ref()
    }
}

/// Every problem of `props`, at `path`: claim parts, commands, the app's paths and variable.
fn check_props(path: &str, props: &GitHubPipelineProps) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Err(d) = check_claim_part(path, "main branch", &props.main_branch) {
        problems.push(d);
    }
    if let Err(d) = check_claim_part(path, "security label", &props.security_label) {
        problems.push(d);
    }
    for (what, command) in
        [("program", &props.program), ("build command", &props.build_command), ("test command", &props.test_command)]
    {
        if command.trim().is_empty() || command.contains("${{") || command.contains('\n') {
            problems.push(Diagnostic::new(
                path,
                format!("invalid {what} '{command}'"),
                "give one shell command line without GitHub expressions",
            ));
        }
    }
    if let Some(app) = &props.app {
        for (what, p) in [("service directory", &app.directory), ("Dockerfile", &app.dockerfile)] {
            if p.is_empty()
                || p.starts_with('/')
                || p.split('/').any(|s| s == "..")
                || p.contains(['*', '?', '[', '!', '\n'])
            {
                problems.push(Diagnostic::new(
                    path,
                    format!("invalid {what} '{p}'"),
                    "use a path relative to the repository root, without wildcards or '..'",
                ));
            }
        }
        let var = &app.image_tag_variable;
        if var.is_empty()
            || var.starts_with(|c: char| c.is_ascii_digit())
            || !var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            problems.push(Diagnostic::new(
                path,
                format!("'{var}' is not a valid environment variable name"),
                "use letters, digits and '_'",
            ));
        }
    }
    problems
}

impl Construct for GitHubPipeline {
    fn node(&self) -> &Node {
        &self.node
    }
}

struct Context {
    props: GitHubPipelineProps,
    /// The id of the pipeline's environment (the stacks' artifact ids start with it).
    environment: String,
    account: String,
    region: String,
    /// `<account>.dkr.ecr.<region>.amazonaws.com`.
    registry: String,
    diff_role: String,
    deploy_role: String,
    concurrency_group: String,
}

pub(in crate::delivery::github) fn checkout(full_history: bool) -> Step {
    let step = Step::uses("Check out", &actions::CHECKOUT).with("persist-credentials", false);
    if full_history { step.with("fetch-depth", 0) } else { step }
}

pub(in crate::delivery::github) fn cargo_cache() -> Step {
    Step::uses("Cache cargo", &actions::CACHE)
        .with("path", "~/.cargo/registry/index/\n~/.cargo/registry/cache/\n~/.cargo/git/db/\ntarget/\n")
        .with("key", "cargo-${{ runner.os }}-${{ hashFiles('**/Cargo.lock') }}")
        .with("restore-keys", "cargo-${{ runner.os }}-\n")
}

fn aws_credentials(ctx: &Context, role: &str, session: &str) -> Step {
    credentials_step(ctx.region.as_str(), role, session)
}

/// Assumes `role` in `region` through GitHub's OIDC token (no stored keys), as `session`.
pub(in crate::delivery::github) fn credentials_step(region: &str, role: &str, session: &str) -> Step {
    Step::uses("AWS credentials (OIDC, no stored keys)", &actions::CONFIGURE_AWS_CREDENTIALS)
        .with("role-to-assume", role)
        .with("role-session-name", session)
        .with("aws-region", region)
}

/// Pull requests into `main_branch`, and their label changes (the security gate's label).
pub(in crate::delivery::github) fn pull_request_triggers(main_branch: &str) -> Triggers {
    Triggers {
        pull_request: Some(BranchFilter::branches([main_branch]).types([
            "opened",
            "synchronize",
            "reopened",
            "labeled",
            "unlabeled",
        ])),
        ..Default::default()
    }
}

fn pull_request_workflow(ctx: &Context) -> Workflow {
    let p = &ctx.props;
    let triggers = pull_request_triggers(&p.main_branch);
    Workflow::new("stackwright pull request", triggers)
        .concurrency(Concurrency::cancel_previous("stackwright-pr-${{ github.event.pull_request.number }}"))
        .env("PROGRAM", p.program.as_str())
        .env("CARGO_TERM_COLOR", "always")
        .job("test", pr_test_job(p))
        .job("diff", pr_diff_job(ctx))
        .job("comment", pr_comment_job(p))
        .job("security-gate", pr_gate_job(p))
}

/// Builds, tests and synthesizes; fails when the committed workflows are not what the program
/// synthesizes.
fn pr_test_job(p: &GitHubPipelineProps) -> Job {
    Job::new("Build, test, synthesize").permissions(Permissions::contents_read()).timeout(60).steps([
        checkout(false),
        cargo_cache(),
        Step::run("Build", &p.build_command),
        Step::run("Test", &p.test_command),
        Step::run("Synthesize", &format!("$PROGRAM synth --out out --workflows .\n{WORKFLOWS_UP_TO_DATE}")),
    ])
}

/// Diffs against the deployed stacks with the diff role (not for pull requests from forks).
fn pr_diff_job(ctx: &Context) -> Job {
    let p = &ctx.props;
    Job::new("Diff against the deployed stacks")
        .needs("test")
        .condition("github.event.pull_request.head.repo.full_name == github.repository")
        .permissions(Permissions::contents_read().with_id_token())
        .timeout(60)
        .output("security", "${{ steps.diff.outputs.security }}")
        .output("report", "${{ steps.diff.outputs.report }}")
        .steps([checkout(p.app.is_some()), cargo_cache(), aws_credentials(ctx, &ctx.diff_role, "stackwright-diff")])
        .steps(p.app.iter().map(|app| image_tag_step(app, None)))
        .step(
            Step::run(
                "Diff",
                "$PROGRAM diff --json > diff.json\n\
                 jq -e . diff.json > /dev/null\n\
                 security=$(jq '[.. | objects | select(.security? == true)] | length' diff.json)\n\
                 echo \"security=$security\" >> \"$GITHUB_OUTPUT\"\n\
                 {\n  \
                 echo 'report<<STACKWRIGHT_DIFF_EOF'\n  \
                 jq -c . diff.json | head -c 60000\n  \
                 echo\n  \
                 echo 'STACKWRIGHT_DIFF_EOF'\n\
                 } >> \"$GITHUB_OUTPUT\"\n",
            )
            .id("diff")
            .envs(p.app.iter().map(|app| (app.image_tag_variable.clone(), IMAGE_TAG_OUTPUT.to_string()))),
        )
}

/// Writes the diff as the one comment of the pull request.
fn pr_comment_job(p: &GitHubPipelineProps) -> Job {
    Job::new("Post the diff on the pull request")
        .needs("diff")
        .permissions(Permissions::none().with("pull-requests", super::workflow::Access::Write))
        .timeout(10)
        .step(
            Step::uses("Create or update the diff comment", &actions::GITHUB_SCRIPT)
                .env("REPORT", "${{ needs.diff.outputs.report }}")
                .env("SECURITY", "${{ needs.diff.outputs.security }}")
                .env("LABEL", p.security_label.as_str())
                .with("script", COMMENT_SCRIPT),
        )
}

/// Fails on security-relevant changes unless the pull request has the review label.
fn pr_gate_job(p: &GitHubPipelineProps) -> Job {
    Job::new("Security-relevant changes need the review label")
        .needs("diff")
        .permissions(Permissions::none())
        .timeout(5)
        .step(
            Step::run(
                "Check",
                "if [ \"${SECURITY:-0}\" != \"0\" ] && [ \"$LABELLED\" != \"true\" ]; then\n  \
                 echo \"::error::$SECURITY security-relevant change(s) (IAM, security groups, access entries): review them and add the label '$LABEL'\"\n  \
                 exit 1\n\
                 fi\n\
                 echo \"security-relevant changes: ${SECURITY:-0} (label '$LABEL' present: $LABELLED)\"\n",
            )
            .env("SECURITY", "${{ needs.diff.outputs.security }}")
            .env("LABELLED", format!("${{{{ contains(github.event.pull_request.labels.*.name, '{}') }}}}", p.security_label))
            .env("LABEL", p.security_label.as_str()),
        )
}

/// The `actions/github-script` script that creates or updates the one diff comment of a pull
/// request (a file of its own, so that it reads and lints as JavaScript), after the shared
/// `diffLines` and `upsertComment` of `../comment_shared.js`.
const COMMENT_SCRIPT: &str = concat!(include_str!("../comment_shared.js"), include_str!("comment.js"));

/// Writes `workflow` as `.github/workflows/<file>` of the assembly, owned by `node` (at `path`).
///
/// # Errors
///
/// When the workflow does not serialize to YAML.
pub(in crate::delivery::github) fn add_workflow_file(
    node: &Node,
    path: &str,
    file: &str,
    workflow: &Workflow,
) -> stackwright_core::Result<()> {
    let yaml = workflow.to_yaml().map_err(|message| stackwright_core::Error::Serialize {
        what: format!("workflow {file} of {path}"),
        message,
    })?;
    node.add_assembly_file(&format!("{WORKFLOWS_DIR}/{file}"), yaml);
    Ok(())
}

/// Fails the job when the committed workflows differ from what the program just wrote with
/// `--workflows .` (a workflow edited by hand, or a program change not synthesized).
pub(in crate::delivery::github) const WORKFLOWS_UP_TO_DATE: &str = "if [ -n \"$(git status --porcelain -- .github/workflows)\" ]; then\n  \
     git status --short -- .github/workflows\n  \
     git diff -- .github/workflows\n  \
     echo \"::error::.github/workflows is not what the program synthesizes: run 'synth --workflows' and commit the result\"\n  \
     exit 1\n\
     fi\n";

/// Where the image tag step leaves the tag.
const IMAGE_TAG_OUTPUT: &str = "${{ steps.image.outputs.tag }}";

/// The image tag: the SHA of the last commit that changed the service (needs the full
/// history). With a registry, also the image reference (`image`) and whether ECR already has
/// that tag (`exists`).
fn image_tag_step(app: &AppDelivery, registry: Option<&str>) -> Step {
    let mut script = String::from(
        "tag=$(git log -1 --format=%H -- \"$SERVICE_DIR\")\n\
         if [ -z \"$tag\" ]; then echo \"::error::no commit changes $SERVICE_DIR\"; exit 1; fi\n\
         echo \"tag=$tag\" >> \"$GITHUB_OUTPUT\"\n",
    );
    if registry.is_some() {
        script.push_str(
            "echo \"image=$REGISTRY/$REPOSITORY:$tag\" >> \"$GITHUB_OUTPUT\"\n\
             if aws ecr describe-images --repository-name \"$REPOSITORY\" --image-ids \"imageTag=$tag\" > /dev/null 2>&1; then\n  \
             echo \"exists=true\" >> \"$GITHUB_OUTPUT\"\n\
             else\n  \
             echo \"exists=false\" >> \"$GITHUB_OUTPUT\"\n\
             fi\n",
        );
    }
    let step = Step::run("Image tag: the commit that last changed the service", &script)
        .id("image")
        .env("SERVICE_DIR", app.directory.as_str());
    match registry {
        Some(registry) => step.env("REGISTRY", registry).env("REPOSITORY", app.ecr_repository.as_str()),
        None => step,
    }
}

/// The deploy job both deploy workflows run: ensure the image exists, deploy, wait, roll back.
fn deploy_job(ctx: &Context, name: &str) -> Job {
    let p = &ctx.props;
    let mut job = Job::new(name)
        .environment(&p.environment)
        .concurrency(Concurrency::queue(ctx.concurrency_group.as_str()))
        .permissions(Permissions::contents_read().with_id_token())
        .timeout(p.deploy_timeout_minutes)
        .step(checkout(p.app.is_some()))
        .step(aws_credentials(ctx, &ctx.deploy_role, "stackwright-deploy"));
    let mut deploy_env: Vec<(String, String)> = Vec::new();
    if let Some(app) = &p.app {
        job = job.steps(image_steps(ctx, app));
        deploy_env.push((app.image_tag_variable.clone(), IMAGE_TAG_OUTPUT.to_string()));
    }
    // No cargo cache here: zizmor's cache-poisoning audit (rightly) rejects restoring caches in
    // a job that publishes an image and deploys; deploy jobs build the program from scratch.
    if let Some(c) = &p.cluster {
        job = job.step(
            kube_env(
                Step::run(
                    "Record the running image",
                    "image=''\n\
                     if aws eks update-kubeconfig --name \"$CLUSTER\" > /dev/null 2>&1; then\n  \
                     image=$(kubectl get \"deployment/$DEPLOYMENT\" -n \"$NAMESPACE\" -o jsonpath='{.spec.template.spec.containers[0].image}' 2> /dev/null || true)\n\
                     fi\n\
                     echo \"running: ${image:-none}\"\n\
                     echo \"image=$image\" >> \"$GITHUB_OUTPUT\"\n",
                )
                .id("before"),
                c,
            ),
        );
    }
    let mut deploy = Step::run("Deploy", "$PROGRAM deploy --require-approval never\n").id("deploy");
    for (k, v) in deploy_env {
        deploy = deploy.env(&k, v);
    }
    job = job.step(deploy);
    if let Some(c) = &p.cluster {
        job = job.steps(rollout_steps(c));
    }
    job
}

/// The image steps of a deploy: find the image for this commit, and build and push it when it
/// is not in the registry yet.
fn image_steps(ctx: &Context, app: &AppDelivery) -> Vec<Step> {
    vec![
        image_tag_step(app, Some(&ctx.registry)),
        Step::uses("Log in to ECR", &actions::AMAZON_ECR_LOGIN)
            .id("ecr")
            .condition("steps.image.outputs.exists != 'true'"),
        Step::uses("Set up Docker Buildx", &actions::SETUP_BUILDX).condition("steps.image.outputs.exists != 'true'"),
        Step::uses("Build and push the image", &actions::BUILD_PUSH)
            .condition("steps.image.outputs.exists != 'true'")
            .with("context", app.directory.as_str())
            .with("file", app.dockerfile.as_str())
            .with("push", true)
            .with("tags", "${{ steps.image.outputs.image }}")
            .with("cache-from", "type=gha,scope=stackwright-app")
            .with("cache-to", "type=gha,mode=max,scope=stackwright-app"),
    ]
}

/// What the Kubernetes steps need to find the app's Deployment.
fn kube_env(step: Step, c: &ClusterTarget) -> Step {
    step.env("CLUSTER", c.name.as_str()).env("NAMESPACE", c.namespace.as_str()).env("DEPLOYMENT", c.deployment.as_str())
}

/// After the deploy: wait for the rollout, and roll the Deployment back when the job failed.
fn rollout_steps(c: &ClusterTarget) -> [Step; 2] {
    [
        kube_env(
            Step::run(
                "Wait for the rollout",
                "aws eks update-kubeconfig --name \"$CLUSTER\" > /dev/null\n\
                 kubectl rollout status \"deployment/$DEPLOYMENT\" -n \"$NAMESPACE\" --timeout=600s\n",
            ),
            c,
        ),
        kube_env(
            Step::run(
                "Roll the Deployment back",
                "aws eks update-kubeconfig --name \"$CLUSTER\" > /dev/null\n\
                 now=$(kubectl get \"deployment/$DEPLOYMENT\" -n \"$NAMESPACE\" -o jsonpath='{.spec.template.spec.containers[0].image}' 2> /dev/null || true)\n\
                 if [ -z \"$BEFORE\" ] || [ \"$now\" = \"$BEFORE\" ]; then\n  \
                 echo \"deployment/$DEPLOYMENT still runs ${BEFORE:-nothing}: nothing to roll back\"\n  \
                 exit 0\n\
                 fi\n\
                 echo \"::warning::rolling deployment/$DEPLOYMENT back from $now to $BEFORE\"\n\
                 kubectl rollout undo \"deployment/$DEPLOYMENT\" -n \"$NAMESPACE\"\n\
                 kubectl rollout status \"deployment/$DEPLOYMENT\" -n \"$NAMESPACE\" --timeout=600s\n",
            )
            .condition("failure() && steps.before.outcome == 'success'")
            .env("BEFORE", "${{ steps.before.outputs.image }}"),
            c,
        ),
    ]
}

fn deploy_workflow(ctx: &Context) -> Workflow {
    let p = &ctx.props;
    let mut push = BranchFilter::branches([p.main_branch.as_str()]);
    let mut name = "stackwright deploy";
    if let Some(app) = &p.app {
        // A push that changes only the service is the app workflow's; one that changes both
        // runs both, one after the other.
        push = push.paths([format!("!{}/**", app.directory)]);
        name = "stackwright deploy (infrastructure)";
        push.paths.insert(0, "**".to_string());
    }
    let triggers = Triggers { push: Some(push), workflow_dispatch: Some(Empty {}), ..Default::default() };
    Workflow::new(name, triggers)
        .env("PROGRAM", p.program.as_str())
        .env("CARGO_TERM_COLOR", "always")
        .job("deploy", deploy_job(ctx, &format!("Deploy to {}", p.environment)))
}

fn app_workflow(ctx: &Context, app: &AppDelivery) -> Workflow {
    let p = &ctx.props;
    let triggers = Triggers {
        push: Some(BranchFilter::branches([p.main_branch.as_str()]).paths([format!("{}/**", app.directory)])),
        workflow_dispatch: Some(Empty {}),
        ..Default::default()
    };
    Workflow::new("stackwright app", triggers)
        .env("PROGRAM", p.program.as_str())
        .env("CARGO_TERM_COLOR", "always")
        .job("deploy", deploy_job(ctx, &format!("Build, push and roll out the service to {}", p.environment)))
}
