//! What a [`Vpc`](super::Vpc) can be configured with: the VPC's block, zones, subnet tiers, NAT
//! gateways, flow logs and endpoints (checked in `plan.rs`; endpoints added in `endpoints.rs`).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::internal::log_group::DEFAULT_RETENTION_DAYS;
use crate::internal::setters::setters;
use crate::network::cidr::Ipv4Cidr;

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
    pub(super) fn label(self) -> &'static str {
        match self {
            SubnetKind::Public => "Public",
            SubnetKind::PrivateWithEgress => "Private",
            SubnetKind::Isolated => "Isolated",
        }
    }
}

/// One subnet tier: a subnet of `cidr_mask` in every availability zone. Start from
/// [`SubnetConfig::public`], [`private`](SubnetConfig::private) or
/// [`isolated`](SubnetConfig::isolated).
#[derive(Debug, Clone, PartialEq)]
pub struct SubnetConfig {
    /// The tier's name; it names the subnets (`PublicSubnet1`), so it must be letters and
    /// digits. Default: `Public`, `Private` or `Isolated` after the constructor.
    pub name: String,
    /// What the tier is for (routing); set by the constructor.
    pub kind: SubnetKind,
    /// The prefix length of each subnet (16 to 28); required by the constructor.
    pub cidr_mask: u8,
    /// Explicit blocks, one per availability zone, instead of computed ones: pin them when an
    /// existing VPC must keep its subnets while tiers or zones change. Default: none (computed).
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
    #[deprecated(since = "0.2.0", note = "use `name`")]
    #[must_use]
    pub fn named(self, name: &str) -> Self {
        self.name(name)
    }

    /// Pins the tier's blocks, one per availability zone in order.
    #[deprecated(since = "0.2.0", note = "use `cidrs`")]
    #[must_use]
    pub fn with_cidrs(self, cidrs: impl IntoIterator<Item = Ipv4Cidr>) -> Self {
        self.cidrs(cidrs)
    }
}

setters! { SubnetConfig {
    into name: String,
    value kind: SubnetKind,
    value cidr_mask: u8,
    list cidrs: Ipv4Cidr,
} }

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
    /// Days the log group keeps records (a value CloudWatch Logs accepts). Default: 365.
    pub retention_days: u32,
    /// Which traffic to record. Default: all.
    pub traffic: FlowLogTraffic,
}

impl Default for FlowLogs {
    fn default() -> Self {
        FlowLogs { retention_days: DEFAULT_RETENTION_DAYS, traffic: FlowLogTraffic::All }
    }
}

setters! { FlowLogs {
    value retention_days: u32,
    value traffic: FlowLogTraffic,
} }

/// The traffic a flow log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlowLogTraffic {
    /// Accepted and rejected traffic (the default).
    #[default]
    All,
    /// Accepted traffic only.
    Accept,
    /// Rejected traffic only.
    Reject,
}

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
    /// `secretsmanager`: Secrets Manager (a workload reading its database's secret).
    SecretsManager,
    /// `kms`: KMS (decrypting a secret encrypted with a customer-managed key).
    Kms,
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
            InterfaceEndpoint::SecretsManager => "secretsmanager",
            InterfaceEndpoint::Kms => "kms",
        }
    }

    pub(super) fn id(self) -> &'static str {
        match self {
            InterfaceEndpoint::EcrApi => "EcrApiEndpoint",
            InterfaceEndpoint::EcrDocker => "EcrDockerEndpoint",
            InterfaceEndpoint::Sts => "StsEndpoint",
            InterfaceEndpoint::Logs => "LogsEndpoint",
            InterfaceEndpoint::Eks => "EksEndpoint",
            InterfaceEndpoint::Ec2 => "Ec2Endpoint",
            InterfaceEndpoint::ElasticLoadBalancing => "ElasticLoadBalancingEndpoint",
            InterfaceEndpoint::AutoScaling => "AutoScalingEndpoint",
            InterfaceEndpoint::SecretsManager => "SecretsManagerEndpoint",
            InterfaceEndpoint::Kms => "KmsEndpoint",
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

setters! { VpcEndpoints {
    value s3_gateway: bool,
    list interface: InterfaceEndpoint,
} }

impl VpcEndpoints {
    /// The S3 gateway and every interface endpoint a private cluster needs.
    pub fn private_cluster() -> Self {
        VpcEndpoints { s3_gateway: true, interface: InterfaceEndpoint::PRIVATE_CLUSTER.to_vec() }
    }
}

/// The properties of a [`Vpc`](super::Vpc). Every field has a production-safe default.
///
/// ```
/// use stackwright_constructs::{FlowLogs, NatGateways, VpcProps};
/// let props = VpcProps::default().max_azs(2).nat_gateways(NatGateways::Single).flow_logs(FlowLogs::default().retention_days(90));
/// assert_eq!(props.flow_logs.map(|f| f.retention_days), Some(90));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VpcProps {
    /// The VPC's block, /16 to /28. Default: `10.0.0.0/16`.
    pub cidr: Ipv4Cidr,
    /// Use the region's first `max_azs` availability zones; more than the region has for every
    /// account (us-west-1: 2) is an error. Ignored when `availability_zones` is set. Default: 3.
    pub max_azs: usize,
    /// Explicit availability zones (`us-east-1a`, …), in order. Default: none (the first
    /// `max_azs` of the region).
    pub availability_zones: Vec<String>,
    /// How private subnets reach the internet. Default: one NAT gateway per zone.
    pub nat_gateways: NatGateways,
    /// The subnet tiers. Default: `Public` /24 and `Private` /19 (room for the pods of the VPC
    /// CNI).
    pub subnets: Vec<SubnetConfig>,
    /// Flow logs; `None` ([`without_flow_logs`](Self::without_flow_logs)) turns them off.
    /// Default: on, all traffic, one year.
    pub flow_logs: Option<FlowLogs>,
    /// VPC endpoints. Default: the S3 gateway endpoint only.
    pub endpoints: VpcEndpoints,
    /// Remove every rule of the VPC's default security group, so nothing placed in it by
    /// mistake can talk. See `docs/constructs/vpc.md` for how, without a Lambda. Default: on.
    pub restrict_default_security_group: bool,
}

impl Default for VpcProps {
    fn default() -> Self {
        VpcProps {
            cidr: Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 16).into(),
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

setters! { VpcProps {
    value cidr: Ipv4Cidr,
    value max_azs: usize,
    list_into availability_zones: String,
    value nat_gateways: NatGateways,
    list subnets: SubnetConfig,
    some flow_logs: FlowLogs,
    value endpoints: VpcEndpoints,
    value restrict_default_security_group: bool,
} }

impl VpcProps {
    /// Turns flow logs off (`flow_logs: None`).
    #[must_use]
    pub fn without_flow_logs(mut self) -> Self {
        self.flow_logs = None;
        self
    }
}
