//! The two workflows of a [`StagedPipeline`](super::StagedPipeline): pull request (diff per
//! stage) and deploy (synth once, then the stages in order).

use super::super::actions;
use super::super::pipeline::{WORKFLOWS_UP_TO_DATE, cargo_cache, checkout, credentials_step, pull_request_triggers};
use super::super::workflow::{Access, BranchFilter, Concurrency, Empty, Job, Permissions, Step, Triggers, Workflow};
use super::{StageContext, StagedPipelineProps};

/// The artifact the synth job uploads: `bundle/assembly` (the cloud assembly) and
/// `bundle/bin/program` (the program that synthesized it, which deploys it).
const ARTIFACT: &str = "stackwright-assembly";

/// The digest of `bundle`: SHA-256 over the sorted list of its files' SHA-256 sums and paths —
/// deterministic, whatever order the file system lists them in.
const DIGEST: &str = "digest=$(cd bundle && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d ' ' -f 1)\n";

/// The one workflow-level variable: where the jobs after synth find the program.
const PROGRAM: &str = "bundle/bin/program";

/// Builds the program once, synthesizes with it, packs the assembly and the program, and
/// uploads them with their digest (the job's `digest` output).
fn synth_steps(props: &StagedPipelineProps, check_workflows: bool) -> Vec<Step> {
    let mut synth = String::from(
        "mkdir -p bundle/bin\n\
         cp \"$BINARY\" bundle/bin/program\n\
         bundle/bin/program synth --strict --out bundle/assembly",
    );
    if check_workflows {
        synth.push_str(" --workflows .\n");
        synth.push_str(WORKFLOWS_UP_TO_DATE);
    } else {
        synth.push('\n');
    }
    vec![
        Step::run("Build the program once", &props.build_command),
        Step::run("Synthesize the assembly", &synth).env("BINARY", props.program_binary.as_str()),
        Step::run(
            "Digest of the assembly and the program",
            &format!(
                "{DIGEST}echo \"digest=$digest\" >> \"$GITHUB_OUTPUT\"\n\
                 echo \"assembly digest: sha256 $digest\" >> \"$GITHUB_STEP_SUMMARY\"\n"
            ),
        )
        .id("digest"),
        Step::uses("Upload the assembly and the program", &actions::UPLOAD_ARTIFACT)
            .with("name", ARTIFACT)
            .with("path", "bundle/")
            .with("if-no-files-found", "error")
            .with("include-hidden-files", true)
            // A re-run of the synth job uploads again under the same name; the stages compare
            // with that attempt's digest output, so they never mix two attempts' files.
            .with("overwrite", true)
            .with("retention-days", 7),
    ]
}

/// Download and verify: the job fails unless the bundle's digest is the synth job's.
fn fetch_steps() -> Vec<Step> {
    vec![
        Step::uses("Download the assembly and the program", &actions::DOWNLOAD_ARTIFACT)
            .with("name", ARTIFACT)
            .with("path", "bundle"),
        Step::run(
            "Verify the digest",
            &format!(
                "{DIGEST}if [ \"$digest\" != \"$EXPECTED\" ]; then\n  \
                 echo \"::error::the assembly's digest is $digest, the synth job's was $EXPECTED: not using it\"\n  \
                 exit 1\n\
                 fi\n\
                 chmod +x bundle/bin/program\n\
                 echo \"assembly digest verified: $digest\"\n"
            ),
        )
        .id("verify")
        .env("EXPECTED", "${{ needs.synth.outputs.digest }}"),
    ]
}

fn credentials(stage: &StageContext, role: &str, session: &str) -> Step {
    credentials_step(stage.region.as_str(), role, session)
}

/// The pull-request workflow: test, build and synth once; diff every stage; one comment; a gate.
pub(super) fn pull_request(props: &StagedPipelineProps, stages: &[StageContext]) -> Workflow {
    let triggers = pull_request_triggers(&props.main_branch);
    let synth = Job::new("Build, test, synthesize once")
        .permissions(Permissions::contents_read())
        .timeout(60)
        .output("digest", "${{ steps.digest.outputs.digest }}")
        .steps([checkout(false), cargo_cache(), Step::run("Test", &props.test_command)])
        .steps(synth_steps(props, true));
    let mut workflow = Workflow::new("stackwright pull request", triggers)
        .concurrency(Concurrency::cancel_previous("stackwright-pr-${{ github.event.pull_request.number }}"))
        .env("PROGRAM", PROGRAM)
        .job("synth", synth);
    let mut comment = Job::new("Post the diff of every stage on the pull request")
        .permissions(Permissions::none().with("pull-requests", Access::Write))
        .timeout(10);
    let mut gate =
        Job::new("Security-relevant changes need the review label").permissions(Permissions::none()).timeout(5);
    let mut script = Step::uses("Create or update the diff comment", &actions::GITHUB_SCRIPT)
        .env("STAGES", stages.iter().map(|s| s.github_environment.as_str()).collect::<Vec<_>>().join(" "))
        .env("LABEL", props.security_label.as_str());
    let mut check = Step::run("Check", "");
    let mut sum = String::from("total=0\n");
    for (i, stage) in stages.iter().enumerate() {
        let job = format!("diff-{}", stage.job);
        workflow = workflow.job(&job, diff_job(stage));
        comment = comment.needs(&job);
        gate = gate.needs(&job);
        let security = format!("${{{{ needs.{job}.outputs.security }}}}");
        script = script
            .env(&format!("REPORT_{i}"), format!("${{{{ needs.{job}.outputs.report }}}}"))
            .env(&format!("SECURITY_{i}"), security.clone());
        check = check.env(&format!("SECURITY_{i}"), security);
        sum.push_str(&format!("total=$((total + ${{SECURITY_{i}:-0}}))\n"));
    }
    check.run = Some(format!(
        "{sum}if [ \"$total\" != \"0\" ] && [ \"$LABELLED\" != \"true\" ]; then\n  \
         echo \"::error::$total security-relevant change(s) (IAM, security groups, access entries): review them and add the label '$LABEL'\"\n  \
         exit 1\n\
         fi\n\
         echo \"security-relevant changes: $total (label '$LABEL' present: $LABELLED)\"\n"
    ));
    let check = check
        .env(
            "LABELLED",
            format!("${{{{ contains(github.event.pull_request.labels.*.name, '{}') }}}}", props.security_label),
        )
        .env("LABEL", props.security_label.as_str());
    workflow.job("comment", comment.step(script.with("script", COMMENT_SCRIPT))).job("security-gate", gate.step(check))
}

/// Diffs one stage's stacks against the assembly, with the stage's read-only role (not for
/// pull requests from forks: GitHub gives them no OIDC token).
fn diff_job(stage: &StageContext) -> Job {
    Job::new(&format!("Diff {}", stage.github_environment))
        .needs("synth")
        .condition("github.event.pull_request.head.repo.full_name == github.repository")
        .permissions(Permissions::none().with_id_token())
        .timeout(30)
        .output("security", "${{ steps.diff.outputs.security }}")
        .output("report", "${{ steps.diff.outputs.report }}")
        .steps(fetch_steps())
        .step(credentials(stage, &stage.diff_role, "stackwright-diff"))
        .step(
            Step::run(
                "Diff",
                &format!(
                    "\"$PROGRAM\" diff --json --app-dir bundle/assembly --exclusively {} > diff.json\n\
                     jq -e . diff.json > /dev/null\n\
                     security=$(jq '[.. | objects | select(.security? == true)] | length' diff.json)\n\
                     echo \"security=$security\" >> \"$GITHUB_OUTPUT\"\n\
                     report=$(jq -c . diff.json)\n\
                     if [ \"${{#report}}\" -gt 30000 ]; then\n  \
                     echo \"::warning::the diff report has ${{#report}} characters, too many for the pull-request comment: here it is\"\n  \
                     jq . diff.json\n  \
                     report=$(jq -c '{{truncated: true, failed: (.failed // [])}}' diff.json)\n\
                     fi\n\
                     {{\n  \
                     echo 'report<<STACKWRIGHT_DIFF_EOF'\n  \
                     echo \"$report\"\n  \
                     echo 'STACKWRIGHT_DIFF_EOF'\n\
                     }} >> \"$GITHUB_OUTPUT\"\n",
                    stage.stacks.join(" ")
                ),
            )
            .id("diff"),
        )
}

/// The deploy workflow: synth once, then every stage in order.
pub(super) fn deploy(props: &StagedPipelineProps, stages: &[StageContext]) -> Workflow {
    let triggers = Triggers {
        push: Some(BranchFilter::branches([props.main_branch.as_str()])),
        workflow_dispatch: Some(Empty {}),
        ..Default::default()
    };
    // No cargo cache: the program built here deploys, and zizmor's cache-poisoning audit
    // (rightly) rejects restoring a cache in a job whose output is released.
    // One synth at a time per branch; the stages have concurrency groups of their own.
    let synth = Job::new("Build and synthesize once")
        .concurrency(Concurrency::queue("stackwright-synth-${{ github.ref }}"))
        .permissions(Permissions::contents_read())
        .timeout(60)
        .output("digest", "${{ steps.digest.outputs.digest }}")
        .step(checkout(false))
        .steps(synth_steps(props, false));
    let mut workflow =
        Workflow::new("stackwright deploy (staged)", triggers).env("PROGRAM", PROGRAM).job("synth", synth);
    let mut previous: Option<String> = None;
    for stage in stages {
        let id = format!("deploy-{}", stage.job);
        let mut job = Job::new(&format!("Deploy to {}", stage.github_environment))
            .needs("synth")
            .environment(&stage.github_environment)
            .concurrency(Concurrency::queue(stage.concurrency_group.as_str()))
            .permissions(Permissions::none().with_id_token())
            .timeout(props.deploy_timeout_minutes);
        if let Some(previous) = &previous {
            job = job.needs(previous);
        }
        job = job.steps(fetch_steps()).step(credentials(stage, &stage.deploy_role, "stackwright-deploy")).step(
            Step::run(
                "Deploy the verified assembly",
                &format!(
                    "\"$PROGRAM\" deploy --app-dir bundle/assembly --exclusively --require-approval never {}\n",
                    stage.stacks.join(" ")
                ),
            )
            .id("deploy"),
        );
        if let (Some(smoke), Some(cluster)) = (&stage.smoke, &stage.cluster) {
            job = job.step(smoke.step(cluster));
        }
        workflow = workflow.job(&id, job);
        previous = Some(id);
    }
    workflow
}

/// The `actions/github-script` script of the staged pull-request comment: one section per
/// stage (a file of its own, so that it reads and lints as JavaScript).
const COMMENT_SCRIPT: &str = concat!(include_str!("../comment_shared.js"), include_str!("comment.js"));
