//! VPC endpoints: an S3 gateway on the non-public route tables and interface endpoints in the
//! private (or isolated) subnets, behind a security group that admits HTTPS from the VPC.

use stackwright_cfn::ec2;
use stackwright_core::{Pseudo, Resource, Result, Val};

use super::{Subnet, SubnetKind, Vpc, VpcEndpoints, no_egress};

pub(super) fn add_endpoints(vpc: &Vpc, endpoints: &VpcEndpoints) -> Result<()> {
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
