//! docs/recovery.md and docs/existing-infrastructure.md: every AWS CLI command in its shell blocks names a service, an operation (or
//! waiter) and parameters that botocore's models have (tools/check-aws-cli-doc, run from the
//! validators venv that scripts/test exports); and the checker finds what it should.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The validators venv's python, or `None` (with a note) when it is not installed.
fn installed(root: &Path) -> bool {
    let venv = std::env::var_os("STACKWRIGHT_VENV_VALIDATORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".venv/validators"));
    let ok = venv.join("bin/python").exists();
    if !ok {
        eprintln!("SKIPPED: {} has no python (run tools/install)", venv.display());
    }
    ok
}

fn check(root: &Path, doc: &Path) -> (Output, String) {
    let output = Command::new(root.join("tools/check-aws-cli-doc")).arg(doc).current_dir(root).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output, text)
}

#[test]
fn every_aws_command_of_the_recovery_doc_exists_in_botocore() {
    let root = root();
    if !installed(&root) {
        return;
    }
    let (output, text) = check(&root, &root.join("docs/recovery.md"));
    assert!(output.status.success(), "{text}");
    let count: usize = text
        .split("aws-cli-doc: ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary in {text}"));
    assert!(count >= 25, "the doc's commands were not all found: {text}");
}

#[test]
fn every_aws_command_of_the_existing_infrastructure_doc_exists_in_botocore() {
    let root = root();
    if !installed(&root) {
        return;
    }
    let (output, text) = check(&root, &root.join("docs/existing-infrastructure.md"));
    assert!(output.status.success(), "{text}");
    assert!(!text.contains("aws-cli-doc: 0 "), "the doc's commands were not found: {text}");
}

#[test]
fn the_checker_finds_a_wrong_operation_parameter_waiter_and_service() {
    let root = root();
    if !installed(&root) {
        return;
    }
    let doc = std::env::temp_dir().join(format!("stackwright-recovery-doc-{}.md", std::process::id()));
    std::fs::write(
        &doc,
        "```sh\nX=$(aws rds describe-db-instances --db-instance-identifer db --output text)\n\
         aws rds restore-db-from-snapshot \\\n  --db-instance-identifier db\n\
         aws rds wait db-instance-ready --db-instance-identifier db\naws nosuch op\n\
         aws backup list-backup-jobs --max-items 3 | jq . && aws ec2 describe-volumes --no-dry-run\n```\n",
    )
    .unwrap();
    let (output, text) = check(&root, &doc);
    let _ = std::fs::remove_file(&doc);
    assert!(!output.status.success(), "{text}");
    for problem in [
        ":2: '--db-instance-identifer' is not a parameter of aws rds describe-db-instances",
        ":3: 'restore-db-from-snapshot' is not an operation of rds",
        ":5: 'aws rds wait db-instance-ready' is not a waiter of rds",
        ":6: service 'nosuch' does not exist",
        "6 commands, 4 problems",
    ] {
        assert!(text.contains(problem), "missing '{problem}' in:\n{text}");
    }
}
