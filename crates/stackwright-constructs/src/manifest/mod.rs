//! Bringing Kubernetes YAML the library has no construct for: an upstream release manifest, a
//! chart rendered with `helm template`, a file of the team's own — with [`KubeManifest`].
//!
//! Included objects go through the cluster's object set like the library's own, so they get
//! the ownership labels, the apply order, pruning and readiness waits of every object.
//! Objects of a kind k8s-openapi knows are parsed into its types (a field of the wrong type is
//! an error at `file:line`); other kinds are custom objects, accepted only when their
//! CustomResourceDefinition is in the program (in the same YAML, or added before by another
//! construct) or declared installed on the cluster ([`KubeManifestProps::installed_crd`]).

mod documents;
mod include;
mod kinds;
mod props;

pub use include::{IncludedObject, KubeManifest};
pub use props::{CustomResourceKind, HelmChart, KubeManifestProps, ManifestSource};
