//! The command line every stackwright program gets from [`Run::run`].
//!
//! `synth` (the default) writes the cloud assembly; `list` prints the stacks and clusters.
//! `diff`, `deploy` and `destroy` need the runtime, compiled in with the `deploy` feature.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stackwright_core::{App, Error, Result};

/// Where the assembly goes unless `--out` says otherwise.
pub const DEFAULT_OUT: &str = "out";

#[derive(Debug, Parser)]
#[command(about = "Synthesize (and, with the `deploy` feature, deploy) this stackwright app")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the cloud assembly: templates, manifests, workflows and manifest.json.
    Synth {
        /// Output directory.
        #[arg(long, default_value = DEFAULT_OUT)]
        out: PathBuf,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// List the stacks (in deployment order) and clusters.
    List,
    /// Show what a deploy would change (needs the `deploy` feature).
    #[command(external_subcommand)]
    Runtime(Vec<String>),
}

/// Gives an [`App`] its command line.
pub trait Run {
    /// Parses the process arguments and runs the command; errors are printed and turned into
    /// the exit code 1 (2 for usage errors).
    fn run(&self) -> Result<()>;
}

impl Run for App {
    fn run(&self) -> Result<()> {
        let cli = Cli::parse();
        match cli.command.unwrap_or(Command::Synth {
            out: DEFAULT_OUT.into(),
            quiet: false,
        }) {
            Command::Synth { out, quiet } => {
                let assembly = report(self.synth_to(&out))?;
                if !quiet {
                    let m = &assembly.manifest;
                    let objects: usize = m.clusters.iter().map(|c| c.objects.len()).sum();
                    println!(
                        "synthesized {} stack{}, {} Kubernetes object{} and {} other file{} into {}",
                        m.stacks.len(),
                        plural(m.stacks.len()),
                        objects,
                        plural(objects),
                        m.files.len(),
                        plural(m.files.len()),
                        out.display()
                    );
                }
                Ok(())
            }
            Command::List => {
                let assembly = report(self.synth())?;
                for s in &assembly.manifest.stacks {
                    let deps = if s.dependencies.is_empty() {
                        String::new()
                    } else {
                        format!(" (after {})", s.dependencies.join(", "))
                    };
                    println!("stack   {:<28} {}{deps}", s.id, s.stack_name);
                }
                for c in &assembly.manifest.clusters {
                    println!(
                        "cluster {:<28} {} objects (stack {})",
                        c.id,
                        c.objects.len(),
                        c.stack
                    );
                }
                Ok(())
            }
            Command::Runtime(args) => runtime(self, args),
        }
    }
}

#[cfg(not(feature = "deploy"))]
fn runtime(_app: &App, args: Vec<String>) -> Result<()> {
    let command = args.first().map(String::as_str).unwrap_or_default();
    if matches!(command, "diff" | "deploy" | "destroy") {
        eprintln!(
            "error: '{command}' needs the deploy runtime, which this build does not include.\n  \
             Run it with the `deploy` feature, e.g.: cargo run --example <name> --features deploy -- {command}"
        );
    } else {
        eprintln!(
            "error: unknown command '{command}'; commands: synth, list, diff, deploy, destroy"
        );
    }
    std::process::exit(2)
}

#[cfg(feature = "deploy")]
fn runtime(app: &App, args: Vec<String>) -> Result<()> {
    stackwright_deploy::cli::run(app, args)
}

/// Prints a synth error the way users read it, then passes it on.
fn report<T>(result: Result<T>) -> Result<T> {
    if let Err(e) = &result {
        eprintln!("error: {e}");
    }
    result
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Turns a program's result into its exit code, for `fn main() -> ExitCode`.
pub fn exit_code(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Invalid(_)) => ExitCode::from(1),
        Err(_) => ExitCode::from(1),
    }
}
