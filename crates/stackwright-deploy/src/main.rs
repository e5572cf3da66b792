//! `stackwright-deploy diff|deploy|destroy --app-dir DIR`: the runtime on an assembly
//! synthesized earlier (CI synthesizes once, reviews the diff, deploys the same bytes).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = stackwright_deploy::cli::main(None, args, stackwright_deploy::aws::AwsOptions::default());
    std::process::exit(code);
}
