//! The cloud assembly: the contract between synthesis and deployment.
//!
//! A directory holding `manifest.json` (described by [`Manifest`]), one
//! `<environment>-<stack>.template.json` per stack, the Kubernetes manifests of each cluster
//! under `k8s/<environment>-<cluster>/NN-<kind>-[<namespace>-]<name>.yaml`, and any extra files
//! constructs add (workflows, monitoring configuration). `deploy` can run from a directory
//! written earlier: CI synthesizes once, reviews the diff, deploys the same bytes.

use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The version of the assembly format this crate writes and reads.
pub const SCHEMA_VERSION: &str = "1";

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: String,
    /// `stackwright <version>` of the synthesizer.
    pub tool: String,
    pub app: String,
    pub environments: Vec<EnvironmentEntry>,
    /// Stacks in an order where every stack comes after the stacks it depends on.
    pub stacks: Vec<StackEntry>,
    pub clusters: Vec<ClusterEntry>,
    /// Extra files constructs wrote, relative to the assembly directory.
    pub files: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentEntry {
    pub id: String,
    pub account: String,
    pub region: String,
    pub production: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackEntry {
    /// `<environment>-<stack>`: unique in the assembly.
    pub id: String,
    pub environment: String,
    /// The CloudFormation stack name.
    pub stack_name: String,
    /// The template file, relative to the assembly directory.
    pub template: String,
    /// Ids of the stacks that must be deployed first.
    pub dependencies: Vec<String>,
    /// Parameters the runtime fills from other stacks' outputs.
    pub parameters: Vec<ParameterBinding>,
    pub termination_protection: bool,
    pub tags: IndexMap<String, String>,
    /// Logical id → construct path and type, for readable progress and diffs.
    pub resources: IndexMap<String, ResourceEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub path: String,
}

/// A consumer parameter and the producer output that fills it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterBinding {
    pub parameter: String,
    /// Id of the producing stack.
    pub stack: String,
    pub output: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterEntry {
    /// `<environment>-<name>`: the directory under `k8s/`.
    pub id: String,
    pub name: String,
    pub environment: String,
    /// Id of the stack that creates the cluster.
    pub stack: String,
    /// Names of that stack's outputs holding the connection data.
    pub outputs: ClusterOutputs,
    /// The manifests directory, relative to the assembly directory.
    pub directory: String,
    /// Objects in apply order.
    pub objects: Vec<ObjectEntry>,
    pub bindings: Vec<BindingEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterOutputs {
    pub cluster_name: String,
    pub endpoint: String,
    pub certificate_authority: String,
    pub oidc_issuer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectEntry {
    /// File name inside the cluster's directory.
    pub file: String,
    pub api_version: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    /// Construct path of the owner.
    pub path: String,
}

/// A placeholder in the manifests and where its value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BindingEntry {
    pub placeholder: String,
    pub source: BindingSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BindingSource {
    /// An output of a stack in the assembly.
    StackOutput { stack: String, output: String },
    /// An environment variable of the deploying process.
    Environment { variable: String },
}

impl Manifest {
    /// Reads `manifest.json` from an assembly directory.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join("manifest.json");
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            Error::invalid(
                path.display().to_string(),
                format!("not a stackwright assembly manifest: {e}"),
                "synthesize again with `synth --out DIR`",
            )
        })?;
        if manifest.schema_version != SCHEMA_VERSION {
            return Err(Error::invalid(
                path.display().to_string(),
                format!(
                    "assembly format {} is not supported (this build reads format {SCHEMA_VERSION})",
                    manifest.schema_version
                ),
                "synthesize again with this version of stackwright",
            ));
        }
        Ok(manifest)
    }

    pub fn stack(&self, id: &str) -> Option<&StackEntry> {
        self.stacks.iter().find(|s| s.id == id)
    }
}

/// A synthesized assembly, in memory: the manifest and every file's bytes.
#[derive(Debug, Clone)]
pub struct Assembly {
    pub manifest: Manifest,
    /// Relative path → contents, in a deterministic order (`manifest.json` not included).
    pub files: IndexMap<String, Vec<u8>>,
}

impl Assembly {
    /// The manifest as written to `manifest.json`.
    pub fn manifest_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.manifest).unwrap_or_default();
        s.push('\n');
        s
    }

    /// A file's contents as text.
    pub fn file(&self, relative_path: &str) -> Option<&str> {
        self.files.get(relative_path).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Writes the assembly to `dir`, replacing what was there only once every file is written:
    /// files go to a temporary sibling directory that is then renamed into place.
    pub fn write_to(&self, dir: &Path) -> Result<()> {
        let name = dir.file_name().ok_or_else(|| {
            Error::invalid(
                dir.display().to_string(),
                "the output path has no directory name",
                "pass a directory such as out/",
            )
        })?;
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let suffix = format!("{}.{}", name.to_string_lossy(), std::process::id());
        let staging = parent.join(format!(".{suffix}.new"));
        let previous = parent.join(format!(".{suffix}.old"));
        let _ = fs::remove_dir_all(&staging);
        let written = self.write_files(&staging);
        if let Err(e) = written {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        let had_previous = dir.exists();
        if had_previous {
            let _ = fs::remove_dir_all(&previous);
            fs::rename(dir, &previous).map_err(|e| Error::io(dir, e))?;
        }
        if let Err(e) = fs::rename(&staging, dir) {
            if had_previous {
                let _ = fs::rename(&previous, dir);
            }
            let _ = fs::remove_dir_all(&staging);
            return Err(Error::io(dir, e));
        }
        if had_previous {
            let _ = fs::remove_dir_all(&previous);
        }
        Ok(())
    }

    fn write_files(&self, root: &Path) -> Result<()> {
        fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        let manifest = self.manifest_json();
        let all = std::iter::once(("manifest.json", manifest.as_bytes()))
            .chain(self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
        for (relative, bytes) in all {
            let path = root.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}
