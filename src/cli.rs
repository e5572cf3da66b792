//! The command line every stackwright program gets from [`Run::run`].
//!
//! `synth` (the default) writes the cloud assembly; `list` prints the stacks and clusters;
//! `diff`, `deploy`, `destroy` and `context` (the lookups' context file) run the deploy runtime,
//! compiled in with the `deploy` feature
//! (without it they are listed all the same and say how to enable it). Errors are returned, not
//! printed: [`exit_code`] prints each one once and picks the exit status. Warnings (valid input
//! that is likely not meant, [`stackwright_core::Node::warn`]) are printed on standard error by
//! every command that synthesizes, before its result; `--strict` makes them errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use stackwright_core::{App, Error, ExitStatus, Result};

use crate::terminal;

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
    /// Write the cloud assembly: templates, manifests, workflows and manifest.json (the default).
    Synth {
        /// Output directory.
        #[arg(long, default_value = DEFAULT_OUT)]
        out: PathBuf,
        /// Print nothing but errors and warnings.
        #[arg(long, short)]
        quiet: bool,
        /// Also write the GitHub Actions workflows the program synthesizes into
        /// REPO_DIR/.github/workflows (default: the current directory, your repository's root),
        /// removing the ones it synthesized earlier and no longer does.
        #[arg(long, value_name = "REPO_DIR", num_args = 0..=1, default_missing_value = ".")]
        workflows: Option<PathBuf>,
        #[command(flatten)]
        strict: Strict,
    },
    /// List the stacks (in deployment order) and clusters.
    List {
        #[command(flatten)]
        strict: Strict,
    },
}

/// `--strict`, on every command that synthesizes.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
struct Strict {
    /// Treat warnings as errors: print them as errors, write nothing and exit with status 1
    /// (without it, warnings are printed on standard error and the command goes on).
    #[arg(long)]
    strict: bool,
}

/// The commands of the deploy runtime, with their one-line help.
const RUNTIME_COMMANDS: [(&str, &str); 5] = [
    ("diff", "Show what a deploy would change"),
    ("deploy", "Deploy the stacks, then their clusters' Kubernetes objects"),
    ("destroy", "Delete the Kubernetes objects, then the stacks"),
    ("drift", "Show what changed behind the program's back"),
    ("context", "List the lookups; --refresh fills the context file from AWS"),
];

/// Gives an [`App`] its command line.
pub trait Run {
    /// Parses the process arguments and runs the command: `synth` (the default), `list`,
    /// `diff`, `deploy`, `destroy` and `context` (these need the `deploy` feature). `--help` and
    /// `help <command>` print on standard output and succeed.
    ///
    /// # Errors
    ///
    /// Nothing is printed here: pass the result to [`exit_code`], which prints every problem
    /// once and exits with its status. [`Error::Invalid`] with every problem when the app
    /// cannot be synthesized; [`Error::Io`] when its files cannot be written;
    /// [`Error::Command`] for a command line that cannot be parsed, a runtime command this
    /// build does not include, or the runtime's failures (each with its exit status).
    fn run(&self) -> Result<()>;
}

impl Run for App {
    fn run(&self) -> Result<()> {
        let matches = match command_line().try_get_matches() {
            Ok(matches) => matches,
            Err(e) if !e.use_stderr() => {
                let _ = e.print();
                return Ok(());
            }
            Err(e) => return Err(terminal::usage_error(&e)),
        };
        if let Some((name, _)) = matches.subcommand()
            && RUNTIME_COMMANDS.iter().any(|(n, _)| *n == name)
        {
            return runtime(self, name, &matches);
        }
        let cli = Cli::from_arg_matches(&matches).map_err(|e| terminal::usage_error(&e))?;
        let default =
            Command::Synth { out: DEFAULT_OUT.into(), quiet: false, workflows: None, strict: Strict::default() };
        match cli.command.unwrap_or(default) {
            Command::Synth { out, quiet, workflows, strict } => synth(self, &out, quiet, workflows.as_deref(), strict),
            Command::List { strict } => list(self, strict),
        }
    }
}

/// The whole command line: `synth` and `list`, and the runtime's commands (their real options
/// with the `deploy` feature, a placeholder that says how to enable it without).
fn command_line() -> clap::Command {
    let statuses: Vec<String> = ExitStatus::ALL.iter().map(|s| format!("{} {s:?}", s.code())).collect();
    let cli = Cli::command().after_help(format!(
        "Errors and warnings go to standard error; `--strict` makes warnings errors. Exit statuses: {} \
         (docs/exit-status.md).",
        statuses.join(", ")
    ));
    #[cfg(feature = "deploy")]
    let cli = stackwright_deploy::cli::augment_subcommands(cli);
    #[cfg(not(feature = "deploy"))]
    let cli = cli.subcommands(RUNTIME_COMMANDS.map(|(name, about)| {
        clap::Command::new(name)
            .about(format!("{about} (needs `--features deploy`)"))
            .long_about(format!(
                "{about}. This build does not include the deploy runtime: build the program with \
                 `--features deploy`, e.g. `cargo run --example <name> --features deploy -- {name}`."
            ))
            .arg(
                clap::Arg::new("args")
                    .num_args(0..)
                    .trailing_var_arg(true)
                    .allow_hyphen_values(true)
                    .help("The runtime's arguments (see this command's help in a build with `--features deploy`)"),
            )
    }));
    cli
}

/// Synthesizes `app`; prints its warnings on standard error, or with `--strict` returns them
/// as errors.
fn synthesize(app: &App, strict: Strict) -> Result<stackwright_core::Assembly> {
    let assembly = app.synth()?;
    if strict.strict {
        return assembly.warnings_as_errors();
    }
    terminal::print_warnings(&assembly.warnings);
    Ok(assembly)
}

/// `synth`: writes the assembly (and with `--workflows` the repository's workflows), then says
/// what it wrote unless `quiet`. Warnings are printed first, even with `quiet`.
fn synth(app: &App, out: &Path, quiet: bool, workflows: Option<&Path>, strict: Strict) -> Result<()> {
    let assembly = synthesize(app, strict)?;
    assembly.write_to(out)?;
    if let Some(repo) = workflows {
        let written = write_workflows(&assembly, repo)?;
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
fn list(app: &App, strict: Strict) -> Result<()> {
    let assembly = synthesize(app, strict)?;
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

/// A runtime command in a build without the runtime: says how to get it.
#[cfg(not(feature = "deploy"))]
fn runtime(_app: &App, name: &str, _matches: &clap::ArgMatches) -> Result<()> {
    Err(Error::command(
        ExitStatus::Usage,
        format!("'{name}' needs the deploy runtime, which this build does not include"),
        format!(
            "build the program with `--features deploy`, e.g. `cargo run --example <name> --features deploy -- {name}`"
        ),
    ))
}

#[cfg(feature = "deploy")]
fn runtime(app: &App, _name: &str, matches: &clap::ArgMatches) -> Result<()> {
    stackwright_deploy::cli::run_matches(app, matches)
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

/// The plural ending for `n` things.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Turns a program's result into its exit status, for `fn main() -> ExitCode`: prints the error,
/// if any, on standard error ([`crate::terminal::print_error`]: every problem once, coloured on
/// a terminal), then returns its [`ExitStatus`] — 0 on success,
/// 1 for an invalid program, the table of `docs/exit-status.md` otherwise. An error from
/// building the tree and one from [`Run::run`] take the same path.
#[must_use]
pub fn exit_code(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            terminal::print_error(&e);
            e.exit_status().into()
        }
    }
}
