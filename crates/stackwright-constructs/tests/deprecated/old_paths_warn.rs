// The module paths of 0.1 still resolve, and every use of one warns with the new path (denied
// here, so the warning shows as an error): a type, an enum variant, a constant.
#![deny(deprecated)]

use stackwright_constructs::eks_cluster::EksClusterProps;

fn main() {
    let _ = stackwright_constructs::vpc::NatGateways::OnePerAz;
    let _ = stackwright_constructs::github::WORKFLOWS_DIR;
    let _: Option<EksClusterProps<'static>> = None;
}
