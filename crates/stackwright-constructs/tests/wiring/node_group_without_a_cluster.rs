// A node group is created on a cluster; a stack (or anything else) is not one.
use stackwright_constructs::{NodeGroup, NodeGroupProps};
use stackwright_core::{Account, App, Region};

fn main() {
    let app = App::new("demo");
    let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1).stack("cluster");
    let _ = NodeGroup::new(&stack, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6));
}
