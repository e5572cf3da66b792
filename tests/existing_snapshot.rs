//! Golden output of the example on existing infrastructure (`examples/existing.rs`: a node
//! group, an IRSA role, a workload and the GitHub pipeline on a referenced VPC and a referenced
//! EKS cluster), as insta snapshots in `snapshots/existing/`, and what it must keep: no
//! template creates a network or a cluster, the node group uses exactly the given subnets, the
//! trust policies name the given issuer, and `manifest.json` connects to the given cluster.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/existing.rs"]
mod existing;

mod golden;

use serde_json::{Value, json};

const ISSUER: &str = "oidc.eks.eu-central-1.amazonaws.com/id/5C1D7E2A9B3F40C6A8D2E4F6B1C3D5E7";
const PRIVATE: [&str; 3] = ["subnet-0c1d2e3f4a5b60200", "subnet-0c1d2e3f4a5b60201", "subnet-0c1d2e3f4a5b60202"];

fn synth() -> stackwright::prelude::App {
    existing::build().expect("the example is valid")
}

fn templates(assembly: &stackwright::core::Assembly) -> Vec<(String, Value)> {
    assembly
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".template.json"))
        .map(|(path, bytes)| (path.clone(), serde_json::from_slice(bytes).unwrap()))
        .collect()
}

fn resources<'a>(template: &'a Value, kind: &str) -> Vec<&'a Value> {
    template["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == kind).collect()
}

#[test]
fn the_existing_example_synthesizes_to_its_golden_output() {
    let groups = golden::assert_golden_output("existing", existing::build);
    assert!(groups.iter().any(|g| g.starts_with("k8s__")), "the cluster's manifests are covered: {groups:?}");
}

#[test]
fn two_synths_of_the_existing_example_are_byte_identical() {
    golden::assert_deterministic(existing::build);
}

#[test]
fn no_template_creates_the_network_or_the_cluster() {
    let assembly = synth().synth().unwrap();
    let templates = templates(&assembly);
    assert_eq!(templates.len(), 2, "the apps and cicd stacks only");
    for (path, template) in &templates {
        for kind in [
            "AWS::EC2::VPC",
            "AWS::EC2::Subnet",
            "AWS::EC2::RouteTable",
            "AWS::EC2::NatGateway",
            "AWS::EKS::Cluster",
            "AWS::EKS::Addon",
            "AWS::IAM::OIDCProvider",
        ] {
            assert!(resources(template, kind).is_empty(), "{kind} in {path}");
        }
    }
}

#[test]
fn the_node_group_uses_exactly_the_given_subnets_on_the_given_cluster() {
    let assembly = synth().synth().unwrap();
    let (_, apps) = templates(&assembly).into_iter().find(|(p, _)| p == "prod-apps.template.json").unwrap();
    let groups = resources(&apps, "AWS::EKS::Nodegroup");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["Properties"]["Subnets"], json!(PRIVATE));
    assert_eq!(groups[0]["Properties"]["ClusterName"], "platform");
}

#[test]
fn the_irsa_role_trusts_the_given_issuer() {
    let assembly = synth().synth().unwrap();
    let (_, apps) = templates(&assembly).into_iter().find(|(p, _)| p == "prod-apps.template.json").unwrap();
    let web_identity: Vec<Value> = resources(&apps, "AWS::IAM::Role")
        .iter()
        .filter_map(|r| r["Properties"]["AssumeRolePolicyDocument"].as_str())
        .map(|doc| serde_json::from_str(doc).unwrap())
        .collect();
    assert_eq!(web_identity.len(), 1, "one IRSA role");
    let statement = &web_identity[0]["Statement"][0];
    assert_eq!(statement["Principal"]["Federated"], format!("arn:aws:iam::456789012345:oidc-provider/{ISSUER}"));
    assert_eq!(statement["Condition"]["StringEquals"][format!("{ISSUER}:sub")], "system:serviceaccount:ledger:api");
    // The pipeline's access entries name the referenced cluster.
    let (_, cicd) = templates(&assembly).into_iter().find(|(p, _)| p == "prod-cicd.template.json").unwrap();
    let entries = resources(&cicd, "AWS::EKS::AccessEntry");
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["Properties"]["ClusterName"] == "platform"));
}

#[test]
fn the_manifest_connects_to_the_given_cluster() {
    let assembly = synth().synth().unwrap();
    let cluster = &assembly.manifest.clusters[0];
    assert_eq!((cluster.name.as_str(), cluster.stack.as_str()), ("platform", "prod-apps"));
    let (_, apps) = templates(&assembly).into_iter().find(|(p, _)| p == "prod-apps.template.json").unwrap();
    let output = |name: &str| apps["Outputs"][name]["Value"].clone();
    assert_eq!(output(&cluster.outputs.cluster_name), "platform");
    assert_eq!(
        output(&cluster.outputs.endpoint),
        "https://5C1D7E2A9B3F40C6A8D2E4F6B1C3D5E7.gr7.eu-central-1.eks.amazonaws.com"
    );
    assert_eq!(output(&cluster.outputs.oidc_issuer), format!("https://{ISSUER}"));
    assert!(output(&cluster.outputs.certificate_authority).as_str().unwrap().starts_with("LS0tLS1CRUdJTi"));
}

#[test]
fn the_existing_example_synthesizes_without_a_warning() {
    let assembly = synth().synth().unwrap();
    let warnings = stackwright::core::report::render_warnings(&assembly.warnings, false);
    assert!(warnings.is_empty(), "existing warns:\n{warnings}");
}
