//! The StagedPipeline's `run:` scripts, run with bash as GitHub runs them: the digest check,
//! the smoke checks (fake `aws` and `kubectl`, a local HTTP server) and the diff step (a fake
//! program, jq).

use serde_json::Value as Json;
use stackwright_constructs::delivery::github::{DeliveryStage, STAGED_PR_WORKFLOW, SmokeCheck, StagedPipeline};
use stackwright_constructs::{AlbIngress, ClusterTarget, ContainerSpec, ProbeSpec, Workload, WorkloadProps};
use stackwright_core::{App, Region};

mod staged_support;
use staged_support::{bash, env_with_stack, props, script, shop_cluster};

/// The staged workflows' `run:` scripts, by step name, from the deploy workflow of a two-stage
/// pipeline.
fn deploy_scripts() -> Json {
    let app = App::new("shop");
    let (_, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    let (_, bc) = env_with_stack(&app, "prod", "222222222222", Region::EuWest1);
    StagedPipeline::new(&ac, "Delivery", props().stage(DeliveryStage::new(&ac)).stage(DeliveryStage::new(&bc)))
        .unwrap();
    let assembly = app.synth().unwrap();
    serde_saphyr::from_str(assembly.file(".github/workflows/stackwright-deploy.yml").unwrap()).unwrap()
}

/// The digest the synth job computes is what a stage recomputes from the same files (in any
/// order on disk); a changed byte, a file more or a renamed file fails the stage's check.
#[test]
fn the_digest_check_passes_the_same_bundle_and_fails_a_changed_one() {
    let w = deploy_scripts();
    let digest = script(&w["jobs"]["synth"], "Digest of the assembly and the program");
    let verify = script(&w["jobs"]["deploy-prod"], "Verify the digest");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let p = root.join("bundle").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("bin/program", "#!/bin/sh\necho program\n");
    write("assembly/manifest.json", "{}\n");
    write("assembly/staging-edge.template.json", "{\"Resources\": {}}\n");
    write("assembly/.github/workflows/stackwright-deploy.yml", "name: x\n");
    let output = root.join("output");
    let summary = root.join("summary");
    let o = bash(
        root,
        digest,
        &[("GITHUB_OUTPUT", output.to_str().unwrap()), ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = std::fs::read_to_string(&output).unwrap();
    let expected = out.trim().strip_prefix("digest=").unwrap().to_string();
    assert_eq!(expected.len(), 64, "{out}");

    let check = |what: &str, ok: bool| {
        let o = bash(root, verify, &[("EXPECTED", expected.as_str())]);
        let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
        assert_eq!(o.status.success(), ok, "{what}: {stdout}{}", String::from_utf8_lossy(&o.stderr));
        if !ok {
            assert!(stdout.contains("::error::the assembly's digest is") && stdout.contains(&expected), "{stdout}");
        }
    };
    check("the same files", true);
    // the program is executable after the check (artifacts do not keep the mode)
    use std::os::unix::fs::PermissionsExt;
    assert_ne!(std::fs::metadata(root.join("bundle/bin/program")).unwrap().permissions().mode() & 0o111, 0);
    write("assembly/staging-edge.template.json", "{\"Resources\": {\"X\": {}}}\n");
    check("a changed template", false);
    write("assembly/staging-edge.template.json", "{\"Resources\": {}}\n");
    check("restored", true);
    write("assembly/extra.json", "{}\n");
    check("a file more", false);
    std::fs::remove_file(root.join("bundle/assembly/extra.json")).unwrap();
    std::fs::rename(root.join("bundle/assembly/manifest.json"), root.join("bundle/assembly/manifest2.json")).unwrap();
    check("a renamed file", false);
}

/// The smoke steps of a two-stage pipeline: staging behind an internet-facing ALB (no host),
/// prod behind an internal one.
fn smoke_steps() -> (Json, Json) {
    let app = App::new("shop");
    let mut stages = Vec::new();
    for (id, ingress) in [("staging", AlbIngress::default()), ("prod", AlbIngress::default().internal())] {
        let (env, cluster, ns, image) = shop_cluster(&app, id);
        let api = Workload::new(
            &cluster,
            &ns,
            "Api",
            WorkloadProps::new(
                ContainerSpec::new(image).port("http", 8080).readiness(ProbeSpec::http("/ready", "http")),
            )
            .ingress(ingress),
        )
        .unwrap();
        let cicd = env.stack("cicd");
        stages.push(
            DeliveryStage::new(&cicd)
                .cluster(ClusterTarget::for_workload(&cluster, &api))
                .smoke(SmokeCheck::for_workload(&api)),
        );
    }
    let first = stages[0].scope.clone();
    let mut p = props();
    for s in stages {
        p = p.stage(s);
    }
    StagedPipeline::new(&first, "Delivery", p).unwrap();
    let assembly = app.synth().unwrap();
    let w: Json = serde_saphyr::from_str(assembly.file(".github/workflows/stackwright-deploy.yml").unwrap()).unwrap();
    let last = |job: &str| w["jobs"][job]["steps"].as_array().unwrap().last().unwrap().clone();
    (last("deploy-staging"), last("deploy-prod"))
}

/// A fake `aws` and `kubectl` in `dir/bin`: the Ingress's hostname is `$LB`; `get --raw`
/// fails until the `$RAW_OK_AT`-th call.
fn fake_tools(dir: &std::path::Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let write = |name: &str, text: &str| {
        use std::os::unix::fs::PermissionsExt;
        let p = bin.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    write("aws", "#!/bin/sh\nexit 0\n");
    write(
        "kubectl",
        "#!/bin/sh\n\
         case \"$1 $2\" in\n\
         'rollout status') exit 0 ;;\n\
         'get --raw') n=$(cat \"$STATE\" 2>/dev/null || echo 0); n=$((n + 1)); echo \"$n\" > \"$STATE\"; echo \"$3\" >> \"$STATE.urls\"\n\
           [ \"$n\" -ge \"$RAW_OK_AT\" ] && exit 0; exit 1 ;;\n\
         'get ingress/'*) echo \"$LB\"; exit 0 ;;\n\
         esac\n\
         exit 2\n",
    );
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

fn run_smoke(step: &Json, dir: &std::path::Path, extra: &[(&str, &str)]) -> (bool, String) {
    let mut env: Vec<(String, String)> =
        step["env"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect();
    env.push(("INTERVAL".into(), "0".into()));
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let o = bash(dir, step["run"].as_str().unwrap(), &env);
    (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

/// The internet-facing check GETs the readiness path through the hostname the Ingress reports,
/// retrying until it answers 2xx (here a local server answering 503 twice, then 200), and fails
/// with an error annotation when the attempts are used up.
#[test]
fn the_load_balancer_smoke_check_retries_until_the_readiness_path_answers() {
    use std::io::{Read, Write};
    let (staging, _) = smoke_steps();
    assert_eq!(staging["env"]["READINESS_PATH"], "/ready");
    let dir = tempfile::tempdir().unwrap();
    let path = fake_tools(dir.path());
    let serve = |statuses: Vec<u16>| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let handle = std::thread::spawn(move || {
            let mut paths = Vec::new();
            for status in statuses {
                let (mut stream, _) = listener.accept().unwrap();
                let mut buf = [0u8; 2048];
                let n = stream.read(&mut buf).unwrap();
                let request = String::from_utf8_lossy(&buf[..n]).into_owned();
                paths.push(request.split_whitespace().nth(1).unwrap_or("").to_string());
                let reply = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                stream.write_all(reply.as_bytes()).unwrap();
            }
            paths
        });
        (address, handle)
    };
    let (address, server) = serve(vec![503, 503, 200]);
    let (ok, out) =
        run_smoke(&staging, dir.path(), &[("PATH", path.as_str()), ("LB", address.as_str()), ("ATTEMPTS", "5")]);
    assert!(ok, "{out}");
    assert!(out.contains("ok (attempt 3"), "{out}");
    assert_eq!(server.join().unwrap(), ["/ready", "/ready", "/ready"]);

    let (address, server) = serve(vec![503, 503]);
    let (ok, out) =
        run_smoke(&staging, dir.path(), &[("PATH", path.as_str()), ("LB", address.as_str()), ("ATTEMPTS", "2")]);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("::error::GET http://{address}/ready through {address} failed 2 times")), "{out}");
    server.join().unwrap();

    // no address on the Ingress: fails, saying so
    let (ok, out) = run_smoke(&staging, dir.path(), &[("PATH", path.as_str()), ("LB", ""), ("ATTEMPTS", "2")]);
    assert!(!ok && out.contains("::error::ingress/api has no load balancer address"), "{out}");
}

/// Behind an internal ALB, the check GETs the readiness path through the API server's service
/// proxy, with the same retries.
#[test]
fn the_internal_smoke_check_goes_through_the_service_proxy() {
    let (_, prod) = smoke_steps();
    let dir = tempfile::tempdir().unwrap();
    let path = fake_tools(dir.path());
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let (ok, out) = run_smoke(
        &prod,
        dir.path(),
        &[("PATH", path.as_str()), ("STATE", state), ("RAW_OK_AT", "3"), ("ATTEMPTS", "5")],
    );
    assert!(ok, "{out}");
    assert!(out.contains("ok (attempt 3)"), "{out}");
    let urls = std::fs::read_to_string(format!("{state}.urls")).unwrap();
    assert_eq!(urls.lines().next(), Some("/api/v1/namespaces/shop/services/http:api:80/proxy/ready"));
    std::fs::remove_file(state).unwrap();
    let (ok, out) = run_smoke(
        &prod,
        dir.path(),
        &[("PATH", path.as_str()), ("STATE", state), ("RAW_OK_AT", "9"), ("ATTEMPTS", "2")],
    );
    assert!(!ok && out.contains("failed 2 times"), "{out}");
}

/// The diff step counts security-relevant changes and passes the report on as a job output; a
/// report too long for the comment is printed in the log and replaced by a small valid one.
#[test]
fn the_diff_step_passes_on_a_report_the_comment_can_read() {
    if !std::process::Command::new("jq").arg("--version").output().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: jq is not installed");
        return;
    }
    let app = App::new("shop");
    let (_, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    StagedPipeline::new(&ac, "Delivery", props().stage(DeliveryStage::new(&ac))).unwrap();
    let assembly = app.synth().unwrap();
    let pr: Json =
        serde_saphyr::from_str(assembly.file(&format!(".github/workflows/{STAGED_PR_WORKFLOW}")).unwrap()).unwrap();
    let diff = script(&pr["jobs"]["diff-staging"], "Diff").to_string();
    let dir = tempfile::tempdir().unwrap();
    let run = |report: &str| {
        let program = dir.path().join("program");
        std::fs::write(dir.path().join("report.json"), report).unwrap();
        std::fs::write(&program, format!("#!/bin/sh\ncat {}\n", dir.path().join("report.json").display())).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let output = dir.path().join("output");
        std::fs::write(&output, "").unwrap();
        let o = bash(
            dir.path(),
            &diff,
            &[("PROGRAM", program.to_str().unwrap()), ("GITHUB_OUTPUT", output.to_str().unwrap())],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (std::fs::read_to_string(&output).unwrap(), String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let small = r#"{"stacks": [{"stack": "staging-edge", "changes": [{"action": "Modify", "logical_id": "Role", "security": true}]}], "failed": []}"#;
    let (out, _) = run(small);
    assert!(out.starts_with("security=1\nreport<<STACKWRIGHT_DIFF_EOF\n{\"stacks\":"), "{out}");
    assert!(out.ends_with("\nSTACKWRIGHT_DIFF_EOF\n"), "{out}");
    let change = r#"{"action":"Add","logical_id":"Topic","type":"AWS::SNS::Topic","path":"staging/edge/Topic"}"#;
    let big =
        format!(r#"{{"stacks":[{{"stack":"staging-edge","changes":[{}]}}],"failed":[]}}"#, vec![change; 400].join(","));
    let (out, log) = run(&big);
    assert!(
        out.contains("report<<STACKWRIGHT_DIFF_EOF\n{\"truncated\":true,\"failed\":[]}\nSTACKWRIGHT_DIFF_EOF"),
        "{out}"
    );
    assert!(log.contains("::warning::the diff report has") && log.contains("\"logical_id\": \"Topic\""), "{log}");
}
