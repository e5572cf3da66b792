//! VPC endpoints: an S3 gateway on the non-public route tables and interface endpoints in the
//! private (or isolated) subnets, behind a security group that admits HTTPS from the VPC.

use stackwright_cfn::ec2;
use stackwright_core::{Pseudo, Resource, Result, Val};

use super::{Subnet, SubnetKind, Vpc, no_egress};

/// An AWS service reachable through an interface VPC endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterfaceEndpoint {
    /// `ecr.api`: ECR's API (image manifests, authorization tokens).
    EcrApi,
    /// `ecr.dkr`: ECR's Docker registry (image pulls).
    EcrDocker,
    /// `sts`: STS (IRSA and Pod Identity credentials).
    Sts,
    /// `logs`: CloudWatch Logs.
    Logs,
    /// `eks`: the EKS API.
    Eks,
    /// `ec2`: the EC2 API.
    Ec2,
    /// `elasticloadbalancing`: the ELB API (the load balancer controller).
    ElasticLoadBalancing,
    /// `autoscaling`: the Auto Scaling API (the cluster autoscaler).
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

crate::internal::setters::setters! { VpcEndpoints {
    value s3_gateway: bool,
    list interface: InterfaceEndpoint,
} }

impl VpcEndpoints {
    /// The S3 gateway and every interface endpoint a private cluster needs.
    pub fn private_cluster() -> Self {
        VpcEndpoints { s3_gateway: true, interface: InterfaceEndpoint::PRIVATE_CLUSTER.to_vec() }
    }
}

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
