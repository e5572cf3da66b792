//! Preflight refuses unsafe cluster upgrades before any mutating call: a control-plane jump of
//! two minors (against the template deployed on moto, read with `GetTemplate`), and a node
//! group ahead of its control plane (from the new template alone, before any request).

mod common;

use std::path::Path;
use std::sync::Arc;

use serde_json::json;
use stackwright_core::{Account, App, RawResource, Region, Resource};
use stackwright_deploy::error::{Error, exit};
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use common::proxy::Proxy;

/// A stack `cluster` with an EKS control plane at `control_plane` and a node group at
/// `nodes`, written to `dir`.
fn synth(dir: &Path, control_plane: &str, nodes: &str) {
    let app = App::new("upgrades");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::UsEast1);
    let stack = dev.stack("cluster");
    let cluster = Resource::new(
        &stack,
        "Cluster",
        RawResource::new("AWS::EKS::Cluster")
            .with("Name", "main")
            .with("Version", control_plane)
            .with("RoleArn", "arn:aws:iam::123456789012:role/eks")
            .with("ResourcesVpcConfig", json!({"SubnetIds": ["subnet-1", "subnet-2"]})),
    )
    .unwrap();
    Resource::new(
        &stack,
        "General",
        RawResource::new("AWS::EKS::Nodegroup")
            .with("ClusterName", cluster.reference())
            .with("Version", nodes)
            .with("NodeRole", "arn:aws:iam::123456789012:role/nodes")
            .with("Subnets", json!(["subnet-1", "subnet-2"])),
    )
    .unwrap();
    app.synth_to(dir).unwrap();
}

fn runtime(endpoint: &str) -> Runtime {
    let mut rt = Runtime::new(common::aws_options(endpoint), ProgressMode::Capture);
    rt.cfn.yes = true;
    rt.kubernetes = false;
    rt
}

/// The actions a refused deploy sent, each of which must be read-only (the proxy names an EKS
/// call by its path: `/clusters/main` is `DescribeCluster`; creating is `/clusters`, updating
/// `/clusters/main/updates`).
fn assert_read_only(seen: &[String]) {
    let mutating: Vec<&String> = seen
        .iter()
        .filter(|a| !matches!(a.as_str(), "GetCallerIdentity" | "DescribeStacks" | "GetTemplate" | "/clusters/main"))
        .collect();
    assert!(mutating.is_empty(), "only read-only calls before the refusal: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_minor_jump_is_refused_against_the_deployed_template_with_no_mutating_call() {
    let moto = common::moto();
    let proxy = Proxy::start(&moto.endpoint()).await;
    let rt = runtime(&proxy.endpoint());
    // Deployed: 1.34 (setup, which may create).
    let before = common::temp_dir("upgrade-1.34");
    synth(&before, "1.34", "1.34");
    let mut report = rt.deploy(Arc::new(Assembly::read(&before).unwrap()), &[], false).await;
    report.result().unwrap();
    proxy.rules.lock().unwrap().seen.clear();

    let after = common::temp_dir("upgrade-1.36");
    synth(&after, "1.36", "1.36");
    let mut report = rt.deploy(Arc::new(Assembly::read(&after).unwrap()), &[], false).await;
    let err = report.result().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Preflight(ref p) if p.len() == 1), "{text}");
    assert_eq!(err.exit_code(), exit::USAGE);
    assert!(text.contains("the control plane Cluster would jump from Kubernetes 1.34 to 1.36"), "{text}");
    assert!(text.contains("hint: deploy KubernetesVersion::V1_35 first, then V1_36"), "{text}");
    let seen = proxy.rules.lock().unwrap().seen.clone();
    assert!(seen.iter().any(|a| a == "GetTemplate"), "the deployed template was read: {seen:?}");
    assert_read_only(&seen);

    // One minor at a time: diff shows it as one block, in deploy order; it passes preflight
    // and deploys.
    let next = common::temp_dir("upgrade-1.35");
    synth(&next, "1.35", "1.35");
    let diff = rt.diff(Arc::new(Assembly::read(&next).unwrap()), &[]).await;
    assert_eq!(
        diff.stacks[0].upgrade,
        [
            "upgrade, in the order the deploy makes it happen:",
            "  1. control plane Cluster: 1.34 → 1.35",
            "  2. node group General: 1.34 → 1.35",
        ],
        "{}",
        diff.render()
    );
    let mut report = rt.deploy(Arc::new(Assembly::read(&next).unwrap()), &[], false).await;
    report.result().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_group_ahead_of_its_control_plane_is_refused_before_any_request() {
    let (endpoint, connections) = common::terminal::counting_listener();
    let dir = common::temp_dir("upgrade-nodes-ahead");
    synth(&dir, "1.35", "1.36");
    let mut report = runtime(&endpoint).deploy(Arc::new(Assembly::read(&dir).unwrap()), &[], false).await;
    let err = report.result().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Preflight(ref p) if p.len() == 1), "{text}");
    assert!(
        text.contains("node group General would run Kubernetes 1.36, newer than its control plane Cluster at 1.35"),
        "{text}"
    );
    assert!(text.contains("hint: upgrade the control plane to 1.36 first"), "{text}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 0, "no request at all");
}

/// Objects after the node groups: when the stack with the cluster's node groups fails, the
/// cluster's objects are not applied (the cluster's own stack did deploy).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_wait_for_the_stack_with_the_clusters_node_groups() {
    use k8s_openapi::api::core::v1::ConfigMap;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    let moto = common::moto();
    let dir = common::temp_dir("upgrade-objects-after-nodes");
    let app = App::new("upgrades");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::UsEast1);
    let platform = dev.stack("platform");
    let cluster = common::stack_with_cluster(&platform, "x", "main", "https://127.0.0.1:9", "");
    let config = ConfigMap {
        metadata: ObjectMeta { name: Some("settings".into()), namespace: Some("default".into()), ..Default::default() },
        ..Default::default()
    };
    cluster.add(&platform, &config).unwrap();
    // The node groups, in their own stack, which fails: a value from a resource it does not have.
    let nodes = dev.stack("nodes");
    Resource::new(
        &nodes,
        "Broken",
        RawResource::new("AWS::SSM::Parameter")
            .with("Type", "String")
            .with("Value", json!({"Fn::GetAtt": ["NoSuchResource", "Arn"]})),
    )
    .unwrap();
    Resource::new(
        &nodes,
        "General",
        RawResource::new("AWS::EKS::Nodegroup")
            .with("ClusterName", "main")
            .with("Version", "1.36")
            .with("NodeRole", "arn:aws:iam::123456789012:role/nodes")
            .with("Subnets", json!(["subnet-1"])),
    )
    .unwrap();
    app.synth_to(&dir).unwrap();

    let mut rt = Runtime::new(common::aws_options(&moto.endpoint()), ProgressMode::Capture);
    rt.cfn.yes = true;
    let mut report = rt.deploy(Arc::new(Assembly::read(&dir).unwrap()), &[], false).await;
    let failed: Vec<String> = report.failed.iter().map(|f| f.target.clone()).collect();
    assert!(failed.contains(&"dev-nodes".to_string()), "{failed:?}: {:?}", report.result());
    assert!(!failed.iter().any(|f| f == "dev-main"), "the objects were not tried: {failed:?}");
    assert!(report.clusters.is_empty());
    let lines = rt.progress.lines().join("\n");
    assert!(
        lines.contains(
            "dev-main: objects not applied because dev-nodes, with the cluster's node groups, was not deployed"
        ),
        "{lines}"
    );
}

/// A stack `nodes` whose node group names the cluster `main` (of another stack or program)
/// at `nodes`; with `control_plane`, the stack `cluster` creates `main` at that version.
fn synth_named(dir: &Path, control_plane: Option<&str>, nodes: &str) {
    let app = App::new("upgrades");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::UsEast1);
    if let Some(version) = control_plane {
        Resource::new(
            &dev.stack("cluster"),
            "Cluster",
            RawResource::new("AWS::EKS::Cluster")
                .with("Name", "main")
                .with("Version", version)
                .with("RoleArn", "arn:aws:iam::123456789012:role/eks")
                .with("ResourcesVpcConfig", json!({"SubnetIds": ["subnet-1", "subnet-2"]})),
        )
        .unwrap();
    }
    Resource::new(
        &dev.stack("nodes"),
        "General",
        RawResource::new("AWS::EKS::Nodegroup")
            .with("ClusterName", "main")
            .with("Version", nodes)
            .with("NodeRole", "arn:aws:iam::123456789012:role/nodes")
            .with("Subnets", json!(["subnet-1", "subnet-2"])),
    )
    .unwrap();
    app.synth_to(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_group_ahead_of_a_cluster_of_another_stack_is_refused_before_any_request() {
    let (endpoint, connections) = common::terminal::counting_listener();
    let dir = common::temp_dir("upgrade-nodes-ahead-across");
    synth_named(&dir, Some("1.35"), "1.36");
    let mut report = runtime(&endpoint).deploy(Arc::new(Assembly::read(&dir).unwrap()), &[], false).await;
    let text = report.result().unwrap_err().to_string();
    assert!(
        text.contains(
            "stack dev-nodes: node group General would run Kubernetes 1.36, newer than its cluster main at 1.35"
        ),
        "{text}"
    );
    assert!(text.contains("hint: upgrade the cluster main to 1.36 first"), "{text}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 0, "no request at all");
}

/// A node group on a cluster outside the program (a referenced one): its version is read from
/// EKS (`DescribeCluster` on moto), read-only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_group_ahead_of_a_referenced_cluster_is_refused_after_describe_cluster() {
    let moto = common::moto();
    let proxy = Proxy::start(&moto.endpoint()).await;
    let aws = stackwright_deploy::aws::Aws::new(common::aws_options(&moto.endpoint()));
    let clients = aws.region("us-east-1").await;
    clients
        .eks
        .create_cluster()
        .name("main")
        .version("1.35")
        .role_arn("arn:aws:iam::123456789012:role/eks")
        .resources_vpc_config(
            aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids("subnet-1").subnet_ids("subnet-2").build(),
        )
        .send()
        .await
        .unwrap();
    let dir = common::temp_dir("upgrade-nodes-ahead-referenced");
    synth_named(&dir, None, "1.36");
    let mut report = runtime(&proxy.endpoint()).deploy(Arc::new(Assembly::read(&dir).unwrap()), &[], false).await;
    let text = report.result().unwrap_err().to_string();
    assert!(
        text.contains(
            "stack dev-nodes: node group General would run Kubernetes 1.36, newer than its cluster main at 1.35"
        ),
        "{text}"
    );
    let seen = proxy.rules.lock().unwrap().seen.clone();
    assert!(seen.iter().any(|a| a == "/clusters/main"), "the cluster's version was read: {seen:?}");
    assert_read_only(&seen);

    // At the cluster's version it passes preflight.
    let dir = common::temp_dir("upgrade-nodes-level-referenced");
    synth_named(&dir, None, "1.35");
    let plan = runtime(&proxy.endpoint()).preflight(Arc::new(Assembly::read(&dir).unwrap()), &[], false).await;
    assert!(plan.is_ok(), "{:?}", plan.err());
}
