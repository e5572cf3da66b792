//! Every mistake a user can make in the README's program is printed — once, with the construct
//! path (or the input) and the offending value, the message and the hint — and the program
//! exits with status 1 without panicking; several mistakes in several constructs are printed
//! together. The program is `examples/mistakes.rs`, shaped exactly like the README's;
//! `STACKWRIGHT_MISTAKE` picks the mistakes (comma-separated).

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
    m(
        "admin-principal",
        "prod/cluster/Cluster",
        "'arn:aws:iam::123456789012:root'",
        "access entries accept IAM roles and users",
    ),
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
    m(
        "taint-key",
        "prod/cluster/Cluster/General",
        "'kubernetes.io/role'",
        "use your own prefix, such as example.com/role",
    ),
    m(
        "duplicate-id",
        "prod/cluster/Cluster/General",
        "duplicate construct id 'General'",
        "give each child of a construct a unique id",
    ),
    // registry
    m("repository-name", "prod/registry/FlaskApp", "'Flask App'", "such as team/flask-app"),
    m("lifecycle", "prod/registry/FlaskApp", "keeps 0 images", "so rollbacks have something to roll back to"),
    m(
        "outside-stack",
        "prod/FlaskApp",
        "an EcrRepo must be created inside a stack",
        "pass a stack (or a construct inside one)",
    ),
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
    m(
        "image-variable",
        "prod/cluster/Cluster/flask-app",
        "'1TAG'",
        "use letters, digits and '_', not starting with a digit",
    ),
    // monitoring
    m("retention", "prod/cluster/Cluster/monitoring", "retention of 0 days", "keep samples 1 to 3650 days"),
    m("alert-email", "prod/cluster/Cluster/monitoring", "'ops-at-example.com'", "write it as name@example.com"),
    m("scrape-twice", "prod/cluster/Cluster/monitoring", "flask-app/flask-app twice", "pass each app to scrape() once"),
    m(
        "webhook-http",
        "prod/cluster/Cluster/monitoring",
        "'http://alerts.example.com/hook' is not an https:// URL",
        "Alertmanager sends alerts over https only",
    ),
    m(
        "webhook-slack-url",
        "prod/cluster/Cluster/monitoring",
        "a Slack webhook URL is a secret",
        "SlackReceiver::new(SecretKeyRef::new(secret, key))) with the URL in a Secret",
    ),
    m(
        "alertmanager-no-prometheus",
        "prod/cluster/Cluster/monitoring",
        "Alertmanager is on but Prometheus is off",
        "turn Alertmanager off (Alertmanager::Off)",
    ),
    m(
        "scrape-no-prometheus",
        "prod/cluster/Cluster/monitoring",
        "scrapes flask-app/flask-app but Prometheus is off",
        "or do not pass them to scrape()",
    ),
    m(
        "custom-metric-no-prometheus",
        "prod/cluster/Cluster/flask-app",
        "scales on the custom metric 'http_requests_per_second', but Prometheus is off in 'prod/cluster/Cluster/monitoring'",
        "turn Prometheus on in that Monitoring",
    ),
    m(
        "custom-metric-no-adapter",
        "prod/cluster/Cluster/flask-app",
        "scales on the custom metric 'http_requests_per_second', but the custom metrics adapter is off in 'prod/cluster/Cluster/monitoring'",
        "turn it on in that Monitoring (CustomMetricsAdapter::On(",
    ),
    // pipeline (GitHubPipeline, and the roles' GitHubAccess)
    m("github-repository", "github", "'acme'", "write the repository as owner/name"),
    m("pipeline-branch", "prod/cicd/Pipeline", "'main*'", "(no wildcards): the trust policy must name exactly one"),
    m("pipeline-program", "prod/cicd/Pipeline", "'cargo run -- ${{ github.head_ref }}'", "without GitHub expressions"),
    m("access-environment", "prod/cicd/Pipeline/Access", "'prod*'", "the trust policy must name exactly one"),
    m("access-service", "prod/cicd/Pipeline/Access", "'EC2'", "use IAM service prefixes such as ec2"),
    // the program's own constructs (the construct guide's EncryptedTopic and PublisherRole)
    m("topic-name", "prod/notifications/Alerts", "display name ''", "1 to 100 characters, such as 'Payments alerts'"),
    m("topic-service", "prod/notifications/Alerts", "'cloudwatch'", "<service>.amazonaws.com, such as events"),
    m("topic-email", "prod/notifications/Alerts", "'oncall'", "subscribe an address such as team-oncall@example.com"),
    m("publisher-service", "prod/notifications/SchedulerPublisher", "'scheduler'", "<service>.amazonaws.com"),
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
    assert!(MISTAKES.len() >= 30, "at least 30 distinct mistakes, across every construct");
}

#[test]
fn the_readme_program_without_a_mistake_synthesizes() {
    let output = support::run("", &["synth", "--quiet"], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", support::stderr(&output));
    assert!(output.stderr.is_empty(), "{}", support::stderr(&output));
}

/// Runs the program with `mistakes` (comma-separated) and checks that it prints each of
/// `heads` once, each with a hint, then the count, and exits with status 1.
fn prints_all_together(mistakes: &str, heads: &[&str]) {
    let output = support::run(mistakes, &[], &[]);
    let err = support::stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    for head in heads {
        assert_eq!(err.matches(head).count(), 1, "{head:?} once in:\n{err}");
    }
    let lines = err.lines().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(lines, heads.len() + 1, "{err}");
    assert!(err.ends_with(&format!("error: {} problems found\n", heads.len())), "{err}");
    assert_eq!(err.matches("hint: ").count(), heads.len(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Three mistakes in three constructs that check their props when they are created (a VPC, a
/// node group, an app): all three printed in one run. The cluster on the rejected VPC, the
/// monitoring on it and the pipeline add nothing.
#[test]
fn three_mistakes_in_three_eagerly_checked_constructs_are_printed_together() {
    prints_all_together(
        "max-azs,disk-size,app-port",
        &[
            "error: prod/network/Vpc: max_azs is 0",
            "error: prod/cluster/Cluster/General: disk_size_gib 8 is outside 20..=16384",
            "error: prod/cluster/Cluster/flask-app: port 80 is privileged",
        ],
    );
}

/// Three mistakes the tree records and synth finds (a stack id, a cluster without a node
/// group, a repository grant naming no principal): all three printed too.
#[test]
fn three_mistakes_found_by_synth_are_printed_together() {
    prints_all_together(
        "stack-id,no-node-group,grant-pull",
        &[
            "error: prod/net_work: invalid stack id 'net_work'\n  hint: ",
            "error: prod/cluster/Cluster: the cluster has no node group",
            "error: prod/registry/FlaskApp: 'arn:aws:s3:::not-a-principal' is not an IAM principal ARN",
        ],
    );
}

/// Mistakes in every kind of construct at once: each printed once, nothing else.
#[test]
fn a_mistake_in_every_construct_at_once() {
    prints_all_together(
        "cidr-too-small,cluster-name,spot-one-type,lifecycle,app-workers,retention,pipeline-branch",
        &[
            "error: prod/network/Vpc: ",
            "error: prod/cluster/Cluster: invalid cluster name",
            "error: prod/cluster/Cluster/General: a spot node group needs at least two instance types",
            "error: prod/registry/FlaskApp: a lifecycle rule keeps 0 images",
            "error: prod/cluster/Cluster/flask-app: 0 gunicorn workers",
            "error: prod/cluster/Cluster/monitoring: a retention of 0 days",
            "error: prod/cicd/Pipeline: invalid main branch 'main*'",
        ],
    );
}

/// `list` synthesizes too: the same problems, the same format, the same status.
#[test]
fn list_reports_like_synth() {
    let synth = support::run("no-node-group", &["synth"], &[]);
    let list = support::run("no-node-group", &["list"], &[]);
    assert_eq!(support::stderr(&synth), support::stderr(&list));
    assert_eq!(list.status.code(), Some(1));
}
