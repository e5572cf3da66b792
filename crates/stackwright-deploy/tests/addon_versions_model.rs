//! `addon-versions` against a local EKS endpoint checked against the service model (botocore's
//! `eks/2017-11-01/service-2.json` from the validators venv): no emulator implements
//! `DescribeAddonVersions` (moto's EKS has no add-on routes). Every request must be the model's
//! method and path, carry only the model's query-string members (within their bounds) and be
//! SigV4-signed; the canned answers are checked against the model's output shapes too. The
//! command pages through `nextToken`, sorts newest first and marks EKS's default.

mod common;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::process::Command;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

/// The EKS service model.
fn model() -> Value {
    common::aws_model::service_model("eks/2017-11-01")
}

/// `value` conforms to `shape`: every member known, of the right JSON type.
fn conforms(model: &Value, shape: &str, value: &Value, at: &str) -> Vec<String> {
    let s = &model["shapes"][shape];
    match (s["type"].as_str().unwrap(), value) {
        ("structure", Value::Object(o)) => o
            .iter()
            .flat_map(|(k, v)| match s["members"].get(k) {
                Some(m) => conforms(model, m["shape"].as_str().unwrap(), v, &format!("{at}.{k}")),
                None => vec![format!("{at}.{k}: not a member of {shape}")],
            })
            .collect(),
        ("list", Value::Array(a)) => a
            .iter()
            .enumerate()
            .flat_map(|(i, v)| conforms(model, s["member"]["shape"].as_str().unwrap(), v, &format!("{at}[{i}]")))
            .collect(),
        ("string", Value::String(_)) | ("boolean", Value::Bool(_)) | ("integer", Value::Number(_)) => vec![],
        (t, v) => vec![format!("{at}: {v} is not a {t}")],
    }
}

/// The checks of one request against `DescribeAddonVersions`' input; the problems found.
fn check_request(
    model: &Value,
    method: &str,
    path: &str,
    query: &BTreeMap<String, String>,
    signed: bool,
) -> Vec<String> {
    let op = &model["operations"]["DescribeAddonVersions"];
    let input = &model["shapes"][op["input"]["shape"].as_str().unwrap()];
    let mut problems = Vec::new();
    if method != op["http"]["method"] || path != op["http"]["requestUri"] {
        problems.push(format!("{method} {path} is not DescribeAddonVersions"));
    }
    if !signed {
        problems.push("not SigV4-signed".into());
    }
    for (name, value) in query {
        let member = input["members"]
            .as_object()
            .unwrap()
            .values()
            .find(|m| m["location"] == "querystring" && m["locationName"] == name.as_str());
        let Some(member) = member else {
            problems.push(format!("query parameter {name} is not in the model"));
            continue;
        };
        let shape = &model["shapes"][member["shape"].as_str().unwrap()];
        if shape["type"] == "integer" {
            let n: i64 = value.parse().unwrap_or(i64::MIN);
            if shape["min"].as_i64().is_some_and(|min| n < min) || shape["max"].as_i64().is_some_and(|max| n > max) {
                problems.push(format!("{name}={value} is outside the model's bounds"));
            }
        }
    }
    problems
}

/// The canned answer: coredns on 1.36 in two pages (the newest version on the second), one
/// page for kube-proxy.
fn answer(query: &BTreeMap<String, String>) -> Value {
    let version = |v: &str, default: bool| {
        json!({"addonVersion": v, "architecture": ["amd64", "arm64"], "requiresConfiguration": false,
               "compatibilities": [{"clusterVersion": "1.36", "platformVersions": ["*"], "defaultVersion": default}]})
    };
    let addon = |name: &str, versions: Vec<Value>| json!({"addonName": name, "type": "networking", "owner": "aws", "publisher": "eks", "addonVersions": versions});
    match (query.get("addonName").map(String::as_str), query.get("nextToken").map(String::as_str)) {
        (Some("coredns"), None) => json!({
            "addons": [addon("coredns", vec![version("v1.13.2-eksbuild.1", true), version("v1.12.4-eksbuild.1", false)])],
            "nextToken": "page-2"
        }),
        (Some("coredns"), Some("page-2")) => {
            json!({"addons": [addon("coredns", vec![version("v1.13.2-eksbuild.10", false)])]})
        }
        (Some("kube-proxy"), None) => {
            json!({"addons": [addon("kube-proxy", vec![version("v1.36.0-eksbuild.14", true)])]})
        }
        _ => json!({"addons": []}),
    }
}

/// Starts the endpoint; returns its URL and the problems of every request it saw.
async fn endpoint(model: Arc<Value>) -> (String, Arc<Mutex<Vec<String>>>, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let problems = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::new(Mutex::new(0));
    let (p, n) = (problems.clone(), requests.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let (model, p, n) = (model.clone(), p.clone(), n.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let (model, p, n) = (model.clone(), p.clone(), n.clone());
                    async move {
                        *n.lock().unwrap() += 1;
                        let query: BTreeMap<String, String> = req
                            .uri()
                            .query()
                            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                            .unwrap_or_default();
                        let signed = req
                            .headers()
                            .get("authorization")
                            .and_then(|h| h.to_str().ok())
                            .is_some_and(|h| h.starts_with("AWS4-HMAC-SHA256 ") && h.contains("/eks/aws4_request"));
                        let mut found = check_request(&model, req.method().as_str(), req.uri().path(), &query, signed);
                        let body = answer(&query);
                        found.extend(conforms(&model, "DescribeAddonVersionsResponse", &body, "response"));
                        let status = if found.is_empty() { 200 } else { 400 };
                        p.lock().unwrap().extend(found);
                        Ok::<_, Infallible>(
                            Response::builder()
                                .status(status)
                                .header("content-type", "application/json")
                                .body(Full::new(Bytes::from(body.to_string())))
                                .unwrap(),
                        )
                    }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    (url, problems, requests)
}

fn run(url: &str, extra: &[&str]) -> std::process::Output {
    let home = common::temp_dir("addon-versions-home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackwright-deploy"));
    cmd.args(["addon-versions", "--kubernetes-version", "1.36", "--addon", "coredns", "--addon", "kube-proxy"])
        .args(extra)
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd.output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addon_versions_pages_through_describe_addon_versions_as_the_model_says() {
    let model = Arc::new(model());
    let (url, problems, requests) = endpoint(model).await;

    let out = tokio::task::spawn_blocking({
        let url = url.clone();
        move || run(&url, &["--json"])
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(*problems.lock().unwrap(), Vec::<String>::new(), "requests broke the model");
    assert_eq!(*requests.lock().unwrap(), 3, "two pages of coredns, one of kube-proxy");
    let offered: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        offered,
        json!([
            {"addon": "coredns", "kubernetes_version": "1.36", "default": "v1.13.2-eksbuild.1",
             "versions": ["v1.13.2-eksbuild.10", "v1.13.2-eksbuild.1", "v1.12.4-eksbuild.1"]},
            {"addon": "kube-proxy", "kubernetes_version": "1.36", "default": "v1.36.0-eksbuild.14",
             "versions": ["v1.36.0-eksbuild.14"]}
        ])
    );

    // The committed table's rows, with the call as their source.
    let out = tokio::task::spawn_blocking(move || run(&url, &["--rust"])).await.unwrap();
    let rows = String::from_utf8_lossy(&out.stdout);
    assert!(
        rows.contains(
            "(\"coredns\", V1_36, Cell::Known {\n        versions: &[\"v1.13.2-eksbuild.10\", \"v1.13.2-eksbuild.1\", \"v1.12.4-eksbuild.1\"],"
        ),
        "{rows}"
    );
    assert!(rows.contains("Source { url: \"eks:DescribeAddonVersions (us-east-1)\", read: \"20"), "{rows}");
    assert!(rows.contains("kind: SourceKind::EksApi }"), "{rows}");
    assert_eq!(*problems.lock().unwrap(), Vec::<String>::new());
}

#[test]
fn a_minor_that_is_not_one_is_a_usage_error_before_any_call() {
    let (endpoint, connections) = common::terminal::counting_listener();
    let home = common::temp_dir("addon-versions-bad");
    let out = Command::new(env!("CARGO_BIN_EXE_stackwright-deploy"))
        .args(["addon-versions", "--kubernetes-version", "1.36.2"])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--kubernetes-version 1.36.2 is not a Kubernetes minor"), "{stderr}");
    assert!(stderr.contains("hint: write it as 1.36"), "{stderr}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// The add-ons `addon-versions` asks about by default are exactly those `EksCluster` installs.
#[test]
fn the_default_addons_are_the_ones_the_constructs_install() {
    assert_eq!(stackwright_deploy::addon_versions::ADDONS, stackwright_constructs::MANAGED_ADDONS);
}
