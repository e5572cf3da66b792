//! The optional Ingress of a [`Workload`](super::Workload): an ALB of the AWS Load Balancer
//! Controller, with TLS from a typed ACM certificate ARN.

use std::str::FromStr;

use stackwright_core::{Arn, Attr, Error};

use crate::internal::setters::setters;
use crate::workload::shared::Scheme;

/// The ARN of an ACM certificate: checked where it is parsed
/// (`"arn:aws:acm:eu-west-1:123456789012:certificate/…".parse()?`), or the late-bound ARN of a
/// certificate this program creates (`AcmCertificateArn::from(attr)`).
#[derive(Debug, Clone, PartialEq)]
pub struct AcmCertificateArn(pub(crate) CertificateValue);

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CertificateValue {
    Known(String),
    LateBound(Attr<Arn>),
}

impl FromStr for AcmCertificateArn {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        let ok = parts.len() == 6
            && parts[0] == "arn"
            && parts[1].starts_with("aws")
            && parts[2] == "acm"
            && !parts[3].is_empty()
            && parts[4].len() == 12
            && parts[4].bytes().all(|b| b.is_ascii_digit())
            && parts[5].strip_prefix("certificate/").is_some_and(|id| !id.is_empty());
        if ok {
            Ok(AcmCertificateArn(CertificateValue::Known(s.to_string())))
        } else {
            Err(Error::invalid(
                "certificate",
                format!("'{s}' is not the ARN of an ACM certificate"),
                "copy it from ACM: arn:aws:acm:<region>:<account>:certificate/<id>",
            ))
        }
    }
}

impl AcmCertificateArn {
    /// `arn` as it is: for a preset that checks its certificate ARNs itself (`FlaskApp` also
    /// takes IAM server certificates).
    pub(crate) fn unchecked(arn: String) -> Self {
        AcmCertificateArn(CertificateValue::Known(arn))
    }
}

impl From<Attr<Arn>> for AcmCertificateArn {
    fn from(arn: Attr<Arn>) -> Self {
        AcmCertificateArn(CertificateValue::LateBound(arn))
    }
}

/// An ALB in front of the workload's Service (an `Ingress` of class `alb`).
#[derive(Debug, Clone, PartialEq)]
pub struct AlbIngress {
    /// Internet-facing or internal. Default: internet-facing.
    pub scheme: Scheme,
    /// Host names answered. Default: none (all hosts).
    pub hosts: Vec<String>,
    /// HTTPS on 443 (and HTTP redirected to it); needs [`certificate`](Self::certificate).
    /// Default: off.
    pub tls: bool,
    /// The certificate of the HTTPS listener; required with `tls`. Default: none.
    pub certificate: Option<AcmCertificateArn>,
    /// The ALB group this Ingress joins (`alb.ingress.kubernetes.io/group.name`): Ingresses of
    /// one group share one ALB. Default: none (an ALB of its own).
    pub group: Option<String>,
    /// The ALB's name (1 to 32 letters, digits and '-'; one per cluster). Default: none (the
    /// controller makes one up).
    pub load_balancer_name: Option<String>,
    /// Seconds the ALB keeps sending in-flight requests to a pod it deregisters (the target
    /// group's `deregistration_delay`): match it to the pods' drain
    /// ([`ContainerSpec::pre_stop`](super::ContainerSpec::pre_stop)). Default: none (AWS's 300).
    pub deregistration_delay_seconds: Option<u32>,
    /// With TLS, redirect HTTP to HTTPS. Default: on.
    pub ssl_redirect: bool,
    /// With TLS and hosts, list the hosts under the Ingress's `spec.tls` too. The controller
    /// takes the certificate from its annotation either way; `spec.tls` tells other readers of
    /// the Ingress (policy checkers, dashboards) that the hosts are served over TLS.
    /// Default: on.
    pub tls_in_spec: bool,
}

impl Default for AlbIngress {
    fn default() -> Self {
        AlbIngress {
            scheme: Scheme::InternetFacing,
            hosts: Vec::new(),
            tls: false,
            certificate: None,
            group: None,
            load_balancer_name: None,
            deregistration_delay_seconds: None,
            ssl_redirect: true,
            tls_in_spec: true,
        }
    }
}

setters! { AlbIngress {
    value scheme: Scheme,
    list_into hosts: String,
    value tls: bool,
    some certificate: AcmCertificateArn,
    some_into group: String,
    some_into load_balancer_name: String,
    some deregistration_delay_seconds: u32,
    value ssl_redirect: bool,
    value tls_in_spec: bool,
} }

impl AlbIngress {
    /// HTTPS with `certificate`: `tls` on and the certificate set.
    pub fn https(certificate: AcmCertificateArn) -> Self {
        AlbIngress::default().tls(true).certificate(certificate)
    }

    /// Makes the ALB internal (`scheme(Scheme::Internal)`).
    #[must_use]
    pub fn internal(self) -> Self {
        self.scheme(Scheme::Internal)
    }

    /// Adds a host name to [`hosts`](Self::hosts).
    #[must_use]
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.hosts.push(host.into());
        self
    }
}
