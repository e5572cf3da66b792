//! The cluster autoscaler and the AWS Load Balancer Controller: the manifests are hardened, the
//! images follow the cluster version, and the templates and manifests pass the validators when
//! they are installed. (That their policies, RBAC and CRDs equal upstream's is checked by the
//! unit tests beside them.)

mod eks_support;

use std::path::Path;
use std::process::Command;

use eks_support::{app, platform, synth_error, template, write_out};
use stackwright_constructs::{ControllerImages, EksCluster, EksClusterProps, KubernetesVersion, Vpc, VpcProps};
use stackwright_core::Assembly;

/// Every manifest of the cluster, by file name.
fn manifests(assembly: &Assembly) -> Vec<(String, String)> {
    assembly
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("k8s/"))
        .map(|(path, bytes)| (path.clone(), String::from_utf8(bytes.clone()).unwrap()))
        .collect()
}

#[test]
fn the_controller_manifests_snapshot() {
    let (app, _) = platform();
    let assembly = app.synth().unwrap();
    let text: String = manifests(&assembly)
        .iter()
        .filter(|(path, _)| !path.contains("customresourcedefinition"))
        .map(|(path, yaml)| format!("# {path}\n{yaml}---\n"))
        .collect();
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/constructs"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("eks-controllers.manifests", text);
    });
}

#[test]
fn controllers_run_hardened_with_late_bound_roles() {
    let (app, _) = platform();
    let assembly = app.synth().unwrap();
    let files = manifests(&assembly);
    let find = |needle: &str| files.iter().find(|(p, _)| p.contains(needle)).map(|(_, y)| y.clone()).unwrap();
    for deployment in
        ["deployment-kube-system-cluster-autoscaler", "deployment-kube-system-aws-load-balancer-controller"]
    {
        let yaml = find(deployment);
        for expected in [
            "automountServiceAccountToken: false",
            "readOnlyRootFilesystem: true",
            "runAsNonRoot: true",
            "allowPrivilegeEscalation: false",
            "type: RuntimeDefault",
            "- ALL",
            "livenessProbe:",
            "readinessProbe:",
            "limits:",
            "mountPath: /var/run/secrets/kubernetes.io/serviceaccount",
        ] {
            assert!(yaml.contains(expected), "{deployment} lacks {expected}:\n{yaml}");
        }
    }
    assert!(
        find("deployment-kube-system-cluster-autoscaler")
            .contains("registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1")
    );
    assert!(find("deployment-kube-system-cluster-autoscaler").contains(
        "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/demo-prod-cluster"
    ));
    let lbc = find("deployment-kube-system-aws-load-balancer-controller");
    assert!(lbc.contains("--aws-vpc-id=((stackwright:ref:prod/network/Vpc/Resource))"), "{lbc}");
    assert!(lbc.contains("secretName: aws-load-balancer-tls"), "{lbc}");
    let sa = find("serviceaccount-kube-system-aws-load-balancer-controller");
    assert!(
        sa.contains(
            "eks.amazonaws.com/role-arn: ((stackwright:ref:prod/cluster/Cluster/LoadBalancerController/Role.Arn))"
        ),
        "{sa}"
    );
    assert!(find("ingressclass-alb").contains("controller: ingress.k8s.aws/alb"));
    assert!(find("job-kube-system-aws-load-balancer-certgen").contains("--secret-name=aws-load-balancer-tls"));
    // No webhook configuration: nothing in the cluster depends on the controller's webhooks.
    assert!(!files.iter().any(|(p, _)| p.contains("webhookconfiguration")));
    // The role ARNs come from the cluster stack's outputs.
    let t = template(&assembly, "prod-cluster");
    assert!(t["Outputs"]["ClusterLoadBalancerControllerRoleArn"].is_object());
    assert!(t["Outputs"]["ClusterClusterAutoscalerRoleArn"].is_object());
}

#[test]
fn images_follow_the_cluster_version_and_can_be_pinned() {
    let (app, prod) = app();
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let mut props = EksClusterProps::new(&vpc, KubernetesVersion::V1_34);
    let digest = format!("sha256:{}", "0".repeat(64));
    props.controller_images = ControllerImages {
        load_balancer_controller: Some(format!("public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0@{digest}")),
        ..Default::default()
    };
    let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", props).unwrap();
    stackwright_constructs::NodeGroup::new(
        &cluster,
        "General",
        stackwright_constructs::NodeGroupProps::on_demand(["t3.medium"], 2..=4),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    let files = manifests(&assembly);
    let ca = files.iter().find(|(p, _)| p.contains("deployment-kube-system-cluster-autoscaler")).unwrap();
    assert!(ca.1.contains("cluster-autoscaler:v1.34.5"));
    let lbc = files.iter().find(|(p, _)| p.contains("deployment-kube-system-aws-load-balancer-controller")).unwrap();
    assert!(lbc.1.contains(&format!("aws-load-balancer-controller:v3.5.0@{digest}")));
}

#[test]
fn controllers_can_be_left_out() {
    let (app, prod) = app();
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let mut props = EksClusterProps::new(&vpc, KubernetesVersion::V1_36);
    props.cluster_autoscaler = false;
    props.load_balancer_controller = false;
    let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", props).unwrap();
    stackwright_constructs::NodeGroup::new(
        &cluster,
        "General",
        stackwright_constructs::NodeGroupProps::on_demand(["t3.medium"], 2..=4),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    assert!(manifests(&assembly).is_empty());
}

#[test]
fn a_controller_image_that_names_no_image() {
    let (app, prod) = app();
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let mut props = EksClusterProps::new(&vpc, KubernetesVersion::V1_36);
    props.controller_images.cluster_autoscaler = Some("registry.k8s.io/autoscaling/cluster-autoscaler:latest".into());
    let err = synth_error(&app, EksCluster::new(&prod.stack("cluster"), "Cluster", props));
    assert!(
        err.contains("prod/cluster/Cluster: controller_images.cluster_autoscaler 'registry.k8s.io/autoscaling/cluster-autoscaler:latest' does not name one image"),
        "{err}"
    );
    assert!(err.contains("hint: write repository:tag or repository:tag@sha256:<digest>, never latest"), "{err}");
}

/// cfn-lint (0 errors, 0 warnings) and strict Kubernetes schema validation on the platform,
/// proving among others that CloudFormation's linter accepts the IRSA trust policy as an
/// `Fn::Sub` string. Runs when `scripts/test` provides the validators.
#[test]
fn the_platform_passes_the_validators() {
    let Some(tools) = std::env::var_os("STACKWRIGHT_TOOLS_DIR") else {
        eprintln!("skipped: STACKWRIGHT_TOOLS_DIR is not set (scripts/test sets it)");
        return;
    };
    let (app, _) = platform();
    let dir = write_out(&app.synth().unwrap(), "validators");
    let run = |tool: &str, args: &[&Path]| {
        let out = Command::new(Path::new(&tools).join(tool)).args(args).output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{tool} failed:\n{text}");
        text
    };
    let cfn = run("validate-cfn", &[Path::new("--strict"), &dir]);
    assert!(cfn.contains("0 errors, 0 warnings"), "{cfn}");
    let k8s = run("validate-k8s", &[&dir.join("k8s")]);
    assert!(k8s.contains(", 0 errors"), "{k8s}");
}

#[test]
fn two_synths_of_the_platform_are_byte_identical() {
    let synth = || {
        let (app, cluster) = platform();
        let prod = stackwright_core::Construct::node(&cluster).environment().unwrap();
        let repo =
            stackwright_constructs::EcrRepo::new(&prod.stack("registry"), "FlaskApp", Default::default()).unwrap();
        repo.grant_push("arn:aws:iam::123456789012:role/ci");
        app.synth().unwrap()
    };
    let (a, b) = (synth(), synth());
    assert_eq!(a.files, b.files);
    assert_eq!(a.manifest_json(), b.manifest_json());
}
