//! [`Vpc::from_attributes`]: a VPC that already exists, described by its attributes (its id and
//! block, and per tier the subnets with their zone, id, block and route table), so that
//! clusters, node groups and databases can be built in it.
//!
//! A referenced VPC adds nothing to any template: its ids are the literal strings given, so a
//! consumer in any stack renders them as they are (no `Ref`, no cross-stack parameter). Synth
//! cannot ask AWS whether they exist, so it checks what can be checked offline — the id
//! formats, the zones against the stack's region, the blocks against each other — and
//! consumers check what they need (two zones for EKS and RDS, the load balancer tags).

use std::cell::RefCell;
use std::collections::BTreeSet;

use stackwright_core::{Attr, Construct, Node, Problems, Region, Result, Value};

use super::{Subnet, SubnetKind, Vpc};
use crate::network::Ipv4Cidr;

/// One existing subnet of a referenced VPC: its availability zone, id, block and the id of the
/// route table associated with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingSubnet {
    /// The zone, such as `us-east-1a` (in the region of the VPC's stack).
    pub availability_zone: String,
    /// The subnet's id, `subnet-` and 8 or 17 hexadecimal digits.
    pub subnet_id: String,
    /// The subnet's block, inside the VPC's.
    pub cidr: Ipv4Cidr,
    /// The id of its route table, `rtb-` and 8 or 17 hexadecimal digits (several subnets may
    /// share one).
    pub route_table_id: String,
}

impl ExistingSubnet {
    /// A subnet from its zone, id, block and route table id (as the EC2 console or
    /// `aws ec2 describe-subnets` / `describe-route-tables` show them).
    pub fn new(
        availability_zone: impl Into<String>,
        subnet_id: impl Into<String>,
        cidr: Ipv4Cidr,
        route_table_id: impl Into<String>,
    ) -> ExistingSubnet {
        ExistingSubnet {
            availability_zone: availability_zone.into(),
            subnet_id: subnet_id.into(),
            cidr,
            route_table_id: route_table_id.into(),
        }
    }
}

/// What [`Vpc::from_attributes`] needs to know of an existing VPC.
///
/// Every subnet belongs to one tier: public (routes to an internet gateway), private (egress
/// through NAT: EKS puts its nodes there) or isolated (no route out: databases go there). A
/// tier's subnets are listed in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcAttributes {
    /// The VPC's id, `vpc-` and 8 or 17 hexadecimal digits.
    pub vpc_id: String,
    /// The VPC's (primary) block; every subnet's block lies inside it.
    pub cidr: Ipv4Cidr,
    /// The subnets, each with its tier's kind. Default: none.
    pub subnets: Vec<(SubnetKind, ExistingSubnet)>,
    /// Whether the public subnets carry `kubernetes.io/role/elb: 1` and the private ones
    /// `kubernetes.io/role/internal-elb: 1`, the tags the AWS Load Balancer Controller picks
    /// subnets by. A referenced VPC is not changed by the program, so a cluster that runs the
    /// controller requires this to be said. Default: false.
    pub load_balancer_tags: bool,
}

impl VpcAttributes {
    /// The attributes of the VPC `vpc_id` with the block `cidr`, with no subnets yet.
    pub fn new(vpc_id: impl Into<String>, cidr: Ipv4Cidr) -> VpcAttributes {
        VpcAttributes { vpc_id: vpc_id.into(), cidr, subnets: Vec::new(), load_balancer_tags: false }
    }

    /// Adds a subnet of the public tier.
    #[must_use]
    pub fn public(self, subnet: ExistingSubnet) -> Self {
        self.subnet(SubnetKind::Public, subnet)
    }

    /// Adds a subnet of the private tier (egress through NAT).
    #[must_use]
    pub fn private(self, subnet: ExistingSubnet) -> Self {
        self.subnet(SubnetKind::PrivateWithEgress, subnet)
    }

    /// Adds a subnet of the isolated tier (no route out of the VPC).
    #[must_use]
    pub fn isolated(self, subnet: ExistingSubnet) -> Self {
        self.subnet(SubnetKind::Isolated, subnet)
    }

    /// Adds a subnet of the tier of `kind`.
    #[must_use]
    pub fn subnet(mut self, kind: SubnetKind, subnet: ExistingSubnet) -> Self {
        self.subnets.push((kind, subnet));
        self
    }

    /// Says whether the subnets already carry the load balancer role tags (see the field).
    #[must_use]
    pub fn load_balancer_tags(mut self, tagged: bool) -> Self {
        self.load_balancer_tags = tagged;
        self
    }
}

/// What a [`Vpc`] knows of the existing VPC it refers to, beyond what every VPC has.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Referenced {
    /// The subnets carry the load balancer role tags (see [`VpcAttributes::load_balancer_tags`]).
    pub(crate) load_balancer_tags: bool,
}

impl Vpc {
    /// A VPC that already exists, from its attributes: the same handle as [`Vpc::new`] gives,
    /// whose ids are the literal strings given. Nothing is added to any template; the VPC is
    /// never changed (no subnet tags, flow logs, endpoints or default security group rules:
    /// those are [`VpcProps`](super::VpcProps) of a VPC the program creates).
    ///
    /// Build it in the stack of the constructs that use it; they may be in other stacks of the
    /// same environment too, and then get the same literal ids.
    ///
    /// ```
    /// use stackwright_constructs::{ExistingSubnet, Vpc, VpcAttributes};
    /// use stackwright_core::{Account, App, Region};
    ///
    /// let app = App::new("demo");
    /// let cluster = app.environment("prod", Account::new("123456789012")?, Region::UsEast1).stack("cluster");
    /// let attributes = VpcAttributes::new("vpc-0a1b2c3d4e5f60718", "10.1.0.0/16".parse()?)
    ///     .private(ExistingSubnet::new("us-east-1a", "subnet-0a1b2c3d4e5f60001", "10.1.0.0/19".parse()?, "rtb-0a1b2c3d4e5f60001"))
    ///     .private(ExistingSubnet::new("us-east-1b", "subnet-0a1b2c3d4e5f60002", "10.1.32.0/19".parse()?, "rtb-0a1b2c3d4e5f60002"));
    /// let vpc = Vpc::from_attributes(&cluster, "Vpc", attributes)?;
    /// assert!(vpc.is_referenced());
    /// assert_eq!(vpc.availability_zones(), ["us-east-1a", "us-east-1b"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. Every problem of `attributes` at once —
    /// a malformed VPC, subnet or route table id, a zone outside the stack's region, a subnet
    /// block outside the VPC's or overlapping another, a subnet listed twice, no subnets at
    /// all — and a bad or duplicate `id` or a scope outside a stack, is recorded at the VPC's
    /// path and reported by synth; the VPC is then rejected, and so are the constructs given it.
    pub fn from_attributes(scope: &impl Construct, id: &str, attributes: VpcAttributes) -> Result<Vpc> {
        let mut problems = Problems::for_child(scope, id);
        let (_, environment) = problems.place("a referenced Vpc")?;
        check(&attributes, environment.region(), &mut problems);
        Ok(Vpc::referenced_from(problems, environment.region(), &attributes))
    }

    /// The handle of an existing VPC whose attributes were checked into `problems` (or that is
    /// rejected for the problems found there).
    pub(super) fn referenced_from(problems: Problems, region: Region, attributes: &VpcAttributes) -> Vpc {
        let node = problems.add_node();
        let subnets: Vec<Subnet> = attributes
            .subnets
            .iter()
            .map(|(kind, s)| Subnet {
                tier: kind.label().to_string(),
                kind: *kind,
                availability_zone: s.availability_zone.clone(),
                cidr: s.cidr.net(),
                subnet_id: literal(&node, &s.subnet_id),
                route_table_id: literal(&node, &s.route_table_id),
            })
            .collect();
        let azs: BTreeSet<String> = subnets.iter().map(|s| s.availability_zone.clone()).collect();
        Vpc {
            vpc_id: literal(&node, &attributes.vpc_id),
            node,
            region,
            cidr: attributes.cidr.net(),
            azs: azs.into_iter().collect(),
            subnets,
            tagged: RefCell::new(Vec::new()),
            clusters: RefCell::new(Vec::new()),
            referenced: Some(Referenced { load_balancer_tags: attributes.load_balancer_tags }),
        }
    }

    /// True for a VPC from [`Vpc::from_attributes`]: one that exists already, which the
    /// program uses but never changes.
    pub fn is_referenced(&self) -> bool {
        self.referenced.is_some()
    }

    /// What is known of the existing VPC this one refers to; `None` for a VPC the program
    /// creates.
    pub(crate) fn referenced(&self) -> Option<Referenced> {
        self.referenced
    }
}

/// The id as a literal value of kind `K`: the attributes were checked (`check`), and synth
/// renders the string as it is. A rejected VPC's ids are values synth never renders.
fn literal<K>(node: &Node, id: &str) -> Attr<K> {
    if node.is_rejected() { node.rejected_attr() } else { Attr::from_value_unchecked(Value::from(id)) }
}

/// Every problem of `attributes`, recorded at once.
pub(super) fn check(attributes: &VpcAttributes, region: Region, problems: &mut Problems) {
    check_id(problems, "VPC id", "vpc", &attributes.vpc_id);
    if attributes.subnets.is_empty() {
        problems.push(
            format!("the referenced VPC {} lists no subnets", attributes.vpc_id),
            "add its subnets with VpcAttributes::public/private/isolated(ExistingSubnet::new(zone, subnet id, cidr, route table id))",
        );
    }
    let vpc = attributes.cidr.net();
    let mut seen: Vec<&ExistingSubnet> = Vec::new();
    for (_, subnet) in &attributes.subnets {
        check_id(problems, "subnet id", "subnet", &subnet.subnet_id);
        check_id(problems, "route table id", "rtb", &subnet.route_table_id);
        check_zone(problems, region, &subnet.availability_zone);
        let block = subnet.cidr.net();
        if block.trunc() != block {
            problems.push(
                format!("subnet {}'s block {block} has host bits set", subnet.subnet_id),
                format!("write the network address: {}", block.trunc()),
            );
        }
        if !vpc.contains(&block) {
            problems.push(
                format!("subnet {}'s block {block} is outside the VPC's block {vpc}", subnet.subnet_id),
                "give the subnet's block as `aws ec2 describe-subnets` shows it, and the VPC's primary block",
            );
        }
        if seen.iter().any(|s| s.subnet_id == subnet.subnet_id) {
            problems.push(format!("subnet {} is listed twice", subnet.subnet_id), "list each subnet once, in one tier");
        } else if let Some(other) = seen.iter().find(|s| s.cidr.net().contains(&block) || block.contains(&s.cidr.net()))
        {
            problems.push(
                format!(
                    "subnet {}'s block {block} overlaps subnet {}'s {}",
                    subnet.subnet_id, other.subnet_id, other.cidr
                ),
                "check the blocks: subnets of one VPC never overlap",
            );
        }
        seen.push(subnet);
    }
}

/// `prefix-` followed by 8 or 17 lower-case hexadecimal digits, as EC2 writes its ids.
pub(crate) fn check_id(problems: &mut Problems, what: &str, prefix: &str, id: &str) {
    let well_formed = id.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('-')).is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    });
    if !well_formed {
        problems.push(
            format!("'{id}' is not a {what}"),
            format!("write the {what} as EC2 shows it: {prefix}- and 8 or 17 lower-case hexadecimal digits"),
        );
    }
}

/// The zone is the stack's region followed by one zone letter.
fn check_zone(problems: &mut Problems, region: Region, zone: &str) {
    let in_region = zone
        .strip_prefix(region.as_str())
        .is_some_and(|letter| letter.len() == 1 && letter.chars().all(|c| c.is_ascii_lowercase()));
    if !in_region {
        problems.push(
            format!("availability zone '{zone}' is not in {region}, the region of the VPC's stack"),
            format!(
                "give the zone's name, such as {region}a, or build the VPC in a stack of the environment in the VPC's region"
            ),
        );
    }
}
