//! NodeGroup: hardened launch template, scoped node role, a size the autoscaler owns across
//! redeploys, and bad inputs.

mod eks_support;

use eks_support::{app, error_text, platform, synth_error, template};
use serde_json::json;
use stackwright::assertions::{Assertions, Match};
use stackwright_constructs::{
    AmiType, EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps, TaintEffect, Vpc, VpcProps,
};
use stackwright_core::{Account, App, Construct, Region};

/// Builds the reference platform, then a node group `Extra` with `props`.
fn with_group(props: NodeGroupProps) -> (App, stackwright_core::Result<NodeGroup>) {
    let (app, cluster) = platform();
    let group = NodeGroup::new(&cluster, "Extra", props);
    (app, group)
}

fn group_error(props: NodeGroupProps) -> String {
    let (app, group) = with_group(props);
    synth_error(&app, group)
}

fn assert_problem(err: &str, message: &str, hint: &str) {
    assert!(err.contains(&format!("prod/cluster/Cluster/Extra: {message}")), "missing '{message}' in:\n{err}");
    assert!(err.contains(&format!("hint: {hint}")), "missing hint '{hint}' in:\n{err}");
}

#[test]
fn nodes_are_private_hardened_and_minimally_privileged() {
    let (app, _) = platform();
    let assembly = app.synth().unwrap();
    let stack = Assertions::new(&assembly).stack("prod-cluster").unwrap();
    let launch_template =
        stack.resource("AWS::EC2::LaunchTemplate", "prod/cluster/Cluster/General/LaunchTemplate").unwrap();
    launch_template
        .has_properties(json!({ "LaunchTemplateData": {
            // IMDSv2 only, reachable from pods on the node (hop limit 2).
            "MetadataOptions": { "HttpTokens": "required", "HttpPutResponseHopLimit": 2 },
        } }))
        .unwrap();
    launch_template
        .has_properties(Match::object_like(json!({})).with(
            "LaunchTemplateData",
            Match::object_like(json!({})).with(
                "BlockDeviceMappings",
                Match::array_with([json!({ "Ebs": { "VolumeType": "gp3", "Encrypted": true } })]),
            ),
        ))
        .unwrap();
    let general = stack.resource("AWS::EKS::Nodegroup", "prod/cluster/Cluster/General/Resource").unwrap();
    general
        .has_properties(
            Match::object_like(json!({
                "AmiType": "AL2023_x86_64_STANDARD",
                "Version": "1.36",
                "Tags": {
                    "k8s.io/cluster-autoscaler/enabled": "true",
                    "k8s.io/cluster-autoscaler/demo-prod-cluster": "owned",
                },
            }))
            .with("Subnets", Match::array_with([json!({ "Ref": "NetworkVpcPrivateSubnet1" })])),
        )
        .unwrap();
    let role = stack.resource("AWS::IAM::Role", "prod/cluster/Cluster/General/Role").unwrap();
    let managed: Vec<&str> = role
        .get("/Properties/ManagedPolicyArns")
        .and_then(|a| a.as_array())
        .unwrap()
        .iter()
        .map(|a| a["Fn::Sub"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(managed, ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"]);
    stack
        .resource("AWS::EKS::Nodegroup", "prod/cluster/Cluster/Spot/Resource")
        .unwrap()
        .has_properties(json!({ "CapacityType": "SPOT", "InstanceTypes": ["t3.large", "t3a.large"] }))
        .unwrap();
}

/// The autoscaler owns the size: the template never states DesiredSize, so a redeploy that
/// changes the bounds sends only MinSize and MaxSize.
#[test]
fn redeploying_does_not_reset_the_size_the_autoscaler_chose() {
    let scaling = |range: std::ops::RangeInclusive<u32>, expected: serde_json::Value| {
        let (app, cluster) = platform();
        NodeGroup::new(&cluster, "Extra", NodeGroupProps::on_demand(["m6i.large"], range)).unwrap();
        let assembly = app.synth().unwrap();
        let stack = Assertions::new(&assembly).stack("prod-cluster").unwrap();
        let group = stack.resource("AWS::EKS::Nodegroup", "prod/cluster/Cluster/Extra/Resource").unwrap();
        group.has_properties(Match::object_like(json!({})).with("ScalingConfig", Match::exact(expected))).unwrap();
    };
    scaling(2..=6, json!({ "MinSize": 2, "MaxSize": 6 }));
    scaling(3..=10, json!({ "MinSize": 3, "MaxSize": 10 }));
    // Opting into a fixed size states it.
    let (app, cluster) = platform();
    let mut props = NodeGroupProps::on_demand(["m6i.large"], 1..=3);
    props.desired_size = Some(2);
    NodeGroup::new(&cluster, "Fixed", props).unwrap();
    let assembly = app.synth().unwrap();
    let stack = Assertions::new(&assembly).stack("prod-cluster").unwrap();
    stack
        .resource("AWS::EKS::Nodegroup", "prod/cluster/Cluster/Fixed/Resource")
        .unwrap()
        .has_properties(json!({ "ScalingConfig": { "DesiredSize": 2 } }))
        .unwrap();
}

#[test]
fn labels_and_taints_reach_eks_and_the_autoscaler() {
    let (app, group) = with_group(
        NodeGroupProps::spot(["m7g.large", "m6g.large"], 0..=4).arm64().label("example.com/pool", "batch").taint(
            "example.com/batch",
            "true",
            TaintEffect::NoSchedule,
        ),
    );
    group.unwrap();
    let t = template(&app.synth().unwrap(), "prod-cluster");
    let p = &t["Resources"]["ClusterExtra"]["Properties"];
    assert_eq!(p["AmiType"], "AL2023_ARM_64_STANDARD");
    assert_eq!(p["Labels"]["example.com/pool"], "batch");
    assert_eq!(
        p["Taints"][0],
        serde_json::json!({ "Effect": "NO_SCHEDULE", "Key": "example.com/batch", "Value": "true" })
    );
    assert_eq!(p["Tags"]["k8s.io/cluster-autoscaler/node-template/label/example.com/pool"], "batch");
    assert_eq!(p["Tags"]["k8s.io/cluster-autoscaler/node-template/taint/example.com/batch"], "true:NoSchedule");
}

// ---- bad input ---------------------------------------------------------------------------------

#[test]
fn min_greater_than_max() {
    #[allow(clippy::reversed_empty_ranges)] // the mistake under test
    let err = group_error(NodeGroupProps::on_demand(["t3.medium"], 6..=2));
    assert_problem(&err, "min_size 6 is greater than max_size 2", "write the size range low to high, such as 2..=6");
}

#[test]
fn spot_with_one_instance_type() {
    let err = group_error(NodeGroupProps::spot(["t3.large"], 0..=4));
    assert_problem(
        &err,
        "a spot node group needs at least two instance types, got 1",
        "add similar types (t3.large and t3a.large, m5.large and m6i.large)",
    );
}

#[test]
fn no_instance_type_and_malformed_ones() {
    let err = group_error(NodeGroupProps::on_demand(Vec::<String>::new(), 1..=2));
    assert_problem(&err, "the node group lists no instance type", "list at least one");
    let err = group_error(NodeGroupProps::on_demand(["t3-medium"], 1..=2));
    assert_problem(&err, "'t3-medium' is not an EC2 instance type", "write it as family.size, such as t3.medium");
}

/// A cluster in `region` on a two-zone network, and a node group `Extra` of
/// `instance_types` on it.
/// Synthesizes a platform in `region` with a node group of `instance_types`.
fn group_in(region: Region, instance_types: &[&str]) -> stackwright_core::Result<stackwright_core::Assembly> {
    let app = App::new("demo");
    let env = app.environment("prod", Account::new("123456789012").unwrap(), region);
    let vpc = Vpc::new(&env.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let cluster =
        EksCluster::new(&env.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "Extra", NodeGroupProps::on_demand(instance_types.iter().copied(), 1..=2)).unwrap();
    app.synth()
}

/// Before the list of cfn-lint was consulted, any `family.size` passed: `t3.mediun` reached
/// CloudFormation and failed there, minutes into a deploy.
#[test]
fn an_unknown_instance_type_is_rejected_with_the_closest_one() {
    let err = group_error(NodeGroupProps::on_demand(["t3.mediun", "m6i.larg"], 1..=2));
    assert!(err.starts_with("2 problems found:"), "{err}");
    assert_problem(
        &err,
        "instance type 't3.mediun' is not offered in us-east-1 (by the list of cfn-lint 1.",
        "did you mean t3.medium?",
    );
    assert_problem(&err, "instance type 'm6i.larg' is not offered in us-east-1", "did you mean m6i.large?");
}

/// `c8ib` (8th-generation compute with EBS-optimized bandwidth) is offered in us-east-1 but, in
/// cfn-lint's list, not in eu-west-1.
#[test]
fn a_type_of_another_region_is_rejected_in_the_region_that_lacks_it() {
    group_in(Region::UsEast1, &["c8ib.large"]).unwrap();
    let err = error_text(group_in(Region::EuWest1, &["c8ib.large", "m6i.large"]));
    assert!(err.starts_with("1 problem found:"), "{err}");
    assert_problem(
        &err,
        "instance type 'c8ib.large' is not offered in eu-west-1",
        "did you mean c8i.large or c8in.large?",
    );
    assert!(!err.contains("m6i.large'"), "m6i.large is offered in eu-west-1:\n{err}");
}

#[test]
fn graviton_types_with_an_x86_ami() {
    let err = group_error(NodeGroupProps::on_demand(["m7g.large"], 1..=2));
    assert_problem(
        &err,
        "'m7g.large' is a Graviton (arm64) type but the AMI type is x86_64",
        "call .arm64() on the props",
    );
}

#[test]
fn gpu_types_need_the_nvidia_ami_and_get_it_when_asked() {
    let err = group_error(NodeGroupProps::spot(["g5.xlarge", "g6.xlarge"], 0..=2));
    assert_problem(
        &err,
        "'g5.xlarge' has NVIDIA GPUs, but the AMI type AL2023_x86_64_STANDARD has no NVIDIA driver",
        "call .ami_type(AmiType::Al2023X86_64Nvidia) on the props (EKS's NVIDIA AMI)",
    );
    assert!(err.contains("'g6.xlarge' has NVIDIA GPUs"), "{err}");
    // One kind per group: a CPU type among the GPU ones is refused on the NVIDIA AMI.
    let err =
        group_error(NodeGroupProps::spot(["g5.xlarge", "m6i.xlarge"], 0..=2).ami_type(AmiType::Al2023X86_64Nvidia));
    assert_problem(
        &err,
        "'m6i.xlarge' has no NVIDIA accelerator, but the AMI type is AL2023_x86_64_NVIDIA",
        "keep the group's types of one kind",
    );
    let (app, group) =
        with_group(NodeGroupProps::spot(["g5.xlarge", "g6.xlarge"], 0..=2).ami_type(AmiType::Al2023X86_64Nvidia));
    group.unwrap();
    let assembly = app.synth().unwrap();
    Assertions::new(&assembly)
        .stack("prod-cluster")
        .unwrap()
        .resource("AWS::EKS::Nodegroup", "prod/cluster/Cluster/Extra/Resource")
        .unwrap()
        .has_properties(json!({ "AmiType": "AL2023_x86_64_NVIDIA", "InstanceTypes": ["g5.xlarge", "g6.xlarge"] }))
        .unwrap();
}

#[test]
fn desired_size_outside_the_bounds() {
    let mut props = NodeGroupProps::on_demand(["t3.medium"], 2..=6);
    props.desired_size = Some(9);
    let err = group_error(props);
    assert_problem(
        &err,
        "desired_size 9 is outside 2..=6",
        "pick a size inside the range, or leave desired_size unset",
    );
}

#[test]
fn too_many_nodes_and_no_nodes() {
    let err = group_error(NodeGroupProps::on_demand(["t3.medium"], 0..=0));
    assert_problem(&err, "max_size is 0: the group could never have a node", "allow at least one node");
    let err = group_error(NodeGroupProps::on_demand(["t3.medium"], 1..=1000));
    assert_problem(&err, "max_size 1000 exceeds the 450 nodes a managed node group can have", "split the capacity");
}

#[test]
fn node_role_name_over_64_characters() {
    let name = "flask-platform-production-us-east-1-general-purpose-worker-nodes-role";
    let mut props = NodeGroupProps::on_demand(["t3.medium"], 1..=2);
    props.role_name = Some(name.into());
    let err = group_error(props);
    assert_problem(
        &err,
        &format!("node role name '{name}' is {} characters long; IAM allows 1 to 64", name.len()),
        "shorten the name, or leave it unset so that CloudFormation generates a unique one",
    );
}

#[test]
fn reserved_label_prefix_and_bad_label() {
    let err = group_error(
        NodeGroupProps::on_demand(["t3.medium"], 1..=2).label("kubernetes.io/role", "x").label("team", "a b"),
    );
    assert_problem(
        &err,
        "label or taint key 'kubernetes.io/role' uses a prefix reserved for Kubernetes and EKS",
        "use your own prefix, such as example.com/role",
    );
    assert_problem(&err, "invalid label or taint value 'a b'", "use at most 63 letters, digits");
    let err =
        group_error(NodeGroupProps::on_demand(["t3.medium"], 1..=2).label("stackwright.io/accelerator", "nvidia"));
    assert_problem(
        &err,
        "label or taint key 'stackwright.io/accelerator' uses the prefix stackwright sets itself",
        "use your own prefix",
    );
}

#[test]
fn small_root_volume() {
    let mut props = NodeGroupProps::on_demand(["t3.medium"], 1..=2);
    props.disk_size_gib = 8;
    let err = group_error(props);
    assert_problem(&err, "disk_size_gib 8 is outside 20..=16384", "use at least 20 GiB");
}

#[test]
#[allow(clippy::reversed_empty_ranges)] // the mistake under test
fn node_group_problems_come_all_at_once_with_no_follow_up() {
    let (app, prod) = app();
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    let group = NodeGroup::new(&cluster, "General", NodeGroupProps::spot(["t3.large"], 5..=2)).unwrap();
    assert!(group.node().is_rejected());
    // Two problems of the group; the cluster does not also say that it has no node group.
    let err = error_text(app.synth());
    assert!(err.starts_with("2 problems found:"), "{err}");
    assert!(!err.contains("no node group"), "{err}");
}
