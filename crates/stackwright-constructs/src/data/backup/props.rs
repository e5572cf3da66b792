//! What a [`BackupPlan`](super::BackupPlan) can be configured with; every field's default is
//! stated.

use super::resource_type::ProtectedResourceType;
use crate::internal::setters::setters;

/// One scheduled rule of the plan: when it runs and how long its recovery points live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRule {
    /// The schedule, an AWS Backup `cron(...)` expression in UTC.
    pub schedule: String,
    /// Days a recovery point is kept (at least 1). The defaults say per rule.
    pub retention_days: u32,
    /// Days after which a recovery point moves to cold storage; only for plans whose resource
    /// types all support it (EBS does, RDS does not), and at least 90 days before the end of
    /// the retention. Default: none.
    pub cold_storage_after_days: Option<u32>,
}

impl BackupRule {
    /// Every day at 03:00 UTC, kept 35 days.
    #[must_use]
    pub fn daily() -> Self {
        BackupRule { schedule: "cron(0 3 * * ? *)".into(), retention_days: 35, cold_storage_after_days: None }
    }

    /// Every Sunday at 04:00 UTC, kept 180 days.
    #[must_use]
    pub fn weekly() -> Self {
        BackupRule { schedule: "cron(0 4 ? * SUN *)".into(), retention_days: 180, cold_storage_after_days: None }
    }
}

setters! { BackupRule {
    into schedule: String,
    value retention_days: u32,
    some cold_storage_after_days: u32,
} }

/// The configuration of a [`BackupPlan`](super::BackupPlan).
///
/// ```
/// use stackwright_constructs::{BackupPlanProps, BackupRule, ProtectedResourceType};
/// let props = BackupPlanProps::default()
///     .weekly(BackupRule::weekly().retention_days(365))
///     .resource_types([ProtectedResourceType::Rds]);
/// assert_eq!(props.daily.retention_days, 35);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupPlanProps {
    /// The daily rule. Default: [`BackupRule::daily`] (03:00 UTC, 35 days).
    pub daily: BackupRule,
    /// The weekly rule. Default: [`BackupRule::weekly`] (Sunday 04:00 UTC, 180 days).
    pub weekly: BackupRule,
    /// The resource types the selection covers (resources of these types carrying the plan's
    /// tag). Default: RDS and EBS.
    pub resource_types: Vec<ProtectedResourceType>,
    /// Restore testing: every week, the latest recovery point of each type is restored and
    /// the restored copy deleted after the validation window. Default: on.
    pub restore_testing: bool,
    /// Hours a restored copy is kept for validation before AWS Backup deletes it (1 to 168).
    /// Default: 1.
    pub validation_window_hours: u32,
}

impl Default for BackupPlanProps {
    fn default() -> Self {
        BackupPlanProps {
            daily: BackupRule::daily(),
            weekly: BackupRule::weekly(),
            resource_types: ProtectedResourceType::ALL.to_vec(),
            restore_testing: true,
            validation_window_hours: 1,
        }
    }
}

setters! { BackupPlanProps {
    value daily: BackupRule,
    value weekly: BackupRule,
    list resource_types: ProtectedResourceType,
    value restore_testing: bool,
    value validation_window_hours: u32,
} }
