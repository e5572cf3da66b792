//! [`KubeManifest`]: Kubernetes YAML included into a cluster.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value as Json;
use stackwright_core::{Construct, KubeCluster, Node, Problems, Result};

use super::documents::{self, Document};
use super::kinds;
use super::props::{KubeManifestProps, ManifestSource};
use crate::workload::WorkloadCluster;

/// One object of an included YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludedObject {
    /// `apiVersion`, such as `apps/v1`.
    pub api_version: String,
    /// `kind`, such as `Deployment`.
    pub kind: String,
    /// The namespace; `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
}

/// Kubernetes YAML (files or text, such as `helm template` output or an upstream release
/// manifest) applied to a cluster with the library's own objects.
///
/// ```no_run
/// # use stackwright_constructs::{EksCluster, HelmChart, KubeManifest, KubeManifestProps};
/// # fn f(stack: &stackwright_core::Stack, cluster: &EksCluster) -> stackwright_core::Result<()> {
/// let manifest = KubeManifest::new(
///     stack,
///     "CertManager",
///     cluster,
///     KubeManifestProps::file(concat!(env!("CARGO_MANIFEST_DIR"), "/k8s/cert-manager.yaml"))
///         .chart(HelmChart::new("cert-manager", "v1.16.2")),
/// )?;
/// # Ok(()) }
/// ```
pub struct KubeManifest {
    node: Node,
    objects: Vec<IncludedObject>,
}

/// A checked document, ready to add.
struct Parsed {
    document: usize,
    body: Json,
    namespaced: bool,
}

impl KubeManifest {
    /// Reads and checks the YAML of `props` and adds its objects to `cluster`, owned by the
    /// construct `id` below `scope`.
    ///
    /// Recorded problems (the handle comes back rejected): a file that cannot be read, a
    /// document that does not parse (at `file:line`), a document that is not an object with
    /// `apiVersion`, `kind` and `metadata.name`, a custom kind with no CRD in the program and
    /// none declared installed, an object another construct already defines; and a rejected
    /// cluster.
    ///
    /// # Errors
    /// When `scope` is in no environment.
    pub fn new(
        scope: &impl Construct,
        id: &str,
        cluster: &impl WorkloadCluster,
        props: KubeManifestProps,
    ) -> Result<Self> {
        let mut problems = Problems::for_child(scope, id);
        problems.place("a KubeManifest")?;
        let (name, recorded, text) = read(&props.source, &mut problems);
        let kube = cluster.kube();
        let parsed = check(&name, &text, &props, kube, &mut problems);
        let node = problems.add_node();
        if node.is_rejected() {
            return Ok(KubeManifest { node, objects: Vec::new() });
        }
        if cluster.node().is_rejected() {
            node.reject_because_of(cluster);
            return Ok(KubeManifest { node, objects: Vec::new() });
        }
        let recorded = recorded.unwrap_or_else(|| {
            node.warn(
                format!("the assembly records the absolute path '{name}', which differs between checkouts"),
                "keep the file inside the program's Cargo package (its path is then recorded relative to the package), or give a relative path",
            );
            name.clone()
        });
        let mut source = serde_json::Map::new();
        source.insert("file".into(), recorded.into());
        if let Some(chart) = &props.chart {
            source.insert("chart".into(), chart.name.clone().into());
            source.insert("version".into(), chart.version.clone().into());
        }
        node.add_metadata("stackwright:source", Json::Object(source.clone()));
        let source = |document: usize| {
            let mut source = source.clone();
            source.insert("document".into(), document.into());
            Json::Object(source)
        };
        let mut objects = Vec::new();
        let mut failed = Vec::new();
        for p in parsed {
            let object = identify(&p.body);
            match kube.add_dynamic(&node, p.body, p.namespaced) {
                Ok(()) => {
                    let ns = object.namespace.as_deref();
                    kube.add_object_metadata(&object.kind, ns, &object.name, "stackwright:source", source(p.document));
                    objects.push(object);
                }
                Err(e) => failed.extend(e.diagnostics().iter().cloned()),
            }
        }
        if !failed.is_empty() {
            node.reject(failed);
        }
        Ok(KubeManifest { node, objects })
    }

    /// The objects included, in the order of the YAML.
    #[must_use]
    pub fn objects(&self) -> &[IncludedObject] {
        &self.objects
    }
}

impl Construct for KubeManifest {
    fn node(&self) -> &Node {
        &self.node
    }
}

/// The name errors use for the source, and its text (empty when it cannot be read).
/// The text of the source, the name errors call it by, and the name the assembly records
/// (`None`: an absolute path outside every Cargo package, see [`recorded_name`]).
fn read(source: &ManifestSource, problems: &mut Problems) -> (String, Option<String>, String) {
    match source {
        ManifestSource::Text { name, yaml } => (name.clone(), Some(name.clone()), yaml.clone()),
        ManifestSource::File(path) => {
            let name = path.display().to_string();
            let recorded = recorded_name(path);
            match std::fs::read_to_string(path) {
                Ok(text) => (name, recorded, text),
                Err(e) => {
                    problems.push(
                        format!("cannot read '{name}': {e}"),
                        "check the path (a relative one is relative to the working directory; build it from env!(\"CARGO_MANIFEST_DIR\"))",
                    );
                    (name, recorded, String::new())
                }
            }
        }
    }
}

/// The path the assembly records for an included file: as given when relative; when absolute
/// (such as one built from `env!("CARGO_MANIFEST_DIR")`), relative to the Cargo package the file
/// is in (the nearest directory above it with a `Cargo.toml`), so that the assembly is the same
/// on every checkout. `None` for an absolute path outside every package.
fn recorded_name(path: &Path) -> Option<String> {
    if path.is_relative() {
        return Some(path.display().to_string());
    }
    let package = path.ancestors().skip(1).find(|dir| dir.join("Cargo.toml").is_file())?;
    let relative = path.strip_prefix(package).ok()?;
    Some(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

/// The identity of an object whose body passed the checks.
fn identify(body: &Json) -> IncludedObject {
    let field = |p: &str| body.pointer(p).and_then(Json::as_str).map(str::to_string);
    IncludedObject {
        api_version: field("/apiVersion").unwrap_or_default(),
        kind: field("/kind").unwrap_or_default(),
        namespace: field("/metadata/namespace"),
        name: field("/metadata/name").unwrap_or_default(),
    }
}

/// Substitutes the late-bound values into each document and checks it; the documents to add.
fn check(
    name: &str,
    text: &str,
    props: &KubeManifestProps,
    kube: &KubeCluster,
    problems: &mut Problems,
) -> Vec<Parsed> {
    let documents: Vec<Document> = documents::split(text).into_iter().filter(|d| !d.is_empty()).collect();
    let mut bodies = Vec::new();
    for mut document in documents {
        match substitute(&document.text, props, kube) {
            Ok(text) => document.text = text,
            Err(e) => problems.extend(e.diagnostics().iter().cloned()),
        }
        match serde_saphyr::from_str::<Json>(&document.text) {
            Ok(body) => bodies.push((document, body)),
            Err(e) => {
                let line = document.file_line(e.location().map_or(1, |l| l.line()));
                problems.push(
                    format!("{name}:{line} (document {}) is not valid YAML: {e}", document.index),
                    "fix the YAML at that line",
                );
            }
        }
    }
    // CRDs of the same YAML count wherever they stand in it.
    let mut crds: HashMap<(String, String), bool> =
        props.installed_crds.iter().map(|k| ((k.group.clone(), k.kind.clone()), k.namespaced)).collect();
    for (_, body) in &bodies {
        if body.get("kind").and_then(Json::as_str) == Some("CustomResourceDefinition") {
            let field = |p: &str| body.pointer(p).and_then(Json::as_str).unwrap_or_default().to_string();
            crds.insert((field("/spec/group"), field("/spec/names/kind")), field("/spec/scope") != "Cluster");
        }
    }
    let mut parsed = Vec::new();
    for (document, body) in bodies {
        let at = format!("{name}:{} (document {})", document.first_line, document.index);
        let field = |p: &str| body.pointer(p).and_then(Json::as_str).map(str::to_string);
        let (Some(api_version), Some(kind)) = (field("/apiVersion"), field("/kind")) else {
            problems.push(format!("{at} has no apiVersion or kind"), "every document must be a Kubernetes object");
            continue;
        };
        let namespaced = if let Some(check) = kinds::known(&api_version, &kind) {
            match check(&document.text) {
                Ok(namespaced) => namespaced,
                Err(e) => {
                    let line = document.file_line(e.line.unwrap_or(1));
                    problems.push(
                        format!("{name}:{line} (document {}): {kind} does not parse: {}", document.index, e.message),
                        format!("fix the field at that line against the {api_version} {kind} schema"),
                    );
                    continue;
                }
            }
        } else {
            let group = api_version.rsplit_once('/').map_or("", |(g, _)| g).to_string();
            let declared = crds.get(&(group.clone(), kind.clone())).copied();
            match declared.or_else(|| kube.defines_custom_resource(&group, &kind)) {
                Some(namespaced) => namespaced,
                None if kinds::is_builtin_group(&api_version) => {
                    problems.push(
                        format!("{at}: {api_version} {kind} is not a Kubernetes kind stackwright knows"),
                        "use an API version the cluster's Kubernetes version serves (such as autoscaling/v2, policy/v1), or include the kind's CRD if it is one",
                    );
                    continue;
                }
                None => {
                    problems.push(
                        format!("{at}: {api_version} {kind} is not a known kind and its CustomResourceDefinition is not in the program"),
                        format!("include the CRD of {kind} (in this YAML or another KubeManifest added before), or declare it installed with .installed_crd(\"{group}\", \"{kind}\")"),
                    );
                    continue;
                }
            }
        };
        parsed.push(Parsed { document: document.index, body, namespaced });
    }
    parsed
}

/// `text` with each `((name))` of the props' values replaced by its placeholder, and each
/// `((stackwright:env:VARIABLE))` registered with the cluster.
fn substitute(text: &str, props: &KubeManifestProps, kube: &KubeCluster) -> Result<String> {
    let mut out = text.to_string();
    for (name, value) in &props.values {
        let marker = format!("(({name}))");
        if out.contains(&marker) {
            out = out.replace(&marker, &kube.late_bound(value.clone())?);
        }
    }
    let mut rest = out.as_str();
    while let Some(start) = rest.find("((stackwright:env:") {
        let after = &rest[start + "((stackwright:env:".len()..];
        let Some(end) = after.find("))") else { break };
        kube.from_environment(&after[..end])?;
        rest = &after[end..];
    }
    Ok(out)
}
