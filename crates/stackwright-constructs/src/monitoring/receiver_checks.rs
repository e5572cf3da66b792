//! What is wrong with Alertmanager's receivers, each problem at monitoring's path with a hint:
//! no receiver, a duplicate or bad name, a URL that is not https or carries a credential, a
//! malformed e-mail receiver, a bad Secret reference.

use stackwright_core::Diagnostic;
use stackwright_core::names::dns1123_subdomain_problem;

use super::receivers::{Receiver, ReceiverKind, SecretKeyRef, WebhookReceiver, host_port, https_url};

/// Every problem of `receivers`, at `path`.
pub(crate) fn problems(path: &str, receivers: &[Receiver]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if receivers.is_empty() {
        out.push(Diagnostic::new(
            path,
            "Alertmanager is on without a receiver: alerts would go nowhere",
            "add one, such as Receiver::sns() (the alarm topic), or turn Alertmanager off (Alertmanager::Off)",
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for r in receivers {
        let mut bad = |message: String, hint: &str| out.push(Diagnostic::new(path, message, hint));
        if r.name.is_empty() || !r.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            bad(format!("receiver name '{}' is not valid", r.name), "use letters, digits, '-' and '_'");
        }
        if seen.contains(&r.name.as_str()) {
            bad(format!("two receivers are named '{}'", r.name), "give each receiver its own name");
        }
        seen.push(&r.name);
        match &r.kind {
            ReceiverKind::Sns => {}
            ReceiverKind::Webhook(w) => webhook_problems(&r.name, w, &mut bad),
            ReceiverKind::Email(e) => {
                for (what, address) in [("to", &e.to), ("from", &e.from)] {
                    if !valid_email(address) {
                        bad(
                            format!("receiver '{}': {what} '{address}' is not an e-mail address", r.name),
                            "write it as name@example.com",
                        );
                    }
                }
                if host_port(&e.smarthost).is_none() {
                    bad(
                        format!("receiver '{}': smarthost '{}' is not host:port", r.name, e.smarthost),
                        "name the SMTP server with its port, such as email-smtp.eu-west-1.amazonaws.com:587",
                    );
                }
                if e.auth_username.is_some() != e.auth_password.is_some() {
                    bad(
                        format!("receiver '{}': SMTP authentication needs both a user name and a password", r.name),
                        "use EmailReceiver::auth(username, SecretKeyRef::new(secret, key))",
                    );
                }
            }
            ReceiverKind::Slack(s) => {
                if let Some(channel) = &s.channel
                    && (channel.len() < 2 || channel.contains(char::is_whitespace))
                {
                    bad(
                        format!("receiver '{}': '{channel}' is not a Slack channel", r.name),
                        "write it as #alerts, or leave it out for the webhook's own channel",
                    );
                }
            }
            ReceiverKind::PagerDuty(_) => {}
        }
        for secret in r.secrets() {
            secret_problems(&r.name, secret, &mut bad);
        }
    }
    out
}

/// A webhook's URL is https, names a host, and carries no credential: no user and password,
/// no query string (where tokens hide), and not a Slack or PagerDuty URL (whose token is the
/// URL itself).
fn webhook_problems(name: &str, w: &WebhookReceiver, bad: &mut impl FnMut(String, &str)) {
    let url = &w.url;
    let parsed = match https_url(url) {
        Ok(u) => u,
        Err(what) => {
            return bad(
                format!("receiver '{name}': webhook URL '{url}' {what}"),
                "Alertmanager sends alerts over https only: use an https:// URL such as https://alerts.example.com/hook",
            );
        }
    };
    if parsed.has_userinfo {
        bad(
            format!("receiver '{name}': webhook URL carries a user and password in clear"),
            "drop them from the URL and put the credential in a Secret: WebhookReceiver::new(url).bearer_token(SecretKeyRef::new(secret, key))",
        );
    }
    if parsed.has_query {
        bad(
            format!("receiver '{name}': webhook URL has a query string, where a token would be in clear"),
            "drop the query string and put the token in a Secret: WebhookReceiver::new(url).bearer_token(SecretKeyRef::new(secret, key))",
        );
    }
    if parsed.host == "hooks.slack.com" || parsed.host.ends_with(".hooks.slack.com") {
        bad(
            format!("receiver '{name}': a Slack webhook URL is a secret (its path is the token) and would be in clear"),
            "use Receiver::slack(name, SlackReceiver::new(SecretKeyRef::new(secret, key))) with the URL in a Secret",
        );
    }
    if parsed.host == "events.pagerduty.com" {
        bad(
            format!("receiver '{name}': PagerDuty is a receiver of its own, with its routing key in a Secret"),
            "use Receiver::pagerduty(name, SecretKeyRef::new(secret, key))",
        );
    }
}

fn secret_problems(name: &str, secret: &SecretKeyRef, bad: &mut impl FnMut(String, &str)) {
    if let Some(problem) = dns1123_subdomain_problem(&secret.name) {
        bad(
            format!("receiver '{name}': the Secret's name: {problem}"),
            "name the Secret you created in namespace monitoring",
        );
    }
    let key_ok = !secret.key.is_empty()
        && secret.key != "."
        && secret.key != ".."
        && secret.key.len() <= 253
        && secret.key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !key_ok {
        bad(
            format!("receiver '{name}': '{}' is not a key of a Secret", secret.key),
            "use letters, digits, '-', '_' and '.', as in the Secret's data",
        );
    }
}

/// A plausible e-mail address: `local@domain.tld`, no spaces, at most 254 characters.
pub(crate) fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
        && !domain.contains('@')
        && email.len() <= 254
}
