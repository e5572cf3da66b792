// A subnet needs its VPC, a node group its cluster, role and subnets.
use stackwright_cfn::{ec2, eks};

fn main() {
    let _subnet = ec2::Subnet::new();
    let _nodes = eks::Nodegroup::new("cluster", "arn:aws:iam::123456789012:role/nodes");
}
