//! The `diff | deploy | destroy | drift` command line every stackwright program gets with the
//! facade's `deploy` feature (`synth` and `list` stay in the facade).
//!
//! Exit statuses: [`ExitStatus`] (`docs/exit-status.md`), the same as the facade's: 0 success,
//! 1 the program is invalid or a deployment or call failed, 2 usage error or no assembly,
//! 3 approval needed but not given, 4 `diff --fail` found differences or `drift` found drift. Errors are returned, not
//! printed, so that the program's entry prints each one once ([`main`] does for the binary).

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use stackwright_core::{App, ExitStatus};

use crate::aws::AwsOptions;
use crate::cfn::Approval;
use crate::error::{Error, Result};
use crate::interrupt::{CleanUp, Ledger, Signals};
use crate::local::Local;
use crate::plan::{Assembly, Extend};
use crate::preflight::Plan;
use crate::progress::style;
use crate::progress::{Progress, ProgressMode};
use crate::runtime::Runtime;

#[derive(Debug, Parser)]
#[command(name = "stackwright", about = "Deploy a stackwright app: diff, deploy, destroy")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show what a deploy would change.
    ///
    /// Resources per stack (replacements and IAM/security group changes highlighted) and
    /// Kubernetes objects.
    Diff {
        #[command(flatten)]
        common: Common,
        /// Exit with code 4 when there are differences.
        #[arg(long)]
        fail: bool,
    },
    /// Deploy the stacks, then their clusters' Kubernetes objects.
    ///
    /// Stacks go in dependency order (independent ones concurrently), each through a change set.
    Deploy {
        #[command(flatten)]
        common: Common,
        /// When to ask before executing a change set.
        #[arg(long, value_enum, default_value_t = Approval::Broadening)]
        require_approval: Approval,
        /// Approve everything; never ask (for CI).
        #[arg(long, short)]
        yes: bool,
        /// Continue the rollback of a stack in UPDATE_ROLLBACK_FAILED, then deploy.
        #[arg(long)]
        continue_rollback: bool,
        /// Keep Kubernetes objects that left the program.
        #[arg(long)]
        no_prune: bool,
        /// Do not wait for Kubernetes objects to become ready.
        #[arg(long)]
        no_wait: bool,
    },
    /// Delete the Kubernetes objects, then the stacks.
    ///
    /// Stacks go in reverse dependency order.
    Destroy {
        #[command(flatten)]
        common: Common,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
        /// Outside production: turn off the deletion protection of the stacks' RDS instances
        /// (a stack update) before deleting them; their final snapshots are kept as their
        /// DeletionPolicy says. Without it, such a stack is refused.
        #[arg(long)]
        lift_deletion_protection: bool,
    },
    /// Show what changed behind the program's back.
    ///
    /// CloudFormation drift detection per stack, and per cluster the objects of the last deploy
    /// whose fields owned by the field manager `stackwright` differ. Read-only. Exits with 4
    /// when something drifted.
    Drift {
        #[command(flatten)]
        common: Common,
    },
    /// List the lookups; --refresh fills the context file from AWS.
    ///
    /// The answers of lookups of existing infrastructure (docs/existing-infrastructure.md).
    /// Synth never calls AWS: `Vpc::from_lookup` and the other lookups read the context file
    /// committed beside the program. This command fills it, with credentials for the lookups'
    /// accounts; commit the file it writes.
    Context {
        #[command(flatten)]
        context: crate::lookup::Options,
    },
    /// The EKS add-on versions EKS offers per Kubernetes minor (read-only).
    ///
    /// Asks `eks:DescribeAddonVersions` for the add-ons stackwright installs: to refresh the
    /// committed table of add-on versions (`--rust` prints its rows) or to pick a version for
    /// a gap of it before an upgrade (docs/upgrading.md).
    AddonVersions {
        #[command(flatten)]
        options: crate::addon_versions::Options,
    },
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub(crate) struct Common {
    /// Stacks to work on: ids (`prod-network`) or stack names, `*` as a wildcard. All when none.
    pub(crate) stacks: Vec<String>,
    /// Only the stacks named, without the stacks they depend on (deploy) or that depend on them
    /// (destroy).
    #[arg(long, short = 'e')]
    pub(crate) exclusively: bool,
    /// Where to synthesize the assembly first.
    #[arg(long, default_value = "out")]
    pub(crate) out: PathBuf,
    /// Use an assembly synthesized earlier instead of synthesizing (CI: synth once, review the
    /// diff, deploy the same bytes).
    #[arg(long, value_name = "DIR", alias = "assembly")]
    pub(crate) app_dir: Option<PathBuf>,
    /// Stacks deployed or destroyed at the same time, at most.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub(crate) concurrency: u16,
    /// Print the result as JSON on stdout (progress stays on stderr).
    #[arg(long)]
    pub(crate) json: bool,
    /// Leave Kubernetes alone (stacks only).
    #[arg(long)]
    pub(crate) no_kubernetes: bool,
    /// Minutes one stack operation (or waiting for readiness) may take, 1 to 1440.
    // Bounded here, so that the minutes' conversion to seconds cannot overflow (a wrapped, tiny
    // timeout) and 0 cannot mean "fail at once".
    #[arg(long, default_value_t = 60, value_name = "MINUTES", value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub(crate) timeout: u64,
    /// Do not check that the credentials are for each environment's account.
    #[arg(long)]
    pub(crate) skip_account_check: bool,
    /// Try the program on a local emulator (LocalStack, moto) at AWS_ENDPOINT_URL, which must be
    /// on the loopback address: the emulator's account stands in for the environments' accounts,
    /// credentials are test/test, termination protection is not turned on (docs/local.md).
    #[arg(long)]
    pub(crate) local: bool,
    /// Plain text even on a terminal: no spinners, no colour, no escape codes, no `\r` (as with
    /// `NO_COLOR`, in CI and when the output is not a terminal).
    #[arg(long)]
    pub(crate) plain: bool,
    /// Treat the program's warnings as errors: print them as errors, change nothing and exit
    /// with status 1 (without it, warnings are printed on standard error and the command goes
    /// on). An assembly read with `--app-dir` carries none: pass it to `synth`.
    #[arg(long)]
    pub(crate) strict: bool,
}

/// Adds `diff`, `deploy` and `destroy` with all their options to a program's command line, so
/// that its `--help` lists them and `help deploy` explains them; run the parsed command with
/// [`run_matches`].
#[must_use]
pub fn augment_subcommands(command: clap::Command) -> clap::Command {
    <Command as clap::Subcommand>::augment_subcommands(command)
}

/// Runs the `diff`, `deploy` or `destroy` subcommand of `matches` (parsed by a command line that
/// went through [`augment_subcommands`]) on `app`. Nothing is printed on failure: the error
/// carries its message and exit status for the program's entry to print once (the facade's
/// `cli::exit_code`).
///
/// # Errors
///
/// The program's diagnostics when it cannot be synthesized; otherwise
/// [`stackwright_core::Error::Command`] with the runtime's message and [`ExitStatus`].
pub fn run_matches(app: &App, matches: &clap::ArgMatches) -> stackwright_core::Result<()> {
    let command = <Command as clap::FromArgMatches>::from_arg_matches(matches).map_err(usage_error)?;
    execute(Some(app), Cli { command }, AwsOptions::default()).map_err(stackwright_core::Error::from)
}

/// Parses `args` (subcommand first) and runs the command on `app`, like [`run_matches`].
///
/// # Errors
///
/// As [`run_matches`]; a command line that cannot be parsed is an [`ExitStatus::Usage`] error.
pub fn run(app: &App, args: Vec<String>) -> stackwright_core::Result<()> {
    command(Some(app), args, AwsOptions::default())
}

/// Parses `args` (subcommand first) and runs the command; `--help` is printed on stdout and is
/// a success. Nothing is printed on failure (see [`run_matches`]).
///
/// # Errors
///
/// As [`run_matches`].
pub fn command(app: Option<&App>, args: Vec<String>, aws: AwsOptions) -> stackwright_core::Result<()> {
    let program = std::env::args()
        .next()
        .and_then(|p| std::path::Path::new(&p).file_name().map(|f| f.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "stackwright".into());
    let cli = match Cli::try_parse_from(std::iter::once(program).chain(args)) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return Ok(());
        }
        Err(e) => return Err(usage_error(e)),
    };
    execute(app, cli, aws).map_err(stackwright_core::Error::from)
}

/// Parses `args` (subcommand first), runs the command, prints its error the one way every
/// stackwright entry does (coloured on a terminal, plain when piped or with `NO_COLOR`) and
/// returns the exit code ([`ExitStatus`]).
pub fn main(app: Option<&App>, args: Vec<String>, aws: AwsOptions) -> i32 {
    match command(app, args, aws) {
        Ok(()) => i32::from(ExitStatus::Success.code()),
        Err(e) => {
            print_error(&e);
            i32::from(e.exit_status().code())
        }
    }
}

/// Writes `error` to standard error as [`stackwright_core::report::render`] renders it;
/// anstream strips the styles when standard error is not a terminal or `NO_COLOR` is set.
pub fn print_error(error: &stackwright_core::Error) {
    use std::io::Write as _;
    let text = stackwright_core::report::render(error, true);
    let _ = anstream::stderr().write_all(text.as_bytes());
}

/// Writes the warnings synth returned to standard error as
/// [`stackwright_core::report::render_warnings`] renders them (the colour policy of
/// [`print_error`]); nothing when there are none.
pub fn print_warnings(warnings: &stackwright_core::Diagnostics) {
    use std::io::Write as _;
    let text = stackwright_core::report::render_warnings(warnings, true);
    let _ = anstream::stderr().write_all(text.as_bytes());
}

/// A command line clap rejected, as a usage error carrying clap's explanation (the `error: `
/// prefix is the renderer's).
fn usage_error(e: clap::Error) -> stackwright_core::Error {
    let text = e.render().to_string();
    let message = text.strip_prefix("error: ").unwrap_or(&text).trim_end().to_string();
    stackwright_core::Error::command(ExitStatus::Usage, message, "")
}

fn assembly(app: Option<&App>, common: &Common) -> Result<Arc<Assembly>> {
    let dir = match (&common.app_dir, app) {
        (Some(dir), _) => dir.clone(),
        (None, Some(app)) => {
            // The program's warnings come before anything the command does; `--strict` stops
            // here with them as errors, before anything is written or deployed.
            let synthesized = app.synth()?;
            let synthesized = if common.strict {
                synthesized.warnings_as_errors()?
            } else {
                print_warnings(&synthesized.warnings);
                synthesized
            };
            synthesized.write_to(&common.out)?;
            common.out.clone()
        }
        (None, None) => return Err(Error::usage("no assembly: pass --app-dir DIR")),
    };
    // A missing or unreadable assembly is a usage error (the directory is the user's input);
    // an invalid program keeps its diagnostics and their status.
    let read = Assembly::read(&dir).map_err(|e| match e {
        Error::Assembly(stackwright_core::Error::Io { source, .. }) => Error::Usage(format!(
            "cannot read the assembly in {}: {}/manifest.json: {source}\n  \
             hint: synthesize it first (`synth --out {}`), or run without --app-dir to synthesize now",
            dir.display(),
            dir.display(),
            dir.display()
        )),
        // An assembly given with --app-dir is input: one that is not a manifest (or of another
        // format) is a problem preflight reports (exit 2), not an invalid program.
        Error::Assembly(invalid @ stackwright_core::Error::Invalid(_)) if common.app_dir.is_some() => {
            let text = stackwright_core::report::render(&invalid, false);
            Error::Preflight(vec![text.trim_end().trim_start_matches("error: ").to_string()])
        }
        other => other,
    })?;
    Ok(Arc::new(read))
}

impl Command {
    /// `--plain`, and `--json` which implies it for the progress display.
    fn plain(&self) -> (bool, bool) {
        match self {
            Command::Diff { common, .. }
            | Command::Deploy { common, .. }
            | Command::Destroy { common, .. }
            | Command::Drift { common } => (common.plain, common.json),
            Command::Context { context } => (context.plain, false),
            Command::AddonVersions { options } => (true, options.json),
        }
    }
}

/// The progress display of a command: spinners and colour only on a terminal, never with
/// `--plain` or `--json` (see [`style`] for the whole policy).
fn progress(command: &Command) -> Progress {
    let (plain, json) = command.plain();
    Progress::new(if plain || json { ProgressMode::Plain } else { ProgressMode::Auto })
}

fn runtime(common: &Common, aws: AwsOptions, ledger: &Arc<Ledger>, progress: &Arc<Progress>) -> Runtime {
    let mut rt = Runtime::new(aws, ProgressMode::Capture);
    rt.progress = progress.clone();
    rt.ledger = ledger.clone();
    rt.concurrency = usize::from(common.concurrency);
    rt.kubernetes = !common.no_kubernetes;
    rt.check_account = !common.skip_account_check;
    rt.cfn.termination_protection = !common.local;
    rt.cfn.stack_timeout = Duration::from_secs(common.timeout * 60);
    rt.kube.ready_timeout = Duration::from_secs(common.timeout * 60);
    rt
}

fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

/// A report on stdout: JSON with `--json`, else its text (styled on a terminal).
fn print_report(json: bool, report: &impl serde::Serialize, text: impl FnOnce(bool) -> String) {
    if json {
        print_json(report);
    } else {
        let _ = anstream::stdout().write_all(text(style::stdout_styled()).as_bytes());
    }
}

/// Runs a parsed command. A first SIGINT or SIGTERM stops it (nothing new starts), deletes
/// within 10 s what it created and never executed, and ends it with [`Error::Interrupted`]; a
/// second one exits with 130 at once, printing what was left behind.
pub(crate) fn execute(app: Option<&App>, cli: Cli, aws: AwsOptions) -> Result<()> {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::usage(format!("cannot start the async runtime: {e}")))?;
    style::apply_policy(cli.command.plain().0);
    let progress = Arc::new(progress(&cli.command));
    let result = tokio.block_on(async {
        let ledger = Arc::new(Ledger::default());
        let mut signals =
            Signals::listen().map_err(|e| Error::usage(format!("cannot listen for interrupts: {e}")))?;
        tokio::select! {
            r = execute_async(app, cli, aws, &ledger, &progress) => r,
            signal = signals.next() => {
                progress.clear_all();
                // Dropping the command's future stopped every task: nothing new starts.
                eprintln!("\n{signal}: stopping; deleting what this run created and never executed (again to exit at once)");
                tokio::select! {
                    done = ledger.clean_up(INTERRUPT_CLEAN_UP) => Err(interrupted(signal, &done)),
                    second = signals.next() => Err(Error::Interrupted(format!(
                        "{second} again: exiting at once{}",
                        listed("left behind (or going on in AWS)", &ledger.left_behind())
                    ))),
                }
            }
        }
    });
    // Do not wait for blocking work still running (a prompt's read of stdin is on its own
    // thread; name resolution may be on the runtime's blocking pool).
    tokio.shutdown_background();
    result
}

/// How long a first interrupt may spend deleting what the run created.
const INTERRUPT_CLEAN_UP: Duration = Duration::from_secs(10);

fn listed(title: &str, lines: &[String]) -> String {
    if lines.is_empty() { String::new() } else { format!("\n  {title}:\n    {}", lines.join("\n    ")) }
}

/// The error of an interrupted run: what was cleaned up, what goes on in AWS without us.
fn interrupted(signal: &str, c: &CleanUp) -> Error {
    let mut text = format!("{signal}: stopped; nothing new was started");
    if c.done.is_empty() && c.continues.is_empty() && c.left_behind.is_empty() {
        text.push_str("; no change set of this run was waiting, and nothing goes on in AWS without us");
    }
    text.push_str(&listed("cleaned up", &c.done));
    text.push_str(&listed("goes on in AWS without us", &c.continues));
    text.push_str(&listed("left behind", &c.left_behind));
    if !c.continues.is_empty() {
        text.push_str("\n  hint: run the same command again: it waits for what goes on and converges");
    }
    Error::Interrupted(text)
}

/// The AWS options of a run: with `--local`, the endpoint checked to be on the loopback address
/// (before anything else, exit status 2 when not) and what the switch changes said out loud.
fn aws_options(command: &Command, mut aws: AwsOptions) -> Result<AwsOptions> {
    let local = match command {
        Command::Diff { common, .. }
        | Command::Deploy { common, .. }
        | Command::Destroy { common, .. }
        | Command::Drift { common } => common.local,
        Command::Context { context } => context.local,
        Command::AddonVersions { options } => options.local,
    };
    if local {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let local = Local::new(aws.endpoint_url.as_deref(), &|name| std::env::var(name).ok(), &vars)?;
        eprintln!("{}", local.banner());
        aws.endpoint_url = Some(local.endpoint);
        aws.local = true;
    }
    Ok(aws)
}

async fn execute_async(
    app: Option<&App>,
    cli: Cli,
    aws: AwsOptions,
    ledger: &Arc<Ledger>,
    progress: &Arc<Progress>,
) -> Result<()> {
    let aws = aws_options(&cli.command, aws)?;
    match cli.command {
        Command::Diff { common, fail } => {
            let assembly = assembly(app, &common)?;
            let rt = runtime(&common, aws, ledger, progress);
            let mut report = rt.diff(assembly, &common.stacks).await;
            progress.clear_all();
            print_report(common.json, &report, |styled| report.render_styled(styled));
            report.result()?;
            if fail && report.has_changes() {
                return Err(Error::Differences);
            }
            Ok(())
        }
        Command::Deploy { common, require_approval, yes, continue_rollback, no_prune, no_wait } => {
            let assembly = assembly(app, &common)?;
            let mut rt = runtime(&common, aws, ledger, progress);
            rt.cfn.approval = require_approval;
            rt.cfn.yes = yes;
            rt.cfn.continue_rollback = continue_rollback;
            rt.kube.prune = !no_prune;
            rt.kube.wait = !no_wait;
            let mut report = rt.deploy(assembly, &common.stacks, common.exclusively).await;
            if common.json {
                print_json(&report);
            } else {
                let _ = anstream::stderr().write_all(report.summary(progress.styled()).as_bytes());
            }
            report.result()
        }
        Command::Destroy { common, yes, lift_deletion_protection } => {
            let assembly = assembly(app, &common)?;
            let extend = if common.exclusively { Extend::Exactly } else { Extend::Downstream };
            // The assembly is checked offline before the question (and again by destroy).
            let stacks = Plan::offline(assembly.clone(), &common.stacks, extend, false, &|_| None)?.stacks().to_vec();
            if !yes {
                confirm_destroy(&assembly, &stacks).await?;
            }
            let mut rt = runtime(&common, aws, ledger, progress);
            rt.lift_deletion_protection = lift_deletion_protection;
            let start = std::time::Instant::now();
            let mut report = rt.destroy(assembly, &common.stacks, common.exclusively).await;
            progress.clear_all();
            if common.json {
                print_json(&report);
            } else {
                let _ = anstream::stderr().write_all(report.summary(progress.styled(), start.elapsed()).as_bytes());
            }
            report.result()
        }
        Command::Drift { common } => {
            let assembly = assembly(app, &common)?;
            let mut report = runtime(&common, aws, ledger, progress).drift(assembly, &common.stacks).await;
            progress.clear_all();
            print_report(common.json, &report, |styled| report.render_styled(styled));
            report.result()?;
            if report.drifted() { Err(Error::Differences) } else { Ok(()) }
        }
        Command::Context { context } => crate::lookup::command(app, context, aws, progress).await,
        Command::AddonVersions { options } => crate::addon_versions::command(options, aws, progress).await,
    }
}

async fn confirm_destroy(assembly: &Assembly, stacks: &[String]) -> Result<()> {
    let clusters: Vec<&str> =
        assembly.manifest.clusters.iter().filter(|c| stacks.contains(&c.stack)).map(|c| c.id.as_str()).collect();
    let what = format!(
        "destroy {}{}",
        stacks.join(", "),
        if clusters.is_empty() {
            String::new()
        } else {
            format!(" and the Kubernetes objects of {}", clusters.join(", "))
        }
    );
    if !std::io::stdin().is_terminal() {
        return Err(Error::ApprovalRequired(format!(
            "{what}: confirmation needed and there is no terminal to ask\n  hint: rerun with --yes"
        )));
    }
    eprint!("About to {what}. Continue? [y/N] ");
    let answer = crate::progress::read_answer().await;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::ApprovalRequired("not confirmed; nothing was destroyed".into()))
    }
}

#[cfg(test)]
mod tests;
