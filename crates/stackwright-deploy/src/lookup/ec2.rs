//! The three EC2 calls a VPC lookup needs (`DescribeVpcs`, `DescribeSubnets`,
//! `DescribeRouteTables`), signed with `aws-sigv4` and sent over the SDK's own HTTP connector:
//! `aws-sdk-ec2` would add minutes of CPU to the runtime's cold build for three read calls
//! (figures in docs/runtime.md). The answers are read from the EC2 query API's XML.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_types::body::SdkBody;

use super::xml::{self, Element};
use crate::eks::uri_encode;
use crate::error::{Error, Result};

/// The EC2 API version every call names.
const VERSION: &str = "2016-11-15";

/// Signed EC2 query calls to one endpoint of one region.
pub(crate) struct Ec2 {
    connector: Connector,
    endpoint: String,
    region: String,
    credentials: Credentials,
    timeout: Duration,
}

impl Ec2 {
    /// Calls to `endpoint` (the region's, or an emulator's) in `region`, signed with
    /// `credentials`; each call may take `timeout`.
    pub(crate) fn new(endpoint: String, region: String, credentials: Credentials, timeout: Duration) -> Ec2 {
        let settings =
            HttpConnectorSettings::builder().connect_timeout(Duration::from_secs(10)).read_timeout(timeout).build();
        let connector =
            Connector::builder().connector_settings(settings).tls_provider(Provider::Rustls(CryptoMode::Ring)).build();
        Ec2 { connector, endpoint: endpoint.trim_end_matches('/').to_string(), region, credentials, timeout }
    }

    /// Every `item` of the list `set` in the answers to `action` with `params`, following
    /// `nextToken` to the last page.
    ///
    /// # Errors
    /// [`Error::Aws`] with EC2's error code and message, or what failed on the way.
    pub(crate) async fn describe(&self, action: &str, params: &[(String, String)], set: &str) -> Result<Vec<Element>> {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut all: Vec<(String, String)> = params.to_vec();
            if let Some(token) = &token {
                all.push(("NextToken".into(), token.clone()));
            }
            let root = self.call(action, &all).await?;
            items.extend(root.items(set).cloned());
            token = Some(root.text_of("nextToken").to_string()).filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok(items);
            }
        }
    }

    /// One signed POST of `action`; the answer's root element.
    async fn call(&self, action: &str, params: &[(String, String)]) -> Result<Element> {
        let fail = |message: String| Error::Aws { service: "EC2", operation: leak(action), message };
        let mut body = format!("Action={action}&Version={VERSION}");
        for (name, value) in params {
            body.push_str(&format!("&{}={}", uri_encode(name), uri_encode(value)));
        }
        let host = self.endpoint.split("://").nth(1).unwrap_or(&self.endpoint).split('/').next().unwrap_or_default();
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let url = format!("{}/", self.endpoint);
        let identity = self.credentials.clone().into();
        let signing = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("ec2")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| fail(format!("cannot sign the request: {e}")))?
            .into();
        let headers = [("host", host), ("content-type", content_type)];
        let signable = SignableRequest::new("POST", &url, headers.into_iter(), SignableBody::Bytes(body.as_bytes()))
            .map_err(|e| fail(format!("cannot sign the request: {e}")))?;
        let (instructions, _) = sign(signable, &signing).map_err(|e| fail(format!("cannot sign: {e}")))?.into_parts();
        let mut request = http::Request::builder().method("POST").uri(&url).header("content-type", content_type);
        let (signed, _) = instructions.into_parts();
        for header in &signed {
            request = request.header(header.name(), header.value());
        }
        let request = request.body(SdkBody::from(body)).map_err(|e| fail(e.to_string()))?;
        let request = aws_smithy_runtime_api::http::Request::try_from(request).map_err(|e| fail(e.to_string()))?;
        let response = tokio::time::timeout(self.timeout, self.connector.call(request))
            .await
            .map_err(|_| fail(format!("no answer from {} within {:?}", self.endpoint, self.timeout)))?
            .map_err(|e| fail(format!("cannot reach {}: {e}", self.endpoint)))?;
        let status = response.status().as_u16();
        let bytes = aws_smithy_types::byte_stream::ByteStream::new(response.into_body())
            .collect()
            .await
            .map_err(|e| fail(format!("cannot read the answer: {e}")))?
            .into_bytes();
        let text = String::from_utf8_lossy(&bytes);
        let root = xml::parse(&text).map_err(|e| fail(format!("HTTP {status}, an answer that is not XML: {e}")))?;
        if !(200..300).contains(&status) {
            let error = root.child("Errors").and_then(|e| e.child("Error"));
            let (code, message) = error.map_or(("", ""), |e| (e.text_of("Code"), e.text_of("Message")));
            // Refused credentials or permissions: say where to look; other codes speak for themselves.
            let hint = if matches!(status, 401 | 403) || code.starts_with("Auth") || code.starts_with("Unauthorized") {
                format!("\n  hint: {}", crate::retry::CREDENTIALS_HINT)
            } else {
                String::new()
            };
            return Err(fail(format!("HTTP {status} {code}: {message}{hint}")));
        }
        Ok(root)
    }
}

/// The operation's name as `Error::Aws` holds it (a `&'static str`): the few this module calls.
fn leak(action: &str) -> &'static str {
    match action {
        "DescribeVpcs" => "DescribeVpcs",
        "DescribeSubnets" => "DescribeSubnets",
        "DescribeRouteTables" => "DescribeRouteTables",
        _ => "Describe",
    }
}

/// `Filter.N.Name` / `Filter.N.Value.1` parameters, one per (name, value).
pub(crate) fn filters(filters: &[(String, String)]) -> Vec<(String, String)> {
    let mut params = Vec::new();
    for (i, (name, value)) in filters.iter().enumerate() {
        params.push((format!("Filter.{}.Name", i + 1), name.clone()));
        params.push((format!("Filter.{}.Value.1", i + 1), value.clone()));
    }
    params
}
