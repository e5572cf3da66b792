//! [`Vpc`]: a VPC over several availability zones with public, private and isolated subnet
//! tiers, NAT gateways, flow logs, optional VPC endpoints and a default security group left
//! with no rules.
//!
//! Synth never asks AWS anything: availability zones come from the region's known letters
//! (`max_azs`) or are listed explicitly, and subnet CIDRs are computed here
//! ([`crate::cidr`]), so the template holds literal blocks that reviewers can read.

use std::cell::RefCell;

use ipnet::Ipv4Net;
use stackwright_cfn::{Tag, ec2};
use stackwright_core::{Attr, Construct, Node, Pseudo, Region, Resource, Result, Val, Value};

use crate::arn;
use crate::cidr::{self, AllocationError, BlockRequest, Ipv4Cidr};
use crate::default_security_group;
use crate::encryption_key::{encryption_key, logs_may_encrypt};
use crate::iam::{PolicyDocument, Statement};
use crate::log_group::{DEFAULT_RETENTION_DAYS, check_retention, encrypted_log_group, log_group_name};
use crate::problems::Problems;
use crate::service_role::{RoleSpec, service_role, service_trust};

stackwright_core::string_kinds! {
    /// The id of a VPC (`vpc-…`).
    VpcId,
    /// The id of a subnet (`subnet-…`).
    SubnetId,
    /// The id of a route table (`rtb-…`).
    RouteTableId,
    /// The id of a security group (`sg-…`).
    SecurityGroupId,
}

/// What a subnet tier is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubnetKind {
    /// Routes to an internet gateway: load balancers and NAT gateways. Instances get no public
    /// IP by default.
    Public,
    /// Routes outbound traffic through a NAT gateway: nodes and pods.
    PrivateWithEgress,
    /// No route out of the VPC (VPC endpoints still work): databases.
    Isolated,
}

impl SubnetKind {
    fn label(self) -> &'static str {
        match self {
            SubnetKind::Public => "Public",
            SubnetKind::PrivateWithEgress => "Private",
            SubnetKind::Isolated => "Isolated",
        }
    }
}

/// One subnet tier: a subnet of `cidr_mask` in every availability zone.
#[derive(Debug, Clone, PartialEq)]
pub struct SubnetConfig {
    /// The tier's name; it names the subnets (`PublicSubnet1`), so it must be letters and digits.
    pub name: String,
    pub kind: SubnetKind,
    /// The prefix length of each subnet (16 to 28).
    pub cidr_mask: u8,
    /// Explicit blocks, one per availability zone, instead of computed ones: pin them when an
    /// existing VPC must keep its subnets while tiers or zones change.
    pub cidrs: Vec<Ipv4Cidr>,
}

impl SubnetConfig {
    /// A public tier named `Public`.
    pub fn public(cidr_mask: u8) -> Self {
        SubnetConfig { name: "Public".into(), kind: SubnetKind::Public, cidr_mask, cidrs: Vec::new() }
    }

    /// A private tier with egress through NAT, named `Private`.
    pub fn private(cidr_mask: u8) -> Self {
        SubnetConfig { name: "Private".into(), kind: SubnetKind::PrivateWithEgress, cidr_mask, cidrs: Vec::new() }
    }

    /// An isolated tier named `Isolated`.
    pub fn isolated(cidr_mask: u8) -> Self {
        SubnetConfig { name: "Isolated".into(), kind: SubnetKind::Isolated, cidr_mask, cidrs: Vec::new() }
    }

    /// Renames the tier.
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// Pins the tier's blocks, one per availability zone in order.
    pub fn with_cidrs(mut self, cidrs: impl IntoIterator<Item = Ipv4Cidr>) -> Self {
        self.cidrs = cidrs.into_iter().collect();
        self
    }
}

/// How private subnets reach the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NatGateways {
    /// One NAT gateway in each zone's public subnet: a zone outage cuts no other zone off.
    #[default]
    OnePerAz,
    /// One NAT gateway for all zones: cheaper, but a single point of failure.
    Single,
    /// No NAT gateway: only public and isolated tiers are possible.
    None,
}

/// VPC flow logs to CloudWatch Logs.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowLogs {
    /// Days the log group keeps records (a value CloudWatch Logs accepts; default 365).
    pub retention_days: u32,
    /// Which traffic to record.
    pub traffic: FlowLogTraffic,
}

impl Default for FlowLogs {
    fn default() -> Self {
        FlowLogs { retention_days: DEFAULT_RETENTION_DAYS, traffic: FlowLogTraffic::All }
    }
}

/// The traffic a flow log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlowLogTraffic {
    #[default]
    All,
    Accept,
    Reject,
}

/// An AWS service reachable through an interface VPC endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterfaceEndpoint {
    EcrApi,
    EcrDocker,
    Sts,
    Logs,
    Eks,
    Ec2,
    ElasticLoadBalancing,
    AutoScaling,
}

impl InterfaceEndpoint {
    /// Every endpoint a cluster without internet access needs to pull images, assume IRSA roles,
    /// ship logs, and run the autoscaler and load balancer controller.
    pub const PRIVATE_CLUSTER: [InterfaceEndpoint; 8] = [
        InterfaceEndpoint::EcrApi,
        InterfaceEndpoint::EcrDocker,
        InterfaceEndpoint::Sts,
        InterfaceEndpoint::Logs,
        InterfaceEndpoint::Eks,
        InterfaceEndpoint::Ec2,
        InterfaceEndpoint::ElasticLoadBalancing,
        InterfaceEndpoint::AutoScaling,
    ];

    /// The service name suffix (`com.amazonaws.<region>.<suffix>`).
    pub fn service(self) -> &'static str {
        match self {
            InterfaceEndpoint::EcrApi => "ecr.api",
            InterfaceEndpoint::EcrDocker => "ecr.dkr",
            InterfaceEndpoint::Sts => "sts",
            InterfaceEndpoint::Logs => "logs",
            InterfaceEndpoint::Eks => "eks",
            InterfaceEndpoint::Ec2 => "ec2",
            InterfaceEndpoint::ElasticLoadBalancing => "elasticloadbalancing",
            InterfaceEndpoint::AutoScaling => "autoscaling",
        }
    }

    fn id(self) -> &'static str {
        match self {
            InterfaceEndpoint::EcrApi => "EcrApiEndpoint",
            InterfaceEndpoint::EcrDocker => "EcrDockerEndpoint",
            InterfaceEndpoint::Sts => "StsEndpoint",
            InterfaceEndpoint::Logs => "LogsEndpoint",
            InterfaceEndpoint::Eks => "EksEndpoint",
            InterfaceEndpoint::Ec2 => "Ec2Endpoint",
            InterfaceEndpoint::ElasticLoadBalancing => "ElasticLoadBalancingEndpoint",
            InterfaceEndpoint::AutoScaling => "AutoScalingEndpoint",
        }
    }
}

/// VPC endpoints: traffic to AWS services that stays inside the VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcEndpoints {
    /// An S3 gateway endpoint on the route tables of the non-public subnets (free; image
    /// layers from ECR come from S3). Default: on.
    pub s3_gateway: bool,
    /// Interface endpoints in the private subnets (billed per hour and zone). Default: none.
    pub interface: Vec<InterfaceEndpoint>,
}

impl Default for VpcEndpoints {
    fn default() -> Self {
        VpcEndpoints { s3_gateway: true, interface: Vec::new() }
    }
}

impl VpcEndpoints {
    /// The S3 gateway and every interface endpoint a private cluster needs.
    pub fn private_cluster() -> Self {
        VpcEndpoints { s3_gateway: true, interface: InterfaceEndpoint::PRIVATE_CLUSTER.to_vec() }
    }
}

/// The properties of a [`Vpc`]. Every field has a production-safe default.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcProps {
    /// The VPC's block, /16 to /28 (default `10.0.0.0/16`).
    pub cidr: Ipv4Cidr,
    /// Use the region's first `max_azs` availability zones (default 3, capped at what the
    /// region has). Ignored when `availability_zones` is set.
    pub max_azs: usize,
    /// Explicit availability zones (`us-east-1a`, …), in order.
    pub availability_zones: Vec<String>,
    /// Default: one NAT gateway per zone.
    pub nat_gateways: NatGateways,
    /// Default: `Public` /24 and `Private` /19 (room for the pods of the VPC CNI).
    pub subnets: Vec<SubnetConfig>,
    /// Default: on, all traffic, one year. `None` turns flow logs off.
    pub flow_logs: Option<FlowLogs>,
    /// Default: the S3 gateway endpoint only.
    pub endpoints: VpcEndpoints,
    /// Remove every rule of the VPC's default security group (default: on), so nothing placed
    /// in it by mistake can talk. See `docs/constructs/vpc.md` for how, without a Lambda.
    pub restrict_default_security_group: bool,
}

impl Default for VpcProps {
    fn default() -> Self {
        VpcProps {
            cidr: Ipv4Net::new(std::net::Ipv4Addr::new(10, 0, 0, 0), 16).unwrap_or_default().into(),
            max_azs: 3,
            availability_zones: Vec::new(),
            nat_gateways: NatGateways::OnePerAz,
            subnets: vec![SubnetConfig::public(24), SubnetConfig::private(19)],
            flow_logs: Some(FlowLogs::default()),
            endpoints: VpcEndpoints::default(),
            restrict_default_security_group: true,
        }
    }
}

/// A subnet of a [`Vpc`].
#[derive(Debug, Clone)]
pub struct Subnet {
    tier: String,
    kind: SubnetKind,
    availability_zone: String,
    cidr: Ipv4Net,
    subnet_id: Attr<SubnetId>,
    route_table_id: Attr<RouteTableId>,
}

impl Subnet {
    pub fn subnet_id(&self) -> Attr<SubnetId> {
        self.subnet_id.clone()
    }

    pub fn route_table_id(&self) -> Attr<RouteTableId> {
        self.route_table_id.clone()
    }

    pub fn kind(&self) -> SubnetKind {
        self.kind
    }

    /// The tier's name.
    pub fn tier(&self) -> &str {
        &self.tier
    }

    pub fn availability_zone(&self) -> &str {
        &self.availability_zone
    }

    pub fn cidr(&self) -> Ipv4Net {
        self.cidr
    }
}

/// A subnet resource and its tags, kept so that clusters created later can add theirs.
struct TaggedSubnet {
    resource: Resource<ec2::Subnet>,
    tags: Vec<(String, String)>,
}

/// A VPC with subnet tiers over several availability zones.
///
/// ```
/// use stackwright_constructs::vpc::{NatGateways, Vpc, VpcProps};
/// use stackwright_core::{Account, App, Region};
///
/// let app = App::new("demo");
/// let network = app.environment("prod", Account::new("123456789012")?, Region::UsEast1).stack("network");
/// let vpc = Vpc::new(&network, "Vpc", VpcProps {
///     cidr: "10.0.0.0/16".parse()?,
///     max_azs: 2,
///     nat_gateways: NatGateways::OnePerAz,
///     ..Default::default()
/// })?;
/// assert_eq!(vpc.availability_zones(), ["us-east-1a", "us-east-1b"]);
/// assert_eq!(vpc.private_subnets()[0].cidr().to_string(), "10.0.0.0/19");
/// app.synth()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Vpc {
    node: Node,
    region: Region,
    cidr: Ipv4Net,
    azs: Vec<String>,
    vpc_id: Attr<VpcId>,
    subnets: Vec<Subnet>,
    tagged: RefCell<Vec<TaggedSubnet>>,
    clusters: RefCell<Vec<String>>,
}

/// A subnet before it exists.
struct Planned {
    tier: usize,
    az: usize,
    cidr: Ipv4Net,
}

impl Vpc {
    /// Adds a VPC below `scope` (inside a stack). Returns every problem of `props` at once.
    pub fn new(scope: &impl Construct, id: &str, props: VpcProps) -> Result<Vpc> {
        let stack = scope.node().require_stack("a Vpc")?;
        let region = stack.region();
        let mut problems = Problems::for_child(scope, id);
        let azs = resolve_azs(&props, region, &mut problems);
        let planned = plan(&props, &azs, &mut problems);
        check_props(&props, &mut problems);
        problems.finish()?;
        let node = scope.node().add_child(id)?;
        build(node, region, props, azs, planned)
    }

    pub fn vpc_id(&self) -> Attr<VpcId> {
        self.vpc_id.clone()
    }

    pub fn cidr(&self) -> Ipv4Net {
        self.cidr
    }

    pub fn region(&self) -> Region {
        self.region
    }

    /// The availability zones, in order.
    pub fn availability_zones(&self) -> &[String] {
        &self.azs
    }

    /// Every subnet, tier by tier, zone by zone.
    pub fn subnets(&self) -> &[Subnet] {
        &self.subnets
    }

    /// The subnets of one kind.
    pub fn subnets_of(&self, kind: SubnetKind) -> Vec<&Subnet> {
        self.subnets.iter().filter(|s| s.kind == kind).collect()
    }

    pub fn public_subnets(&self) -> Vec<&Subnet> {
        self.subnets_of(SubnetKind::Public)
    }

    pub fn private_subnets(&self) -> Vec<&Subnet> {
        self.subnets_of(SubnetKind::PrivateWithEgress)
    }

    pub fn isolated_subnets(&self) -> Vec<&Subnet> {
        self.subnets_of(SubnetKind::Isolated)
    }

    /// The ids of the subnets of one kind, as a list property value.
    pub fn subnet_ids(&self, kind: SubnetKind) -> Val<Vec<String>> {
        Val::<Vec<String>>::of(self.subnets_of(kind).iter().map(|s| s.subnet_id().into()))
    }

    /// Tags every subnet `kubernetes.io/cluster/<name>: shared`, so that Kubernetes
    /// controllers know a cluster uses them. Called by `EksCluster`.
    pub fn tag_for_cluster(&self, cluster_name: &str) -> Result<()> {
        if self.clusters.borrow().iter().any(|c| c == cluster_name) {
            return Ok(());
        }
        self.clusters.borrow_mut().push(cluster_name.to_string());
        for subnet in self.tagged.borrow_mut().iter_mut() {
            subnet.tags.push((format!("kubernetes.io/cluster/{cluster_name}"), "shared".into()));
            subnet.resource.set_property("Tags", tags_value(&subnet.tags))?;
        }
        Ok(())
    }
}

impl Construct for Vpc {
    fn node(&self) -> &Node {
        &self.node
    }
}

/// `us-east-1b` as `${AWS::Region}b`: the same zone, written relative to the stack's region
/// (the zone was checked against the region at synth).
fn zone_in_region(region: Region, zone: &str) -> Val<String> {
    let letter = zone.strip_prefix(region.as_str()).unwrap_or(zone);
    Val::<String>::sub([Pseudo::Region.into(), letter.into()])
}

fn tags_value(tags: &[(String, String)]) -> Value {
    Value::List(
        tags.iter()
            .map(|(k, v)| Value::map([("Key", Value::from(k.as_str())), ("Value", Value::from(v.as_str()))]))
            .collect(),
    )
}

fn resolve_azs(props: &VpcProps, region: Region, problems: &mut Problems) -> Vec<String> {
    let letters = region.az_letters();
    if props.availability_zones.is_empty() {
        if props.max_azs == 0 {
            problems.push("max_azs is 0: a VPC needs at least one availability zone", "set max_azs to 2 or more");
            return Vec::new();
        }
        return region.availability_zones(props.max_azs.min(letters.len())).unwrap_or_default();
    }
    let mut seen = Vec::new();
    for az in &props.availability_zones {
        let suffix = az.strip_prefix(region.as_str()).filter(|s| s.len() == 1);
        match suffix {
            Some(letter) if letters.contains(letter) => {}
            _ => problems.push(
                format!("'{az}' is not an availability zone of {region} that every account has"),
                format!(
                    "use one of {}",
                    letters.chars().map(|c| format!("{region}{c}")).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
        if seen.contains(az) {
            problems.push(format!("availability zone '{az}' is listed twice"), "list each zone once");
        }
        seen.push(az.clone());
    }
    props.availability_zones.clone()
}

/// Checks the tiers and computes every subnet's block.
fn plan(props: &VpcProps, azs: &[String], problems: &mut Problems) -> Vec<Planned> {
    let vpc = props.cidr.net();
    if !(16..=28).contains(&vpc.prefix_len()) {
        let size = if vpc.prefix_len() < 16 { "large" } else { "small" };
        problems.push(
            format!("VPC CIDR {vpc} is too {size}: AWS accepts /16 to /28"),
            "use a block between /16 (65,536 addresses) and /28 (16), such as 10.0.0.0/16",
        );
        return Vec::new();
    }
    if !cidr::is_network_address(vpc) {
        problems
            .push(format!("VPC CIDR {vpc} has host bits set"), format!("write the network address: {}", vpc.trunc()));
        return Vec::new();
    }
    if props.subnets.is_empty() {
        problems
            .push("the VPC has no subnet tiers", "add at least SubnetConfig::private(19) (and a public tier for NAT)");
        return Vec::new();
    }
    let mut ok = true;
    for (i, tier) in props.subnets.iter().enumerate() {
        if tier.name.is_empty() || !tier.name.chars().all(|c| c.is_ascii_alphanumeric()) {
            problems.push(
                format!("subnet tier name '{}' is not letters and digits", tier.name),
                "name tiers like 'Public', 'Private' or 'Data': the name is part of the subnets' ids",
            );
            ok = false;
        }
        if props.subnets[..i].iter().any(|t| t.name.eq_ignore_ascii_case(&tier.name)) {
            problems.push(format!("subnet tier name '{}' is used twice", tier.name), "give each tier its own name");
            ok = false;
        }
        if tier.cidrs.is_empty() {
            if !(16..=28).contains(&tier.cidr_mask) {
                problems.push(
                    format!("subnet tier '{}' has mask /{}: AWS accepts /16 to /28", tier.name, tier.cidr_mask),
                    "use a mask between /16 and /28, such as /24 for public and /19 for private subnets",
                );
                ok = false;
            } else if tier.cidr_mask < vpc.prefix_len() {
                problems.push(
                    format!(
                        "subnet tier '{}' asks for /{} subnets, larger than the VPC itself ({vpc})",
                        tier.name, tier.cidr_mask
                    ),
                    format!("use a mask of /{} or more, or a larger VPC CIDR", vpc.prefix_len()),
                );
                ok = false;
            }
        } else {
            if tier.cidrs.len() != azs.len() {
                problems.push(
                    format!(
                        "subnet tier '{}' pins {} CIDR block(s) but the VPC has {} availability zone(s)",
                        tier.name,
                        tier.cidrs.len(),
                        azs.len()
                    ),
                    "pin exactly one block per availability zone, in zone order",
                );
                ok = false;
            }
            for block in &tier.cidrs {
                if !(16..=28).contains(&block.prefix_len()) || !cidr::is_network_address(block.net()) {
                    problems.push(
                        format!("subnet tier '{}' pins {block}, which is not a /16 to /28 network address", tier.name),
                        format!("write it as {}", block.trunc()),
                    );
                    ok = false;
                }
            }
        }
    }
    if !ok || azs.is_empty() {
        return Vec::new();
    }
    let mut requests = Vec::new();
    let mut owners = Vec::new();
    for (t, tier) in props.subnets.iter().enumerate() {
        for az in 0..azs.len() {
            requests.push(match tier.cidrs.get(az) {
                Some(block) => BlockRequest::Fixed(block.net()),
                None => BlockRequest::Prefix(tier.cidr_mask),
            });
            owners.push((t, az));
        }
    }
    let name = |i: usize| {
        let (t, az) = owners[i];
        format!("{} subnet {}", props.subnets[t].name, az + 1)
    };
    match cidr::allocate(vpc, &requests) {
        Ok(blocks) => blocks
            .into_iter()
            .zip(owners.iter())
            .map(|(cidr, (tier, az))| Planned { tier: *tier, az: *az, cidr })
            .collect(),
        Err(AllocationError::NoRoom { index, needed, available }) => {
            let total: u64 = requests
                .iter()
                .map(|r| match r {
                    BlockRequest::Prefix(p) => 1u64 << (32 - u32::from(*p)),
                    BlockRequest::Fixed(b) => cidr::size(*b),
                })
                .sum();
            problems.push(
                format!(
                    "the subnets do not fit in {vpc}: {} needs {needed} addresses but only {available} are left \
                     (all tiers need {total} of the VPC's {})",
                    name(index),
                    cidr::size(vpc)
                ),
                "use a larger VPC CIDR, smaller subnet masks, fewer tiers or fewer availability zones",
            );
            Vec::new()
        }
        Err(AllocationError::Overlap { a, b }) => {
            let block = |i: usize| match requests[i] {
                BlockRequest::Fixed(b) => b.to_string(),
                BlockRequest::Prefix(p) => format!("/{p}"),
            };
            problems.push(
                format!("{} ({}) overlaps {} ({})", name(b), block(b), name(a), block(a)),
                "pin blocks that do not overlap, or leave the tier's cidrs empty to have them computed",
            );
            Vec::new()
        }
        Err(AllocationError::Outside { index, block }) => {
            problems.push(
                format!("{} ({block}) is outside the VPC CIDR {vpc}", name(index)),
                format!("pin a block inside {vpc}"),
            );
            Vec::new()
        }
        Err(AllocationError::BadPrefix { index, prefix }) => {
            problems.push(format!("{} asks for an impossible /{prefix}", name(index)), "use /16 to /28");
            Vec::new()
        }
    }
}

fn check_props(props: &VpcProps, problems: &mut Problems) {
    let has = |kind: SubnetKind| props.subnets.iter().any(|t| t.kind == kind);
    if props.nat_gateways != NatGateways::None && !has(SubnetKind::Public) {
        problems.push(
            format!("nat_gateways is {:?} but there is no public subnet tier to put them in", props.nat_gateways),
            "add SubnetConfig::public(24), or set nat_gateways: NatGateways::None and use isolated tiers",
        );
    }
    if props.nat_gateways == NatGateways::None && has(SubnetKind::PrivateWithEgress) {
        problems.push(
            "a private subnet tier with egress needs NAT gateways, but nat_gateways is None",
            "set nat_gateways to OnePerAz or Single, or make the tier SubnetConfig::isolated",
        );
    }
    if let Some(flow_logs) = &props.flow_logs {
        check_retention(problems, "flow log", flow_logs.retention_days);
    }
    if !props.endpoints.interface.is_empty() && !has(SubnetKind::PrivateWithEgress) && !has(SubnetKind::Isolated) {
        problems.push(
            "interface endpoints need a private or isolated subnet tier to live in",
            "add a private tier, or remove the interface endpoints",
        );
    }
    for (i, e) in props.endpoints.interface.iter().enumerate() {
        if props.endpoints.interface[..i].contains(e) {
            problems.push(format!("interface endpoint {e:?} is listed twice"), "list each endpoint once");
        }
    }
}

fn build(node: Node, region: Region, props: VpcProps, azs: Vec<String>, planned: Vec<Planned>) -> Result<Vpc> {
    let app = node.app_name();
    let name_tag = |n: &Node| Tag::new("Name", format!("{app}/{}", n.path()));
    let vpc = Resource::new(
        &node,
        "Resource",
        ec2::Vpc::new()
            .with_cidr_block(props.cidr.to_string())
            .with_enable_dns_hostnames(true)
            .with_enable_dns_support(true)
            .with_tags([name_tag(&node)]),
    )?;
    let vpc_id: Attr<VpcId> = vpc.vpc_id().cast();
    let has_public = props.subnets.iter().any(|t| t.kind == SubnetKind::Public);

    let internet = if has_public {
        let igw = Resource::new(&node, "InternetGateway", ec2::InternetGateway::new().with_tags([name_tag(&node)]))?;
        let attachment = Resource::new(
            &node,
            "GatewayAttachment",
            ec2::VpcGatewayAttachment::new(&vpc_id).with_internet_gateway_id(igw.internet_gateway_id()),
        )?;
        Some((igw, attachment))
    } else {
        None
    };

    // Subnets, numbered per tier in zone order: PublicSubnet1, PublicSubnet2, PrivateSubnet1, …
    let mut subnets = Vec::new();
    let mut tagged = Vec::new();
    let mut nat_ids: Vec<Attr<String>> = Vec::new();
    let mut private_routes: Vec<(Node, Attr<String>, usize)> = Vec::new();
    for p in &planned {
        let tier = &props.subnets[p.tier];
        let sub_node = node.add_child(&format!("{}Subnet{}", tier.name, p.az + 1))?;
        let mut tags = vec![
            ("Name".to_string(), format!("{app}/{}", sub_node.path())),
            ("stackwright:subnet-tier".to_string(), tier.name.clone()),
            ("stackwright:subnet-type".to_string(), tier.kind.label().to_string()),
        ];
        match tier.kind {
            SubnetKind::Public => tags.push(("kubernetes.io/role/elb".into(), "1".into())),
            SubnetKind::PrivateWithEgress => tags.push(("kubernetes.io/role/internal-elb".into(), "1".into())),
            SubnetKind::Isolated => {}
        }
        let subnet = Resource::new(
            &sub_node,
            "Resource",
            ec2::Subnet::new(&vpc_id)
                .with_availability_zone(zone_in_region(region, &azs[p.az]))
                .with_cidr_block(p.cidr.to_string())
                .with_map_public_ip_on_launch(false)
                .with_tags(tags.iter().map(|(k, v)| Tag::new(k.as_str(), v.as_str()))),
        )?;
        let route_table =
            Resource::new(&sub_node, "RouteTable", ec2::RouteTable::new(&vpc_id).with_tags([name_tag(&sub_node)]))?;
        Resource::new(
            &sub_node,
            "RouteTableAssociation",
            ec2::SubnetRouteTableAssociation::new(route_table.route_table_id(), subnet.subnet_id()),
        )?;
        match tier.kind {
            SubnetKind::Public => {
                if let Some((igw, attachment)) = &internet {
                    let route = Resource::new(
                        &sub_node,
                        "DefaultRoute",
                        ec2::Route::new(route_table.route_table_id())
                            .with_destination_cidr_block("0.0.0.0/0")
                            .with_gateway_id(igw.internet_gateway_id()),
                    )?;
                    route.node().add_dependency(attachment);
                    let first_public_tier = props.subnets.iter().position(|t| t.kind == SubnetKind::Public);
                    let wants_nat = match props.nat_gateways {
                        NatGateways::OnePerAz => true,
                        NatGateways::Single => p.az == 0,
                        NatGateways::None => false,
                    };
                    if wants_nat && first_public_tier == Some(p.tier) {
                        let eip = Resource::new(
                            &sub_node,
                            "Eip",
                            ec2::Eip::new().with_domain("vpc").with_tags([name_tag(&sub_node)]),
                        )?;
                        let nat = Resource::new(
                            &sub_node,
                            "NatGateway",
                            ec2::NatGateway::new()
                                .with_allocation_id(eip.allocation_id())
                                .with_subnet_id(subnet.subnet_id())
                                .with_tags([name_tag(&sub_node)]),
                        )?;
                        nat.node().add_dependency(attachment);
                        nat_ids.push(nat.nat_gateway_id());
                    }
                }
            }
            SubnetKind::PrivateWithEgress => {
                private_routes.push((sub_node.clone(), route_table.route_table_id(), p.az));
            }
            SubnetKind::Isolated => {}
        }
        subnets.push(Subnet {
            tier: tier.name.clone(),
            kind: tier.kind,
            availability_zone: azs[p.az].clone(),
            cidr: p.cidr,
            subnet_id: subnet.subnet_id().cast(),
            route_table_id: route_table.route_table_id().cast(),
        });
        tagged.push(TaggedSubnet { resource: subnet, tags });
    }
    for (sub_node, route_table_id, az) in private_routes {
        // One NAT per zone: the zone's own; a single NAT: the only one.
        if let Some(nat) = nat_ids.get(az).or(nat_ids.first()) {
            Resource::new(
                &sub_node,
                "DefaultRoute",
                ec2::Route::new(route_table_id).with_destination_cidr_block("0.0.0.0/0").with_nat_gateway_id(nat),
            )?;
        }
    }

    let vpc_handle = Vpc {
        node: node.clone(),
        region,
        cidr: props.cidr.net(),
        azs,
        vpc_id,
        subnets,
        tagged: RefCell::new(tagged),
        clusters: RefCell::new(Vec::new()),
    };
    if let Some(flow_logs) = &props.flow_logs {
        add_flow_logs(&vpc_handle, flow_logs)?;
    }
    add_endpoints(&vpc_handle, &props.endpoints)?;
    if props.restrict_default_security_group {
        default_security_group::restrict(&node, vpc.default_security_group().cast())?;
    }
    Ok(vpc_handle)
}

fn add_flow_logs(vpc: &Vpc, flow_logs: &FlowLogs) -> Result<()> {
    let scope = vpc.node.add_child("FlowLog")?;
    let name = log_group_name(&["stackwright", &scope.app_name(), &vpc.node.path(), "flow-logs"]);
    let key = encryption_key(
        &scope,
        "Key",
        &format!("Encrypts the VPC flow logs of {}", vpc.node.path()),
        vec![logs_may_encrypt(vpc.region.as_str(), &name)],
    )?;
    let group = encrypted_log_group(&scope, "LogGroup", &name, flow_logs.retention_days, key.arn())?;
    let log_group_arn = |suffix: &str| arn::regional("logs", [format!("log-group:{name}{suffix}").into()]);
    let trust = service_trust("vpc-flow-logs.amazonaws.com", &["sts:AssumeRole"])
        .condition("StringEquals", "aws:SourceAccount", [Value::Pseudo(Pseudo::AccountId)])
        .condition("ArnLike", "aws:SourceArn", [arn::regional("ec2", ["vpc-flow-log/*".into()])]);
    let policy = PolicyDocument::new([
        Statement::allow(
            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            [log_group_arn(":*"), log_group_arn(":log-stream:*")],
        )
        .sid("WriteFlowLogRecords"),
        Statement::allow(["logs:DescribeLogGroups"], [arn::regional("logs", ["log-group:*".into()])])
            .sid("FindTheLogGroup"),
    ]);
    let role = service_role(
        &scope,
        "Role",
        RoleSpec::trusted_by(vec![trust], "Lets VPC Flow Logs write to its log group").inline(policy),
    )?;
    let traffic = match flow_logs.traffic {
        FlowLogTraffic::All => "ALL",
        FlowLogTraffic::Accept => "ACCEPT",
        FlowLogTraffic::Reject => "REJECT",
    };
    Resource::new(
        &scope,
        "Resource",
        ec2::FlowLog::new(&vpc.vpc_id, "VPC")
            .with_traffic_type(traffic)
            .with_log_group_name(group.reference())
            .with_deliver_logs_permission_arn(role.arn())
            .with_tags([Tag::new("Name", format!("{}/{}", scope.app_name(), scope.path()))]),
    )?;
    Ok(())
}

fn add_endpoints(vpc: &Vpc, endpoints: &VpcEndpoints) -> Result<()> {
    let non_public: Vec<&Subnet> = vpc.subnets.iter().filter(|s| s.kind != SubnetKind::Public).collect();
    if endpoints.s3_gateway && !non_public.is_empty() {
        let route_tables = Val::<Vec<String>>::of(non_public.iter().map(|s| s.route_table_id().into()));
        Resource::new(
            &vpc.node,
            "S3Endpoint",
            ec2::VpcEndpoint::new(&vpc.vpc_id)
                .with_service_name(Val::<String>::sub(["com.amazonaws.".into(), Pseudo::Region.into(), ".s3".into()]))
                .with_vpc_endpoint_type("Gateway")
                .with_route_table_ids(route_tables),
        )?;
    }
    if endpoints.interface.is_empty() {
        return Ok(());
    }
    let tier_kind = if vpc.subnets.iter().any(|s| s.kind == SubnetKind::PrivateWithEgress) {
        SubnetKind::PrivateWithEgress
    } else {
        SubnetKind::Isolated
    };
    // One subnet per zone: the first tier of that kind.
    let first_tier = vpc.subnets.iter().find(|s| s.kind == tier_kind).map(|s| s.tier.clone()).unwrap_or_default();
    let subnet_ids =
        Val::<Vec<String>>::of(vpc.subnets.iter().filter(|s| s.tier == first_tier).map(|s| s.subnet_id().into()));
    let group = Resource::new(
        &vpc.node,
        "EndpointSecurityGroup",
        ec2::SecurityGroup::new("HTTPS from inside the VPC to the interface endpoints")
            .with_vpc_id(&vpc.vpc_id)
            .with_security_group_ingress([ec2::security_group::Ingress::new("tcp")
                .with_cidr_ip(vpc.cidr.to_string())
                .with_from_port(443)
                .with_to_port(443)
                .with_description("HTTPS from the VPC")])
            .with_security_group_egress([no_egress()]),
    )?;
    for endpoint in &endpoints.interface {
        Resource::new(
            &vpc.node,
            endpoint.id(),
            ec2::VpcEndpoint::new(&vpc.vpc_id)
                .with_service_name(Val::<String>::sub([
                    "com.amazonaws.".into(),
                    Pseudo::Region.into(),
                    ".".into(),
                    endpoint.service().into(),
                ]))
                .with_vpc_endpoint_type("Interface")
                .with_private_dns_enabled(true)
                .with_subnet_ids(subnet_ids.clone())
                .with_security_group_ids(Val::<Vec<String>>::of([group.group_id().into()])),
        )?;
    }
    Ok(())
}

/// An egress rule that matches no packet: declaring it replaces the allow-all egress rule EC2
/// adds to every new security group (ICMP type 252 code 86 to the broadcast address is never
/// sent).
pub(crate) fn no_egress() -> ec2::security_group::Egress {
    ec2::security_group::Egress::new("icmp")
        .with_cidr_ip("255.255.255.255/32")
        .with_from_port(252)
        .with_to_port(86)
        .with_description("Disallow all egress")
}
