//! AWS configuration: the standard chain (environment, profiles, SSO, `AWS_ENDPOINT_URL`),
//! one HTTP client on rustls with the ring provider, and the SDK's own retries turned off
//! (the runtime retries in [`crate::retry`], within one budget it can report on).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use tokio::sync::Mutex;

use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::retry::{CREDENTIALS_HINT, Call, RetryPolicy, retry};

/// How to reach AWS. The defaults read everything from the standard chain.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// Overrides `AWS_ENDPOINT_URL` (for a local emulator).
    pub endpoint_url: Option<String>,
    /// Fixed credentials instead of the standard chain (for tests).
    pub credentials: Option<Credentials>,
    /// Retries of every AWS call.
    pub retry: RetryPolicy,
    /// Time allowed for one attempt of one call.
    pub attempt_timeout: Duration,
    /// Talk to a local emulator ([`crate::local`]): every client uses `endpoint_url` (checked to
    /// be on the loopback address by whoever sets this) and the credentials `test`/`test`, and
    /// the account check accepts the emulator's account. Default `false`.
    pub local: bool,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            endpoint_url: None,
            credentials: None,
            retry: RetryPolicy::default(),
            attempt_timeout: Duration::from_secs(30),
            local: false,
        }
    }
}

/// The clients of one region.
#[derive(Clone, Debug)]
pub struct RegionClients {
    /// The region, e.g. `eu-west-1`.
    pub region: String,
    /// The SDK configuration the clients were built from (credentials provider, endpoint).
    pub config: SdkConfig,
    /// CloudFormation: stacks, change sets, events.
    pub cloudformation: aws_sdk_cloudformation::Client,
    /// EKS: cluster connection data when the stack outputs do not have it.
    pub eks: aws_sdk_eks::Client,
    /// STS: the account of the credentials.
    pub sts: aws_sdk_sts::Client,
}

impl RegionClients {
    /// The endpoint calls to `service` (the hostname's prefix: `cloudformation`, `sts`, `eks`)
    /// go to: the configured one (`AWS_ENDPOINT_URL`, an emulator), else the region's.
    #[must_use]
    pub fn endpoint(&self, service: &str) -> String {
        match self.config.endpoint_url() {
            Some(url) => url.to_string(),
            None => format!("https://{service}.{}.amazonaws.com", self.region),
        }
    }
}

/// Lazily built clients per region, shared by every task of a run.
#[derive(Debug)]
pub struct Aws {
    /// How the clients reach AWS.
    pub options: AwsOptions,
    regions: Mutex<HashMap<String, Arc<RegionClients>>>,
    accounts: Mutex<HashMap<String, String>>,
}

/// Installs ring as rustls' process-wide crypto provider, once. The SDK and kube are both
/// built on ring here; installing it explicitly also keeps a program that links another
/// provider (aws-lc-rs through some other dependency) from panicking in rustls.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Aws {
    /// Clients built on first use with `options`; installs the crypto provider.
    #[must_use]
    pub fn new(options: AwsOptions) -> Self {
        install_crypto_provider();
        Aws { options, regions: Mutex::new(HashMap::new()), accounts: Mutex::new(HashMap::new()) }
    }

    /// The clients for `region`.
    pub async fn region(&self, region: &str) -> Arc<RegionClients> {
        let mut regions = self.regions.lock().await;
        if let Some(c) = regions.get(region) {
            return c.clone();
        }
        let config = self.sdk_config(region).await;
        // Locally, the endpoint is set on each client too: a client's own setting wins over a
        // profile's or a variable's service-specific endpoint, so no call can go elsewhere.
        let local: Option<String> = self.options.endpoint_url.clone().filter(|_| self.options.local);
        let mut cloudformation = aws_sdk_cloudformation::config::Builder::from(&config);
        let mut eks = aws_sdk_eks::config::Builder::from(&config);
        let mut sts = aws_sdk_sts::config::Builder::from(&config);
        if let Some(url) = local {
            cloudformation.set_endpoint_url(Some(url.clone()));
            eks.set_endpoint_url(Some(url.clone()));
            sts.set_endpoint_url(Some(url));
        }
        let clients = Arc::new(RegionClients {
            region: region.to_string(),
            cloudformation: aws_sdk_cloudformation::Client::from_conf(cloudformation.build()),
            eks: aws_sdk_eks::Client::from_conf(eks.build()),
            sts: aws_sdk_sts::Client::from_conf(sts.build()),
            config,
        });
        regions.insert(region.to_string(), clients.clone());
        clients
    }

    async fn sdk_config(&self, region: &str) -> SdkConfig {
        let http =
            aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring)).build_https();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .http_client(http)
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(10))
                    .operation_attempt_timeout(self.options.attempt_timeout)
                    .build(),
            );
        if let Some(url) = &self.options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(creds) = &self.options.credentials {
            loader = loader.credentials_provider(creds.clone());
        } else if self.options.local {
            // Real credentials never go to an emulator (which accepts any).
            loader = loader.credentials_provider(Credentials::new("test", "test", None, None, "stackwright --local"));
        }
        loader.load().await
    }

    /// The account the credentials belong to (STS `GetCallerIdentity`, once per region); retries
    /// are shown on `progress`.
    ///
    /// # Errors
    ///
    /// [`Error::Aws`] or [`Error::RetriesExhausted`] when STS cannot be asked (usually missing or
    /// expired credentials, or an endpoint that cannot be reached; the message says which, and
    /// where to look).
    pub async fn account(&self, region: &str, progress: &Progress) -> Result<String> {
        if let Some(a) = self.accounts.lock().await.get(region) {
            return Ok(a.clone());
        }
        let clients = self.region(region).await;
        let endpoint = clients.endpoint("sts");
        let call = Call { service: "STS", operation: "GetCallerIdentity", endpoint: &endpoint };
        let report = |r: &crate::retry::Retrying| progress.line(format!("account check ({region}): {r}"));
        let identity = retry(&self.options.retry, &call, &report, || clients.sts.get_caller_identity().send())
            .await
            .map_err(|e| match e {
                // Whatever STS refuses, the credentials are what to look at.
                Error::Aws { service, operation, message } if !message.contains("\n  hint: ") => {
                    Error::Aws { service, operation, message: format!("{message}\n  hint: {CREDENTIALS_HINT}") }
                }
                other => other,
            })?;
        let account = identity.account().unwrap_or_default().to_string();
        self.accounts.lock().await.insert(region.to_string(), account.clone());
        Ok(account)
    }

    /// Checks that the credentials are for `expected` before anything is changed there; retries
    /// are shown on `progress`.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when the credentials are for another account; the errors of
    /// [`Aws::account`] when it cannot be found out.
    pub async fn check_account(
        &self,
        environment: &str,
        region: &str,
        expected: &str,
        progress: &Progress,
    ) -> Result<()> {
        let actual = self.account(region, progress).await?;
        if actual != expected {
            return Err(Error::usage(format!(
                "environment '{environment}' is account {expected}, but the AWS credentials are for account {actual}\n  \
                 hint: select the right profile (AWS_PROFILE) or credentials for {expected}"
            )));
        }
        Ok(())
    }

    /// The local switch's stand-in for [`Aws::check_account`]: the emulator's account (asked
    /// of STS, read-only) is accepted whatever `expected` is; returns the line that says so.
    ///
    /// # Errors
    ///
    /// The errors of [`Aws::account`] (the emulator is not running, or has no STS).
    pub async fn emulator_account(
        &self,
        environment: &str,
        region: &str,
        expected: &str,
        progress: &Progress,
    ) -> Result<String> {
        let actual = self.account(region, progress).await?;
        let endpoint = self.options.endpoint_url.as_deref().unwrap_or("the emulator");
        Ok(if actual == expected {
            format!("--local: environment '{environment}' is account {expected}, the account of {endpoint}")
        } else {
            format!(
                "--local: environment '{environment}' names account {expected}; deploying to the account of \
                 {endpoint}, {actual}, instead (the account check is replaced by the emulator's account)"
            )
        })
    }

    /// The credentials of the standard chain (or the fixed ones), for presigning.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when no credentials provider is configured, [`Error::Aws`] when the
    /// provider fails (no credentials, an expired SSO session).
    pub async fn credentials(&self, region: &str) -> Result<Credentials> {
        let clients = self.region(region).await;
        let provider = clients.config.credentials_provider().ok_or_else(|| {
            Error::usage(format!("no AWS credentials provider is configured\n  hint: {CREDENTIALS_HINT}"))
        })?;
        provider.provide_credentials().await.map_err(|e| Error::Aws {
            service: "credentials",
            operation: "load",
            message: format!(
                "the AWS credentials for signing EKS tokens cannot be loaded: {e}\n  hint: {CREDENTIALS_HINT}"
            ),
        })
    }
}
