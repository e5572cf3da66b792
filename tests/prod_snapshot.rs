//! Golden output of the reference platform (`examples/prod.rs`): every template, every
//! cluster's manifests, the monitoring configuration, the workflows and the assembly manifest,
//! as insta snapshots in `snapshots/prod/`. Any change to what `cargo run --example prod`
//! writes shows up here for review.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/prod.rs"]
mod prod;

use std::collections::BTreeMap;

fn assert_golden(name: &str, contents: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots/prod"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, contents);
    });
}

#[test]
fn the_reference_platform_synthesizes_to_its_golden_output() {
    let assembly = prod::build().expect("the reference platform is valid").synth().expect("it synthesizes");
    assert_golden("manifest.json", &assembly.manifest_json());

    // One snapshot per template; the other files grouped by directory, each file under a header.
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    for (path, bytes) in &assembly.files {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".template.json") {
            assert_golden(path, &text);
            continue;
        }
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let group = groups.entry(dir.trim_start_matches('.').replace('/', "__")).or_default();
        group.push_str(&format!("# ==== {file}\n{text}"));
    }
    for (dir, contents) in &groups {
        assert_golden(dir, contents);
    }
    assert!(groups.keys().any(|g| g.starts_with("k8s__")), "the cluster's manifests are covered");
}

#[test]
fn two_synths_of_the_reference_platform_are_byte_identical() {
    let a = prod::build().unwrap().synth().unwrap();
    let b = prod::build().unwrap().synth().unwrap();
    assert_eq!(a.manifest_json(), b.manifest_json());
    assert_eq!(a.files, b.files);
}
