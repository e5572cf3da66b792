//! `house`: the structural checks of the stackwright workspace, run by `scripts/test`.
//!
//! ```text
//! cargo run -q -p house -- check     # all three checks below; exit 1 on any finding
//! cargo run -q -p house -- cycles    # import cycles between sibling modules
//! cargo run -q -p house -- sizes     # hand-written .rs files over 600 lines
//! cargo run -q -p house -- lints     # members without `[lints] workspace = true`
//! cargo run -q -p house -- graph     # every sibling import edge the cycle check sees
//! ```
//!
//! Exit status: 0 clean, 1 findings (each listed), 2 usage error or unreadable source.
//!
//! **Cycles.** Every target of every workspace member (libraries, binaries, tests, examples,
//! benches) is read from its root file with syn; every `crate::`/`super::`/`self::` path in its
//! code — `use` trees, grouped or not, and inline paths in bodies, types, patterns and macro
//! tokens; never comments or strings — and every path through a name a `use` brought in is
//! resolved to the module it names, following re-exports. A path in `a::b::c` naming
//! `a::d::e` is the edge `b → d` among the children of `a`; a module using its ancestors or
//! descendants is no edge. Siblings that reach each other (a strongly connected component of
//! two or more) are a cycle, reported with the file, line and path of every edge in it.
//! Generated code counts here like any other.
//!
//! **Test code is skipped**: items under `#[cfg(test)]` (the `mod tests` beside a module) are
//! not read, the way Cargo lets a crate's dev-dependencies depend on it: a unit test may build
//! its fixture with a higher-level module without that module becoming a dependency of the
//! code under test. Integration tests (`tests/*.rs`) are crates of their own and are checked.
//!
//! **Sizes.** No hand-written `.rs` file over 600 lines; generated code (under a `generated/`
//! folder) is exempt. **Lints.** Every member's `Cargo.toml` opts in to `[workspace.lints]`.

mod cycles;
mod lints;
mod modtree;
mod refs;
mod resolve;
mod sizes;
mod workspace;

use std::io::Write as _;
use std::process::ExitCode;

use workspace::Workspace;

/// What each command line runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Command {
    Check,
    Cycles,
    Sizes,
    Lints,
    Graph,
}

const USAGE: &str = "usage: house <check|cycles|sizes|lints|graph>  (run from inside the workspace)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["check"] => Command::Check,
        ["cycles"] => Command::Cycles,
        ["sizes"] => Command::Sizes,
        ["lints"] => Command::Lints,
        ["graph"] => Command::Graph,
        ["-h" | "--help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(command) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("house: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs `command`; returns how many findings it printed.
fn run(command: Command) -> Result<usize, String> {
    let ws = workspace::load()?;
    let crates = load_crates(&ws)?;
    if command == Command::Graph {
        print_graph(&crates);
        return Ok(0);
    }
    let mut findings = Vec::new();
    if matches!(command, Command::Check | Command::Cycles) {
        let cycles: Vec<String> =
            crates.iter().flat_map(cycles::find_cycles).map(|c| cycles::report(&c, &ws.root)).collect();
        let modules: usize = crates.iter().map(|c| c.modules.len()).sum();
        summary("cycles", &cycles, &format!("{} crates, {modules} modules", crates.len()));
        findings.extend(cycles);
    }
    if matches!(command, Command::Check | Command::Sizes) {
        let found = sizes::oversized(&ws.root).map_err(|e| format!("cannot list the sources: {e}"))?;
        let lines: Vec<String> = found
            .iter()
            .map(|o| format!("{} has {} lines (at most {})", o.file.display(), o.lines, sizes::MAX_LINES))
            .collect();
        summary("sizes", &lines, "no hand-written .rs file over 600 lines");
        findings.extend(lines);
    }
    if matches!(command, Command::Check | Command::Lints) {
        let missing: Vec<String> = lints::not_opted_in(&ws.packages, &ws.root)?
            .into_iter()
            .map(|m| format!("{m} lacks `[lints] workspace = true`"))
            .collect();
        summary("lints", &missing, &format!("{} members opted in", ws.packages.len()));
        findings.extend(missing);
    }
    Ok(findings.len())
}

/// Prints one check's findings, or that it passed.
fn summary(check: &str, findings: &[String], ok: &str) {
    if findings.is_empty() {
        println!("house {check}: ok ({ok})");
    } else {
        println!("house {check}: {} finding(s)", findings.len());
        for finding in findings {
            println!("  {}", finding.trim_end().replace('\n', "\n  "));
        }
    }
}

/// Reads the module tree of every target of every member.
fn load_crates(ws: &Workspace) -> Result<Vec<modtree::Crate>, String> {
    let mut crates = Vec::new();
    for package in &ws.packages {
        for target in &package.targets {
            let name = format!("{} ({} {})", package.name, target.kind, target.name);
            crates.push(modtree::load_crate(&name, &target.root).map_err(|e| e.to_string())?);
        }
    }
    Ok(crates)
}

/// `graph`: every crate's sibling edges, level by level (a closed pipe ends the listing).
fn print_graph(crates: &[modtree::Crate]) {
    let mut out = std::io::stdout().lock();
    for krate in crates {
        let levels = cycles::sibling_edges(krate);
        if levels.is_empty() {
            continue;
        }
        let mut text = format!("{}\n", krate.name);
        for (parent, edges) in levels {
            text.push_str(&format!("  among the children of {parent}:\n"));
            for ((from, to), evidence) in edges {
                text.push_str(&format!("    {from} -> {to}  ({} path(s))\n", evidence.len()));
            }
        }
        if out.write_all(text.as_bytes()).is_err() {
            return;
        }
    }
}
