//! Golden output of the reference platform (`examples/prod.rs`): every template, every
//! cluster's manifests, the monitoring configuration, the workflows and the assembly manifest,
//! as insta snapshots in `snapshots/prod/`. Any change to what `cargo run --example prod`
//! writes shows up here for review.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/prod.rs"]
mod prod;

mod golden;

#[test]
fn the_reference_platform_synthesizes_to_its_golden_output() {
    let groups = golden::assert_golden_output("prod", prod::build);
    assert!(groups.iter().any(|g| g.starts_with("k8s__")), "the cluster's manifests are covered: {groups:?}");
}

#[test]
fn two_synths_of_the_reference_platform_are_byte_identical() {
    golden::assert_deterministic(prod::build);
}
