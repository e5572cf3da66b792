//! No silent acceptance, as a user meets it: `examples/silent.rs`, a program shaped exactly
//! like the README's, run as a process with one input the library once took without a word
//! (`STACKWRIGHT_CASE`). Errors name the place, the value and the fix; a warning (valid input,
//! likely not meant) is printed on standard error by every command that synthesizes, yellow on
//! a terminal and plain when piped or with `NO_COLOR`, and `--strict` makes it an error. The
//! example programs of the repository synthesize without a warning.

#[allow(dead_code)] // the examples' `main` is not called here
#[path = "../examples/orders.rs"]
mod orders;
#[allow(dead_code)]
#[path = "../examples/prod.rs"]
mod prod;
#[allow(dead_code)]
#[path = "../examples/team_topic.rs"]
mod team_topic;

#[allow(dead_code)] // each test binary uses part of the harness
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// `examples/silent.rs`, built once per test process (see `support::build_example`).
fn binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| support::build_example("silent"))
}

/// Runs the example with `STACKWRIGHT_CASE=case` and `args` in `dir`, standard error piped.
fn run_in(dir: &Path, case: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary());
    command.args(args).current_dir(dir).env("STACKWRIGHT_CASE", case);
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLUMNS"] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("the example runs")
}

fn run(case: &str, args: &[&str]) -> (String, Option<i32>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = run_in(dir.path(), case, args, &[]);
    (String::from_utf8_lossy(&output.stderr).into_owned(), output.status.code())
}

#[test]
fn without_a_case_the_program_synthesizes_without_a_word_on_standard_error() {
    let (err, status) = run("", &["synth", "--strict"]);
    assert_eq!((err.as_str(), status), ("", Some(0)));
}

#[test]
fn each_quietly_changed_input_is_an_error_with_its_place_value_and_hint() {
    let cases = [
        (
            "zones",
            "error: prod/network/Vpc: max_azs is 3, but us-west-1 has only 2 availability zones that every account has\n  \
             hint: set max_azs to 2 or fewer, or list the zones in availability_zones (one of us-west-1a, us-west-1c)\n",
        ),
        (
            "role-twice",
            "error: prod/cluster/Cluster/AssetsRole: service account flask-app/storefront already has an IAM role \
             ('prod/cluster/Cluster/storefront/ServiceAccountRole'); a service account can assume only one\n  \
             hint: give each workload its own service account, or put both policies in one role\n",
        ),
    ];
    for (case, expected) in cases {
        // Contained, not equal: a program that goes on building after a rejected construct may
        // report what follows from it too.
        let (err, status) = run(case, &["synth"]);
        assert!(status == Some(1) && err.contains(expected), "{case}: status {status:?}\n{err}");
        assert!(!err.contains("panicked"), "{case}: {err}");
    }
}

#[test]
fn did_you_mean_keeps_the_architecture() {
    let (err, status) = run("instance-type", &["synth"]);
    assert_eq!(status, Some(1), "{err}");
    assert!(
        err.starts_with(
            "error: prod/cluster/Cluster/General: instance type 'hpc7a.12xlarge' is not offered in us-east-1"
        ),
        "{err}"
    );
    let hint = err.lines().find_map(|l| l.strip_prefix("  hint: did you mean ")).expect("a suggestion");
    // Graviton families have a `g` after the generation digit (`hpc7g`, `c7gn`); none is
    // suggested for an x86_64 type.
    let families: Vec<&str> = hint.split([',', ' ', '?']).filter_map(|t| t.split_once('.')).map(|(f, _)| f).collect();
    assert!(!families.is_empty(), "{hint}");
    for family in families {
        let graviton = family.char_indices().any(|(i, c)| c.is_ascii_digit() && family[i + 1..].starts_with('g'));
        assert!(!graviton, "an arm64 type suggested for an x86_64 one: {hint}");
    }
}

const DRAIN_ALL: &str = "prod/cluster/Cluster/storefront: the disruption budget allows 3 unavailable pods of 3 \
                         replicas: a node drain may stop them all\n  hint: allow fewer than replicas, such as \
                         Disruption::MaxUnavailable(1) (the default)\n";

#[test]
fn a_construct_warning_is_printed_by_every_command_that_synthesizes_and_the_command_goes_on() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = run_in(dir.path(), "drain-all", &["synth"], &[]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!((err.as_ref(), output.status.code()), (format!("warning: {DRAIN_ALL}").as_str(), Some(0)));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("synthesized 2 stacks"));
    assert!(dir.path().join("out/manifest.json").exists());
    // `--quiet` keeps the warnings; the default command and `list` print them too.
    for args in [&["synth", "--quiet"][..], &[], &["list"]] {
        let (err, status) = run("drain-all", args);
        assert_eq!((err.as_str(), status), (format!("warning: {DRAIN_ALL}").as_str(), Some(0)), "{args:?}");
    }
}

#[test]
fn strict_makes_the_warnings_errors_and_writes_nothing() {
    for args in [&["synth", "--strict"][..], &["list", "--strict"]] {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let output = run_in(dir.path(), "drain-all", args, &[]);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!((err.as_ref(), output.status.code()), (format!("error: {DRAIN_ALL}").as_str(), Some(1)), "{args:?}");
        assert!(output.stdout.is_empty() && !dir.path().join("out").exists(), "{args:?}");
    }
    let help = run_in(Path::new("."), "", &["help", "synth"], &[]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--strict") && help.contains("Treat warnings as errors"), "{help}");
}

#[test]
fn warnings_are_plain_when_piped_or_with_no_color_and_yellow_on_a_terminal() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for env in [&[][..], &[("NO_COLOR", "1")]] {
        let output = run_in(dir.path(), "drain-all", &["synth"], env);
        assert!(!output.stderr.contains(&0x1b), "{env:?}: {:?}", String::from_utf8_lossy(&output.stderr));
    }
    // A pseudo-terminal through util-linux `script`, when it is installed.
    let mut command = Command::new("script");
    command
        .args(["-qec", &format!("'{}' synth", binary().display()), "/dev/null"])
        .current_dir(dir.path())
        .env("STACKWRIGHT_CASE", "drain-all")
        .env("TERM", "xterm-256color");
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
        command.env_remove(var);
    }
    let Ok(output) = command.output() else {
        eprintln!("util-linux `script` is not installed: the terminal case is not checked");
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("\x1b[1m\x1b[33mwarning\x1b[0m: \x1b[1mprod/cluster/Cluster/storefront\x1b[0m"), "{text:?}");
}

#[test]
fn the_repositorys_examples_synthesize_without_a_warning() {
    for (name, build) in [
        ("prod", prod::build as fn() -> stackwright::Result<stackwright::core::App>),
        ("orders", orders::build),
        ("team_topic", team_topic::build),
    ] {
        let assembly = build().and_then(|app| app.synth()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let warnings = stackwright::core::report::render_warnings(&assembly.warnings, false);
        assert!(warnings.is_empty(), "{name} warns:\n{warnings}");
    }
}
