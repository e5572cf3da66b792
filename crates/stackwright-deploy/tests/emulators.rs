//! Which stacks of the examples deploy on which local emulator (docs/local.md), backed by the
//! support list `tests/fixtures/emulator-support.txt`: every stack of every example the test
//! command synthesizes is classified (an unlisted resource type fails), the table in the docs
//! is the one the list gives, and every stack classified as supported on an emulator is
//! deployed, redeployed (no-op), changed, diffed and destroyed there through the runtime with
//! the `--local` switch.

mod common;
#[path = "emulators/support.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use stackwright_deploy::cfn::Action;
use stackwright_deploy::local::Local;
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use support::{EMULATORS, SupportList, docs_table, synth_examples, synthesized};

/// The options of the command line on `emulator`, before `--local` applies: no credentials
/// (the switch brings its own), and room for a slow first call — LocalStack loads a service on
/// its first request, which took over 20 s with two busy cores.
fn options(emulator: &common::Emulator) -> stackwright_deploy::aws::AwsOptions {
    let mut aws = emulator.aws_options();
    aws.credentials = None;
    aws.attempt_timeout = Duration::from_secs(90);
    aws.retry.budget = Duration::from_secs(120);
    aws
}

/// The runtime as `--local` sets it up, on `emulator`.
fn local_runtime(emulator: &common::Emulator) -> Runtime {
    let mut aws = options(emulator);
    let local = Local::new(aws.endpoint_url.as_deref(), &|_| None, &[]).unwrap();
    aws.endpoint_url = Some(local.endpoint);
    aws.local = true;
    let mut rt = Runtime::new(aws, ProgressMode::Capture);
    rt.cfn.termination_protection = false;
    rt.cfn.poll = Duration::from_millis(200);
    rt.cfn.max_poll = Duration::from_secs(1);
    rt.cfn.stack_timeout = Duration::from_secs(180);
    rt.cfn.yes = true;
    rt.kubernetes = false;
    rt
}

fn start(emulator: usize) -> common::Emulator {
    if emulator == 0 { common::moto() } else { common::localstack() }
}

/// Resources an emulator only pretended to create (LocalStack's "deployed as a fallback",
/// physical id `unknown`).
async fn fallbacks(rt: &Runtime, assembly: &Assembly, stack: &str) -> Vec<String> {
    rt.with_engine(assembly, stack, async |e| {
        let out = e.clients.cloudformation.describe_stack_resources().stack_name(&e.entry.stack_name).send().await;
        Ok(match out {
            Ok(out) => out
                .stack_resources()
                .iter()
                .filter(|r| {
                    r.physical_resource_id() == Some("unknown")
                        || r.resource_status_reason().is_some_and(|s| s.contains("fallback"))
                })
                .map(|r| {
                    format!(
                        "{} ({}): {}",
                        r.logical_resource_id().unwrap_or_default(),
                        r.resource_type().unwrap_or_default(),
                        r.resource_status_reason().unwrap_or_default()
                    )
                })
                .collect(),
            Err(e) => vec![format!("DescribeStackResources failed: {e:?}")],
        })
    })
    .await
    .unwrap_or_default()
}

/// Every stack of every example is classified on each emulator (an unlisted resource type
/// fails, naming it, the stack and the example), and docs/local.md has the table the list gives.
#[test]
fn every_stack_is_classified_and_the_docs_table_is_the_lists() {
    let list = SupportList::read();
    let table = docs_table(&list);
    let docs = std::fs::read_to_string(common::repo_root().join("docs/local.md")).unwrap();
    let (start, end) = ("<!-- emulator-table: start -->\n", "<!-- emulator-table: end -->");
    let begin = docs.find(start).expect("docs/local.md has the emulator-table markers") + start.len();
    let finish = docs[begin..].find(end).expect("the emulator-table end marker") + begin;
    let expected = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("local-md-table.md");
    if docs[begin..finish] != table {
        std::fs::write(&expected, &table).unwrap();
        panic!(
            "the table in docs/local.md is not the one tests/fixtures/emulator-support.txt gives; put {} \
             between the markers:\n{table}",
            expected.display()
        );
    }
}

/// The stacks of the examples that deploy on emulator number `e`: (example, stack id).
fn supported(list: &SupportList, e: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for example in synth_examples() {
        let assembly = synthesized(&example);
        for stack in &assembly.manifest.stacks {
            match list.classify(&example, &assembly, stack, e) {
                Err(problem) => panic!("{problem}"),
                Ok(None) => out.push((example.clone(), stack.id.clone())),
                Ok(Some(_)) => {}
            }
        }
    }
    out
}

/// A copy of the synthesized `example` to change: its own directory.
fn copy_of(example: &str) -> std::path::PathBuf {
    let from = synthesized(example).dir;
    let to = common::temp_dir(&format!("local-{example}"));
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    to
}

/// The small change the test makes to a stack: one more output.
fn change(dir: &std::path::Path, assembly: &Assembly, stack: &str) {
    let path = dir.join(&assembly.stack(stack).unwrap().template);
    let mut template: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let outputs = template.as_object_mut().unwrap().entry("Outputs").or_insert_with(|| serde_json::json!({}));
    outputs["StackwrightLocalCheck"] = serde_json::json!({ "Value": "changed by the emulator test" });
    std::fs::write(&path, serde_json::to_string_pretty(&template).unwrap()).unwrap();
}

async fn diff_status(rt: &Runtime, assembly: &Arc<Assembly>, stack: &str) -> String {
    let mut report = rt.diff(assembly.clone(), &[stack.to_string()]).await;
    report.result().unwrap_or_else(|e| panic!("diff of {stack}: {e}"));
    report.stacks.iter().find(|d| d.stack == stack).map(|d| d.status.clone()).unwrap()
}

/// Deploy, redeploy (no-op), change, diff and destroy every stack classified as supported on
/// emulator number `e`, on one fresh server, through the runtime with the local switch.
async fn lifecycle_of_supported_stacks(e: usize) {
    let started = Instant::now();
    let list = SupportList::read();
    let stacks = supported(&list, e);
    let emulator = start(e);
    for (example, id) in &stacks {
        let rt = local_runtime(&emulator);
        let lines = |rt: &Runtime| rt.progress.lines().join("\n");
        let dir = copy_of(example);
        let v1 = Arc::new(Assembly::read(&dir).unwrap());
        let entry = v1.stack(id).unwrap().clone();
        let what = format!("{id} ({example}) on {}", EMULATORS[e]);

        assert_eq!(diff_status(&rt, &v1, id).await, "new", "{what}");
        let mut report = rt.deploy(v1.clone(), std::slice::from_ref(id), false).await;
        report.result().unwrap_or_else(|err| panic!("deploy {what}: {err}\n{}", lines(&rt)));
        let deployed = report.stacks.iter().find(|d| &d.stack == id).unwrap();
        assert_eq!(deployed.action, Action::Created, "{what}");
        let said = lines(&rt);
        assert!(said.contains("--local: environment"), "the account check says what it does: {said}");
        if entry.termination_protection {
            assert!(said.contains(&format!("{id}: termination protection skipped (--local)")), "{said}");
        }

        let mut report = rt.deploy(v1.clone(), std::slice::from_ref(id), false).await;
        report.result().unwrap_or_else(|err| panic!("redeploy {what}: {err}\n{}", lines(&rt)));
        assert!(report.stacks.iter().all(|d| d.action == Action::Unchanged), "redeploy of {what}: {:?}", report.stacks);
        assert_eq!(diff_status(&rt, &v1, id).await, "unchanged", "{what}");

        change(&dir, &v1, id);
        let v2 = Arc::new(Assembly::read(&dir).unwrap());
        assert_eq!(diff_status(&rt, &v2, id).await, "changed", "{what}");
        let mut report = rt.deploy(v2.clone(), std::slice::from_ref(id), false).await;
        report.result().unwrap_or_else(|err| panic!("change {what}: {err}\n{}", lines(&rt)));
        let changed = report.stacks.iter().find(|d| &d.stack == id).unwrap();
        assert_eq!(changed.action, Action::Updated, "{what}");
        assert_eq!(diff_status(&rt, &v2, id).await, "unchanged", "after the change, {what}");

        // Destroyed through the command line with the switch, as a user would.
        let options = options(&emulator);
        let args: Vec<String> =
            ["destroy", "--local", "--yes", "--app-dir", &dir.display().to_string()].map(String::from).into();
        let code = std::thread::spawn(move || stackwright_deploy::cli::main(None, args, options)).join().unwrap();
        assert_eq!(code, 0, "destroy --local of {what}");
        for stack in &v2.manifest.stacks {
            let left = rt.with_engine(&v2, &stack.id, async |e| e.describe(&e.entry.stack_name).await).await.unwrap();
            assert!(left.is_none(), "{} left after destroying {what}: {left:?}", stack.id);
        }
    }
    eprintln!(
        "{}: {} stack(s) deployed, redeployed, changed, diffed and destroyed in {:.1?}: {stacks:?}",
        EMULATORS[e],
        stacks.len(),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supported_stacks_on_moto() {
    lifecycle_of_supported_stacks(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supported_stacks_on_localstack() {
    lifecycle_of_supported_stacks(1).await;
}

/// Records what each emulator does with every stack, one fresh emulator per stack: deploy
/// (with what it depends on), the resources only pretended, destroy. `PROBE_EMULATOR=moto` or
/// `LocalStack` (default both), `PROBE_STACKS=id,id` to narrow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "records the facts behind the support list; minutes"]
async fn probe_every_stack() {
    let only = std::env::var("PROBE_EMULATOR").ok();
    let stacks = std::env::var("PROBE_STACKS").ok();
    for example in synth_examples() {
        let assembly = Arc::new(synthesized(&example));
        for stack in &assembly.manifest.stacks {
            if stacks.as_ref().is_some_and(|s| !s.split(',').any(|id| id == stack.id)) {
                continue;
            }
            for (e, name) in EMULATORS.iter().enumerate() {
                if only.as_ref().is_some_and(|o| o != name) {
                    continue;
                }
                let emulator = start(e);
                let rt = local_runtime(&emulator);
                let t = Instant::now();
                let mut report = rt.deploy(assembly.clone(), std::slice::from_ref(&stack.id), false).await;
                let deployed = report.result().map_err(|e| e.to_string());
                let pretended = fallbacks(&rt, &assembly, &stack.id).await;
                let region = &assembly.environment(&stack.environment).unwrap().region;
                let ec2_before = ec2_counts(emulator.port, region);
                let mut destroy = rt.destroy(assembly.clone(), &[], false).await;
                let destroyed = destroy.result().map_err(|e| e.to_string());
                let ec2_after = ec2_counts(emulator.port, region);
                println!(
                    "PROBE {example} {} on {name} ({:.1?}): deploy {deployed:?}; fallback {pretended:?}; destroy {destroyed:?}; \
                     VPCs and NAT gateways after deploy {ec2_before:?}, after destroy {ec2_after:?}\n  {}",
                    stack.id,
                    t.elapsed(),
                    rt.progress.lines().join("\n  ")
                );
            }
        }
    }
}

/// VPCs and NAT gateways in `region` (unsigned EC2 Query calls).
fn ec2_counts(port: u16, region: &str) -> (usize, usize) {
    let call = |action: &str| common::query_call(port, region, "ec2", &format!("Action={action}&Version=2016-11-15"));
    let vpcs = call("DescribeVpcs").matches("<vpcId>").count();
    let nats = call("DescribeNatGateways").matches("<natGatewayId>").count();
    (vpcs, nats)
}
