//! Shared by the tests of Vpc, EksCluster, NodeGroup and EcrRepo: building apps, synthesizing
//! them, reading templates and errors.
#![allow(dead_code)]

use stackwright_core::{Account, App, Assembly, Environment, Region};

pub(crate) fn app() -> (App, Environment) {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    (app, prod)
}

/// The template of `stack` (`prod-network`, …) as JSON.
pub(crate) fn template(assembly: &Assembly, stack: &str) -> serde_json::Value {
    let file = format!("{stack}.template.json");
    let bytes = assembly.files.get(&file).unwrap_or_else(|| panic!("no {file} in {:?}", assembly.files.keys()));
    serde_json::from_slice(bytes).unwrap()
}

/// The resources of a template of one type, by logical id.
pub(crate) fn resources_of<'a>(
    template: &'a serde_json::Value,
    kind: &str,
) -> Vec<(&'a String, &'a serde_json::Value)> {
    template["Resources"].as_object().unwrap().iter().filter(|(_, r)| r["Type"] == kind).collect()
}

/// What synth reports after a constructor that recorded its problems in the tree: the
/// constructor itself returns its (rejected) handle.
pub(crate) fn synth_error<T>(app: &stackwright_core::App, built: stackwright_core::Result<T>) -> String {
    if let Err(e) = built {
        panic!("the constructor should record its problems, not return them: {e}");
    }
    error_text(app.synth())
}

/// The error text of a failed result.
pub(crate) fn error_text<T>(result: stackwright_core::Result<T>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// Snapshots `value` as `name` in the top-level `snapshots/constructs` folder.
#[macro_export]
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/constructs"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_json_snapshot!($name, $value);
        })
    };
}

/// The VPC of DESIGN §1 (10.0.0.0/16, two zones, a NAT gateway per zone) in the stack
/// `network` of `env`.
pub(crate) fn reference_vpc(env: &Environment) -> stackwright_constructs::Vpc {
    use stackwright_constructs::{NatGateways, Vpc, VpcProps};
    Vpc::new(
        &env.stack("network"),
        "Vpc",
        VpcProps {
            cidr: "10.0.0.0/16".parse().unwrap(),
            max_azs: 2,
            nat_gateways: NatGateways::OnePerAz,
            ..Default::default()
        },
    )
    .unwrap()
}

/// The reference platform of DESIGN §1 (network, cluster, node groups), as the constructs
/// build it.
pub(crate) fn platform() -> (App, stackwright_constructs::EksCluster) {
    use stackwright_constructs::{EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps};
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let platform = prod.stack("cluster");
    let cluster = EksCluster::new(&platform, "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36)).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    NodeGroup::new(&cluster, "Spot", NodeGroupProps::spot(["t3.large", "t3a.large"], 0..=4)).unwrap();
    (app, cluster)
}

/// Writes the assembly to a fresh directory under `/tmp` for the validators; returns it.
pub(crate) fn write_out(assembly: &Assembly, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("stackwright-constructs-{name}"));
    assembly.write_to(&dir).unwrap();
    dir
}
