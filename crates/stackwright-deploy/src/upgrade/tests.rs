use serde_json::{Value as Json, json};
use stackwright_constructs::{
    AddonVersions, EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps, OptionalAddons, Vpc,
    VpcProps,
};
use stackwright_core::{Account, App, Region};

use super::*;

/// The cluster stack of a platform (cluster, one node group) at `version`, as synthesized.
fn cluster_template(version: KubernetesVersion) -> Json {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, version)).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let assembly = app.synth().unwrap();
    serde_json::from_slice(&assembly.files["prod-cluster.template.json"]).unwrap()
}

/// `template` with the node group's `Version` set to `version` (what an escape hatch could do).
fn node_group_at(mut template: Json, version: &str) -> Json {
    for r in template["Resources"].as_object_mut().unwrap().values_mut() {
        if r["Type"] == "AWS::EKS::Nodegroup" {
            r["Properties"]["Version"] = json!(version);
        }
    }
    template
}

#[test]
fn one_minor_up_is_accepted() {
    let (old, new) = (cluster_template(KubernetesVersion::V1_35), cluster_template(KubernetesVersion::V1_36));
    assert_eq!(problems("prod-cluster", Some(&old), &new), Vec::<String>::new());
    // A new stack has nothing to compare with.
    assert!(problems("prod-cluster", None, &new).is_empty());
}

#[test]
fn a_two_minor_jump_names_the_version_to_deploy_first() {
    let (old, new) = (cluster_template(KubernetesVersion::V1_34), cluster_template(KubernetesVersion::V1_36));
    let p = problems("prod-cluster", Some(&old), &new);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("would jump from Kubernetes 1.34 to 1.36; EKS upgrades one minor at a time"), "{}", p[0]);
    assert!(p[0].contains("hint: deploy KubernetesVersion::V1_35 first, then V1_36"), "{}", p[0]);
}

#[test]
fn a_downgrade_is_refused() {
    let (old, new) = (cluster_template(KubernetesVersion::V1_36), cluster_template(KubernetesVersion::V1_35));
    let p = problems("prod-cluster", Some(&old), &new);
    assert!(p.iter().any(|p| p.contains("would go from Kubernetes 1.36 down to 1.35; EKS cannot downgrade")), "{p:?}");
    assert!(p.iter().any(|p| p.contains("hint: keep KubernetesVersion::V1_36")), "{p:?}");
    assert!(p.iter().any(|p| p.contains("node group") && p.contains("cannot be downgraded")), "{p:?}");
}

#[test]
fn a_node_group_or_an_addon_ahead_of_its_control_plane_is_refused() {
    let old = cluster_template(KubernetesVersion::V1_35);
    let new = node_group_at(old.clone(), "1.36");
    let p = problems("prod-cluster", Some(&old), &new);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("would run Kubernetes 1.36, newer than its control plane Cluster at 1.35"), "{}", p[0]);
    assert!(p[0].contains("hint: upgrade the control plane to 1.36 first"), "{}", p[0]);

    let mut new = old.clone();
    for r in new["Resources"].as_object_mut().unwrap().values_mut() {
        if r["Properties"]["AddonName"] == "kube-proxy" {
            r["Properties"]["AddonVersion"] = json!("v1.36.0-eksbuild.14");
        }
    }
    let p = problems("prod-cluster", Some(&old), &new);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("(kube-proxy v1.36.0-eksbuild.14) is for Kubernetes 1.36, newer than its control plane"),
        "{}",
        p[0]
    );
}

#[test]
fn the_upgrade_block_lists_every_step_in_deploy_order() {
    let (old, new) = (cluster_template(KubernetesVersion::V1_35), cluster_template(KubernetesVersion::V1_36));
    let controllers =
        [("cluster-autoscaler".to_string(), "registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1".to_string())];
    let block = upgrade_block(Some(&old), &new, &controllers).join("\n");
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/deploy"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("upgrade-block-1.35-to-1.36", block);
    });
    // Nothing EKS-versioned changes: no block.
    assert!(upgrade_block(Some(&new), &new, &controllers).is_empty());
}

/// An add-on the program leaves at EKS's default (a gap of the table) is listed in its place,
/// with what that means on an upgrade.
#[test]
fn an_addon_left_at_eks_default_says_it_stays_at_its_creation_version() {
    let template = |version| {
        let app = App::new("demo");
        let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
        let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
        let props = EksClusterProps::new(&vpc, version)
            .addons(OptionalAddons::default().ebs_csi_driver(true))
            .addon_versions(AddonVersions::new().eks_default_for_gaps("no version in the table for 1.36"));
        let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", props).unwrap();
        NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
        let assembly = app.synth().unwrap();
        serde_json::from_slice::<Json>(&assembly.files["prod-cluster.template.json"]).unwrap()
    };
    let block = upgrade_block(Some(&template(KubernetesVersion::V1_35)), &template(KubernetesVersion::V1_36), &[]);
    let line = block.iter().find(|l| l.contains("add-on aws-ebs-csi-driver")).expect("the EBS CSI driver's step");
    assert!(
        line.contains("v1.57.1-eksbuild.1 → EKS default") && line.contains("stays at its creation version: pin one"),
        "{line}"
    );
}

#[test]
fn node_groups_are_found_by_cluster_name() {
    let t = cluster_template(KubernetesVersion::V1_36);
    assert!(has_node_groups_of(&t, "demo-prod-cluster"));
    assert!(!has_node_groups_of(&t, "another"));
    let other_stack = json!({"Resources": {"Nodes": {"Type": "AWS::EKS::Nodegroup", "Properties": {"ClusterName": "shop", "Version": "1.36"}}}});
    assert!(has_node_groups_of(&other_stack, "shop"));
    assert!(!has_node_groups_of(&json!({"Resources": {}}), "shop"));
}
