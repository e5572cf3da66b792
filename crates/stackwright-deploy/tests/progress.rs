//! What a person sees, as `cdk deploy` users expect it: the table of the IAM statements and
//! security-group rules a change adds (from fixture templates, then before a real approval on
//! LocalStack); colour on a terminal (a pseudo-terminal the test opens with `script`) and none
//! with `NO_COLOR`, `--plain`, `CI` or when piped, and then no `\r` either; n/m resources per
//! stack and the total at the end.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::terminal::Terminal;
use serde_json::Value as Json;
use stackwright_core::assembly::{ResourceEntry, StackEntry};
use stackwright_core::{Account, App, RawResource, Region, Resource, Value};
use stackwright_deploy::cfn::{Broadening, render_changes, template_diff};

fn fixture(name: &str) -> Json {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broadening").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn entry() -> StackEntry {
    let mut resources = indexmap::IndexMap::new();
    for (id, kind) in [("Role", "AWS::IAM::Role"), ("Sg", "AWS::EC2::SecurityGroup")] {
        resources.insert(id.to_string(), ResourceEntry { kind: kind.into(), path: format!("prod/web/{id}") });
    }
    StackEntry {
        id: "prod-web".into(),
        environment: "prod".into(),
        stack_name: "app-prod-web".into(),
        template: "t.json".into(),
        dependencies: vec![],
        parameters: vec![],
        termination_protection: false,
        tags: Default::default(),
        resources,
        moves: vec![],
        imports: vec![],
    }
}

#[test]
fn the_approval_table_lists_the_statements_and_rules_a_change_adds() {
    let (deployed, local) = (fixture("deployed.json"), fixture("local.json"));
    let entry = entry();
    let changes = template_diff(&entry, Some(&deployed), &local);
    let b = Broadening::of(&changes, Some(&deployed), &local);
    let text = render_changes(&changes, &b, false).join("\n");
    // Only what is new: the statement and the rule already deployed are not listed.
    assert_eq!(b.statements.len(), 3, "{text}");
    assert_eq!(b.rules.len(), 2, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    let row = |needle: &[&str]| {
        lines.iter().any(|l| needle.iter().all(|n| l.contains(n))) || panic!("no row with {needle:?}:\n{text}")
    };
    row(&["~ Role (AWS::IAM::Role) prod/web/Role (ManagedPolicyArns, Policies) [SECURITY]"]);
    row(&["IAM statements added:"]);
    row(&["resource", "effect", "actions", "resources", "principal", "condition"]);
    row(&[
        "+ Role ",
        "Allow",
        "sqs:SendMessage",
        "${Queue.Arn}",
        "AWS:${Role}",
        r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
    ]);
    row(&["+ Role ", "Attach", "arn:aws:iam::aws:policy/ReadOnlyAccess", "AWS:${Role}"]);
    row(&["+ TopicPolicy", "Allow", "sns:Publish", "${Topic}", "*"]);
    row(&["security-group rules added:"]);
    row(&["group", "direction", "protocol", "ports", "peer", "description"]);
    row(&["+ Sg ", "ingress", "tcp", "22", "0.0.0.0/0", "ssh"]);
    row(&["+ ${Sg.GroupId}", "ingress", "tcp", "8000-8080", "${LbSg}"]);
    assert!(!text.contains("10.0.0.0/8"), "the deployed rule is not added:\n{text}");
    assert!(!text.contains("s3:GetObject"), "the deployed statement is not added:\n{text}");
    assert!(!text.contains("sts:AssumeRole"), "the deployed trust policy is not added:\n{text}");
    // Columns line up: every row of a table starts its cells where the header does.
    let header = lines.iter().find(|l| l.contains("direction")).unwrap();
    let ssh = lines.iter().find(|l| l.contains("ssh")).unwrap();
    assert_eq!(header.find("direction"), ssh.find("ingress"), "{text}");
    // A new stack: everything it grants is added, the trust policy included.
    let all = template_diff(&entry, None, &local);
    let b = Broadening::of(&all, None, &local);
    assert!(
        b.statements.iter().any(|s| s.actions == ["sts:AssumeRole"] && s.principals == ["Service:ec2.amazonaws.com"])
    );
    assert_eq!(b.rules.len(), 3);
    // Styled, the same words with colours.
    let styled = render_changes(&changes, &b, true).join("\n");
    assert!(styled.contains("\x1b[35m\x1b[1m[SECURITY]") || styled.contains("\x1b[1m\x1b[35m[SECURITY]"), "{styled:?}");
    assert_eq!(anstream::adapter::strip_str(&styled).to_string(), render_changes(&changes, &b, false).join("\n"));
}

/// A literal JSON value as a template value.
fn value(v: Json) -> Value {
    match v {
        Json::String(s) => s.into(),
        Json::Bool(b) => b.into(),
        Json::Number(n) => n.as_i64().map(Value::from).unwrap_or_else(|| n.to_string().into()),
        Json::Array(a) => Value::list(a.into_iter().map(value)),
        Json::Object(m) => Value::map(m.into_iter().map(|(k, v)| (k, value(v)))),
        Json::Null => "".into(),
    }
}

/// One stack with a parameter, a role and a security group with an open rule.
fn synth(dir: &Path, setting: &str) {
    let app = App::new("progress");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), Region::UsEast1);
    let s = dev.stack("web");
    let vpc = Resource::new(&s, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.43.0.0/16")).unwrap();
    let ingress = serde_json::json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0", "Description": "https"}]);
    Resource::new(
        &s,
        "WebSg",
        RawResource::new("AWS::EC2::SecurityGroup")
            .with("GroupDescription", "web")
            .with("VpcId", vpc.reference())
            .with("SecurityGroupIngress", value(ingress)),
    )
    .unwrap();
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let policies = serde_json::json!([{"PolicyName": "params", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:us-east-1:000000000000:parameter/progress/*"}]}}]);
    Resource::new(
        &s,
        "AppRole",
        RawResource::new("AWS::IAM::Role")
            .with("AssumeRolePolicyDocument", value(trust))
            .with("Policies", value(policies)),
    )
    .unwrap();
    Resource::new(
        &s,
        "Setting",
        RawResource::new("AWS::SSM::Parameter")
            .with("Name", "/progress/setting")
            .with("Type", "String")
            .with("Value", setting),
    )
    .unwrap();
    app.synth_to(dir).unwrap();
}

/// The binary with stdout and stderr piped (not a terminal).
fn piped(endpoint: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackwright-deploy"));
    common::terminal::base_env(&mut cmd, endpoint);
    cmd.args(args).envs(env.iter().copied()).stdin(Stdio::null());
    cmd.output().unwrap()
}

/// The binary in a colour pseudo-terminal, as a person runs it.
fn terminal(endpoint: &str, args: &[&str], env: &[(&str, &str)]) -> Terminal {
    Terminal::run(endpoint, args, "xterm-256color", env)
}

impl Terminal {
    fn wait_to_show(&mut self, text: &str) {
        self.wait_for(text, Duration::from_secs(90));
    }

    /// Waits for the end: the exit code and the whole screen.
    fn exit(mut self) -> (Option<i32>, String) {
        let (code, _) = self.wait_exit(Duration::from_secs(120), "the command should have ended");
        std::thread::sleep(Duration::from_millis(200));
        (code, self.screen())
    }
}

/// No escape code, and no carriage return (a pseudo-terminal turns `\n` into `\r\n`, so there a
/// `\r` counts only when no `\n` follows it: a spinner redrawing its line).
fn assert_plain(text: &str, pty: bool, what: &str) {
    assert!(!text.contains('\x1b'), "{what}: escape codes in plain output:\n{text:?}");
    let stray_cr = if pty { text.replace("\r\n", "\n").contains('\r') } else { text.contains('\r') };
    assert!(!stray_cr, "{what}: a carriage return in plain output:\n{text:?}");
}

/// The last time the spinner showed `status`, its line was cleared afterwards (`ESC[2K`).
fn assert_spinner_cleared(screen: &str, status: &str, what: &str) {
    let drawn =
        screen.rfind(status).unwrap_or_else(|| panic!("{what}: the spinner never said {status:?}:\n{screen:?}"));
    let cleared = screen.rfind("\x1b[2K").unwrap_or(0);
    assert!(cleared > drawn, "{what}: a spinner is left on the screen:\n{screen:?}");
}

#[test]
fn colour_on_a_terminal_plain_elsewhere_with_counts_totals_and_the_table() {
    let ls = common::localstack();
    let endpoint = ls.endpoint();
    let dir = common::temp_dir("progress");
    synth(&dir, "one");
    let app_dir = dir.display().to_string();

    // A first deploy in a colour terminal: the role and the open rule need approval; the table
    // lists them before the question, the changes are coloured, the events count n/m.
    let mut term = terminal(&endpoint, &["deploy", "--app-dir", &app_dir], &[]);
    term.wait_to_show("Deploy? [y/N]");
    let asked = term.screen();
    for row in [
        "IAM statements added:",
        "sts:AssumeRole",
        "Service:ec2.amazonaws.com",
        "ssm:GetParameter",
        "security-group rules added:",
        "0.0.0.0/0",
    ] {
        assert!(asked.contains(row), "{row:?} not in the approval table:\n{asked}");
    }
    assert!(asked.contains("\x1b[32m+ AppRole\x1b[0m"), "the addition is not green:\n{asked:?}");
    let (waiting, creating) = (asked.rfind("waiting for approval"), asked.rfind("change set "));
    assert!(waiting > creating, "the spinner says something else while asking:\n{asked:?}");
    assert!(asked.ends_with("Deploy? [y/N] "), "the answer is not typed after the question:\n{asked:?}");
    term.type_line("y");
    let (code, screen) = term.exit();
    assert_eq!(code, Some(0), "{screen}");
    let plain = anstream::adapter::strip_str(&screen).to_string();
    assert!(plain.contains("4/4"), "no resource counter:\n{plain}");
    assert!(screen.contains("\x1b[32mCREATE_COMPLETE"), "statuses are not coloured:\n{screen:?}");
    assert!(plain.contains("web: created, 4 resource change(s) in"), "{plain}");
    assert!(plain.contains("1 of 1 stack(s) deployed (1 created, 0 updated, 0 unchanged), 4 resource change(s), in"));

    // A change, diffed in the terminal: coloured, and the spinner of the preview is gone before
    // the diff is printed; with NO_COLOR, --plain or CI: plain.
    synth(&dir, "two");
    let (code, screen) = terminal(&endpoint, &["diff", "--app-dir", &app_dir], &[]).exit();
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("\x1b[33m~ Setting"), "the modification is not yellow:\n{screen:?}");
    assert_spinner_cleared(&screen, "waiting for the change set", "diff");
    for (args, env, what) in [
        (vec!["diff", "--app-dir", &app_dir], vec![("NO_COLOR", "1")], "NO_COLOR"),
        (vec!["diff", "--app-dir", &app_dir, "--plain"], vec![], "--plain"),
        (vec!["diff", "--app-dir", &app_dir], vec![("CI", "true")], "CI"),
    ] {
        let (code, screen) = terminal(&endpoint, &args, &env).exit();
        assert_eq!(code, Some(0), "{what}: {screen}");
        assert!(screen.contains("~ Setting (AWS::SSM::Parameter) dev/web/Setting (Value)"), "{what}: {screen}");
        assert_plain(&screen, true, what);
    }

    // A refusal at the prompt fails the stack: no spinner is left behind, the total says so.
    let mut term = terminal(&endpoint, &["deploy", "--app-dir", &app_dir, "--require-approval", "any"], &[]);
    term.wait_to_show("Deploy? [y/N]");
    term.type_line("n");
    let (code, screen) = term.exit();
    assert_eq!(code, Some(stackwright_deploy::error::exit::APPROVAL), "{screen}");
    assert_spinner_cleared(&screen, "waiting for approval", "refused");
    assert!(anstream::adapter::strip_str(&screen).to_string().contains("0 of 1 stack(s) deployed"), "{screen}");

    // Piped (a CI log): plain, with the same counts and total.
    let out = piped(&endpoint, &["deploy", "--app-dir", &app_dir, "--yes"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_plain(&stderr, false, "piped deploy");
    assert!(stderr.contains("web:   ~ Setting (AWS::SSM::Parameter) dev/web/Setting (Value)"), "{stderr}");
    assert!(stderr.contains("1/1"), "{stderr}");
    assert!(stderr.contains("(0 created, 1 updated, 0 unchanged), 1 resource change(s), in"), "{stderr}");

    let out = piped(&endpoint, &["destroy", "--app-dir", &app_dir, "--yes"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_plain(&stderr, false, "piped destroy");
    assert!(stderr.contains("web: 0/4 ") && stderr.contains("web: 4/4 "), "no resource counter:\n{stderr}");
    assert!(stderr.contains("1 stack(s) destroyed (0 did not exist), 0 Kubernetes object(s) deleted"), "{stderr}");
}
