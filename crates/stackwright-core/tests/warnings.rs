//! Warnings: recorded on a node while building, returned by synth with the assembly in tree
//! order at each node's path, never written into the assembly, and errors under `--strict`.

use stackwright_core::report::{render, render_warnings};
use stackwright_core::{Account, App, Construct, Error, RawResource, Region, Resource};

fn app() -> App {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    let network = prod.stack("network");
    let cluster = prod.stack("cluster");
    Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC")).unwrap();
    Resource::new(&cluster, "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    // Recorded out of tree order: the cluster's construct first, then the network's.
    let web = cluster.node().add_child("Web").unwrap();
    web.warn("the web is warned", "say what you mean");
    network.node().warn("the network is warned", "");
    cluster.node().warn("the cluster is warned", "hint two");
    app
}

#[test]
fn synth_returns_every_warning_in_tree_order_with_its_path() {
    let assembly = app().synth().unwrap();
    let got: Vec<(&str, &str, &str)> =
        assembly.warnings.iter().map(|w| (w.path.as_str(), w.message.as_str(), w.hint.as_str())).collect();
    assert_eq!(
        got,
        [
            ("prod/network", "the network is warned", ""),
            ("prod/cluster", "the cluster is warned", "hint two"),
            ("prod/cluster/Web", "the web is warned", "say what you mean"),
        ]
    );
    assert_eq!(
        render_warnings(&assembly.warnings, false),
        "warning: prod/network: the network is warned\n\
         warning: prod/cluster: the cluster is warned\n  hint: hint two\n\
         warning: prod/cluster/Web: the web is warned\n  hint: say what you mean\n\
         warning: 3 warnings found\n"
    );
    let dir = tempfile::tempdir().unwrap();
    assembly.write_to(&dir.path().join("out")).unwrap();
    for entry in std::fs::read_dir(dir.path().join("out")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(!text.contains("warned"), "a warning was written into the assembly");
    }
}

#[test]
fn strict_turns_the_warnings_into_errors() {
    let err = match app().synth().unwrap().warnings_as_errors() {
        Ok(_) => panic!("--strict accepted a program with warnings"),
        Err(e) => e,
    };
    assert!(matches!(err, Error::Invalid(ref d) if d.len() == 3), "{err:?}");
    assert!(render(&err, false).starts_with("error: prod/network: the network is warned\n"), "{}", render(&err, false));
    assert_eq!(err.exit_status(), stackwright_core::ExitStatus::Failure);
    let quiet = App::new("quiet");
    let network = quiet.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("network");
    Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC")).unwrap();
    let assembly = quiet.synth().unwrap();
    assert!(assembly.warnings.is_empty());
    assert!(assembly.warnings_as_errors().is_ok());
}
