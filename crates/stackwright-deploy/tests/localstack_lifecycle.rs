//! CloudFormation lifecycles on LocalStack, through the real SDK clients: create → update
//! through a change set (with a replacement) → no-op redeploy that executes nothing →
//! destroy leaves nothing behind; a dependent stack gets the producer's outputs.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use stackwright_core::{Account, App, DeletionPolicy, RawResource, Region, Resource};
use stackwright_deploy::cfn::Action;
use stackwright_deploy::error::exit;
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use common::proxy::Proxy;

/// The test program, in two versions.
fn synth(version: u32, dir: &Path) -> Arc<Assembly> {
    let app = App::new("lifecycle");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), Region::UsEast1);
    let network = dev.stack("network");
    let vpc =
        Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.42.0.0/16")).unwrap();
    let topic = if version == 1 { "lifecycle-alerts" } else { "lifecycle-alerts-v2" };
    Resource::new(&network, "Alerts", RawResource::new("AWS::SNS::Topic").with("TopicName", topic)).unwrap();
    let value = if version == 1 { "one" } else { "two" };
    Resource::new(
        &network,
        "Setting",
        RawResource::new("AWS::SSM::Parameter")
            .with("Name", "/lifecycle/setting")
            .with("Type", "String")
            .with("Value", value),
    )
    .unwrap();
    // Kept when the stack goes: destroy reports it.
    let kept = Resource::new(
        &network,
        "Kept",
        RawResource::new("AWS::SSM::Parameter")
            .with("Name", "/lifecycle/kept")
            .with("Type", "String")
            .with("Value", "k"),
    )
    .unwrap();
    kept.set_deletion_policy(DeletionPolicy::Retain);
    let web = dev.stack("web");
    Resource::new(
        &web,
        "WebSg",
        RawResource::new("AWS::EC2::SecurityGroup").with("GroupDescription", "web").with("VpcId", vpc.reference()),
    )
    .unwrap();
    Resource::new(
        &web,
        "VpcIdCopy",
        RawResource::new("AWS::SSM::Parameter")
            .with("Name", "/lifecycle/vpc")
            .with("Type", "String")
            .with("Value", vpc.reference()),
    )
    .unwrap();
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

fn runtime(endpoint: &str) -> Runtime {
    let mut rt = Runtime::new(common::aws_options(endpoint), ProgressMode::Plain);
    rt.cfn.poll = Duration::from_millis(300);
    rt.cfn.max_poll = Duration::from_secs(1);
    rt.cfn.stack_timeout = Duration::from_secs(120);
    rt.cfn.yes = true;
    rt.concurrency = 2;
    rt
}

/// The command line, as a program's `deploy` feature runs it (on its own thread: it starts its
/// own async runtime).
fn cli(endpoint: &str, args: &[&str]) -> i32 {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let options = common::aws_options(endpoint);
    std::thread::spawn(move || stackwright_deploy::cli::main(None, args, options)).join().unwrap()
}

/// An unsigned Query call to LocalStack in us-east-1.
fn query(port: u16, service: &str, body: &str) -> String {
    common::query_call(port, "us-east-1", service, body)
}

/// An unsigned SSM (JSON protocol) call.
fn ssm(port: u16, action: &str, body: &str) -> String {
    common::json_call(port, "us-east-1", "ssm", &format!("AmazonSSM.{action}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_update_replace_noop_destroy() {
    let started = Instant::now();
    let ls = common::localstack();
    eprintln!("LocalStack healthy after {:?}", started.elapsed());
    let proxy = Proxy::start(&ls.endpoint()).await;
    let rt = runtime(&proxy.endpoint());
    let dir = common::temp_dir("lifecycle");

    // 1. Create both stacks; the web stack gets the network's VPC id as a parameter.
    let v1 = synth(1, &dir);
    let mut report = rt.deploy(v1.clone(), &[], false).await;
    report.result().unwrap();
    let actions: Vec<(String, Action)> = report.stacks.iter().map(|d| (d.stack.clone(), d.action)).collect();
    assert_eq!(actions, [("dev-network".to_string(), Action::Created), ("dev-web".to_string(), Action::Created)]);
    let network_outputs = &report.stacks[0].outputs;
    let vpc_id = network_outputs.values().find(|v| v.starts_with("vpc-")).expect("the VPC id is an output").clone();
    let web = rt.with_engine(&v1, "dev-web", async |e| e.describe(&e.entry.stack_name).await).await.unwrap().unwrap();
    assert_eq!(web.parameters.values().collect::<Vec<_>>(), [&vpc_id], "consumer parameter = producer output");
    let vpcs = query(ls.port, "ec2", "Action=DescribeVpcs&Version=2016-11-15");
    assert!(vpcs.contains(&vpc_id) && vpcs.contains("10.42.0.0/16"), "{vpcs}");
    let executes = proxy.seen("ExecuteChangeSet");
    assert_eq!(executes, 2);

    // The command line on an assembly synthesized earlier: diff --fail says "differences"
    // with exit code 4; the JSON report names the replacement.
    let dir2 = common::temp_dir("lifecycle-v2");
    let v2_elsewhere = synth(2, &dir2);
    let dir2_arg = dir2.display().to_string();
    assert_eq!(cli(&proxy.endpoint(), &["diff", "--app-dir", &dir2_arg, "--fail", "--json"]), exit::DIFFERENCES);
    let diff = serde_json::to_value(rt.diff(v2_elsewhere, &[]).await).unwrap();
    let network = &diff["stacks"][0];
    assert_eq!(network["status"], "changed", "{diff:#}");
    let alerts = network["changes"].as_array().unwrap().iter().find(|c| c["logical_id"] == "Alerts").unwrap();
    assert_eq!((alerts["action"].as_str(), alerts["replacement"].as_str()), (Some("Modify"), Some("True")), "{diff:#}");
    assert_eq!(diff["stacks"][1]["status"], "unchanged", "{diff:#}");
    // the picture of the change for the PR comment (docs/diagram.md)
    assert!(diff["diagram"].as_str().is_some_and(|d| d.contains("flowchart TB")), "{diff:#}");
    assert_eq!(proxy.seen("ExecuteChangeSet"), executes, "diff executes nothing");

    // 2. Update through a change set: a replacement (topic name) and an in-place change.
    let v2 = synth(2, &dir);
    let mut report = rt.deploy(v2.clone(), &[], false).await;
    report.result().unwrap();
    let network = &report.stacks[0];
    assert_eq!(network.action, Action::Updated);
    let alerts = network.changes.iter().find(|c| c.logical_id == "Alerts").expect("Alerts changes");
    assert_eq!((alerts.action.as_str(), alerts.replacement.as_deref()), ("Modify", Some("True")), "{alerts:?}");
    assert_eq!(alerts.path.as_deref(), Some("dev/network/Alerts"));
    let setting = network.changes.iter().find(|c| c.logical_id == "Setting").expect("Setting changes");
    assert_eq!(setting.replacement.as_deref(), Some("False"), "{setting:?}");
    assert_eq!(report.stacks[1].action, Action::Unchanged, "same VPC id: nothing to do for web");
    assert_eq!(proxy.seen("ExecuteChangeSet"), executes + 1, "only the network change set was executed");
    let topics = query(ls.port, "sns", "Action=ListTopics&Version=2010-03-31");
    assert!(topics.contains("lifecycle-alerts-v2") && !topics.contains("lifecycle-alerts<"), "{topics}");

    // 3. A no-op redeploy creates and executes nothing.
    let (creates, executes) = (proxy.seen("CreateChangeSet"), proxy.seen("ExecuteChangeSet"));
    let mut report = rt.deploy(v2.clone(), &[], false).await;
    report.result().unwrap();
    assert!(report.stacks.iter().all(|d| d.action == Action::Unchanged), "{:?}", report.stacks);
    assert_eq!((proxy.seen("CreateChangeSet"), proxy.seen("ExecuteChangeSet")), (creates, executes));

    // The command line: no differences now (exit 0); destroy without --yes and without a
    // terminal to ask refuses with exit code 3 and deletes nothing.
    let dir_arg = dir.display().to_string();
    assert_eq!(cli(&proxy.endpoint(), &["diff", "--app-dir", &dir_arg, "--fail"]), exit::OK);
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        assert_eq!(cli(&proxy.endpoint(), &["destroy", "--app-dir", &dir_arg]), exit::APPROVAL);
        assert_eq!(proxy.seen("DeleteStack"), 0);
    }

    // 4. Destroy: reverse order, nothing left behind.
    let mut report = rt.destroy(v2.clone(), &[], false).await;
    report.result().unwrap();
    let order: Vec<&str> = report.stacks.iter().map(|d| d.stack.as_str()).collect();
    assert_eq!(order.len(), 2);
    for stack in ["dev-network", "dev-web"] {
        let gone = rt.with_engine(&v2, stack, async |e| e.describe(&e.entry.stack_name).await).await.unwrap();
        assert!(gone.is_none(), "{stack} still exists: {gone:?}");
    }
    let vpcs = query(ls.port, "ec2", "Action=DescribeVpcs&Version=2016-11-15");
    assert!(!vpcs.contains(&vpc_id), "the VPC is gone: {vpcs}");
    let topics = query(ls.port, "sns", "Action=ListTopics&Version=2010-03-31");
    assert!(!topics.contains("lifecycle-alerts"), "{topics}");
    let network = report.stacks.iter().find(|d| d.stack == "dev-network").unwrap();
    assert_eq!(network.retained.len(), 1, "{network:?}");
    assert!(
        network.retained[0].starts_with("dev/network/Kept (Kept, AWS::SSM::Parameter): DeletionPolicy Retain"),
        "{network:?}"
    );
    // (LocalStack 4.13.1 deletes it all the same: it ignores DeletionPolicy on stack deletes;
    // AWS keeps it and reports DELETE_SKIPPED, which the runtime also reports.)
    let setting = ssm(ls.port, "GetParameter", r#"{"Name": "/lifecycle/setting"}"#);
    assert!(setting.contains("ParameterNotFound"), "deleted: {setting}");
    eprintln!("lifecycle test took {:?}", started.elapsed());
}
