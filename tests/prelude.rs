//! The prelude holds everything a program like the reference platform needs: the example
//! programs import nothing from stackwright but `stackwright::prelude::*`.

fn uses_of(example: &str) -> Vec<String> {
    let path = format!("{}/examples/{example}", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // A `use` item may span lines: collect each up to its `;`.
    let mut uses = Vec::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        let trimmed = line.trim();
        if current.is_none() && (trimmed.starts_with("use ") || trimmed.starts_with("pub use ")) {
            current = Some(String::new());
        }
        if let Some(item) = current.as_mut() {
            item.push_str(trimmed);
            item.push(' ');
            if trimmed.ends_with(';') {
                uses.extend(current.take());
            }
        }
    }
    uses
}

fn assert_prelude_only(example: &str) {
    let uses = uses_of(example);
    let from_stackwright: Vec<&String> =
        uses.iter().filter(|u| u.contains("stackwright") || u.contains("crate::") || u.contains("super::")).collect();
    assert_eq!(
        from_stackwright.iter().map(|u| u.trim()).collect::<Vec<_>>(),
        ["use stackwright::prelude::*;"],
        "examples/{example} imports from stackwright beyond the prelude: add what it needs to stackwright::prelude"
    );
    // Inline paths are allowed for the entry points only (`stackwright::cli::exit_code`,
    // `stackwright::Result`), not to reach types the prelude lacks.
    let path = format!("{}/examples/{example}", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(path).unwrap();
    for (at, _) in source.match_indices("stackwright::") {
        let rest = &source[at..];
        assert!(
            ["stackwright::prelude::*", "stackwright::cli::exit_code", "stackwright::Result"]
                .iter()
                .any(|allowed| rest.starts_with(allowed)),
            "examples/{example} reaches past the prelude: {}",
            rest.lines().next().unwrap_or_default()
        );
    }
}

#[test]
fn the_reference_platform_needs_only_the_prelude() {
    assert_prelude_only("prod.rs");
}

#[test]
fn the_second_example_needs_only_the_prelude() {
    assert_prelude_only("orders.rs");
}

#[test]
fn the_example_on_existing_infrastructure_needs_only_the_prelude() {
    assert_prelude_only("existing.rs");
}
