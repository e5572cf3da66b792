//! Failure paths on the wire: a failing resource (root cause with construct path), recovery
//! from ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED explained, a stack already in progress,
//! throttling and dropped connections within and beyond the retry budget, and an interrupted
//! deploy that converges when rerun. LocalStack does the CloudFormation work; a fault proxy in
//! front of it throttles, drops and rewrites responses to reach the states LocalStack does not.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use stackwright_core::{Account, App, RawResource, Region, Resource};
use stackwright_deploy::cfn::Action;
use stackwright_deploy::error::{Error, exit};
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::retry::RetryPolicy;
use stackwright_deploy::runtime::Runtime;

use common::proxy::Proxy;

/// One stack: a parameter and a topic; with `broken`, also a route in a route table that does
/// not exist (named to come last: LocalStack creates in logical-id order, and cannot delete a
/// stack whose failed create skipped resources; its route delete tolerates the missing table).
fn synth(dir: &Path, broken: bool, production: bool) -> Arc<Assembly> {
    synth_with(dir, broken, production, false)
}

/// The same, with an extra security group when `security_group` (a "broadening" change).
fn synth_with(dir: &Path, broken: bool, production: bool, security_group: bool) -> Arc<Assembly> {
    let app = App::new("faults");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), Region::UsEast1);
    if production {
        dev.mark_production();
    }
    let stack = dev.stack("svc");
    Resource::new(
        &stack,
        "Setting",
        RawResource::new("AWS::SSM::Parameter")
            .with("Name", "/faults/setting")
            .with("Type", "String")
            .with("Value", "v"),
    )
    .unwrap();
    Resource::new(&stack, "Topic", RawResource::new("AWS::SNS::Topic").with("TopicName", "faults-topic")).unwrap();
    if security_group {
        Resource::new(
            &stack,
            "Ingress",
            RawResource::new("AWS::EC2::SecurityGroup").with("GroupDescription", "ingress"),
        )
        .unwrap();
    }
    if broken {
        Resource::new(
            &stack,
            "WorkerRoute",
            RawResource::new("AWS::EC2::Route")
                .with("RouteTableId", "rtb-0000000000deadbee")
                .with("DestinationCidrBlock", "0.0.0.0/0")
                .with("GatewayId", "igw-0000000000deadbee"),
        )
        .unwrap();
    }
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

fn rt_assembly(dir: &Path) -> Arc<Assembly> {
    Arc::new(Assembly::read(dir).unwrap())
}

fn runtime(endpoint: &str) -> Runtime {
    let mut rt = Runtime::new(common::aws_options(endpoint), ProgressMode::Capture);
    rt.cfn.poll = Duration::from_millis(200);
    rt.cfn.max_poll = Duration::from_millis(600);
    rt.cfn.stack_timeout = Duration::from_secs(90);
    rt.cfn.yes = true;
    rt
}

/// Every retry of the throttled calls was shown: what, attempt n of m, the wait.
fn retries_shown(rt: &Runtime) {
    let shown = lines(rt);
    for n in 1..=3 {
        let line = format!(
            "dev-svc: CloudFormation DescribeStacks: attempt {n} of 6 failed (Throttling: Rate exceeded); retrying in"
        );
        assert!(shown.contains(&line), "{line}:\n{shown}");
    }
    let sts = "account check (us-east-1): STS GetCallerIdentity: attempt 2 of 6 failed (Throttling";
    assert!(shown.contains(sts), "{shown}");
}

fn lines(rt: &Runtime) -> String {
    rt.progress.lines().join("\n")
}

async fn status(rt: &Runtime, assembly: &Assembly) -> Option<String> {
    rt.with_engine(assembly, "dev-svc", async |e| e.describe(&e.entry.stack_name).await)
        .await
        .unwrap()
        .map(|i| i.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_create_names_the_root_cause_and_is_recreated_after_rollback_complete() {
    let ls = common::localstack();
    let proxy = Proxy::start(&ls.endpoint()).await;
    let rt = runtime(&proxy.endpoint());
    let dir = common::temp_dir("faults-create");

    let broken = synth(&dir, true, false);
    let mut report = rt.deploy(broken, &[], false).await;
    let err = report.result().unwrap_err();
    let text = err.to_string();
    assert_eq!(err.exit_code(), exit::FAILED);
    assert!(text.contains("creating the stack failed"), "{text}");
    assert!(text.contains("root cause: dev/svc/WorkerRoute (WorkerRoute, AWS::EC2::Route) CREATE_FAILED"), "{text}");
    assert_eq!(report.failed[0].target, "dev-svc");

    // AWS now says ROLLBACK_COMPLETE. LocalStack says that for some failures and CREATE_FAILED
    // for others: in that case the proxy makes it say what AWS says. The next deploy deletes
    // the stack, says so, and creates it again.
    let after_failure = status(&rt, &rt_assembly(&dir)).await;
    eprintln!("LocalStack left the failed stack in {after_failure:?}");
    assert!(matches!(after_failure.as_deref(), Some("ROLLBACK_COMPLETE" | "CREATE_FAILED")), "{after_failure:?}");
    proxy.rewrite(
        "DescribeStacks",
        "<StackStatus>CREATE_FAILED</StackStatus>",
        "<StackStatus>ROLLBACK_COMPLETE</StackStatus>",
        1,
    );
    let fixed = synth(&dir, false, false);
    let mut report = rt.deploy(fixed.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", lines(&rt)));
    assert_eq!(report.stacks[0].action, Action::Created);
    assert!(
        report.stacks[0].notes.iter().any(|n| n.contains("ROLLBACK_COMPLETE after a failed first create: deleting it")),
        "{:?}",
        report.stacks[0].notes
    );
    assert_eq!(status(&rt, &fixed).await.as_deref(), Some("CREATE_COMPLETE"));
}

/// With --continue-rollback the runtime calls ContinueUpdateRollback and waits for
/// UPDATE_ROLLBACK_COMPLETE (both answered by the proxy: LocalStack has no such state).
async fn continue_rollback_when_asked(proxy: &Proxy, assembly: &Arc<Assembly>) {
    proxy.rewrite(
        "DescribeStacks",
        "<StackStatus>CREATE_COMPLETE</StackStatus>",
        "<StackStatus>UPDATE_ROLLBACK_FAILED</StackStatus>",
        1,
    );
    proxy.stub(
        "ContinueUpdateRollback",
        200,
        "<ContinueUpdateRollbackResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><ContinueUpdateRollbackResult/><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></ContinueUpdateRollbackResponse>",
        1,
    );
    proxy.rewrite(
        "DescribeStacks",
        "<StackStatus>CREATE_COMPLETE</StackStatus>",
        "<StackStatus>UPDATE_ROLLBACK_COMPLETE</StackStatus>",
        1,
    );
    let mut rt2 = runtime(&proxy.endpoint());
    rt2.cfn.continue_rollback = true;
    let mut report = rt2.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", lines(&rt2)));
    assert_eq!(proxy.seen("ContinueUpdateRollback"), 1);
    assert!(lines(&rt2).contains("continuing the rollback"), "{}", lines(&rt2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_rollback_failed_in_progress_and_protection() {
    let ls = common::localstack();
    let proxy = Proxy::start(&ls.endpoint()).await;
    let rt = runtime(&proxy.endpoint());
    let dir = common::temp_dir("faults-states");
    let assembly = synth(&dir, false, true);
    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap();

    // UPDATE_ROLLBACK_FAILED: explained, with the continue-rollback action; nothing changed.
    proxy.rewrite(
        "DescribeStacks",
        "<StackStatus>CREATE_COMPLETE</StackStatus>",
        "<StackStatus>UPDATE_ROLLBACK_FAILED</StackStatus>",
        1,
    );
    let creates = proxy.seen("CreateChangeSet");
    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    let err = report.result().unwrap_err().to_string();
    assert!(err.contains("UPDATE_ROLLBACK_FAILED"), "{err}");
    assert!(
        err.contains("--continue-rollback") && err.contains("continue-update-rollback --stack-name faults-dev-svc"),
        "{err}"
    );
    assert_eq!(proxy.seen("CreateChangeSet"), creates);

    continue_rollback_when_asked(&proxy, &assembly).await;

    // A stack already in progress is waited for, not fought.
    proxy.rewrite(
        "DescribeStacks",
        "<StackStatus>CREATE_COMPLETE</StackStatus>",
        "<StackStatus>UPDATE_IN_PROGRESS</StackStatus>",
        3,
    );
    let rt3 = runtime(&proxy.endpoint());
    let mut report = rt3.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", lines(&rt3)));
    assert!(
        lines(&rt3).contains("UPDATE_IN_PROGRESS (another deploy, or an interrupted one): waiting"),
        "{}",
        lines(&rt3)
    );
    assert_eq!(report.stacks[0].action, Action::Unchanged);

    // A security-group change needs approval (--require-approval broadening, the default):
    // without --yes and without a terminal, nothing is executed and the exit code is 3.
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let with_sg = synth_with(&dir, false, true, true);
        let mut asking = runtime(&proxy.endpoint());
        asking.cfn.yes = false;
        let (executes, deletes) = (proxy.seen("ExecuteChangeSet"), proxy.seen("DeleteChangeSet"));
        let mut report = asking.deploy(with_sg.clone(), &[], false).await;
        let err = report.result().unwrap_err();
        assert_eq!(err.exit_code(), exit::APPROVAL, "{err}");
        assert!(err.to_string().contains("IAM/security-group changes (Ingress) need approval"), "{err}");
        assert_eq!(proxy.seen("ExecuteChangeSet"), executes);
        assert_eq!(proxy.seen("DeleteChangeSet"), deletes + 1, "the change set is not left behind");
        synth(&dir, false, true);
    }

    // Production: termination protection is on, and destroy refuses.
    let info =
        rt.with_engine(&assembly, "dev-svc", async |e| e.describe(&e.entry.stack_name).await).await.unwrap().unwrap();
    assert!(info.termination_protection);
    let mut report = rt.destroy(assembly.clone(), &[], false).await;
    let err = report.result().unwrap_err().to_string();
    assert!(err.contains("termination protection is on"), "{err}");
    assert_eq!(status(&rt, &assembly).await.as_deref(), Some("CREATE_COMPLETE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_drops_within_and_beyond_the_budget_and_an_interrupted_deploy() {
    let ls = common::localstack();
    let proxy = Proxy::start(&ls.endpoint()).await;
    let dir = common::temp_dir("faults-retry");
    let assembly = synth(&dir, false, false);

    // Within the budget: throttled reads, a dropped request, lost answers to writes.
    proxy.throttle(Some("DescribeStacks"), 3);
    proxy.throttle(Some("GetCallerIdentity"), 2);
    proxy.drop_requests(Some("DescribeChangeSet"), 2);
    proxy.lose_responses(Some("CreateChangeSet"), 1);
    proxy.lose_responses(Some("ExecuteChangeSet"), 1);
    let rt = runtime(&proxy.endpoint());
    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", lines(&rt)));
    assert_eq!(report.stacks[0].action, Action::Created, "{}", lines(&rt));
    {
        let r = proxy.rules.lock().unwrap();
        assert_eq!((r.throttled, r.dropped), (5, 4), "every fault was injected");
    }
    retries_shown(&rt);

    // Beyond the budget: a clear message naming the call, the attempts and the last error.
    proxy.throttle(Some("DescribeStacks"), 1000);
    let mut rt = runtime(&proxy.endpoint());
    rt.cfn.retry = RetryPolicy {
        max_attempts: 4,
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(50),
        budget: Duration::from_secs(10),
    };
    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    let err = report.result().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Stack { ref stack, .. } if stack == "dev-svc"), "{err:?}");
    assert!(text.contains("stack dev-svc: CloudFormation DescribeStacks: gave up after 4 attempts"), "{text}");
    assert!(text.contains("Throttling: Rate exceeded"), "{text}");
    assert_eq!(err.exit_code(), exit::FAILED);
    proxy.rules.lock().unwrap().throttle.clear();

    // Interrupted: a deploy process (the stackwright-deploy binary) is killed with SIGKILL right
    // after its ExecuteChangeSet is answered; the rerun finds the stack still in progress (the
    // proxy says so twice), waits, and converges without executing anything.
    let rt = runtime(&proxy.endpoint());
    let destroyed = rt.destroy(assembly.clone(), &[], false).await.result();
    destroyed.unwrap_or_else(|e| panic!("{e}\n{}", lines(&rt)));
    let executes = proxy.answered("ExecuteChangeSet");
    let home = common::temp_dir("killed-home");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stackwright-deploy"))
        .args(["deploy", "--app-dir", &dir.display().to_string(), "--yes", "--plain"])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ENDPOINT_URL", proxy.endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while proxy.answered("ExecuteChangeSet") == executes {
        assert!(started.elapsed() < Duration::from_secs(60), "the deploy process never executed its change set");
        assert!(child.try_wait().unwrap().is_none(), "the deploy process ended before executing");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    let killed = child.wait().unwrap();
    assert!(!killed.success(), "{killed}");
    proxy.rewrite(
        "DescribeStacks",
        "<StackStatus>CREATE_COMPLETE</StackStatus>",
        "<StackStatus>CREATE_IN_PROGRESS</StackStatus>",
        2,
    );
    let rt = runtime(&proxy.endpoint());
    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", lines(&rt)));
    assert_eq!(status(&rt, &assembly).await.as_deref(), Some("CREATE_COMPLETE"));
    assert_eq!(proxy.answered("ExecuteChangeSet"), executes + 1, "the rerun executed nothing");
}
