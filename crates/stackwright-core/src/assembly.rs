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

use crate::error::{Diagnostics, Error, Result};

/// The version of the assembly format this crate writes and reads.
pub const SCHEMA_VERSION: &str = "1";

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The assembly format ([`SCHEMA_VERSION`]): a reader refuses a format it does not know
    /// instead of misreading it.
    pub schema_version: String,
    /// `stackwright <version>` of the synthesizer.
    pub tool: String,
    /// The app's name, which prefixes every stack name.
    pub app: String,
    /// Every environment, in creation order.
    pub environments: Vec<EnvironmentEntry>,
    /// Stacks in an order where every stack comes after the stacks it depends on.
    pub stacks: Vec<StackEntry>,
    /// Every Kubernetes cluster with objects to apply.
    pub clusters: Vec<ClusterEntry>,
    /// Extra files constructs wrote, relative to the assembly directory.
    pub files: Vec<String>,
    /// The lookups the program made, answered from its context file, sorted by path: what
    /// the runtime's `context --refresh` asks AWS again. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lookups: Vec<crate::lookup::LookupRequest>,
}

/// An environment: where its stacks deploy, so that the runtime can check the credentials'
/// account before changing anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentEntry {
    /// The environment's id (the first part of its stacks' ids).
    pub id: String,
    /// The 12-digit AWS account id.
    pub account: String,
    /// The region code, such as `eu-west-1`.
    pub region: String,
    /// Whether the environment was marked production (its stacks get termination protection).
    pub production: bool,
}

/// A stack: its template and everything the runtime needs to deploy it in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackEntry {
    /// `<environment>-<stack>`: unique in the assembly.
    pub id: String,
    /// The id of the environment the stack deploys to.
    pub environment: String,
    /// The CloudFormation stack name.
    pub stack_name: String,
    /// The template file, relative to the assembly directory.
    pub template: String,
    /// Ids of the stacks that must be deployed first.
    pub dependencies: Vec<String>,
    /// Parameters the runtime fills from other stacks' outputs.
    pub parameters: Vec<ParameterBinding>,
    /// Whether the runtime turns termination protection on.
    pub termination_protection: bool,
    /// Tags the runtime applies to the stack (and CloudFormation to its resources).
    pub tags: IndexMap<String, String>,
    /// Logical id → construct path and type, for readable progress and diffs.
    pub resources: IndexMap<String, ResourceEntry>,
    /// The constructs of this stack the program declares moved (see
    /// [`Node::moved_from`](crate::Node::moved_from)), in declaration order; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<MoveEntry>,
    /// The resources of this stack that exist already and are imported into it (see
    /// `stackwright_cfn::ImportExisting`), in declaration order; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<ImportEntry>,
}

/// A resource the stack adopts with a CloudFormation import instead of creating it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEntry {
    /// Its logical id in the template.
    pub logical_id: String,
    /// Its type, such as `AWS::IAM::Role`.
    pub resource_type: String,
    /// The primary identifier properties of the existing resource, and their values.
    pub identifier: IndexMap<String, String>,
    /// Its construct path.
    pub path: String,
}

/// A construct the program declares moved: where it was, where it is, and the resources that
/// kept their logical ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveEntry {
    /// The construct's old path.
    pub from: String,
    /// The construct's path now.
    pub to: String,
    /// Id of the stack the old path is in: this stack's own id for a move inside the stack;
    /// another stack's for a move the runtime makes with CloudFormation stack refactoring.
    pub from_stack: String,
    /// The logical ids of the resources below the construct (the same in both stacks).
    pub logical_ids: Vec<String>,
}

impl MoveEntry {
    /// Whether the move crosses stacks (the runtime refactors) rather than staying inside one
    /// (nothing to do: the template is unchanged).
    #[must_use]
    pub fn across_stacks(&self, stack_id: &str) -> bool {
        self.from_stack != stack_id
    }
}

/// What a logical id stands for, so that progress and diffs name constructs, not ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceEntry {
    /// The CloudFormation type, such as `AWS::EC2::VPC`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The construct path of the resource.
    pub path: String,
}

/// A consumer parameter and the producer output that fills it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterBinding {
    /// The parameter of the consuming stack.
    pub parameter: String,
    /// Id of the producing stack.
    pub stack: String,
    /// The output of the producing stack that holds the value.
    pub output: String,
}

/// A Kubernetes cluster: how to reach it and what to apply to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterEntry {
    /// `<environment>-<name>`: the directory under `k8s/`.
    pub id: String,
    /// The cluster's name, unique in its environment (part of the ownership label).
    pub name: String,
    /// The id of the environment the cluster is in.
    pub environment: String,
    /// Id of the stack that creates the cluster.
    pub stack: String,
    /// Names of that stack's outputs holding the connection data.
    pub outputs: ClusterOutputs,
    /// The manifests directory, relative to the assembly directory.
    pub directory: String,
    /// Objects in apply order.
    pub objects: Vec<ObjectEntry>,
    /// The placeholders in the objects and where their values come from.
    pub bindings: Vec<BindingEntry>,
    /// The pod-to-pod connections the program declares at both ends, one per port, sorted
    /// (see [`KubeCluster::declare_flow`](crate::KubeCluster::declare_flow)); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<FlowEntry>,
}

/// A connection between two workloads of a cluster that the program declares at both ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowEntry {
    /// The workload opening it, `<namespace>/<name>`.
    pub from: String,
    /// The workload accepting it, `<namespace>/<name>`.
    pub to: String,
    /// `TCP`.
    pub protocol: String,
    /// The destination port.
    pub port: u16,
}

/// The outputs of the cluster's stack that hold its connection data (see
/// [`ClusterConnection`](crate::ClusterConnection)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterOutputs {
    /// The output holding the cluster's name.
    pub cluster_name: String,
    /// The output holding the API server endpoint.
    pub endpoint: String,
    /// The output holding the base64 certificate authority data.
    pub certificate_authority: String,
    /// The output holding the OIDC issuer URL.
    pub oidc_issuer: String,
}

/// One Kubernetes object: its file, and what identifies it on the cluster (for applying and
/// pruning without reading the file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectEntry {
    /// File name inside the cluster's directory.
    pub file: String,
    /// `apiVersion`, such as `apps/v1`.
    pub api_version: String,
    /// `kind`, such as `Deployment`.
    pub kind: String,
    /// The namespace; absent for cluster-scoped kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
    /// Construct path of the owner.
    pub path: String,
    /// Where the object came from (an included file, a Helm chart) and how it was changed (JSON
    /// patches, with the path of the construct that applied each); absent for the library's
    /// own objects.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// A placeholder in the manifests and where its value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BindingEntry {
    /// The placeholder as written in the objects, such as `((stackwright:env:IMAGE_TAG))`.
    pub placeholder: String,
    /// Where the runtime reads the value that replaces it.
    pub source: BindingSource,
}

/// Where the value of a placeholder comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BindingSource {
    /// An output of a stack in the assembly.
    StackOutput {
        /// Id of the stack.
        stack: String,
        /// Name of the output.
        output: String,
    },
    /// An environment variable of the deploying process.
    Environment {
        /// Name of the variable.
        variable: String,
    },
}

impl Manifest {
    /// Reads `manifest.json` from an assembly directory.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; [`Error::Invalid`] when it is not a
    /// manifest, or one of another format version.
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

    /// The stack with artifact id `id` (`<environment>-<stack>`).
    #[must_use]
    pub fn stack(&self, id: &str) -> Option<&StackEntry> {
        self.stacks.iter().find(|s| s.id == id)
    }
}

/// A synthesized assembly, in memory: the manifest and every file's bytes.
#[derive(Debug, Clone)]
pub struct Assembly {
    /// What the assembly holds, as written to `manifest.json`.
    pub manifest: Manifest,
    /// Relative path → contents, in a deterministic order (`manifest.json` not included).
    pub files: IndexMap<String, Vec<u8>>,
    /// What synth noticed that is valid but likely not meant, in tree order (recorded with
    /// [`Node::warn`](crate::Node::warn)); never written to the assembly's files. Print them
    /// with [`crate::report::render_warnings`]; see [`warnings_as_errors`](Self::warnings_as_errors).
    pub warnings: Diagnostics,
}

impl Assembly {
    /// The assembly when synth recorded no warning; otherwise every warning as an error
    /// (`--strict`: a CI that wants no surprise fails instead of printing them).
    ///
    /// # Errors
    /// [`Error::Invalid`] listing the warnings, when there is one.
    pub fn warnings_as_errors(mut self) -> Result<Self> {
        let warnings = std::mem::take(&mut self.warnings);
        warnings.into_result(self)
    }

    /// The manifest as written to `manifest.json`. (A manifest always serializes — its maps
    /// have string keys — but [`write_to`](Self::write_to) still checks, so that it never
    /// writes an empty `manifest.json`.)
    pub fn manifest_json(&self) -> String {
        self.try_manifest_json().unwrap_or_default()
    }

    fn try_manifest_json(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(&self.manifest)
            .map_err(|e| Error::Serialize { what: "manifest.json".into(), message: e.to_string() })?;
        s.push('\n');
        Ok(s)
    }

    /// A file's contents as text.
    pub fn file(&self, relative_path: &str) -> Option<&str> {
        self.files.get(relative_path).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Writes the assembly to `dir`, replacing what was there only once every file is written:
    /// files go to a temporary sibling directory that is then renamed into place.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `dir` has no directory name; [`Error::Io`] when a file or
    /// directory cannot be written or renamed (the previous contents of `dir` are then left
    /// in place).
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
        let manifest = self.try_manifest_json()?;
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
