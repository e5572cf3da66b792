//! Manifests and app agree: the Flask service of `examples/flask-app` is started on 127.0.0.1
//! with the environment the synthesized Deployment gives it, on the Deployment's container
//! port, and answers on exactly the probe and metrics paths the Deployment names. Its drain
//! file (the preStop hook) takes it out of readiness.
//!
//! Connected to a Database, the Deployment gives the service every `DB_*` variable it needs,
//! only ones it reads, with values its configuration accepts once the deploy has resolved
//! the late-bound ones.
//!
//! Needs the service's venv (`tools/install` creates `.venv/flask`); says so when it is missing.

mod common;
mod eks_support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{app_with_cluster, object};
use serde_json::Value as Json;
use stackwright_constructs::{
    ContainerImage, Database, DatabaseProps, EksCluster, EksClusterProps, FlaskApp, FlaskAppProps, ImageReference,
    KubernetesVersion, NodeGroup, NodeGroupProps, PostgresVersion, SubnetConfig, Vpc, VpcProps,
};
use stackwright_core::{Assembly, Region};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The Deployment and ConfigMap of a FlaskApp with default props, read back from the YAML.
fn synthesized() -> (Json, Json) {
    let (app, _, cluster) = app_with_cluster(Region::UsEast1);
    let image = ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("0.1.0".into()));
    FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image)).unwrap();
    let assembly = app.synth().unwrap();
    (object(&assembly, "Deployment", "flask-app"), object(&assembly, "ConfigMap", "flask-app-config"))
}

/// The Deployment and ConfigMap of a FlaskApp with default props connected to a Database,
/// on an EKS cluster the database admits.
fn synthesized_with_database() -> (Json, Json) {
    let (app, prod) = eks_support::app();
    let vpc = Vpc::new(
        &prod.stack("network"),
        "Vpc",
        VpcProps::default().max_azs(2).subnets([
            SubnetConfig::public(24),
            SubnetConfig::private(20),
            SubnetConfig::isolated(24),
        ]),
    )
    .unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    let db = Database::new(
        &prod.stack("data"),
        "Orders",
        DatabaseProps::new(&vpc, PostgresVersion::V15).allow_from(&cluster),
    )
    .unwrap();
    let image = ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("0.1.0".into()));
    FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image).database(&db)).unwrap();
    let assembly = app.synth().unwrap();
    (eks_object(&assembly, "Deployment", "flask-app"), eks_object(&assembly, "ConfigMap", "flask-app-config"))
}

fn eks_object(assembly: &Assembly, kind: &str, name: &str) -> Json {
    let cluster = &assembly.manifest.clusters[0];
    let entry = cluster.objects.iter().find(|o| o.kind == kind && o.name == name).unwrap();
    serde_saphyr::from_str(assembly.file(&format!("{}/{}", cluster.directory, entry.file)).unwrap()).unwrap()
}

/// What the deploy puts where a placeholder is: an RDS endpoint, a secret's ARN.
fn resolved(value: &str) -> String {
    match value {
        v if v.ends_with("Instance.Endpoint.Address))") => "orders.abcdefghijkl.us-east-1.rds.amazonaws.com".into(),
        v if v.ends_with("Instance.MasterUserSecret.SecretArn))") => {
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123abcd-4567-89ef-0123-456789abcdef-AbCdEf"
                .into()
        }
        v => {
            assert!(!v.contains("((stackwright:"), "an unexpected placeholder: {v}");
            v.to_string()
        }
    }
}

struct Contract {
    port: u16,
    liveness: String,
    readiness: String,
    metrics: String,
    env: BTreeMap<String, String>,
    drain_command: String,
    run_as_user: i64,
}

fn contract(deployment: &Json, config: &Json) -> Contract {
    let pod = &deployment["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    let port_named = |name: &str| -> u16 {
        c["ports"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["containerPort"].as_u64().unwrap()
            as u16
    };
    let probe = |which: &str| -> (String, u16) {
        let get = &c[which]["httpGet"];
        let port = match &get["port"] {
            Json::String(name) => port_named(name),
            n => n.as_u64().unwrap() as u16,
        };
        (get["path"].as_str().unwrap().to_string(), port)
    };
    let (liveness, live_port) = probe("livenessProbe");
    let (readiness, ready_port) = probe("readinessProbe");
    let (startup, startup_port) = probe("startupProbe");
    let annotations = &deployment["spec"]["template"]["metadata"]["annotations"];
    let metrics = annotations["prometheus.io/path"].as_str().unwrap().to_string();
    let metrics_port: u16 = annotations["prometheus.io/port"].as_str().unwrap().parse().unwrap();
    assert_eq!(annotations["prometheus.io/scrape"], "true");
    // One port for everything: the probes and the scrape use the container port.
    assert_eq!((live_port, ready_port, startup_port), (metrics_port, metrics_port, metrics_port));
    assert_eq!(startup, liveness);
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in config["data"].as_object().unwrap() {
        env.insert(k.clone(), v.as_str().unwrap().to_string());
    }
    for e in c["env"].as_array().unwrap() {
        env.insert(e["name"].as_str().unwrap().into(), e["value"].as_str().unwrap().into());
    }
    assert_eq!(env["PORT"].parse::<u16>().unwrap(), metrics_port, "PORT must be the container port");
    let command = c["lifecycle"]["preStop"]["exec"]["command"].as_array().unwrap();
    Contract {
        port: metrics_port,
        liveness,
        readiness,
        metrics,
        env,
        drain_command: command.last().unwrap().as_str().unwrap().to_string(),
        run_as_user: pod["securityContext"]["runAsUser"].as_i64().unwrap(),
    }
}

#[test]
fn deployment_matches_the_service_contract_files() {
    let (deployment, config) = synthesized();
    let c = contract(&deployment, &config);
    let root = workspace();
    let service: Json =
        serde_json::from_str(&std::fs::read_to_string(root.join("examples/flask-app/service.json")).unwrap()).unwrap();
    assert_eq!(u64::from(c.port), service["port"].as_u64().unwrap());
    assert_eq!(c.liveness, service["liveness_path"].as_str().unwrap());
    assert_eq!(c.readiness, service["readiness_path"].as_str().unwrap());
    assert_eq!(c.metrics, service["metrics_path"].as_str().unwrap());
    // The image's numeric user is the one the pod runs as.
    let dockerfile = std::fs::read_to_string(root.join("examples/flask-app/Dockerfile")).unwrap();
    let user = dockerfile.lines().rev().find_map(|l| l.trim().strip_prefix("USER ")).unwrap();
    assert_eq!(user.split(':').next().unwrap().parse::<i64>().unwrap(), c.run_as_user, "USER {user}");
    // The preStop hook writes the file the readiness check watches.
    let drain_file = &c.env["READINESS_DRAIN_FILE"];
    assert!(c.drain_command.starts_with(&format!("touch {drain_file} ")), "{}", c.drain_command);
    // Only /tmp is writable in the pod; everything the service writes must be under it.
    assert!(drain_file.starts_with("/tmp/") && c.env["PROMETHEUS_MULTIPROC_DIR"].starts_with("/tmp/"));
}

#[test]
fn the_database_variables_are_the_ones_the_service_reads() {
    let (deployment, config) = synthesized_with_database();
    let c = contract(&deployment, &config);
    let root = workspace();
    let config_py = std::fs::read_to_string(root.join("examples/flask-app/flask_app/config.py")).unwrap();
    let given: Vec<&String> = c.env.keys().filter(|k| k.starts_with("DB_")).collect();
    // Every DB_* variable the Deployment sets is one of the service's settings (a key of its
    // DEFAULTS), and the ones without a usable default are set.
    for name in &given {
        assert!(config_py.contains(&format!("\"{name}\": ")), "the service does not read {name}");
    }
    for name in ["DB_HOST", "DB_NAME", "DB_SECRET_ARN", "DB_PORT", "DB_SSLMODE"] {
        assert!(c.env.contains_key(name), "{name} is not set: {given:?}");
    }
    // Credentials come from the secret only: a password in the manifest would be a leak.
    assert!(!c.env.contains_key("DB_PASSWORD") && !c.env.contains_key("DB_USER"));

    let venv =
        std::env::var_os("STACKWRIGHT_VENV_FLASK").map(PathBuf::from).unwrap_or_else(|| root.join(".venv/flask"));
    let python = venv.join("bin/python");
    if !python.exists() {
        eprintln!("SKIPPED: {} is missing (run tools/install)", python.display());
        return;
    }
    // The service's own validation accepts the values, as the deploy resolves them.
    let mut cmd = Command::new(&python);
    cmd.args(["-c", "from flask_app.config import Config; c = Config.from_env(); print(c.db_host, c.db_name, c.db_port, c.db_sslmode, c.db_secret_arn)"])
        .current_dir(root.join("examples/flask-app"))
        .env_clear()
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for (k, v) in &c.env {
        cmd.env(k, resolved(v));
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the service rejects its configuration:\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.starts_with("orders.abcdefghijkl.us-east-1.rds.amazonaws.com app 5432 require arn:aws:secretsmanager:"),
        "{stdout}"
    );
}

/// A minimal HTTP/1.0 GET against 127.0.0.1: status code and body.
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

/// Stops the server's whole process group (gunicorn master and workers) when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.wait();
    }
}

#[test]
fn the_service_answers_where_the_deployment_looks() {
    use std::os::unix::process::CommandExt;

    let root = workspace();
    let venv =
        std::env::var_os("STACKWRIGHT_VENV_FLASK").map(PathBuf::from).unwrap_or_else(|| root.join(".venv/flask"));
    let gunicorn = venv.join("bin/gunicorn");
    if !gunicorn.exists() {
        eprintln!("SKIPPED: {} is missing (run tools/install)", gunicorn.display());
        return;
    }
    let (deployment, config) = synthesized();
    let c = contract(&deployment, &config);
    if TcpStream::connect(("127.0.0.1", c.port)).is_ok() {
        panic!("127.0.0.1:{} is already in use: stop what listens there and run the test again", c.port);
    }
    let tmp = tempfile::tempdir().unwrap();
    // The pod's /tmp is an emptyDir; here it is a temporary directory.
    let pod_tmp = |p: &str| tmp.path().join(p.trim_start_matches("/tmp/")).to_str().unwrap().to_string();
    let drain_file = pod_tmp(&c.env["READINESS_DRAIN_FILE"]);
    let mut cmd = Command::new(&gunicorn);
    cmd.arg("--config")
        .arg(root.join("examples/flask-app/gunicorn.conf.py"))
        // The image binds 0.0.0.0:$PORT; the test keeps to loopback, on the same port.
        .arg("--bind")
        .arg(format!("127.0.0.1:{}", c.env["PORT"]))
        .current_dir(tmp.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", tmp.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::fs::File::create(tmp.path().join("stdout.log")).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(tmp.path().join("stderr.log")).unwrap()))
        .process_group(0);
    for (k, v) in &c.env {
        cmd.env(k, v);
    }
    cmd.env("READINESS_DRAIN_FILE", &drain_file);
    cmd.env("PROMETHEUS_MULTIPROC_DIR", pod_tmp(&c.env["PROMETHEUS_MULTIPROC_DIR"]));
    let mut server = Server(cmd.spawn().unwrap());

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok((200, _)) = get(c.port, &c.liveness) {
            break;
        }
        if let Ok(Some(status)) = server.0.try_wait() {
            let log = std::fs::read_to_string(tmp.path().join("stdout.log")).unwrap_or_default();
            panic!("gunicorn exited with {status} before answering:\n{log}");
        }
        assert!(Instant::now() < deadline, "no answer on 127.0.0.1:{}{} within 20 s", c.port, c.liveness);
        std::thread::sleep(Duration::from_millis(100));
    }

    assert_eq!(get(c.port, &c.readiness).unwrap().0, 200, "readiness {}", c.readiness);
    let (status, body) = get(c.port, "/").unwrap();
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!("\"service\":\"{}\"", c.env["APP_NAME"])) || body.contains(&c.env["APP_NAME"]),
        "{body}"
    );
    let (status, metrics) = get(c.port, &c.metrics).unwrap();
    assert_eq!(status, 200, "metrics {}", c.metrics);
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    assert!(metrics.contains("http_request_duration_seconds_bucket"), "{metrics}");

    // What the preStop hook does: the pod leaves the load balancer, liveness stays up.
    std::fs::write(&drain_file, b"").unwrap();
    assert_eq!(get(c.port, &c.readiness).unwrap().0, 503, "draining pod must fail readiness");
    assert_eq!(get(c.port, &c.liveness).unwrap().0, 200, "draining pod must stay live");
    drop(server);
}
