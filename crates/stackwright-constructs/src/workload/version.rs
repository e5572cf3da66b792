//! The Kubernetes versions an EKS cluster can run, as far as stackwright can type and validate
//! its manifests.

use std::fmt;
use std::str::FromStr;

use stackwright_core::{Error, Result};

/// A Kubernetes minor version offered by EKS.
///
/// The manifests are typed with k8s-openapi and validated against the schemas of this version;
/// versions EKS no longer offers in standard support are left out on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[non_exhaustive]
pub enum KubernetesVersion {
    /// Kubernetes 1.33.
    V1_33,
    /// Kubernetes 1.34.
    V1_34,
    /// Kubernetes 1.35.
    V1_35,
    /// The newest version EKS offers that the validators support: the default.
    #[default]
    V1_36,
}

impl KubernetesVersion {
    /// Every supported version, oldest first.
    pub const ALL: &'static [KubernetesVersion] =
        &[KubernetesVersion::V1_33, KubernetesVersion::V1_34, KubernetesVersion::V1_35, KubernetesVersion::V1_36];

    /// `"1.36"`.
    pub fn as_str(self) -> &'static str {
        match self {
            KubernetesVersion::V1_33 => "1.33",
            KubernetesVersion::V1_34 => "1.34",
            KubernetesVersion::V1_35 => "1.35",
            KubernetesVersion::V1_36 => "1.36",
        }
    }

    /// The minor number (36 for 1.36).
    pub fn minor(self) -> u32 {
        match self {
            KubernetesVersion::V1_33 => 33,
            KubernetesVersion::V1_34 => 34,
            KubernetesVersion::V1_35 => 35,
            KubernetesVersion::V1_36 => 36,
        }
    }
}

impl fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KubernetesVersion {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        KubernetesVersion::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
            let supported: Vec<&str> = KubernetesVersion::ALL.iter().map(|v| v.as_str()).collect();
            Error::invalid(
                "kubernetes version",
                format!("Kubernetes version '{s}' is not supported"),
                format!("use one of {} (EKS standard support that stackwright validates)", supported.join(", ")),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_and_rejects_others() {
        assert_eq!("1.36".parse::<KubernetesVersion>().unwrap(), KubernetesVersion::V1_36);
        let err = "1.29".parse::<KubernetesVersion>().unwrap_err().to_string();
        assert!(err.contains("'1.29' is not supported") && err.contains("1.33, 1.34, 1.35, 1.36"), "{err}");
        assert_eq!(KubernetesVersion::default(), KubernetesVersion::V1_36);
    }
}
