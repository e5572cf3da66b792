//! Golden output of the second example (`examples/orders.rs`: eu-west-1, one NAT gateway,
//! spot nodes, `orders-api`, billing in a us-east-1 environment of its own): every template, every
//! cluster's manifests, the monitoring configuration, the workflows and the assembly manifest,
//! as insta snapshots in `snapshots/orders/`. Any change to what `cargo run --example orders`
//! writes shows up here for review.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/orders.rs"]
mod orders;

use std::collections::BTreeMap;

fn assert_golden(name: &str, contents: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots/orders"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, contents);
    });
}

#[test]
fn the_orders_platform_synthesizes_to_its_golden_output() {
    let assembly = orders::build().expect("the orders platform is valid").synth().expect("it synthesizes");
    assert_golden("manifest.json", &assembly.manifest_json());

    // One snapshot per template; the other files grouped by directory, each file under a header.
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    for (path, bytes) in &assembly.files {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".template.json") {
            assert_golden(path, &text);
            continue;
        }
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let group = groups.entry(dir.trim_start_matches('.').replace('/', "__")).or_default();
        group.push_str(&format!("# ==== {file}\n{text}"));
    }
    for (dir, contents) in &groups {
        assert_golden(dir, contents);
    }
    assert!(groups.keys().any(|g| g.starts_with("k8s__")), "the cluster's manifests are covered");
}

#[test]
fn two_synths_of_the_orders_platform_are_byte_identical() {
    let a = orders::build().unwrap().synth().unwrap();
    let b = orders::build().unwrap().synth().unwrap();
    assert_eq!(a.manifest_json(), b.manifest_json());
    assert_eq!(a.files, b.files);
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
