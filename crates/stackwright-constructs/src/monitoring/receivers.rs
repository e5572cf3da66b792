//! Where Alertmanager sends alerts: the alarm SNS topic, e-mail, a webhook, Slack, PagerDuty —
//! several at once, each for every severity or one.
//!
//! # Secrets
//! A credential (an SMTP password, a webhook's bearer token, Slack's webhook URL, PagerDuty's
//! routing key) is never a string of the program: it is a [`SecretKeyRef`], a key of a
//! Kubernetes Secret in namespace `monitoring` that you create (`kubectl -n monitoring create
//! secret generic alertmanager-slack --from-literal=webhook-url=https://hooks.slack.com/…`).
//! Alertmanager mounts the Secret read-only as files under
//! `/etc/alertmanager-secrets/<secret>/<key>` and its configuration names the file
//! (`auth_password_file`, `http_config.authorization.credentials_file`, `api_url_file`,
//! `routing_key_file`): the value is in no template, manifest or configuration file of the
//! assembly. Secrets Manager is not supported as a source. Every field used is one `amtool`
//! 0.25 (Debian's, which the test command runs) accepts; that is why the webhook's URL is a
//! plain https URL and its secret a bearer token (`url_file` is newer than 0.25).

use std::collections::BTreeSet;

use serde_json::{Value as Json, json};

use crate::internal::setters::setters;

/// Where Alertmanager reads the mounted Secrets.
pub(crate) const SECRETS_DIR: &str = "/etc/alertmanager-secrets";

/// A key of a Kubernetes Secret in namespace `monitoring` that you create: where a receiver's
/// credential comes from. [`SecretKeyRef::new`] takes both parts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretKeyRef {
    /// The Secret's name (a DNS-1123 subdomain); required.
    pub name: String,
    /// The key in the Secret (letters, digits, `-`, `_`, `.`); required.
    pub key: String,
}

impl SecretKeyRef {
    /// The key `key` of the Secret `name` (in namespace `monitoring`).
    pub fn new(name: impl Into<String>, key: impl Into<String>) -> Self {
        SecretKeyRef { name: name.into(), key: key.into() }
    }

    /// The file Alertmanager reads the value from.
    pub(crate) fn file(&self) -> String {
        format!("{SECRETS_DIR}/{}/{}", self.name, self.key)
    }
}

/// The severity of an alert (its `severity` label), as the rules write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// `severity="critical"`: repeated hourly while it fires.
    Critical,
    /// `severity="warning"`: repeated every four hours.
    Warning,
}

impl Severity {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
        }
    }
}

/// One receiver of Alertmanager: a name, where it sends, and which alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct Receiver {
    /// The receiver's name in Alertmanager's configuration (letters, digits, `-`, `_`; unique);
    /// required.
    pub name: String,
    /// Where it sends; required.
    pub kind: ReceiverKind,
    /// `Some`: only alerts of this severity; `None`: every alert. Default: `None`.
    pub severity: Option<Severity>,
}

/// Where a [`Receiver`] sends.
#[derive(Debug, Clone, PartialEq)]
pub enum ReceiverKind {
    /// The alarm SNS topic (the one the CloudWatch alarms notify), published with an IRSA role
    /// that may publish to that topic only.
    Sns,
    /// E-mail through an SMTP server.
    Email(EmailReceiver),
    /// An HTTPS webhook (Alertmanager's JSON payload).
    Webhook(WebhookReceiver),
    /// A Slack incoming webhook.
    Slack(SlackReceiver),
    /// PagerDuty's Events API v2.
    PagerDuty(PagerDutyReceiver),
}

/// E-mail through an SMTP server that requires TLS (STARTTLS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailReceiver {
    /// The address alerts go to; required.
    pub to: String,
    /// The sender's address; required.
    pub from: String,
    /// The SMTP server as `host:port` (`email-smtp.eu-west-1.amazonaws.com:587`); required.
    pub smarthost: String,
    /// The SMTP user name. Default: none (no authentication).
    pub auth_username: Option<String>,
    /// The SMTP password, from a Secret. Default: none; required with `auth_username`.
    pub auth_password: Option<SecretKeyRef>,
}

impl EmailReceiver {
    /// Mail `to` from `from` through `smarthost` (`host:port`), without authentication.
    pub fn new(to: impl Into<String>, from: impl Into<String>, smarthost: impl Into<String>) -> Self {
        EmailReceiver {
            to: to.into(),
            from: from.into(),
            smarthost: smarthost.into(),
            auth_username: None,
            auth_password: None,
        }
    }

    /// Authenticates as `username` with the password in `password`.
    #[must_use]
    pub fn auth(mut self, username: impl Into<String>, password: SecretKeyRef) -> Self {
        self.auth_username = Some(username.into());
        self.auth_password = Some(password);
        self
    }
}

/// An HTTPS webhook. The URL is not a secret (it is written in the configuration); the
/// credential is a bearer token from a Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookReceiver {
    /// The `https://` URL, without credentials or query string; required.
    pub url: String,
    /// Sent as `Authorization: Bearer <token>`. Default: none.
    pub bearer_token: Option<SecretKeyRef>,
}

impl WebhookReceiver {
    /// Posts alerts to `url`, without a token.
    pub fn new(url: impl Into<String>) -> Self {
        WebhookReceiver { url: url.into(), bearer_token: None }
    }
}

setters! { WebhookReceiver {
    some bearer_token: SecretKeyRef,
} }

/// A Slack incoming webhook. Its URL carries the token, so it comes from a Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackReceiver {
    /// The key holding the webhook URL (`https://hooks.slack.com/services/…`); required.
    pub webhook_url: SecretKeyRef,
    /// The channel (`#alerts`). Default: the webhook's own.
    pub channel: Option<String>,
}

impl SlackReceiver {
    /// Posts to the webhook whose URL is in `webhook_url`.
    pub fn new(webhook_url: SecretKeyRef) -> Self {
        SlackReceiver { webhook_url, channel: None }
    }
}

setters! { SlackReceiver {
    some_into channel: String,
} }

/// PagerDuty's Events API v2, with the integration's routing key from a Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerDutyReceiver {
    /// The key holding the routing (integration) key; required.
    pub routing_key: SecretKeyRef,
}

impl Receiver {
    /// `name` sending every alert to `kind`.
    pub fn new(name: impl Into<String>, kind: ReceiverKind) -> Self {
        Receiver { name: name.into(), kind, severity: None }
    }

    /// The alarm SNS topic, named `sns`: the default receiver.
    pub fn sns() -> Self {
        Receiver::new("sns", ReceiverKind::Sns)
    }

    /// E-mail, named `name`.
    pub fn email(name: impl Into<String>, email: EmailReceiver) -> Self {
        Receiver::new(name, ReceiverKind::Email(email))
    }

    /// A webhook, named `name`.
    pub fn webhook(name: impl Into<String>, webhook: WebhookReceiver) -> Self {
        Receiver::new(name, ReceiverKind::Webhook(webhook))
    }

    /// Slack, named `name`.
    pub fn slack(name: impl Into<String>, slack: SlackReceiver) -> Self {
        Receiver::new(name, ReceiverKind::Slack(slack))
    }

    /// PagerDuty, named `name`, with the routing key in `routing_key`.
    pub fn pagerduty(name: impl Into<String>, routing_key: SecretKeyRef) -> Self {
        Receiver::new(name, ReceiverKind::PagerDuty(PagerDutyReceiver { routing_key }))
    }

    /// Only alerts of `severity` (sets [`severity`](Self::severity)).
    #[must_use]
    pub fn only(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// The Secret keys this receiver reads.
    pub(crate) fn secrets(&self) -> Vec<&SecretKeyRef> {
        match &self.kind {
            ReceiverKind::Sns => Vec::new(),
            ReceiverKind::Email(e) => e.auth_password.iter().collect(),
            ReceiverKind::Webhook(w) => w.bearer_token.iter().collect(),
            ReceiverKind::Slack(s) => vec![&s.webhook_url],
            ReceiverKind::PagerDuty(p) => vec![&p.routing_key],
        }
    }

    /// The TCP port it connects to outside the cluster (after DNS): 443, a webhook's own port,
    /// or the SMTP server's. `None` when the address does not parse (a reported problem).
    pub(crate) fn egress_port(&self) -> Option<u16> {
        match &self.kind {
            ReceiverKind::Sns | ReceiverKind::Slack(_) | ReceiverKind::PagerDuty(_) => Some(443),
            ReceiverKind::Webhook(w) => https_url(&w.url).ok().map(|u| u.port),
            ReceiverKind::Email(e) => host_port(&e.smarthost).map(|(_, p)| p),
        }
    }

    /// Its entry of `receivers` in `alertmanager.yml`; `topic_arn` is a late-bound placeholder.
    pub(crate) fn config(&self, topic_arn: &str, region: &str) -> Json {
        let (field, config) = match &self.kind {
            ReceiverKind::Sns => ("sns_configs", sns(topic_arn, region)),
            ReceiverKind::Email(e) => {
                let mut c = json!({ "to": e.to, "from": e.from, "smarthost": e.smarthost, "require_tls": true, "send_resolved": true });
                if let Some(user) = &e.auth_username {
                    c["auth_username"] = json!(user);
                }
                if let Some(password) = &e.auth_password {
                    c["auth_password_file"] = json!(password.file());
                }
                ("email_configs", c)
            }
            ReceiverKind::Webhook(w) => {
                let mut c = json!({ "url": w.url, "send_resolved": true });
                if let Some(token) = &w.bearer_token {
                    c["http_config"] =
                        json!({ "authorization": { "type": "Bearer", "credentials_file": token.file() } });
                }
                ("webhook_configs", c)
            }
            ReceiverKind::Slack(s) => {
                let mut c = json!({ "api_url_file": s.webhook_url.file(), "send_resolved": true });
                if let Some(channel) = &s.channel {
                    c["channel"] = json!(channel);
                }
                ("slack_configs", c)
            }
            // The alert's severity label is PagerDuty's severity (critical and warning are two of
            // its four values); an alert without one gets PagerDuty's default, error.
            ReceiverKind::PagerDuty(p) => (
                "pagerduty_configs",
                json!({
                    "routing_key_file": p.routing_key.file(),
                    "severity": "{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}",
                    "send_resolved": true,
                }),
            ),
        };
        json!({ "name": self.name, field: [config] })
    }
}

fn sns(topic_arn: &str, region: &str) -> Json {
    json!({
        "topic_arn": topic_arn,
        "sigv4": { "region": region },
        "subject": "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})",
        "message": "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\nlabels: {{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}\n\n{{ end }}",
        "send_resolved": true,
    })
}

/// The route tree: every alert grouped by name and namespace, critical ones repeated hourly,
/// warnings every four hours. One receiver of every alert gets them all (the layout before
/// receivers could be chosen); several each get theirs through a child route that lets the
/// next ones match too (`continue`), and the first is the fallback for an alert none takes.
pub(crate) fn route(receivers: &[Receiver]) -> Json {
    let first = receivers.first().map_or("", |r| r.name.as_str());
    let critical = |receiver: &str| json!({ "receiver": receiver, "matchers": ["severity=\"critical\""], "repeat_interval": "1h" });
    let routes: Vec<Json> = match receivers {
        [only] if only.severity.is_none() => vec![critical(&only.name)],
        _ => receivers
            .iter()
            .map(|r| match r.severity {
                None => json!({ "receiver": r.name, "continue": true, "routes": [critical(&r.name)] }),
                Some(Severity::Critical) => {
                    let mut route = critical(&r.name);
                    route["continue"] = json!(true);
                    route
                }
                Some(s @ Severity::Warning) => json!({
                    "receiver": r.name,
                    "matchers": [format!("severity=\"{}\"", s.label())],
                    "continue": true,
                }),
            })
            .collect(),
    };
    json!({
        "receiver": first,
        "group_by": ["alertname", "namespace"],
        "group_wait": "30s",
        "group_interval": "5m",
        "repeat_interval": "4h",
        "routes": routes,
    })
}

/// The distinct ports Alertmanager connects to outside the cluster, in order.
pub(crate) fn egress_ports(receivers: &[Receiver]) -> Vec<i32> {
    let ports: BTreeSet<u16> = receivers.iter().filter_map(Receiver::egress_port).collect();
    ports.into_iter().map(i32::from).collect()
}

/// An `https://` URL's parts that the checks and the NetworkPolicy need.
pub(crate) struct HttpsUrl<'a> {
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) has_userinfo: bool,
    pub(crate) has_query: bool,
}

/// `url` when it is `https://host[:port][/path][?query]`; otherwise what is wrong with it.
pub(crate) fn https_url(url: &str) -> Result<HttpsUrl<'_>, &'static str> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Err("is not an https:// URL");
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (has_userinfo, host_port) = match authority.rsplit_once('@') {
        Some((_, hp)) => (true, hp),
        None => (false, authority),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok().filter(|p| *p != 0).ok_or("has no valid port")?),
        None => (host_port, 443),
    };
    let host_ok = !host.is_empty()
        && host.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if !host_ok || url.contains(char::is_whitespace) {
        return Err("has no valid host name");
    }
    Ok(HttpsUrl { host, port, has_userinfo, has_query: tail.contains('?') })
}

/// `host:port` of an SMTP server.
pub(crate) fn host_port(s: &str) -> Option<(&str, u16)> {
    let (host, port) = s.rsplit_once(':')?;
    let port = port.parse::<u16>().ok().filter(|p| *p != 0)?;
    let ok = !host.is_empty()
        && host.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    ok.then_some((host, port))
}
