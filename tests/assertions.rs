//! `stackwright::assertions`: each matcher passing and failing, with the failure text users
//! read; queries of stacks, resources and Kubernetes objects, and what they say when nothing
//! is found.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/prod.rs"]
mod prod;

use serde_json::json;
use stackwright::assertions::{AssertionError, Assertions, Capture, Match};
use stackwright::core::Assembly;
use stackwright::prelude::*;

/// A small assembly: a VPC with two subnets and tags, in stack `dev-network`.
fn assembly() -> Assembly {
    let app = App::new("demo");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1);
    let network = dev.stack("network");
    Resource::new(
        &network,
        "Vpc",
        RawResource::new("AWS::EC2::VPC")
            .with("CidrBlock", "10.0.0.0/16")
            .with("Tags", json!([{ "Key": "team", "Value": "platform" }, { "Key": "cost", "Value": "42" }])),
    )
    .unwrap();
    for (id, cidr, zone) in [("SubnetA", "10.0.0.0/24", "eu-west-1a"), ("SubnetB", "10.0.1.0/24", "eu-west-1b")] {
        Resource::new(
            &network,
            id,
            RawResource::new("AWS::EC2::Subnet")
                .with("CidrBlock", cidr)
                .with("AvailabilityZone", zone)
                .with("VpcId", "vpc-0123456789abcdef0"),
        )
        .unwrap();
    }
    app.synth().unwrap()
}

fn vpc_mismatch(assembly: &Assembly, matcher: Match) -> String {
    let stack = Assertions::new(assembly).stack("dev-network").unwrap();
    let vpc = stack.resource("AWS::EC2::VPC", "dev/network/Vpc").unwrap();
    vpc.has_properties(matcher).unwrap_err().to_string()
}

const VPC: &str = "dev/network/Vpc (AWS::EC2::VPC Vpc in stack dev-network) does not match:";

#[test]
fn object_like_matches_a_subset_at_every_depth_and_names_the_json_path_that_differs() {
    let assembly = assembly();
    let stack = Assertions::new(&assembly).stack("dev-network").unwrap();
    let vpc = stack.resource("AWS::EC2::VPC", "dev/network/Vpc").unwrap();
    vpc.has_properties(Match::object_like(json!({ "CidrBlock": "10.0.0.0/16" }))).unwrap();
    vpc.has_properties(Match::object_like(json!({ "Tags": [{ "Key": "team" }, { "Value": "42" }] }))).unwrap();

    let text = vpc_mismatch(
        &assembly,
        Match::object_like(json!({ "CidrBlock": "10.9.0.0/16", "Tags": [{ "Key": "owner" }, {}] })),
    );
    assert_eq!(
        text,
        format!(
            "{VPC}\n  at /Properties/CidrBlock: expected \"10.9.0.0/16\", found \"10.0.0.0/16\"\n  \
             at /Properties/Tags/0/Key: expected \"owner\", found \"team\""
        )
    );
    // An array in plain JSON has exactly its length.
    let text = vpc_mismatch(&assembly, Match::object_like(json!({ "Tags": [{ "Key": "team" }] })));
    assert!(
        text.starts_with(&format!("{VPC}\n  at /Properties/Tags: expected [{{\"Key\":\"team\"}}], found [{{")),
        "{text}"
    );
    // A pattern that is not an object is a failing matcher that says so, not a panic.
    let text = vpc_mismatch(&assembly, Match::object_like(json!(["CidrBlock"])));
    assert!(
        text.contains("expected (invalid matcher: Match::object_like needs a JSON object, not [\"CidrBlock\"])"),
        "{text}"
    );
}

#[test]
fn exact_refuses_extra_keys() {
    let assembly = assembly();
    let stack = Assertions::new(&assembly).stack("dev-network").unwrap();
    let vpc = stack.resource("AWS::EC2::VPC", "dev/network/Vpc").unwrap();
    vpc.has_properties(Match::object_like(json!({})).with("CidrBlock", Match::exact("10.0.0.0/16"))).unwrap();
    let text = vpc_mismatch(
        &assembly,
        Match::object_like(json!({})).with("Tags", Match::exact(json!([{ "Key": "team" }, { "Key": "cost" }]))),
    );
    assert_eq!(
        text,
        format!(
            "{VPC}\n  at /Properties/Tags: expected [{{\"Key\":\"team\"}},{{\"Key\":\"cost\"}}], found \
             [{{\"Key\":\"team\",\"Value\":\"platform\"}},{{\"Key\":\"cost\",\"Value\":\"42\"}}]"
        )
    );
}

#[test]
fn array_with_finds_elements_in_order_and_says_which_is_missing() {
    let assembly = assembly();
    let stack = Assertions::new(&assembly).stack("dev-network").unwrap();
    let vpc = stack.resource("AWS::EC2::VPC", "dev/network/Vpc").unwrap();
    let tag = |key: &str| Match::object_like(json!({ "Key": key }));
    vpc.has_properties(Match::object_like(json!({})).with("Tags", Match::array_with([tag("cost")]))).unwrap();
    vpc.has_properties(Match::object_like(json!({})).with("Tags", Match::array_with([tag("team"), tag("cost")])))
        .unwrap();

    let text = vpc_mismatch(
        &assembly,
        Match::object_like(json!({})).with("Tags", Match::array_with([tag("cost"), tag("team")])),
    );
    assert!(
        text.starts_with(&format!(
            "{VPC}\n  at /Properties/Tags: expected an element matching an object like {{\"Key\": \"team\"}} (after index 2), found ["
        )),
        "{text}"
    );
    let text = vpc_mismatch(
        &assembly,
        Match::object_like(json!({})).with("CidrBlock", Match::array_with([json!("10.0.0.0/16")])),
    );
    assert_eq!(
        text,
        format!("{VPC}\n  at /Properties/CidrBlock: expected an array with [\"10.0.0.0/16\"], found \"10.0.0.0/16\"")
    );
}

#[test]
fn absent_and_anything() {
    let assembly = assembly();
    let stack = Assertions::new(&assembly).stack("dev-network").unwrap();
    let vpc = stack.resource("AWS::EC2::VPC", "dev/network/Vpc").unwrap();
    vpc.has_properties(
        Match::object_like(json!({})).with("Ipv6CidrBlock", Match::absent()).with("CidrBlock", Match::anything()),
    )
    .unwrap();
    let text = vpc_mismatch(&assembly, Match::object_like(json!({})).with("CidrBlock", Match::absent()));
    assert_eq!(text, format!("{VPC}\n  at /Properties/CidrBlock: expected absent, found \"10.0.0.0/16\""));
    let text = vpc_mismatch(&assembly, Match::object_like(json!({})).with("EnableDnsSupport", Match::anything()));
    assert_eq!(text, format!("{VPC}\n  at /Properties/EnableDnsSupport: expected any value, found absent"));
}

#[test]
fn any_of_passes_on_one_alternative_and_lists_them_all_when_none_matches() {
    let assembly = assembly();
    let stack = Assertions::new(&assembly).stack("dev-network").unwrap();
    let vpc = stack.resource("AWS::EC2::VPC", "dev/network/Vpc").unwrap();
    vpc.has_properties(
        Match::object_like(json!({})).with("CidrBlock", Match::any_of([json!("10.1.0.0/16"), json!("10.0.0.0/16")])),
    )
    .unwrap();
    let text = vpc_mismatch(
        &assembly,
        Match::object_like(json!({}))
            .with("CidrBlock", Match::any_of([Match::from(json!("10.1.0.0/16")), Match::absent()])),
    );
    assert_eq!(
        text,
        format!("{VPC}\n  at /Properties/CidrBlock: expected any of [\"10.1.0.0/16\", absent], found \"10.0.0.0/16\"")
    );
}

#[test]
fn a_capture_holds_the_value_of_the_element_that_matched() {
    let assembly = assembly();
    let stack = Assertions::new(&assembly).stack("dev-network").unwrap();
    let zone = Capture::new();
    assert_eq!(zone.value(), None);
    let subnet = stack
        .has_resource_properties(
            "AWS::EC2::Subnet",
            Match::object_like(json!({ "CidrBlock": "10.0.1.0/24" })).with("AvailabilityZone", &zone),
        )
        .unwrap();
    assert_eq!(subnet.path(), Some("dev/network/SubnetB"));
    assert_eq!(zone.as_string().as_deref(), Some("eu-west-1b"));
    // Nothing to capture is a failure.
    let text = vpc_mismatch(&assembly, Match::object_like(json!({})).with("EnableDnsSupport", &Capture::new()));
    assert_eq!(text, format!("{VPC}\n  at /Properties/EnableDnsSupport: expected a value to capture, found absent"));
}

#[test]
fn no_resource_matching_names_the_closest_candidates_and_what_differs() {
    let assembly = assembly();
    let stack = Assertions::new(&assembly).stack("dev-network").unwrap();
    let err = stack
        .has_resource_properties(
            "AWS::EC2::Subnet",
            Match::object_like(json!({ "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "eu-west-1c" })),
        )
        .unwrap_err();
    assert!(matches!(err, AssertionError::NoMatch { .. }));
    assert_eq!(
        err.to_string(),
        "no AWS::EC2::Subnet resource's properties in stack dev-network matches an object like \
         {\"CidrBlock\": \"10.0.1.0/24\", \"AvailabilityZone\": \"eu-west-1c\"}\n\
         closest candidates:\n  \
         dev/network/SubnetB (AWS::EC2::Subnet SubnetB in stack dev-network):\n    \
         at /Properties/AvailabilityZone: expected \"eu-west-1c\", found \"eu-west-1b\"\n  \
         dev/network/SubnetA (AWS::EC2::Subnet SubnetA in stack dev-network):\n    \
         at /Properties/CidrBlock: expected \"10.0.1.0/24\", found \"10.0.0.0/24\"\n    \
         at /Properties/AvailabilityZone: expected \"eu-west-1c\", found \"eu-west-1a\""
    );
    let none = stack.has_resource_properties("AWS::EC2::NatGateway", json!({})).unwrap_err();
    assert_eq!(
        none.to_string(),
        "no AWS::EC2::NatGateway resource's properties in stack dev-network matches {} (there is none of that kind)"
    );
    // The whole resource: Metadata carries the construct path.
    stack.has_resource("AWS::EC2::VPC", json!({ "Metadata": { "stackwright:path": "dev/network/Vpc" } })).unwrap();
}

#[test]
fn counts_stacks_and_paths_that_do_not_exist_are_failures_that_list_what_exists() {
    let assembly = assembly();
    let assertions = Assertions::new(&assembly);
    let stack = assertions.stack("dev-network").unwrap();
    stack.has_resource_count("AWS::EC2::Subnet", 2).unwrap();
    stack.has_resource_count("AWS::EC2::NatGateway", 0).unwrap();
    assert_eq!(
        stack.has_resource_count("AWS::EC2::Subnet", 3).unwrap_err().to_string(),
        "expected 3 AWS::EC2::Subnet in stack dev-network, found 2\n  \
         dev/network/SubnetA (AWS::EC2::Subnet SubnetA in stack dev-network)\n  \
         dev/network/SubnetB (AWS::EC2::Subnet SubnetB in stack dev-network)"
    );
    assert_eq!(
        assertions.stack("dev-app").unwrap_err().to_string(),
        "stack 'dev-app' not found; there is: dev-network"
    );
    assert_eq!(
        stack.resource("AWS::EC2::Subnet", "dev/network/SubnetC").unwrap_err().to_string(),
        "AWS::EC2::Subnet at 'dev/network/SubnetC' in stack dev-network not found; there is: \
         dev/network/SubnetA (AWS::EC2::Subnet SubnetA in stack dev-network), \
         dev/network/SubnetB (AWS::EC2::Subnet SubnetB in stack dev-network)"
    );
    assert_eq!(assertions.cluster("dev-main").unwrap_err().to_string(), "cluster 'dev-main' not found (there is none)");
}

#[test]
fn kubernetes_objects_by_kind_namespace_and_name_with_the_same_matchers() {
    let assembly = prod::build().unwrap().synth().unwrap();
    let assertions = Assertions::new(&assembly);
    let cluster = assertions.cluster("prod-flask-platform-prod-cluster").unwrap();
    let deployment = cluster.object("Deployment", Some("flask-app"), "flask-app").unwrap();
    assert_eq!(deployment.path(), "prod/cluster/Cluster/flask-app");
    let image = Capture::new();
    deployment
        .has_fields(Match::object_like(json!({ "spec": { "template": { "spec": {} } } })).with(
            "spec",
            Match::object_like(json!({})).with(
                "template",
                Match::object_like(json!({ "spec": { "automountServiceAccountToken": false } })).with(
                    "spec",
                    Match::object_like(json!({})).with(
                        "containers",
                        Match::array_with([Match::object_like(json!({ "name": "flask-app" })).with("image", &image)]),
                    ),
                ),
            ),
        ))
        .unwrap();
    assert!(image.as_string().unwrap().ends_with(":((stackwright:env:IMAGE_TAG))"), "{image:?}");
    cluster.object("Namespace", None, "flask-app").unwrap();

    let text = deployment.has_fields(Match::object_like(json!({ "spec": { "replicas": 1 } }))).unwrap_err().to_string();
    assert!(
        text.starts_with(
            "Deployment flask-app/flask-app of prod/cluster/Cluster/flask-app (cluster prod-flask-platform-prod-cluster) does not match:\n  \
             at /spec/replicas: expected 1, found "
        ),
        "{text}"
    );
    let missing = cluster.object("Deployment", Some("flask-app"), "flask").unwrap_err().to_string();
    assert!(
        missing.starts_with("Deployment flask-app/flask in cluster prod-flask-platform-prod-cluster not found; there is: Deployment flask-app/flask-app"),
        "{missing}"
    );
    cluster.has_object("Service", json!({ "metadata": { "name": "flask-app", "namespace": "flask-app" } })).unwrap();
    cluster.has_object_count("Namespace", cluster.objects_of_kind("Namespace").len()).unwrap();
}
