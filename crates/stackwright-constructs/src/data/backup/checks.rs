//! The checks of a [`BackupPlanProps`]: every problem is recorded at the plan's path with a
//! hint, and synth reports them all at once.

use stackwright_core::Problems;

use super::props::{BackupPlanProps, BackupRule};
use super::resource_type::{COLD_STORAGE_MINIMUM_DAYS, COLD_STORAGE_SOURCE};

/// Records every problem of `props` in `problems`.
pub(super) fn check(problems: &mut Problems, props: &BackupPlanProps) {
    if props.resource_types.is_empty() {
        problems.push("the plan covers no resource type", "list RDS, EBS or both in resource_types");
    }
    check_rule(problems, props, "daily", &props.daily);
    check_rule(problems, props, "weekly", &props.weekly);
    if !(1..=168).contains(&props.validation_window_hours) {
        problems.push(
            format!("a restore-test validation window of {} hours", props.validation_window_hours),
            "use 1 to 168 hours (AWS Backup deletes the restored copy after it)",
        );
    }
}

fn check_rule(problems: &mut Problems, props: &BackupPlanProps, name: &str, rule: &BackupRule) {
    if rule.retention_days == 0 {
        problems.push(
            format!("the {name} rule keeps its recovery points 0 days"),
            "keep them at least 1 day (BackupRule::retention_days); a backup deleted as it is made restores nothing",
        );
    }
    let schedule = rule.schedule.as_str();
    if !(schedule.starts_with("cron(") && schedule.ends_with(')')) {
        problems.push(
            format!("the {name} rule's schedule '{schedule}' is not a cron expression"),
            "write it as AWS Backup does, in UTC: cron(0 3 * * ? *) for every day at 03:00",
        );
    }
    let Some(cold) = rule.cold_storage_after_days else { return };
    let unsupported: Vec<&str> =
        props.resource_types.iter().filter(|t| !t.supports_cold_storage()).map(|t| t.as_str()).collect();
    if !unsupported.is_empty() {
        problems.push(
            format!(
                "the {name} rule moves recovery points to cold storage, which AWS Backup does not do for {} (it ignores the transition silently)",
                unsupported.join(", ")
            ),
            format!(
                "remove cold_storage_after_days, or protect only types with cold storage (EBS) in a plan of their own; see {COLD_STORAGE_SOURCE}"
            ),
        );
    }
    if u64::from(cold) + u64::from(COLD_STORAGE_MINIMUM_DAYS) > u64::from(rule.retention_days) {
        problems.push(
            format!(
                "the {name} rule moves recovery points to cold storage after {cold} days but keeps them only {} days",
                rule.retention_days
            ),
            format!(
                "keep them at least {} days: AWS Backup keeps a recovery point in cold storage at least {COLD_STORAGE_MINIMUM_DAYS} days",
                u64::from(cold) + u64::from(COLD_STORAGE_MINIMUM_DAYS)
            ),
        );
    }
}
