//! The workspace's packages and their targets, as `cargo metadata` lists them.

use std::path::PathBuf;
use std::process::Command;

/// One workspace member.
#[derive(Debug)]
pub(crate) struct Package {
    /// Its name.
    pub(crate) name: String,
    /// Its `Cargo.toml`.
    pub(crate) manifest: PathBuf,
    /// Its targets (lib, bins, tests, examples, benches, build script).
    pub(crate) targets: Vec<Target>,
}

/// One Cargo target: a crate with its own module tree.
#[derive(Debug)]
pub(crate) struct Target {
    /// `lib`, `bin`, `test`, `example`, `bench` or `custom-build`.
    pub(crate) kind: String,
    /// The target's name.
    pub(crate) name: String,
    /// Its root file.
    pub(crate) root: PathBuf,
}

/// The workspace root and its members.
#[derive(Debug)]
pub(crate) struct Workspace {
    /// The folder of the root `Cargo.toml`.
    pub(crate) root: PathBuf,
    /// Every member, in `cargo metadata`'s order.
    pub(crate) packages: Vec<Package>,
}

/// Asks `cargo metadata` (no dependency resolution, no network) for the workspace around the
/// current folder.
///
/// # Errors
/// cargo cannot be run or its answer is not the expected JSON.
pub(crate) fn load() -> Result<Workspace, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: bad JSON: {e}"))?;
    parse(&json).ok_or_else(|| "cargo metadata: unexpected JSON".to_owned())
}

/// The workspace described by `cargo metadata --format-version 1` output.
fn parse(json: &serde_json::Value) -> Option<Workspace> {
    let root = PathBuf::from(json["workspace_root"].as_str()?);
    let mut packages = Vec::new();
    for package in json["packages"].as_array()? {
        let mut targets = Vec::new();
        for target in package["targets"].as_array()? {
            targets.push(Target {
                kind: target["kind"].get(0)?.as_str()?.to_owned(),
                name: target["name"].as_str()?.to_owned(),
                root: PathBuf::from(target["src_path"].as_str()?),
            });
        }
        packages.push(Package {
            name: package["name"].as_str()?.to_owned(),
            manifest: PathBuf::from(package["manifest_path"].as_str()?),
            targets,
        });
    }
    Some(Workspace { root, packages })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_packages_and_targets() {
        let json = serde_json::json!({
            "workspace_root": "/w",
            "packages": [{
                "name": "p",
                "manifest_path": "/w/Cargo.toml",
                "targets": [{ "kind": ["lib"], "name": "p", "src_path": "/w/src/lib.rs" }]
            }]
        });
        let ws = super::parse(&json).expect("valid");
        assert_eq!(ws.packages[0].targets[0].root, std::path::Path::new("/w/src/lib.rs"));
        assert_eq!(ws.packages[0].targets[0].kind, "lib");
    }
}
