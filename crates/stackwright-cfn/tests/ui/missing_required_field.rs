// A type with required properties has no `Default`: a struct literal must name them.
use stackwright_cfn::ec2;

fn main() {
    let _subnet = ec2::Subnet {
        cidr_block: Some("10.0.0.0/24".into()),
        ..Default::default()
    };
}
