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

/// A call to an AWS service, as retry notices and errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call<'a> {
    /// The service, e.g. `CloudFormation`.
    pub service: &'static str,
    /// The operation, e.g. `DescribeStacks`.
    pub operation: &'static str,
    /// Where the call goes: the regional endpoint, or `AWS_ENDPOINT_URL` (an emulator).
    pub endpoint: &'a str,
}

/// A retry about to happen: what is retried, attempt n of m, and the wait before the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retrying {
    /// The service, e.g. `CloudFormation`.
    pub service: &'static str,
    /// The operation, e.g. `DescribeStacks`.
    pub operation: &'static str,
    /// The attempt that failed (1-based).
    pub attempt: u32,
    /// Attempts in all, at most.
    pub max_attempts: u32,
    /// The wait before the next attempt.
    pub wait: Duration,
    /// Why the attempt failed.
    pub error: String,
}

impl std::fmt::Display for Retrying {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: attempt {} of {} failed ({}); retrying in {:.1} s",
            self.service,
            self.operation,
            self.attempt,
            self.max_attempts,
            self.error,
            self.wait.as_secs_f64()
        )
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

/// Error codes of credentials that are missing, wrong or expired.
const CREDENTIAL_CODES: &[&str] = &[
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidAccessKeyId",
    "MissingAuthenticationToken",
];

/// Error codes of an identity that may not make the call.
const DENIED_CODES: &[&str] = &["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"];

/// What to do about credentials that are missing, wrong or expired.
pub(crate) const CREDENTIALS_HINT: &str =
    "check the AWS credentials (AWS_PROFILE, `aws sso login`, AWS_ACCESS_KEY_ID), then run again";

/// Classifies an SDK error of a call to `endpoint`.
pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>, endpoint: &str) -> Classified
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::TimeoutError(_) => Classified::Transient(format!("no answer from {endpoint} in time")),
        SdkError::DispatchFailure(e) => {
            let detail = error_chain(err);
            // Missing or broken credentials, a bad endpoint URL: retrying cannot help.
            if credentials_missing(&detail) {
                Classified::Permanent(format!("no usable AWS credentials: {detail}"))
            } else if e.is_user() {
                Classified::Permanent(format!("the request to {endpoint} could not be sent: {detail}"))
            } else {
                Classified::Transient(format!("cannot connect to {endpoint}: {detail}"))
            }
        }
        SdkError::ResponseError(e) => Classified::Transient(format!(
            "the response of {endpoint} could not be read (HTTP {}): {}",
            e.raw().status().as_u16(),
            error_chain(err)
        )),
        SdkError::ServiceError(e) => {
            let status = e.raw().status().as_u16();
            let code = e.err().code().unwrap_or("");
            let message = e.err().message().unwrap_or("");
            let text = if code.is_empty() && message.is_empty() {
                format!("HTTP {status} from {endpoint}")
            } else {
                format!("{code}: {message}")
            };
            if TRANSIENT_CODES.contains(&code) || matches!(status, 429 | 500 | 502 | 503 | 504) {
                Classified::Transient(text)
            } else {
                Classified::Permanent(text)
            }
        }
        _ => Classified::Permanent(error_chain(err)),
    }
}

fn credentials_missing(detail: &str) -> bool {
    detail.contains("credentials") || detail.contains("Credentials")
}

/// What to do next about an error that ended a call (`None` when the message says it all).
fn hint<E>(err: &SdkError<E, HttpResponse>, call: &Call<'_>, exhausted: bool) -> Option<String>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let reach = || {
        format!(
            "check that {} is the endpoint you mean (AWS_ENDPOINT_URL, the environment's region) and that it can be \
             reached from here, then run again",
            call.endpoint
        )
    };
    match err {
        SdkError::DispatchFailure(_) if credentials_missing(&error_chain(err)) => Some(CREDENTIALS_HINT.into()),
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => Some(reach()),
        SdkError::ServiceError(e) => {
            let code = e.err().code().unwrap_or("");
            if CREDENTIAL_CODES.contains(&code) {
                Some(CREDENTIALS_HINT.into())
            } else if DENIED_CODES.contains(&code) {
                Some(format!(
                    "the identity may not call {} {}: grant it (docs/ci-cd.md lists what a deploy role needs), or \
                     use credentials that may",
                    call.service, call.operation
                ))
            } else if exhausted {
                Some(
                    "the service kept throttling or failing: wait a little and run the same command again (it \
                      converges)"
                        .into(),
                )
            } else {
                None
            }
        }
        _ => None,
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

fn with_hint(text: String, hint: Option<String>) -> String {
    match hint {
        Some(h) => format!("{text}\n  hint: {h}"),
        None => text,
    }
}

/// Runs `f` until it succeeds, fails permanently or the policy's budget is spent, telling
/// `report` about every retry before its wait (what is retried, attempt n of m, the wait).
///
/// # Errors
///
/// [`Error::Aws`] for an error retrying cannot fix (the service's code and message, the
/// endpoint when it could not be reached, and what to do next where that is known);
/// [`Error::RetriesExhausted`] when transient errors outlast the policy.
pub async fn retry<T, E, F, Fut>(
    policy: &RetryPolicy,
    call: &Call<'_>,
    report: &(dyn Fn(&Retrying) + Sync),
    mut f: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let Call { service, operation, .. } = *call;
    let start = Instant::now();
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let err = match f().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        match classify(&err, call.endpoint) {
            Classified::Permanent(message) => {
                let message = with_hint(message, hint(&err, call, false));
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
                        last: with_hint(last, hint(&err, call, true)),
                    });
                }
                report(&Retrying {
                    service,
                    operation,
                    attempt,
                    max_attempts: policy.max_attempts,
                    wait: delay,
                    error: last,
                });
                tokio::time::sleep(delay).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_says_what_is_retried_attempt_n_of_m_and_the_wait() {
        let r = Retrying {
            service: "CloudFormation",
            operation: "DescribeStacks",
            attempt: 2,
            max_attempts: 8,
            wait: Duration::from_millis(1300),
            error: "Throttling: Rate exceeded".into(),
        };
        assert_eq!(
            r.to_string(),
            "CloudFormation DescribeStacks: attempt 2 of 8 failed (Throttling: Rate exceeded); retrying in 1.3 s"
        );
    }

    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;
    use std::sync::Mutex;

    type Sdk = SdkError<GetCallerIdentityError, HttpResponse>;

    fn service_error(status: u16, code: &str, message: &str) -> Sdk {
        let err = GetCallerIdentityError::generic(ErrorMetadata::builder().code(code).message(message).build());
        let raw = Response::new(StatusCode::try_from(status).unwrap(), SdkBody::empty());
        SdkError::service_error(err, raw)
    }

    fn refused() -> Sdk {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused (os error 111)");
        SdkError::dispatch_failure(ConnectorError::io(Box::new(io)))
    }

    const CALL: Call<'static> = Call { service: "STS", operation: "GetCallerIdentity", endpoint: "http://127.0.0.1:9" };

    fn quick(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            budget: Duration::from_secs(10),
        }
    }

    /// Runs `retry` over the errors of `errors` (then success), returning its result and the
    /// retry notices.
    async fn run(policy: RetryPolicy, errors: Vec<Sdk>) -> (Result<u32>, Vec<String>) {
        let notices = Mutex::new(Vec::new());
        let errors = Mutex::new(errors.into_iter());
        let result = retry(&policy, &CALL, &|r| notices.lock().unwrap().push(r.to_string()), || {
            let next = errors.lock().unwrap().next();
            async move { next.map_or(Ok(7), Err) }
        })
        .await;
        (result, notices.into_inner().unwrap())
    }

    #[tokio::test]
    async fn retries_are_reported_attempt_n_of_m_and_succeed() {
        let (result, notices) = run(quick(4), vec![service_error(400, "Throttling", "Rate exceeded"), refused()]).await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(notices.len(), 2, "{notices:?}");
        assert!(
            notices[0].starts_with(
                "STS GetCallerIdentity: attempt 1 of 4 failed (Throttling: Rate exceeded); retrying in 0.0"
            ),
            "{notices:?}"
        );
        assert!(notices[1].contains("attempt 2 of 4 failed (cannot connect to http://127.0.0.1:9:"), "{notices:?}");
    }

    #[tokio::test]
    async fn a_connection_error_names_the_endpoint_and_what_to_check() {
        let (result, notices) = run(quick(3), vec![refused(), refused(), refused()]).await;
        let err = result.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::RetriesExhausted { attempts: 3, .. }), "{text}");
        assert!(text.contains("STS GetCallerIdentity: gave up after 3 attempts"), "{text}");
        assert!(text.contains("last error: cannot connect to http://127.0.0.1:9: "), "{text}");
        assert!(text.contains("Connection refused"), "{text}");
        assert!(
            text.contains("\n  hint: check that http://127.0.0.1:9 is the endpoint you mean (AWS_ENDPOINT_URL"),
            "{text}"
        );
        assert_eq!(notices.len(), 2, "no notice after the last attempt: {notices:?}");
    }

    #[tokio::test]
    async fn permanent_errors_fail_at_once_with_what_to_do() {
        let (result, notices) = run(quick(5), vec![service_error(403, "InvalidClientTokenId", "bad token")]).await;
        let text = result.unwrap_err().to_string();
        assert!(notices.is_empty());
        assert_eq!(
            text,
            "STS GetCallerIdentity failed: InvalidClientTokenId: bad token\n  hint: check the AWS credentials \
             (AWS_PROFILE, `aws sso login`, AWS_ACCESS_KEY_ID), then run again"
        );
        let (result, _) = run(quick(5), vec![service_error(403, "AccessDenied", "no")]).await;
        let text = result.unwrap_err().to_string();
        assert!(text.contains("hint: the identity may not call STS GetCallerIdentity: grant it"), "{text}");
        let (result, _) =
            run(quick(2), (0..2).map(|_| service_error(503, "ServiceUnavailable", "later")).collect()).await;
        let text = result.unwrap_err().to_string();
        assert!(text.contains("hint: the service kept throttling or failing: wait a little and run"), "{text}");
        let (result, _) = run(quick(2), vec![service_error(400, "ValidationError", "Template format error")]).await;
        assert_eq!(
            result.unwrap_err().to_string(),
            "STS GetCallerIdentity failed: ValidationError: Template format error"
        );
    }

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
