//! The command line every stackwright program gets from [`Run::run`].
//!
//! `synth` (the default) writes the cloud assembly; `list` prints the stacks and clusters.
//! `diff`, `deploy` and `destroy` need the runtime, compiled in with the `deploy` feature.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stackwright_core::{App, Error, Result};

/// Where the assembly goes unless `--out` says otherwise.
pub const DEFAULT_OUT: &str = "out";

#[derive(Debug, Parser)]
#[command(
    about = "Synthesize (and, with the `deploy` feature, deploy) this stackwright app",
    after_help = "With the `deploy` feature: diff, deploy, destroy (see `<program> deploy --help`, docs/deploying.md)"
)]
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
        /// Also write the GitHub Actions workflows the program synthesizes into
        /// REPO_DIR/.github/workflows (default: the current directory, your repository's root),
        /// removing the ones it synthesized earlier and no longer does.
        #[arg(long, value_name = "REPO_DIR", num_args = 0..=1, default_missing_value = ".")]
        workflows: Option<PathBuf>,
    },
    /// List the stacks (in deployment order) and clusters.
    List,
    /// Show what a deploy would change (needs the `deploy` feature).
    #[command(external_subcommand)]
    Runtime(Vec<String>),
}

/// Gives an [`App`] its command line.
pub trait Run {
    /// Parses the process arguments and runs the command: `synth` (the default), `list`, and
    /// with the `deploy` feature `diff`, `deploy` and `destroy`.
    ///
    /// # Errors
    ///
    /// The synth error (printed first) when the app cannot be synthesized or its files cannot
    /// be written; turn it into the exit code with [`exit_code`]. Usage errors and the deploy
    /// runtime's failures exit the process directly (code 2 for usage errors, the runtime's
    /// codes otherwise).
    fn run(&self) -> Result<()>;
}

impl Run for App {
    fn run(&self) -> Result<()> {
        let cli = Cli::parse();
        match cli.command.unwrap_or(Command::Synth { out: DEFAULT_OUT.into(), quiet: false, workflows: None }) {
            Command::Synth { out, quiet, workflows } => synth(self, &out, quiet, workflows.as_deref()),
            Command::List => list(self),
            Command::Runtime(args) => runtime(self, args),
        }
    }
}

/// `synth`: writes the assembly (and with `--workflows` the repository's workflows), then says
/// what it wrote unless `quiet`.
fn synth(app: &App, out: &Path, quiet: bool, workflows: Option<&Path>) -> Result<()> {
    let assembly = report(app.synth_to(out))?;
    if let Some(repo) = workflows {
        let written = report(write_workflows(&assembly, repo))?;
        if !quiet {
            println!("wrote {written} workflow{} into {}", plural(written), repo.join(WORKFLOWS_DIR).display());
        }
    }
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

/// `list`: the stacks in deployment order with what they wait for, then the clusters.
fn list(app: &App) -> Result<()> {
    let assembly = report(app.synth())?;
    for s in &assembly.manifest.stacks {
        let deps =
            if s.dependencies.is_empty() { String::new() } else { format!(" (after {})", s.dependencies.join(", ")) };
        println!("stack   {:<28} {}{deps}", s.id, s.stack_name);
    }
    for c in &assembly.manifest.clusters {
        println!("cluster {:<28} {} objects (stack {})", c.id, c.objects.len(), c.stack);
    }
    Ok(())
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
        eprintln!("error: unknown command '{command}'; commands: synth, list, diff, deploy, destroy");
    }
    std::process::exit(2)
}

#[cfg(feature = "deploy")]
fn runtime(app: &App, args: Vec<String>) -> Result<()> {
    stackwright_deploy::cli::run(app, args)
}

/// Where GitHub reads workflows, in the assembly and in a repository.
const WORKFLOWS_DIR: &str = ".github/workflows";

/// The first line of every workflow stackwright synthesizes; files starting with it are ours
/// to replace or remove.
pub const WORKFLOW_MARKER: &str = "# Synthesized by stackwright";

/// Copies the assembly's workflows into `repo/.github/workflows` (each file written to a
/// temporary name, then renamed) and removes workflows stackwright wrote there before that the
/// program no longer synthesizes. Returns how many files were written.
///
/// # Errors
///
/// [`Error::Invalid`] naming the path when the directory cannot be created or read, or a file
/// cannot be written, renamed or removed.
pub fn write_workflows(assembly: &stackwright_core::Assembly, repo: &Path) -> Result<usize> {
    use std::fs;
    let io = |path: &Path, e: std::io::Error| {
        Error::invalid(
            path.display().to_string(),
            format!("cannot write the workflows: {e}"),
            "check the path and permissions",
        )
    };
    let dir = repo.join(WORKFLOWS_DIR);
    fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let prefix = format!("{WORKFLOWS_DIR}/");
    let mut ours = Vec::new();
    for (path, bytes) in &assembly.files {
        let Some(name) = path.strip_prefix(&prefix) else { continue };
        if name.contains('/') {
            continue;
        }
        let target = dir.join(name);
        let staging = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        fs::write(&staging, bytes).map_err(|e| io(&staging, e))?;
        fs::rename(&staging, &target).map_err(|e| io(&target, e))?;
        ours.push(name.to_string());
    }
    for entry in fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
        let path = entry.map_err(|e| io(&dir, e))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let stale = (name.ends_with(".yml") || name.ends_with(".yaml"))
            && !ours.contains(&name)
            && fs::read_to_string(&path).is_ok_and(|text| text.starts_with(WORKFLOW_MARKER));
        if stale {
            fs::remove_file(&path).map_err(|e| io(&path, e))?;
        }
    }
    Ok(ours.len())
}

/// Prints a synth error the way users read it, then passes it on.
fn report<T>(result: Result<T>) -> Result<T> {
    if let Err(e) = &result {
        eprintln!("error: {e}");
    }
    result
}

/// The plural ending for `n` things.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Turns a program's result into its exit code, for `fn main() -> ExitCode`: 0 on success,
/// 1 for any error (it was printed where it happened).
#[must_use]
pub fn exit_code(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(1),
    }
}
