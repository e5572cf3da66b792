//! [`Vpc`]: a VPC over several availability zones with public, private and isolated subnet
//! tiers, NAT gateways, flow logs, optional VPC endpoints and a default security group left
//! with no rules.
//!
//! Synth never asks AWS anything: availability zones come from the region's known letters
//! (`max_azs`) or are listed explicitly, and subnet CIDRs are computed here
//! ([`crate::network::cidr`]), so the template holds literal blocks that reviewers can read.

use std::cell::RefCell;

use ipnet::Ipv4Net;
use stackwright_cfn::{Tag, ec2};
use stackwright_core::{Attr, Construct, Node, Problems, Pseudo, Region, Resource, Result, Val, Value};

use crate::internal::problems::built_or_rejected;
use crate::network::default_security_group;
use crate::network::ids::{RouteTableId, SubnetId, VpcId};

mod endpoints;
mod flow_logs;
mod lookup;
mod plan;
mod props;
mod reference;

use endpoints::add_endpoints;
use flow_logs::add_flow_logs;
pub use lookup::VpcLookup;
use plan::{Planned, check_props, plan, resolve_azs};
pub use props::{
    FlowLogTraffic, FlowLogs, InterfaceEndpoint, NatGateways, SubnetConfig, SubnetKind, VpcEndpoints, VpcProps,
};
use reference::Referenced;
pub(crate) use reference::check_id;
pub use reference::{ExistingSubnet, VpcAttributes};

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
    /// The subnet's id.
    pub fn subnet_id(&self) -> Attr<SubnetId> {
        self.subnet_id.clone()
    }

    /// The id of the subnet's route table.
    pub fn route_table_id(&self) -> Attr<RouteTableId> {
        self.route_table_id.clone()
    }

    /// The tier's kind.
    pub fn kind(&self) -> SubnetKind {
        self.kind
    }

    /// The tier's name.
    pub fn tier(&self) -> &str {
        &self.tier
    }

    /// The availability zone the subnet is in.
    pub fn availability_zone(&self) -> &str {
        &self.availability_zone
    }

    /// The subnet's block.
    pub fn cidr(&self) -> Ipv4Net {
        self.cidr
    }
}

/// A subnet resource and its tags, kept so that clusters created later can add theirs.
struct TaggedSubnet {
    resource: Resource<ec2::Subnet>,
    tags: Vec<(String, String)>,
}

/// A VPC with subnet tiers over several availability zones: one the program creates
/// ([`Vpc::new`]) or one that exists already ([`Vpc::from_attributes`]).
///
/// ```
/// use stackwright_constructs::{NatGateways, Vpc, VpcProps};
/// use stackwright_core::{Account, App, Region};
///
/// let app = App::new("demo");
/// let network = app.environment("prod", Account::new("123456789012")?, Region::UsEast1).stack("network");
/// let props = VpcProps::default().cidr("10.0.0.0/16".parse()?).max_azs(2).nat_gateways(NatGateways::OnePerAz);
/// let vpc = Vpc::new(&network, "Vpc", props)?;
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
    /// `Some` for a VPC that exists already ([`Vpc::from_attributes`]).
    referenced: Option<Referenced>,
}

impl Vpc {
    /// Adds a VPC below `scope` (inside a stack).
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. Every problem of `props` at once — and a
    /// bad or duplicate `id`, or a scope outside a stack — is recorded at the VPC's path and
    /// reported by synth with every other construct's problems; the VPC is then *rejected*: it
    /// adds nothing, its ids are values synth never renders, and a cluster given it checks
    /// only its own props.
    pub fn new(scope: &impl Construct, id: &str, props: VpcProps) -> Result<Vpc> {
        let mut problems = Problems::for_child(scope, id);
        let (_, environment) = problems.place("a Vpc")?;
        let region = environment.region();
        let azs = resolve_azs(&props, region, &mut problems);
        let planned = plan(&props, &azs, &mut problems);
        check_props(&props, &mut problems);
        let node = problems.add_node();
        if node.is_rejected() {
            return Ok(Vpc::rejected(node, region, &props, azs, &planned));
        }
        let (cidr, zones) = (props.cidr, azs.clone());
        built_or_rejected(&node, build(node.clone(), region, props, azs, planned), || {
            Vpc::rejected(node.clone(), region, &VpcProps { cidr, ..VpcProps::default() }, zones, &[])
        })
    }

    /// The handle of a rejected VPC: what the props say (block, zones, the subnets planned), with
    /// ids that are values of a rejected construct.
    fn rejected(node: Node, region: Region, props: &VpcProps, azs: Vec<String>, planned: &[Planned]) -> Vpc {
        let subnets = planned
            .iter()
            .map(|p| Subnet {
                tier: props.subnets[p.tier].name.clone(),
                kind: props.subnets[p.tier].kind,
                availability_zone: azs[p.az].clone(),
                cidr: p.cidr,
                subnet_id: node.rejected_attr(),
                route_table_id: node.rejected_attr(),
            })
            .collect();
        Vpc {
            vpc_id: node.rejected_attr(),
            node,
            region,
            cidr: props.cidr.net(),
            azs,
            subnets,
            tagged: RefCell::new(Vec::new()),
            clusters: RefCell::new(Vec::new()),
            referenced: None,
        }
    }

    /// The VPC's id.
    pub fn vpc_id(&self) -> Attr<VpcId> {
        self.vpc_id.clone()
    }

    /// The VPC's block.
    pub fn cidr(&self) -> Ipv4Net {
        self.cidr
    }

    /// The region the VPC is in (its stack's).
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

    /// The subnets of the public tiers.
    pub fn public_subnets(&self) -> Vec<&Subnet> {
        self.subnets_of(SubnetKind::Public)
    }

    /// The subnets of the private tiers (egress through NAT).
    pub fn private_subnets(&self) -> Vec<&Subnet> {
        self.subnets_of(SubnetKind::PrivateWithEgress)
    }

    /// The subnets of the isolated tiers.
    pub fn isolated_subnets(&self) -> Vec<&Subnet> {
        self.subnets_of(SubnetKind::Isolated)
    }

    /// The ids of the subnets of one kind, as a list property value.
    pub fn subnet_ids(&self, kind: SubnetKind) -> Val<Vec<String>> {
        Val::<Vec<String>>::of(self.subnets_of(kind).iter().map(|s| s.subnet_id().into()))
    }

    /// Tags every subnet `kubernetes.io/cluster/<name>: shared`, so that Kubernetes
    /// controllers know a cluster uses them. Called by `EksCluster`. A referenced VPC
    /// ([`Vpc::from_attributes`]) is never changed: nothing is tagged (the load balancer
    /// controller needs only the role tags, which `EksCluster` requires it to have).
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

fn build(node: Node, region: Region, props: VpcProps, azs: Vec<String>, planned: Vec<Planned>) -> Result<Vpc> {
    let app = node.app_name();
    let vpc = Resource::new(
        &node,
        "Resource",
        ec2::Vpc::new()
            .with_cidr_block(props.cidr.to_string())
            .with_enable_dns_hostnames(true)
            .with_enable_dns_support(true)
            .with_tags([name_tag(&node)]),
    )?;
    // `Ref` rather than `Fn::GetAtt` for the ids: the same values, and what every emulator
    // models (moto 5.2.5 has no `GetAtt` of a route table or an internet gateway).
    let vpc_id: Attr<VpcId> = vpc.reference();
    let has_public = props.subnets.iter().any(|t| t.kind == SubnetKind::Public);

    let internet = if has_public { Some(internet_gateway(&node, &vpc_id)?) } else { None };

    // Subnets, numbered per tier in zone order: PublicSubnet1, PublicSubnet2, PrivateSubnet1, …
    let mut subnets = Vec::new();
    let mut tagged = Vec::new();
    let mut nat_ids: Vec<Attr<String>> = Vec::new();
    let mut private_routes: Vec<(Node, Attr<RouteTableId>, usize)> = Vec::new();
    for p in &planned {
        let tier = &props.subnets[p.tier];
        let sub_node = node.add_child(&format!("{}Subnet{}", tier.name, p.az + 1))?;
        let tags = subnet_tags(&app, &sub_node, tier);
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
            ec2::SubnetRouteTableAssociation::new(route_table.reference(), subnet.reference()),
        )?;
        match tier.kind {
            SubnetKind::Public => {
                if let Some(internet) = &internet
                    && let Some(nat) = public_route(&sub_node, &route_table, &subnet, internet, &props, p)?
                {
                    nat_ids.push(nat);
                }
            }
            SubnetKind::PrivateWithEgress => {
                private_routes.push((sub_node.clone(), route_table.reference(), p.az));
            }
            SubnetKind::Isolated => {}
        }
        subnets.push(Subnet {
            tier: tier.name.clone(),
            kind: tier.kind,
            availability_zone: azs[p.az].clone(),
            cidr: p.cidr,
            subnet_id: subnet.reference(),
            route_table_id: route_table.reference(),
        });
        tagged.push(TaggedSubnet { resource: subnet, tags });
    }
    nat_routes(private_routes, &nat_ids)?;

    let vpc_handle = Vpc {
        node: node.clone(),
        region,
        cidr: props.cidr.net(),
        azs,
        vpc_id,
        subnets,
        tagged: RefCell::new(tagged),
        clusters: RefCell::new(Vec::new()),
        referenced: None,
    };
    if let Some(flow_logs) = &props.flow_logs {
        add_flow_logs(&vpc_handle, flow_logs)?;
    }
    add_endpoints(&vpc_handle, &props.endpoints)?;
    if props.restrict_default_security_group {
        default_security_group::restrict(&node, vpc.default_security_group())?;
    }
    Ok(vpc_handle)
}

/// The private subnets' default routes: to their zone's NAT gateway, or the single one.
fn nat_routes(private_routes: Vec<(Node, Attr<RouteTableId>, usize)>, nat_ids: &[Attr<String>]) -> Result<()> {
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
    Ok(())
}

/// `Name` = `<app>/<construct path>`.
fn name_tag(node: &Node) -> Tag {
    Tag::new("Name", format!("{}/{}", node.app_name(), node.path()))
}

/// The internet gateway and its attachment to the VPC.
fn internet_gateway(
    node: &Node,
    vpc_id: &Attr<VpcId>,
) -> Result<(Resource<ec2::InternetGateway>, Resource<ec2::VpcGatewayAttachment>)> {
    let igw = Resource::new(node, "InternetGateway", ec2::InternetGateway::new().with_tags([name_tag(node)]))?;
    let attachment = Resource::new(
        node,
        "GatewayAttachment",
        ec2::VpcGatewayAttachment::new(vpc_id).with_internet_gateway_id(igw.reference()),
    )?;
    Ok((igw, attachment))
}

/// A subnet's tags: its name and tier, and the role tags the load balancer controller picks
/// subnets by.
fn subnet_tags(app: &str, sub_node: &Node, tier: &SubnetConfig) -> Vec<(String, String)> {
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
    tags
}

/// A public subnet's default route to the internet gateway and, when the subnet hosts one,
/// its NAT gateway (returned).
fn public_route(
    sub_node: &Node,
    route_table: &Resource<ec2::RouteTable>,
    subnet: &Resource<ec2::Subnet>,
    (igw, attachment): &(Resource<ec2::InternetGateway>, Resource<ec2::VpcGatewayAttachment>),
    props: &VpcProps,
    p: &Planned,
) -> Result<Option<Attr<String>>> {
    let route = Resource::new(
        sub_node,
        "DefaultRoute",
        ec2::Route::new(route_table.reference())
            .with_destination_cidr_block("0.0.0.0/0")
            .with_gateway_id(igw.reference()),
    )?;
    route.node().add_dependency(attachment);
    let first_public_tier = props.subnets.iter().position(|t| t.kind == SubnetKind::Public);
    let wants_nat = match props.nat_gateways {
        NatGateways::OnePerAz => true,
        NatGateways::Single => p.az == 0,
        NatGateways::None => false,
    };
    if !(wants_nat && first_public_tier == Some(p.tier)) {
        return Ok(None);
    }
    let eip = Resource::new(sub_node, "Eip", ec2::Eip::new().with_domain("vpc").with_tags([name_tag(sub_node)]))?;
    let nat = Resource::new(
        sub_node,
        "NatGateway",
        ec2::NatGateway::new()
            .with_allocation_id(eip.allocation_id())
            .with_subnet_id(subnet.reference())
            .with_tags([name_tag(sub_node)]),
    )?;
    nat.node().add_dependency(attachment);
    Ok(Some(nat.reference()))
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
