//! Every mistake a user can make in the README's program is printed — once, with the construct
//! path (or the input) and the offending value, the message and the hint — and the program
//! exits with status 1 without panicking. The program is `examples/mistakes.rs`, shaped exactly
//! like the README's; `STACKWRIGHT_MISTAKE` picks the mistake.

mod support;

/// One mistake: its name in the example, where it is reported (construct path or input), the
/// offending value as the message quotes it, and a piece of the hint.
struct Mistake {
    name: &'static str,
    place: &'static str,
    value: &'static str,
    hint: &'static str,
}

const fn m(name: &'static str, place: &'static str, value: &'static str, hint: &'static str) -> Mistake {
    Mistake { name, place, value, hint }
}

/// Mistakes across every construct of the README's program, and the `.parse()?` of its inputs.
const MISTAKES: &[Mistake] = &[
    // inputs parsed before any construct
    m("account", "account", "'12345678901'", "aws sts get-caller-identity --query Account"),
    m("region", "region", "'us-east-7'", "did you mean 'us-east-1'?"),
    m("cidr-parse", "cidr", "'10.0.0.0/33'", "write it as address/prefix length, such as 10.0.0.0/16"),
    // the tree
    m("stack-id", "prod/net_work", "'net_work'", "use letters, digits and '-', starting with a letter"),
    // network
    m("cidr-too-small", "prod/network/Vpc", "10.0.0.0/29", "use a block between /16 (65,536 addresses) and /28 (16)"),
    m("max-azs", "prod/network/Vpc", "max_azs is 0", "set max_azs to 2 or more"),
    m("subnets-overlap", "prod/network/Vpc", "(10.0.1.0/24) overlaps", "pin blocks that do not overlap"),
    m("availability-zone", "prod/network/Vpc", "'us-east-1z'", "use one of us-east-1a, us-east-1b"),
    // cluster
    m("no-private-subnets", "prod/cluster/Cluster", "no private or isolated subnets", "add SubnetConfig::private(19)"),
    m("cluster-name", "prod/cluster/Cluster", "'Flask_Cluster'", "set EksClusterProps::name to a lower-case name"),
    m("private-access", "prod/cluster/Cluster", "0.0.0.0/0", "list the networks (a VPN, a CI VPC)"),
    m("no-node-group", "prod/cluster/Cluster", "no node group", "add one with NodeGroup::new(&cluster"),
    // node groups
    m("scaling-bounds", "prod/cluster/Cluster/General", "min_size 6 is greater than max_size 2", "such as 2..=6"),
    m("max-size-zero", "prod/cluster/Cluster/General", "max_size is 0", "allow at least one node, such as 0..=4"),
    m("instance-type", "prod/cluster/Cluster/General", "'t3medium'", "write it as family.size, such as t3.medium"),
    m("instance-type-typo", "prod/cluster/Cluster/General", "'t3.mediun'", "did you mean t3.medium?"),
    m(
        "instance-type-region",
        "prod/cluster/Cluster/General",
        "'hpc7a.12xlarge' is not offered in us-east-1",
        "did you mean",
    ),
    m("spot-one-type", "prod/cluster/Cluster/General", "got 1", "add similar types (t3.large and t3a.large"),
    m("disk-size", "prod/cluster/Cluster/General", "disk_size_gib 8", "use at least 20 GiB"),
    // registry
    m("repository-name", "prod/registry/FlaskApp", "'Flask App'", "such as team/flask-app"),
    m(
        "grant-pull",
        "prod/registry/FlaskApp",
        "'arn:aws:s3:::not-a-principal'",
        "grant an IAM role, user or account root ARN",
    ),
    // app
    m("app-id", "prod/cluster/Cluster/Flask_App", "'Flask_App'", "with lower-case letters, digits and '-'"),
    m("app-port", "prod/cluster/Cluster/flask-app", "port 80", "use a port between 1024 and 65535"),
    m("app-replicas", "prod/cluster/Cluster/flask-app", "replicas is 0", "run at least 2 replicas"),
    m("app-workers", "prod/cluster/Cluster/flask-app", "0 gunicorn workers", "use 1 to 64 workers"),
    m("app-namespace", "prod/cluster/Cluster/flask-app", "'kube-system'", "give the app a namespace of its own"),
    // monitoring
    m("retention", "prod/cluster/Cluster/monitoring", "retention of 0 days", "keep samples 1 to 3650 days"),
    m("alert-email", "prod/cluster/Cluster/monitoring", "'ops-at-example.com'", "write it as name@example.com"),
];

#[test]
fn every_mistake_is_printed_once_with_its_place_value_and_hint() {
    let mut failures = Vec::new();
    for mistake in MISTAKES {
        let output = support::run(mistake.name, &["synth", "--quiet"], &[]);
        let err = support::stderr(&output);
        let head = format!("error: {}: ", mistake.place);
        let line = err.lines().find(|l| l.starts_with(&head)).unwrap_or_default();
        let checks = [
            (output.status.code() == Some(1), "exit status 1"),
            (err.matches(&head).count() == 1, "the construct path exactly once"),
            (line.contains(mistake.value), "the offending value on the error line"),
            (err.contains("  hint: ") && err.contains(mistake.hint), "the hint"),
            (!err.contains("panicked"), "no panic"),
            (err.lines().filter(|l| l.starts_with("error: ")).count() == 1, "one problem, printed once"),
            (output.stdout.is_empty(), "nothing on stdout"),
        ];
        for (ok, what) in checks {
            if !ok {
                failures.push(format!("{}: expected {what}; status {:?}, stderr:\n{err}", mistake.name, output.status));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let distinct: std::collections::BTreeSet<_> = MISTAKES.iter().map(|m| m.name).collect();
    assert_eq!(distinct.len(), MISTAKES.len());
}

#[test]
fn the_readme_program_without_a_mistake_synthesizes() {
    let output = support::run("", &["synth", "--quiet"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", support::stderr(&output));
    assert!(output.stderr.is_empty(), "{}", support::stderr(&output));
}

/// Three constructs, three mistakes the tree records (a stack id, a cluster without a node
/// group, a repository grant naming no principal): synth prints all three, then the count.
#[test]
fn three_mistakes_in_three_constructs_are_printed_together() {
    let output = support::run("three-at-once", &[], &[]);
    let err = support::stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    for head in [
        "error: prod/bad stack: invalid stack id 'bad stack'\n  hint: ",
        "error: prod/cluster/Cluster: the cluster has no node group",
        "error: prod/registry/FlaskApp: 'arn:aws:s3:::not-a-principal' is not an IAM principal ARN",
    ] {
        assert_eq!(err.matches(head).count(), 1, "{head:?} once in:\n{err}");
    }
    assert!(err.ends_with("error: 3 problems found\n"), "{err}");
    assert_eq!(err.matches("hint: ").count(), 3, "{err}");
}

/// `list` synthesizes too: the same problems, the same format, the same status.
#[test]
fn list_reports_like_synth() {
    let synth = support::run("no-node-group", &["synth"], &[]);
    let list = support::run("no-node-group", &["list"], &[]);
    assert_eq!(support::stderr(&synth), support::stderr(&list));
    assert_eq!(list.status.code(), Some(1));
}
