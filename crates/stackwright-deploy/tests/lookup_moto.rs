//! `context --refresh` on moto: a VPC made through the EC2 API (public subnets routed to an
//! internet gateway, private ones to a NAT gateway, isolated ones with no route out) is looked
//! up by its Name tag; the program's `Vpc::from_lookup` then resolves to exactly those ids, and
//! synth never calls AWS. A missing and a mismatched entry each give the clear error; refreshing
//! twice writes the same bytes.

mod common;

use std::io::{Read, Write};
use std::path::Path;

use stackwright_constructs::{
    EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps, Vpc, VpcLookup,
};
use stackwright_core::{Account, App, Region};

/// An unsigned EC2 query call in us-east-1 (moto routes by the credential scope and checks no
/// signature); the answer's body.
fn ec2(port: u16, params: &[(&str, &str)]) -> String {
    let mut body = String::from("Version=2016-11-15");
    for (k, v) in params {
        body.push_str(&format!("&{k}={}", v.replace('/', "%2F").replace(':', "%3A")));
    }
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{params:?}: {out}");
    out
}

/// The text of the first `<tag>` element of `xml`.
fn element(xml: &str, tag: &str) -> String {
    let start = xml.find(&format!("<{tag}>")).unwrap_or_else(|| panic!("no <{tag}> in {xml}")) + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>")).unwrap() + start;
    xml[start..end].to_string()
}

/// The ids the test created: (vpc, public subnets, private subnets, isolated subnets).
struct Made {
    vpc: String,
    public: Vec<String>,
    private: Vec<String>,
    isolated: Vec<String>,
}

/// A VPC tagged `Name=shared` (and a second VPC tagged `Name=other`, so that the filter is what
/// picks it) with three tiers in us-east-1a and -b.
fn make_vpc(port: u16) -> Made {
    let vpc_of = |cidr: &str, name: &str| {
        let out = ec2(
            port,
            &[
                ("Action", "CreateVpc"),
                ("CidrBlock", cidr),
                ("TagSpecification.1.ResourceType", "vpc"),
                ("TagSpecification.1.Tag.1.Key", "Name"),
                ("TagSpecification.1.Tag.1.Value", name),
            ],
        );
        element(&out, "vpcId")
    };
    vpc_of("10.9.0.0/16", "other");
    let vpc = vpc_of("10.1.0.0/16", "shared");
    // Tagged for the load balancer controller (the lookup records that they are).
    let subnet = |zone: &str, cidr: &str, role: &str| {
        let out = ec2(
            port,
            &[
                ("Action", "CreateSubnet"),
                ("VpcId", &vpc),
                ("AvailabilityZone", zone),
                ("CidrBlock", cidr),
                ("TagSpecification.1.ResourceType", "subnet"),
                ("TagSpecification.1.Tag.1.Key", role),
                ("TagSpecification.1.Tag.1.Value", "1"),
            ],
        );
        element(&out, "subnetId")
    };
    let table = |subnets: &[&String]| {
        let id = element(&ec2(port, &[("Action", "CreateRouteTable"), ("VpcId", &vpc)]), "routeTableId");
        for s in subnets {
            ec2(port, &[("Action", "AssociateRouteTable"), ("RouteTableId", &id), ("SubnetId", s)]);
        }
        id
    };
    let (elb, internal) = ("kubernetes.io/role/elb", "kubernetes.io/role/internal-elb");
    let public = vec![subnet("us-east-1a", "10.1.96.0/24", elb), subnet("us-east-1b", "10.1.97.0/24", elb)];
    let private = vec![subnet("us-east-1a", "10.1.0.0/19", internal), subnet("us-east-1b", "10.1.32.0/19", internal)];
    let isolated = vec![subnet("us-east-1a", "10.1.100.0/24", "team"), subnet("us-east-1b", "10.1.101.0/24", "team")];
    let igw = element(&ec2(port, &[("Action", "CreateInternetGateway")]), "internetGatewayId");
    ec2(port, &[("Action", "AttachInternetGateway"), ("InternetGatewayId", &igw), ("VpcId", &vpc)]);
    let public_table = table(&[&public[0], &public[1]]);
    ec2(
        port,
        &[
            ("Action", "CreateRoute"),
            ("RouteTableId", &public_table),
            ("DestinationCidrBlock", "0.0.0.0/0"),
            ("GatewayId", &igw),
        ],
    );
    let eip = element(&ec2(port, &[("Action", "AllocateAddress"), ("Domain", "vpc")]), "allocationId");
    let nat = element(
        &ec2(port, &[("Action", "CreateNatGateway"), ("SubnetId", &public[0]), ("AllocationId", &eip)]),
        "natGatewayId",
    );
    let private_table = table(&[&private[0], &private[1]]);
    ec2(
        port,
        &[
            ("Action", "CreateRoute"),
            ("RouteTableId", &private_table),
            ("DestinationCidrBlock", "0.0.0.0/0"),
            ("NatGatewayId", &nat),
        ],
    );
    table(&[&isolated[0], &isolated[1]]);
    Made { vpc, public, private, isolated }
}

/// The program: a cluster and its node group on the VPC looked up by `lookup`, reading `context`.
fn program(context: &Path, lookup: VpcLookup) -> App {
    let app = App::new("shop");
    app.set_context_file(context);
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let stack = prod.stack("cluster");
    let vpc = Vpc::from_lookup(&stack, "Vpc", lookup).unwrap();
    let cluster = EksCluster::new(&stack, "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36)).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    app
}

fn synth_error(app: &App) -> String {
    stackwright_core::report::render(&app.synth().unwrap_err(), false)
}

/// `context --refresh` as a user runs it from the program's command line.
fn refresh(app: &App, endpoint: &str) -> stackwright_core::Result<()> {
    let args = vec!["context".to_string(), "--refresh".to_string(), "--plain".to_string()];
    stackwright_deploy::cli::command(Some(app), args, common::aws_options(endpoint))
}

#[test]
fn refresh_fills_the_context_file_and_synth_resolves_to_exactly_the_ids_made() {
    let moto = common::moto();
    let made = make_vpc(moto.port);
    let dir = common::temp_dir("lookup-moto");
    let context = dir.join("stackwright.context.json");

    // Before the refresh: no file, a clear error naming the command.
    let app = program(&context, VpcLookup::by_name("shared"));
    let text = synth_error(&app);
    assert!(
        text.contains(&format!(
            "error: prod/cluster/Vpc: the VPC with tags Name=shared in account 123456789012, region us-east-1 is looked up, and there is no context file {}",
            context.display()
        )),
        "{text}"
    );
    assert!(text.contains("run `cargo run --features deploy -- context --refresh`"), "{text}");

    refresh(&app, &moto.endpoint()).unwrap_or_else(|e| panic!("{e}\nmoto's log:\n{}", moto.log_tail()));
    let first = std::fs::read(&context).unwrap();

    // A new run of the program reads the answer: exactly the ids made, each in its tier.
    let app = program(&context, VpcLookup::by_name("shared"));
    let assembly = app.synth().unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&first)));
    let template: serde_json::Value = serde_json::from_slice(&assembly.files["prod-cluster.template.json"]).unwrap();
    let resources = template["Resources"].as_object().unwrap();
    assert!(resources.values().all(|r| r["Type"] != "AWS::EC2::VPC" && r["Type"] != "AWS::EC2::Subnet"));
    let eks = resources.values().find(|r| r["Type"] == "AWS::EKS::Cluster").unwrap();
    let mut private = made.private.clone();
    private.sort();
    let mut subnets: Vec<String> =
        serde_json::from_value(eks["Properties"]["ResourcesVpcConfig"]["SubnetIds"].clone()).unwrap();
    subnets.sort();
    assert_eq!(subnets, private, "the cluster is in the private subnets made");
    let text = String::from_utf8(first.clone()).unwrap();
    let entry: serde_json::Value = serde_json::from_str(&text).unwrap();
    let vpc = &entry["entries"][0]["answer"]["vpc"];
    assert_eq!(vpc["vpc_id"], made.vpc.as_str());
    assert_eq!(vpc["cidr"], "10.1.0.0/16");
    assert_eq!(vpc["load_balancer_tags"], true, "{text}");
    let tier_of = |id: &String| {
        vpc["subnets"].as_array().unwrap().iter().find(|s| s["subnet_id"] == id.as_str()).unwrap()["tier"].clone()
    };
    assert!(made.public.iter().all(|s| tier_of(s) == "public"), "{text}");
    assert!(made.private.iter().all(|s| tier_of(s) == "private"), "{text}");
    assert!(made.isolated.iter().all(|s| tier_of(s) == "isolated"), "{text}");
    assert_eq!(entry["entries"][0]["used_by"], serde_json::json!(["prod/cluster/Vpc"]));
    assert_eq!(assembly.manifest.lookups.len(), 1);

    // Twice: the same bytes.
    refresh(&app, &moto.endpoint()).unwrap();
    assert_eq!(std::fs::read(&context).unwrap(), first, "a second refresh changed the file");

    // From the assembly alone (the runtime's own binary, `--app-dir`): its manifest's lookups,
    // the same answers, the same bytes.
    let out = dir.join("out");
    app.synth_to(&out).unwrap();
    let copy = dir.join("copy.context.json");
    let args: Vec<String> = ["context", "--refresh", "--plain", "--app-dir"]
        .into_iter()
        .map(String::from)
        .chain([out.display().to_string(), "--file".into(), copy.display().to_string()])
        .collect();
    stackwright_deploy::cli::command(None, args, common::aws_options(&moto.endpoint())).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), first, "refreshed from the assembly");

    // The query changed: the construct's entry no longer matches.
    let app = program(&context, VpcLookup::by_name("shared").tag("team", "platform"));
    let text = synth_error(&app);
    assert!(
        text.contains("has an entry for this construct that no longer matches: it answers the VPC with tags Name=shared in account 123456789012, region us-east-1, and the program now asks the VPC with tags Name=shared, team=platform in account 123456789012, region us-east-1"),
        "{text}"
    );
    // … and the refresh refuses a query nothing matches, leaving the file as it was.
    let err = refresh(&app, &moto.endpoint()).unwrap_err();
    let text = stackwright_core::report::render(&err, false);
    assert!(text.contains("no VPC in us-east-1 matches the VPC with tags Name=shared, team=platform"), "{text}");
    assert_eq!(std::fs::read(&context).unwrap(), first);

    // A construct whose lookup was never refreshed: a missing entry, named as such.
    let app = program(&context, VpcLookup::by_name("shared"));
    let other = app.environments()[0].stack("other");
    Vpc::from_lookup(&other, "Vpc", VpcLookup::by_name("other")).unwrap();
    let text = synth_error(&app);
    assert!(
        text.contains(&format!(
            "error: prod/other/Vpc: the VPC with tags Name=other in account 123456789012, region us-east-1 has no entry in the context file {}",
            context.display()
        )),
        "{text}"
    );
    // The refresh adds it; both are answered.
    refresh(&app, &moto.endpoint()).unwrap();
    let text = std::fs::read_to_string(&context).unwrap();
    assert!(text.contains("prod/other/Vpc"), "{text}");
}

/// An unsigned EKS `CreateCluster` (REST-JSON) in us-east-1; moto answers `DescribeCluster`
/// with what was given for the VPC configuration and an endpoint, CA and issuer of its own.
fn create_cluster(port: u16, name: &str, vpc: &str, subnets: &[String]) {
    let body = serde_json::json!({
        "name": name,
        "version": "1.33",
        "roleArn": "arn:aws:iam::123456789012:role/eks",
        "resourcesVpcConfig": {"subnetIds": subnets, "vpcId": vpc, "clusterSecurityGroupId": "sg-0a1b2c3d4e5f60718"},
    })
    .to_string();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST /clusters HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/eks/aws4_request, SignedHeaders=host, Signature=00\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}

#[test]
fn refresh_stores_what_describe_cluster_gives_for_a_cluster_lookup() {
    use stackwright_constructs::ClusterLookup;
    let moto = common::moto();
    let made = make_vpc(moto.port);
    create_cluster(moto.port, "platform", &made.vpc, &made.private);
    let dir = common::temp_dir("lookup-moto-cluster");
    let context = dir.join("stackwright.context.json");
    let app = program(&context, VpcLookup::by_name("shared"));
    let stack = app.environments()[0].stack("apps");
    let vpc = Vpc::from_lookup(&stack, "Vpc", VpcLookup::by_name("shared")).unwrap();
    EksCluster::from_lookup(&stack, "Cluster", ClusterLookup::new("platform", &vpc)).unwrap();
    assert!(synth_error(&app).contains("error: prod/apps/Cluster: the EKS cluster 'platform' in account 123456789012, region us-east-1 is looked up, and there is no context file"));

    refresh(&app, &moto.endpoint()).unwrap_or_else(|e| panic!("{e}\nmoto's log:\n{}", moto.log_tail()));
    let text = std::fs::read_to_string(&context).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = file["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "the cluster and the VPC both stacks look up, once: {text}");
    // Sorted by key: account, region, then the query (VPC queries before cluster queries).
    let cluster = &entries[1];
    assert_eq!(cluster["query"], serde_json::json!({"cluster": {"name": "platform"}}), "{text}");
    assert_eq!(cluster["used_by"], serde_json::json!(["prod/apps/Cluster"]));
    let answer = &cluster["answer"]["cluster"];
    assert_eq!((answer["name"].as_str(), answer["version"].as_str()), (Some("platform"), Some("1.33")));
    assert_eq!(answer["vpc_id"], made.vpc.as_str());
    assert_eq!(answer["cluster_security_group_id"], "sg-0a1b2c3d4e5f60718");
    assert!(answer["endpoint"].as_str().unwrap().starts_with("https://"), "{text}");
    assert!(answer["oidc_issuer"].as_str().unwrap().starts_with("https://oidc.eks.us-east-1.amazonaws.com/id/"));
    assert!(!answer["certificate_authority"].as_str().unwrap().is_empty());
    assert_eq!(entries[0]["used_by"], serde_json::json!(["prod/apps/Vpc", "prod/cluster/Vpc"]));

    // A cluster that does not exist: the refresh fails with EKS's answer and writes nothing.
    let app = program(&context, VpcLookup::by_name("shared"));
    let stack = app.environments()[0].stack("apps");
    let vpc = Vpc::from_lookup(&stack, "Vpc", VpcLookup::by_name("shared")).unwrap();
    EksCluster::from_lookup(&stack, "Cluster", ClusterLookup::new("missing", &vpc)).unwrap();
    let err = stackwright_core::report::render(&refresh(&app, &moto.endpoint()).unwrap_err(), false);
    assert!(err.contains("there is no EKS cluster named 'missing' in us-east-1"), "{err}");
    assert_eq!(std::fs::read_to_string(&context).unwrap(), text);
}
