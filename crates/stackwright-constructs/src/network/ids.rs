//! The typed ids of the network resources: the kinds the generated getters return
//! (`stackwright_cfn::kinds`), re-exported. They live apart from [`Vpc`](super::Vpc) so that
//! everything that hands them out or takes them (the VPC, its default security group, the EKS
//! cluster) reads them from one place without importing each other.

pub use stackwright_cfn::kinds::{RouteTableId, SecurityGroupId, SubnetId, VpcId};
