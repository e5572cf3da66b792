//! Golden output of an example program: every template, every cluster's manifests, the
//! monitoring configuration, the workflows and the assembly manifest, as insta snapshots in
//! `snapshots/<example>/`, and the check that two synths are byte-identical. Shared by the
//! snapshot tests of the examples (`tests/*_snapshot.rs`).

use std::collections::BTreeMap;

use stackwright::prelude::App;

/// Snapshots every file `build` synthesizes into `snapshots/<example>/`: one snapshot per
/// template and for `manifest.json`, the other files grouped by directory, each under a header.
/// Returns the snapshot names of the groups (`k8s__<env>-<cluster>`, `monitoring`, …), so that
/// a test can state what its example must cover.
pub(crate) fn assert_golden_output(example: &str, build: fn() -> stackwright::Result<App>) -> Vec<String> {
    let assembly = build().expect("the example is valid").synth().expect("it synthesizes");
    assert_golden(example, "manifest.json", &assembly.manifest_json());
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    for (path, bytes) in &assembly.files {
        let text = String::from_utf8_lossy(bytes);
        // The picture is derived from the files above and has its own tests and snapshots
        // (tests/diagram.rs): left out here, so that a change of its drawing is reviewed once.
        if path == stackwright::core::diagram::SVG_FILE || path == stackwright::core::diagram::MERMAID_FILE {
            continue;
        }
        if path.ends_with(".template.json") {
            assert_golden(example, path, &text);
            continue;
        }
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let group = groups.entry(dir.trim_start_matches('.').replace('/', "__")).or_default();
        group.push_str(&format!("# ==== {file}\n{text}"));
    }
    for (dir, contents) in &groups {
        assert_golden(example, dir, contents);
    }
    groups.into_keys().collect()
}

/// Two synths of `build` write the same bytes.
pub(crate) fn assert_deterministic(build: fn() -> stackwright::Result<App>) {
    let a = build().unwrap().synth().unwrap();
    let b = build().unwrap().synth().unwrap();
    assert_eq!(a.manifest_json(), b.manifest_json());
    assert_eq!(a.files, b.files);
}

fn assert_golden(example: &str, name: &str, contents: &str) {
    insta::with_settings!({
        snapshot_path => format!("{}/snapshots/{example}", env!("CARGO_MANIFEST_DIR")),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, contents);
    });
}
