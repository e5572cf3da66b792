// An image's repository is a repository URI, not any attribute.
use stackwright_constructs::{ContainerImage, ImageReference};
use stackwright_constructs::{Vpc, VpcProps};
use stackwright_core::{Account, App, Region};

fn main() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default()).unwrap();
    let _ = ContainerImage::from_repository(vpc.vpc_id(), ImageReference::Tag("v1".into()));
}
