//! The resource types a [`BackupPlan`](super::BackupPlan) protects, and what AWS Backup does
//! with each: written as data, with its source, so that a rule is checked against it.

use std::fmt;

/// AWS Backup's feature table, which [`ProtectedResourceType::supports_cold_storage`] follows:
/// "Feature availability by resource", column "Lifecycle to cold storage" (EBS: yes, through the
/// EBS Snapshots Archive tier, as the guide's EBS page, `multi-volume-crash-consistent.html`,
/// also says; RDS: no). For a type without it, AWS Backup silently ignores the transition
/// (the `Lifecycle` API reference), which is why a plan refuses one instead.
pub const COLD_STORAGE_SOURCE: &str =
    "https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html";

/// A resource type the plan's selection covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtectedResourceType {
    /// RDS DB instances ([`Database`](crate::Database)).
    Rds,
    /// EBS volumes (the volumes of persistent volume claims).
    Ebs,
}

impl ProtectedResourceType {
    /// Every type, in the order the plan lists them.
    pub const ALL: [ProtectedResourceType; 2] = [ProtectedResourceType::Rds, ProtectedResourceType::Ebs];

    /// The name AWS Backup gives the type (`RDS`, `EBS`): a restore-testing selection's
    /// `ProtectedResourceType`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ProtectedResourceType::Rds => "RDS",
            ProtectedResourceType::Ebs => "EBS",
        }
    }

    /// Whether AWS Backup moves this type's recovery points to cold storage
    /// ([`COLD_STORAGE_SOURCE`]).
    #[must_use]
    pub fn supports_cold_storage(self) -> bool {
        match self {
            ProtectedResourceType::Rds => false,
            ProtectedResourceType::Ebs => true,
        }
    }

    /// The service and resource part of the ARNs of this type (`rds` `db:*`, `ec2`
    /// `volume/*`): a backup selection's `Resources` narrows the tag to these types.
    pub(crate) fn arn_parts(self) -> (&'static str, &'static str) {
        match self {
            ProtectedResourceType::Rds => ("rds", "db:*"),
            ProtectedResourceType::Ebs => ("ec2", "volume/*"),
        }
    }
}

impl fmt::Display for ProtectedResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// AWS Backup keeps a recovery point in cold storage at least this many days: the retention
/// of a rule with a transition must exceed it by at least this much.
pub(crate) const COLD_STORAGE_MINIMUM_DAYS: u32 = 90;
