//! GPU nodes: a node group on an NVIDIA AMI brings the NVIDIA device plugin (once per cluster,
//! on GPU nodes only), its nodes carry the label the plugin selects and the autoscaler's node
//! template has it; a cluster without such a group, or with the plugin turned off, gets none.

mod common;
mod eks_support;

use common::object;
use eks_support::{app, reference_vpc, synth_error, template};
use stackwright_constructs::{
    AmiType, ControllerImages, EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps, TaintEffect,
};
use stackwright_core::Assembly;

/// A 1.36 cluster with a CPU group and, when `gpu_groups` > 0, that many NVIDIA groups.
fn cluster_with(gpu_groups: usize, props: impl FnOnce(EksClusterProps<'_>) -> EksClusterProps<'_>) -> Assembly {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", props(EksClusterProps::new(&vpc, KubernetesVersion::V1_36)))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    for i in 0..gpu_groups {
        let gpus = NodeGroupProps::spot(["g5.xlarge", "g6.xlarge"], 0..=2).ami_type(AmiType::Al2023X86_64Nvidia).taint(
            "nvidia.com/gpu",
            "true",
            TaintEffect::NoSchedule,
        );
        NodeGroup::new(&cluster, &format!("Gpu{i}"), gpus).unwrap();
    }
    app.synth().unwrap()
}

/// How many DaemonSets are named `nvidia-device-plugin`, and the one when there is one.
fn plugins(assembly: &Assembly) -> (usize, Option<serde_json::Value>) {
    let entries: Vec<_> = assembly.manifest.clusters[0]
        .objects
        .iter()
        .filter(|o| o.name == "nvidia-device-plugin" && o.kind == "DaemonSet")
        .collect();
    let daemon_set = entries
        .iter()
        .any(|o| o.kind == "DaemonSet" && o.namespace.as_deref() == Some("kube-system"))
        .then(|| object(assembly, "DaemonSet", "nvidia-device-plugin"));
    (entries.len(), daemon_set)
}

#[test]
fn the_first_nvidia_group_brings_the_device_plugin_once_on_gpu_nodes_only() {
    let assembly = cluster_with(2, |p| p);
    assert!(assembly.warnings.iter().all(|w| !w.to_string().contains("NVIDIA")), "{:?}", assembly.warnings);
    let (count, daemon_set) = plugins(&assembly);
    assert_eq!(count, 1, "one plugin for two GPU groups");
    let daemon_set = daemon_set.expect("a DaemonSet in kube-system");
    let pod = &daemon_set["spec"]["template"]["spec"];
    assert_eq!(pod["nodeSelector"]["stackwright.io/accelerator"], "nvidia");
    assert_eq!(pod["containers"][0]["image"], "nvcr.io/nvidia/k8s-device-plugin:v0.20.0");
    assert_eq!(pod["tolerations"][0]["key"], "nvidia.com/gpu", "it runs on the tainted GPU nodes");

    let cluster = template(&assembly, "prod-cluster");
    for (id, r) in cluster["Resources"].as_object().unwrap() {
        if r["Type"] != "AWS::EKS::Nodegroup" {
            continue;
        }
        let gpu = r["Properties"]["AmiType"] == "AL2023_x86_64_NVIDIA";
        let labelled = r["Properties"]["Labels"]["stackwright.io/accelerator"] == "nvidia";
        assert_eq!(gpu, labelled, "{id}: only GPU nodes carry the label");
        let tags = r["Properties"]["Tags"].to_string();
        assert_eq!(
            gpu,
            tags.contains("k8s.io/cluster-autoscaler/node-template/label/stackwright.io/accelerator"),
            "{id}: the autoscaler scales the GPU groups from zero knowing the label"
        );
    }
}

#[test]
fn no_gpu_group_or_the_plugin_turned_off_installs_nothing() {
    assert_eq!(plugins(&cluster_with(0, |p| p)).0, 0);
    // Turned off (the GPU Operator manages the GPUs): the nodes still carry the label.
    let assembly = cluster_with(1, |p| p.nvidia_device_plugin(false));
    assert_eq!(plugins(&assembly).0, 0);
    assert!(template(&assembly, "prod-cluster").to_string().contains("stackwright.io/accelerator"));
}

#[test]
fn the_plugin_image_can_be_pinned_and_is_checked() {
    let pinned = "nvcr.io/nvidia/k8s-device-plugin:v0.20.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let assembly = cluster_with(1, |p| p.controller_images(ControllerImages::default().nvidia_device_plugin(pinned)));
    let daemon_set = plugins(&assembly).1.unwrap();
    let pod = &daemon_set["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][0]["image"], pinned);
    assert_eq!(pod["containers"][0]["imagePullPolicy"], "IfNotPresent");

    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let props = EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
        .controller_images(ControllerImages::default().nvidia_device_plugin("nvcr.io/nvidia/k8s-device-plugin:latest"));
    let err = synth_error(&app, EksCluster::new(&prod.stack("cluster"), "Cluster", props));
    assert!(err.contains("controller_images.nvidia_device_plugin 'nvcr.io/nvidia/k8s-device-plugin:latest'"), "{err}");
}

/// A workload asking for GPUs requests and limits `nvidia.com/gpu` alike and tolerates the GPU
/// nodes' taint; one without GPUs tolerates nothing.
#[test]
fn a_workload_asking_for_gpus_requests_them_and_tolerates_the_gpu_taint() {
    use stackwright_constructs::{
        ComputeResources, ContainerImage, ContainerSpec, Cpu, ImageReference, Memory, Namespace, NamespaceProps,
        Workload, WorkloadProps,
    };
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    let ns = Namespace::new(&cluster, "Ml", NamespaceProps::default()).unwrap();
    let image = ContainerImage::public("registry.example.com/infer", ImageReference::Tag("1.0.0".into()));
    let gpus = ComputeResources::new(Cpu::cores(4), Memory::gibibytes(16)).nvidia_gpus(2);
    let worker = |id: &str, resources| {
        WorkloadProps::new(ContainerSpec::new(image.clone()).resources(resources))
            .service(stackwright_constructs::ServiceKind::None)
            .name(id.to_lowercase())
    };
    Workload::new(&cluster, &ns, "Infer", worker("Infer", gpus)).unwrap();
    let cpu_only = ComputeResources::new(Cpu::cores(1), Memory::gibibytes(1));
    Workload::new(&cluster, &ns, "Plain", worker("Plain", cpu_only)).unwrap();
    let assembly = app.synth().unwrap();

    let infer = object(&assembly, "Deployment", "infer");
    let pod = &infer["spec"]["template"]["spec"];
    let resources = &pod["containers"][0]["resources"];
    assert_eq!(resources["limits"]["nvidia.com/gpu"], "2");
    assert_eq!(resources["requests"]["nvidia.com/gpu"], "2");
    assert_eq!(pod["tolerations"][0]["key"], "nvidia.com/gpu");
    assert_eq!(pod["tolerations"][0]["effect"], "NoSchedule");
    // The cluster has no GPU node group: a warning at the cluster, naming the workload.
    let warnings: Vec<String> = assembly.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("prod/cluster/Cluster: prod/cluster/Cluster/Ml/Infer ask(s) for NVIDIA GPUs")
                && w.contains("no node group of the cluster runs an NVIDIA AMI")
                && !w.contains("Ml/Plain")),
        "{warnings:#?}"
    );
    let plain = object(&assembly, "Deployment", "plain");
    assert!(plain["spec"]["template"]["spec"].get("tolerations").is_none());
    assert!(plain["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"].get("nvidia.com/gpu").is_none());
}
