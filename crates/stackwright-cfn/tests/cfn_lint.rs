//! Templates built from the generated types pass cfn-lint with no error and no warning.
//!
//! Needs cfn-lint from `tools/install` (`.venv/validators`, or `$STACKWRIGHT_VENV_VALIDATORS`):
//! without it the test fails and says so, it is never skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use stackwright_cfn::kinds::SubnetId;
use stackwright_cfn::{Tag, ec2, eks, iam, kms, logs};
use stackwright_core::{Account, App, Attr, Construct, Pseudo, RawResource, Region, Resource, Stack, Val};

/// `Fn::Select` of availability zone `index` of the stack's region: cfn-lint warns about
/// hard-coded zone names (W3010).
fn az(index: u32) -> Val<String> {
    Val::<String>::select(index, Val::<Vec<String>>::azs())
}

/// An AWS managed policy ARN in the stack's partition.
fn managed_policy(name: &str) -> Val<String> {
    Val::<String>::sub(["arn:".into(), Pseudo::Partition.into(), ":iam::aws:policy/".into(), name.into()])
}

/// A trust policy letting `service` assume the role.
fn assume_role(service: &str) -> serde_json::Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": service },
            "Action": "sts:AssumeRole"
        }]
    })
}

/// A VPC with public and private subnets in two zones, routes through an internet gateway and
/// a NAT gateway; in a second stack, the IAM roles, an EKS cluster and a managed node group,
/// wired to the network through cross-stack references.
fn platform() -> stackwright_core::Result<App> {
    let app = App::new("lint");
    let env = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
    let private_subnets = network(&env.stack("network"))?;
    cluster(&env.stack("cluster"), &private_subnets)?;
    Ok(app)
}

/// The VPC, its internet gateway and public route table, and two zones; returns the private
/// subnets.
fn network(network: &Stack) -> stackwright_core::Result<Vec<Resource<ec2::Subnet>>> {
    let vpc = Resource::new(
        network,
        "Vpc",
        ec2::Vpc::new()
            .with_cidr_block("10.0.0.0/16")
            .with_enable_dns_hostnames(true)
            .with_enable_dns_support(true)
            .with_tags([Tag::new("Name", "lint")]),
    )?;
    let igw = Resource::new(network, "InternetGateway", ec2::InternetGateway::new())?;
    let attachment = Resource::new(
        network,
        "GatewayAttachment",
        ec2::VpcGatewayAttachment::new(vpc.vpc_id()).with_internet_gateway_id(igw.internet_gateway_id()),
    )?;
    let public_routes = Resource::new(network, "PublicRoutes", ec2::RouteTable::new(vpc.vpc_id()))?;
    let default_route = Resource::new(
        network,
        "PublicDefaultRoute",
        ec2::Route::new(public_routes.route_table_id())
            .with_destination_cidr_block("0.0.0.0/0")
            .with_gateway_id(igw.internet_gateway_id()),
    )?;
    default_route.node().add_dependency(&attachment);
    (0..2u32).map(|i| zone(network, i, &vpc, &attachment, &public_routes)).collect()
}

/// Zone `i`: a public subnet with a NAT gateway, and a private subnet routed through it, which
/// is returned.
fn zone(
    network: &Stack,
    i: u32,
    vpc: &Resource<ec2::Vpc>,
    attachment: &Resource<ec2::VpcGatewayAttachment>,
    public_routes: &Resource<ec2::RouteTable>,
) -> stackwright_core::Result<Resource<ec2::Subnet>> {
    let n = i + 1;
    let public = Resource::new(
        network,
        &format!("PublicSubnet{n}"),
        ec2::Subnet::new(vpc.vpc_id())
            .with_availability_zone(az(i))
            .with_cidr_block(format!("10.0.{}.0/20", i * 16))
            .with_map_public_ip_on_launch(false)
            .with_tags([Tag::new("kubernetes.io/role/elb", "1")]),
    )?;
    Resource::new(
        network,
        &format!("PublicSubnet{n}Routes"),
        ec2::SubnetRouteTableAssociation::new(public_routes.route_table_id(), public.subnet_id()),
    )?;
    let private = Resource::new(
        network,
        &format!("PrivateSubnet{n}"),
        ec2::Subnet::new(vpc.vpc_id())
            .with_availability_zone(az(i))
            .with_cidr_block(format!("10.0.{}.0/20", 128 + i * 16))
            .with_tags([Tag::new("kubernetes.io/role/internal-elb", "1")]),
    )?;
    let eip = Resource::new(network, &format!("NatIp{n}"), ec2::Eip::new().with_domain("vpc"))?;
    eip.node().add_dependency(attachment);
    let nat = Resource::new(
        network,
        &format!("Nat{n}"),
        ec2::NatGateway::new().with_allocation_id(eip.allocation_id()).with_subnet_id(public.subnet_id()),
    )?;
    let routes = Resource::new(network, &format!("PrivateRoutes{n}"), ec2::RouteTable::new(vpc.vpc_id()))?;
    Resource::new(
        network,
        &format!("PrivateDefaultRoute{n}"),
        ec2::Route::new(routes.route_table_id())
            .with_destination_cidr_block("0.0.0.0/0")
            .with_nat_gateway_id(nat.reference()),
    )?;
    Resource::new(
        network,
        &format!("PrivateSubnet{n}Routes"),
        ec2::SubnetRouteTableAssociation::new(routes.route_table_id(), private.subnet_id()),
    )?;
    Ok(private)
}

/// The roles, secrets key and log group, the EKS cluster in `private_subnets` and its node
/// group.
fn cluster(cluster_stack: &Stack, private_subnets: &[Resource<ec2::Subnet>]) -> stackwright_core::Result<()> {
    let cluster_role = Resource::new(
        cluster_stack,
        "ClusterRole",
        iam::Role::new(assume_role("eks.amazonaws.com"))
            .with_managed_policy_arns(vec![managed_policy("AmazonEKSClusterPolicy")]),
    )?;
    let node_role = Resource::new(
        cluster_stack,
        "NodeRole",
        iam::Role::new(assume_role("ec2.amazonaws.com")).with_managed_policy_arns(vec![
            managed_policy("AmazonEKSWorkerNodePolicy"),
            managed_policy("AmazonEKS_CNI_Policy"),
            managed_policy("AmazonEC2ContainerRegistryReadOnly"),
        ]),
    )?;
    let secrets_key = Resource::new(
        cluster_stack,
        "SecretsKey",
        kms::Key::new().with_description("EKS secrets encryption").with_enable_key_rotation(true).with_key_policy(
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "AccountAdmin",
                    "Effect": "Allow",
                    "Principal": { "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
                    "Action": "kms:*",
                    "Resource": "*"
                }]
            }),
        ),
    )?;
    let log_group = Resource::new(
        cluster_stack,
        "ControlPlaneLogs",
        logs::LogGroup::new().with_log_group_name("/aws/eks/lint/cluster").with_retention_in_days(90),
    )?;
    let subnet_ids: Vec<_> = private_subnets.iter().map(|s| s.subnet_id()).collect();
    let cluster =
        Resource::new(cluster_stack, "Cluster", eks_cluster(subnet_ids.clone(), &cluster_role, &secrets_key))?;
    cluster.node().add_dependency(&log_group);
    Resource::new(
        cluster_stack,
        "GeneralNodes",
        eks::Nodegroup::new(cluster.reference(), node_role.arn(), subnet_ids)
            .with_ami_type(eks::nodegroup::AmiType::Al2023X8664Standard)
            .with_capacity_type(eks::nodegroup::CapacityType::OnDemand)
            .with_instance_types(["t3.medium"])
            .with_scaling_config(
                eks::nodegroup::ScalingConfig::new().with_min_size(2).with_max_size(6).with_desired_size(2),
            )
            .with_update_config(eks::nodegroup::UpdateConfig::new().with_max_unavailable(1))
            .with_labels([("workload", "general")]),
    )?;
    cluster_stack.add_output("ClusterEndpoint", cluster.endpoint(), Some("API server"));
    Ok(())
}

/// A private cluster with API authentication, envelope encryption of secrets and control plane
/// logs.
fn eks_cluster(
    subnet_ids: Vec<Attr<SubnetId>>,
    role: &Resource<iam::Role>,
    secrets_key: &Resource<kms::Key>,
) -> eks::Cluster {
    eks::Cluster::new(
        eks::cluster::ResourcesVpcConfig::new(subnet_ids)
            .with_endpoint_private_access(true)
            .with_endpoint_public_access(false),
        role.arn(),
    )
    .with_name("lint")
    .with_version("1.33")
    .with_access_config(
        eks::cluster::AccessConfig::new()
            .with_authentication_mode(eks::cluster::AuthenticationMode::Api)
            .with_bootstrap_cluster_creator_admin_permissions(false),
    )
    .with_encryption_config([eks::cluster::EncryptionConfig::new()
        .with_provider(eks::cluster::Provider::new().with_key_arn(secrets_key.arn()))
        .with_resources(["secrets"])])
    .with_logging(eks::cluster::Logging::new().with_cluster_logging(
        eks::cluster::ClusterLogging::new().with_enabled_types([
            eks::cluster::LoggingTypeConfig::new().with_type(eks::cluster::LoggingTypeConfigType::Api),
            eks::cluster::LoggingTypeConfig::new().with_type(eks::cluster::LoggingTypeConfigType::Audit),
        ]),
    ))
}

/// The cfn-lint executable `tools/install` put in the validators venv; panics when missing.
fn cfn_lint() -> PathBuf {
    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates: Vec<PathBuf> = std::env::var_os("STACKWRIGHT_VENV_VALIDATORS")
        .map(|v| PathBuf::from(v).join("bin/cfn-lint"))
        .into_iter()
        .chain([repo_root.join(".venv/validators/bin/cfn-lint")])
        .collect();
    candidates.iter().find(|p| p.is_file()).cloned().unwrap_or_else(|| {
        panic!(
            "cfn-lint is not installed (looked for {}): run tools/install",
            candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )
    })
}

#[test]
fn platform_templates_pass_cfn_lint_with_no_error_and_no_warning() {
    let app = platform().unwrap_or_else(|e| panic!("building the app failed: {e}"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assembly = app.synth_to(&out).unwrap_or_else(|e| panic!("synth failed: {e}"));
    let templates: Vec<PathBuf> = assembly.manifest.stacks.iter().map(|s| out.join(&s.template)).collect();
    assert_eq!(templates.len(), 2);
    // The cluster stack takes the subnets from the network stack's outputs.
    let cluster_stack = &assembly.manifest.stacks[1];
    assert_eq!(cluster_stack.dependencies, ["prod-network"]);
    assert_eq!(cluster_stack.parameters.len(), 2);

    let findings = lint(&templates);
    let failing: Vec<&String> =
        findings.iter().filter(|f| f.starts_with("Error") || f.starts_with("Warning")).collect();
    assert!(
        failing.is_empty(),
        "cfn-lint found {} errors/warnings:\n{}\n(all findings: {})",
        failing.len(),
        failing.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n"),
        findings.join("; ")
    );
}

/// Every generated attribute getter names an attribute cfn-lint knows: a template with an
/// output per getter has no finding but those about the resources' (missing) properties
/// (E3xxx) and about outputs of list or number attributes, which must be strings (E6101 "is
/// not of type 'string'"); an unknown attribute would be E6101 "is not one of".
#[test]
fn every_generated_attribute_is_valid_for_cfn_lint() {
    let app = App::new("lint");
    let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1).stack("attributes");
    let mut count = 0;
    for (i, type_name) in stackwright_cfn::TYPE_NAMES.iter().enumerate() {
        let resource = Resource::new(&stack, &format!("R{i}"), RawResource::new(type_name)).unwrap();
        for (j, name) in stackwright_cfn::attribute_names(type_name).unwrap().iter().enumerate() {
            stack.add_output(&format!("R{i}A{j}"), resource.get_att::<String>(name), None);
            count += 1;
        }
    }
    assert!(count > 50, "only {count} attributes");
    let dir = tempfile::tempdir().unwrap();
    let assembly = app.synth_to(dir.path()).unwrap();
    let template = dir.path().join(&assembly.manifest.stacks[0].template);
    let findings = lint(&[template]);
    let other: Vec<&String> = findings
        .iter()
        .filter(|f| {
            let rule = f.split(' ').nth(1).unwrap_or_default();
            !(rule.starts_with("E3") || (rule == "E6101" && f.ends_with("is not of type 'string'")))
        })
        .collect();
    assert!(other.is_empty(), "findings about the attributes:\n{other:#?}");
}

/// Runs cfn-lint on `templates`; returns its findings as `Level Rule file:line message`.
fn lint(templates: &[PathBuf]) -> Vec<String> {
    let output = Command::new(cfn_lint())
        .args(["--format", "json", "--regions", "us-east-1", "--"])
        .args(templates)
        .output()
        .expect("cfn-lint runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "cfn-lint printed no JSON ({e}; exit {:?}):\n{stdout}\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let describe = |f: &serde_json::Value| {
        format!(
            "{} {} {}:{} {}",
            f["Level"].as_str().unwrap_or("?"),
            f["Rule"]["Id"].as_str().unwrap_or("?"),
            f["Filename"].as_str().map_or("?".into(), |p| {
                Path::new(p).file_name().map_or(p.to_string(), |n| n.to_string_lossy().into())
            }),
            f["Location"]["Start"]["LineNumber"],
            f["Message"].as_str().unwrap_or("?")
        )
    };
    // Exit codes: 2 errors, 4 warnings, 8 informational; anything else is a crash or a
    // usage error.
    let code = output.status.code().unwrap_or(-1);
    assert!(
        (0..16).contains(&code) && (code & 1) == 0,
        "cfn-lint exited with {code}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    findings.iter().map(describe).collect()
}
