//! `house check` on a small workspace: exit status and report, end to end (cargo metadata
//! included).

use std::path::Path;
use std::process::Command;

/// Writes `files` (relative path, contents) under `dir`.
fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
}

const WORKSPACE: &str =
    "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"3\"\n\n[workspace.lints.rust]\nmissing_docs = \"warn\"\n";
const OPTED_IN: &str =
    "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[lints]\nworkspace = true\n";
const NOT_OPTED_IN: &str = "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2024\"\n";

fn house(dir: &Path, command: &str) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_house")).arg(command).current_dir(dir).output().expect("runs");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn check_fails_on_a_cycle_a_long_file_and_a_member_without_lints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long: String = (0..601).map(|i| format!("// {i}\n")).collect();
    write(
        dir.path(),
        &[
            ("Cargo.toml", WORKSPACE),
            ("a/Cargo.toml", OPTED_IN),
            ("a/src/lib.rs", "//! a\nmod x;\nmod y;"),
            ("a/src/x.rs", "pub(crate) fn f() { crate::y::g() }"),
            ("a/src/y.rs", "use crate::x::f;\npub(crate) fn g() { f() }"),
            ("b/Cargo.toml", NOT_OPTED_IN),
            ("b/src/lib.rs", &long),
        ],
    );
    let (code, out) = house(dir.path(), "check");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("import cycle in a (lib a) among the children of crate: x <-> y"), "{out}");
    assert!(out.contains("a/src/x.rs:1  crate::y::g"), "{out}");
    assert!(out.contains("a/src/y.rs:1  use crate::x::f"), "{out}");
    assert!(out.contains("b/src/lib.rs has 601 lines"), "{out}");
    assert!(out.contains("b (b/Cargo.toml) lacks `[lints] workspace = true`"), "{out}");
}

#[test]
fn check_passes_a_clean_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("Cargo.toml", WORKSPACE),
            ("a/Cargo.toml", OPTED_IN),
            ("a/src/lib.rs", "//! a\nmod x;\nmod y;"),
            ("a/src/x.rs", "pub(crate) fn f() { crate::y::g() }"),
            ("a/src/y.rs", "pub(crate) fn g() {}"),
            (
                "b/Cargo.toml",
                &NOT_OPTED_IN.replace("edition = \"2024\"\n", "edition = \"2024\"\n\n[lints]\nworkspace = true\n"),
            ),
            ("b/src/lib.rs", "//! b"),
        ],
    );
    let (code, out) = house(dir.path(), "check");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("house cycles: ok"), "{out}");
}
