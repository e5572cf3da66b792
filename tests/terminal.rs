//! What the terminal shows: `--help` lists every command of the build, `help <command>` works,
//! the runtime's commands without the `deploy` feature say how to get it, and errors are
//! coloured on a terminal only (a pseudo-terminal through util-linux `script`).

mod support;

use std::process::Command;

#[test]
fn help_lists_every_command_with_one_line_each() {
    // At clap's default width (100 columns): every command on one line.
    let output = support::run("", &["--help"], &[]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{help}");
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    assert_eq!(commands, ["synth", "list", "diff", "deploy", "destroy", "drift", "context", "help"], "{help}");
    for line in help.lines().skip_while(|l| *l != "Commands:").skip(1).take_while(|l| !l.is_empty()) {
        assert!(line.starts_with("  ") && !line.starts_with("   "), "{line:?} is a command's line, not a wrapped one");
        assert!(line.split_whitespace().count() > 1, "{line:?} has its one-line description");
    }
}

#[test]
fn help_of_each_command_works() {
    for command in ["synth", "list", "diff", "deploy", "destroy", "drift", "context"] {
        let output = support::run("", &["help", command], &[]);
        assert_eq!(output.status.code(), Some(0), "help {command}: {}", support::stderr(&output));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains(&format!("Usage: mistakes {command}")), "help {command}:\n{text}");
    }
}

#[cfg(not(feature = "deploy"))]
#[test]
fn runtime_commands_say_how_to_enable_them() {
    for (command, args) in [
        ("diff", &["diff"][..]),
        ("deploy", &["deploy", "--yes", "prod-*"]),
        ("destroy", &["destroy"]),
        ("drift", &["drift"]),
        ("context", &["context", "--refresh"]),
    ] {
        let output = support::run("", args, &[]);
        let err = support::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{command}: {err}");
        assert!(err.starts_with(&format!("error: '{command}' needs the deploy runtime")), "{err}");
        assert!(err.contains("hint: build the program with `--features deploy`"), "{err}");
        let help = support::run("", &["help", command], &[]);
        assert!(String::from_utf8_lossy(&help.stdout).contains("--features deploy"));
    }
}

#[test]
fn usage_errors_exit_2_in_the_same_format() {
    let output = support::run("", &["synth", "--bogus"], &[]);
    let err = support::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: unexpected argument '--bogus' found"), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}

/// Runs the example in a pseudo-terminal; `None` when util-linux `script` is not installed.
fn on_a_terminal(mistake: &str, env: &[(&str, &str)]) -> Option<(String, Option<i32>)> {
    let binary = support::mistakes_binary();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = Command::new("script");
    command
        .args(["-qec", &format!("'{}' synth", binary.display()), "/dev/null"])
        .current_dir(dir.path())
        .env("STACKWRIGHT_MISTAKE", mistake)
        .env("TERM", "xterm-256color");
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    let output = command.output().ok()?;
    Some((String::from_utf8_lossy(&output.stdout).into_owned(), output.status.code()))
}

#[test]
fn errors_are_coloured_on_a_terminal_and_plain_otherwise() {
    let Some((tty, status)) = on_a_terminal("max-azs", &[]) else {
        eprintln!("util-linux `script` is not installed: the pseudo-terminal half of this test did not run");
        return;
    };
    assert_eq!(status, Some(1), "{tty:?}");
    assert!(tty.contains("\x1b["), "no escape code on a terminal: {tty:?}");
    assert!(tty.contains("error") && tty.contains("prod/network/Vpc") && tty.contains("max_azs is 0"), "{tty:?}");

    let (no_color, _) = on_a_terminal("max-azs", &[("NO_COLOR", "1")]).expect("script ran above");
    assert!(!no_color.contains('\x1b'), "NO_COLOR=1 on a terminal: {no_color:?}");
    assert!(no_color.contains("error: prod/network/Vpc: max_azs is 0"), "{no_color:?}");

    let piped = support::run("max-azs", &["synth"], &[("TERM", "xterm-256color")]);
    let err = support::stderr(&piped);
    assert!(!err.contains('\x1b'), "piped: {err:?}");
    assert!(err.starts_with("error: prod/network/Vpc: max_azs is 0"), "{err}");
}

/// With the runtime, an invalid program stops `deploy` before any AWS call with the same
/// output and status as `synth`; a missing assembly is a usage error; `help deploy` shows the
/// runtime's options.
#[cfg(feature = "deploy")]
#[test]
fn runtime_commands_report_like_synth() {
    let synth = support::run("no-node-group", &["synth"], &[]);
    for args in [&["deploy", "--yes"][..], &["diff"], &["destroy", "--yes"]] {
        let output = support::run("no-node-group", args, &[]);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", support::stderr(&output));
        assert_eq!(support::stderr(&output), support::stderr(&synth), "{args:?}");
    }
    let missing = support::run("", &["diff", "--app-dir", "/nonexistent/stackwright-assembly"], &[]);
    let err = support::stderr(&missing);
    assert_eq!(missing.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: cannot read the assembly in /nonexistent/stackwright-assembly"), "{err}");
    let help = support::run("", &["help", "deploy"], &[]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--require-approval"));
}
