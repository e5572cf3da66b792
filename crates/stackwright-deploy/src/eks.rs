//! EKS authentication and cluster connection data.
//!
//! The token is the one `aws eks get-token` and aws-iam-authenticator produce: a presigned
//! STS `GetCallerIdentity` URL (SigV4 in the query string, valid 60 s, the header
//! `x-k8s-aws-id: <cluster name>` signed), base64url-encoded without padding and prefixed with
//! `k8s-aws-v1.`. EKS accepts it for about 15 minutes; [`crate::kubernetes`] makes a new
//! client (cheap) per cluster operation. No kubeconfig file and no `aws` CLI are needed.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign};
use aws_sigv4::sign::v4;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::aws::RegionClients;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::retry::{Call, RetryPolicy, Retrying, retry};

/// The token prefix EKS expects.
pub const TOKEN_PREFIX: &str = "k8s-aws-v1.";

/// The EKS bearer token for `cluster_name`, signed with `credentials` at `time`.
///
/// # Errors
///
/// [`Error::Aws`] when the request cannot be signed.
pub fn token(credentials: &Credentials, region: &str, cluster_name: &str, time: SystemTime) -> Result<String> {
    let url = presigned_url(credentials, region, cluster_name, time)?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(url.as_bytes())))
}

/// The presigned STS URL inside the token.
///
/// # Errors
///
/// [`Error::Aws`] when the request cannot be signed.
pub fn presigned_url(credentials: &Credentials, region: &str, cluster_name: &str, time: SystemTime) -> Result<String> {
    let fail = |problem: String| Error::Aws {
        service: "STS",
        operation: "presign GetCallerIdentity",
        message: format!(
            "cannot sign the EKS token of cluster {cluster_name} in {region}: {problem}\n  hint: {}",
            crate::retry::CREDENTIALS_HINT
        ),
    };
    let url = format!("https://sts.{region}.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15");
    let identity = credentials.clone().into();
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(60));
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| fail(e.to_string()))?
        .into();
    let host = format!("sts.{region}.amazonaws.com");
    let headers = [("host", host.as_str()), ("x-k8s-aws-id", cluster_name)];
    let signable = SignableRequest::new("GET", &url, headers.into_iter(), SignableBody::Bytes(&[]))
        .map_err(|e| fail(e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| fail(e.to_string()))?.into_parts();
    // The signature goes last, after the security token, as botocore and the AWS CLI write it
    // (aws-sigv4 would append the token after the signature: equally valid, but not
    // byte-identical to the reference).
    let (_headers, mut query) = instructions.into_parts();
    query.sort_by_key(|(name, _)| *name == "X-Amz-Signature");
    let mut url = url;
    for (name, value) in query {
        url.push('&');
        url.push_str(name);
        url.push('=');
        url.push_str(&uri_encode(&value));
    }
    Ok(url)
}

/// Percent-encodes everything but the unreserved characters (RFC 3986), as SigV4 does.
pub(crate) fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How to reach a cluster's API server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterAccess {
    /// The EKS cluster name (signed into the token).
    pub name: String,
    /// The cluster's region.
    pub region: String,
    /// `https://…` (or `http://127.0.0.1:…` for a local test server).
    pub endpoint: String,
    /// The CA bundle as EKS gives it: base64 of PEM. Empty: use the system roots.
    pub certificate_authority: String,
}

impl ClusterAccess {
    /// The CA certificates in DER, decoded from EKS's base64-of-PEM (plain PEM is accepted too).
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`] when the data is neither, or holds no certificate.
    pub fn ca_der(&self) -> Result<Vec<Vec<u8>>> {
        let raw = self.certificate_authority.trim();
        if raw.is_empty() {
            return Ok(Vec::new());
        }
        let pem = if raw.starts_with("-----BEGIN") {
            raw.as_bytes().to_vec()
        } else {
            STANDARD
                .decode(raw.split_whitespace().collect::<String>())
                .map_err(|e| self.bad_ca(format!("not base64: {e}")))?
        };
        let pem = String::from_utf8(pem).map_err(|_| self.bad_ca("not PEM text".into()))?;
        let mut certs = Vec::new();
        let mut body: Option<String> = None;
        for line in pem.lines().map(str::trim) {
            if line.starts_with("-----BEGIN CERTIFICATE") {
                body = Some(String::new());
            } else if line.starts_with("-----END CERTIFICATE") {
                let b = body.take().unwrap_or_default();
                certs.push(STANDARD.decode(b).map_err(|e| self.bad_ca(format!("bad certificate body: {e}")))?);
            } else if let Some(b) = body.as_mut() {
                b.push_str(line);
            }
        }
        if certs.is_empty() {
            return Err(self.bad_ca("no PEM certificate in it".into()));
        }
        Ok(certs)
    }

    fn bad_ca(&self, problem: String) -> Error {
        Error::kube(
            &self.name,
            format!(
                "the cluster's certificate authority data is unusable: {problem}\n  hint: the cluster stack's \
                 certificate-authority output (or `DescribeCluster`) should hold EKS's base64 of PEM; deploy the \
                 cluster stack again"
            ),
        )
    }

    /// Connection data from the EKS API (`DescribeCluster`) of the clients' region, for when the
    /// stack outputs are not available; retries are shown on `progress`.
    ///
    /// # Errors
    ///
    /// The errors of `DescribeCluster`; [`Error::Kubernetes`] when the cluster is not `ACTIVE`.
    pub async fn describe(
        clients: &RegionClients,
        policy: &RetryPolicy,
        progress: &Progress,
        name: &str,
    ) -> Result<ClusterAccess> {
        let (eks, region) = (&clients.eks, clients.region.as_str());
        let endpoint = clients.endpoint("eks");
        let call = Call { service: "EKS", operation: "DescribeCluster", endpoint: &endpoint };
        let report = |r: &Retrying| progress.line(format!("cluster {name}: {r}"));
        let out = retry(policy, &call, &report, || eks.describe_cluster().name(name).send()).await?;
        let cluster = out.cluster().ok_or_else(|| Error::Aws {
            service: "EKS",
            operation: "DescribeCluster",
            message: format!(
                "{endpoint} answered without data for cluster '{name}' in {region}\n  \
                 hint: check that the cluster exists there (its stack deployed), then run again"
            ),
        })?;
        let status = cluster.status().map(|s| s.as_str().to_string()).unwrap_or_default();
        if status != "ACTIVE" {
            return Err(Error::kube(
                name,
                format!(
                    "the cluster is {status}, not ACTIVE, so its objects cannot be applied\n  \
                     hint: wait until it is ACTIVE (`aws eks describe-cluster --name {name} --region {region}`), \
                     then run again"
                ),
            ));
        }
        Ok(ClusterAccess {
            name: name.to_string(),
            region: region.to_string(),
            endpoint: cluster.endpoint().unwrap_or_default().to_string(),
            certificate_authority: cluster
                .certificate_authority()
                .and_then(|c| c.data())
                .unwrap_or_default()
                .to_string(),
        })
    }

    /// A Kubernetes client authenticated with `token`.
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`] for a bad endpoint or CA data, or when the client cannot be built.
    pub fn client(&self, token: &str) -> Result<kube::Client> {
        let uri: http::Uri = self.endpoint.parse().map_err(|e| {
            Error::kube(
                &self.name,
                format!(
                    "bad API server endpoint '{}': {e}\n  hint: the cluster stack's endpoint output should be \
                         an https URL; deploy the cluster stack again",
                    self.endpoint
                ),
            )
        })?;
        let mut config = kube::Config::new(uri);
        let roots = self.ca_der()?;
        if !roots.is_empty() {
            config.root_cert = Some(roots);
        }
        config.auth_info.token = Some(secrecy::SecretString::from(token.to_string()));
        config.read_timeout = Some(Duration::from_secs(60));
        config.connect_timeout = Some(Duration::from_secs(10));
        crate::aws::install_crypto_provider();
        kube::Client::try_from(config).map_err(|e| {
            Error::kube(&self.name, format!("cannot build a client for the API server at {}: {e}", self.endpoint))
        })
    }
}

/// The Kubernetes version (`1.36`) of the cluster `name` in the clients' region, `None` when EKS
/// has no such cluster (`DescribeCluster`, read-only; retries shown on `progress`).
///
/// # Errors
///
/// The errors of `DescribeCluster` other than "not found".
pub async fn cluster_version(
    clients: &RegionClients,
    policy: &RetryPolicy,
    progress: &Progress,
    name: &str,
) -> Result<Option<String>> {
    let endpoint = clients.endpoint("eks");
    let call = Call { service: "EKS", operation: "DescribeCluster", endpoint: &endpoint };
    let report = |r: &Retrying| progress.line(format!("cluster {name}: {r}"));
    match retry(policy, &call, &report, || clients.eks.describe_cluster().name(name).send()).await {
        Ok(out) => Ok(out.cluster().and_then(|c| c.version()).map(String::from)),
        Err(Error::Aws { message, .. }) if message.contains("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_data_is_decoded_from_base64_pem() {
        let der = b"\x30\x03\x02\x01\x01";
        let pem = format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", STANDARD.encode(der));
        let access = ClusterAccess {
            name: "c".into(),
            region: "us-east-1".into(),
            endpoint: "https://example".into(),
            certificate_authority: STANDARD.encode(pem.as_bytes()),
        };
        assert_eq!(access.ca_der().unwrap(), vec![der.to_vec()]);
        let plain = ClusterAccess { certificate_authority: pem, ..access.clone() };
        assert_eq!(plain.ca_der().unwrap(), vec![der.to_vec()]);
        // moto's CA data is random text: a clear error, not a panic.
        let random = ClusterAccess { certificate_authority: "abc!def".into(), ..access.clone() };
        let err = random.ca_der().unwrap_err().to_string();
        assert!(err.contains("certificate authority data is unusable"), "{err}");
        assert!(err.contains("hint: the cluster stack's certificate-authority output"), "{err}");
        // An endpoint that is no URL names itself and what to do.
        let bad = ClusterAccess { endpoint: "not a url".into(), certificate_authority: String::new(), ..access };
        let Err(err) = bad.client("token") else { panic!("a client for no URL") };
        let err = err.to_string();
        assert!(err.contains("kubernetes (c): bad API server endpoint 'not a url'"), "{err}");
        assert!(err.contains("hint: the cluster stack's endpoint output should be an https URL"), "{err}");
    }
}
