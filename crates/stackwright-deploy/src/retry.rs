//! Retries with exponential backoff and full jitter, within a budget of attempts and time.
//!
//! The SDK's own retries are turned off (see [`crate::aws`]) so that this module is the one
//! place that decides: throttling, 5xx answers, timeouts and dropped connections are retried;
//! everything else fails at once with the service's message.

use std::future::Future;
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::error::{Error, Result};

/// How hard to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. Default 8.
    pub max_attempts: u32,
    /// The backoff ceiling of the first retry; doubled each retry up to `max_delay`.
    /// Default 500 ms.
    pub initial_delay: Duration,
    /// The longest backoff ceiling. Default 20 s.
    pub max_delay: Duration,
    /// No retry starts after this much time since the first attempt. Default 2 minutes.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            budget: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (1-based): uniformly random in
    /// `[0, min(max_delay, initial_delay * 2^(retry-1))]` ("full jitter").
    #[must_use]
    pub fn delay(&self, retry: u32) -> Duration {
        let ceiling = self.initial_delay.saturating_mul(1u32 << (retry.saturating_sub(1)).min(20)).min(self.max_delay);
        let millis = ceiling.as_millis() as u64;
        Duration::from_millis(if millis == 0 { 0 } else { fastrand::u64(0..=millis) })
    }
}

/// Whether an error is worth another attempt, and how to describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Classified {
    Transient(String),
    Permanent(String),
}

/// Error codes AWS services use for throttling and transient trouble.
const TRANSIENT_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalFailure",
    "InternalError",
    "InternalServerError",
    "RequestTimeout",
    "RequestTimeoutException",
];

/// Classifies an SDK error.
pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>) -> Classified
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::TimeoutError(_) => Classified::Transient("the request timed out".into()),
        SdkError::DispatchFailure(e) => {
            let detail = error_chain(err);
            // Missing or broken credentials, a bad endpoint URL: retrying cannot help.
            let credentials = detail.contains("credentials") || detail.contains("Credentials");
            if e.is_user() || credentials {
                Classified::Permanent(format!("the request could not be sent: {detail}"))
            } else {
                Classified::Transient(format!("the request could not be sent: {detail}"))
            }
        }
        SdkError::ResponseError(e) => Classified::Transient(format!(
            "the response could not be read (HTTP {}): {}",
            e.raw().status().as_u16(),
            error_chain(err)
        )),
        SdkError::ServiceError(e) => {
            let status = e.raw().status().as_u16();
            let code = e.err().code().unwrap_or("");
            let message = e.err().message().unwrap_or("");
            let text = if code.is_empty() && message.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("{code}: {message}")
            };
            if TRANSIENT_CODES.contains(&code) || matches!(status, 429 | 500 | 502 | 503 | 504) {
                Classified::Transient(text)
            } else {
                Classified::Permanent(text)
            }
        }
        SdkError::ConstructionFailure(_) => Classified::Permanent(error_chain(err)),
        _ => Classified::Permanent(error_chain(err)),
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        source = e.source();
    }
    s
}

/// Runs `call` until it succeeds, fails permanently or the policy's budget is spent.
///
/// # Errors
///
/// [`Error::Aws`] for an error retrying cannot fix (the service's code and message);
/// [`Error::RetriesExhausted`] when transient errors outlast the policy.
pub async fn retry<T, E, F, Fut>(
    policy: &RetryPolicy,
    service: &'static str,
    operation: &'static str,
    mut call: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let start = Instant::now();
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let err = match call().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        match classify(&err) {
            Classified::Permanent(message) => {
                return Err(Error::Aws { service, operation, message });
            }
            Classified::Transient(last) => {
                let delay = policy.delay(attempt);
                if attempt >= policy.max_attempts || start.elapsed() + delay > policy.budget {
                    return Err(Error::RetriesExhausted {
                        service,
                        operation,
                        attempts: attempt,
                        elapsed: start.elapsed(),
                        last,
                    });
                }
                tokio::time::sleep(delay).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_under_the_ceiling() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            budget: Duration::from_secs(60),
        };
        for _ in 0..200 {
            assert!(p.delay(1) <= Duration::from_millis(100));
            assert!(p.delay(3) <= Duration::from_millis(400));
            assert!(p.delay(30) <= Duration::from_millis(1000));
        }
        // Full jitter: not always the ceiling.
        let distinct: std::collections::HashSet<_> = (0..50).map(|_| p.delay(4)).collect();
        assert!(distinct.len() > 5);
    }
}
