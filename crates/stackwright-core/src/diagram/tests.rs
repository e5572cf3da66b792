//! The model read from templates and objects, the marks of a comparison, and the collapse of a
//! picture too big for a comment.

use std::collections::BTreeSet;

use serde_json::json;

use super::*;

fn network() -> serde_json::Value {
    json!({"Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Metadata": {"stackwright:path": "dev/net/Vpc/Resource"}},
        "A": {"Type": "AWS::EC2::Subnet", "Metadata": {"stackwright:path": "dev/net/Vpc/PublicSubnet1/Resource"},
              "Properties": {"AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}}},
        "B": {"Type": "AWS::EC2::Subnet", "Metadata": {"stackwright:path": "dev/net/Vpc/PrivateSubnet2/Resource"},
              "Properties": {"AvailabilityZone": "eu-west-1b"}},
        "Nat": {"Type": "AWS::EC2::NatGateway", "Metadata": {"stackwright:path": "dev/net/Vpc/Nat"},
                "Properties": {"SubnetId": {"Ref": "A"}}},
        "Role": {"Type": "AWS::IAM::Role", "Metadata": {"stackwright:path": "dev/net/Role"}}
    }})
}

fn platform(extra_workloads: usize) -> Platform {
    let mut b = PlatformBuilder::default();
    b.environment("dev", "eu-west-1");
    b.stack("dev", "dev-net");
    b.template("dev", &network());
    b.cluster("dev-c", "dev", "c");
    let deployment =
        |name: &str| json!({"kind": "Deployment", "spec": {"template": {"metadata": {"labels": {"app": name}}}}});
    b.object("dev-c", "Deployment", "web", "api", "dev/c/Api", Some(&deployment("api")));
    b.object("dev-c", "Service", "web", "api", "dev/c/Api", Some(&json!({"spec": {"selector": {"app": "api"}}})));
    b.object(
        "dev-c",
        "Ingress",
        "web",
        "api",
        "dev/c/Api",
        Some(&json!({"spec": {"rules": [{"http": {"paths": [{"backend": {"service": {"name": "api"}}}]}}]}})),
    );
    for i in 0..extra_workloads {
        let name = format!("worker-{i:04}");
        b.object("dev-c", "Deployment", "batch", &name, "dev/c/Batch", Some(&deployment(&name)));
    }
    b.build()
}

#[test]
fn subnets_are_grouped_by_zone_with_their_nat_gateway_and_the_request_path_is_found() {
    let p = platform(0);
    let env = &p.environments[0];
    let vpc = &env.vpcs[0];
    assert_eq!(vpc.element.label, "VPC Vpc");
    let zones: Vec<(&str, Vec<&str>)> = vpc
        .zones
        .iter()
        .map(|z| (z.element.label.as_str(), z.members.iter().map(|m| m.label.as_str()).collect()))
        .collect();
    assert_eq!(
        zones,
        [
            ("eu-west-1b", vec!["subnet PrivateSubnet2"]),
            ("zone #1", vec!["subnet PublicSubnet1", "NAT gateway (PublicSubnet1)"]),
        ]
    );
    // the objects' cluster is not created here: drawn as referenced
    assert!(env.clusters[0].referenced, "{:?}", env.clusters[0]);
    assert_eq!(env.clusters[0].element.label, "EKS cluster c (referenced)");
    let r = &env.requests[0];
    assert_eq!(
        (r.load_balancer.label.as_str(), r.service.label.as_str(), r.pods.label.as_str()),
        ("ALB (Ingress web/api)", "Service web/api", "Pods of Deployment web/api")
    );
}

#[test]
fn a_comparison_keeps_removed_elements_in_place_and_marks_changed_ones_by_their_sources() {
    let old = platform(2);
    let mut b = PlatformBuilder::default();
    b.environment("dev", "eu-west-1");
    b.stack("dev", "dev-net");
    let mut t = network();
    t["Resources"].as_object_mut().unwrap().remove("B");
    b.template("dev", &t);
    let new = b.build();
    let changed = BTreeSet::from(["dev/net/Vpc/PublicSubnet1/Resource".to_string()]);
    let marked = compare(&old, &new, &changed);
    let env = &marked.environments[0];
    let zones = &env.vpcs[0].zones;
    assert_eq!(zones[0].element.label, "eu-west-1b");
    assert_eq!(zones[0].element.mark, Mark::Removed, "the zone keeps its place, removed");
    assert_eq!(zones[0].members[0].mark, Mark::Removed);
    assert_eq!(zones[1].members[0].mark, Mark::Changed, "{:?}", zones[1]);
    assert_eq!(zones[1].members[1].mark, Mark::Unchanged);
    assert!(env.clusters.iter().all(|c| c.element.mark == Mark::Removed));
    assert!(env.clusters[0].workloads.iter().all(|w| w.element.mark == Mark::Removed));
}

#[test]
fn a_picture_too_big_for_a_comment_is_collapsed_and_says_so() {
    let old = platform(0);
    let new = platform(3000);
    let marked = compare(&old, &new, &BTreeSet::new());
    let full = mermaid("platform dev", &marked);
    assert!(full.len() > GITHUB_COMMENT_LIMIT, "the fixture is too big: {}", full.len());
    let fit = mermaid_within("platform dev", &marked, 20_000);
    assert!(fit.chars().count() <= 20_000, "{}", fit.len());
    assert!(fit.contains("collapsed to fit a GitHub comment"), "{fit}");
    // what is unchanged is counted, the changes still drawn: 3000 workloads added do not fit,
    // so only counts remain
    assert!(fit.contains("3000 added") || fit.contains("6000 added"), "{fit}");
    let few = compare(&platform(2999), &new, &BTreeSet::new());
    let fit = mermaid_within("platform dev", &few, 20_000);
    assert!(fit.contains("unchanged elements are counted"), "{fit}");
    assert!(fit.contains("\"Deployment batch/worker-2999 (added)\""), "{fit}");
    assert!(!fit.contains("worker-0001"), "unchanged workloads are not drawn: {fit}");
    assert!(fit.contains("\"3000 unchanged workloads\""), "but counted (the api too): {fit}");
}

#[test]
fn the_svg_is_deterministic_and_escapes_labels() {
    let mut p = platform(1);
    p.environments[0].element.label = "environment <dev> & \"more\"".into();
    let a = svg("platform <x>", &p);
    assert_eq!(a, svg("platform <x>", &p));
    assert!(a.contains("environment &lt;dev&gt; &amp; &quot;more&quot;"), "{a}");
    assert!(a.contains("<title>platform &lt;x&gt;</title>"), "{a}");
    let m = mermaid("platform", &p);
    assert!(m.contains("environment #lt;dev#gt; & #quot;more#quot;"), "{m}");
}
