// A boolean property does not take a string.
use stackwright_cfn::ec2;

fn main() {
    let _vpc = ec2::Vpc::new().with_enable_dns_support("yes");
}
