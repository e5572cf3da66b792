//! The project's own CI workflow, `.github/workflows/ci.yml`, is written with the same typed
//! model and pinned actions as the workflows stackwright synthesizes for its users. This test
//! fails when the committed file differs; `STACKWRIGHT_UPDATE_CI=1 cargo test --test
//! github_project_ci` rewrites it.

use stackwright_constructs::delivery::github::actions;
use stackwright_constructs::delivery::github::workflow::{
    BranchFilter, Concurrency, Job, Permissions, Step, Triggers, Workflow,
};

fn project_ci() -> Workflow {
    let triggers = Triggers {
        push: Some(BranchFilter::branches(["main"])),
        pull_request: Some(BranchFilter::branches(["main"])),
        ..Default::default()
    };
    let checks = Job::new("fmt, clippy, build, test, snapshots")
        .permissions(Permissions::contents_read())
        .timeout(60)
        .env("CARGO_TERM_COLOR", "always")
        // insta fails on a changed snapshot instead of writing a `.snap.new` file
        .env("INSTA_UPDATE", "no")
        .steps([
            Step::uses("Check out", &actions::CHECKOUT).with("persist-credentials", false),
            Step::run(
                "Rust toolchain",
                "rustup toolchain install stable --profile minimal --component clippy,rustfmt\nrustup default stable\n",
            ),
            Step::uses("Cache cargo", &actions::CACHE)
                .with("path", "~/.cargo/registry/index/\n~/.cargo/registry/cache/\n~/.cargo/git/db/\ntarget/\n")
                .with("key", "cargo-${{ runner.os }}-${{ hashFiles('**/Cargo.lock') }}")
                .with("restore-keys", "cargo-${{ runner.os }}-\n"),
            Step::run("Format", "cargo fmt --all -- --check\n"),
            Step::run("Clippy", "cargo clippy --workspace --all-targets -- -D warnings\n"),
            Step::run("Build", "cargo build --workspace --all-targets\n"),
            Step::run("Test", "cargo test --workspace --all-targets --no-fail-fast\ncargo test --workspace --doc\n"),
            Step::run(
                "Snapshots are committed and current",
                "new=$(find . -name '*.snap.new' -not -path './target/*')\n\
                 if [ -n \"$new\" ]; then echo \"::error::snapshots changed: $new\"; exit 1; fi\n\
                 git diff --exit-code -- snapshots .github/workflows\n\
                 untracked=$(git ls-files --others --exclude-standard -- snapshots)\n\
                 if [ -n \"$untracked\" ]; then echo \"::error::snapshots not committed: $untracked\"; exit 1; fi\n",
            ),
        ]);
    Workflow::new("ci", triggers)
        .header(
            "The project's own CI, written by crates/stackwright-constructs/tests/github_project_ci.rs:\n\
             edit that test, then run STACKWRIGHT_UPDATE_CI=1 cargo test -p stackwright-constructs --test github_project_ci",
        )
        .concurrency(Concurrency::cancel_previous("ci-${{ github.ref }}"))
        .job("checks", checks)
}

#[test]
fn the_committed_ci_workflow_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.github/workflows/ci.yml");
    let expected = project_ci().to_yaml().unwrap();
    if std::env::var_os("STACKWRIGHT_UPDATE_CI").is_some() {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == expected,
        ".github/workflows/ci.yml is not what this test writes; run: STACKWRIGHT_UPDATE_CI=1 cargo test -p stackwright-constructs --test github_project_ci"
    );
}
