//! Copying the allowlisted schemas from an installed cfn-lint into `schemas/`.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde_json::Value as J;

use super::allowlist::{parse_allowlist, schema_file_name};
use crate::{ALLOWLIST, SCHEMAS_DIR, VERSION_FILE};

/// Copies the schema of every allowlisted type from an installed cfn-lint package
/// (`.../site-packages/cfnlint`) into `crate_dir/schemas/`, byte for byte, and records its
/// version. Schemas of types no longer listed are removed. Returns the copied type names.
///
/// # Errors
///
/// An unreadable allowlist or cfn-lint package, a type cfn-lint has no schema for, or a file
/// that cannot be written.
pub fn import_schemas(cfnlint_dir: &Path, crate_dir: &Path) -> Result<Vec<String>, String> {
    let read = |p: &Path| fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let types = parse_allowlist(&read(&crate_dir.join(ALLOWLIST))?)?;
    let data = cfnlint_dir.join("data/schemas");
    let providers: J = serde_json::from_str(&read(&data.join("providers/us-east-1.json"))?)
        .map_err(|e| format!("providers/us-east-1.json: {e}"))?;
    let version = cfnlint_version(cfnlint_dir)?;
    let dest = crate_dir.join(SCHEMAS_DIR);
    fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let mut wanted = BTreeSet::new();
    let mut copied = Vec::new();
    for type_name in &types {
        let hash = providers
            .get(type_name)
            .and_then(J::as_str)
            .ok_or_else(|| format!("cfn-lint {version} has no schema for {type_name} in us-east-1"))?;
        let src = data.join("resources").join(format!("{hash}.json"));
        let name = schema_file_name(type_name);
        fs::copy(&src, dest.join(&name)).map_err(|e| format!("{}: {e}", src.display()))?;
        wanted.insert(name);
        copied.push(type_name.clone());
    }
    for entry in fs::read_dir(&dest).map_err(|e| format!("{}: {e}", dest.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !wanted.contains(&name) {
            fs::remove_file(entry.path()).map_err(|e| e.to_string())?;
        }
    }
    fs::write(dest.join(VERSION_FILE), format!("{version}\n")).map_err(|e| e.to_string())?;
    Ok(copied)
}

/// The version of the cfn-lint package in `cfnlint_dir`, from its `version.py`.
pub(crate) fn cfnlint_version(cfnlint_dir: &Path) -> Result<String, String> {
    let file = cfnlint_dir.join("version.py");
    fs::read_to_string(&file)
        .map_err(|e| format!("{}: {e}", file.display()))?
        .lines()
        .find_map(|l| l.trim().strip_prefix("__version__"))
        .map(|v| v.trim_start_matches([' ', '=']).trim().trim_matches(['"', '\'']).to_string())
        .ok_or_else(|| "no __version__ in cfnlint/version.py".to_string())
}
