// Images come from repositories: a VPC has no images.
use stackwright_constructs::{Vpc, VpcProps};
use stackwright_core::{Account, App, Region};

fn main() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default()).unwrap();
    let _ = vpc.image_tag("v1");
}
