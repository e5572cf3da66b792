//! Every workspace member opts in to `[workspace.lints]` with `[lints] workspace = true`.

use std::path::Path;

use crate::workspace::Package;

/// The packages whose manifest lacks `[lints] workspace = true`: `name (manifest)`, the
/// manifest's path relative to `root`.
///
/// # Errors
/// A manifest that cannot be read or is not valid TOML.
pub(crate) fn not_opted_in(packages: &[Package], root: &Path) -> Result<Vec<String>, String> {
    let mut missing = Vec::new();
    for package in packages {
        if !opted_in(&package.manifest)? {
            let manifest = package.manifest.strip_prefix(root).unwrap_or(&package.manifest);
            missing.push(format!("{} ({})", package.name, manifest.display()));
        }
    }
    Ok(missing)
}

/// Whether the manifest at `path` has `[lints] workspace = true`.
fn opted_in(path: &Path) -> Result<bool, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let table: toml::Table = text.parse().map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
    let workspace = table.get("lints").and_then(|lints| lints.get("workspace"));
    Ok(workspace.and_then(toml::Value::as_bool) == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_packages_without_the_workspace_lints() {
        let dir = tempfile::tempdir().expect("tempdir");
        crate::modtree::fixture::write(
            dir.path(),
            &[
                ("in/Cargo.toml", "[package]\nname = \"in\"\n\n[lints]\nworkspace = true\n"),
                ("out/Cargo.toml", "[package]\nname = \"out\"\n"),
                ("off/Cargo.toml", "[package]\nname = \"off\"\n[lints]\nworkspace = false\n"),
            ],
        );
        let package = |name: &str| Package {
            name: name.to_owned(),
            manifest: dir.path().join(name).join("Cargo.toml"),
            targets: Vec::new(),
        };
        let missing = not_opted_in(&[package("in"), package("out"), package("off")], dir.path()).expect("readable");
        assert_eq!(missing, ["out (out/Cargo.toml)", "off (off/Cargo.toml)"]);
    }
}
