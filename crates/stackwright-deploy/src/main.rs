//! `stackwright-deploy diff|deploy|destroy --app-dir DIR`: the runtime on an assembly
//! synthesized earlier (CI synthesizes once, reviews the diff, deploys the same bytes).

use std::process::ExitCode;

/// Errors are printed once by `cli::main`, which returns the documented exit status
/// (`stackwright_core::ExitStatus`).
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = stackwright_deploy::cli::main(None, args, stackwright_deploy::aws::AwsOptions::default());
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
