//! Where a stack is deployed: an AWS account and a region, both validated.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A 12-digit AWS account id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Account(String);

impl Account {
    /// Checks that `id` is exactly twelve digits.
    ///
    /// # Errors
    /// When `id` is not exactly twelve ASCII digits.
    ///
    /// ```
    /// use stackwright_core::Account;
    /// assert!(Account::new("123456789012").is_ok());
    /// assert!(Account::new("1234").is_err());
    /// ```
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Account(id))
        } else {
            Err(Error::invalid(
                "account",
                format!("invalid AWS account id '{id}': it must be exactly 12 digits"),
                "copy the id from `aws sts get-caller-identity --query Account`, keeping leading zeros",
            ))
        }
    }

    /// The twelve digits, leading zeros kept.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Stands in where an environment was rejected; never reaches an assembly.
    pub(crate) fn placeholder() -> Self {
        Account("000000000000".into())
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! regions {
    ($($variant:ident => $code:literal, $azs:literal;)*) => {
        /// An AWS commercial region. Synthesis never asks AWS anything, so the regions and their
        /// availability-zone letters are known here.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Region { $(#[doc = concat!("`", $code, "`.")] $variant,)* }

        impl Region {
            /// Every region stackwright knows.
            pub const ALL: &'static [Region] = &[$(Region::$variant,)*];

            /// The region code, such as `us-east-1`.
            pub fn as_str(self) -> &'static str {
                match self { $(Region::$variant => $code,)* }
            }

            /// The availability-zone suffixes that every account can use in this region.
            pub fn az_letters(self) -> &'static str {
                match self { $(Region::$variant => $azs,)* }
            }
        }
    };
}

regions! {
    UsEast1 => "us-east-1", "abcdf";
    UsEast2 => "us-east-2", "abc";
    UsWest1 => "us-west-1", "ac";
    UsWest2 => "us-west-2", "abcd";
    AfSouth1 => "af-south-1", "abc";
    ApEast1 => "ap-east-1", "abc";
    ApSouth1 => "ap-south-1", "abc";
    ApSouth2 => "ap-south-2", "abc";
    ApSoutheast1 => "ap-southeast-1", "abc";
    ApSoutheast2 => "ap-southeast-2", "abc";
    ApSoutheast3 => "ap-southeast-3", "abc";
    ApSoutheast4 => "ap-southeast-4", "abc";
    ApNortheast1 => "ap-northeast-1", "acd";
    ApNortheast2 => "ap-northeast-2", "abcd";
    ApNortheast3 => "ap-northeast-3", "abc";
    CaCentral1 => "ca-central-1", "abd";
    CaWest1 => "ca-west-1", "abc";
    EuCentral1 => "eu-central-1", "abc";
    EuCentral2 => "eu-central-2", "abc";
    EuWest1 => "eu-west-1", "abc";
    EuWest2 => "eu-west-2", "abc";
    EuWest3 => "eu-west-3", "abc";
    EuSouth1 => "eu-south-1", "abc";
    EuSouth2 => "eu-south-2", "abc";
    EuNorth1 => "eu-north-1", "abc";
    IlCentral1 => "il-central-1", "abc";
    MeSouth1 => "me-south-1", "abc";
    MeCentral1 => "me-central-1", "abc";
    SaEast1 => "sa-east-1", "abc";
}

impl Region {
    /// The first `n` availability zones of the region (`us-east-1a`, `us-east-1b`, …), or `None`
    /// when the region has fewer.
    pub fn availability_zones(self, n: usize) -> Option<Vec<String>> {
        let letters = self.az_letters();
        (n <= letters.len()).then(|| letters.chars().take(n).map(|c| format!("{}{c}", self.as_str())).collect())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        if let Some(r) = Region::ALL.iter().find(|r| r.as_str() == s) {
            return Ok(*r);
        }
        let closest = Region::ALL
            .iter()
            .map(|r| (edit_distance(r.as_str(), s), r))
            .min_by_key(|(d, _)| *d)
            .filter(|(d, _)| *d <= 3)
            .map(|(_, r)| format!("did you mean '{r}'? "))
            .unwrap_or_default();
        Err(Error::invalid(
            "region",
            format!("unknown region '{s}'"),
            format!(
                "{closest}known regions: {}",
                Region::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
            ),
        ))
    }
}

/// Levenshtein distance, for "did you mean" hints.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_must_be_twelve_digits() {
        assert_eq!(Account::new("012345678901").unwrap().as_str(), "012345678901");
        for bad in ["", "12345678901", "1234567890123", "12345678901a", " 12345678901"] {
            let err = Account::new(bad).unwrap_err().to_string();
            assert!(err.contains("must be exactly 12 digits"), "{err}");
        }
    }

    #[test]
    fn unknown_region_suggests_the_closest() {
        let err = "us-est-1".parse::<Region>().unwrap_err().to_string();
        assert!(err.contains("unknown region 'us-est-1'"), "{err}");
        assert!(err.contains("did you mean 'us-east-1'?"), "{err}");
        assert_eq!("eu-west-1".parse::<Region>().unwrap(), Region::EuWest1);
    }

    #[test]
    fn availability_zones_are_known_offline() {
        assert_eq!(Region::UsEast1.availability_zones(2).unwrap(), ["us-east-1a", "us-east-1b"]);
        assert!(Region::UsWest1.availability_zones(3).is_none());
    }
}
