//! Regenerates `crates/stackwright-cfn/src/generated/` from the schemas in
//! `crates/stackwright-cfn/schemas/`.
//!
//! ```text
//! cargo run -p stackwright-cfn-codegen                 # regenerate the code
//! cargo run -p stackwright-cfn-codegen -- check        # exit 1 if the committed code is stale
//! cargo run -p stackwright-cfn-codegen -- import [DIR] # copy the allowlisted schemas (and the
//!                                                      # EC2 instance types per region, PostgreSQL's
//!                                                      # RDS versions and classes) from an
//!                                                      # installed cfn-lint (DIR: .../site-packages/cfnlint;
//!                                                      # default: the one in .venv/validators)
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stackwright_cfn_codegen as codegen;

/// Runs the command in the arguments; exits 1 with the message on failure.
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let crate_dir = codegen::cfn_crate_dir();
    let result = match args.first().map(String::as_str) {
        None | Some("generate") => generate(&crate_dir),
        Some("check") => check(&crate_dir),
        Some("import") => import(&crate_dir, args.get(1).map(PathBuf::from)),
        Some("-h" | "--help") => {
            println!("usage: stackwright-cfn-codegen [generate | check | import [CFNLINT_DIR]]");
            Ok(())
        }
        Some(other) => Err(format!("unknown command '{other}': use generate (the default), check or import")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("stackwright-cfn-codegen: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Regenerates `src/generated/`, writing only the files that changed.
fn generate(crate_dir: &Path) -> Result<(), String> {
    let files = codegen::generate_from_dir(crate_dir)?;
    let changed = codegen::write_generated(crate_dir, &files)?;
    println!("{} files in {}/{}, {changed} changed", files.len(), crate_dir.display(), codegen::GENERATED_DIR);
    Ok(())
}

/// Fails when `src/generated/` differs from what the generator makes of the schemas.
fn check(crate_dir: &Path) -> Result<(), String> {
    let files = codegen::generate_from_dir(crate_dir)?;
    let stale = codegen::stale_files(crate_dir, &files)?;
    if stale.is_empty() {
        println!("{} generated files are up to date", files.len());
        Ok(())
    } else {
        Err(format!("stale generated files: {}; run `cargo run -p stackwright-cfn-codegen`", stale.join(", ")))
    }
}

/// Copies the allowlisted schemas and the EC2 instance types per region from the cfn-lint
/// package in `dir` (or the installed one).
fn import(crate_dir: &Path, dir: Option<PathBuf>) -> Result<(), String> {
    let dir = match dir {
        Some(d) => d,
        None => default_cfnlint_dir(crate_dir)?,
    };
    let copied = codegen::import_schemas(&dir, crate_dir)?;
    println!(
        "copied {} schemas from {} into {}/{}",
        copied.len(),
        dir.display(),
        crate_dir.display(),
        codegen::SCHEMAS_DIR
    );
    let regions = codegen::import_instance_types(&dir, crate_dir)?;
    println!(
        "copied the EC2 instance types of {regions} regions into {}",
        crate_dir.join(codegen::INSTANCE_TYPES_FILE).display()
    );
    let regions = codegen::import_rds_postgres(&dir, crate_dir)?;
    println!(
        "copied PostgreSQL's RDS engine versions and the instance classes of {regions} regions into {}",
        crate_dir.join(codegen::RDS_POSTGRES_FILE).display()
    );
    Ok(())
}

/// `<repo>/.venv/validators/lib/python3.*/site-packages/cfnlint` (or under
/// `$STACKWRIGHT_VENV_VALIDATORS`).
fn default_cfnlint_dir(crate_dir: &Path) -> Result<PathBuf, String> {
    let venv = std::env::var_os("STACKWRIGHT_VENV_VALIDATORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../../.venv/validators"));
    let lib = venv.join("lib");
    let entries = std::fs::read_dir(&lib)
        .map_err(|e| format!("{}: {e}; run tools/install, or pass the cfnlint package directory", lib.display()))?;
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path().join("site-packages/cfnlint"))
        .filter(|p| p.join("data/schemas").is_dir())
        .collect();
    found.sort();
    found.pop().ok_or_else(|| format!("no cfnlint package below {}", lib.display()))
}
