//! Upgrades: the same program at one Kubernetes minor and at the next gets every add-on's
//! version from the committed table, and `DependsOn` orders control plane → networking
//! add-ons → node groups → the add-ons that run on nodes; overrides are checked against the
//! table and a gap of the table is a synth error at the cluster's path.

mod eks_support;

use eks_support::{app, reference_vpc, resources_of, synth_error, template};
use stackwright_constructs::eks::addon_version_cell;
use stackwright_constructs::{
    AddonVersionCell, AddonVersions, ContainerImage, ControllerImages, EksCluster, EksClusterProps, FlaskApp,
    FlaskAppProps, ImageReference, KubernetesVersion, NodeGroup, NodeGroupProps, OptionalAddons,
};

/// The reference platform at `version`, the gaps of the table taken as EKS's default.
fn platform_at(version: KubernetesVersion) -> serde_json::Value {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let cluster = EksCluster::new(
        &prod.stack("cluster"),
        "Cluster",
        EksClusterProps::new(&vpc, version)
            .addons(OptionalAddons::default().ebs_csi_driver(true))
            .addon_versions(AddonVersions::new().eks_default_for_gaps("no documented version")),
    )
    .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let assembly = app.synth().unwrap();
    template(&assembly, "prod-cluster")
}

fn depends_on(resource: &serde_json::Value) -> Vec<String> {
    match &resource["DependsOn"] {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn one_minor_and_the_next_take_addon_versions_from_the_table_in_order() {
    let mut kube_proxy = Vec::new();
    for version in [KubernetesVersion::V1_33, KubernetesVersion::V1_34] {
        let t = platform_at(version);
        let clusters = resources_of(&t, "AWS::EKS::Cluster");
        assert_eq!(clusters[0].1["Properties"]["Version"], version.as_str());
        let cluster_id = clusters[0].0.clone();
        let addons = resources_of(&t, "AWS::EKS::Addon");
        assert_eq!(addons.len(), 5, "{version}");
        let node_groups = resources_of(&t, "AWS::EKS::Nodegroup");
        let (ng_id, ng) = node_groups[0];
        assert_eq!(ng["Properties"]["Version"], version.as_str());
        for (id, addon) in &addons {
            let name = addon["Properties"]["AddonName"].as_str().unwrap();
            // The version is the table's, or absent exactly where the table has a gap.
            match addon_version_cell(name, version).unwrap() {
                AddonVersionCell::Known { versions, .. } => {
                    assert_eq!(addon["Properties"]["AddonVersion"], versions[0], "{name} on {version}");
                }
                AddonVersionCell::Gap { .. } => {
                    assert!(addon["Properties"].get("AddonVersion").is_none(), "{name} on {version}");
                }
            }
            if name == "kube-proxy" {
                kube_proxy.push(addon["Properties"]["AddonVersion"].as_str().unwrap().to_string());
            }
            // Control plane first: every add-on refers to the cluster.
            assert_eq!(addon["Properties"]["ClusterName"]["Ref"], cluster_id.as_str(), "{name}");
            // Networking add-ons before the node group; the ones running on nodes after it.
            match name {
                "vpc-cni" | "kube-proxy" | "eks-pod-identity-agent" => {
                    assert!(depends_on(ng).contains(id), "{ng_id} waits for {name}: {:?}", depends_on(ng));
                }
                _ => assert!(depends_on(addon).contains(ng_id), "{name} waits for {ng_id}: {:?}", depends_on(addon)),
            }
        }
    }
    assert_eq!(kube_proxy, ["v1.33.10-eksbuild.13", "v1.34.6-eksbuild.13"]);
}

#[test]
fn an_override_outside_the_table_is_refused_at_the_cluster_path() {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let built = EksCluster::new(
        &prod.stack("cluster"),
        "Cluster",
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36).addon_versions(
            AddonVersions::new()
                .eks_default_for_gaps("no documented version")
                .pin("kube-proxy", "v1.35.3-eksbuild.13")
                .pin("traefik", "v1.0.0-eksbuild.1"),
        ),
    );
    if let Ok(cluster) = &built {
        NodeGroup::new(cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    }
    let err = synth_error(&app, built);
    assert!(
        err.contains("prod/cluster/Cluster: kube-proxy version v1.35.3-eksbuild.13 is not in the table of add-on versions for Kubernetes 1.36"),
        "{err}"
    );
    assert!(err.contains("hint: use one of v1.36.0-eksbuild.14"), "{err}");
    assert!(err.contains("addon_versions names 'traefik', which this cluster does not install"), "{err}");
}

#[test]
fn an_autoscaler_override_of_another_minor_is_refused() {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let images = ControllerImages::default().cluster_autoscaler("mirror.example.com/cluster-autoscaler:v1.35.2");
    let built = EksCluster::new(
        &prod.stack("cluster"),
        "Cluster",
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
            .addon_versions(AddonVersions::new().eks_default_for_gaps("no documented version"))
            .controller_images(images),
    );
    if let Ok(cluster) = &built {
        NodeGroup::new(cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    }
    let err = synth_error(&app, built);
    assert!(
        err.contains("prod/cluster/Cluster: controller_images.cluster_autoscaler 'mirror.example.com/cluster-autoscaler:v1.35.2' is a release for Kubernetes 1.35, but the cluster runs 1.36"),
        "{err}"
    );
    assert!(err.contains("(the table's: registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1)"), "{err}");
}

#[test]
fn a_gap_of_the_table_without_a_choice_is_a_synth_error_with_both_ways_out() {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let props = EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
        .addons(OptionalAddons::default().ebs_csi_driver(true).cloudwatch_observability(true));
    let built = EksCluster::new(&prod.stack("cluster"), "Cluster", props);
    if let Ok(cluster) = &built {
        NodeGroup::new(cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    }
    let err = synth_error(&app, built);
    assert!(
        err.contains(
            "prod/cluster/Cluster: the table of add-on versions has no aws-ebs-csi-driver version for Kubernetes 1.36"
        ),
        "{err}"
    );
    assert!(
        err.contains(".pin(\"aws-ebs-csi-driver\"") && err.contains(".eks_default(\"aws-ebs-csi-driver\""),
        "{err}"
    );
    assert!(err.contains("no amazon-cloudwatch-observability version for Kubernetes 1.36"), "{err}");
    // The required add-ons have table entries for 1.36: no problem about them.
    for addon in ["kube-proxy", "coredns", "vpc-cni", "eks-pod-identity-agent"] {
        assert!(!err.contains(&format!("no {addon} version")), "{err}");
    }
}

/// `eks_default_for_gaps` where the cluster's add-ons have no gap changes nothing: a warning,
/// and the output is the same as without it.
#[test]
fn a_choice_for_gaps_on_a_cluster_without_gaps_is_a_warning() {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let props = EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
        .addon_versions(AddonVersions::new().eks_default_for_gaps("just in case"));
    let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", props).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let assembly = app.synth().unwrap();
    let warnings: Vec<String> = assembly.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("prod/cluster/Cluster: eks_default_for_gaps is set, but the table has a version")
                && w.contains("remove .eks_default_for_gaps(...)")),
        "{warnings:#?}"
    );
    let text = template(&assembly, "prod-cluster").to_string();
    assert!(text.contains("\"AddonVersion\":\"v1.22.4-eksbuild.3\""), "vpc-cni gets the table's version");
}

/// The reference platform at 1.36 with `props` for its node group; the app and the cluster.
fn platform_with_nodes(
    props: NodeGroupProps,
) -> (stackwright_core::App, stackwright_core::Result<NodeGroup>, EksCluster) {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let cluster = EksCluster::new(
        &prod.stack("cluster"),
        "Cluster",
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
            .addon_versions(AddonVersions::new().eks_default_for_gaps("no documented version")),
    )
    .unwrap();
    let group = NodeGroup::new(&cluster, "General", props);
    (app, group, cluster)
}

#[test]
fn a_pinned_ami_release_is_the_node_groups_and_of_the_clusters_minor() {
    let (app, group, _) =
        platform_with_nodes(NodeGroupProps::on_demand(["t3.medium"], 2..=6).release_version("1.36.1-20261104"));
    group.unwrap();
    let assembly = app.synth().unwrap();
    let t = template(&assembly, "prod-cluster");
    let groups = resources_of(&t, "AWS::EKS::Nodegroup");
    assert_eq!(groups[0].1["Properties"]["ReleaseVersion"], "1.36.1-20261104");
    // Unpinned: no ReleaseVersion (EKS takes the newest when the group is created or upgraded).
    let t = platform_at(KubernetesVersion::V1_36);
    assert!(resources_of(&t, "AWS::EKS::Nodegroup")[0].1["Properties"].get("ReleaseVersion").is_none());

    // A pin of the previous minor, left behind by the control-plane upgrade: refused.
    let (app, group, _) =
        platform_with_nodes(NodeGroupProps::on_demand(["t3.medium"], 2..=6).release_version("1.35.4-20261020"));
    let err = synth_error(&app, group);
    assert!(
        err.contains("prod/cluster/Cluster/General: release_version 1.35.4-20261020 is an AMI release for Kubernetes 1.35, but the cluster runs 1.36"),
        "{err}"
    );
    assert!(err.contains("/aws/service/eks/optimized-ami/1.36/"), "{err}");
    let (app, group, _) =
        platform_with_nodes(NodeGroupProps::on_demand(["t3.medium"], 2..=6).release_version("latest"));
    assert!(synth_error(&app, group).contains("release_version 'latest' is not an EKS AMI release"));
}

/// The node roll (a version or AMI release change) replaces one node at a time, and the Flask
/// app's PodDisruptionBudget lets the drain evict one of its three pods at a time: two keep
/// serving throughout.
#[test]
fn the_flask_app_stays_available_while_the_nodes_roll() {
    let (app, group, cluster) = platform_with_nodes(NodeGroupProps::on_demand(["t3.medium"], 2..=6));
    group.unwrap();
    let image = ContainerImage::public("registry.example.com/flask-app", ImageReference::Tag("0.1.0".into()));
    FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image)).unwrap();
    let assembly = app.synth().unwrap();
    let t = template(&assembly, "prod-cluster");
    let group = resources_of(&t, "AWS::EKS::Nodegroup")[0].1;
    assert_eq!(group["Properties"]["UpdateConfig"]["MaxUnavailable"], 1, "one node replaced at a time");

    let cluster_entry = &assembly.manifest.clusters[0];
    let object = |kind: &str| -> serde_json::Value {
        let entry = cluster_entry.objects.iter().find(|o| o.kind == kind && o.name == "flask-app").unwrap();
        serde_saphyr::from_str(assembly.file(&format!("{}/{}", cluster_entry.directory, entry.file)).unwrap()).unwrap()
    };
    let (deployment, pdb, hpa) =
        (object("Deployment"), object("PodDisruptionBudget"), object("HorizontalPodAutoscaler"));
    assert_eq!(hpa["spec"]["minReplicas"], 3, "three replicas at least");
    assert_eq!(pdb["spec"]["maxUnavailable"], 1, "the drain evicts one pod at a time");
    assert_eq!(
        pdb["spec"]["selector"]["matchLabels"], deployment["spec"]["selector"]["matchLabels"],
        "the budget covers the app's pods"
    );
    // Spread over nodes, so one drained node takes at most one replica's worth of capacity.
    let spec = &deployment["spec"]["template"]["spec"];
    assert!(
        spec.get("topologySpreadConstraints").is_some() || spec.get("affinity").is_some(),
        "pods spread over nodes: {spec}"
    );
}
