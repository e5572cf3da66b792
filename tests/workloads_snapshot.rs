//! Golden output of the workloads example (`examples/workloads.rs`: two workloads in one
//! namespace, a worker without a Service on a memory-only HPA, an internal TLS Ingress, a
//! CronJob and the network policies between them), as insta snapshots in `snapshots/workloads/`.
//! Any change to what `cargo run --example workloads` writes shows up here for review.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/workloads.rs"]
mod workloads;

mod golden;

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
