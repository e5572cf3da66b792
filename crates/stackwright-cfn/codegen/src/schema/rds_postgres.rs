//! Copying what cfn-lint knows about PostgreSQL on RDS into the constructs crate, in a compact
//! text form: the engine versions, the instance classes each major version supports, and the
//! classes each region offers — so that `Database` rejects a version or class that does not
//! exist before CloudFormation does, with the closest names in the hint.
//!
//! Like the EC2 list, it lives in `stackwright-constructs` because that crate reads it with
//! `include_str!` (which `cargo package` ships only for files inside the crate).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::Value as J;

use super::import::cfnlint_version;

/// cfn-lint's engine versions per engine, relative to the `cfnlint` package.
pub(crate) const CFNLINT_ENGINE_VERSIONS: &str = "data/schemas/extensions/aws_rds_dbinstance/engine_version.json";
/// cfn-lint's engine versions that can no longer create an instance.
pub(crate) const CFNLINT_DEPRECATED_VERSIONS: &str =
    "data/schemas/extensions/aws_rds_dbinstance/engine_version_deprecated.json";
/// cfn-lint's instance classes per engine and engine version.
pub(crate) const CFNLINT_CLASSES_BY_VERSION: &str = "data/schemas/extensions/aws_rds_dbinstance/db_instance_class.json";
/// cfn-lint's instance classes per region and engine.
pub(crate) const CFNLINT_CLASSES_BY_REGION: &str =
    "data/schemas/extensions/aws_rds_dbinstance/dbinstanceclass_enum.json";
/// The compact list, relative to the `stackwright-cfn` crate.
pub const RDS_POSTGRES_FILE: &str = "../stackwright-constructs/data/rds-postgres.txt";

const ENGINE: &str = "postgres";

/// Copies the PostgreSQL data from the `cfnlint` package in `cfnlint_dir` to
/// [`RDS_POSTGRES_FILE`] below `crate_dir` (see [`compact_rds_postgres`]). Returns the number
/// of regions.
///
/// # Errors
///
/// An unreadable or malformed cfn-lint file, or a file that cannot be written.
pub fn import_rds_postgres(cfnlint_dir: &Path, crate_dir: &Path) -> Result<usize, String> {
    let read = |rel: &str| {
        let p = cfnlint_dir.join(rel);
        let text = fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        serde_json::from_str::<J>(&text).map_err(|e| format!("{}: {e}", p.display()))
    };
    let version = cfnlint_version(cfnlint_dir)?;
    let (text, regions) = compact_rds_postgres(
        &read(CFNLINT_ENGINE_VERSIONS)?,
        &read(CFNLINT_DEPRECATED_VERSIONS)?,
        &read(CFNLINT_CLASSES_BY_VERSION)?,
        &read(CFNLINT_CLASSES_BY_REGION)?,
        &version,
    )?;
    let dest = crate_dir.join(RDS_POSTGRES_FILE);
    fs::write(&dest, text).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(regions)
}

/// The enum of `property` in the `then` of each rule of an `allOf` whose `if` has `Engine`
/// [`ENGINE`], with the `if`.
fn postgres_rules<'a>(doc: &'a J, property: &str) -> Vec<(&'a J, Vec<String>)> {
    rules_at(doc, "then", property)
}

/// The enum of `property` in the `at` part (`if` or `then`) of each PostgreSQL rule.
fn rules_at<'a>(doc: &'a J, at: &str, property: &str) -> Vec<(&'a J, Vec<String>)> {
    let rules = doc.get("allOf").and_then(J::as_array).map(Vec::as_slice).unwrap_or_default();
    rules
        .iter()
        .filter(|r| r.pointer("/if/properties/Engine/const").and_then(J::as_str) == Some(ENGINE))
        .filter_map(|r| {
            let values = r.pointer(&format!("/{at}/properties/{property}/enum"))?.as_array()?;
            let values = values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string).or_else(|| v.as_f64().map(|f| f.to_string())))
                .collect();
            Some((r.get("if")?, values))
        })
        .collect()
}

/// The major version an engine-version pattern of cfn-lint names: `^(15\.4\..+|15\.4)$` → 15.
fn pattern_major(pattern: &str) -> Option<u32> {
    let digits: String = pattern.trim_start_matches("^(").chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Classes grouped by family: `db.m6i:2xlarge,large db.t3:micro`.
fn grouped(classes: &BTreeSet<String>) -> String {
    let mut families: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for class in classes {
        let (family, size) = class.rsplit_once('.').unwrap_or((class, ""));
        families.entry(family).or_default().push(size);
    }
    families.iter().map(|(f, sizes)| format!("{f}:{}", sizes.join(","))).collect::<Vec<_>>().join(" ")
}

/// The compact text: comment lines (`#`), `cfn-lint <version>`, `versions <v>…` (PostgreSQL's
/// engine versions), `deprecated <v>…` (those that can no longer create an instance), one `major <n> <classes>` line per major version (the classes some
/// engine version of that major supports), one `region <name> <classes>` line per region (the
/// classes it offers PostgreSQL on, without a license model). Classes are written grouped by
/// family (`db.m6i:2xlarge,large`); everything sorted, so the output is deterministic. Returns
/// the text and the number of regions.
///
/// # Errors
///
/// A document without PostgreSQL rules.
pub fn compact_rds_postgres(
    versions: &J,
    deprecated: &J,
    classes_by_version: &J,
    classes_by_region: &J,
    cfnlint: &str,
) -> Result<(String, usize), String> {
    let engine_versions: BTreeSet<String> =
        postgres_rules(versions, "EngineVersion").into_iter().flat_map(|(_, v)| v).collect();
    if engine_versions.is_empty() {
        return Err(format!("{CFNLINT_ENGINE_VERSIONS}: no {ENGINE} engine versions"));
    }
    let mut majors: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    for (cond, classes) in postgres_rules(classes_by_version, "DBInstanceClass") {
        let pattern = cond.pointer("/properties/EngineVersion/pattern").and_then(J::as_str);
        // cfn-lint's PostgreSQL rules include a few MySQL versions (5.7, 8.0): a major with no
        // PostgreSQL engine version is left out.
        let known = |major: &u32| engine_versions.iter().any(|v| v.split('.').next() == Some(&major.to_string()));
        if let Some(major) = pattern.and_then(pattern_major).filter(known) {
            majors.entry(major).or_default().extend(classes);
        }
    }
    let mut regions: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (region, doc) in classes_by_region.as_object().into_iter().flatten() {
        for (cond, classes) in postgres_rules(doc, "DBInstanceClass") {
            // PostgreSQL has no license model; the rules with one are for other editions.
            if cond.pointer("/properties/LicenseModel") == Some(&J::Bool(false)) {
                regions.entry(region).or_default().extend(classes);
            }
        }
    }
    let numeric = |v: &&String| v.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
    let mut sorted: Vec<&String> = engine_versions.iter().collect();
    sorted.sort_by_key(numeric);
    let deprecated: BTreeSet<String> =
        rules_at(deprecated, "if", "EngineVersion").into_iter().flat_map(|(_, v)| v).collect();
    let mut old: Vec<&String> = deprecated.iter().collect();
    old.sort_by_key(numeric);
    let mut out = format!(
        "# PostgreSQL on RDS, from cfn-lint {cfnlint}: engine versions ({CFNLINT_ENGINE_VERSIONS}),\n\
         # deprecated versions ({CFNLINT_DEPRECATED_VERSIONS}),\n\
         # instance classes per major version ({CFNLINT_CLASSES_BY_VERSION}) and per region\n\
         # ({CFNLINT_CLASSES_BY_REGION}), classes grouped by family (`db.m6i:large,xlarge`).\n\
         # Written by `cargo run -p stackwright-cfn-codegen -- import`; do not edit.\n\
         cfn-lint {cfnlint}\nversions {}\ndeprecated {}\n",
        sorted.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "),
        old.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    );
    for (major, classes) in &majors {
        out.push_str(&format!("major {major} {}\n", grouped(classes)));
    }
    for (region, classes) in &regions {
        out.push_str(&format!("region {region} {}\n", grouped(classes)));
    }
    Ok((out, regions.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_majors_and_regions_are_compacted_for_postgres_only() {
        let versions = json!({"allOf": [
            {"if": {"properties": {"Engine": {"const": "postgres"}}}, "then": {"properties": {"EngineVersion": {"enum": ["15.10", "15.2", "16.1"]}}}},
            {"if": {"properties": {"Engine": {"const": "mysql"}}}, "then": {"properties": {"EngineVersion": {"enum": ["8.0"]}}}}
        ]});
        let deprecated = json!({"allOf": [
            {"if": {"properties": {"Engine": {"const": "postgres"}, "EngineVersion": {"enum": ["15.2"]}}}}
        ]});
        let by_version = json!({"allOf": [
            {"if": {"properties": {"Engine": {"const": "postgres"}, "EngineVersion": {"pattern": "^(15\\.2\\..+|15\\.2)$"}}},
             "then": {"properties": {"DBInstanceClass": {"enum": ["db.t3.micro", "db.m6i.large"]}}}},
            {"if": {"properties": {"Engine": {"const": "postgres"}, "EngineVersion": {"pattern": "^(15\\.10\\..+|15\\.10)$"}}},
             "then": {"properties": {"DBInstanceClass": {"enum": ["db.m6i.xlarge"]}}}}
        ]});
        let by_region = json!({"eu-west-1": {"allOf": [
            {"if": {"properties": {"Engine": {"const": "postgres"}, "LicenseModel": false}},
             "then": {"properties": {"DBInstanceClass": {"enum": ["db.t3.micro"]}}}},
            {"if": {"properties": {"Engine": {"const": "postgres"}, "LicenseModel": {"const": "x"}}},
             "then": {"properties": {"DBInstanceClass": {"enum": ["db.x9.huge"]}}}}
        ]}});
        let (text, regions) = compact_rds_postgres(&versions, &deprecated, &by_version, &by_region, "1.2.3").unwrap();
        assert_eq!(regions, 1);
        let data: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            data,
            [
                "cfn-lint 1.2.3",
                "versions 15.2 15.10 16.1",
                "deprecated 15.2",
                "major 15 db.m6i:large,xlarge db.t3:micro",
                "region eu-west-1 db.t3:micro"
            ]
        );
    }

    /// The committed list names the pinned cfn-lint version and, when that cfn-lint is
    /// installed in `.venv/validators`, is exactly what `import` writes from it.
    #[test]
    fn the_committed_list_is_the_pinned_cfnlints() {
        let crate_dir = crate::cfn_crate_dir();
        let committed = fs::read_to_string(crate_dir.join(RDS_POSTGRES_FILE)).unwrap();
        let pinned = fs::read_to_string(crate_dir.join(crate::SCHEMAS_DIR).join(crate::VERSION_FILE)).unwrap();
        assert!(committed.lines().any(|l| l == format!("cfn-lint {}", pinned.trim())), "re-run import");
        let lib = crate_dir.join("../../.venv/validators/lib");
        let installed =
            fs::read_dir(lib).into_iter().flatten().flatten().map(|e| e.path().join("site-packages/cfnlint"));
        for cfnlint in installed.filter(|p| p.join(CFNLINT_ENGINE_VERSIONS).is_file()) {
            if cfnlint_version(&cfnlint).unwrap() == pinned.trim() {
                let read =
                    |rel: &str| serde_json::from_str::<J>(&fs::read_to_string(cfnlint.join(rel)).unwrap()).unwrap();
                let (text, _) = compact_rds_postgres(
                    &read(CFNLINT_ENGINE_VERSIONS),
                    &read(CFNLINT_DEPRECATED_VERSIONS),
                    &read(CFNLINT_CLASSES_BY_VERSION),
                    &read(CFNLINT_CLASSES_BY_REGION),
                    pinned.trim(),
                )
                .unwrap();
                assert_eq!(text, committed, "re-run import");
            }
        }
    }
}
