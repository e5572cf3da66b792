//! A program on a shared, referenced cluster (`EksCluster::from_attributes`) against the fake
//! API server over TLS: the runtime connects with the endpoint and certificate authority given
//! as attributes (read back from the outputs of the cluster's stack, as CloudFormation returns
//! them: literal values), and pruning stays inside this app's inventory and owner label —
//! objects another app applied, and objects applied by hand, survive this app's deploy (prune)
//! and destroy, even where they share a kind, a name or a namespace name with ours.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use stackwright_constructs::{
    ClusterAttributes, ContainerImage, ContainerSpec, EksCluster, ExistingSubnet, ImageReference, KubernetesVersion,
    Namespace, NamespaceProps, NodeGroup, NodeGroupProps, OidcProviderRef, ProbeSpec, ServiceKind, Vpc, VpcAttributes,
    Workload, WorkloadProps,
};
use stackwright_core::{Account, App};
use stackwright_deploy::kubernetes::{KubeOptions, ObjectRef};
use stackwright_deploy::plan::{Assembly, Outputs};
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use common::fake_kube::FakeKube;

const ISSUER: &str = "oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9";

fn subnet(zone: &str, id: &str, cidr: &str) -> ExistingSubnet {
    ExistingSubnet::new(zone, id, cidr.parse().unwrap(), "rtb-0a1b2c3d4e5f61001")
}

fn workload(image: &ContainerImage) -> WorkloadProps {
    WorkloadProps::new(
        ContainerSpec::new(image.clone())
            .port("http", 8080)
            .readiness(ProbeSpec::http("/ready", "http"))
            .liveness(ProbeSpec::http("/healthz", "http")),
    )
}

/// The app `ledger` on the referenced cluster `platform`, whose endpoint and CA are the fake
/// API server's: a node group, the `ledger` namespace, the `api` workload and (in version 1)
/// the `worker`.
fn synth(dir: &Path, endpoint: &str, ca: &str, version: u32) -> Arc<Assembly> {
    let app = App::new("ledger");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), stackwright_core::Region::UsEast1);
    let apps = dev.stack("apps");
    let vpc = Vpc::from_attributes(
        &apps,
        "SharedVpc",
        VpcAttributes::new("vpc-0a1b2c3d4e5f60718", "10.1.0.0/16".parse().unwrap())
            .private(subnet("us-east-1a", "subnet-0a1b2c3d4e5f61001", "10.1.0.0/19"))
            .private(subnet("us-east-1b", "subnet-0a1b2c3d4e5f61002", "10.1.32.0/19")),
    )
    .unwrap();
    let cluster = EksCluster::from_attributes(
        &apps,
        "SharedCluster",
        ClusterAttributes::new("platform", KubernetesVersion::V1_36, &vpc)
            .endpoint(endpoint)
            .certificate_authority_data(ca)
            .oidc_issuer(format!("https://{ISSUER}"))
            .cluster_security_group_id("sg-0a1b2c3d4e5f60718")
            .oidc_provider(OidcProviderRef::from_arn(format!("arn:aws:iam::000000000000:oidc-provider/{ISSUER}"))),
    )
    .unwrap();
    NodeGroup::new(&cluster, "Nodes", NodeGroupProps::on_demand(["t3.medium"], 1..=3)).unwrap();
    let ns = Namespace::new(&cluster, "Ledger", NamespaceProps::default()).unwrap();
    let image = ContainerImage::public(
        "registry.example.com/ledger",
        ImageReference::Digest(format!("sha256:{}", "1".repeat(64))),
    );
    Workload::new(&cluster, &ns, "Api", workload(&image)).unwrap();
    if version == 1 {
        let worker = WorkloadProps { service: ServiceKind::None, ..workload(&image) };
        Workload::new(&cluster, &ns, "Worker", worker).unwrap();
    }
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

/// The outputs of the cluster's stack as CloudFormation would return them: its template's
/// literal output values (the connection data are literal on a referenced cluster).
fn outputs(assembly: &Assembly) -> Outputs {
    let cluster = &assembly.manifest.clusters[0];
    let template: serde_json::Value =
        serde_json::from_str(&assembly.template(assembly.stack(&cluster.stack).unwrap()).unwrap()).unwrap();
    let of_stack: BTreeMap<String, String> = template["Outputs"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(name, o)| o["Value"].as_str().map(|v| (name.clone(), v.to_string())))
        .collect();
    HashMap::from([(cluster.stack.clone(), of_stack)])
}

/// What others put on the shared cluster: the `payments` app (another stackwright app, its own
/// owner label and inventory) with a namespace and a Deployment named like ours, and objects
/// applied by hand (no labels) of our kinds and names.
fn others(kube: &FakeKube) {
    let payments = json!({"app.kubernetes.io/managed-by": "stackwright", "stackwright.io/owner": "payments.platform"});
    kube.insert(
        "v1",
        "namespaces",
        "",
        "payments",
        json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "payments", "labels": payments}}),
    );
    for name in ["api", "worker"] {
        kube.insert(
            "apps/v1",
            "deployments",
            "payments",
            name,
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "payments", "labels": payments}, "spec": {"replicas": 1}}),
        );
    }
    kube.insert("v1", "configmaps", "kube-system", "stackwright-inventory-payments.platform", json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "stackwright-inventory-payments.platform", "namespace": "kube-system",
                     "labels": {"app.kubernetes.io/managed-by": "stackwright", "stackwright.io/inventory": "payments.platform"}},
        "data": {"objects": r#"[{"api_version":"apps/v1","kind":"Deployment","namespace":"payments","name":"api"}]"#}}));
    kube.insert(
        "v1",
        "namespaces",
        "",
        "tools",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tools"}}),
    );
    kube.insert(
        "v1",
        "services",
        "tools",
        "worker",
        json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "worker", "namespace": "tools"}, "spec": {"ports": [{"port": 80}]}}),
    );
    kube.insert(
        "apps/v1",
        "deployments",
        "tools",
        "worker",
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "worker", "namespace": "tools", "labels": {"app.kubernetes.io/managed-by": "stackwright"}},
        "spec": {"replicas": 1}}),
    );
}

/// The objects of others, which must all still be there.
const OTHERS: [&str; 7] = [
    "deployments/payments/api",
    "deployments/payments/worker",
    "deployments/tools/worker",
    "services/tools/worker",
    "configmaps/kube-system/stackwright-inventory-payments.platform",
    "namespaces/payments",
    "namespaces/tools",
];

fn assert_others_survive(kube: &FakeKube, when: &str) {
    let names = kube.names();
    for other in OTHERS {
        assert!(names.iter().any(|n| n == other), "{other} is gone after {when}: {names:?}");
    }
}

#[tokio::test]
async fn the_runtime_connects_to_the_referenced_cluster_and_leaves_what_others_applied() {
    let (kube, ca) = FakeKube::start_tls().await;
    others(&kube);
    let dir = common::temp_dir("kube-referenced");
    // No AWS endpoint is called: the connection comes from the outputs, the token is signed
    // locally with the test credentials.
    let mut rt = Runtime::new(common::aws_options("http://127.0.0.1:9"), ProgressMode::Capture);
    rt.kube = KubeOptions {
        ready_timeout: Duration::from_secs(5),
        poll: Duration::from_millis(20),
        ..KubeOptions::default()
    };

    // Version 1: the api and the worker, applied over TLS checked against the given CA.
    let v1 = synth(&dir, &kube.endpoint(), &ca, 1);
    let cluster = &v1.manifest.clusters[0];
    assert_eq!((cluster.name.as_str(), cluster.stack.as_str()), ("platform", "dev-apps"));
    let access = rt.cluster_access(&v1, cluster, &outputs(&v1)).await.unwrap();
    assert_eq!(
        (access.name.as_str(), access.endpoint.as_str(), access.certificate_authority.as_str()),
        ("platform", kube.endpoint().as_str(), ca.as_str())
    );
    let report = rt
        .apply_cluster(&v1, cluster, &outputs(&v1))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));
    assert!(report.pruned.is_empty(), "nothing of others is pruned on the first apply: {:?}", report.pruned);
    let text = rt.progress.lines().join("\n");
    assert!(
        text.contains(&format!("applying {} object(s) to platform ({})", report.applied.len(), kube.endpoint())),
        "{text}"
    );
    assert!(kube.log().iter().all(|l| l.authorization.starts_with("Bearer k8s-aws-v1.")));
    assert!(
        kube.get("deployments", "ledger", "api").is_some() && kube.get("deployments", "ledger", "worker").is_some()
    );
    let ours = kube.get("deployments", "ledger", "api").unwrap();
    assert_eq!(ours["metadata"]["labels"]["stackwright.io/owner"], "ledger.platform");
    assert_others_survive(&kube, "the first deploy");

    // A wrong CA is refused: the connection is the attributes', not any server's.
    let (_, other_ca) = FakeKube::start_tls().await;
    let wrong = synth(&common::temp_dir("kube-referenced-wrong-ca"), &kube.endpoint(), &other_ca, 1);
    let err = rt.apply_cluster(&wrong, &wrong.manifest.clusters[0], &outputs(&wrong)).await.unwrap_err().to_string();
    assert!(err.to_lowercase().contains("certificate") || err.contains("invalid peer"), "{err}");

    // Version 2: the worker leaves the program. Pruned: ours only, never the others' workers.
    let v2 = synth(&dir, &kube.endpoint(), &ca, 2);
    let report = rt.apply_cluster(&v2, &v2.manifest.clusters[0], &outputs(&v2)).await.unwrap();
    let pruned: Vec<String> = report.pruned.iter().map(ToString::to_string).collect();
    assert!(!pruned.is_empty() && pruned.iter().all(|p| p.contains("ledger/worker")), "{pruned:?}");
    assert!(kube.get("deployments", "ledger", "worker").is_none());
    assert_others_survive(&kube, "a deploy that prunes");

    // Destroy's Kubernetes part (what `destroy` runs before deleting the stacks): everything
    // of ours goes, including our inventory; nothing of others.
    let cluster = &v2.manifest.clusters[0];
    let access = rt.cluster_access(&v2, cluster, &outputs(&v2)).await.unwrap();
    let known: Vec<ObjectRef> = cluster.objects.iter().map(ObjectRef::from).collect();
    let deleted = rt.applier(&v2, cluster, &access).await.unwrap().delete_all(&known).await.unwrap();
    assert_eq!(deleted.len(), cluster.objects.len(), "{deleted:?}");
    let mut left = kube.names();
    left.sort();
    let mut expected: Vec<String> = OTHERS.iter().map(ToString::to_string).collect();
    expected.sort();
    assert_eq!(left, expected, "only what others applied is left");
}
