//! Golden output of the staged-delivery example (`examples/staged.rs`: `greeter` in staging,
//! eu-west-1, and prod, eu-central-1, of one account; one `StagedPipeline`), as insta
//! snapshots in `snapshots/staged/`, and what the pipeline must guarantee: the order of the
//! stages, their GitHub environments, the digest check before every use of the assembly, and
//! the `sub` each role trusts.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/staged.rs"]
mod staged;

mod golden;

use serde_json::{Value, json};
use stackwright::assertions::{Assertions, Match};

fn workflow(assembly: &stackwright::core::Assembly, file: &str) -> Value {
    let text = assembly.file(&format!(".github/workflows/{file}")).unwrap_or_else(|| panic!("{file} is synthesized"));
    serde_saphyr::from_str(text).unwrap()
}

fn step<'a>(job: &'a Value, name: &str) -> &'a Value {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.starts_with(name)))
        .unwrap_or_else(|| panic!("no step '{name}' in {job}"))
}

#[test]
fn the_staged_platform_synthesizes_to_its_golden_output() {
    let groups = golden::assert_golden_output("staged", staged::build);
    assert!(groups.iter().any(|g| g == "github__workflows"), "the workflows are covered: {groups:?}");
}

#[test]
fn two_synths_of_the_staged_platform_are_byte_identical() {
    golden::assert_deterministic(staged::build);
}

#[test]
fn each_stage_deploys_after_synth_and_the_previous_stage_in_its_own_environment() {
    let assembly = staged::build().unwrap().synth().unwrap();
    let deploy = workflow(&assembly, "stackwright-deploy.yml");
    let jobs = deploy["jobs"].as_object().unwrap();
    assert_eq!(jobs.keys().collect::<Vec<_>>(), ["synth", "deploy-staging", "deploy-prod"]);
    let staging = &jobs["deploy-staging"];
    let prod = &jobs["deploy-prod"];
    assert_eq!(staging["needs"], json!(["synth"]));
    assert_eq!(prod["needs"], json!(["synth", "deploy-staging"]), "prod waits for staging's deploy and smoke check");
    assert_eq!(staging["environment"]["name"], "staging");
    assert_eq!(prod["environment"]["name"], "prod");
    assert_eq!(staging["concurrency"]["group"], "stackwright-deploy-greeter-staging");
    assert_eq!(prod["concurrency"]["group"], "stackwright-deploy-greeter-prod");
    assert_ne!(staging["concurrency"]["group"], prod["concurrency"]["group"]);
    // each stage's own role and region
    let creds = |job: &Value| step(job, "AWS credentials")["with"].clone();
    assert_eq!(creds(staging)["role-to-assume"], "arn:aws:iam::456789012345:role/greeter-staging-github-deploy");
    assert_eq!(creds(staging)["aws-region"], "eu-west-1");
    assert_eq!(creds(prod)["role-to-assume"], "arn:aws:iam::456789012345:role/greeter-prod-github-deploy");
    assert_eq!(creds(prod)["aws-region"], "eu-central-1");
    // the smoke check is the last step: through the ALB for staging, the API server's proxy for prod
    assert_eq!(staging["steps"].as_array().unwrap().last().unwrap()["id"], "smoke");
    assert!(step(staging, "Smoke check")["run"].as_str().unwrap().contains("curl --fail"));
    let prod_smoke = step(prod, "Smoke check")["run"].as_str().unwrap();
    assert!(prod_smoke.contains("kubectl get --raw") && prod_smoke.contains("/proxy$READINESS_PATH"), "{prod_smoke}");
    assert_eq!(step(prod, "Smoke check")["env"]["READINESS_PATH"], "/ready");
    assert_eq!(step(prod, "Smoke check")["env"]["CONTROLLER"], "deployment", "the rollout waited for");
}

#[test]
fn the_assembly_is_built_once_and_every_use_checks_its_digest() {
    let assembly = staged::build().unwrap().synth().unwrap();
    for file in ["stackwright-deploy.yml", "stackwright-pr.yml"] {
        let w = workflow(&assembly, file);
        let jobs = w["jobs"].as_object().unwrap();
        let synth = &jobs["synth"];
        assert_eq!(synth["outputs"]["digest"], "${{ steps.digest.outputs.digest }}", "{file}");
        assert!(step(synth, "Digest")["run"].as_str().unwrap().contains("LC_ALL=C sort -z"), "{file}");
        let mut users = 0;
        for (id, job) in jobs.iter().filter(|(id, _)| id.starts_with("deploy-") || id.starts_with("diff-")) {
            let steps = job["steps"].as_array().unwrap();
            let verify = steps.iter().position(|s| s["id"] == "verify").unwrap_or_else(|| panic!("{file} {id}"));
            let uses = steps.iter().position(|s| s["id"] == "deploy" || s["id"] == "diff").unwrap();
            assert!(verify < uses, "{file} {id}: the digest is checked before the assembly is used");
            let script = steps[verify]["run"].as_str().unwrap();
            assert!(script.contains("if [ \"$digest\" != \"$EXPECTED\" ]") && script.contains("exit 1"), "{script}");
            assert_eq!(steps[verify]["env"]["EXPECTED"], "${{ needs.synth.outputs.digest }}");
            let run = steps[uses]["run"].as_str().unwrap();
            assert!(run.contains("--app-dir bundle/assembly"), "{run}");
            // no cargo in a job that uses the assembly
            assert!(steps.iter().all(|s| !s["run"].as_str().unwrap_or("").contains("cargo")), "{file} {id}");
            users += 1;
        }
        assert_eq!(users, 2, "{file}: one job per stage");
    }
}

#[test]
fn each_role_trusts_only_its_stage_or_pull_requests() -> Result<(), stackwright::assertions::AssertionError> {
    let assembly = staged::build().unwrap().synth().unwrap();
    let checks = Assertions::new(&assembly);
    let sub = |subject: &str| {
        json!({ "AssumeRolePolicyDocument": { "Statement": [{
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": { "StringEquals": {
                "token.actions.githubusercontent.com:sub": subject,
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            } },
        }] } })
    };
    for (env, stage) in [("staging", "Staging"), ("prod", "Prod")] {
        let stack = checks.stack(&format!("{env}-cicd"))?;
        stack.resource("AWS::IAM::Role", &format!("{env}/cicd/Delivery{stage}/DeployRole"))?.has_properties(
            Match::object_like(sub(&format!("repo:acme/greeter:environment:{env}")))
                .with("RoleName", Match::exact(json!(format!("greeter-{env}-github-deploy")))),
        )?;
        stack
            .resource("AWS::IAM::Role", &format!("{env}/cicd/Delivery{stage}/DiffRole"))?
            .has_properties(sub("repo:acme/greeter:pull_request"))?;
    }
    // one account, one GitHub OIDC provider: staging's stack creates it, prod's uses it
    checks.stack("staging-cicd")?.has_resource_count("AWS::IAM::OIDCProvider", 1)?;
    checks.stack("prod-cicd")?.has_resource_count("AWS::IAM::OIDCProvider", 0)?;
    let manifest: Value = serde_json::from_str(&assembly.manifest_json()).unwrap();
    let prod_cicd = manifest["stacks"].as_array().unwrap().iter().find(|s| s["id"] == "prod-cicd").unwrap();
    assert!(prod_cicd["dependencies"].as_array().unwrap().contains(&json!("staging-cicd")), "{prod_cicd}");
    Ok(())
}

#[test]
fn the_pull_request_diffs_every_stage_with_its_own_read_only_role() {
    let assembly = staged::build().unwrap().synth().unwrap();
    let pr = workflow(&assembly, "stackwright-pr.yml");
    let jobs = &pr["jobs"];
    for (env, region) in [("staging", "eu-west-1"), ("prod", "eu-central-1")] {
        let job = &jobs[format!("diff-{env}").as_str()];
        assert_eq!(job["needs"], json!(["synth"]));
        assert_eq!(job["permissions"], json!({ "id-token": "write" }));
        let creds = &step(job, "AWS credentials")["with"];
        assert_eq!(creds["role-to-assume"], format!("arn:aws:iam::456789012345:role/greeter-{env}-github-diff"));
        assert_eq!(creds["aws-region"], region);
        let run = step(job, "Diff")["run"].as_str().unwrap();
        assert!(run.contains(&format!("--exclusively {env}-cicd {env}-cluster {env}-network")), "{run}");
    }
    assert_eq!(jobs["comment"]["needs"], json!(["diff-staging", "diff-prod"]));
    let comment = &jobs["comment"]["steps"][0]["env"];
    assert_eq!(comment["STAGES"], "staging prod");
    assert_eq!(comment["REPORT_1"], "${{ needs.diff-prod.outputs.report }}");
    assert_eq!(jobs["security-gate"]["needs"], json!(["diff-staging", "diff-prod"]));
}
