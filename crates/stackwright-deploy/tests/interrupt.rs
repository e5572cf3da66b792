//! Interrupts on LocalStack, as a user makes them: Ctrl-C typed at the approval prompt and at
//! the destroy confirmation of the `stackwright-deploy` binary, run in a pseudo-terminal that the
//! test opens itself (`script` from util-linux; CI's stdin is /dev/null). The run exits with 130
//! within the clean-up time and leaves no change set and no empty stack behind. Ctrl-C while a
//! change set executes says that the operation goes on in AWS; a second Ctrl-C exits at once
//! even while the clean-up hangs, and a hanging clean-up gives up after 10 s. And change sets
//! of earlier interrupted runs: removed when older than the stack timeout, kept when fresh.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use stackwright_core::{Account, App, RawResource, Region, Resource};
use stackwright_deploy::error::exit;
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;
use tokio::task::block_in_place;

use common::proxy::Proxy;
use common::terminal::Terminal;

/// One stack with one parameter whose value is `value`.
fn synth(dir: &Path, value: &str) -> Arc<Assembly> {
    let app = App::new("interrupt");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), Region::UsEast1);
    let settings = dev.stack("settings");
    Resource::new(
        &settings,
        "Setting",
        RawResource::new("AWS::SSM::Parameter")
            .with("Name", "/interrupt/setting")
            .with("Type", "String")
            .with("Value", value),
    )
    .unwrap();
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

/// The binary in a dumb pseudo-terminal (no colour): prompts ask, Ctrl-C is SIGINT.
fn terminal(endpoint: &str, args: &[&str]) -> Terminal {
    Terminal::run(endpoint, args, "dumb", &[])
}

impl Terminal {
    fn wait_for_prompt(&mut self, text: &str) {
        self.wait_for(text, Duration::from_secs(60));
    }

    /// Types Ctrl-C; the exit code and how long the exit took.
    fn ctrl_c(&mut self) -> (Option<i32>, Duration) {
        self.press_ctrl_c();
        self.exit()
    }

    /// Waits for the end: the exit code and how long it took.
    fn exit(&mut self) -> (Option<i32>, Duration) {
        self.wait_exit(Duration::from_secs(30), "an interrupt must not hang")
    }
}

fn runtime(endpoint: &str) -> Runtime {
    let mut rt = Runtime::new(common::aws_options(endpoint), ProgressMode::Capture);
    rt.cfn.poll = Duration::from_millis(200);
    rt.cfn.max_poll = Duration::from_secs(1);
    rt.cfn.yes = true;
    rt
}

/// The stack's status (`None`: it does not exist) and the names of its change sets.
async fn state(rt: &Runtime, stack_name: &str) -> (Option<String>, Vec<String>) {
    let cfn = rt.aws.region("us-east-1").await.cloudformation.clone();
    let status = match cfn.describe_stacks().stack_name(stack_name).send().await {
        Ok(out) => out.stacks().first().and_then(|s| s.stack_status()).map(|s| s.as_str().to_string()),
        Err(_) => None,
    }
    .filter(|s| s != "DELETE_COMPLETE");
    let change_sets = match cfn.list_change_sets().stack_name(stack_name).send().await {
        Ok(out) => out.summaries().iter().filter_map(|s| s.change_set_name()).map(str::to_string).collect(),
        Err(_) => Vec::new(),
    };
    (status, change_sets)
}

/// Waits until the stack has `status` (`None`: gone) and no change set, or fails with what is left.
async fn settles_to(rt: &Runtime, stack_name: &str, status: Option<&str>, context: &str) {
    let start = Instant::now();
    loop {
        let now = state(rt, stack_name).await;
        if now.0.as_deref() == status && now.1.is_empty() {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "{context}: left behind: {now:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_at_the_prompts_exits_130_and_leaves_nothing_behind() {
    let ls = common::localstack();
    let endpoint = ls.endpoint();
    let dir = common::temp_dir("interrupt");
    let assembly = synth(&dir, "one");
    let stack_name = assembly.manifest.stacks[0].stack_name.clone();
    let app_dir = dir.display().to_string();
    let rt = runtime(&endpoint);

    // A first create, interrupted at the approval prompt: its change set and the empty
    // REVIEW_IN_PROGRESS stack it made are deleted.
    let mut term = terminal(&endpoint, &["deploy", "--app-dir", &app_dir, "--require-approval", "any", "--plain"]);
    term.wait_for_prompt("Deploy? [y/N]");
    assert_eq!(state(&rt, &stack_name).await.0.as_deref(), Some("REVIEW_IN_PROGRESS"));
    let (code, took) = term.ctrl_c();
    let screen = term.screen();
    assert_eq!(code, Some(exit::INTERRUPTED), "{screen}");
    assert!(took < Duration::from_secs(12), "{took:?}: {screen}");
    assert!(screen.contains("cleaned up:"), "{screen}");
    assert!(screen.contains("the empty stack it made"), "{screen}");
    assert!(!screen.contains("goes on in AWS without us:"), "{screen}");
    settles_to(&rt, &stack_name, None, "first create interrupted").await;

    // The stack deployed; an update interrupted at its prompt: the change set is deleted, the
    // stack is untouched.
    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));
    synth(&dir, "two");
    let mut term = terminal(&endpoint, &["deploy", "--app-dir", &app_dir, "--require-approval", "any", "--plain"]);
    term.wait_for_prompt("Deploy? [y/N]");
    assert_eq!(state(&rt, &stack_name).await.1.len(), 1, "the update's change set is there");
    let (code, _) = term.ctrl_c();
    assert_eq!(code, Some(exit::INTERRUPTED), "{}", term.screen());
    assert!(term.screen().contains("deleted change set"), "{}", term.screen());
    settles_to(&rt, &stack_name, Some("CREATE_COMPLETE"), "update interrupted").await;

    // Ctrl-C at the destroy confirmation: nothing destroyed, exit 130 at once.
    let mut term = terminal(&endpoint, &["destroy", "--app-dir", &app_dir, "--plain"]);
    term.wait_for_prompt("Continue? [y/N]");
    let (code, took) = term.ctrl_c();
    assert_eq!(code, Some(exit::INTERRUPTED), "{}", term.screen());
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(term.screen().contains("nothing goes on in AWS without us"), "{}", term.screen());
    settles_to(&rt, &stack_name, Some("CREATE_COMPLETE"), "destroy interrupted").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orphan_change_sets_older_than_the_timeout_are_removed_and_fresh_ones_kept() {
    let ls = common::localstack();
    let dir = common::temp_dir("orphans");
    let assembly = synth(&dir, "one");
    let stack_name = assembly.manifest.stacks[0].stack_name.clone();
    let mut rt = runtime(&ls.endpoint());
    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));

    // Change sets as interrupted runs leave them: one old, one fresh (a concurrent run's), and
    // one that is not ours.
    let cfn = rt.aws.region("us-east-1").await.cloudformation.clone();
    let template = std::fs::read_to_string(dir.join(&assembly.manifest.stacks[0].template)).unwrap();
    let changed = template.replace("\"one\"", "\"changed\"");
    let create = |name: String| {
        let (cfn, changed, stack_name) = (cfn.clone(), changed.clone(), stack_name.clone());
        async move {
            cfn.create_change_set()
                .stack_name(stack_name)
                .change_set_name(name)
                .template_body(changed)
                .send()
                .await
                .unwrap();
        }
    };
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let old = format!("stackwright-{}-0001", now());
    create(old.clone()).await;
    create("someone-elses".to_string()).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let fresh = format!("stackwright-{}-0002", now());
    create(fresh.clone()).await;

    rt.cfn.stack_timeout = Duration::from_secs(3);
    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));
    let lines = rt.progress.lines().join("\n");
    assert!(lines.contains(&format!("removed change set {old}, left by an interrupted run")), "{lines}");
    let mut left = state(&rt, &stack_name).await.1;
    left.sort();
    assert_eq!(left, ["someone-elses".to_string(), fresh], "{lines}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_execution_goes_on_in_aws_and_a_hanging_clean_up_is_bounded() {
    let ls = common::localstack();
    let proxy = Proxy::start(&ls.endpoint()).await;
    let endpoint = proxy.endpoint();
    let dir = common::temp_dir("interrupt-executing");
    synth(&dir, "one");
    let app_dir = dir.display().to_string();

    // Ctrl-C while the stack is being created (the proxy keeps it CREATE_IN_PROGRESS).
    proxy.rewrite(
        "DescribeStacks",
        "<StackStatus>CREATE_COMPLETE</StackStatus>",
        "<StackStatus>CREATE_IN_PROGRESS</StackStatus>",
        10_000,
    );
    let mut term = terminal(&endpoint, &["deploy", "--app-dir", &app_dir, "--yes", "--plain"]);
    let start = Instant::now();
    while proxy.answered("ExecuteChangeSet") == 0 {
        assert!(start.elapsed() < Duration::from_secs(60), "never executed:\n{}", term.screen());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (code, _) = block_in_place(|| term.ctrl_c());
    let screen = term.screen();
    assert_eq!(code, Some(exit::INTERRUPTED), "{screen}");
    assert!(screen.contains("goes on in AWS without us:"), "{screen}");
    assert!(screen.contains("is executing; CloudFormation finishes (or rolls back) on its own"), "{screen}");
    assert!(screen.contains("hint: run the same command again"), "{screen}");
    proxy.rules.lock().unwrap().rewrite.clear();

    // An update at its prompt; the clean-up's DeleteChangeSet hangs: a second Ctrl-C exits at
    // once and lists what is left behind.
    synth(&dir, "two");
    proxy.stall(Some("DeleteChangeSet"), 2);
    let args = ["deploy", "--app-dir", &app_dir, "--require-approval", "any", "--plain"];
    let mut term = terminal(&endpoint, &args);
    block_in_place(|| term.wait_for_prompt("Deploy? [y/N]"));
    block_in_place(|| {
        term.press_ctrl_c();
        term.wait_for_prompt("again to exit at once");
    });
    let (code, took) = block_in_place(|| term.ctrl_c());
    let screen = term.screen();
    assert_eq!(code, Some(exit::INTERRUPTED), "{screen}");
    assert!(took < Duration::from_secs(3), "{took:?}: {screen}");
    assert!(screen.contains("SIGINT again: exiting at once"), "{screen}");
    assert!(screen.contains("aws cloudformation delete-change-set --stack-name"), "{screen}");

    // The same with one Ctrl-C: the clean-up gives up after 10 s and says what is left.
    let mut term = terminal(&endpoint, &args);
    block_in_place(|| term.wait_for_prompt("Deploy? [y/N]"));
    let (code, took) = block_in_place(|| term.ctrl_c());
    let screen = term.screen();
    assert_eq!(code, Some(exit::INTERRUPTED), "{screen}");
    assert!(took >= Duration::from_secs(9) && took < Duration::from_secs(13), "{took:?}: {screen}");
    assert!(screen.contains("left behind:") && screen.contains("(no time left)"), "{screen}");

    // SIGTERM (a cancelled CI job; no terminal) during an update: the same as Ctrl-C.
    proxy.rewrite(
        "DescribeStacks",
        "<StackStatus>UPDATE_COMPLETE</StackStatus>",
        "<StackStatus>UPDATE_IN_PROGRESS</StackStatus>",
        10_000,
    );
    let executed = proxy.answered("ExecuteChangeSet");
    let home = common::temp_dir("interrupt-home");
    let child = Command::new(env!("CARGO_BIN_EXE_stackwright-deploy"))
        .args(["deploy", "--app-dir", &app_dir, "--yes", "--plain"])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while proxy.answered("ExecuteChangeSet") == executed {
        assert!(start.elapsed() < Duration::from_secs(60), "the update never executed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let out = block_in_place(|| child.wait_with_output().unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit::INTERRUPTED), "{stderr}");
    assert!(stderr.contains("SIGTERM: stopped") && stderr.contains("goes on in AWS without us:"), "{stderr}");
}
