//! Golden output of the second example (`examples/orders.rs`: eu-west-1, one NAT gateway,
//! spot nodes, `orders-api`, billing in a us-east-1 environment of its own): every template, every
//! cluster's manifests, the monitoring configuration, the workflows and the assembly manifest,
//! as insta snapshots in `snapshots/orders/`. Any change to what `cargo run --example orders`
//! writes shows up here for review.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/orders.rs"]
mod orders;

mod golden;

#[test]
fn the_orders_platform_synthesizes_to_its_golden_output() {
    let groups = golden::assert_golden_output("orders", orders::build);
    assert!(groups.iter().any(|g| g.starts_with("k8s__")), "the cluster's manifests are covered: {groups:?}");
}

#[test]
fn two_synths_of_the_orders_platform_are_byte_identical() {
    golden::assert_deterministic(orders::build);
}

#[test]
fn the_orders_platform_is_unlike_the_reference_one() {
    let assembly = orders::build().unwrap().synth().unwrap();
    let manifest = assembly.manifest_json();
    // its own region; the billing alarm's stack in an environment of its own in us-east-1
    assert!(manifest.contains(r#""region": "eu-west-1""#), "{manifest}");
    assert!(manifest.contains(r#""id": "staging-us-east-1""#), "{manifest}");
    let file = |suffix: &str| {
        let (_, bytes) = assembly.files.iter().find(|(path, _)| path.ends_with(suffix)).expect(suffix);
        String::from_utf8_lossy(bytes).into_owned()
    };
    let network = file("staging-network.template.json");
    assert_eq!(network.matches(r#""Type": "AWS::EC2::NatGateway""#).count(), 1, "one NAT gateway");
    let cluster = file("staging-cluster.template.json");
    assert!(cluster.contains(r#""EndpointPublicAccess": false"#), "a private endpoint");
    assert!(cluster.contains(r#""CapacityType": "SPOT""#) && !cluster.contains(r#""CapacityType": "ON_DEMAND""#));
    // the workload is not `flask-app`, and its Deployment justifies its image tag itself
    let deployment = file("deployment-orders-orders-api.yaml");
    assert!(deployment.contains("checkov.io/skip1: \"CKV_K8S_43="), "{deployment}");
    assert!(assembly.files.iter().all(|(path, _)| !path.contains("flask-app")), "no object is named flask-app");
}
