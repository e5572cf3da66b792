//! Vpc::from_attributes: a cluster, its node group and a database built in an existing VPC
//! use exactly the given ids as literal strings, the templates create no network, and bad
//! attributes are reported with the construct path and a fix.

mod eks_support;

use eks_support::{app, error_text, resources_of, synth_error, template};
use serde_json::{Value as Json, json};
use stackwright_constructs::{
    ContainerImage, ContainerSpec, Database, DatabaseProps, EksCluster, EksClusterProps, ExistingSubnet,
    ImageReference, KubernetesVersion, Namespace, NamespaceProps, NodeGroup, NodeGroupProps, PostgresVersion,
    ProbeSpec, SubnetKind, Vpc, VpcAttributes, Workload, WorkloadProps,
};
use stackwright_core::{App, Assembly, Stack};

const VPC: &str = "vpc-0a1b2c3d4e5f60718";
const PRIVATE: [&str; 2] = ["subnet-0a1b2c3d4e5f61001", "subnet-0a1b2c3d4e5f61002"];
const ISOLATED: [&str; 2] = ["subnet-0a1b2c3d4e5f62001", "subnet-0a1b2c3d4e5f62002"];

fn subnet(zone: &str, id: &str, cidr: &str, rtb: &str) -> ExistingSubnet {
    ExistingSubnet::new(zone, id, cidr.parse().unwrap(), rtb)
}

/// An existing VPC with public, private and isolated subnets in us-east-1a and -b, its
/// subnets tagged for the load balancer controller.
fn attributes() -> VpcAttributes {
    VpcAttributes::new(VPC, "10.1.0.0/16".parse().unwrap())
        .public(subnet("us-east-1a", "subnet-0a1b2c3d4e5f60001", "10.1.96.0/24", "rtb-0a1b2c3d4e5f60001"))
        .public(subnet("us-east-1b", "subnet-0a1b2c3d4e5f60002", "10.1.97.0/24", "rtb-0a1b2c3d4e5f60001"))
        .private(subnet("us-east-1a", PRIVATE[0], "10.1.0.0/19", "rtb-0a1b2c3d4e5f61001"))
        .private(subnet("us-east-1b", PRIVATE[1], "10.1.32.0/19", "rtb-0a1b2c3d4e5f61002"))
        .isolated(subnet("us-east-1a", ISOLATED[0], "10.1.100.0/24", "rtb-0a1b2c3d4e5f62001"))
        .isolated(subnet("us-east-1b", ISOLATED[1], "10.1.101.0/24", "rtb-0a1b2c3d4e5f62001"))
        .load_balancer_tags(true)
}

/// A cluster (stack `cluster`, where the VPC is referenced), a node group and a database
/// (stack `data`) on the VPC of `attributes`.
fn platform(attributes: VpcAttributes) -> (App, Stack) {
    let (app, prod) = app();
    let cluster_stack = prod.stack("cluster");
    let vpc = Vpc::from_attributes(&cluster_stack, "Vpc", attributes).unwrap();
    let cluster =
        EksCluster::new(&cluster_stack, "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36)).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    let db = DatabaseProps::new(&vpc, PostgresVersion::V15).allow_from(&cluster);
    let db = Database::new(&prod.stack("data"), "Orders", db).unwrap();
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let digest = format!("sha256:{}", "0".repeat(64));
    let image = ContainerImage::public("registry.example.com/orders", ImageReference::Digest(digest));
    let container = ContainerSpec {
        liveness: Some(ProbeSpec::http("/healthz", "http")),
        readiness: Some(ProbeSpec::http("/ready", "http")),
        ..ContainerSpec::new(image).port("http", 8080)
    };
    Workload::new(&cluster, &ns, "Api", WorkloadProps::new(container).database(&db)).unwrap();
    (app, cluster_stack)
}

/// The Kubernetes object `kind`/`name` of the assembly's one cluster.
fn object(assembly: &Assembly, kind: &str, name: &str) -> Json {
    let cluster = &assembly.manifest.clusters[0];
    let entry = cluster.objects.iter().find(|o| o.kind == kind && o.name == name).unwrap();
    serde_saphyr::from_str(assembly.file(&format!("{}/{}", cluster.directory, entry.file)).unwrap()).unwrap()
}

#[test]
fn the_handle_holds_the_given_values() {
    let (_app, prod) = app();
    let vpc = Vpc::from_attributes(&prod.stack("cluster"), "Vpc", attributes()).unwrap();
    assert!(vpc.is_referenced());
    assert_eq!(vpc.vpc_id().value(), &VPC.into());
    assert_eq!(vpc.cidr().to_string(), "10.1.0.0/16");
    assert_eq!(vpc.availability_zones(), ["us-east-1a", "us-east-1b"]);
    let private: Vec<_> = vpc.private_subnets().iter().map(|s| s.subnet_id().value().clone()).collect();
    assert_eq!(private, PRIVATE.map(Into::into));
    assert_eq!(vpc.subnets_of(SubnetKind::Isolated)[1].route_table_id().value(), &"rtb-0a1b2c3d4e5f62001".into());
    assert_eq!(vpc.isolated_subnets()[0].tier(), "Isolated");
}

#[test]
fn consumers_use_the_literal_ids_and_nothing_creates_a_network() {
    let (app, _) = platform(attributes());
    let assembly = app.synth().unwrap();
    let cluster = template(&assembly, "prod-cluster");
    let data = template(&assembly, "prod-data");
    for t in [&cluster, &data] {
        for kind in ["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::NatGateway"] {
            assert!(resources_of(t, kind).is_empty(), "{kind} in a template on a referenced VPC");
        }
        // No cross-stack wiring for the network: the ids are literal strings.
        let params = t.get("Parameters").map(|p| p.to_string()).unwrap_or_default();
        assert!(!params.contains("Vpc"), "a parameter for the referenced VPC: {params}");
    }
    assert!(!assembly.files.contains_key("prod-network.template.json"));

    let eks = resources_of(&cluster, "AWS::EKS::Cluster");
    let vpc_config = &eks[0].1["Properties"]["ResourcesVpcConfig"];
    assert_eq!(vpc_config["SubnetIds"], serde_json::json!(PRIVATE));
    let groups = resources_of(&cluster, "AWS::EKS::Nodegroup");
    assert_eq!(groups[0].1["Properties"]["Subnets"], serde_json::json!(PRIVATE));
    for (_, group) in resources_of(&cluster, "AWS::EC2::SecurityGroup") {
        assert_eq!(group["Properties"]["VpcId"], VPC);
    }

    let subnet_groups = resources_of(&data, "AWS::RDS::DBSubnetGroup");
    assert_eq!(subnet_groups[0].1["Properties"]["SubnetIds"], serde_json::json!(ISOLATED));
    for (_, group) in resources_of(&data, "AWS::EC2::SecurityGroup") {
        assert_eq!(group["Properties"]["VpcId"], VPC);
    }
}

#[test]
fn the_controllers_and_workloads_see_the_given_network() {
    let (app, _) = platform(attributes());
    let assembly = app.synth().unwrap();
    // The load balancer controller is given the literal id, not a placeholder.
    let lbc = object(&assembly, "Deployment", "aws-load-balancer-controller").to_string();
    assert!(lbc.contains(&format!("--aws-vpc-id={VPC}")), "{lbc}");
    // The workload's egress to the database: the given isolated blocks, on 5432.
    let policy = object(&assembly, "NetworkPolicy", "api-allow-egress");
    for cidr in ["10.1.100.0/24", "10.1.101.0/24"] {
        let opened =
            policy["spec"]["egress"].as_array().unwrap().iter().any(|r| {
                r["to"][0]["ipBlock"]["cidr"] == cidr && r["ports"] == json!([{"port": 5432, "protocol": "TCP"}])
            });
        assert!(opened, "no egress to {cidr}: {policy}");
    }
}

#[test]
fn the_referenced_vpc_is_never_tagged() {
    let (app, _) = platform(attributes());
    let assembly = app.synth().unwrap();
    for (name, bytes) in &assembly.files {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("kubernetes.io/cluster/"), "{name} tags a subnet for the cluster");
    }
}

fn assert_problem(err: &str, path: &str, message: &str, hint: &str) {
    assert!(err.contains(&format!("{path}: {message}")), "missing '{path}: {message}' in:\n{err}");
    assert!(err.contains(&format!("hint: {hint}")), "missing hint '{hint}' in:\n{err}");
}

fn reference_error(attributes: VpcAttributes) -> String {
    let (app, prod) = app();
    synth_error(&app, Vpc::from_attributes(&prod.stack("cluster"), "Vpc", attributes))
}

#[test]
fn malformed_ids_are_reported_at_once() {
    let err = reference_error(
        VpcAttributes::new("vpc-123", "10.1.0.0/16".parse().unwrap())
            .private(subnet("us-east-1a", "subnet-0A1B2C3D", "10.1.0.0/19", "rtb-0a1b2c3d"))
            .private(subnet("us-east-1b", "subnet-0a1b2c3d", "10.1.32.0/19", "subnet-0a1b2c3e")),
    );
    let path = "prod/cluster/Vpc";
    assert_problem(&err, path, "'vpc-123' is not a VPC id", "write the VPC id as EC2 shows it: vpc- and 8 or 17");
    assert_problem(
        &err,
        path,
        "'subnet-0A1B2C3D' is not a subnet id",
        "write the subnet id as EC2 shows it: subnet- and 8 or 17 lower-case hexadecimal",
    );
    assert_problem(
        &err,
        path,
        "'subnet-0a1b2c3e' is not a route table id",
        "write the route table id as EC2 shows it: rtb- and 8 or 17",
    );
}

#[test]
fn zones_must_be_in_the_stacks_region() {
    let err = reference_error(
        VpcAttributes::new(VPC, "10.1.0.0/16".parse().unwrap())
            .private(subnet("eu-west-1a", PRIVATE[0], "10.1.0.0/19", "rtb-0a1b2c3d"))
            .private(subnet("us-east-1", PRIVATE[1], "10.1.32.0/19", "rtb-0a1b2c3d")),
    );
    assert_problem(
        &err,
        "prod/cluster/Vpc",
        "availability zone 'eu-west-1a' is not in us-east-1, the region of the VPC's stack",
        "give the zone's name, such as us-east-1a",
    );
    assert!(err.contains("availability zone 'us-east-1' is not in us-east-1"), "{err}");
}

#[test]
fn subnet_blocks_lie_inside_the_vpc_and_apart() {
    let err = reference_error(
        VpcAttributes::new(VPC, "10.1.0.0/16".parse().unwrap())
            .private(subnet("us-east-1a", PRIVATE[0], "10.2.0.0/19", "rtb-0a1b2c3d"))
            .private(subnet("us-east-1b", PRIVATE[1], "10.1.32.0/19", "rtb-0a1b2c3d"))
            .isolated(subnet("us-east-1b", ISOLATED[0], "10.1.40.0/24", "rtb-0a1b2c3d")),
    );
    let path = "prod/cluster/Vpc";
    assert_problem(
        &err,
        path,
        &format!("subnet {}'s block 10.2.0.0/19 is outside the VPC's block 10.1.0.0/16", PRIVATE[0]),
        "give the subnet's block as `aws ec2 describe-subnets` shows it",
    );
    assert_problem(
        &err,
        path,
        &format!("subnet {}'s block 10.1.40.0/24 overlaps subnet {}'s 10.1.32.0/19", ISOLATED[0], PRIVATE[1]),
        "check the blocks: subnets of one VPC never overlap",
    );
}

#[test]
fn a_subnet_listed_twice_and_no_subnets_are_reported() {
    let twice = reference_error(
        VpcAttributes::new(VPC, "10.1.0.0/16".parse().unwrap())
            .private(subnet("us-east-1a", PRIVATE[0], "10.1.0.0/19", "rtb-0a1b2c3d"))
            .isolated(subnet("us-east-1a", PRIVATE[0], "10.1.0.0/19", "rtb-0a1b2c3d")),
    );
    assert_problem(
        &twice,
        "prod/cluster/Vpc",
        &format!("subnet {} is listed twice", PRIVATE[0]),
        "list each subnet once",
    );
    let none = reference_error(VpcAttributes::new(VPC, "10.1.0.0/16".parse().unwrap()));
    assert_problem(
        &none,
        "prod/cluster/Vpc",
        &format!("the referenced VPC {VPC} lists no subnets"),
        "add its subnets with VpcAttributes::public/private/isolated",
    );
}

/// The attributes with every private and isolated subnet in us-east-1a.
fn one_zone() -> VpcAttributes {
    VpcAttributes::new(VPC, "10.1.0.0/16".parse().unwrap())
        .private(subnet("us-east-1a", PRIVATE[0], "10.1.0.0/19", "rtb-0a1b2c3d"))
        .private(subnet("us-east-1a", PRIVATE[1], "10.1.32.0/19", "rtb-0a1b2c3d"))
        .isolated(subnet("us-east-1a", ISOLATED[0], "10.1.100.0/24", "rtb-0a1b2c3d"))
        .load_balancer_tags(true)
}

#[test]
fn consumers_that_need_two_zones_say_so() {
    let (app, _) = platform(one_zone());
    let err = error_text(app.synth());
    assert_problem(
        &err,
        "prod/cluster/Cluster",
        "EKS needs subnets in at least two availability zones, but the VPC's private subnets are all in us-east-1a",
        "list the existing VPC's private subnets of a second zone too (VpcAttributes::private)",
    );
    assert_problem(
        &err,
        "prod/data/Orders",
        "the VPC's isolated subnets are in 1 zone",
        "list the existing VPC's isolated subnets of a second zone too (VpcAttributes::isolated)",
    );
}

#[test]
fn the_load_balancer_controller_needs_the_tags_said() {
    let (untagged, _) = platform(attributes().load_balancer_tags(false));
    assert_problem(
        &error_text(untagged.synth()),
        "prod/cluster/Cluster",
        "the load balancer controller picks subnets by tags the program cannot add to a referenced VPC",
        "tag the existing public subnets kubernetes.io/role/elb=1",
    );
    // Without the controller, nothing needs the tags.
    let (app, prod) = app();
    let stack = prod.stack("cluster");
    let vpc = Vpc::from_attributes(&stack, "Vpc", attributes().load_balancer_tags(false)).unwrap();
    let props =
        EksClusterProps { load_balancer_controller: false, ..EksClusterProps::new(&vpc, KubernetesVersion::V1_36) };
    let cluster = EksCluster::new(&stack, "Cluster", props).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    app.synth().unwrap();
}

#[test]
fn a_rejected_reference_rejects_its_consumers_quietly() {
    let (app, _) = platform(
        attributes().subnet(SubnetKind::Isolated, subnet("us-east-1a", "subnet-x", "10.1.102.0/24", "rtb-0a1b2c3d")),
    );
    let err = error_text(app.synth());
    assert!(err.contains("prod/cluster/Vpc: 'subnet-x' is not a subnet id"), "{err}");
    assert!(!err.contains("prod/cluster/Cluster:"), "{err}");
    assert!(!err.contains("prod/data/Orders:"), "{err}");
}
