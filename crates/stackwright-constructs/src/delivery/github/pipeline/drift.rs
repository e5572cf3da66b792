//! The scheduled drift workflow (`stackwright-drift.yml`) and its read-only role: on a
//! schedule (and by hand), the program's `drift` command checks the environment's stacks and
//! cluster and fails the job when something drifted (exit status 4).

use stackwright_core::{Construct, Problems, Result};

use super::cron::cron_problem;
use super::drift_role::{coverage_problems, drift_policy, drift_role, size_problem};
use super::{
    Context, GitHubPipeline, IMAGE_TAG_OUTPUT, add_workflow_file, aws_credentials, cargo_cache, checkout,
    image_tag_step,
};
use crate::delivery::github::workflow::{Cron, Empty, Job, Permissions, Step, Triggers, Workflow};

/// When the drift workflow runs: a POSIX cron expression in UTC, as GitHub's `schedule`
/// trigger takes it, checked when the workflow is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftSchedule {
    cron: String,
}

impl DriftSchedule {
    /// Runs at the times `expression` gives (five fields: minute, hour, day of month, month,
    /// day of week; `0 6 * * 1` is Mondays at 06:00 UTC). GitHub runs schedules at most every
    /// five minutes, often some minutes late.
    #[must_use]
    pub fn cron(expression: &str) -> Self {
        DriftSchedule { cron: expression.trim().to_string() }
    }

    /// The expression.
    #[must_use]
    pub fn expression(&self) -> &str {
        &self.cron
    }
}

/// The file name of the drift workflow.
pub const DRIFT_WORKFLOW: &str = "stackwright-drift.yml";

impl GitHubPipeline {
    /// Adds the scheduled drift workflow and its read-only role (`<app>-<environment>-github-drift`,
    /// below `<pipeline>/Drift`). Call it **last**, once the program has added every stack and
    /// resource of the pipeline's environment: the role's rights are derived from the resource
    /// types of those stacks now (each type's read-handler actions, from its registry schema),
    /// and synth fails when a stack or a resource type was added afterwards.
    ///
    /// The role is trusted for workflow runs on the main branch only
    /// (`repo:<owner>/<name>:ref:refs/heads/<main branch>`, the `sub` claim of scheduled runs,
    /// which GitHub starts on the default branch), so the main branch must be the repository's
    /// default branch. With the pipeline's cluster, it also gets an EKS access entry with the
    /// view policy (the Kubernetes side of drift).
    ///
    /// # Errors
    /// Only when a resource cannot be added (an id taken by another child `Drift`). A bad
    /// schedule, a role name over IAM's 64 characters, a policy over IAM's size limit, or a
    /// second call are recorded at `<pipeline>/Drift` and reported by synth; so is a resource
    /// type with no read handler (a warning: its drift cannot be detected). On a rejected
    /// pipeline nothing is added.
    pub fn add_drift_workflow(&mut self, schedule: &DriftSchedule) -> Result<()> {
        let Some(ctx) = &self.context else {
            return Ok(());
        };
        let mut problems = Problems::for_child(&self.node, "Drift");
        let path = problems.path().to_string();
        if self.workflows.contains_key(DRIFT_WORKFLOW) {
            problems.push("the drift workflow is added twice", "call add_drift_workflow once per pipeline");
        }
        if let Some(problem) = cron_problem(&schedule.cron) {
            problems.push(
                format!("invalid drift schedule {problem}"),
                "give five cron fields in UTC, e.g. DriftSchedule::cron(\"0 6 * * 1\") for Mondays at 06:00",
            );
        }
        let role_name = format!("{}-github-drift", self.access.prefix());
        if role_name.len() > 64 {
            problems.push(
                format!("the role name '{role_name}' is longer than IAM's 64 characters"),
                "use a shorter app or environment id",
            );
        }
        let environment = self.node.environment().map(|e| e.node().clone());
        let stacks = environment.as_ref().map(|e| e.stack_resource_types()).unwrap_or_default();
        let derived = drift_policy(&stacks, ctx.props.cluster.as_ref());
        if problems.is_empty() {
            problems.extend(derived.policy.problems(&path));
            problems.extend(size_problem(&path, &derived.policy, &stacks));
        }
        let node = problems.add_node();
        if node.is_rejected() {
            return Ok(());
        }
        let p = &ctx.props;
        let subject = format!("repo:{}:ref:refs/heads/{}", p.repository.full_name(), p.main_branch);
        let description = format!(
            "Scheduled drift checks of {} on {}: read the stacks' resources",
            p.repository.full_name(),
            p.main_branch
        );
        let role = drift_role(
            &node,
            &role_name,
            self.access.provider_arn().clone(),
            &subject,
            &description,
            &derived.policy,
            p.cluster.as_ref(),
        )?;
        if !derived.unreadable.is_empty() {
            // Not a warning: the program's author can do nothing about a type CloudFormation
            // cannot read; the template says which types the role leaves out, and why.
            role.node().add_metadata(
                "stackwright:drift-unread-types",
                serde_json::json!({
                    "reason": "no read handler in the type's registry schema: drift detection cannot read these",
                    "types": derived.unreadable,
                }),
            );
        }
        if let Some(environment) = environment {
            let check_path = path.clone();
            let environment = environment.node_ref();
            let derived_from = stacks.clone();
            node.add_check(move |check| {
                coverage_problems(&check_path, &derived_from, &check.stack_resource_types(environment))
            });
        }
        let role_arn = format!("arn:aws:iam::{}:role/{role_name}", ctx.account);
        let ids: Vec<&str> = stacks.stacks.keys().map(String::as_str).collect();
        let workflow = drift_workflow(ctx, &role_arn, schedule, &ids);
        add_workflow_file(&node, &path, DRIFT_WORKFLOW, &workflow)?;
        self.workflows.insert(DRIFT_WORKFLOW.to_string(), workflow);
        self.drift_role = Some(role);
        Ok(())
    }
}

/// On the schedule and by hand: `drift` on the environment's stacks (their ids, which are
/// shell-safe: other environments' stacks may share the prefix) with the drift role; the
/// job fails when something drifted. No GitHub environment: a job in one gets the
/// environment's `sub` claim, not the branch's the role trusts.
fn drift_workflow(ctx: &Context, role: &str, schedule: &DriftSchedule, stacks: &[&str]) -> Workflow {
    let p = &ctx.props;
    let triggers = Triggers {
        schedule: vec![Cron { cron: schedule.cron.clone() }],
        workflow_dispatch: Some(Empty {}),
        ..Default::default()
    };
    let job = Job::new(&format!("Detect drift in {}", ctx.environment))
        .permissions(Permissions::contents_read().with_id_token())
        .timeout(60)
        .steps([checkout(p.app.is_some()), cargo_cache(), aws_credentials(ctx, role, "stackwright-drift")])
        .steps(p.app.iter().map(|app| image_tag_step(app, None)))
        .step(
            Step::run(
                "Detect drift",
                &format!(
                    "set +e\n\
                     $PROGRAM drift {}\n\
                     status=$?\n\
                     if [ \"$status\" = 4 ]; then\n  \
                     echo \"::error::drift found: see the report above; put the values back or change the program\"\n\
                     fi\n\
                     exit \"$status\"\n",
                    stacks.join(" ")
                ),
            )
            .envs(p.app.iter().map(|app| (app.image_tag_variable.clone(), IMAGE_TAG_OUTPUT.to_string()))),
        );
    Workflow::new("stackwright drift", triggers)
        .env("PROGRAM", p.program.as_str())
        .env("CARGO_TERM_COLOR", "always")
        .job("drift", job)
}
