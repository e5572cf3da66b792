//! The typed ids of the network resources. They live apart from [`Vpc`](super::Vpc) so that
//! everything that hands them out or takes them (the VPC, its default security group, the EKS
//! cluster) reads them from one place without importing each other.

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
