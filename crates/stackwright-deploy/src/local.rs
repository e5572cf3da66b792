//! The local-emulator switch (`--local`): trying a program on LocalStack or moto on this
//! machine, and only there.
//!
//! What it changes, and nothing else (`docs/local.md`):
//! - the AWS endpoint must be on the loopback address (`127.0.0.0/8`, `::1`, `localhost`):
//!   `AWS_ENDPOINT_URL` (or the runtime's own endpoint option), and every service-specific
//!   `AWS_ENDPOINT_URL_*` that is set. Anything else is refused before a request is sent, so the
//!   switch can never relax a check against a real account;
//! - every AWS client is built with that endpoint (a profile's own endpoint settings cannot send a
//!   call elsewhere) and with the fixed credentials `test`/`test`: real credentials are not read;
//! - the account check accepts the emulator's account (LocalStack's is `000000000000`, moto's
//!   `123456789012`) whatever account the program's environments name, and says so;
//! - termination protection is not turned on (moto lacks `UpdateTerminationProtection`, and a
//!   protected stack could not be destroyed again), and each stack that would have it says so.

use std::net::IpAddr;

use crate::error::{Error, Result};

/// The variable the AWS SDKs read the endpoint of every service from.
pub const ENDPOINT_VARIABLE: &str = "AWS_ENDPOINT_URL";

/// A checked local-emulator endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// The emulator's URL, e.g. `http://127.0.0.1:4566`; its host is a loopback address.
    pub endpoint: String,
}

impl Local {
    /// The emulator the switch points at: `endpoint` (the runtime's option) or else
    /// `AWS_ENDPOINT_URL` as `env` reads it; every `AWS_ENDPOINT_URL_*` service override that
    /// `env_vars` lists must be on the loopback address as well.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] (exit status 2) when no endpoint is given, or when one of them is not an
    /// `http(s)://` URL on the loopback address.
    pub fn new(
        endpoint: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
        env_vars: &[(String, String)],
    ) -> Result<Local> {
        let (endpoint, source) = match endpoint {
            Some(url) => (url.to_string(), "the endpoint option"),
            None => match env(ENDPOINT_VARIABLE).filter(|v| !v.trim().is_empty()) {
                Some(url) => (url, ENDPOINT_VARIABLE),
                None => {
                    return Err(Error::usage(format!(
                        "--local needs the emulator's endpoint, and {ENDPOINT_VARIABLE} is not set\n  \
                         hint: start an emulator on this machine (docs/local.md) and \
                         export {ENDPOINT_VARIABLE}=http://127.0.0.1:4566 (LocalStack) or http://127.0.0.1:5000 (moto)"
                    )));
                }
            },
        };
        let mut problems = Vec::new();
        if let Err(why) = check_loopback(&endpoint) {
            problems.push(format!("{source} is {endpoint}: {why}"));
        }
        for (name, value) in env_vars {
            if name.starts_with("AWS_ENDPOINT_URL_")
                && let Err(why) = check_loopback(value)
            {
                problems.push(format!("{name} is {value}: {why}"));
            }
        }
        if !problems.is_empty() {
            return Err(Error::usage(format!(
                "--local talks only to an emulator on this machine, but {}\n  \
                 hint: point {ENDPOINT_VARIABLE} at the emulator (http://127.0.0.1:PORT or http://localhost:PORT) \
                 and unset other endpoints; without --local, nothing is relaxed",
                problems.join("; ")
            )));
        }
        Ok(Local { endpoint })
    }

    /// What the switch changes, printed once when a run starts.
    #[must_use]
    pub fn banner(&self) -> String {
        format!(
            "local emulator at {}: credentials test/test, the emulator's account stands in for every \
             environment's account, termination protection is not turned on",
            self.endpoint
        )
    }
}

/// `Ok` when `url` is an `http://` or `https://` URL whose host is `localhost` or a loopback
/// address (`127.0.0.0/8`, `::1`); else why not.
///
/// # Errors
///
/// The reason, for a message.
pub fn check_loopback(url: &str) -> std::result::Result<(), String> {
    let uri: http::Uri = url.trim().parse().map_err(|e| format!("not a URL ({e})"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err("not an http:// or https:// URL".into()),
    }
    let authority = uri.authority().ok_or("the URL has no host")?;
    if authority.as_str().contains('@') {
        return Err("a URL with user information is not accepted".into());
    }
    let host = authority.host().trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if loopback { Ok(()) } else { Err(format!("{host} is not on the loopback address (127.0.0.0/8, ::1, localhost)")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_only() {
        for ok in [
            "http://127.0.0.1:4566",
            "http://127.1.2.3:5000/",
            "https://localhost:4566",
            "http://LOCALHOST",
            "http://[::1]:4566",
        ] {
            assert_eq!(check_loopback(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("https://cloudformation.us-east-1.amazonaws.com", "is not on the loopback"),
            ("http://10.0.0.5:4566", "10.0.0.5 is not on the loopback"),
            ("http://127.0.0.1.example.com", "is not on the loopback"),
            ("http://localhost.example.com:4566", "is not on the loopback"),
            ("http://127.0.0.1@evil.example:4566", "user information"),
            ("http://[::2]:4566", "::2 is not on the loopback"),
            ("ftp://127.0.0.1", "not an http"),
            ("127.0.0.1:4566", "not an http"),
            ("", "not a URL"),
        ] {
            let err = check_loopback(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn the_switch_needs_a_loopback_endpoint_and_loopback_overrides() {
        let none = |_: &str| None;
        let err = Local::new(None, &none, &[]).unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert!(err.to_string().contains("--local needs the emulator's endpoint"), "{err}");

        let remote = |_: &str| Some("https://sts.amazonaws.com".to_string());
        let err = Local::new(None, &remote, &[]).unwrap_err().to_string();
        assert!(
            err.contains("AWS_ENDPOINT_URL is https://sts.amazonaws.com: sts.amazonaws.com is not on the loopback"),
            "{err}"
        );

        let local = |_: &str| Some("http://127.0.0.1:4566".to_string());
        assert_eq!(Local::new(None, &local, &[]).unwrap().endpoint, "http://127.0.0.1:4566");
        assert_eq!(Local::new(Some("http://localhost:5000"), &remote, &[]).unwrap().endpoint, "http://localhost:5000");

        let overrides = [("AWS_ENDPOINT_URL_STS".to_string(), "https://sts.example.com".to_string())];
        let err = Local::new(None, &local, &overrides).unwrap_err().to_string();
        assert!(err.contains("AWS_ENDPOINT_URL_STS is https://sts.example.com"), "{err}");
    }
}
