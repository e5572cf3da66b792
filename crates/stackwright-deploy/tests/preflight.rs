//! Preflight, phase 1: an assembly with a problem is refused before any request is sent. Each
//! case runs the `stackwright-deploy` binary with `AWS_ENDPOINT_URL` pointing at a local
//! listener that counts connections: the count stays 0, the exit status is 2, and every problem
//! is listed (not only the first). Phase 2 (read-only calls, no mutating one) is on moto.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value as Json;
use stackwright_core::{Account, App, ClusterConnection, KubeCluster, RawResource, Region, Resource, Value};
use stackwright_deploy::error::{Error, exit};
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use common::proxy::Proxy;

/// Two stacks (web reads network's VPC id) and a cluster on web whose ConfigMap reads the
/// environment variable `PREFLIGHT_TAG`.
fn synth(dir: &Path, account: &str) {
    let app = App::new("preflight");
    let dev = app.environment("dev", Account::new(account).unwrap(), Region::UsEast1);
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
    let cluster = KubeCluster::new(
        &web,
        "main",
        ClusterConnection {
            cluster_name: Value::from("main"),
            endpoint: Value::from("https://127.0.0.1:9"),
            certificate_authority: Value::from(""),
            oidc_issuer: Value::from(""),
        },
    )
    .unwrap();
    let tag = cluster.from_environment("PREFLIGHT_TAG").unwrap();
    let config = ConfigMap {
        metadata: ObjectMeta { name: Some("settings".into()), namespace: Some("default".into()), ..Default::default() },
        data: Some([("tag".to_string(), tag)].into()),
        ..Default::default()
    };
    cluster.add(&web, &config).unwrap();
    app.synth_to(dir).unwrap();
}

/// `stackwright-deploy deploy --app-dir DIR --yes --plain` with only the given environment.
fn deploy(dir: &Path, endpoint: &str, env: &[(&str, &str)]) -> Output {
    let home = common::temp_dir("preflight-home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackwright-deploy"));
    cmd.args(["deploy", "--app-dir", &dir.display().to_string(), "--yes", "--plain"])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn manifest(dir: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn write_manifest(dir: &Path, m: &Json) {
    std::fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(m).unwrap()).unwrap();
}

fn stack_mut<'a>(m: &'a mut Json, id: &str) -> &'a mut Json {
    m["stacks"].as_array_mut().unwrap().iter_mut().find(|s| s["id"] == id).unwrap()
}

/// A fresh assembly changed by `break_it`; the refused deploy's stderr.
fn refused(name: &str, with_tag: bool, break_it: impl FnOnce(&Path)) -> String {
    let dir = common::temp_dir(name);
    synth(&dir, "123456789012");
    break_it(&dir);
    let (endpoint, connections) = common::terminal::counting_listener();
    let env: &[(&str, &str)] = if with_tag { &[("PREFLIGHT_TAG", "v1")] } else { &[] };
    let out = deploy(&dir, &endpoint, env);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(exit::USAGE), "{name}: {stderr}");
    assert!(stderr.contains("nothing was changed"), "{name}: {stderr}");
    assert_eq!(connections.load(Ordering::SeqCst), 0, "{name}: a connection reached the endpoint:\n{stderr}");
    stderr
}

#[test]
fn offline_problems_are_all_listed_before_any_request() {
    let err = refused("missing-template", true, |dir| {
        std::fs::remove_file(dir.join(manifest(dir)["stacks"][1]["template"].as_str().unwrap())).unwrap();
    });
    assert!(err.contains("stack dev-web: cannot read its template"), "{err}");

    let err = refused("unknown-dependency", true, |dir| {
        let mut m = manifest(dir);
        stack_mut(&mut m, "dev-web")["dependencies"].as_array_mut().unwrap().push("dev-nope".into());
        write_manifest(dir, &m);
    });
    assert!(err.contains("stack dev-web depends on stack dev-nope, which the assembly does not have"), "{err}");

    let err = refused("cycle", true, |dir| {
        let mut m = manifest(dir);
        stack_mut(&mut m, "dev-network")["dependencies"] = serde_json::json!(["dev-web"]);
        write_manifest(dir, &m);
    });
    assert!(err.contains("dependency cycle: dev-network → dev-web → dev-network"), "{err}");

    let err = refused("missing-env", false, |_| {});
    assert!(err.contains("reads environment variable PREFLIGHT_TAG, which is not set"), "{err}");
    assert!(err.contains("hint: export PREFLIGHT_TAG="), "{err}");

    let err = refused("too-large", true, |dir| {
        let huge = format!("{{\"Description\": \"{}\", \"Resources\": {{}}}}", "x".repeat(60_000));
        std::fs::write(dir.join(manifest(dir)["stacks"][0]["template"].as_str().unwrap()), huge).unwrap();
    });
    assert!(err.contains("stack dev-network: the template is 60"), "{err}");
    assert!(err.contains("CloudFormation takes at most 51200 bytes"), "{err}");

    let err = refused("format", true, |dir| {
        let mut m = manifest(dir);
        m["schema_version"] = "9".into();
        write_manifest(dir, &m);
    });
    assert!(err.contains("assembly format 9 is not supported"), "{err}");

    // Everything at once: every problem listed, not the first only.
    let err = refused("everything", false, |dir| {
        let mut m = manifest(dir);
        std::fs::write(dir.join(m["stacks"][0]["template"].as_str().unwrap()), "{ not json").unwrap();
        stack_mut(&mut m, "dev-web")["dependencies"].as_array_mut().unwrap().push("dev-nope".into());
        stack_mut(&mut m, "dev-web")["parameters"][0]["stack"] = "dev-gone".into();
        write_manifest(dir, &m);
    });
    assert!(err.contains("preflight found 4 problems"), "{err}");
    for part in [
        "stack dev-network: the template",
        "is not JSON",
        "depends on stack dev-nope",
        "PREFLIGHT_TAG, which is not set",
        "of stack dev-gone, which the assembly does not have",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

#[test]
fn a_missing_app_dir_is_a_read_with_a_hint_to_synth_first() {
    let (endpoint, connections) = common::terminal::counting_listener();
    let dir: PathBuf = common::temp_dir("absent").join("out");
    let out = deploy(&dir, &endpoint, &[]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(exit::USAGE), "{err}");
    assert!(err.contains(&format!("cannot read the assembly in {}", dir.display())), "{err}");
    assert!(!err.contains("cannot write"), "{err}");
    assert!(err.contains("hint: synthesize it first"), "{err}");
    assert_eq!(connections.load(Ordering::SeqCst), 0);
}

/// Phase 2 on moto through a recording proxy: credentials for another account and a producer
/// that is not deployed are both reported, after read-only calls only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_phase_problems_are_listed_after_read_only_calls() {
    let moto = common::moto();
    let proxy = Proxy::start(&moto.endpoint()).await;
    let dir = common::temp_dir("read-phase");
    // moto's account is 123456789012: this assembly is for another one.
    synth(&dir, "210987654321");
    let assembly = Arc::new(Assembly::read(&dir).unwrap());
    let mut rt = Runtime::new(common::aws_options(&proxy.endpoint()), ProgressMode::Capture);
    rt.cfn.yes = true;
    rt.env = Arc::new(|_| Some("v1".to_string()));
    let mut report = rt.deploy(assembly, &["dev-web".into()], true).await;
    let err = report.result().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Preflight(ref p) if p.len() == 2), "{text}");
    assert_eq!(err.exit_code(), exit::USAGE);
    assert!(
        text.contains(
            "environment 'dev' is account 210987654321, but the AWS credentials are for account 123456789012"
        ),
        "{text}"
    );
    assert!(
        text.contains("stack dev-network (") && text.contains(") is not deployed, and the plan needs its output"),
        "{text}"
    );
    assert!(text.contains("hint: deploy dev-network first, or include it in the selection"), "{text}");
    let seen = proxy.rules.lock().unwrap().seen.clone();
    assert!(!seen.is_empty());
    let mutating: Vec<&String> =
        seen.iter().filter(|a| !matches!(a.as_str(), "GetCallerIdentity" | "DescribeStacks")).collect();
    assert!(mutating.is_empty(), "only read-only calls before the problems were reported: {seen:?}");
}
