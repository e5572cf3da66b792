//! Vpc: subnet plans, routing, flow logs, endpoints, and every bad input reported at once with
//! the construct path and a fix.

mod eks_support;

use eks_support::{app, error_text, resources_of, synth_error, template};
use stackwright_constructs::{
    FlowLogs, InterfaceEndpoint, NatGateways, SubnetConfig, SubnetKind, Vpc, VpcEndpoints, VpcProps,
};
use stackwright_core::{Construct, RawResource, Resource};

fn net(s: &str) -> stackwright_constructs::Ipv4Cidr {
    s.parse().unwrap()
}

/// The error of a Vpc built in `prod/network` with `props`.
fn vpc_error(props: VpcProps) -> String {
    let (app, prod) = app();
    synth_error(&app, Vpc::new(&prod.stack("network"), "Vpc", props))
}

fn assert_problem(err: &str, message: &str, hint: &str) {
    assert!(err.contains(&format!("prod/network/Vpc: {message}")), "missing '{message}' in:\n{err}");
    assert!(err.contains(&format!("hint: {hint}")), "missing hint '{hint}' in:\n{err}");
}

#[test]
fn the_default_vpc_snapshot() {
    let (app, prod) = app();
    let network = prod.stack("network");
    Vpc::new(&network, "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let assembly = app.synth().unwrap();
    crate::snapshot!("vpc-default.template", template(&assembly, "prod-network"));
}

#[test]
fn subnets_are_planned_largest_first_and_routed_per_zone() {
    let (app, prod) = app();
    let network = prod.stack("network");
    let vpc = Vpc::new(&network, "Vpc", VpcProps::default()).unwrap();
    assert_eq!(vpc.availability_zones(), ["us-east-1a", "us-east-1b", "us-east-1c"]);
    let cidrs: Vec<(String, String)> = vpc
        .subnets()
        .iter()
        .map(|s| (format!("{}{}", s.tier(), s.availability_zone()), s.cidr().to_string()))
        .collect();
    assert_eq!(
        cidrs,
        [
            ("Publicus-east-1a".into(), "10.0.96.0/24".into()),
            ("Publicus-east-1b".into(), "10.0.97.0/24".into()),
            ("Publicus-east-1c".into(), "10.0.98.0/24".into()),
            ("Privateus-east-1a".into(), "10.0.0.0/19".into()),
            ("Privateus-east-1b".into(), "10.0.32.0/19".into()),
            ("Privateus-east-1c".into(), "10.0.64.0/19".into()),
        ]
    );
    let t = template(&app.synth().unwrap(), "prod-network");
    assert_eq!(resources_of(&t, "AWS::EC2::NatGateway").len(), 3);
    // Each private subnet routes through the NAT gateway of its own zone.
    for zone in 1..=3 {
        let route = &t["Resources"][format!("VpcPrivateSubnet{zone}DefaultRoute")]["Properties"];
        assert_eq!(route["NatGatewayId"]["Ref"], format!("VpcPublicSubnet{zone}NatGateway"));
    }
    // Public subnets never hand out public IPs; EKS finds them by their role tags.
    let public = &t["Resources"]["VpcPublicSubnet1"]["Properties"];
    assert_eq!(public["MapPublicIpOnLaunch"], false);
    assert!(public["Tags"].as_array().unwrap().iter().any(|t| t["Key"] == "kubernetes.io/role/elb"));
    let private = &t["Resources"]["VpcPrivateSubnet1"]["Properties"];
    assert!(private["Tags"].as_array().unwrap().iter().any(|t| t["Key"] == "kubernetes.io/role/internal-elb"));
    // Zones are written relative to the region, never looked up.
    assert_eq!(public["AvailabilityZone"]["Fn::Sub"], "${AWS::Region}a");
}

#[test]
fn a_single_nat_gateway_serves_every_zone() {
    let (app, prod) = app();
    let network = prod.stack("network");
    Vpc::new(&network, "Vpc", VpcProps { nat_gateways: NatGateways::Single, max_azs: 2, ..Default::default() })
        .unwrap();
    let t = template(&app.synth().unwrap(), "prod-network");
    assert_eq!(resources_of(&t, "AWS::EC2::NatGateway").len(), 1);
    for zone in 1..=2 {
        let route = &t["Resources"][format!("VpcPrivateSubnet{zone}DefaultRoute")]["Properties"];
        assert_eq!(route["NatGatewayId"]["Ref"], "VpcPublicSubnet1NatGateway");
    }
}

#[test]
fn isolated_vpc_with_private_cluster_endpoints() {
    let (app, prod) = app();
    let network = prod.stack("network");
    let vpc = Vpc::new(
        &network,
        "Vpc",
        VpcProps {
            cidr: net("172.16.0.0/20"),
            max_azs: 2,
            nat_gateways: NatGateways::None,
            subnets: vec![SubnetConfig::isolated(22).name("Nodes")],
            endpoints: VpcEndpoints::private_cluster(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(vpc.isolated_subnets().len(), 2);
    let t = template(&app.synth().unwrap(), "prod-network");
    assert!(resources_of(&t, "AWS::EC2::InternetGateway").is_empty());
    assert!(resources_of(&t, "AWS::EC2::NatGateway").is_empty());
    let endpoints = resources_of(&t, "AWS::EC2::VPCEndpoint");
    assert_eq!(endpoints.len(), 1 + InterfaceEndpoint::PRIVATE_CLUSTER.len());
    let ecr = &t["Resources"]["VpcEcrDockerEndpoint"]["Properties"];
    assert_eq!(ecr["ServiceName"]["Fn::Sub"], "com.amazonaws.${AWS::Region}.ecr.dkr");
    assert_eq!(ecr["PrivateDnsEnabled"], true);
    assert_eq!(ecr["SubnetIds"].as_array().unwrap().len(), 2);
    // The endpoints' group admits HTTPS from the VPC only and sends nothing.
    let group = &t["Resources"]["VpcEndpointSecurityGroup"]["Properties"];
    assert_eq!(group["SecurityGroupIngress"][0]["CidrIp"], "172.16.0.0/20");
    assert_eq!(group["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32");
}

#[test]
fn secrets_manager_and_kms_endpoints_for_a_database_client() {
    let (app, prod) = app();
    Vpc::new(
        &prod.stack("network"),
        "Vpc",
        VpcProps::default()
            .endpoints(VpcEndpoints::default().interface([InterfaceEndpoint::SecretsManager, InterfaceEndpoint::Kms])),
    )
    .unwrap();
    let t = template(&app.synth().unwrap(), "prod-network");
    let service = |id: &str| t["Resources"][id]["Properties"]["ServiceName"]["Fn::Sub"].clone();
    assert_eq!(service("VpcSecretsManagerEndpoint"), "com.amazonaws.${AWS::Region}.secretsmanager");
    assert_eq!(service("VpcKmsEndpoint"), "com.amazonaws.${AWS::Region}.kms");
}

#[test]
fn pinned_blocks_are_kept() {
    let (_app, prod) = app();
    let vpc = Vpc::new(
        &prod.stack("network"),
        "Vpc",
        VpcProps {
            max_azs: 2,
            subnets: vec![
                SubnetConfig::public(24).cidrs([net("10.0.0.0/24"), net("10.0.1.0/24")]),
                SubnetConfig::private(20),
            ],
            ..Default::default()
        },
    )
    .unwrap();
    let cidrs: Vec<String> = vpc.subnets().iter().map(|s| s.cidr().to_string()).collect();
    assert_eq!(cidrs, ["10.0.0.0/24", "10.0.1.0/24", "10.0.16.0/20", "10.0.32.0/20"]);
}

#[test]
fn flow_logs_are_encrypted_kept_a_year_and_written_by_a_scoped_role() {
    let (app, prod) = app();
    Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let t = template(&app.synth().unwrap(), "prod-network");
    let group = &t["Resources"]["VpcFlowLogLogGroup"]["Properties"];
    assert_eq!(group["RetentionInDays"], 365);
    assert_eq!(group["KmsKeyId"]["Fn::GetAtt"][0], "VpcFlowLogKey");
    assert_eq!(t["Resources"]["VpcFlowLogKey"]["Properties"]["EnableKeyRotation"], true);
    let role = &t["Resources"]["VpcFlowLogRole"]["Properties"];
    let statements = role["Policies"][0]["PolicyDocument"]["Statement"].as_array().unwrap();
    for s in statements {
        assert_ne!(s["Resource"], "*", "flow log role statement on every resource: {s}");
    }
    assert_eq!(t["Resources"]["VpcFlowLog"]["Properties"]["TrafficType"], "ALL");
}

#[test]
fn the_default_security_group_is_emptied_by_an_aws_runbook_not_a_lambda() {
    let (app, prod) = app();
    Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let t = template(&app.synth().unwrap(), "prod-network");
    let association = &t["Resources"]["VpcRestrictDefaultSecurityGroup"];
    assert_eq!(association["Type"], "AWS::SSM::Association");
    assert_eq!(association["Properties"]["Name"], "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules");
    assert_eq!(
        association["Properties"]["Parameters"]["GroupId"][0]["Fn::GetAtt"],
        serde_json::json!(["Vpc", "DefaultSecurityGroup"])
    );
    assert!(association["Properties"]["WaitForSuccessTimeoutSeconds"].as_i64().unwrap() > 0);
    for (id, r) in t["Resources"].as_object().unwrap() {
        let kind = r["Type"].as_str().unwrap();
        assert!(
            !kind.starts_with("Custom::") && kind != "AWS::CloudFormation::CustomResource",
            "{id} is a custom resource"
        );
        assert_ne!(kind, "AWS::Lambda::Function", "{id} is a Lambda");
    }
}

#[test]
fn clusters_tag_the_subnets_they_use() {
    let (app, prod) = app();
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    vpc.tag_for_cluster("demo-prod").unwrap();
    vpc.tag_for_cluster("demo-prod").unwrap();
    let t = template(&app.synth().unwrap(), "prod-network");
    for (_, subnet) in resources_of(&t, "AWS::EC2::Subnet") {
        let tags = subnet["Properties"]["Tags"].as_array().unwrap();
        let cluster: Vec<_> = tags.iter().filter(|t| t["Key"] == "kubernetes.io/cluster/demo-prod").collect();
        assert_eq!(cluster.len(), 1, "{tags:?}");
        assert_eq!(cluster[0]["Value"], "shared");
    }
    assert_eq!(vpc.subnet_ids(SubnetKind::PrivateWithEgress).value().to_owned(), {
        let ids: Vec<stackwright_core::Value> = vpc.private_subnets().iter().map(|s| s.subnet_id().into()).collect();
        stackwright_core::Value::List(ids)
    });
}

// ---- bad input: each problem names the construct path and how to fix it -----------------------

#[test]
fn vpc_cidr_too_large() {
    let err = vpc_error(VpcProps { cidr: net("10.0.0.0/12"), ..Default::default() });
    assert_problem(&err, "VPC CIDR 10.0.0.0/12 is too large: AWS accepts /16 to /28", "use a block between /16");
}

#[test]
fn vpc_cidr_too_small() {
    let err = vpc_error(VpcProps { cidr: net("10.0.0.0/29"), ..Default::default() });
    assert_problem(&err, "VPC CIDR 10.0.0.0/29 is too small: AWS accepts /16 to /28", "use a block between /16");
}

#[test]
fn vpc_cidr_with_host_bits() {
    let err = vpc_error(VpcProps { cidr: net("10.0.3.7/16"), ..Default::default() });
    assert_problem(&err, "VPC CIDR 10.0.3.7/16 has host bits set", "write the network address: 10.0.0.0/16");
}

#[test]
fn subnets_that_do_not_fit() {
    let err = vpc_error(VpcProps { cidr: net("10.0.0.0/19"), max_azs: 2, ..Default::default() });
    assert_problem(
        &err,
        "the subnets do not fit in 10.0.0.0/19: Private subnet 2 needs 8192 addresses but only 0 are left \
         (all tiers need 16896 of the VPC's 8192)",
        "use a larger VPC CIDR, smaller subnet masks, fewer tiers or fewer availability zones",
    );
}

#[test]
fn overlapping_pinned_subnets() {
    let err = vpc_error(VpcProps {
        max_azs: 2,
        subnets: vec![
            SubnetConfig::public(24).cidrs([net("10.0.0.0/24"), net("10.0.1.0/24")]),
            SubnetConfig::private(20).cidrs([net("10.0.0.0/20"), net("10.0.16.0/20")]),
        ],
        ..Default::default()
    });
    assert_problem(
        &err,
        "Private subnet 1 (10.0.0.0/20) overlaps Public subnet 1 (10.0.0.0/24)",
        "pin blocks that do not overlap",
    );
}

#[test]
fn pinned_subnet_outside_the_vpc() {
    let err = vpc_error(VpcProps {
        max_azs: 2,
        subnets: vec![SubnetConfig::public(24).cidrs([net("10.0.0.0/24"), net("10.9.0.0/24")])],
        ..Default::default()
    });
    assert_problem(
        &err,
        "Public subnet 2 (10.9.0.0/24) is outside the VPC CIDR 10.0.0.0/16",
        "pin a block inside 10.0.0.0/16",
    );
}

#[test]
fn pinned_subnets_must_match_the_zones() {
    let err = vpc_error(VpcProps {
        max_azs: 3,
        subnets: vec![SubnetConfig::public(24).cidrs([net("10.0.0.0/24")])],
        ..Default::default()
    });
    assert_problem(
        &err,
        "subnet tier 'Public' pins 1 CIDR block(s) but the VPC has 3 availability zone(s)",
        "pin exactly one block per availability zone",
    );
}

#[test]
fn subnet_mask_too_small() {
    let err = vpc_error(VpcProps {
        subnets: vec![SubnetConfig::public(24), SubnetConfig::private(29)],
        ..Default::default()
    });
    assert_problem(
        &err,
        "subnet tier 'Private' has mask /29: AWS accepts /16 to /28",
        "use a mask between /16 and /28",
    );
}

#[test]
fn subnet_larger_than_the_vpc() {
    let err = vpc_error(VpcProps {
        cidr: net("10.0.0.0/20"),
        subnets: vec![SubnetConfig::public(24), SubnetConfig::private(18)],
        ..Default::default()
    });
    assert_problem(
        &err,
        "subnet tier 'Private' asks for /18 subnets, larger than the VPC itself (10.0.0.0/20)",
        "use a mask of /20 or more",
    );
}

/// A small VPC with the default tiers: the hint writes the `.subnets([...])` call that fits
/// (public tiers big enough for a load balancer), and that call synthesizes.
#[test]
fn a_small_vpc_gets_tiers_that_fit() {
    let err = vpc_error(VpcProps { cidr: net("10.20.0.0/20"), max_azs: 3, ..Default::default() });
    assert_problem(
        &err,
        "subnet tier 'Private' asks for /19 subnets, larger than the VPC itself (10.20.0.0/20)",
        "use a mask of /20 or more, or a larger VPC CIDR — tiers that fit: \
         .subnets([SubnetConfig::public(27), SubnetConfig::private(22)])",
    );
    let (app, prod) = app();
    let props = VpcProps::default()
        .cidr(net("10.20.0.0/20"))
        .max_azs(3)
        .subnets([SubnetConfig::public(27), SubnetConfig::private(22)]);
    Vpc::new(&prod.stack("network"), "Vpc", props).unwrap();
    app.synth().expect("the hinted tiers fit");
}

/// Three tiers that do not fit: the hint keeps each tier's kind and name.
#[test]
fn tiers_that_do_not_fit_get_a_fitting_suggestion() {
    let tiers = vec![SubnetConfig::public(24), SubnetConfig::private(19), SubnetConfig::isolated(22).name("Data")];
    let err = vpc_error(VpcProps { cidr: net("10.0.0.0/18"), max_azs: 3, subnets: tiers, ..Default::default() });
    assert!(
        err.contains(
            "tiers that fit: .subnets([SubnetConfig::public(26), SubnetConfig::private(21), \
             SubnetConfig::isolated(21).name(\"Data\")])"
        ),
        "{err}"
    );
}

#[test]
fn nat_per_zone_without_a_public_tier() {
    let err = vpc_error(VpcProps { subnets: vec![SubnetConfig::private(19)], ..Default::default() });
    assert_problem(
        &err,
        "nat_gateways is OnePerAz but there is no public subnet tier to put them in",
        "add SubnetConfig::public(24)",
    );
}

#[test]
fn private_egress_without_nat() {
    let err = vpc_error(VpcProps { nat_gateways: NatGateways::None, ..Default::default() });
    assert_problem(
        &err,
        "a private subnet tier with egress needs NAT gateways, but nat_gateways is None",
        "set nat_gateways to OnePerAz or Single, or make the tier SubnetConfig::isolated",
    );
}

#[test]
fn zero_availability_zones() {
    let err = vpc_error(VpcProps { max_azs: 0, ..Default::default() });
    assert_problem(&err, "max_azs is 0: a VPC needs at least one availability zone", "set max_azs to 2 or more");
}

#[test]
fn zones_of_another_region_and_duplicates() {
    let err = vpc_error(VpcProps {
        availability_zones: vec!["us-west-2a".into(), "us-east-1b".into(), "us-east-1b".into()],
        ..Default::default()
    });
    assert_problem(
        &err,
        "'us-west-2a' is not an availability zone of us-east-1 that every account has",
        "use one of us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f",
    );
    assert_problem(&err, "availability zone 'us-east-1b' is listed twice", "list each zone once");
}

#[test]
fn bad_and_duplicate_tier_names() {
    let err = vpc_error(VpcProps {
        subnets: vec![
            SubnetConfig::public(24).name("public-a"),
            SubnetConfig::private(19),
            SubnetConfig::isolated(24).name("private"),
        ],
        ..Default::default()
    });
    assert_problem(&err, "subnet tier name 'public-a' is not letters and digits", "name tiers like 'Public'");
    assert_problem(&err, "subnet tier name 'private' is used twice", "give each tier its own name");
}

#[test]
fn flow_log_retention_cloudwatch_does_not_accept() {
    let err = vpc_error(VpcProps {
        flow_logs: Some(FlowLogs { retention_days: 366, ..Default::default() }),
        ..Default::default()
    });
    assert_problem(&err, "flow log retention of 366 days is not one CloudWatch Logs accepts", "use 365 (the closest)");
}

#[test]
fn interface_endpoints_without_private_subnets() {
    let err = vpc_error(VpcProps {
        nat_gateways: NatGateways::None,
        subnets: vec![SubnetConfig::public(24)],
        endpoints: VpcEndpoints { s3_gateway: false, interface: vec![InterfaceEndpoint::Sts, InterfaceEndpoint::Sts] },
        ..Default::default()
    });
    assert_problem(&err, "interface endpoints need a private or isolated subnet tier to live in", "add a private tier");
    assert_problem(&err, "interface endpoint Sts is listed twice", "list each endpoint once");
}

#[test]
fn every_problem_is_reported_at_once_and_nothing_is_added() {
    let (app, prod) = app();
    let network = prod.stack("network");
    let vpc = Vpc::new(
        &network,
        "Vpc",
        VpcProps {
            max_azs: 0,
            nat_gateways: NatGateways::OnePerAz,
            subnets: vec![SubnetConfig::private(19)],
            flow_logs: Some(FlowLogs { retention_days: 2, ..Default::default() }),
            ..Default::default()
        },
    )
    .unwrap();
    // The rejected Vpc added nothing: its id and subnets are values synth never renders, and
    // a resource using them adds no problem to the VPC's three.
    assert!(vpc.node().is_rejected() && vpc.subnets().is_empty());
    let other = prod.stack("other");
    Resource::new(&other, "Sg", RawResource::new("AWS::EC2::SecurityGroup").with("VpcId", vpc.vpc_id())).unwrap();
    let err = error_text(app.synth());
    assert!(err.starts_with("3 problems found:"), "{err}");
}

#[test]
fn a_vpc_outside_a_stack_is_an_error() {
    let (app, prod) = app();
    let err = synth_error(&app, Vpc::new(&prod, "Vpc", VpcProps::default()));
    assert!(err.contains("prod/Vpc: a Vpc must be created inside a stack"), "{err}");
    assert!(err.contains("hint: pass a stack"), "{err}");
}
