//! CloudWatch log groups the constructs create (VPC flow logs, the EKS control plane):
//! always with a retention and a KMS key.

use stackwright_cfn::logs;
use stackwright_core::{Construct, Problems, Resource, Result, Val};

/// The retention periods CloudWatch Logs accepts, in days.
pub(crate) const RETENTION_DAYS: [u32; 22] =
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// The default retention: one year, what audit and incident reviews usually need.
pub(crate) const DEFAULT_RETENTION_DAYS: u32 = 365;

/// Records a problem when `days` is not a retention CloudWatch Logs accepts.
pub(crate) fn check_retention(problems: &mut Problems, what: &str, days: u32) {
    if !RETENTION_DAYS.contains(&days) {
        let closest = RETENTION_DAYS.iter().min_by_key(|d| d.abs_diff(days)).copied().unwrap_or(DEFAULT_RETENTION_DAYS);
        problems.push(
            format!("{what} retention of {days} days is not one CloudWatch Logs accepts"),
            format!("use {closest} (the closest) or another of {}", RETENTION_DAYS.map(|d| d.to_string()).join(", ")),
        );
    }
}

/// A log group with a name, a retention and a KMS key (the key's policy must let CloudWatch
/// Logs use it for this name).
pub(crate) fn encrypted_log_group(
    scope: &impl Construct,
    id: &str,
    name: &str,
    retention_days: u32,
    key_arn: impl Into<Val<String>>,
) -> Result<Resource<logs::LogGroup>> {
    Resource::new(
        scope,
        id,
        logs::LogGroup::new()
            .with_log_group_name(name)
            .with_retention_in_days(i64::from(retention_days))
            .with_kms_key_id(key_arn),
    )
}

/// A log group name made of `parts`, keeping only the characters CloudWatch allows
/// (`[A-Za-z0-9._/#-]`); anything else becomes `-`.
pub(crate) fn log_group_name(parts: &[&str]) -> String {
    let joined = format!("/{}", parts.join("/"));
    joined.chars().map(|c| if c.is_ascii_alphanumeric() || "._/#-".contains(c) { c } else { '-' }).collect()
}
