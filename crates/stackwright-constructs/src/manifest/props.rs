//! What [`KubeManifest`](super::KubeManifest) takes.

use std::path::PathBuf;

use indexmap::IndexMap;
use stackwright_core::Value;

/// Where the YAML comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ManifestSource {
    /// A file, read when the construct is created. A relative path is relative to the working
    /// directory of the program: build it from `env!("CARGO_MANIFEST_DIR")` to be independent
    /// of it.
    File(PathBuf),
    /// YAML text; `name` stands for the file in errors and metadata.
    Text {
        /// What errors call the text (`name:line`), such as `"operator.yaml"`.
        name: String,
        /// The YAML, one or more documents separated by `---` lines.
        yaml: String,
    },
}

/// The Helm chart a YAML was rendered from (`helm template`), recorded in the metadata of the
/// construct and of each object, so that a change of version shows in `diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmChart {
    /// The chart's name, such as `"cert-manager"`. Required.
    pub name: String,
    /// The chart's version, such as `"v1.16.2"`. Required.
    pub version: String,
}

impl HelmChart {
    /// The chart `name` at `version`.
    #[must_use]
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        HelmChart { name: name.into(), version: version.into() }
    }
}

/// A custom resource kind whose CustomResourceDefinition is installed on the cluster by
/// something other than this program (an EKS add-on, an operator installed by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomResourceKind {
    /// The API group, such as `"monitoring.coreos.com"`. Required.
    pub group: String,
    /// The kind, such as `"ServiceMonitor"`. Required.
    pub kind: String,
    /// Whether objects of the kind are namespaced. Default: true.
    pub namespaced: bool,
}

impl CustomResourceKind {
    /// The namespaced kind `kind` of API `group`.
    #[must_use]
    pub fn new(group: impl Into<String>, kind: impl Into<String>) -> Self {
        CustomResourceKind { group: group.into(), kind: kind.into(), namespaced: true }
    }

    /// Sets [`namespaced`](Self::namespaced).
    #[must_use]
    pub fn namespaced(mut self, namespaced: bool) -> Self {
        self.namespaced = namespaced;
        self
    }
}

/// Props of a [`KubeManifest`](super::KubeManifest).
///
/// Late-bound values: write `((name))` in the YAML for a value given with
/// [`value`](Self::value) (a resource attribute, such as a role ARN: substituted at deploy
/// time from a stack output), and `((stackwright:env:VARIABLE))` for an environment variable
/// of the deploying process. Both may stand inside a longer string, but not in names, labels
/// or numbers (see `stackwright_core::kube`).
#[derive(Debug, Clone, PartialEq)]
pub struct KubeManifestProps {
    /// The YAML. Required.
    pub source: ManifestSource,
    /// The Helm chart the YAML was rendered from. Default: none.
    pub chart: Option<HelmChart>,
    /// Custom resource kinds whose CRD is installed on the cluster (not in the program).
    /// Default: none.
    pub installed_crds: Vec<CustomResourceKind>,
    /// Values late-bound into the YAML as `((name))`. Default: none.
    pub values: IndexMap<String, Value>,
}

impl KubeManifestProps {
    /// The YAML of the file at `path`.
    #[must_use]
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self::of(ManifestSource::File(path.into()))
    }

    /// The YAML `yaml`, called `name` in errors and metadata.
    #[must_use]
    pub fn yaml(name: impl Into<String>, yaml: impl Into<String>) -> Self {
        Self::of(ManifestSource::Text { name: name.into(), yaml: yaml.into() })
    }

    fn of(source: ManifestSource) -> Self {
        KubeManifestProps { source, chart: None, installed_crds: Vec::new(), values: IndexMap::new() }
    }

    /// Sets [`chart`](Self::chart).
    #[must_use]
    pub fn chart(mut self, chart: HelmChart) -> Self {
        self.chart = Some(chart);
        self
    }

    /// Sets [`installed_crds`](Self::installed_crds).
    #[must_use]
    pub fn installed_crds(mut self, kinds: impl IntoIterator<Item = impl Into<CustomResourceKind>>) -> Self {
        self.installed_crds = kinds.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a namespaced custom resource kind installed on the cluster.
    #[must_use]
    pub fn installed_crd(mut self, group: impl Into<String>, kind: impl Into<String>) -> Self {
        self.installed_crds.push(CustomResourceKind::new(group, kind));
        self
    }

    /// Sets [`values`](Self::values).
    #[must_use]
    pub fn values(mut self, values: impl IntoIterator<Item = (impl Into<String>, impl Into<Value>)>) -> Self {
        self.values = values.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        self
    }

    /// Adds a value late-bound into the YAML as `((name))`.
    #[must_use]
    pub fn value(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.values.insert(name.into(), value.into());
        self
    }
}
