//! Moving a construct inside a stack without replacing it, end to end on LocalStack through
//! the real SDK clients: deploy, move the construct under a new parent with
//! `Node::moved_from`, redeploy — nothing is sent (the template is byte-identical), the
//! physical ids are the same, and `diff` shows the move; without the declaration the same
//! move would be a removal and an addition.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use stackwright_core::{Account, App, Construct, Node, RawResource, Region, Resource};
use stackwright_deploy::cfn::Action;
use stackwright_deploy::error::exit;
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use common::proxy::Proxy;

/// Version 1: a topic and a parameter at the top of the stack. Version 2: both under
/// `Alerting`, the parameter renamed; `declare` says where they were.
fn synth(moved: bool, declare: bool, dir: &Path) -> Arc<Assembly> {
    let app = App::new("moves");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), Region::UsEast1);
    let ops = dev.stack("ops");
    let parent: Node = if moved { ops.node().add_child("Alerting").unwrap() } else { ops.node().clone() };
    // No names: the physical ids are generated, so the same id after the move proves that
    // nothing was replaced.
    let topic = Resource::new(&parent, "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    let setting = Resource::new(
        &parent,
        if moved { "TopicArn" } else { "Setting" },
        RawResource::new("AWS::SSM::Parameter").with("Type", "String").with("Value", topic.reference()),
    )
    .unwrap();
    if declare {
        topic.node().moved_from("dev/ops/Topic");
        setting.node().moved_from("dev/ops/Setting");
    }
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

fn runtime(endpoint: &str) -> Runtime {
    let mut rt = Runtime::new(common::aws_options(endpoint), ProgressMode::Plain);
    rt.cfn.poll = Duration::from_millis(300);
    rt.cfn.max_poll = Duration::from_secs(1);
    rt.cfn.stack_timeout = Duration::from_secs(120);
    rt.cfn.yes = true;
    rt
}

/// Logical id → physical id of the deployed stack, from an unsigned Query call (LocalStack
/// routes by the credential scope and checks no signature).
fn physical_ids(port: u16, stack: &str) -> BTreeMap<String, String> {
    use std::io::{Read, Write};
    let body = format!("Action=DescribeStackResources&Version=2010-05-15&StackName={stack}");
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=00\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let field = |member: &str, name: &str| {
        let open = format!("<{name}>");
        member.split_once(&open).and_then(|(_, r)| r.split_once(&format!("</{name}>"))).map(|(v, _)| v.to_string())
    };
    out.split("<member>")
        .skip(1)
        .filter_map(|m| Some((field(m, "LogicalResourceId")?, field(m, "PhysicalResourceId")?)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_move_inside_a_stack_replaces_nothing_and_diff_shows_it() {
    let ls = common::localstack();
    let proxy = Proxy::start(&ls.endpoint()).await;
    let rt = runtime(&proxy.endpoint());

    let v1 = synth(false, false, &common::temp_dir("moves-v1"));
    let mut report = rt.deploy(v1.clone(), &[], false).await;
    report.result().unwrap();
    assert_eq!(report.stacks[0].action, Action::Created);
    let before = physical_ids(ls.port, "moves-dev-ops");
    assert_eq!(before.keys().collect::<Vec<_>>(), ["Setting", "Topic"], "{before:?}");

    // Without the declaration the move is a removal and an addition (a new topic).
    let undeclared = synth(true, false, &common::temp_dir("moves-undeclared"));
    let diff = rt.diff(undeclared, &[]).await;
    let changes: Vec<(&str, &str)> =
        diff.stacks[0].changes.iter().map(|c| (c.action.as_str(), c.logical_id.as_str())).collect();
    for expected in [("Add", "AlertingTopic"), ("Remove", "Topic")] {
        assert!(changes.contains(&expected), "{changes:?}");
    }

    // With it, diff shows the moves and no change; `diff --fail` finds no difference.
    let dir = common::temp_dir("moves-v2");
    let v2 = synth(true, true, &dir);
    let mut diff = rt.diff(v2.clone(), &[]).await;
    diff.result().unwrap();
    let text = diff.render();
    assert_eq!(diff.stacks[0].status, "unchanged", "{text}");
    for line in [
        "> moved: dev/ops/Topic → dev/ops/Alerting/Topic (Topic: same logical id, not replaced)",
        "> moved: dev/ops/Setting → dev/ops/Alerting/TopicArn (Setting: same logical id, not replaced)",
    ] {
        assert!(text.contains(line), "missing '{line}' in:\n{text}");
    }
    assert!(!diff.has_changes(), "{text}");
    let json = serde_json::to_value(&diff).unwrap();
    assert_eq!(json["stacks"][0]["moves"][0]["to"], "dev/ops/Alerting/Topic", "{json:#}");
    let options = common::aws_options(&proxy.endpoint());
    let args = vec!["diff".to_string(), "--app-dir".into(), dir.display().to_string(), "--fail".into()];
    let code = std::thread::spawn(move || stackwright_deploy::cli::main(None, args, options)).join().unwrap();
    assert_eq!(code, exit::OK, "a move inside a stack is no difference to deploy");

    // Redeploy: nothing is sent, the resources are the same ones.
    let creates = proxy.seen("CreateChangeSet");
    let mut report = rt.deploy(v2.clone(), &[], false).await;
    report.result().unwrap();
    assert_eq!(report.stacks[0].action, Action::Unchanged, "{:?}", report.stacks);
    assert_eq!(proxy.seen("CreateChangeSet"), creates);
    assert_eq!(physical_ids(ls.port, "moves-dev-ops"), before, "same physical ids after the move");

    let mut report = rt.destroy(v2, &[], false).await;
    report.result().unwrap();
}

/// Version 1: `network` holds a topic and `Copy` (a parameter holding the topic's ARN), `dns`
/// a placeholder. Version 2: `Copy` moved to `dns` (the topic stays, so `dns` reads its ARN
/// through a cross-stack parameter).
fn synth_across(moved: bool, dir: &Path) -> Arc<Assembly> {
    let app = App::new("xmoves");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), Region::UsEast1);
    let network = dev.stack("network");
    let dns = dev.stack("dns");
    let topic = Resource::new(&network, "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    Resource::new(&dns, "Placeholder", RawResource::new("AWS::SNS::Topic")).unwrap();
    let copy = Resource::new(
        if moved { &dns } else { &network },
        "Copy",
        RawResource::new("AWS::SSM::Parameter").with("Type", "String").with("Value", topic.reference()),
    )
    .unwrap();
    if moved {
        copy.node().moved_from("dev/network/Copy");
    }
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

/// LocalStack has no stack refactoring, but the preparation before it is ordinary change sets:
/// they run for real here (an output added to one stack, a parameter to the other, no resource
/// replaced), then the refactor stops with a clear message; a second deploy does not prepare
/// again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_across_stacks_is_prepared_for_real_then_stops_at_the_refactor_the_emulator_lacks() {
    let ls = common::localstack();
    let proxy = Proxy::start(&ls.endpoint()).await;
    let rt = runtime(&proxy.endpoint());
    let v1 = synth_across(false, &common::temp_dir("xmoves-v1"));
    rt.deploy(v1, &[], false).await.result().unwrap();
    let before = physical_ids(ls.port, "xmoves-dev-network");

    let v2 = synth_across(true, &common::temp_dir("xmoves-v2"));
    let binding = v2.stack("dev-dns").unwrap().parameters[0].clone();
    let mut report = rt.deploy(v2.clone(), &[], false).await;
    let err = report.result().unwrap_err().to_string();
    assert!(err.contains("CreateStackRefactor"), "{err}");
    assert!(err.contains("does not implement stack refactoring"), "{err}");
    assert_eq!(physical_ids(ls.port, "xmoves-dev-network"), before, "nothing replaced, nothing moved");
    let outputs = rt.deployed_outputs(&v2, &["dev-network".into()]).await.unwrap();
    let arn = &outputs["dev-network"][&binding.output];
    assert!(arn.starts_with("arn:aws:sns:"), "the prepared output carries the topic's ARN: {outputs:?}");
    let creates = proxy.seen("CreateChangeSet");
    assert_eq!(creates, 2 + 2, "two creates, then the two preparations");

    // Again: prepared already, straight to the refactor.
    let mut report = rt.deploy(v2.clone(), &[], false).await;
    assert!(report.result().is_err());
    assert_eq!(proxy.seen("CreateChangeSet"), creates, "no second preparation");

    let v1 = synth_across(false, &common::temp_dir("xmoves-v1-again"));
    rt.destroy(v1, &[], false).await.result().unwrap();
}
