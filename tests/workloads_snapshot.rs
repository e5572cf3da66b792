//! Golden output of the workloads example (`examples/workloads.rs`: two workloads in one
//! namespace, a worker without a Service on a memory-only HPA, an internal TLS Ingress, a
//! CronJob and the network policies between them; an included CRD and objects of it, a
//! CloudFormation override and a JSON patch), as insta snapshots in `snapshots/workloads/`.
//! Any change to what `cargo run --example workloads` writes shows up here for review.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/workloads.rs"]
mod workloads;

mod golden;

use serde_json::json;
use stackwright::assertions::Assertions;

#[test]
fn the_workloads_example_synthesizes_to_its_golden_output() {
    let groups = golden::assert_golden_output("workloads", workloads::build);
    assert!(groups.iter().any(|g| g.starts_with("k8s__")), "the cluster's manifests are covered: {groups:?}");
}

#[test]
fn two_synths_of_the_workloads_example_are_byte_identical() {
    golden::assert_deterministic(workloads::build);
}

#[test]
fn the_worker_has_no_service_and_scales_on_memory_only() {
    let assembly = workloads::build().unwrap().synth().unwrap();
    let names: Vec<&str> = assembly.files.iter().map(|(path, _)| path.as_str()).collect();
    let file = |needle: &str| {
        let (_, bytes) = assembly.files.iter().find(|(path, _)| path.contains(needle)).expect(needle);
        String::from_utf8_lossy(bytes).into_owned()
    };
    assert!(names.iter().any(|p| p.contains("cronjob-")), "a CronJob: {names:?}");
    let services: Vec<_> = names.iter().filter(|p| p.contains("-service-")).collect();
    let hpas: Vec<_> = names.iter().filter(|p| p.contains("horizontalpodautoscaler-")).collect();
    assert!(!hpas.is_empty(), "{names:?}");
    // Some HPA scales on memory alone.
    let memory_only = hpas.iter().any(|p| {
        let hpa = file(p);
        hpa.contains("name: memory") && !hpa.contains("name: cpu")
    });
    assert!(memory_only, "a memory-only HPA among {hpas:?}");
    // Some Deployment has no Service of its name.
    let deployments: Vec<_> = names.iter().filter(|p| p.contains("-deployment-")).collect();
    let workers_without_service = deployments.iter().any(|d| {
        let name = d.rsplit("-deployment-").next().unwrap_or_default();
        !services.iter().any(|s| s.ends_with(name))
    });
    assert!(workers_without_service, "a worker without a Service: {deployments:?} {services:?}");
    assert!(file("-ingress-").contains("alb.ingress.kubernetes.io/scheme: internal"), "an internal Ingress");
}

#[test]
fn the_escape_hatches_are_in_the_output_and_recorded() {
    let assembly = workloads::build().unwrap().synth().unwrap();
    let file = |needle: &str| {
        let (_, bytes) = assembly.files.iter().find(|(path, _)| path.ends_with(needle)).expect(needle);
        String::from_utf8_lossy(bytes).into_owned()
    };
    let names: Vec<&str> = assembly.files.iter().map(|(path, _)| path.as_str()).collect();
    let position =
        |needle: &str| names.iter().position(|p| p.contains(needle)).unwrap_or_else(|| panic!("{needle}: {names:?}"));

    // The included YAML: its CRD, applied before its objects, and both objects.
    let crd = position("customresourcedefinition-ratelimits.shop.example.com.yaml");
    let checkout = position("ratelimit-shop-checkout.yaml");
    assert!(crd < checkout, "the CRD comes before its objects: {names:?}");
    let checkout = file("ratelimit-shop-checkout.yaml");
    assert!(checkout.contains("kind: RateLimit") && checkout.contains("requestsPerMinute: 120"), "{checkout}");
    assert!(checkout.contains("stackwright.io/owner:"), "included objects carry the ownership labels: {checkout}");
    position("ratelimit-shop-search.yaml");

    let manifest: serde_json::Value = serde_json::from_str(&assembly.manifest_json()).unwrap();
    assert!(
        manifest.to_string().contains("shop-rate-limits.yaml"),
        "the included file is recorded as the objects' source"
    );

    // The CloudFormation override, applied and recorded in the resource's Metadata.
    let cluster_stack = Assertions::new(&assembly).stack("prod-cluster").unwrap();
    let logs = cluster_stack.resource("AWS::Logs::LogGroup", "prod/cluster/Cluster/ControlPlaneLogs").unwrap();
    logs.matches(json!({
        "Properties": { "RetentionInDays": 731 },
        "Metadata": { "stackwright:overrides": ["RetentionInDays"] },
    }))
    .unwrap();

    // The JSON patch, applied and recorded in the object's manifest entry.
    assert!(file("deployment-shop-worker.yaml").contains("terminationGracePeriodSeconds: 120"));
    let patched = serde_json::to_string(&manifest).unwrap();
    assert!(
        patched.contains(r#""stackwright:patches":[{"by":"prod/cluster","patch":[{"op":"replace","path":"/spec/template/spec/terminationGracePeriodSeconds","value":120}]}]"#),
        "the patch is recorded in manifest.json"
    );
}
