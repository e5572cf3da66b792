//! Copying cfn-lint's per-region list of EC2 instance types into the constructs crate, in a
//! compact text form (about a tenth of cfn-lint's JSON), so that `NodeGroup` can reject a type
//! the region does not offer.
//!
//! The list lives in `stackwright-constructs` (not beside the schemas in `stackwright-cfn`)
//! because that crate reads it with `include_str!`, which `cargo package` only ships for files
//! inside the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::Value as J;

use super::import::cfnlint_version;

/// cfn-lint's list of instance types per region, relative to the `cfnlint` package.
pub const CFNLINT_INSTANCE_TYPES: &str = "data/schemas/extensions/aws_ec2_instance/instancetype_enum.json";

/// The compact list, relative to the `stackwright-cfn` crate.
pub const INSTANCE_TYPES_FILE: &str = "../stackwright-constructs/data/ec2-instance-types.txt";

/// Families (`m6i`) and their sizes (`large`, `2xlarge`), each set sorted.
type Families = BTreeMap<String, BTreeSet<String>>;

/// Copies cfn-lint's per-region instance types from the `cfnlint` package in `cfnlint_dir` to
/// [`INSTANCE_TYPES_FILE`] below `crate_dir` in the compact form of
/// [`compact_instance_types`], with cfn-lint's version. Returns the number of regions.
///
/// # Errors
///
/// An unreadable or malformed cfn-lint file, or a file that cannot be written.
pub fn import_instance_types(cfnlint_dir: &Path, crate_dir: &Path) -> Result<usize, String> {
    let src = cfnlint_dir.join(CFNLINT_INSTANCE_TYPES);
    let json = fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    let version = cfnlint_version(cfnlint_dir)?;
    let (text, regions) = compact_instance_types(&json, &version).map_err(|e| format!("{}: {e}", src.display()))?;
    let dest = crate_dir.join(INSTANCE_TYPES_FILE);
    if let Some(dir) = dest.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(&dest, text).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(regions)
}

/// The compact text form of cfn-lint's `instancetype_enum.json` (an object of
/// `{"<region>": {"enum": ["m6i.large", …]}}`, plus an empty `all` and a `description`):
/// comment lines (`#`), then `cfn-lint <version>`, then a `*` line holding every family with
/// every size any region offers (`m6i:2xlarge,large,…`), then one line per region: the region
/// and its families, a bare family offering every size of the `*` line, `family:size,…` only
/// the sizes listed. Regions, families and sizes are sorted, so the output is deterministic.
/// Returns the text and the number of regions.
///
/// # Errors
///
/// Malformed JSON, a region without an `enum` list, or a name that is not `family.size`.
pub fn compact_instance_types(json: &str, version: &str) -> Result<(String, usize), String> {
    let doc: BTreeMap<String, J> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let mut regions: BTreeMap<&str, Families> = BTreeMap::new();
    let mut union = Families::new();
    for (region, entry) in &doc {
        // `description` is prose, `all` an empty list: neither is a region.
        if region == "description" || region == "all" {
            continue;
        }
        let names = entry.get("enum").and_then(J::as_array).ok_or_else(|| format!("{region}: no enum list"))?;
        let families = regions.entry(region).or_default();
        for name in names {
            let name = name.as_str().ok_or_else(|| format!("{region}: a name that is not a string"))?;
            let (family, size) = name
                .split_once('.')
                .filter(|(f, s)| !f.is_empty() && !s.is_empty() && !name.contains([' ', ':', ',']))
                .ok_or_else(|| format!("{region}: '{name}' is not family.size"))?;
            families.entry(family.to_string()).or_default().insert(size.to_string());
            union.entry(family.to_string()).or_default().insert(size.to_string());
        }
    }
    let join = |sizes: &BTreeSet<String>| sizes.iter().map(String::as_str).collect::<Vec<_>>().join(",");
    let mut out = format!(
        "# EC2 instance types offered per region, from cfn-lint {version} ({CFNLINT_INSTANCE_TYPES}).\n\
         # Written by `cargo run -p stackwright-cfn-codegen -- import`; do not edit.\n\
         # `*`: every family with every size; a region's bare family offers all of them.\n\
         cfn-lint {version}\n*"
    );
    for (family, sizes) in &union {
        out.push_str(&format!(" {family}:{}", join(sizes)));
    }
    out.push('\n');
    for (region, families) in &regions {
        out.push_str(region);
        for (family, sizes) in families {
            if union.get(family) == Some(sizes) {
                out.push_str(&format!(" {family}"));
            } else {
                out.push_str(&format!(" {family}:{}", join(sizes)));
            }
        }
        out.push('\n');
    }
    Ok((out, regions.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_offering_every_size_are_bare() {
        let json = r#"{"description": "x", "all": {"enum": []},
            "us-east-1": {"enum": ["m6i.large", "m6i.xlarge", "t3.medium"]},
            "eu-west-1": {"enum": ["m6i.large", "t3.medium"]}}"#;
        let (text, regions) = compact_instance_types(json, "1.2.3").unwrap();
        assert_eq!(regions, 2);
        let data: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            data,
            ["cfn-lint 1.2.3", "* m6i:large,xlarge t3:medium", "eu-west-1 m6i:large t3", "us-east-1 m6i t3"]
        );
    }

    /// The committed list names the pinned cfn-lint version and, when that cfn-lint is
    /// installed in `.venv/validators`, is exactly what `import` writes from it.
    #[test]
    fn the_committed_list_is_the_pinned_cfnlints() {
        let crate_dir = crate::cfn_crate_dir();
        let committed = fs::read_to_string(crate_dir.join(INSTANCE_TYPES_FILE)).unwrap();
        let pinned = fs::read_to_string(crate_dir.join(crate::SCHEMAS_DIR).join(crate::VERSION_FILE)).unwrap();
        assert!(committed.lines().any(|l| l == format!("cfn-lint {}", pinned.trim())), "re-run import");
        let lib = crate_dir.join("../../.venv/validators/lib");
        let installed =
            fs::read_dir(lib).into_iter().flatten().flatten().map(|e| e.path().join("site-packages/cfnlint"));
        for cfnlint in installed.filter(|p| p.join(CFNLINT_INSTANCE_TYPES).is_file()) {
            if cfnlint_version(&cfnlint).unwrap() == pinned.trim() {
                let json = fs::read_to_string(cfnlint.join(CFNLINT_INSTANCE_TYPES)).unwrap();
                assert_eq!(compact_instance_types(&json, pinned.trim()).unwrap().0, committed, "re-run import");
            }
        }
    }

    #[test]
    fn rejects_names_that_are_not_family_dot_size() {
        let err = compact_instance_types(r#"{"us-east-1": {"enum": ["m6i"]}}"#, "1").unwrap_err();
        assert!(err.contains("'m6i' is not family.size"), "{err}");
        assert!(compact_instance_types(r#"{"us-east-1": {}}"#, "1").is_err());
    }
}
