//! Objects included through `KubeManifest` (a CRD, an object of it and a built-in Deployment,
//! from YAML) go through the runtime like the library's own: applied in apply order (the CRD,
//! waited for, before its objects; the fake API server serves the custom kind only then),
//! readiness-waited, carrying the ownership labels, recorded in the inventory and pruned when
//! they leave the program.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use stackwright_constructs::{KubeManifest, KubeManifestProps};
use stackwright_core::{Account, App, RawResource, Region, Resource};
use stackwright_deploy::kubernetes::KubeOptions;
use stackwright_deploy::plan::{Assembly, Outputs};
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use common::fake_cluster::{FakeCluster, NAMESPACE_AND_DEPLOYMENT};
use common::fake_kube::FakeKube;

const CRD: &str = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
";

const WIDGET: &str = "\
apiVersion: example.com/v1
kind: Widget
metadata: {name: blue, namespace: shop}
spec: {size: 3}
";

/// The program: one cluster whose endpoint is the fake API server, and one `KubeManifest`
/// holding the YAML — the custom object before its CRD (the YAML's order is not the apply
/// order), unless `with_widget` is false.
fn synth(dir: &Path, endpoint: &str, with_widget: bool) -> Arc<Assembly> {
    let app = App::new("shop");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), Region::UsEast1);
    let platform = dev.stack("platform");
    // CloudFormation refuses a template without resources, so synth does too: the stack holds
    // one, as a real cluster's stack does.
    Resource::new(&platform, "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    let cluster = FakeCluster::new(&platform, "main", endpoint);
    let widget = if with_widget { format!("{WIDGET}---\n") } else { String::new() };
    let yaml = format!("{widget}{CRD}---\n{NAMESPACE_AND_DEPLOYMENT}");
    KubeManifest::new(&platform, "Upstream", &cluster, KubeManifestProps::yaml("upstream.yaml", yaml)).unwrap();
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

/// The stack outputs the runtime reads the cluster's connection from, pointing at `kube`.
fn outputs(assembly: &Assembly, kube: &FakeKube) -> Outputs {
    let cluster = &assembly.manifest.clusters[0];
    let of_stack: BTreeMap<String, String> = [
        (cluster.outputs.cluster_name.clone(), "main".to_string()),
        (cluster.outputs.endpoint.clone(), kube.endpoint()),
    ]
    .into();
    HashMap::from([(cluster.stack.clone(), of_stack)])
}

#[tokio::test]
async fn included_objects_are_applied_in_order_waited_for_labelled_and_pruned() {
    let kube = FakeKube::start().await;
    let dir = common::temp_dir("kube-included");
    let mut rt = Runtime::new(common::aws_options("http://127.0.0.1:9"), ProgressMode::Capture);
    rt.kube = KubeOptions {
        ready_timeout: Duration::from_secs(5),
        poll: Duration::from_millis(20),
        ..KubeOptions::default()
    };

    let v1 = synth(&dir, &kube.endpoint(), true);
    let cluster = &v1.manifest.clusters[0];
    let report = rt
        .apply_cluster(&v1, cluster, &outputs(&v1, &kube))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));
    let applied: Vec<String> = report.applied.iter().map(ToString::to_string).collect();
    assert_eq!(
        applied,
        [
            "Namespace shop",
            "CustomResourceDefinition widgets.example.com",
            "Deployment shop/gadget",
            "Widget shop/blue"
        ],
        "apply order, not the YAML's"
    );
    assert_eq!(
        kube.writes(),
        [
            "PATCH /api/v1/namespaces/shop",
            "PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
            "PATCH /apis/apps/v1/namespaces/shop/deployments/gadget",
            "PATCH /apis/example.com/v1/namespaces/shop/widgets/blue",
            "PATCH /api/v1/namespaces/kube-system/configmaps/stackwright-inventory-shop.main",
        ]
    );
    // The CRD was waited for (read until established) before its object was applied.
    let log = kube.log();
    let crd_read = log.iter().position(|l| l.method == "GET" && l.path.ends_with("/widgets.example.com")).unwrap();
    let widget_applied = log.iter().position(|l| l.method == "PATCH" && l.path.ends_with("/widgets/blue")).unwrap();
    assert!(crd_read < widget_applied, "{log:#?}");
    // The Deployment from the YAML was waited for like the library's own.
    let text = rt.progress.lines().join("\n");
    assert!(text.contains("waiting for Deployment shop/gadget: 0 of 2 replicas updated"), "{text}");
    assert!(text.contains("Deployment shop/gadget is ready"), "{text}");
    // Every included object carries the ownership labels.
    for (plural, ns, name) in [
        ("namespaces", "", "shop"),
        ("customresourcedefinitions", "", "widgets.example.com"),
        ("deployments", "shop", "gadget"),
        ("widgets", "shop", "blue"),
    ] {
        let live = kube.get(plural, ns, name).unwrap_or_else(|| panic!("{plural} {name} applied"));
        assert_eq!(
            live["metadata"]["labels"],
            json!({"app.kubernetes.io/managed-by": "stackwright", "stackwright.io/owner": "shop.main"}),
            "{plural} {name}: {live}"
        );
    }
    let inventory = kube.get("configmaps", "kube-system", "stackwright-inventory-shop.main").unwrap().to_string();
    assert!(inventory.contains("Widget") && inventory.contains("blue"), "{inventory}");

    // The Widget leaves the YAML: the next deploy prunes it, and only it.
    let v2 = synth(&dir, &kube.endpoint(), false);
    let report = rt.apply_cluster(&v2, &v2.manifest.clusters[0], &outputs(&v2, &kube)).await.unwrap();
    let pruned: Vec<String> = report.pruned.iter().map(ToString::to_string).collect();
    assert_eq!(pruned, ["Widget shop/blue"]);
    assert!(kube.get("widgets", "shop", "blue").is_none());
    assert_eq!(
        kube.names(),
        [
            "customresourcedefinitions/widgets.example.com",
            "deployments/shop/gadget",
            "configmaps/kube-system/stackwright-inventory-shop.main",
            "namespaces/shop",
        ]
    );
}

/// The fake serves a custom kind only once its CRD is established: the object alone fails.
#[tokio::test]
async fn a_custom_object_without_its_crd_is_not_served() {
    use stackwright_deploy::kubernetes::{Applier, Connection, DesiredObject, ObjectRef};
    use stackwright_deploy::progress::Progress;

    let kube = FakeKube::start().await;
    let options = KubeOptions {
        ready_timeout: Duration::from_secs(5),
        poll: Duration::from_millis(20),
        ..KubeOptions::default()
    };
    let progress = Progress::new(ProgressMode::Capture);
    let access = stackwright_deploy::eks::ClusterAccess {
        name: "main".into(),
        region: "us-east-1".into(),
        endpoint: kube.endpoint(),
        certificate_authority: String::new(),
    };
    let applier = Applier {
        connection: Connection::fixed(access.client("k8s-aws-v1.test-token").unwrap()),
        cluster: "dev-main".into(),
        owner: "shop.main".into(),
        options: &options,
        progress: &progress,
    };
    let widget = DesiredObject {
        id: ObjectRef {
            api_version: "example.com/v1".into(),
            kind: "Widget".into(),
            namespace: None,
            name: "blue".into(),
        },
        path: "app/blue".into(),
        origin: None,
        body: json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "blue",
            "labels": {"app.kubernetes.io/managed-by": "stackwright", "stackwright.io/owner": "shop.main"}}}),
    };
    let err = applier.apply(&[widget]).await.unwrap_err().to_string();
    assert!(err.contains("applying Widget blue (app/blue): the server could not find the requested resource"), "{err}");
    assert!(kube.get("widgets", "", "blue").is_none());
}
