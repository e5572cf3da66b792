//! The cluster autoscaler and the AWS Load Balancer Controller: what is synthesized equals the
//! upstream references recorded in `upstream/` (with the documented narrowings), the manifests
//! are hardened, and the templates and manifests pass the validators when they are installed.

mod eks_support;

use std::path::Path;
use std::process::Command;

use eks_support::{app, error_text, platform, template, write_out};
use stackwright_constructs::eks_cluster::{ControllerImages, EksCluster, EksClusterProps};
use stackwright_constructs::{KubernetesVersion, Vpc, VpcProps, cluster_autoscaler, load_balancer_controller};
use stackwright_core::{Assembly, Region};

fn upstream(file: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("upstream").join(file);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

macro_rules! to_json {
    ($value:expr) => {
        serde_json::to_value($value).unwrap()
    };
}

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
fn cluster_autoscaler_policy_is_upstreams_narrowed_to_this_cluster() {
    let reference = upstream("cluster-autoscaler-1.36.1-iam-policy.json");
    let mut upstream_actions: Vec<String> = reference["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()))
        .collect();
    upstream_actions.sort();
    let policy = cluster_autoscaler::iam_policy("demo-prod-cluster");
    let ours: Vec<String> = policy.allowed_actions().iter().map(|a| a.to_string()).collect();
    assert_eq!(ours, upstream_actions, "the same actions as upstream, no more, no fewer");
    // The documented narrowings.
    let scale =
        policy.statements.iter().find(|s| s.actions.contains(&"autoscaling:SetDesiredCapacity".to_string())).unwrap();
    assert_eq!(scale.conditions.len(), 1);
    assert_eq!(scale.conditions[0].operator, "StringEquals");
    assert_eq!(scale.conditions[0].key, "aws:ResourceTag/k8s.io/cluster-autoscaler/demo-prod-cluster".into());
    let describe = policy.statements.iter().find(|s| s.actions == ["eks:DescribeNodegroup"]).unwrap();
    assert_ne!(describe.resources[0], "*".into());
    assert!(policy.problems("p").is_empty());
}

#[test]
fn cluster_autoscaler_rbac_is_upstreams() {
    let reference = upstream("cluster-autoscaler-1.36.1-rbac.json");
    assert_eq!(to_json!(&cluster_autoscaler::cluster_role_rules()), reference["ClusterRole"]);
    assert_eq!(to_json!(&cluster_autoscaler::role_rules()), reference["Role"]);
}

#[test]
fn load_balancer_controller_policy_is_upstreams_narrowed_to_the_region() {
    let mut reference = upstream("aws-load-balancer-controller-v3.5.0-iam-policy.json");
    let policy = load_balancer_controller::iam_policy(Region::EuWest1);
    assert!(policy.problems("p").is_empty());
    let mut ours = policy_json(&policy);
    // Remove the one narrowing from ours; what is left must be upstream's policy exactly.
    for (i, statement) in ours["Statement"].as_array_mut().unwrap().iter_mut().enumerate() {
        let deviates = load_balancer_controller::UPSTREAM_DEVIATIONS.contains(&i);
        let condition = statement.as_object_mut().unwrap().remove("Condition");
        if deviates {
            let condition = condition.unwrap();
            let regions = &condition["StringEquals"]["aws:RequestedRegion"];
            assert!(regions == "eu-west-1" || *regions == serde_json::json!(["eu-west-1", "us-east-1"]), "{regions}");
        } else if let Some(condition) = condition {
            statement.as_object_mut().unwrap().insert("Condition".into(), condition);
        }
    }
    // Upstream writes some single actions as lists; compare the same shape.
    for statement in reference["Statement"].as_array_mut().unwrap() {
        if let Some(actions) = statement["Action"].as_array()
            && actions.len() == 1
        {
            statement["Action"] = actions[0].clone();
        }
    }
    assert_eq!(ours, reference);
}

/// A policy document rendered the way a template holds it (all values here are literals).
fn policy_json(policy: &stackwright_constructs::iam::PolicyDocument) -> serde_json::Value {
    fn literal(value: &stackwright_core::Value) -> serde_json::Value {
        use stackwright_core::Value as V;
        match value {
            V::String(s) => serde_json::Value::String(s.clone()),
            V::List(items) => serde_json::Value::Array(items.iter().map(literal).collect()),
            V::Map(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), literal(v))).collect()),
            V::Bool(b) => serde_json::Value::Bool(*b),
            V::Int(n) => serde_json::json!(n),
            other => panic!("not a literal: {other:?}"),
        }
    }
    literal(&policy.to_value())
}

#[test]
fn load_balancer_controller_rbac_and_crds_are_upstreams() {
    let reference = upstream("aws-load-balancer-controller-v3.5.0-rbac.json");
    assert_eq!(to_json!(&load_balancer_controller::cluster_role_rules()), reference["ClusterRole"]);
    assert_eq!(to_json!(&load_balancer_controller::role_rules()), reference["Role"]);
    let crds = load_balancer_controller::crds().unwrap();
    // k8s-openapi keeps schema bounds as floats (`1000` reads back as `1000.0`): compare numbers
    // as numbers.
    let ours = numbers_as_floats(to_json!(&crds));
    let reference = numbers_as_floats(upstream("aws-load-balancer-controller-v3.5.0-crds.json"));
    assert!(ours == reference, "the CRDs differ from upstream's");
}

fn numbers_as_floats(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        J::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        J::Array(items) => J::Array(items.into_iter().map(numbers_as_floats).collect()),
        J::Object(m) => J::Object(m.into_iter().map(|(k, v)| (k, numbers_as_floats(v))).collect()),
        other => other,
    }
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
    assert!(lbc.contains("--aws-vpc-id=((stackwright:ref:prod/network/Vpc/Resource.VpcId))"), "{lbc}");
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
        load_balancer_controller: Some(format!("{}@{digest}", load_balancer_controller::IMAGE)),
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
    let (_app, prod) = app();
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let mut props = EksClusterProps::new(&vpc, KubernetesVersion::V1_36);
    props.controller_images.cluster_autoscaler = Some("registry.k8s.io/autoscaling/cluster-autoscaler:latest".into());
    let err = error_text(EksCluster::new(&prod.stack("cluster"), "Cluster", props));
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
