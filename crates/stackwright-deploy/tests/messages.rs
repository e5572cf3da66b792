//! The messages of issue 15, each shown as a user meets it: a template that is not JSON (exit 2
//! from diff, deploy and destroy, before any connection), the credentials hint with and without
//! `--skip-account-check`, and an endpoint that refuses connections (named in the error; every
//! retry shown with attempt n of m and the wait). Nothing leaves 127.0.0.1.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use stackwright_core::{Account, App, RawResource, Region, Resource};
use stackwright_deploy::error::exit;
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

/// Two stacks: web reads network's VPC id.
fn synth(dir: &Path) {
    let app = App::new("messages");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::UsEast1);
    let network = dev.stack("network");
    let vpc =
        Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.7.0.0/16")).unwrap();
    let web = dev.stack("web");
    Resource::new(
        &web,
        "VpcIdCopy",
        RawResource::new("AWS::SSM::Parameter").with("Type", "String").with("Value", vpc.reference()),
    )
    .unwrap();
    app.synth_to(dir).unwrap();
}

/// The `stackwright-deploy` binary on `dir` with only the environment given (no credentials
/// unless `env` has them; no instance metadata).
fn run(args: &[&str], dir: &Path, endpoint: &str, env: &[(&str, &str)]) -> Output {
    let home = common::temp_dir("messages-home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackwright-deploy"));
    cmd.args(args)
        .args(["--app-dir", &dir.display().to_string(), "--plain"])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

const CREDENTIALS: &[(&str, &str)] = &[("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")];

#[test]
fn a_template_that_is_not_json_is_refused_with_status_2_by_diff_deploy_and_destroy() {
    let dir = common::temp_dir("messages-not-json");
    synth(&dir);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let web = manifest["stacks"].as_array().unwrap().iter().find(|s| s["id"] == "dev-web").unwrap();
    std::fs::write(dir.join(web["template"].as_str().unwrap()), "{ \"Resources\": ").unwrap();
    for args in [&["diff"][..], &["deploy", "--yes"], &["destroy", "--yes"]] {
        let (endpoint, connections) = common::terminal::counting_listener();
        let out = run(args, &dir, &endpoint, CREDENTIALS);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(exit::USAGE), "{args:?}: {stderr}");
        assert!(stderr.contains("stack dev-web: the template"), "{args:?}: {stderr}");
        assert!(stderr.contains("is not JSON"), "{args:?}: {stderr}");
        assert!(stderr.contains("hint: synthesize the assembly again"), "{args:?}: {stderr}");
        assert_eq!(connections.load(Ordering::SeqCst), 0, "{args:?}: a connection reached the endpoint: {stderr}");
    }
}

#[test]
fn missing_credentials_are_explained_with_and_without_the_account_check() {
    let dir = common::temp_dir("messages-credentials");
    synth(&dir);
    for skip in [false, true] {
        let (endpoint, connections) = common::terminal::counting_listener();
        let mut args = vec!["deploy", "--yes"];
        if skip {
            args.push("--skip-account-check");
        }
        let out = run(&args, &dir, &endpoint, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(exit::FAILED), "skip {skip}: {stderr}");
        assert!(stderr.contains("no usable AWS credentials"), "skip {skip}: {stderr}");
        assert!(
            stderr.contains("hint: check the AWS credentials (AWS_PROFILE, `aws sso login`, AWS_ACCESS_KEY_ID)"),
            "skip {skip}: {stderr}"
        );
        let call = if skip { "CloudFormation DescribeStacks" } else { "STS GetCallerIdentity" };
        assert!(stderr.contains(call), "skip {skip}: {stderr}");
        assert_eq!(connections.load(Ordering::SeqCst), 0, "skip {skip}: nothing is sent without credentials");
        // dev-web waits for dev-network, which failed: the line names the one that failed.
        let skipped =
            stderr.contains("dev-web: not deployed because dev-network failed (deploy again once it is fixed)");
        assert_eq!(skipped, skip, "{stderr}");
    }
}

#[tokio::test]
async fn a_refused_connection_names_the_endpoint_and_every_retry_is_shown() {
    let dir = common::temp_dir("messages-refused");
    synth(&dir);
    let assembly = Arc::new(Assembly::read(&dir).unwrap());
    // A port nobody listens on: every connection is refused.
    let endpoint = format!("http://127.0.0.1:{}", common::free_port());
    for check_account in [true, false] {
        let mut rt = Runtime::new(common::aws_options(&endpoint), ProgressMode::Capture);
        rt.check_account = check_account;
        rt.cfn.yes = true;
        let err = rt.deploy(assembly.clone(), &[], false).await.result().unwrap_err().to_string();
        let lines = rt.progress.lines().join("\n");
        let (who, call) = if check_account {
            ("account check (us-east-1)", "STS GetCallerIdentity")
        } else {
            ("dev-network", "CloudFormation DescribeStacks")
        };
        assert!(err.contains(&format!("{call}: gave up after 6 attempts")), "{err}");
        assert!(err.contains(&format!("last error: cannot connect to {endpoint}")), "{err}");
        assert!(err.contains(&format!("hint: check that {endpoint} is the endpoint you mean")), "{err}");
        for n in 1..=5 {
            let line = format!("{who}: {call}: attempt {n} of 6 failed (cannot connect to {endpoint}");
            assert!(lines.contains(&line), "{line}:\n{lines}");
        }
        assert!(lines.contains("; retrying in 0."), "{lines}");
        assert!(!lines.contains("attempt 6 of 6"), "the last attempt is the error, not a retry: {lines}");
    }
}

/// The event lines in docs/deploying.md are those the runtime prints for the reference
/// platform: the construct path of the repository's logical id is the one in its manifest, laid
/// out as the engine lays out an event (`{stack}: {done}/{total} {elapsed:>6} {status:<20} {path}
/// ({logical id}) {type}`).
#[test]
fn the_documented_event_lines_are_the_real_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let snapshot = std::fs::read_to_string(root.join("snapshots/prod/manifest.json.snap")).unwrap();
    // An insta snapshot: a header between `---` lines, then the manifest.
    let manifest: serde_json::Value = serde_json::from_str(snapshot.splitn(3, "---\n").nth(2).unwrap()).unwrap();
    let registry = manifest["stacks"].as_array().unwrap().iter().find(|s| s["id"] == "prod-registry").unwrap();
    let repo = &registry["resources"]["FlaskApp"];
    let path = repo["path"].as_str().unwrap();
    assert_eq!(path, "prod/registry/FlaskApp/Resource");
    let docs = std::fs::read_to_string(root.join("docs/deploying.md")).unwrap();
    for (counter, status) in [("0/1", "CREATE_IN_PROGRESS"), ("1/1", "CREATE_COMPLETE")] {
        let tail = format!("{status:<20} {path} (FlaskApp) {}", repo["type"].as_str().unwrap());
        let documented = docs.lines().any(|l| {
            l.strip_prefix(&format!("prod-registry: {counter} "))
                .and_then(|rest| rest.trim_start().split_once(' '))
                .is_some_and(|(elapsed, rest)| elapsed.ends_with('s') && rest == tail)
        });
        assert!(documented, "docs/deploying.md lacks `prod-registry: {counter} <elapsed> {tail}`");
    }
}
