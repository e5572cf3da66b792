//! Runs `examples/mistakes.rs` — a program shaped exactly like the README's — as a user would:
//! a process with arguments and environment, its standard error and exit status.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// `examples/mistakes.rs`, built once per test process (see [`build_example`]).
pub(crate) fn mistakes_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_example("mistakes"))
}

/// Builds the example `name` with the features of this test build and returns its path (cargo
/// builds examples for `cargo test`, but not for `cargo test --test NAME`, and a binary left by
/// an earlier build may be stale: building is a no-op when it is current).
pub(crate) fn build_example(name: &str) -> PathBuf {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "-q", "--example", name, "-p", "stackwright", "--manifest-path", manifest]);
    if cfg!(feature = "deploy") {
        cargo.args(["--features", "deploy"]);
    }
    // Without the variables cargo sets for a test process: build scripts that watch them
    // (ring's watches CARGO_MANIFEST_DIR) would rerun, and the next outer build again.
    for (var, _) in std::env::vars_os() {
        let var = var.to_string_lossy();
        let set_for_tests = ["CARGO_MANIFEST_", "CARGO_PKG_", "CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE"]
            .iter()
            .chain(&["CARGO_TARGET_TMPDIR", "CARGO_RUSTC_CURRENT_DIR"])
            .any(|prefix| var.starts_with(prefix));
        if set_for_tests {
            cargo.env_remove(&*var);
        }
    }
    let status = cargo.status().expect("cargo runs");
    assert!(status.success(), "cargo build --example {name} failed");
    // The test binary is target/<profile>/deps/NAME-HASH; examples are in target/<profile>/examples.
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
    profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Runs the example with `STACKWRIGHT_MISTAKE=mistake` and `args`, in a fresh directory (its
/// `out/` is thrown away), with standard error piped and colour left to the policy.
pub(crate) fn run(mistake: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = Command::new(mistakes_binary());
    command.args(args).current_dir(dir.path()).env("STACKWRIGHT_MISTAKE", mistake);
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "IMAGE_TAG", "COLUMNS"] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("the example runs")
}

/// Standard error as text.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
