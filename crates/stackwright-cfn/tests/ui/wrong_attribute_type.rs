// A string attribute (a VPC id) does not fit an integer property.
use stackwright_cfn::{ec2, logs};
use stackwright_core::{Account, App, Region, Resource};

fn main() -> stackwright_core::Result<()> {
    let app = App::new("demo");
    let stack = app.environment("dev", Account::new("123456789012")?, Region::UsEast1).stack("s");
    let vpc = Resource::new(&stack, "Vpc", ec2::Vpc::new())?;
    let _logs = logs::LogGroup {
        retention_in_days: Some(vpc.vpc_id().to_val()),
        ..logs::LogGroup::new()
    };
    Ok(())
}
