//! Subnet planning, before anything is created: availability zones, every tier's blocks
//! ([`crate::network::cidr`]), and the checks of the properties that span tiers, all reported at once.

use ipnet::Ipv4Net;
use stackwright_core::{Problems, Region};

use super::{NatGateways, SubnetConfig, SubnetKind, VpcProps};
use crate::internal::log_group::check_retention;
use crate::network::cidr::{self, AllocationError, BlockRequest};

/// A subnet before it exists.
pub(super) struct Planned {
    pub(super) tier: usize,
    pub(super) az: usize,
    pub(super) cidr: Ipv4Net,
}

pub(super) fn resolve_azs(props: &VpcProps, region: Region, problems: &mut Problems) -> Vec<String> {
    let letters = region.az_letters();
    if props.availability_zones.is_empty() {
        if props.max_azs == 0 {
            problems.push("max_azs is 0: a VPC needs at least one availability zone", "set max_azs to 2 or more");
            return Vec::new();
        }
        // Never fewer zones than asked for without a word: a VPC that spans fewer zones
        // than the program says tolerates fewer zone failures than its author believes.
        let Some(zones) = region.availability_zones(props.max_azs) else {
            problems.push(
                format!(
                    "max_azs is {}, but {region} has only {} availability zones that every account has",
                    props.max_azs,
                    letters.len()
                ),
                format!(
                    "set max_azs to {} or fewer, or list the zones in availability_zones (one of {})",
                    letters.len(),
                    letters.chars().map(|c| format!("{region}{c}")).collect::<Vec<_>>().join(", ")
                ),
            );
            return Vec::new();
        };
        return zones;
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
pub(super) fn plan(props: &VpcProps, azs: &[String], problems: &mut Problems) -> Vec<Planned> {
    if !check_vpc_cidr(props, problems) {
        return Vec::new();
    }
    let mut ok = true;
    for (i, tier) in props.subnets.iter().enumerate() {
        ok &= check_tier(props, i, tier, azs.len(), problems);
    }
    if !ok || azs.is_empty() {
        return Vec::new();
    }
    allocate_blocks(props, azs.len(), problems)
}

/// The VPC's block is a /16 to /28 network address, and there are tiers to place in it.
fn check_vpc_cidr(props: &VpcProps, problems: &mut Problems) -> bool {
    let vpc = props.cidr.net();
    if !(16..=28).contains(&vpc.prefix_len()) {
        let size = if vpc.prefix_len() < 16 { "large" } else { "small" };
        problems.push(
            format!("VPC CIDR {vpc} is too {size}: AWS accepts /16 to /28"),
            "use a block between /16 (65,536 addresses) and /28 (16), such as 10.0.0.0/16",
        );
        return false;
    }
    if !cidr::is_network_address(vpc) {
        problems
            .push(format!("VPC CIDR {vpc} has host bits set"), format!("write the network address: {}", vpc.trunc()));
        return false;
    }
    if props.subnets.is_empty() {
        problems
            .push("the VPC has no subnet tiers", "add at least SubnetConfig::private(19) (and a public tier for NAT)");
        return false;
    }
    true
}

/// Tier `i`: its name, and either a computable mask or one pinned block per zone.
fn check_tier(props: &VpcProps, i: usize, tier: &SubnetConfig, zones: usize, problems: &mut Problems) -> bool {
    let vpc = props.cidr.net();
    let mut ok = true;
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
                format!(
                    "use a mask of /{} or more, or a larger VPC CIDR{}",
                    vpc.prefix_len(),
                    fitting_tiers(props, zones).map(|s| format!(" — tiers that fit: {s}")).unwrap_or_default()
                ),
            );
            ok = false;
        }
    } else {
        if tier.cidrs.len() != zones {
            problems.push(
                format!(
                    "subnet tier '{}' pins {} CIDR block(s) but the VPC has {} availability zone(s)",
                    tier.name,
                    tier.cidrs.len(),
                    zones
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
    ok
}

/// Places every subnet's block, pinned ones first (see [`cidr::allocate`]); a failure is
/// reported naming the subnet.
fn allocate_blocks(props: &VpcProps, zones: usize, problems: &mut Problems) -> Vec<Planned> {
    let vpc = props.cidr.net();
    let mut requests = Vec::new();
    let mut owners = Vec::new();
    for (t, tier) in props.subnets.iter().enumerate() {
        for az in 0..zones {
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
                format!(
                    "use a larger VPC CIDR, smaller subnet masks, fewer tiers or fewer availability zones{}",
                    fitting_tiers(props, zones).map(|s| format!(" — tiers that fit: {s}")).unwrap_or_default()
                ),
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

/// The program's tiers re-sized to fit the VPC across `zones` zones, as the `.subnets([...])`
/// call to write: public tiers keep room for a load balancer (/24, or /27 in a small VPC, the
/// smallest an ALB accepts) and the other tiers share what is left, the largest masks the
/// allocator can place. `None` when even the smallest subnets do not fit, or a tier pins blocks.
fn fitting_tiers(props: &VpcProps, zones: usize) -> Option<String> {
    let vpc = props.cidr.net();
    if zones == 0 || props.subnets.iter().any(|t| !t.cidrs.is_empty()) {
        return None;
    }
    let public_first = vpc.prefix_len().saturating_add(8).clamp(24, 27);
    for public in public_first..=28 {
        for other in vpc.prefix_len().saturating_add(1)..=28 {
            let mask = |t: &SubnetConfig| if t.kind == SubnetKind::Public { public } else { other };
            let requests: Vec<BlockRequest> =
                props.subnets.iter().flat_map(|t| std::iter::repeat_n(BlockRequest::Prefix(mask(t)), zones)).collect();
            if cidr::allocate(vpc, &requests).is_ok() {
                let tiers: Vec<String> = props
                    .subnets
                    .iter()
                    .map(|t| {
                        let (constructor, default_name) = match t.kind {
                            SubnetKind::Public => ("public", "Public"),
                            SubnetKind::PrivateWithEgress => ("private", "Private"),
                            SubnetKind::Isolated => ("isolated", "Isolated"),
                        };
                        let named =
                            if t.name == default_name { String::new() } else { format!(".name(\"{}\")", t.name) };
                        format!("SubnetConfig::{constructor}({}){named}", mask(t))
                    })
                    .collect();
                return Some(format!(".subnets([{}])", tiers.join(", ")));
            }
        }
    }
    None
}

pub(super) fn check_props(props: &VpcProps, problems: &mut Problems) {
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
