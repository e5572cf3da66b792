//! Moves (`Node::moved_from`): a moved construct's resources keep their logical ids, the
//! template stays byte-identical, the manifest records the move, and wrong declarations are
//! synth errors naming the construct.

use stackwright_core::{Account, App, Assembly, Construct, Error, Node, RawResource, Region, Resource};

/// A program with a topic and a parameter; `moved` puts them under `Alerting` (a new parent)
/// and renames the parameter, declaring where they were.
fn program(moved: bool) -> App {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    let stack = prod.stack("ops");
    let parent: Node = if moved { stack.node().add_child("Alerting").unwrap() } else { stack.node().clone() };
    let topic = Resource::new(&parent, "Topic", RawResource::new("AWS::SNS::Topic").with("TopicName", "t")).unwrap();
    let name = if moved { "Threshold" } else { "Setting" };
    let setting = Resource::new(
        &parent,
        name,
        RawResource::new("AWS::SSM::Parameter").with("Type", "String").with("Value", topic.reference()),
    )
    .unwrap();
    if moved {
        topic.node().moved_from("prod/ops/Topic");
        setting.node().moved_from("prod/ops/Setting");
    }
    app
}

fn template(assembly: &Assembly, id: &str) -> String {
    String::from_utf8(assembly.files[&format!("{id}.template.json")].clone()).unwrap()
}

fn problems(app: &App) -> String {
    match app.synth() {
        Err(Error::Invalid(d)) => d.to_string(),
        other => panic!("expected synth problems, got {:?}", other.map(|a| a.manifest)),
    }
}

#[test]
fn a_move_inside_a_stack_keeps_the_template_byte_identical_and_is_recorded() {
    let before = program(false).synth().unwrap();
    let after = program(true).synth().unwrap();
    assert_eq!(template(&before, "prod-ops"), template(&after, "prod-ops"));
    let entry = &after.manifest.stacks[0];
    // Progress and diffs name the construct where it is now.
    assert_eq!(entry.resources["Setting"].path, "prod/ops/Alerting/Threshold");
    let moves: Vec<(&str, &str, &str, Vec<&str>)> = entry
        .moves
        .iter()
        .map(|m| {
            (m.from.as_str(), m.to.as_str(), m.from_stack.as_str(), m.logical_ids.iter().map(String::as_str).collect())
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("prod/ops/Topic", "prod/ops/Alerting/Topic", "prod-ops", vec!["Topic"]),
            ("prod/ops/Setting", "prod/ops/Alerting/Threshold", "prod-ops", vec!["Setting"]),
        ]
    );
    assert!(!entry.moves[0].across_stacks("prod-ops"));
    // Without the declarations the same tree gets new ids (a replacement on deploy).
    assert!(before.manifest.stacks[0].moves.is_empty());
}

#[test]
fn a_moved_construct_gives_its_old_prefix_to_the_resources_below_it() {
    let app = App::new("demo");
    let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("data");
    // Was prod/data/Old/Store (a construct with a bucket and a nested "Resource").
    let store = stack.node().add_child("Storage").unwrap().add_child("Store").unwrap();
    store.moved_from("prod/data/Old/Store");
    Resource::new(&store, "Resource", RawResource::new("AWS::S3::Bucket")).unwrap();
    Resource::new(&store, "Logs", RawResource::new("AWS::S3::Bucket")).unwrap();
    // An inner construct that came from elsewhere declares its own move.
    let policy = Resource::new(&store, "Policy", RawResource::new("AWS::SNS::Topic")).unwrap();
    policy.node().moved_from("prod/data/Audit");
    let assembly = app.synth().unwrap();
    let entry = &assembly.manifest.stacks[0];
    let ids: Vec<&str> = entry.resources.keys().map(String::as_str).collect();
    assert_eq!(ids, ["OldStore", "OldStoreLogs", "Audit"]);
    assert_eq!(entry.moves[0].logical_ids, ["OldStore", "OldStoreLogs"], "the nested move has its own entry");
    assert_eq!(entry.moves[1].logical_ids, ["Audit"]);
    let t: serde_json::Value = serde_json::from_str(&template(&assembly, "prod-data")).unwrap();
    assert_eq!(t["Resources"]["OldStoreLogs"]["Metadata"]["stackwright:path"], "prod/data/Old/Store/Logs");
    assert_eq!(entry.resources["OldStoreLogs"].path, "prod/data/Storage/Store/Logs");
}

#[test]
fn a_move_across_stacks_keeps_the_logical_ids_in_the_new_stack() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    let old = prod.stack("network");
    Resource::new(&old, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16")).unwrap();
    let new = prod.stack("dns");
    let zone =
        Resource::new(&new, "Zone", RawResource::new("AWS::Route53::HostedZone").with("Name", "x.internal")).unwrap();
    zone.node().moved_from("prod/network/PrivateZone");
    let assembly = app.synth().unwrap();
    let dns = assembly.manifest.stack("prod-dns").unwrap();
    assert!(dns.resources.contains_key("PrivateZone"), "{:?}", dns.resources);
    assert_eq!(dns.moves[0].from_stack, "prod-network");
    assert!(dns.moves[0].across_stacks("prod-dns"));
}

#[test]
fn wrong_moves_are_synth_errors_with_the_path_and_a_fix() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1).stack("ops");
    let stack = prod.stack("ops");
    let live = Resource::new(&stack, "Live", RawResource::new("AWS::SNS::Topic")).unwrap();
    let a = Resource::new(&stack, "A", RawResource::new("AWS::SNS::Topic")).unwrap();
    a.node().moved_from("prod/ops/Live");
    let b = Resource::new(&stack, "B", RawResource::new("AWS::SNS::Topic")).unwrap();
    b.node().moved_from("prod/ops/Gone");
    let c = Resource::new(&stack, "C", RawResource::new("AWS::SNS::Topic")).unwrap();
    c.node().moved_from("prod/ops/Gone");
    let d = Resource::new(&stack, "D", RawResource::new("AWS::SNS::Topic")).unwrap();
    d.node().moved_from("dev/ops/D");
    let e = Resource::new(&stack, "E", RawResource::new("AWS::SNS::Topic")).unwrap();
    e.node().moved_from("prod/nowhere/E");
    let f = Resource::new(&stack, "F", RawResource::new("AWS::SNS::Topic")).unwrap();
    f.node().moved_from("prod/F");
    let g = Resource::new(&stack, "G", RawResource::new("AWS::SNS::Topic")).unwrap();
    g.node().moved_from("prod/ops/G1");
    g.node().moved_from("prod/ops/G2");
    stack.node().moved_from("prod/old");
    let _ = live;
    let text = problems(&app);
    for expected in [
        "prod/ops/A: the old path 'prod/ops/Live' is still the path of a construct",
        "prod/ops/C: 'prod/ops/B' is also declared moved from 'prod/ops/Gone'",
        "prod/ops/D: the old path 'dev/ops/D' is in environment 'dev', the construct in 'prod'",
        "prod/ops/E: the old path 'prod/nowhere/E' is in stack 'nowhere', which the program does not have",
        "prod/ops/F: the old path 'prod/F' is not <environment>/<stack>/<construct>[/…]",
        "prod/ops/G: the construct is declared moved from 'prod/ops/G1' and from 'prod/ops/G2'",
        "prod/ops: moved_from is declared on an app, environment or stack",
    ] {
        assert!(text.contains(expected), "missing '{expected}' in:\n{text}");
    }
    assert!(text.contains("hint:"), "{text}");
}

#[test]
fn a_move_onto_an_id_another_resource_has_is_a_collision() {
    let app = App::new("demo");
    let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("ops");
    Resource::new(&stack, "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    let inner = stack.node().add_child("Inner").unwrap();
    let t = Resource::new(&inner, "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    t.node().moved_from("prod/ops/Old/Topic");
    t.node().set_logical_id("Topic").unwrap();
    let text = problems(&app);
    assert!(text.contains("logical id 'Topic' collides"), "{text}");
}

#[test]
fn a_move_across_stacks_of_a_type_refactoring_does_not_support_is_refused() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    Resource::new(&prod.stack("network"), "Vpc", RawResource::new("AWS::EC2::VPC")).unwrap();
    let edge = prod.stack("edge");
    let ip = Resource::new(&edge, "Ip", RawResource::new("AWS::EC2::EIP")).unwrap();
    ip.node().moved_from("prod/network/Ip");
    // Inside one stack nothing is refactored: the same type may move there.
    let lb = Resource::new(&prod.stack("network"), "NatIp", RawResource::new("AWS::EC2::EIP")).unwrap();
    lb.node().moved_from("prod/network/OldNatIp");
    let text = problems(&app);
    assert!(
        text.contains("prod/edge/Ip: AWS::EC2::EIP cannot move to another stack: CloudFormation stack refactoring does not support"),
        "{text}"
    );
    assert!(!text.contains("NatIp"), "{text}");
}
