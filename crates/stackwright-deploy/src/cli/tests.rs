//! Tests of the command line: parsing, exit statuses, the dispatch of each command.

use super::*;
use crate::error::exit;

fn parse(args: &[&str]) -> std::result::Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("stackwright").chain(args.iter().copied()))
}

#[test]
fn deploy_options() {
    let cli = parse(&[
        "deploy",
        "prod-*",
        "--app-dir",
        "out",
        "--require-approval",
        "never",
        "--concurrency",
        "2",
        "--json",
        "--yes",
    ])
    .unwrap();
    let Command::Deploy { common, require_approval, yes, .. } = cli.command else { panic!() };
    assert_eq!(common.stacks, ["prod-*"]);
    assert_eq!(common.app_dir.as_deref(), Some(std::path::Path::new("out")));
    assert_eq!((require_approval, yes, common.concurrency, common.json), (Approval::Never, true, 2, true));
    assert!(parse(&["deploy", "--concurrency", "0"]).is_err());
    // A zero timeout would give up on a stack mid-update.
    assert!(parse(&["deploy", "--timeout", "0"]).is_err());
    assert!(parse(&["deploy", "--timeout", "307445734561825861"]).is_err(), "minutes that overflow in seconds");
    assert!(parse(&["deploy", "--timeout", "1440"]).is_ok());
    assert!(parse(&["deploy", "--require-approval", "sometimes"]).is_err());
}

#[test]
fn local_refuses_an_endpoint_off_the_loopback_address_before_anything_else() {
    let remote = AwsOptions {
        endpoint_url: Some("https://cloudformation.eu-west-1.amazonaws.com".into()),
        ..AwsOptions::default()
    };
    let missing = std::env::temp_dir().join("stackwright-no-such-assembly");
    let args = vec!["deploy".into(), "--local".into(), "--app-dir".into(), missing.display().to_string()];
    let err = command(None, args, remote).unwrap_err();
    assert_eq!(err.exit_status(), ExitStatus::Usage);
    let text = stackwright_core::report::render(&err, false);
    assert!(text.contains("--local talks only to an emulator on this machine, but the endpoint option is https://cloudformation.eu-west-1.amazonaws.com"), "{text}");
    let Command::Deploy { common, .. } = parse(&["deploy", "--local"]).unwrap().command else { panic!() };
    assert!(common.local);
    let Command::Deploy { common, .. } = parse(&["deploy"]).unwrap().command else { panic!() };
    assert!(!common.local, "without the switch nothing changes");
}

#[test]
fn usage_errors_exit_2_and_missing_assemblies_too() {
    assert_eq!(main(None, vec!["deploy".into(), "--bogus".into()], AwsOptions::default()), exit::USAGE);
    let missing = std::env::temp_dir().join("stackwright-no-such-assembly");
    let code =
        main(None, vec!["diff".into(), "--app-dir".into(), missing.display().to_string()], AwsOptions::default());
    assert_eq!(code, exit::USAGE);
    assert_eq!(main(None, vec!["deploy".into()], AwsOptions::default()), exit::USAGE);
}

#[test]
fn strict_stops_on_the_programs_warnings_before_anything_is_written() {
    let app = App::new("demo");
    let prod = app.environment(
        "prod",
        stackwright_core::Account::new("123456789012").unwrap(),
        stackwright_core::Region::EuWest1,
    );
    use stackwright_core::Construct as _;
    prod.stack("network").node().warn("the network is warned", "say what you mean");
    let out = std::env::temp_dir().join(format!("stackwright-strict-{}", std::process::id()));
    let args = |extra: &[&str]| -> Vec<String> {
        ["diff", "--out", &out.display().to_string()].iter().chain(extra).map(|s| (*s).to_string()).collect()
    };
    let Command::Diff { common, .. } = parse(&["diff", "--strict"]).unwrap().command else { panic!() };
    assert!(common.strict);
    let code = main(Some(&app), args(&["--strict"]), AwsOptions::default());
    assert_eq!(code, exit::FAILED);
    assert!(!out.exists(), "--strict wrote the assembly");
}

#[test]
fn runtime_errors_keep_their_status_and_are_rendered_once() {
    use stackwright_core::report::render;
    let core = |e: Error| stackwright_core::Error::from(e);
    let approval = core(Error::ApprovalRequired("not confirmed".into()));
    assert_eq!(approval.exit_status(), ExitStatus::ApprovalRequired);
    let differences = core(Error::Differences);
    assert_eq!((differences.exit_status(), render(&differences, false)), (ExitStatus::Differences, String::new()));
    let unconfirmed =
        core(Error::ApprovalRequired("destroy prod-network: no terminal\n  hint: rerun with --yes".into()));
    assert_eq!(render(&unconfirmed, false), "error: destroy prod-network: no terminal\n  hint: rerun with --yes\n");
    let failed = core(Error::Stack { stack: "prod-network".into(), message: "VPC failed".into() });
    assert_eq!(
        (failed.exit_status(), render(&failed, false)),
        (ExitStatus::Failure, "error: stack prod-network: VPC failed\n".into())
    );
    let invalid = core(Error::Assembly(stackwright_core::Error::invalid("prod/network/Vpc", "bad", "fix")));
    assert_eq!(invalid.exit_status(), ExitStatus::Failure);
    assert_eq!(render(&invalid, false), "error: prod/network/Vpc: bad\n  hint: fix\n");
    for (code, status) in [
        (exit::OK, ExitStatus::Success),
        (exit::FAILED, ExitStatus::Failure),
        (exit::USAGE, ExitStatus::Usage),
        (exit::APPROVAL, ExitStatus::ApprovalRequired),
        (exit::DIFFERENCES, ExitStatus::Differences),
    ] {
        assert_eq!(code, i32::from(status.code()));
    }
}
