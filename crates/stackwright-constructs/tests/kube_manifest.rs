//! KubeManifest: included YAML ends in the assembly like the library's own objects, and bad
//! YAML gets errors with `file:line` and hints.

mod common;

use common::{app_with_cluster, object, synth_error};
use stackwright_constructs::{HelmChart, KubeManifest, KubeManifestProps};
use stackwright_core::assembly::BindingSource;
use stackwright_core::{RawResource, Region, Resource};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/include/widgets.yaml");

#[test]
fn included_objects_get_ownership_labels_apply_order_and_metadata() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let role = Resource::new(&stack, "Role", RawResource::new("AWS::IAM::Role")).unwrap();
    let role = role.get_att::<String>("Arn");
    let manifest = KubeManifest::new(
        &stack,
        "Widgets",
        &cluster,
        KubeManifestProps::file(FIXTURE).chart(HelmChart::new("widgets", "1.2.3")).value("ROLE_ARN", role),
    )
    .unwrap();
    assert_eq!(manifest.objects().len(), 4);
    let assembly = app.synth().unwrap();
    let entry = &assembly.manifest.clusters[0];
    let order: Vec<_> = entry.objects.iter().map(|o| (o.kind.as_str(), o.name.as_str())).collect();
    assert_eq!(
        order,
        [
            ("Namespace", "widgets"),
            ("CustomResourceDefinition", "widgets.example.com"),
            ("Deployment", "widget-controller"),
            ("Widget", "blue")
        ]
    );
    let widget = entry.objects.iter().find(|o| o.kind == "Widget").unwrap();
    assert_eq!(widget.path, "prod/cluster/Widgets");
    assert_eq!(
        serde_json::Value::Object(widget.metadata.clone()),
        serde_json::json!({"stackwright:source": {
            // The absolute path is recorded relative to its Cargo package: the same on every checkout.
            "file": "tests/fixtures/include/widgets.yaml", "document": 1, "chart": "widgets", "version": "1.2.3"
        }})
    );
    let body = object(&assembly, "Widget", "blue");
    assert_eq!(body["metadata"]["labels"]["app.kubernetes.io/managed-by"], "stackwright");
    assert_eq!(body["metadata"]["labels"]["stackwright.io/owner"], "demo.main");
    let deployment = object(&assembly, "Deployment", "widget-controller");
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["image"],
        "registry.example.com/widget-controller:((stackwright:env:WIDGET_TAG))"
    );
    assert!(entry.bindings.iter().any(|b| b.placeholder == "((stackwright:env:WIDGET_TAG))"
        && b.source == BindingSource::Environment { variable: "WIDGET_TAG".into() }));
    let arn = body["spec"]["roleArn"].as_str().unwrap();
    assert!(arn.starts_with("((stackwright:ref:"), "{arn}");
}

#[test]
fn an_unknown_kind_without_crd_is_an_error_with_path_and_hint() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g, namespace: default}\n";
    let built = KubeManifest::new(&stack, "Gadgets", &cluster, KubeManifestProps::yaml("gadgets.yaml", yaml));
    let err = synth_error(&app, built);
    assert!(
        err.contains("prod/cluster/Gadgets: gadgets.yaml:5 (document 2): example.com/v1 Gadget is not a known kind and its CustomResourceDefinition is not in the program"),
        "{err}"
    );
    assert!(err.contains(r#"hint: include the CRD of Gadget (in this YAML or another KubeManifest added before), or declare it installed with .installed_crd("example.com", "Gadget")"#), "{err}");
}

#[test]
fn a_kind_declared_installed_is_accepted() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let yaml = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g, namespace: default}\n";
    KubeManifest::new(
        &stack,
        "Gadgets",
        &cluster,
        KubeManifestProps::yaml("gadgets.yaml", yaml).installed_crd("example.com", "Gadget"),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    assert_eq!(assembly.manifest.clusters[0].objects[0].kind, "Gadget");
}

#[test]
fn an_object_that_does_not_parse_is_an_error_at_file_line() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let yaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  replicas: three\n";
    let built = KubeManifest::new(&stack, "Web", &cluster, KubeManifestProps::yaml("web.yaml", yaml));
    let err = synth_error(&app, built);
    assert!(err.contains("prod/cluster/Web: web.yaml:11 (document 2): Deployment does not parse"), "{err}");
    assert!(err.contains("hint: fix the field at that line against the apps/v1 Deployment schema"), "{err}");
}

#[test]
fn invalid_yaml_is_an_error_at_file_line() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [web\n";
    let built = KubeManifest::new(&stack, "Web", &cluster, KubeManifestProps::yaml("web.yaml", yaml));
    let err = synth_error(&app, built);
    assert!(err.contains("prod/cluster/Web: web.yaml:"), "{err}");
    assert!(err.contains("(document 1) is not valid YAML"), "{err}");
}

#[test]
fn a_json_patch_changes_an_included_object_and_is_recorded() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {level: info}\n";
    let manifest =
        KubeManifest::new(&stack, "Settings", &cluster, KubeManifestProps::yaml("settings.yaml", yaml)).unwrap();
    let patch = serde_json::json!([{"op": "replace", "path": "/data/level", "value": "debug"}]);
    stackwright_constructs::WorkloadCluster::kube(&cluster)
        .patch(&manifest, "ConfigMap", Some("default"), "settings", patch.clone())
        .unwrap();
    let assembly = app.synth().unwrap();
    assert_eq!(object(&assembly, "ConfigMap", "settings")["data"], serde_json::json!({"level": "debug"}));
    let entry = &assembly.manifest.clusters[0].objects[0];
    assert_eq!(
        entry.metadata["stackwright:patches"],
        serde_json::json!([{"by": "prod/cluster/Settings", "patch": patch}])
    );
}

/// The included CRD and its object pass the strict validator, the object checked against the
/// CRD's schema (nothing skipped). Needs the validators' venv (`tools/install`).
#[test]
fn included_custom_objects_are_validated_against_their_crd() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if !root.join(".venv/validators/bin/python").exists() {
        eprintln!("skipped: run tools/install for the validators");
        return;
    }
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let role = Resource::new(&stack, "Role", RawResource::new("AWS::IAM::Role")).unwrap();
    let props = KubeManifestProps::file(FIXTURE).value("ROLE_ARN", role.get_att::<String>("Arn"));
    KubeManifest::new(&stack, "Widgets", &cluster, props).unwrap();
    let dir = tempfile::tempdir().unwrap();
    app.synth().unwrap().write_to(dir.path()).unwrap();
    let output =
        std::process::Command::new(root.join("tools/validate-k8s")).arg(dir.path().join("k8s")).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("k8s-validate: 4 manifests, 0 errors, 0 skipped"), "{text}");
}

#[test]
fn a_removed_api_version_of_a_built_in_kind_is_an_error() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let yaml =
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: web}\n";
    let built = KubeManifest::new(&stack, "Hpa", &cluster, KubeManifestProps::yaml("hpa.yaml", yaml));
    let err = synth_error(&app, built);
    assert!(
        err.contains("prod/cluster/Hpa: hpa.yaml:1 (document 1): autoscaling/v2beta2 HorizontalPodAutoscaler is not a Kubernetes kind stackwright knows"),
        "{err}"
    );
    assert!(err.contains("hint: use an API version the cluster's Kubernetes version serves"), "{err}");
}

#[test]
fn a_json_patch_may_not_rename_an_object_or_patch_a_missing_one() {
    let (_app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\n";
    let manifest = KubeManifest::new(&stack, "Settings", &cluster, KubeManifestProps::yaml("s.yaml", yaml)).unwrap();
    let kube = stackwright_constructs::WorkloadCluster::kube(&cluster);
    let rename = serde_json::json!([{"op": "replace", "path": "/metadata/name", "value": "other"}]);
    let err = kube.patch(&manifest, "ConfigMap", Some("default"), "settings", rename).unwrap_err().to_string();
    assert!(
        err.contains("prod/cluster/Settings: cannot patch ConfigMap 'default/settings': the patch changes the object's identity or ownership labels"),
        "{err}"
    );
    let err =
        kube.patch(&manifest, "ConfigMap", Some("default"), "missing", serde_json::json!([])).unwrap_err().to_string();
    assert!(err.contains("cluster 'main' holds no ConfigMap 'default/missing' to patch"), "{err}");
}

#[test]
fn a_patch_record_overwritten_by_the_program_is_an_error_not_a_panic() {
    let (_app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\n";
    let manifest = KubeManifest::new(&stack, "Settings", &cluster, KubeManifestProps::yaml("s.yaml", yaml)).unwrap();
    let kube = stackwright_constructs::WorkloadCluster::kube(&cluster);
    kube.add_object_metadata("ConfigMap", Some("default"), "settings", "stackwright:patches", "mine");
    let add = serde_json::json!([{"op": "add", "path": "/data", "value": {"a": "b"}}]);
    let err = kube.patch(&manifest, "ConfigMap", Some("default"), "settings", add).unwrap_err().to_string();
    assert!(err.contains("cannot patch ConfigMap 'default/settings'"), "{err}");
    assert!(err.contains("the key is reserved for the patches' record"), "{err}");
}

#[test]
fn an_absolute_path_outside_every_package_is_recorded_with_a_warning() {
    let dir = std::env::temp_dir().join(format!("stackwright-include-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("extra.yaml");
    std::fs::write(&file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: default}\n").unwrap();
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    KubeManifest::new(&stack, "Extra", &cluster, KubeManifestProps::file(&file)).unwrap();
    let assembly = app.synth().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let entry = assembly.manifest.clusters[0].objects.iter().find(|o| o.name == "extra").unwrap();
    assert_eq!(entry.metadata["stackwright:source"]["file"], file.display().to_string());
    let w = assembly.warnings.iter().next().expect("a warning");
    assert_eq!(w.path, "prod/cluster/Extra");
    assert!(w.message.contains("records the absolute path"), "{}", w.message);
    assert!(w.hint.contains("inside the program's Cargo package"), "{}", w.hint);
}
