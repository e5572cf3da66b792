//! Vpc::from_lookup: the answer comes from the program's context file, never from AWS; a
//! cluster built on it uses exactly the stored ids; a missing or mismatched entry is an error
//! at the construct's path naming the command that fills it; the assembly lists the lookups.

mod eks_support;

use std::path::PathBuf;

use eks_support::{app, resources_of, template};
use serde_json::json;
use stackwright_constructs::{
    ClusterLookup, EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps, OidcProviderRef,
    SubnetKind, Vpc, VpcLookup,
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

/// A context entry for the EKS cluster `platform` in `vpc_id`, made for `prod/cluster/Cluster`.
fn cluster_entry(vpc_id: &str, version: &str) -> serde_json::Value {
    let id = "0A1B2C3D4E5F60718293A4B5C6D7E8F9";
    json!({
        "account": "123456789012",
        "region": "us-east-1",
        "query": {"cluster": {"name": "platform"}},
        "used_by": ["prod/cluster/Cluster"],
        "answer": {"cluster": {
            "name": "platform",
            "version": version,
            "endpoint": format!("https://{id}.gr7.us-east-1.eks.amazonaws.com"),
            "certificate_authority": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
            "oidc_issuer": format!("https://oidc.eks.us-east-1.amazonaws.com/id/{id}"),
            "cluster_security_group_id": "sg-0a1b2c3d4e5f60718",
            "vpc_id": vpc_id,
        }},
    })
}

/// A node group on the cluster `platform` looked up in the VPC looked up by name.
fn cluster_program(context: &std::path::Path) -> (App, Result<EksCluster>) {
    let (app, prod) = app();
    app.set_context_file(context);
    let stack = prod.stack("cluster");
    let vpc = Vpc::from_lookup(&stack, "Vpc", VpcLookup::by_name("shared")).unwrap();
    let provider =
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9";
    let lookup = ClusterLookup::new("platform", &vpc).oidc_provider(OidcProviderRef::from_arn(provider));
    let cluster = EksCluster::from_lookup(&stack, "Cluster", lookup);
    if let Ok(cluster) = &cluster {
        NodeGroup::new(cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    }
    (app, cluster)
}

#[test]
fn a_looked_up_cluster_is_the_referenced_cluster_of_the_stored_answer() {
    let (_dir, path) = context_file(&[entry("shared", "prod/cluster/Vpc"), cluster_entry(VPC, "1.36")]);
    let (app, cluster) = cluster_program(&path);
    let assembly = app.synth().unwrap_or_else(|e| panic!("{}", stackwright_core::report::render(&e, false)));
    let cluster = cluster.unwrap();
    assert!(cluster.is_referenced());
    assert_eq!(cluster.name(), "platform");
    let template = template(&assembly, "prod-cluster");
    assert!(resources_of(&template, "AWS::EKS::Cluster").is_empty(), "a looked-up cluster creates nothing");
    let (_, group) = resources_of(&template, "AWS::EKS::Nodegroup")[0];
    assert_eq!(group["Properties"]["ClusterName"], "platform");
    assert_eq!(group["Properties"]["Subnets"], json!(PRIVATE));
    let kinds: Vec<&str> = assembly.manifest.lookups.iter().map(|l| l.query.kind()).collect();
    assert_eq!(kinds, ["cluster", "vpc"], "both lookups, sorted by path");
}

#[test]
fn a_cluster_lookup_without_an_entry_or_in_another_vpc_is_reported() {
    let (_dir, path) = context_file(&[entry("shared", "prod/cluster/Vpc")]);
    let (app, cluster) = cluster_program(&path);
    assert!(cluster.unwrap().is_referenced(), "recorded, not returned: the handle of an existing cluster");
    let text = error(&app);
    assert!(
        text.contains("error: prod/cluster/Cluster: the EKS cluster 'platform' in account 123456789012, region us-east-1 has no entry in the context file"),
        "{text}"
    );
    let other = "vpc-0a1b2c3d4e5f69999";
    let (_dir, path) = context_file(&[entry("shared", "prod/cluster/Vpc"), cluster_entry(other, "1.36")]);
    let (app, _) = cluster_program(&path);
    let text = error(&app);
    assert!(text.contains(&format!("the cluster 'platform' is in {other}, not in the VPC given")), "{text}");
    let (_dir, path) = context_file(&[entry("shared", "prod/cluster/Vpc"), cluster_entry(VPC, "1.19")]);
    let (app, _) = cluster_program(&path);
    assert!(error(&app).contains("runs Kubernetes 1.19, which stackwright does not support"));
}
