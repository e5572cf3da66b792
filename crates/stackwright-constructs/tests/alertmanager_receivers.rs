//! Alertmanager's receivers: what each renders into `alertmanager.yml`, that the real `amtool`
//! (Debian's 0.25, the one the test command runs) accepts every kind, alone and together, that
//! credentials reach the pod as files of mounted Secrets only, the NetworkPolicy's egress, and
//! the errors bad receivers get.

mod common;

use std::process::Command;

use common::{app_with_cluster, object, synth_error};
use serde_json::Value as Json;
use stackwright_constructs::{
    Alertmanager, AlertmanagerProps, EmailReceiver, Monitoring, MonitoringProps, Receiver, SecretKeyRef, Severity,
    SlackReceiver, WebhookReceiver,
};
use stackwright_core::{Assembly, Region};

const AMTOOL: &str = "amtool";

fn with_receivers(receivers: impl IntoIterator<Item = Receiver>) -> MonitoringProps {
    MonitoringProps::default().alertmanager(Alertmanager::On(AlertmanagerProps::new(receivers)))
}

fn synth(props: MonitoringProps) -> Assembly {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    Monitoring::new(&cluster, "monitoring", props).unwrap();
    app.synth().unwrap()
}

fn config_text(assembly: &Assembly) -> String {
    assembly.file("monitoring/prod-main/alertmanager.yml").expect("alertmanager.yml in the assembly").to_string()
}

fn config(assembly: &Assembly) -> Json {
    serde_saphyr::from_str(&config_text(assembly)).unwrap()
}

fn webhook() -> Receiver {
    Receiver::webhook(
        "ops-webhook",
        WebhookReceiver::new("https://alerts.example.com/hooks/alertmanager")
            .bearer_token(SecretKeyRef::new("alertmanager-webhook", "token")),
    )
}

fn email() -> Receiver {
    Receiver::email(
        "ops-mail",
        EmailReceiver::new("oncall@example.com", "alertmanager@example.com", "email-smtp.eu-west-1.amazonaws.com:587")
            .auth("AKIAEXAMPLE", SecretKeyRef::new("alertmanager-smtp", "password")),
    )
}

fn slack() -> Receiver {
    Receiver::slack(
        "ops-slack",
        SlackReceiver::new(SecretKeyRef::new("alertmanager-slack", "webhook-url")).channel("#alerts"),
    )
}

fn pagerduty() -> Receiver {
    Receiver::pagerduty("ops-pagerduty", SecretKeyRef::new("alertmanager-pagerduty", "routing-key"))
}

fn every_kind() -> Vec<Receiver> {
    vec![Receiver::sns(), webhook(), email().only(Severity::Warning), slack(), pagerduty().only(Severity::Critical)]
}

#[test]
fn the_default_is_the_alarm_topic_for_every_alert() {
    let c = config(&synth(MonitoringProps::default()));
    assert_eq!(c["route"]["receiver"], "sns");
    assert_eq!(c["route"]["routes"][0]["matchers"][0], "severity=\"critical\"");
    assert_eq!(c["route"]["routes"][0]["repeat_interval"], "1h");
    let sns = &c["receivers"][0]["sns_configs"][0];
    assert!(sns["topic_arn"].as_str().unwrap().starts_with("((stackwright:ref:"), "{sns}");
    assert_eq!(sns["sigv4"]["region"], "eu-west-1");
}

#[test]
fn each_receiver_renders_its_credential_as_a_file() {
    let c = config(&synth(with_receivers(every_kind())));
    let receiver = |name: &str| c["receivers"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap().clone();
    let w = &receiver("ops-webhook")["webhook_configs"][0];
    assert_eq!(w["url"], "https://alerts.example.com/hooks/alertmanager");
    assert_eq!(w["http_config"]["authorization"]["type"], "Bearer");
    assert_eq!(
        w["http_config"]["authorization"]["credentials_file"],
        "/etc/alertmanager-secrets/alertmanager-webhook/token"
    );
    let e = &receiver("ops-mail")["email_configs"][0];
    assert_eq!(e["smarthost"], "email-smtp.eu-west-1.amazonaws.com:587");
    assert_eq!(e["auth_username"], "AKIAEXAMPLE");
    assert_eq!(e["auth_password_file"], "/etc/alertmanager-secrets/alertmanager-smtp/password");
    assert_eq!(e["require_tls"], true);
    let s = &receiver("ops-slack")["slack_configs"][0];
    assert_eq!(s["api_url_file"], "/etc/alertmanager-secrets/alertmanager-slack/webhook-url");
    assert_eq!(s["channel"], "#alerts");
    let p = &receiver("ops-pagerduty")["pagerduty_configs"][0];
    assert_eq!(p["routing_key_file"], "/etc/alertmanager-secrets/alertmanager-pagerduty/routing-key");
    assert!(p["severity"].as_str().unwrap().contains(".CommonLabels.severity"), "{p}");
    assert!(receiver("sns")["sns_configs"][0].get("topic_arn").is_some());
}

#[test]
fn several_receivers_each_get_their_severities() {
    let c = config(&synth(with_receivers(every_kind())));
    let route = &c["route"];
    assert_eq!(route["receiver"], "sns", "the first receiver is the fallback");
    let routes = route["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 5);
    assert!(routes.iter().all(|r| r["continue"] == true), "{routes:?}");
    let of = |name: &str| routes.iter().find(|r| r["receiver"] == name).unwrap();
    assert_eq!(of("ops-webhook").get("matchers"), None, "every severity");
    assert_eq!(of("ops-webhook")["routes"][0]["repeat_interval"], "1h");
    assert_eq!(of("ops-mail")["matchers"][0], "severity=\"warning\"");
    assert_eq!(of("ops-pagerduty")["matchers"][0], "severity=\"critical\"");
    assert_eq!(of("ops-pagerduty")["repeat_interval"], "1h");
}

#[test]
fn secrets_are_mounted_read_only_and_never_written() {
    let assembly = synth(with_receivers(every_kind()));
    let d = object(&assembly, "Deployment", "alertmanager");
    let pod = &d["spec"]["template"]["spec"];
    let volumes = pod["volumes"].as_array().unwrap();
    let secrets: Vec<&Json> = volumes.iter().filter(|v| v.get("secret").is_some()).collect();
    let names: Vec<&str> = secrets.iter().map(|v| v["secret"]["secretName"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["alertmanager-pagerduty", "alertmanager-slack", "alertmanager-smtp", "alertmanager-webhook"],
        "one volume per Secret"
    );
    let slack = secrets.iter().find(|v| v["secret"]["secretName"] == "alertmanager-slack").unwrap();
    assert_eq!(slack["secret"]["items"][0]["key"], "webhook-url", "only the keys the receivers read");
    let mounts = pod["containers"][0]["volumeMounts"].as_array().unwrap();
    for v in &secrets {
        let m = mounts.iter().find(|m| m["name"] == v["name"]).unwrap();
        assert_eq!(m["readOnly"], true);
        assert!(m["mountPath"].as_str().unwrap().starts_with("/etc/alertmanager-secrets/"));
    }
    // The program creates no Secret for them: the user does, and no value is in the output.
    let cluster = &assembly.manifest.clusters[0];
    assert!(!cluster.objects.iter().any(|o| o.kind == "Secret" && o.name.starts_with("alertmanager-")));
    let env = pod["containers"][0].get("env").map(Json::to_string).unwrap_or_default();
    assert!(!env.contains("secretKeyRef"), "{env}");
}

#[test]
fn the_egress_is_dns_and_the_receivers_ports() {
    let egress = |props| {
        let assembly = synth(props);
        object(&assembly, "NetworkPolicy", "alertmanager")["spec"]["egress"].clone()
    };
    let ports = |rule: &Json| -> Vec<i64> {
        rule["ports"].as_array().unwrap().iter().map(|p| p["port"].as_i64().unwrap()).collect()
    };
    let default = egress(MonitoringProps::default());
    assert_eq!(default.as_array().unwrap().len(), 2);
    assert_eq!(ports(&default[1]), [443]);
    assert_eq!(default[1]["to"][0]["ipBlock"]["cidr"], "0.0.0.0/0");
    let mixed = egress(with_receivers([
        email(),
        Receiver::webhook("internal", WebhookReceiver::new("https://hooks.example.com:8443/alerts")),
    ]));
    assert_eq!(ports(&mixed[1]), [587, 8443], "SMTP and the webhook's port, no 443 without a receiver on it");
}

#[test]
fn without_an_sns_receiver_alertmanager_has_no_aws_role() {
    let assembly = synth(with_receivers([webhook()]));
    let sa = object(&assembly, "ServiceAccount", "alertmanager");
    assert!(sa["metadata"].get("annotations").is_none(), "{sa}");
    let template = assembly.file("prod-cluster.template.json").unwrap();
    assert!(!template.contains("AlertmanagerRole"));
    let with_sns = synth(MonitoringProps::default());
    assert!(with_sns.file("prod-cluster.template.json").unwrap().contains("AlertmanagerRole"));
}

/// Runs `amtool check-config` on `text`; `None` when amtool is not installed.
fn amtool_check(name: &str, text: &str) -> Option<Result<(), String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.yml"));
    std::fs::write(&path, text).unwrap();
    let output = match Command::new(AMTOOL).arg("check-config").arg(&path).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("amtool: {e}"),
    };
    let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Some(if output.status.success() { Ok(()) } else { Err(format!("{name}:\n{all}\n{text}")) })
}

#[test]
fn amtool_accepts_every_receiver_kind_alone_and_together() {
    let cases: Vec<(&str, Vec<Receiver>)> = vec![
        ("sns", vec![Receiver::sns()]),
        ("webhook", vec![webhook()]),
        ("webhook-without-token", vec![Receiver::webhook("hook", WebhookReceiver::new("https://hooks.example.com/a"))]),
        (
            "email-without-auth",
            vec![Receiver::email("mail", EmailReceiver::new("a@example.com", "b@example.com", "smtp.example.com:587"))],
        ),
        ("email", vec![email()]),
        ("slack", vec![slack()]),
        ("pagerduty", vec![pagerduty()]),
        ("critical-only", vec![pagerduty().only(Severity::Critical)]),
        ("every-kind", every_kind()),
    ];
    let mut failures = Vec::new();
    for (name, receivers) in cases {
        let text = config_text(&synth(with_receivers(receivers)));
        match amtool_check(name, &text) {
            None => {
                eprintln!("SKIPPED: amtool is not installed (Debian's prometheus-alertmanager package)");
                return;
            }
            Some(Err(e)) => failures.push(e),
            Some(Ok(())) => {}
        }
    }
    assert!(failures.is_empty(), "amtool rejects:\n{}", failures.join("\n\n"));
}

// ---- bad input ---------------------------------------------------------------------------

fn err(receivers: impl IntoIterator<Item = Receiver>) -> String {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    synth_error(&app, Monitoring::new(&cluster, "monitoring", with_receivers(receivers)))
}

fn assert_problem(err: &str, message: &str, hint: &str) {
    assert!(err.contains(&format!("prod/cluster/Cluster/monitoring: {message}")), "missing '{message}' in:\n{err}");
    assert!(err.contains(hint), "missing hint '{hint}' in:\n{err}");
}

fn hook(url: &str) -> Receiver {
    Receiver::webhook("hook", WebhookReceiver::new(url))
}

#[test]
fn a_webhook_url_that_is_not_https() {
    assert_problem(
        &err([hook("http://alerts.example.com/hook")]),
        "receiver 'hook': webhook URL 'http://alerts.example.com/hook' is not an https:// URL",
        "hint: Alertmanager sends alerts over https only",
    );
    assert_problem(
        &err([hook("https:///hook")]),
        "receiver 'hook': webhook URL 'https:///hook' has no valid host",
        "https://",
    );
}

#[test]
fn a_credential_in_a_webhook_url() {
    assert_problem(
        &err([hook("https://user:secret@alerts.example.com/hook")]),
        "receiver 'hook': webhook URL carries a user and password in clear",
        "bearer_token(SecretKeyRef::new(secret, key))",
    );
    assert_problem(
        &err([hook("https://alerts.example.com/hook?token=abc")]),
        "receiver 'hook': webhook URL has a query string, where a token would be in clear",
        "put the token in a Secret",
    );
    assert_problem(
        &err([hook("https://hooks.slack.com/services/T000/B000/XXXX")]),
        "receiver 'hook': a Slack webhook URL is a secret (its path is the token) and would be in clear",
        "SlackReceiver::new(SecretKeyRef::new(secret, key))",
    );
    assert_problem(
        &err([hook("https://events.pagerduty.com/v2/enqueue")]),
        "receiver 'hook': PagerDuty is a receiver of its own",
        "Receiver::pagerduty(name, SecretKeyRef::new(secret, key))",
    );
}

#[test]
fn bad_receivers() {
    assert_problem(&err([]), "Alertmanager is on without a receiver", "Alertmanager::Off");
    assert_problem(&err([Receiver::sns(), Receiver::sns()]), "two receivers are named 'sns'", "its own name");
    assert_problem(
        &err([Receiver::pagerduty("pd", SecretKeyRef::new("PagerDuty", "key"))]),
        "receiver 'pd': the Secret's name: 'PagerDuty' contains 'P'",
        "name the Secret you created in namespace monitoring",
    );
    assert_problem(
        &err([Receiver::pagerduty("pd", SecretKeyRef::new("pagerduty", "../key"))]),
        "receiver 'pd': '../key' is not a key of a Secret",
        "letters, digits",
    );
    let half_auth = EmailReceiver {
        auth_username: Some("user".into()),
        ..EmailReceiver::new("oncall@example.com", "am@example.com", "smtp.example.com:587")
    };
    assert_problem(
        &err([Receiver::email("mail", half_auth)]),
        "receiver 'mail': SMTP authentication needs both a user name and a password",
        "EmailReceiver::auth(username, SecretKeyRef::new(secret, key))",
    );
    assert_problem(
        &err([Receiver::email("mail", EmailReceiver::new("oncall", "am@example.com", "smtp.example.com"))]),
        "receiver 'mail': to 'oncall' is not an e-mail address",
        "name@example.com",
    );
    assert_problem(
        &err([Receiver::email("mail", EmailReceiver::new("oncall@example.com", "am@example.com", "smtp.example.com"))]),
        "receiver 'mail': smarthost 'smtp.example.com' is not host:port",
        "with its port",
    );
}
