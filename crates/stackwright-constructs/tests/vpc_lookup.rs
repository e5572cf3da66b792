//! Vpc::from_lookup: the answer comes from the program's context file, never from AWS; a
//! cluster built on it uses exactly the stored ids; a missing or mismatched entry is an error
//! at the construct's path naming the command that fills it; the assembly lists the lookups.

mod eks_support;

use std::path::PathBuf;

use eks_support::{app, resources_of, template};
use serde_json::json;
use stackwright_constructs::{
    EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps, SubnetKind, Vpc, VpcLookup,
};
use stackwright_core::lookup::LookupQuery;
use stackwright_core::{App, Result};

const VPC: &str = "vpc-0a1b2c3d4e5f60718";
const PRIVATE: [&str; 2] = ["subnet-0a1b2c3d4e5f61001", "subnet-0a1b2c3d4e5f61002"];

/// A context entry for the VPC tagged `Name=<name>` in prod's account and region, made for
/// the construct at `used_by`.
fn entry(name: &str, used_by: &str) -> serde_json::Value {
    let subnet = |tier: &str, zone: &str, id: &str, cidr: &str, rtb: &str| json!({"tier": tier, "availability_zone": zone, "subnet_id": id, "cidr": cidr, "route_table_id": rtb});
    json!({
        "account": "123456789012",
        "region": "us-east-1",
        "query": {"vpc": {"tags": {"Name": name}}},
        "used_by": [used_by],
        "answer": {"vpc": {
            "vpc_id": VPC,
            "cidr": "10.1.0.0/16",
            "subnets": [
                subnet("public", "us-east-1a", "subnet-0a1b2c3d4e5f60001", "10.1.96.0/24", "rtb-0a1b2c3d4e5f60001"),
                subnet("private", "us-east-1a", PRIVATE[0], "10.1.0.0/19", "rtb-0a1b2c3d4e5f61001"),
                subnet("private", "us-east-1b", PRIVATE[1], "10.1.32.0/19", "rtb-0a1b2c3d4e5f61002"),
            ],
            "load_balancer_tags": true,
        }},
    })
}

/// A context file holding `entries`, in a directory of its own.
fn context_file(entries: &[serde_json::Value]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stackwright.context.json");
    let file = json!({"format": "stackwright-context/1", "entries": entries});
    std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap()).unwrap();
    (dir, path)
}

/// A cluster on the VPC looked up by `lookup`, with the app reading `context`.
fn program(context: &std::path::Path, lookup: VpcLookup) -> (App, Result<Vpc>) {
    let (app, prod) = app();
    app.set_context_file(context);
    let stack = prod.stack("cluster");
    let vpc = Vpc::from_lookup(&stack, "Vpc", lookup);
    if let Ok(vpc) = &vpc {
        let cluster = EksCluster::new(&stack, "Cluster", EksClusterProps::new(vpc, KubernetesVersion::V1_36)).unwrap();
        NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    }
    (app, vpc)
}

fn error(app: &App) -> String {
    stackwright_core::report::render(&app.synth().unwrap_err(), false)
}

#[test]
fn the_stored_answer_builds_the_vpc_and_the_cluster_uses_its_ids() {
    let (_dir, path) = context_file(&[entry("shared", "prod/cluster/Vpc")]);
    let (app, vpc) = program(&path, VpcLookup::by_name("shared"));
    let vpc = vpc.unwrap();
    assert!(vpc.is_referenced());
    assert_eq!(vpc.vpc_id().value(), &VPC.into());
    let private: Vec<_> = vpc.private_subnets().iter().map(|s| s.subnet_id().value().clone()).collect();
    assert_eq!(private, PRIVATE.map(Into::into));
    assert_eq!(vpc.subnets_of(SubnetKind::Public).len(), 1);
    let assembly = app.synth().unwrap();
    let cluster = template(&assembly, "prod-cluster");
    assert!(resources_of(&cluster, "AWS::EC2::VPC").is_empty(), "a looked-up VPC creates nothing");
    let (_, eks) = resources_of(&cluster, "AWS::EKS::Cluster")[0];
    assert_eq!(eks["Properties"]["ResourcesVpcConfig"]["SubnetIds"], json!(PRIVATE));
    let lookups = &assembly.manifest.lookups;
    assert_eq!(lookups.len(), 1);
    assert_eq!((lookups[0].path.as_str(), lookups[0].account.as_str()), ("prod/cluster/Vpc", "123456789012"));
    assert!(matches!(&lookups[0].query, LookupQuery::Vpc(q) if q.tags["Name"] == "shared"));
    // The lookup is in manifest.json, for the refresh command; synth is byte-identical.
    let manifest = assembly.manifest_json();
    assert!(manifest.contains("\"lookups\""), "{manifest}");
    let (again, _) = program(&path, VpcLookup::by_name("shared"));
    let again = again.synth().unwrap();
    assert_eq!((again.manifest_json(), &again.files), (manifest, &assembly.files));
}

#[test]
fn a_missing_entry_names_the_command_that_fills_it() {
    let (_dir, path) = context_file(&[entry("other", "prod/other/Vpc")]);
    let (app, vpc) = program(&path, VpcLookup::by_name("shared"));
    assert!(vpc.unwrap().is_referenced());
    let text = error(&app);
    let shown = path.display();
    assert!(
        text.contains(&format!(
            "error: prod/cluster/Vpc: the VPC with tags Name=shared in account 123456789012, region us-east-1 has no entry in the context file {shown}"
        )),
        "{text}"
    );
    assert!(
        text.contains("hint: run `cargo run --features deploy -- context --refresh` (or `--example <name>`) with credentials for account 123456789012: it adds the answer; commit the file"),
        "{text}"
    );
}

#[test]
fn no_context_file_at_all_says_where_it_was_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stackwright.context.json");
    let (app, _) = program(&path, VpcLookup::by_name("shared"));
    let text = error(&app);
    assert!(text.contains(&format!("and there is no context file {}", path.display())), "{text}");
    assert!(text.contains("context --refresh"), "{text}");
}

#[test]
fn an_entry_made_for_another_query_is_a_mismatch_not_a_silent_miss() {
    // The program asked Name=shared before; now it asks Name=shared-v2.
    let (_dir, path) = context_file(&[entry("shared", "prod/cluster/Vpc")]);
    let (app, _) = program(&path, VpcLookup::by_name("shared-v2"));
    let text = error(&app);
    assert!(
        text.contains("has an entry for this construct that no longer matches: it answers the VPC with tags Name=shared in account 123456789012, region us-east-1, and the program now asks the VPC with tags Name=shared-v2 in account 123456789012, region us-east-1"),
        "{text}"
    );
    assert!(text.contains("look it up again: run `cargo run --features deploy -- context --refresh`"), "{text}");
}

#[test]
fn a_broken_file_or_an_empty_query_is_reported_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stackwright.context.json");
    std::fs::write(&path, "{\"format\": \"stackwright-context/1\", \"entries\": [").unwrap();
    let (app, _) = program(&path, VpcLookup::by_name("shared"));
    let text = error(&app);
    assert!(text.contains(&format!("the context file {} cannot be used: EOF while parsing", path.display())), "{text}");
    let (app, _) = program(&path, VpcLookup::default());
    assert!(error(&app).contains("the VPC lookup has no criteria"));
}

#[test]
fn an_answer_edited_by_hand_is_checked_like_attributes() {
    let mut edited = entry("shared", "prod/cluster/Vpc");
    edited["answer"]["vpc"]["subnets"][1]["availability_zone"] = json!("eu-west-1a");
    let (_dir, path) = context_file(&[edited]);
    let (app, _) = program(&path, VpcLookup::by_name("shared"));
    let text = error(&app);
    assert!(text.contains("availability zone 'eu-west-1a' is not in us-east-1"), "{text}");
    let mut other_id = entry("shared", "prod/cluster/Vpc");
    other_id["query"]["vpc"]["vpc_id"] = json!("vpc-0a1b2c3d4e5f69999");
    let (_dir, path) = context_file(&[other_id]);
    let lookup = VpcLookup::by_id("vpc-0a1b2c3d4e5f69999").tag("Name", "shared");
    let (app, _) = program(&path, lookup);
    assert!(
        error(&app)
            .contains(&format!("answers the VPC vpc-0a1b2c3d4e5f69999 with tags Name=shared with the VPC {VPC}"))
    );
}
