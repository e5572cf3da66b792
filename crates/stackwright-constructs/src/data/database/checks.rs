//! The eager checks of a [`DatabaseProps`]: each problem recorded with a hint, before anything
//! is added, so that synth reports every one of them at the database's path.

use stackwright_core::Problems;

use super::engine::{class_problem, current_release, is_deprecated, releases_of, version_exists};
use super::props::DatabaseProps;
use crate::internal::log_group::check_retention;

/// Names RDS reserves for itself.
const RESERVED_USERS: [&str; 4] = ["rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication"];

/// Records every problem of `props` for an environment that is (`production`) or is not a
/// production one.
pub(crate) fn check(problems: &mut Problems, props: &DatabaseProps<'_>, production: bool) {
    check_placement(problems, props);
    check_engine(problems, props);
    check_identifier(problems, "database name", &props.database_name, "DatabaseProps::database_name");
    check_identifier(problems, "master user name", &props.master_username, "DatabaseProps::master_username");
    if RESERVED_USERS.contains(&props.master_username.as_str()) {
        problems.push(
            format!("the master user name '{}' is reserved by RDS", props.master_username),
            "choose another name, such as dbadmin",
        );
    }
    check_storage(problems, props);
    check_backups(problems, props, production);
    check_retention(problems, "the PostgreSQL log", props.log_retention_days);
    let pi = props.performance_insights_retention_days;
    if !(pi == 7 || (pi.is_multiple_of(31) && (31..=731).contains(&pi))) {
        problems.push(
            format!("Performance Insights retention of {pi} days is not one RDS accepts"),
            "use 7 (free), or a number of months times 31 up to 731 (such as 93 or 731)",
        );
    }
    let a = props.alarms;
    for (what, percent) in [("CPU", a.cpu_percent), ("free storage", a.free_storage_percent)] {
        if !(1..=100).contains(&percent) {
            problems.push(
                format!("the {what} alarm threshold of {percent}% is not a percentage"),
                "use 1 to 100 (DatabaseAlarms)",
            );
        }
    }
    if a.connections == 0 {
        problems.push(
            "the connections alarm threshold is 0: it would always fire",
            "use the number of connections that means trouble, such as 100",
        );
    }
}

/// The VPC has an isolated tier in two zones or more.
fn check_placement(problems: &mut Problems, props: &DatabaseProps<'_>) {
    let isolated = props.vpc.isolated_subnets();
    if isolated.is_empty() {
        let tiers: Vec<&str> = props
            .vpc
            .subnets()
            .iter()
            .map(|s| s.tier())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        problems.push(
            format!(
                "the VPC has no isolated subnets (tiers: {}); a database must not share subnets that route to the internet",
                tiers.join(", ")
            ),
            if props.vpc.is_referenced() {
                "list the existing VPC's isolated subnets: VpcAttributes::isolated(ExistingSubnet::new(..))"
            } else {
                "add an isolated tier to the VPC: VpcProps::subnets([..., SubnetConfig::isolated(24)])"
            },
        );
        return;
    }
    let zones: std::collections::BTreeSet<&str> = isolated.iter().map(|s| s.availability_zone()).collect();
    if zones.len() < 2 {
        problems.push(
            format!(
                "the VPC's isolated subnets are in {} zone; RDS needs a subnet group in two zones or more",
                zones.len()
            ),
            if props.vpc.is_referenced() {
                "list the existing VPC's isolated subnets of a second zone too (VpcAttributes::isolated)"
            } else {
                "give the VPC two availability zones or more (VpcProps::max_azs)"
            },
        );
    }
}

/// The version exists, and the class runs it in the VPC's region.
fn check_engine(problems: &mut Problems, props: &DatabaseProps<'_>) {
    let v = props.version;
    if !version_exists(v) {
        let releases = releases_of(v.major());
        let newest: Vec<&str> = releases.iter().rev().take(3).copied().collect();
        problems.push(
            format!("PostgreSQL {v} does not exist on RDS"),
            if newest.is_empty() {
                "use PostgresVersion::V15, V16 or V17".to_string()
            } else {
                format!(
                    "use the major alone (PostgresVersion::V{}), or a release RDS has, such as {}",
                    v.major(),
                    newest.join(", ")
                )
            },
        );
    }
    let release = v.engine_version();
    if version_exists(v) && (is_deprecated(&release) || current_release(v.major()).is_none()) {
        problems.push(
            format!("RDS no longer creates PostgreSQL {release} instances"),
            match current_release(v.major()) {
                Some(current) => format!(
                    "use the major alone (PostgresVersion::V{}, today {current}) or a release at least as new",
                    v.major()
                ),
                None => "use a newer major: PostgresVersion::V15, V16 or V17".to_string(),
            },
        );
    }
    let region = props.vpc.region();
    if let Some((message, hint)) = class_problem(&props.instance_class, v.major(), region.as_str()) {
        problems.push(message, hint);
    }
}

/// A PostgreSQL identifier RDS accepts: a letter, then letters, digits and `_`, 1 to 63.
fn check_identifier(problems: &mut Problems, what: &str, name: &str, field: &str) {
    let valid = name.len() <= 63
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        problems.push(
            format!("the {what} '{name}' is not one RDS accepts"),
            format!("set {field} to 1 to 63 letters, digits and '_', starting with a letter"),
        );
    }
}

fn check_storage(problems: &mut Problems, props: &DatabaseProps<'_>) {
    let (size, max) = (props.allocated_storage_gib, props.max_allocated_storage_gib);
    if !(20..=65536).contains(&size) {
        problems
            .push(format!("allocated storage of {size} GiB is outside what gp3 storage allows"), "use 20 to 65536 GiB");
    } else if max <= size || max > 65536 {
        problems.push(
            format!(
                "the storage autoscaling limit of {max} GiB is not above the allocated {size} GiB (or above 65536)"
            ),
            format!("set max_allocated_storage_gib above {size}, at most 65536"),
        );
    }
}

fn check_backups(problems: &mut Problems, props: &DatabaseProps<'_>, production: bool) {
    match props.backup_retention_days {
        Some(0) => problems.push(
            "backup retention of 0 days turns automated backups off: the database could not be restored to a point in time",
            "keep at least 7 days of backups (DatabaseProps::backup_retention_days(7..=35))",
        ),
        Some(days) if !(7..=35).contains(&days) => problems.push(
            format!("backup retention of {days} days is outside 7 to 35"),
            "RDS keeps automated backups up to 35 days; keep at least 7 (use AWS Backup for longer)",
        ),
        _ => {}
    }
    if production && props.multi_az == Some(false) {
        problems.push(
            "a production database without a standby in a second zone: a zone outage takes the service down",
            "remove multi_az(false) (production defaults to Multi-AZ), or mark the environment non-production",
        );
    }
}
