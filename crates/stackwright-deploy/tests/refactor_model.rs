//! Moving a construct to another stack: the runtime plans a stack refactor from the deployed
//! templates and runs it through the real `aws-sdk-cloudformation` client, against the local
//! endpoint that checks every request against the service model (no emulator implements
//! stack refactoring) and answers with the API reference's examples.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::aws_model::AwsModel;
use common::cfn_examples as ex;
use stackwright_core::{Account, App, Construct, RawResource, Region, Resource};
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

/// The program after the move: the zone now lives in `dns`, declared moved from `network`.
fn synth(dir: &Path) -> Arc<Assembly> {
    let app = App::new("mv");
    let prod = app.environment("prod", Account::new("012345678910").unwrap(), Region::UsEast1);
    Resource::new(&prod.stack("network"), "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16"))
        .unwrap();
    let dns = prod.stack("dns");
    let zone =
        Resource::new(&dns, "Zone", RawResource::new("AWS::Route53::HostedZone").with("Name", "internal.example"))
            .unwrap();
    zone.node().moved_from("prod/network/Zone");
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

fn runtime(endpoint: &str) -> Runtime {
    let mut rt = Runtime::new(common::aws_options(endpoint), ProgressMode::Plain);
    rt.cfn.poll = Duration::from_millis(10);
    rt.cfn.max_poll = Duration::from_millis(20);
    rt
}

/// The network stack as deployed before the move: the VPC, the zone, an output naming it.
const DEPLOYED_NETWORK: &str = r#"{"Resources": {
  "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
  "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "internal.example"}}},
 "Outputs": {"ZoneId": {"Value": {"Ref": "Zone"}}}}"#;

const DEPLOYED_DNS: &str = r#"{"Resources": {"Placeholder": {"Type": "AWS::SNS::Topic", "Properties": {}}}}"#;

#[tokio::test]
async fn a_move_across_stacks_is_a_stack_refactor_with_the_moved_resource_mapped() {
    let model = AwsModel::start()
        .answer_when("DescribeStacks", "StackName", "mv-prod-network", ex::describe_stacks("mv-prod-network"))
        .answer_when("DescribeStacks", "StackName", "mv-prod-dns", ex::describe_stacks("mv-prod-dns"))
        .answer_when("GetTemplate", "StackName", &ex::stack_id("mv-prod-network"), ex::get_template(DEPLOYED_NETWORK))
        .answer_when("GetTemplate", "StackName", &ex::stack_id("mv-prod-dns"), ex::get_template(DEPLOYED_DNS))
        .answer("CreateStackRefactor", ex::create_stack_refactor())
        .answer(
            "DescribeStackRefactor",
            ex::describe_stack_refactor(&["mv-prod-network", "mv-prod-dns"], "CREATE_IN_PROGRESS", "UNAVAILABLE"),
        )
        .answer(
            "DescribeStackRefactor",
            ex::describe_stack_refactor(&["mv-prod-network", "mv-prod-dns"], "CREATE_COMPLETE", "AVAILABLE"),
        )
        .answer(
            "DescribeStackRefactor",
            ex::describe_stack_refactor(&["mv-prod-network", "mv-prod-dns"], "CREATE_COMPLETE", "EXECUTE_IN_PROGRESS"),
        )
        .answer(
            "DescribeStackRefactor",
            ex::describe_stack_refactor(&["mv-prod-network", "mv-prod-dns"], "CREATE_COMPLETE", "EXECUTE_COMPLETE"),
        )
        .answer("ExecuteStackRefactor", ex::execute_stack_refactor());
    let assembly = synth(&common::temp_dir("refactor"));
    let rt = runtime(&model.endpoint());
    let lines = rt.refactor_moves(&assembly, &["prod-network".into(), "prod-dns".into()]).await.unwrap();

    model.assert_clean();
    assert_eq!(
        lines,
        ["prod-dns: moved Zone from mv-prod-network by stack refactoring (9c384f70-4e07-4ed7-a65d-fee5eb430841)"]
    );
    let create = model.requests().into_iter().find(|r| r.action == "CreateStackRefactor").unwrap();
    assert_eq!(create.param("ResourceMappings.member.1.Source.StackName"), Some("mv-prod-network"));
    assert_eq!(create.param("ResourceMappings.member.1.Source.LogicalResourceId"), Some("Zone"));
    assert_eq!(create.param("ResourceMappings.member.1.Destination.StackName"), Some("mv-prod-dns"));
    assert_eq!(create.param("ResourceMappings.member.1.Destination.LogicalResourceId"), Some("Zone"));
    assert_eq!(create.param("EnableStackCreation"), Some("false"));
    let template = |i: usize| -> serde_json::Value {
        serde_json::from_str(create.param(&format!("StackDefinitions.member.{i}.TemplateBody")).unwrap()).unwrap()
    };
    let (network, dns) = (template(1), template(2));
    assert!(network["Resources"].get("Zone").is_none() && network["Resources"].get("Vpc").is_some(), "{network}");
    assert!(network["Outputs"].get("ZoneId").is_none(), "the output naming the moved zone is dropped: {network}");
    assert_eq!(dns["Resources"]["Zone"]["Properties"]["Name"], "internal.example", "moved exactly as deployed");
    let actions = model.actions();
    let order: Vec<&str> = actions.iter().map(String::as_str).filter(|a| a.contains("StackRefactor")).collect();
    assert_eq!(
        order,
        [
            "CreateStackRefactor",
            "DescribeStackRefactor",
            "DescribeStackRefactor",
            "ExecuteStackRefactor",
            "DescribeStackRefactor",
            "DescribeStackRefactor"
        ]
    );

    // Once moved (the zone is in dns, not in network), nothing more is sent.
    let moved_network = r#"{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {}}}}"#;
    let moved_dns = r#"{"Resources": {"Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {}}}}"#;
    let model = AwsModel::start()
        .answer_when("DescribeStacks", "StackName", "mv-prod-network", ex::describe_stacks("mv-prod-network"))
        .answer_when("DescribeStacks", "StackName", "mv-prod-dns", ex::describe_stacks("mv-prod-dns"))
        .answer_when("GetTemplate", "StackName", &ex::stack_id("mv-prod-network"), ex::get_template(moved_network))
        .answer_when("GetTemplate", "StackName", &ex::stack_id("mv-prod-dns"), ex::get_template(moved_dns));
    let rt = runtime(&model.endpoint());
    let lines = rt.refactor_moves(&assembly, &["prod-dns".into()]).await.unwrap();
    assert!(lines.is_empty());
    assert!(!model.actions().iter().any(|a| a.contains("Refactor")), "{:?}", model.actions());
    model.assert_clean();
}

#[tokio::test]
async fn a_move_that_a_refactor_cannot_make_is_refused_before_anything_is_sent() {
    // The deployed VPC (staying) refers to the zone (moving): no parameter may be added.
    let deployed = r#"{"Resources": {
      "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"Tags": [{"Key": "zone", "Value": {"Ref": "Zone"}}]}},
      "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "internal.example"}}}}"#;
    let model = AwsModel::start()
        .answer_when("DescribeStacks", "StackName", "mv-prod-network", ex::describe_stacks("mv-prod-network"))
        .answer_when("DescribeStacks", "StackName", "mv-prod-dns", ex::describe_stacks("mv-prod-dns"))
        .answer_when("GetTemplate", "StackName", &ex::stack_id("mv-prod-network"), ex::get_template(deployed))
        .answer_when("GetTemplate", "StackName", &ex::stack_id("mv-prod-dns"), ex::get_template(DEPLOYED_DNS));
    let assembly = synth(&common::temp_dir("refactor-refused"));
    let err = runtime(&model.endpoint()).refactor_moves(&assembly, &["prod-dns".into()]).await.unwrap_err().to_string();
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(err.contains("prod/dns/Zone: Vpc stays in mv-prod-network but refers to Zone, which moves"), "{err}");
    assert!(!model.actions().iter().any(|a| a.contains("Refactor")), "{:?}", model.actions());
    model.assert_clean();
}

/// The program after a move that crosses a reference: `Copy` (an SSM parameter holding the
/// VPC id) moved from `network` to `dns`, while the VPC stays in `network`.
fn synth_wired(dir: &Path) -> Arc<Assembly> {
    let app = App::new("mv");
    let prod = app.environment("prod", Account::new("012345678910").unwrap(), Region::UsEast1);
    let vpc = Resource::new(
        &prod.stack("network"),
        "Vpc",
        RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16"),
    )
    .unwrap();
    let copy = Resource::new(
        &prod.stack("dns"),
        "Copy",
        RawResource::new("AWS::SSM::Parameter").with("Type", "String").with("Value", vpc.reference()),
    )
    .unwrap();
    copy.node().moved_from("prod/network/Copy");
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

/// The endpoint for the rewired move: each stack as deployed, then after its preparation
/// (network with `output`), the empty preparation change sets, the refactor.
fn wired_model(network_deployed: &str, output: &str) -> AwsModel {
    let (network, dns_name) = ("mv-prod-network", "mv-prod-dns");
    AwsModel::start()
        // network: as deployed, then (after the preparation) with the output carrying the VPC id.
        .answer_when("DescribeStacks", "StackName", network, ex::describe_stacks(network))
        .answer_when(
            "DescribeStacks",
            "StackName",
            &ex::stack_id(network),
            ex::describe_stacks_with_outputs(network, &[(output, "vpc-0a1b2c3d")])
                .replace("CREATE_COMPLETE", "UPDATE_COMPLETE"),
        )
        .answer_when("DescribeStacks", "StackName", dns_name, ex::describe_stacks(dns_name))
        .answer_when(
            "DescribeStacks",
            "StackName",
            &ex::stack_id(dns_name),
            ex::describe_stacks_in(dns_name, "UPDATE_COMPLETE"),
        )
        .answer_when("GetTemplate", "StackName", &ex::stack_id(network), ex::get_template(network_deployed))
        .answer_when("GetTemplate", "StackName", &ex::stack_id(dns_name), ex::get_template(DEPLOYED_DNS))
        .answer_when("CreateChangeSet", "StackName", network, ex::create_change_set(network, "prepare"))
        .answer_when("CreateChangeSet", "StackName", dns_name, ex::create_change_set(dns_name, "prepare"))
        .answer_when("DescribeChangeSet", "StackName", network, ex::describe_add_change_set(network, "prepare", &[]))
        .answer_when("DescribeChangeSet", "StackName", dns_name, ex::describe_add_change_set(dns_name, "prepare", &[]))
        .answer("ExecuteChangeSet", ex::execute_change_set())
        .answer_when(
            "DescribeStackEvents",
            "StackName",
            &ex::stack_id(network),
            ex::describe_stack_events(network, "n-1", "CREATE_COMPLETE"),
        )
        .answer_when(
            "DescribeStackEvents",
            "StackName",
            &ex::stack_id(network),
            ex::describe_stack_events(network, "n-2", "UPDATE_COMPLETE"),
        )
        .answer_when(
            "DescribeStackEvents",
            "StackName",
            &ex::stack_id(dns_name),
            ex::describe_stack_events(dns_name, "d-1", "CREATE_COMPLETE"),
        )
        .answer_when(
            "DescribeStackEvents",
            "StackName",
            &ex::stack_id(dns_name),
            ex::describe_stack_events(dns_name, "d-2", "UPDATE_COMPLETE"),
        )
        .answer("CreateStackRefactor", ex::create_stack_refactor())
        .answer(
            "DescribeStackRefactor",
            ex::describe_stack_refactor(&[network, dns_name], "CREATE_COMPLETE", "AVAILABLE"),
        )
        .answer(
            "DescribeStackRefactor",
            ex::describe_stack_refactor(&[network, dns_name], "CREATE_COMPLETE", "EXECUTE_COMPLETE"),
        )
        .answer("ExecuteStackRefactor", ex::execute_stack_refactor())
}

#[tokio::test]
async fn a_reference_across_the_move_is_rewired_by_updates_that_change_no_resource_then_the_refactor() {
    let assembly = synth_wired(&common::temp_dir("refactor-wired"));
    let dns = assembly.stack("prod-dns").unwrap();
    let binding = dns.parameters.first().expect("the program passes the VPC id to dns through a parameter");
    let (parameter, output) = (binding.parameter.clone(), binding.output.clone());
    let network_deployed = r#"{"Resources": {
      "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
      "Copy": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Ref": "Vpc"}}}}}"#;
    let (network, dns_name) = ("mv-prod-network", "mv-prod-dns");
    let model = wired_model(network_deployed, &output);
    let rt = runtime(&model.endpoint());
    let lines = rt.refactor_moves(&assembly, &["prod-network".into(), "prod-dns".into()]).await.unwrap();
    model.assert_clean();
    assert_eq!(
        lines,
        [format!("prod-dns: moved Copy from {network} by stack refactoring (9c384f70-4e07-4ed7-a65d-fee5eb430841)")]
    );

    // The order: network gains the output, dns the parameter, then the refactor.
    let requests = model.requests();
    let mutating: Vec<(String, String)> = requests
        .iter()
        .filter(|r| {
            matches!(
                r.action.as_str(),
                "CreateChangeSet" | "ExecuteChangeSet" | "CreateStackRefactor" | "ExecuteStackRefactor"
            )
        })
        .map(|r| (r.action.clone(), r.param("StackName").unwrap_or_default().to_string()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("CreateChangeSet", network),
        ("ExecuteChangeSet", network),
        ("CreateChangeSet", dns_name),
        ("ExecuteChangeSet", dns_name),
        ("CreateStackRefactor", ""),
        ("ExecuteStackRefactor", ""),
    ]
    .iter()
    .map(|(a, s)| (a.to_string(), s.to_string()))
    .collect();
    assert_eq!(mutating, expected);
    let body = |r: &common::aws_model::ModelRequest, key: &str| -> serde_json::Value {
        serde_json::from_str(r.param(key).unwrap()).unwrap()
    };
    let change_sets: Vec<_> = requests.iter().filter(|r| r.action == "CreateChangeSet").collect();
    let prepared_network = body(change_sets[0], "TemplateBody");
    assert_eq!(prepared_network["Outputs"][&output]["Value"], serde_json::json!({"Ref": "Vpc"}));
    assert_eq!(
        prepared_network["Resources"],
        serde_json::from_str::<serde_json::Value>(network_deployed).unwrap()["Resources"],
        "no resource changes"
    );
    let prepared_dns = body(change_sets[1], "TemplateBody");
    assert!(prepared_dns["Parameters"].get(&parameter).is_some(), "{prepared_dns}");
    assert_eq!(change_sets[1].param("Parameters.member.1.ParameterKey"), Some(parameter.as_str()));
    assert_eq!(
        change_sets[1].param("Parameters.member.1.ParameterValue"),
        Some("vpc-0a1b2c3d"),
        "read from the new output"
    );

    let create = requests.iter().find(|r| r.action == "CreateStackRefactor").unwrap();
    let (after_network, after_dns) = (
        body(create, "StackDefinitions.member.1.TemplateBody"),
        body(create, "StackDefinitions.member.2.TemplateBody"),
    );
    assert!(after_network["Resources"].get("Copy").is_none(), "{after_network}");
    assert_eq!(after_network["Outputs"][&output]["Value"], serde_json::json!({"Ref": "Vpc"}), "the output stays");
    assert_eq!(
        after_dns["Resources"]["Copy"]["Properties"]["Value"],
        serde_json::json!({"Ref": parameter}),
        "the reference to the VPC that stays is now the parameter: {after_dns}"
    );
}

#[tokio::test]
async fn a_preparation_that_would_change_a_resource_is_deleted_unexecuted_and_nothing_moves() {
    let assembly = synth_wired(&common::temp_dir("refactor-wired-refused"));
    let network_deployed = r#"{"Resources": {
      "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
      "Copy": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Ref": "Vpc"}}}}}"#;
    let (network, dns_name) = ("mv-prod-network", "mv-prod-dns");
    let model = AwsModel::start()
        .answer_when("DescribeStacks", "StackName", network, ex::describe_stacks(network))
        .answer_when("DescribeStacks", "StackName", dns_name, ex::describe_stacks(dns_name))
        .answer_when("GetTemplate", "StackName", &ex::stack_id(network), ex::get_template(network_deployed))
        .answer_when("GetTemplate", "StackName", &ex::stack_id(dns_name), ex::get_template(DEPLOYED_DNS))
        .answer("CreateChangeSet", ex::create_change_set(network, "prepare"))
        // Something changed the VPC behind the program's back: the change set would modify it.
        .answer("DescribeChangeSet", ex::describe_add_change_set(network, "prepare", &[("Vpc", "AWS::EC2::VPC")]))
        .answer("DeleteChangeSet", common::aws_model::response("DeleteChangeSet", ""));
    let err = runtime(&model.endpoint()).refactor_moves(&assembly, &["prod-dns".into()]).await.unwrap_err().to_string();
    model.assert_clean();
    assert!(err.contains("preparing mv-prod-network for the move"), "{err}");
    assert!(err.contains("would change resources (Vpc); nothing was changed"), "{err}");
    let actions = model.actions();
    assert!(actions.contains(&"DeleteChangeSet".to_string()), "{actions:?}");
    assert!(
        !actions.iter().any(|a| a == "ExecuteChangeSet" || a.contains("Refactor")),
        "nothing executed, nothing moved: {actions:?}"
    );
}
