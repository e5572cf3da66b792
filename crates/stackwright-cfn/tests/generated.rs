//! The generated code is what the generator makes of the committed schemas, and the types
//! render the properties CloudFormation expects.

use serde_json::json;
use stackwright_cfn::{Tag, ec2, eks, iam, logs};
use stackwright_core::{Account, App, Region, Resource};

#[test]
fn generated_code_is_up_to_date() {
    let crate_dir = stackwright_cfn_codegen::cfn_crate_dir();
    let files =
        stackwright_cfn_codegen::generate_from_dir(&crate_dir).unwrap_or_else(|e| panic!("the generator failed: {e}"));
    let stale = stackwright_cfn_codegen::stale_files(&crate_dir, &files).unwrap();
    assert!(
        stale.is_empty(),
        "src/generated differs from the generator's output in: {}\nrun `cargo run -p stackwright-cfn-codegen` and commit the result",
        stale.join(", ")
    );
}

#[test]
fn every_allowlisted_type_is_generated() {
    let crate_dir = stackwright_cfn_codegen::cfn_crate_dir();
    let allowlist = std::fs::read_to_string(crate_dir.join("allowlist.txt")).unwrap();
    let mut listed = stackwright_cfn_codegen::parse_allowlist(&allowlist).unwrap();
    listed.sort();
    assert_eq!(stackwright_cfn::TYPE_NAMES, listed.as_slice());
    assert_eq!(stackwright_cfn::replaces_on_change("AWS::EC2::Subnet"), Some(ec2::Subnet::REPLACES_ON_CHANGE));
    assert!(ec2::Subnet::REPLACES_ON_CHANGE.contains(&"VpcId"));
    assert_eq!(stackwright_cfn::replaces_on_change("AWS::S3::Bucket"), None);
}

#[test]
fn properties_render_with_references_and_without_unset_fields() {
    let app = App::new("demo");
    let stack = app.environment("dev", Account::new("123456789012").unwrap(), Region::UsEast1).stack("network");
    let vpc = Resource::new(
        &stack,
        "Vpc",
        ec2::Vpc::new()
            .with_cidr_block("10.0.0.0/16")
            .with_enable_dns_support(true)
            .with_instance_tenancy(ec2::vpc::InstanceTenancy::Default)
            .with_tags([Tag::new("team", "platform")]),
    )
    .unwrap();
    Resource::new(
        &stack,
        "Subnet",
        ec2::Subnet::new(vpc.vpc_id()).with_cidr_block("10.0.0.0/20").with_map_public_ip_on_launch(false),
    )
    .unwrap();
    let role =
        Resource::new(&stack, "Role", iam::Role::new(json!({"Version": "2012-10-17", "Statement": []}))).unwrap();
    Resource::new(&stack, "Logs", logs::LogGroup::new().with_retention_in_days(30)).unwrap();
    Resource::new(
        &stack,
        "Nodes",
        eks::Nodegroup::new("cluster", role.arn(), ["subnet-1"]).with_labels([("tier", "general")]),
    )
    .unwrap();

    let assembly = app.synth().unwrap();
    let template: serde_json::Value =
        serde_json::from_slice(assembly.files.get("dev-network.template.json").expect("the stack's template")).unwrap();
    let resources = &template["Resources"];
    assert_eq!(
        resources["Vpc"]["Properties"],
        json!({
            "CidrBlock": "10.0.0.0/16",
            "EnableDnsSupport": true,
            "InstanceTenancy": "default",
            "Tags": [{"Key": "team", "Value": "platform"}]
        })
    );
    assert_eq!(
        resources["Subnet"]["Properties"],
        json!({
            "CidrBlock": "10.0.0.0/20",
            "MapPublicIpOnLaunch": false,
            "VpcId": {"Fn::GetAtt": ["Vpc", "VpcId"]}
        })
    );
    assert_eq!(resources["Logs"]["Properties"], json!({"RetentionInDays": 30}));
    assert_eq!(
        resources["Nodes"]["Properties"],
        json!({
            "ClusterName": "cluster",
            "Labels": {"tier": "general"},
            "NodeRole": {"Fn::GetAtt": ["Role", "Arn"]},
            "Subnets": ["subnet-1"]
        })
    );
}
