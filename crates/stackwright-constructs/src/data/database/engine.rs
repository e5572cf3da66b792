//! PostgreSQL on RDS: the typed engine version, and the versions and instance classes that
//! exist, from the list cfn-lint ships (copied by `cargo run -p stackwright-cfn-codegen --
//! import` into `data/rds-postgres.txt`), so that a version or class RDS does not have is an
//! error at synth with the closest names, not a failed deploy twenty minutes in.

use std::fmt;

use crate::internal::instance_types::edit_distance;

/// `cfn-lint <version>`, `versions …`, `major <n> <classes>`, `region <name> <classes>`, with
/// classes grouped by family (`db.m6i:large,xlarge`).
const DATA: &str = include_str!("../../../data/rds-postgres.txt");

/// A PostgreSQL major version on RDS, optionally pinned to a minor release. A major alone
/// (`PostgresVersion::V15`) is written as the newest release of that major that can still
/// create an instance in the pinned cfn-lint's data (RDS no longer creates from a bare `15`);
/// automatic minor upgrades (on) then move it to newer ones in the maintenance window. A pinned
/// minor (`PostgresVersion::V15.minor(13)`) is checked against the releases RDS has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresVersion {
    major: u16,
    minor: Option<u16>,
}

impl PostgresVersion {
    /// PostgreSQL 15 (the major Debian bookworm ships, which the project's tests run on).
    pub const V15: PostgresVersion = PostgresVersion { major: 15, minor: None };
    /// PostgreSQL 16.
    pub const V16: PostgresVersion = PostgresVersion { major: 16, minor: None };
    /// PostgreSQL 17.
    pub const V17: PostgresVersion = PostgresVersion { major: 17, minor: None };

    /// Pins the minor release (`15.7`).
    #[must_use]
    pub const fn minor(self, minor: u16) -> Self {
        PostgresVersion { major: self.major, minor: Some(minor) }
    }

    /// The major version (`15`).
    #[must_use]
    pub const fn major(self) -> u16 {
        self.major
    }

    /// `EngineVersion`: the pinned release (`15.13`), or the newest release of the major that
    /// can create an instance (`current_release`); the major alone when it has none (an
    /// error synth reports).
    #[must_use]
    pub fn engine_version(self) -> String {
        match self.minor {
            Some(_) => self.to_string(),
            None => current_release(self.major).map_or_else(|| self.to_string(), str::to_string),
        }
    }

    /// The parameter group family: `postgres15`.
    #[must_use]
    pub fn parameter_group_family(self) -> String {
        format!("postgres{}", self.major)
    }
}

impl fmt::Display for PostgresVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(minor) => write!(f, "{}.{minor}", self.major),
            None => write!(f, "{}", self.major),
        }
    }
}

/// The data lines starting with `prefix ` (without it).
fn lines(prefix: &'static str) -> impl Iterator<Item = &'static str> {
    DATA.lines().filter_map(move |l| l.strip_prefix(prefix).and_then(|rest| rest.strip_prefix(' ')))
}

/// The cfn-lint version the list was copied from.
pub(crate) fn cfnlint_version() -> &'static str {
    lines("cfn-lint").next().unwrap_or("unknown")
}

/// Whether RDS has `version` (a major alone, or a major and minor).
pub(crate) fn version_exists(version: PostgresVersion) -> bool {
    let wanted = version.to_string();
    lines("versions").flat_map(|l| l.split(' ')).any(|v| v == wanted)
}

/// Whether RDS can no longer create an instance of `release` (`15.2`).
pub(crate) fn is_deprecated(release: &str) -> bool {
    lines("deprecated").flat_map(|l| l.split(' ')).any(|v| v == release)
}

/// The newest release of `major` that can create an instance (`15.19`), if any.
pub(crate) fn current_release(major: u16) -> Option<&'static str> {
    releases_of(major).into_iter().rev().find(|r| !is_deprecated(r) && !r.contains('-'))
}

/// The minor releases RDS has of `major`, sorted (`["15.2", …, "15.10"]`).
pub(crate) fn releases_of(major: u16) -> Vec<&'static str> {
    let prefix = format!("{major}.");
    lines("versions").flat_map(|l| l.split(' ')).filter(|v| v.starts_with(&prefix)).collect()
}

/// The classes of a `major <n>` or `region <name>` line, expanded (`db.m6i.large`).
fn classes(prefix: &'static str, key: &str) -> Option<Vec<String>> {
    let line = lines(prefix).find_map(|l| l.strip_prefix(key).and_then(|rest| rest.strip_prefix(' ')))?;
    Some(
        line.split(' ')
            .filter_map(|group| group.split_once(':'))
            .flat_map(|(family, sizes)| sizes.split(',').map(move |size| format!("{family}.{size}")))
            .collect(),
    )
}

/// What is wrong with `class` for PostgreSQL `major` in `region`, with a hint naming the
/// closest classes that work; `None` when RDS offers it. A region the list does not know is
/// not checked (CloudFormation's own validation is then the check).
pub(crate) fn class_problem(class: &str, major: u16, region: &str) -> Option<(String, String)> {
    let for_major = classes("major", &major.to_string()).unwrap_or_default();
    let in_region = classes("region", region);
    let works =
        |c: &str| for_major.iter().any(|m| m == c) && in_region.as_ref().is_none_or(|r| r.iter().any(|x| x == c));
    if works(class) {
        return None;
    }
    let message = if !for_major.iter().any(|m| m == class) {
        format!("instance class '{class}' does not run PostgreSQL {major} on RDS")
    } else {
        format!("instance class '{class}' is not offered for PostgreSQL in {region}")
    };
    let mut ranked: Vec<(usize, &String)> =
        for_major.iter().filter(|c| works(c)).map(|c| (edit_distance(class, c), c)).collect();
    ranked.sort();
    let closest: Vec<&str> = ranked.iter().take(3).map(|(_, c)| c.as_str()).collect();
    let hint =
        format!("use one RDS offers, such as {} (from cfn-lint {}'s RDS data)", closest.join(", "), cfnlint_version());
    Some((message, hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_majors_and_their_releases_exist() {
        for v in [PostgresVersion::V15, PostgresVersion::V16, PostgresVersion::V17] {
            assert!(version_exists(v), "{v}");
            assert!(releases_of(v.major()).len() > 3, "{v}");
        }
        assert!(version_exists(PostgresVersion::V15.minor(7)));
        assert!(is_deprecated("15.7"), "cfn-lint 1.58.0: RDS creates no 15.7 instance any more");
        assert!(!version_exists(PostgresVersion::V15.minor(99)));
        assert_eq!(PostgresVersion::V15.minor(7).engine_version(), "15.7");
        let current = PostgresVersion::V15.engine_version();
        assert!(current.starts_with("15.") && !is_deprecated(&current), "{current}");
        assert_eq!(PostgresVersion::V16.parameter_group_family(), "postgres16");
    }

    #[test]
    fn classes_are_checked_per_major_and_region_with_the_closest_in_the_hint() {
        assert_eq!(class_problem("db.t4g.medium", 15, "eu-west-1"), None);
        assert_eq!(class_problem("db.m6i.large", 15, "eu-central-1"), None);
        let (message, hint) = class_problem("db.t4g.mediun", 15, "eu-west-1").unwrap();
        assert_eq!(message, "instance class 'db.t4g.mediun' does not run PostgreSQL 15 on RDS");
        assert!(hint.starts_with("use one RDS offers, such as db.t4g.medium"), "{hint}");
        assert!(hint.contains("cfn-lint 1.58.0"), "{hint}");
        // A class of EC2 without the db. prefix.
        let (_, hint) = class_problem("m6i.large", 15, "eu-west-1").unwrap();
        assert!(hint.contains("db.m6i.large"), "{hint}");
    }
}
