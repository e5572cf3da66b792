//! The network the rest runs in: [`Vpc`] (subnet tiers over availability zones, NAT gateways,
//! flow logs, VPC endpoints, a default security group left with no rules — or an existing VPC
//! from its [`VpcAttributes`]), CIDR planning and the typed ids of network resources.
//!
//! Imports only [`crate::iam`] and the crate's internals.

pub(crate) mod cidr;
pub(crate) mod default_security_group;
mod ids;
pub(crate) mod vpc;

pub use cidr::Ipv4Cidr;
pub use ids::{RouteTableId, SecurityGroupId, SubnetId, VpcId};
pub(crate) use vpc::check_id;
pub use vpc::{
    ExistingSubnet, FlowLogTraffic, FlowLogs, InterfaceEndpoint, NatGateways, Subnet, SubnetConfig, SubnetKind, Vpc,
    VpcAttributes, VpcEndpoints, VpcLookup, VpcProps,
};
