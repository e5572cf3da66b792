// A subnet id is not a VPC id: the getters and `Ref`s listed in kinds.txt return their kind.
use stackwright_cfn::ec2;
use stackwright_cfn::kinds::VpcId;
use stackwright_core::{Account, App, Attr, Region, Resource};

fn main() -> stackwright_core::Result<()> {
    let app = App::new("demo");
    let stack = app.environment("dev", Account::new("123456789012")?, Region::UsEast1).stack("s");
    let vpc = Resource::new(&stack, "Vpc", ec2::Vpc::new())?;
    let subnet = Resource::new(&stack, "Subnet", ec2::Subnet::new(vpc.vpc_id()))?;
    let _by_getter: Attr<VpcId> = subnet.subnet_id();
    let _by_ref: Attr<VpcId> = subnet.reference();
    Ok(())
}
