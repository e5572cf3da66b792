//! Test harness: local AWS API emulators started on 127.0.0.1 (free ports, state under the
//! target directory, stopped on drop with a timeout), a fault-injection proxy and a fake
//! Kubernetes API server, and a CloudFormation endpoint checked against the service model
//! for what no emulator implements (`aws_model`, answering with `cfn_examples`). Nothing here talks to anything but 127.0.0.1.
#![allow(dead_code)]

pub(crate) mod aws_model;
pub(crate) mod cfn_examples;
pub(crate) mod fake_cluster;
pub(crate) mod fake_kube;
pub(crate) mod proxy;
pub(crate) mod terminal;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use stackwright_deploy::aws::AwsOptions;
use stackwright_deploy::retry::RetryPolicy;

/// A stack holding one marker resource (an SSM parameter of value `value`, so CloudFormation
/// has something to create) and the Kubernetes cluster `main`, named `cluster_name` and reached
/// at `endpoint`, whose objects the runtime applies with the stack.
pub(crate) fn stack_with_cluster(
    stack: &stackwright_core::Stack,
    value: &str,
    cluster_name: &str,
    endpoint: &str,
    oidc_issuer: &str,
) -> stackwright_core::KubeCluster {
    use stackwright_core::{ClusterConnection, KubeCluster, RawResource, Resource, Value};
    Resource::new(stack, "Marker", RawResource::new("AWS::SSM::Parameter").with("Type", "String").with("Value", value))
        .unwrap();
    KubeCluster::new(
        stack,
        "main",
        ClusterConnection {
            cluster_name: Value::from(cluster_name),
            endpoint: Value::from(endpoint),
            certificate_authority: Value::from(""),
            oidc_issuer: Value::from(oidc_issuer),
        },
    )
    .unwrap()
}

/// The workspace root (two levels above this crate).
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A venv from `$var`, else `<repo>/.venv/<name>`; a missing venv fails the test, loudly.
pub(crate) fn venv(var: &str, name: &str, exe: &str) -> PathBuf {
    let dir = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| repo_root().join(".venv").join(name));
    let bin = dir.join("bin").join(exe);
    assert!(
        bin.exists(),
        "{} is missing: the emulator tests need the {name} venv.\n\
         Create it with tools/install (scripts/test does), or set {var} to a venv that has it.",
        bin.display()
    );
    bin
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An unsigned AWS call to `service` in `region` of the emulator on `port` (moto and LocalStack
/// route by the credential scope and check no signature): `headers` (each ending in `\r\n`,
/// the content type first) and `body`; the raw HTTP answer.
pub(crate) fn unsigned_call(port: u16, region: &str, service: &str, headers: &str, body: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=00\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// An unsigned Query-protocol call (`body` form-encoded, such as `Action=DescribeVpcs&Version=…`).
pub(crate) fn query_call(port: u16, region: &str, service: &str, body: &str) -> String {
    unsigned_call(port, region, service, "Content-Type: application/x-www-form-urlencoded\r\n", body)
}

/// An unsigned JSON-protocol call of `target` (such as `AmazonSSM.GetParameter`).
pub(crate) fn json_call(port: u16, region: &str, service: &str, target: &str, body: &str) -> String {
    let headers = format!("Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: {target}\r\n");
    unsigned_call(port, region, service, &headers, body)
}

/// A Query call in eu-west-1 with `params` (values already URL-encoded).
pub(crate) fn query(port: u16, service: &str, version: &str, params: &[(&str, &str)]) -> String {
    let mut body = format!("Version={version}");
    for (k, v) in params {
        body.push_str(&format!("&{k}={v}"));
    }
    query_call(port, "eu-west-1", service, &body)
}

/// `text` URL-encoded for a form body (every byte but the unreserved ones as `%XX`).
pub(crate) fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text of the first `<tag>` element of `xml`.
pub(crate) fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(&xml[start..end])
}

/// A blocking `GET http://127.0.0.1:port/path`, returning the status code and body.
pub(crate) fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let code = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((code, body))
}

/// A server process, stopped (SIGTERM, then SIGKILL after a timeout) on drop.
pub(crate) struct Emulator {
    pub name: &'static str,
    pub port: u16,
    pub state: PathBuf,
    child: Child,
}

impl Emulator {
    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The last lines of the server's log (for failure messages).
    pub(crate) fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.state.join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    fn wait_healthy(&mut self, path: &str, timeout: Duration) {
        let start = Instant::now();
        loop {
            if let Some((200, _)) = http_get(self.port, path) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited ({status}) before it was healthy:\n{}", self.name, self.log_tail());
            }
            if start.elapsed() > timeout {
                panic!("{} not healthy after {timeout:?}:\n{}", self.name, self.log_tail());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until LocalStack's health report says every one of `services` is running (loaded).
    fn wait_running(&mut self, services: &[&str], timeout: Duration) {
        let start = Instant::now();
        loop {
            let health = http_get(self.port, "/_localstack/health").map(|(_, body)| body).unwrap_or_default();
            let compact: String = health.chars().filter(|c| !c.is_whitespace()).collect();
            if services.iter().all(|s| compact.contains(&format!("\"{s}\":\"running\""))) {
                return;
            }
            if start.elapsed() > timeout {
                panic!("{} did not load {services:?} within {timeout:?}: {health}\n{}", self.name, self.log_tail());
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Options for the runtime pointing at this emulator, with test credentials and a short
    /// retry policy.
    pub(crate) fn aws_options(&self) -> AwsOptions {
        aws_options(&self.endpoint())
    }
}

pub(crate) fn aws_options(endpoint: &str) -> AwsOptions {
    AwsOptions {
        endpoint_url: Some(endpoint.to_string()),
        credentials: Some(Credentials::new("test", "test", None, None, "tests")),
        retry: RetryPolicy {
            max_attempts: 6,
            initial_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(400),
            budget: Duration::from_secs(20),
        },
        attempt_timeout: Duration::from_secs(20),
        local: false,
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let start = Instant::now();
        let mut stopped = false;
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                stopped = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if !stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // Keep the state (and the server's log) of a failed test for a look.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.state);
        }
    }
}

fn state_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("emulators").join(format!(
        "{name}-{}-{}",
        std::process::id(),
        free_port()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spawn(name: &'static str, mut cmd: Command, port: u16, state: PathBuf) -> Emulator {
    let log = std::fs::File::create(state.join("server.log")).unwrap();
    cmd.stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log).env("PYTHONDONTWRITEBYTECODE", "1");
    let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    Emulator { name, port, state, child }
}

/// LocalStack 4.13.1 on the host (no Docker), loopback only, fresh state.
pub(crate) fn localstack() -> Emulator {
    let python = venv("STACKWRIGHT_VENV_LOCALSTACK", "localstack", "python");
    let port = free_port();
    let state = state_dir("localstack");
    let mut cmd = Command::new(python);
    cmd.args(["-m", "localstack.runtime.main"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("OVERRIDE_IN_DOCKER", "0")
        .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEWAY_SERVER", "hypercorn")
        .env("LOCALSTACK_HOST", format!("localhost:{port}"))
        .env("SERVICES", "cloudformation,ec2,iam,sts,logs,cloudwatch,ssm,sns,kms")
        .env("DNS_ADDRESS", "0")
        .env("DISABLE_EVENTS", "1")
        .env("SKIP_SSL_CERT_DOWNLOAD", "1")
        .env("FILESYSTEM_ROOT", &state)
        .env("HOME", &state)
        .env("TMPDIR", &state)
        // Load every service at start and wait for them below: a service LocalStack loads on
        // its first call can take longer than a test's retry budget on a busy machine, and
        // that first call (the account check) would then fail for a reason that is not ours.
        .env("EAGER_SERVICE_LOADING", "1");
    let mut e = spawn("LocalStack", cmd, port, state);
    e.wait_healthy("/_localstack/health", Duration::from_secs(90));
    e.wait_running(&["cloudformation", "sts"], Duration::from_secs(120));
    e
}

/// moto's server (from the validators venv), loopback only.
pub(crate) fn moto() -> Emulator {
    let server = venv("STACKWRIGHT_VENV_VALIDATORS", "validators", "moto_server");
    let port = free_port();
    let state = state_dir("moto");
    let mut cmd = Command::new(server);
    cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("HOME", &state)
        .env("MOTO_ALLOW_NONEXISTENT_REGION", "false");
    let mut e = spawn("moto", cmd, port, state);
    e.wait_healthy("/moto-api/", Duration::from_secs(60));
    e
}

/// A fresh temporary directory for an assembly.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("assemblies").join(format!(
        "{name}-{}-{}",
        std::process::id(),
        free_port()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
