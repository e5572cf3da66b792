// Ids are typed: a subnet id cannot stand where a VPC id is wanted.
use stackwright_constructs::{Vpc, VpcId, VpcProps};
use stackwright_core::{Account, App, Attr, Region};

fn main() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default()).unwrap();
    let _id: Attr<VpcId> = vpc.private_subnets()[0].subnet_id();
}
