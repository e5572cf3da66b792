//! Kubernetes objects for one cluster, and the late-bound values they carry.
//!
//! Objects are typed k8s-openapi values, serialized when added. A value only known after a
//! stack is deployed (an IAM role ARN, a repository URI) or at deploy time (an image tag from
//! the CI environment) is written as a **placeholder** string that strict schema validation
//! accepts wherever a string is allowed:
//!
//! * `((stackwright:ref:<construct path>))` — the `Ref` of the resource at that path;
//! * `((stackwright:ref:<construct path>.<attribute>))` — an `Fn::GetAtt`;
//! * `((stackwright:env:<VARIABLE>))` — an environment variable of the deploying process.
//!
//! Synth records every placeholder in the assembly with the stack output (created for it) or
//! variable that holds its value; the runtime substitutes them before applying. Placeholders
//! may stand inside a longer string (`((…RepositoryUri)):((stackwright:env:IMAGE_TAG))`), but
//! not in names, labels or numbers.

mod flows;
mod patch;
mod queries;

pub use flows::{FlowDeclaration, FlowEnd, WorkloadRef};

use std::any::TypeId;

use indexmap::IndexMap;
use serde::Serialize;

use crate::error::{Diagnostic, Error, Result};
use crate::names;
use crate::tree::{Construct, Node, TreeData};
use crate::value::Value;

/// The label synth puts on every object, so that the runtime can find what it owns.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// The label naming the app and cluster an object belongs to (used for pruning).
pub const OWNER_LABEL: &str = "stackwright.io/owner";
/// [`MANAGED_BY_LABEL`] as a JSON pointer into an object.
const MANAGED_BY_POINTER: &str = "/metadata/labels/app.kubernetes.io~1managed-by";
/// [`OWNER_LABEL`] as a JSON pointer into an object.
const OWNER_POINTER: &str = "/metadata/labels/stackwright.io~1owner";

/// Where the runtime finds a cluster: values (usually attributes of the cluster resource) that
/// synth exports as outputs of the cluster's stack.
#[derive(Debug, Clone)]
pub struct ClusterConnection {
    /// The cluster's name, as the EKS API knows it (for the authentication token).
    pub cluster_name: Value,
    /// The API server's HTTPS endpoint.
    pub endpoint: Value,
    /// The base64 certificate authority data the API server's certificate is checked against.
    pub certificate_authority: Value,
    /// The OIDC issuer URL (for service accounts that assume IAM roles).
    pub oidc_issuer: Value,
}

/// The clusters of one tree, in registration order. The tree keeps them in its extension slot
/// without knowing them, so that this module depends on the tree and not the reverse.
#[derive(Default)]
struct Clusters(Vec<ClusterData>);

/// The clusters registered in `tree`, in registration order.
pub(crate) fn clusters(tree: &TreeData) -> &[ClusterData] {
    tree.extension::<Clusters>().map_or(&[], |c| &c.0)
}

/// What synth needs of one cluster; written only by [`KubeCluster`].
pub(crate) struct ClusterData {
    name: String,
    node: usize,
    connection: ClusterConnection,
    objects: Vec<KubeObjectData>,
    bindings: IndexMap<String, LateSource>,
    flows: Vec<flows::Declared>,
}

impl ClusterData {
    /// The cluster's name, unique in its environment.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The node the cluster was registered at (in the stack that creates the cluster).
    pub(crate) fn node(&self) -> usize {
        self.node
    }

    /// Where the runtime finds the cluster.
    pub(crate) fn connection(&self) -> &ClusterConnection {
        &self.connection
    }

    /// The objects to apply, in the order they were added.
    pub(crate) fn objects(&self) -> &[KubeObjectData] {
        &self.objects
    }

    /// Placeholder → where its value comes from.
    pub(crate) fn bindings(&self) -> &IndexMap<String, LateSource> {
        &self.bindings
    }

    /// The connections declared at both ends, and a problem for each end without its partner.
    pub(crate) fn matched_flows(&self) -> (Vec<crate::assembly::FlowEntry>, Vec<Diagnostic>) {
        flows::match_flows(&self.flows)
    }
}

/// One object to apply, serialized when added; written only by [`KubeCluster::add`].
pub(crate) struct KubeObjectData {
    owner: usize,
    api_version: String,
    kind: String,
    namespace: Option<String>,
    name: String,
    body: serde_json::Value,
    metadata: serde_json::Map<String, serde_json::Value>,
}

impl KubeObjectData {
    /// The node of the construct that added the object.
    pub(crate) fn owner(&self) -> usize {
        self.owner
    }

    /// `apiVersion`, such as `apps/v1`.
    pub(crate) fn api_version(&self) -> &str {
        &self.api_version
    }

    /// `kind`, such as `Deployment`.
    pub(crate) fn kind(&self) -> &str {
        &self.kind
    }

    /// The namespace; `None` for cluster-scoped kinds.
    pub(crate) fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// `metadata.name`.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The object as JSON, with the ownership labels added.
    pub(crate) fn body(&self) -> &serde_json::Value {
        &self.body
    }

    /// Where the object came from and how it was changed (see
    /// [`KubeCluster::add_object_metadata`]); empty for the library's own objects.
    pub(crate) fn metadata(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.metadata
    }
}

/// Where a placeholder's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LateSource {
    /// A value of a stack, exported as an output by synth.
    Stack(Value),
    /// An environment variable of the deploying process.
    Environment(String),
}

/// The Kubernetes side of one cluster: the objects to apply to it.
#[derive(Clone, Debug)]
pub struct KubeCluster {
    node: Node,
    /// The cluster's place in the tree's cluster list; `None` for a rejected cluster.
    index: Option<usize>,
    name: String,
}

impl KubeCluster {
    /// Registers a cluster named `name` (unique in its environment; a DNS-1123 label) at
    /// `scope`, which must be in the stack that creates the cluster.
    ///
    /// # Errors
    /// When `scope` is not in a stack, `name` is not a DNS-1123 label or is taken by another
    /// cluster of the environment, or the ownership label (`<app>.<name>`) is longer than 63
    /// characters.
    pub fn new(scope: &impl Construct, name: &str, connection: ClusterConnection) -> Result<Self> {
        Self::check_name(scope, name)?;
        let node = scope.node().clone();
        let mut clusters = node.extension_mut::<Clusters>();
        let index = clusters.0.len();
        clusters.0.push(ClusterData {
            name: name.to_string(),
            node: node.index(),
            connection,
            objects: Vec::new(),
            bindings: IndexMap::new(),
            flows: Vec::new(),
        });
        drop(clusters);
        Ok(KubeCluster { node, index: Some(index), name: name.to_string() })
    }

    /// What [`new`](Self::new) would reject about registering `name` at `scope`, for a
    /// construct that checks its input before it adds anything.
    ///
    /// # Errors
    /// The first problem: `scope` is not in a stack, `name` is not a DNS-1123 label or is
    /// taken by another cluster of the environment, or the ownership label is too long.
    pub fn check_name(scope: &impl Construct, name: &str) -> Result<(), Diagnostic> {
        let node = scope.node();
        let path = node.path();
        let stack = node.stack().ok_or_else(|| {
            Diagnostic::new(
                path.clone(),
                "a Kubernetes cluster must be created inside a stack",
                "pass a stack (or a construct inside one) as the scope",
            )
        })?;
        if let Some(problem) = names::dns1123_label_problem(name) {
            return Err(Diagnostic::new(
                path,
                format!("invalid cluster name: {problem}"),
                "use lower-case letters, digits and '-'",
            ));
        }
        let owner_label = format!("{}.{name}", node.app_name());
        if owner_label.len() > 63 {
            return Err(Diagnostic::new(
                path,
                format!(
                    "the ownership label value '{owner_label}' (app name, '.', cluster name) is longer than 63 characters"
                ),
                "shorten the app name or the cluster name",
            ));
        }
        let env = stack.environment().node().index();
        let tree = node.data();
        if let Some(other) = clusters(&tree).iter().find(|c| c.name == name && tree.environment_of(c.node) == Some(env))
        {
            return Err(Diagnostic::new(
                path,
                format!("cluster name '{name}' is already used by '{}'", tree.path(other.node)),
                "give each cluster of an environment its own name",
            ));
        }
        Ok(())
    }

    /// The object set of a cluster whose construct was rejected (see
    /// [`Node::reject`](crate::Node::reject)): nothing is registered, objects added to it are
    /// dropped, and its placeholders are bound to nothing. The construct's problems are
    /// recorded, so synth fails before anything would be applied.
    #[must_use]
    pub fn rejected(construct: &impl Construct, name: &str) -> Self {
        KubeCluster { node: construct.node().clone(), index: None, name: name.to_string() }
    }

    /// The cluster's name.
    #[must_use]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Adds an object to apply to the cluster, owned by `owner` (whose path errors name).
    /// Namespaced kinds need a namespace; names must be DNS-1123 subdomains; the same kind,
    /// namespace and name twice is an error.
    ///
    /// # Errors
    /// When the name or namespace is invalid, a namespaced kind has no namespace (or a
    /// cluster-scoped one has), the object is already defined, or it cannot be serialized.
    pub fn add<K>(&self, owner: &impl Construct, object: &K) -> Result<()>
    where
        K: k8s_openapi::Resource
            + k8s_openapi::Metadata<Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>
            + Serialize
            + 'static,
    {
        let meta = object.metadata();
        let name = meta.name.clone().unwrap_or_default();
        let namespaced = TypeId::of::<K::Scope>() == TypeId::of::<k8s_openapi::NamespaceResourceScope>();
        let body = serde_json::to_value(object).map_err(|e| Error::Serialize {
            what: format!("{} '{name}' of {}", K::KIND, owner.node().path()),
            message: e.to_string(),
        })?;
        self.insert(owner.node(), K::API_VERSION, K::KIND, namespaced, body)
    }

    /// Adds an object given as JSON (a kind k8s-openapi does not know, such as a custom
    /// object), owned by `owner`: checked and labelled like [`add`](Self::add). `namespaced`
    /// says whether its kind is namespaced (for a custom object, its CRD's `spec.scope`).
    /// Whether the kind exists on the cluster is the caller's to check (see
    /// [`defines_custom_resource`](Self::defines_custom_resource)).
    ///
    /// # Errors
    /// As [`add`](Self::add), and when `body` has no string `apiVersion`, `kind` or
    /// `metadata.name`.
    pub fn add_dynamic(&self, owner: &impl Construct, body: serde_json::Value, namespaced: bool) -> Result<()> {
        let owner = owner.node();
        let field = |pointer: &str| body.pointer(pointer).and_then(serde_json::Value::as_str).map(str::to_string);
        let (Some(api_version), Some(kind)) = (field("/apiVersion"), field("/kind")) else {
            return Err(Diagnostic::new(
                owner.path(),
                "a Kubernetes object has no string apiVersion or kind",
                "set apiVersion and kind",
            )
            .into());
        };
        self.insert(owner, &api_version, &kind, namespaced, body)
    }

    /// Declares one end of a TCP connection between two workloads of this cluster, made by
    /// `owner` (whose path a problem names). Synth matches the ends: a connection declared at
    /// one end only is an error (the other end's NetworkPolicies would silently block it, see
    /// [`FlowDeclaration::hint`]); the matched ones are listed in the cluster's manifest entry
    /// ([`ClusterEntry::flows`](crate::assembly::ClusterEntry::flows)). Does nothing for a
    /// rejected cluster.
    pub fn declare_flow(&self, owner: &impl Construct, flow: FlowDeclaration) {
        let Some(index) = self.index else {
            return;
        };
        let path = owner.node().path();
        self.node.extension_mut::<Clusters>().0[index].flows.push(flows::Declared { path, flow });
    }

    /// Records `value` under `key` in the manifest entry of an object of this cluster (where
    /// it came from, how it was changed), so that `diff` can show it. Does nothing for a
    /// rejected cluster or an object it does not hold.
    pub fn add_object_metadata(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        key: &str,
        value: impl Into<serde_json::Value>,
    ) {
        let value = value.into();
        self.with_object(kind, namespace, name, |o| {
            o.metadata.insert(key.to_string(), value);
        });
    }

    /// Applies a JSON patch (RFC 6902, an array of operations) to the object of this cluster
    /// with `kind`, `namespace` and `name` — the escape hatch for a field a construct does not
    /// model. The patch is recorded in the object's manifest entry (`stackwright:patches`,
    /// with the path of `by`); the validators check the result after synth.
    ///
    /// # Errors
    /// When the cluster holds no such object, an operation fails (the object is then left
    /// unchanged), or the patch changes the object's apiVersion, kind, namespace, name or
    /// ownership labels.
    pub fn patch(
        &self,
        by: &impl Construct,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        json_patch: serde_json::Value,
    ) -> Result<()> {
        let path = by.node().path();
        let what = match namespace {
            Some(ns) => format!("{kind} '{ns}/{name}'"),
            None => format!("{kind} '{name}'"),
        };
        let fail =
            |message: String, hint: &str| -> Result<()> { Err(Diagnostic::new(path.clone(), message, hint).into()) };
        if self.index.is_none() {
            return Ok(());
        }
        let outcome = self.with_object(kind, namespace, name, |o| {
            let mut body = o.body.clone();
            patch::apply(&mut body, &json_patch)?;
            let identity = |b: &serde_json::Value| {
                ["/apiVersion", "/kind", "/metadata/name", "/metadata/namespace"]
                    .iter()
                    .chain([MANAGED_BY_POINTER, OWNER_POINTER].iter())
                    .map(|p| b.pointer(p).cloned())
                    .collect::<Vec<_>>()
            };
            if identity(&body) != identity(&o.body) {
                return Err("the patch changes the object's identity or ownership labels".to_string());
            }
            // The key is the patches' record: a program that stored its own value under it with
            // `add_object_metadata` is told so, and the object is left as it was.
            let record = o.metadata.entry("stackwright:patches").or_insert_with(|| serde_json::json!([]));
            let serde_json::Value::Array(patches) = record else {
                return Err("its metadata 'stackwright:patches' is not the list of patches (the key is reserved \
                     for the patches' record)"
                    .to_string());
            };
            patches.push(serde_json::json!({ "by": path, "patch": json_patch }));
            o.body = body;
            Ok(())
        });
        match outcome {
            None => fail(
                format!("cluster '{}' holds no {what} to patch", self.name),
                "patch an object the construct added: check its kind, namespace and name in the synthesized manifests",
            ),
            Some(Err(message)) => {
                fail(format!("cannot patch {what}: {message}"), "check the operations' paths against the object")
            }
            Some(Ok(())) => Ok(()),
        }
    }

    /// Calls `f` on the object with `kind`, `namespace` and `name`; `None` when the cluster is
    /// rejected or holds no such object.
    fn with_object<R>(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        f: impl FnOnce(&mut KubeObjectData) -> R,
    ) -> Option<R> {
        let index = self.index?;
        let mut clusters = self.node.extension_mut::<Clusters>();
        let object = clusters.0[index]
            .objects
            .iter_mut()
            .find(|o| o.kind == kind && o.namespace.as_deref() == namespace && o.name == name)?;
        Some(f(object))
    }

    /// Checks an object's name and namespace, adds the ownership labels and stores it.
    fn insert(
        &self,
        owner: &Node,
        api_version: &str,
        kind: &str,
        namespaced: bool,
        mut body: serde_json::Value,
    ) -> Result<()> {
        let path = owner.path();
        let fail =
            |message: String, hint: &str| -> Result<()> { Err(Diagnostic::new(path.clone(), message, hint).into()) };
        let field = |pointer: &str| body.pointer(pointer).and_then(serde_json::Value::as_str).map(str::to_string);
        let name = field("/metadata/name").unwrap_or_default();
        if let Some(problem) = names::dns1123_subdomain_problem(&name) {
            return fail(
                format!("{kind} name is invalid: {problem}"),
                "set metadata.name to a lower-case DNS-1123 name",
            );
        }
        let namespace = match (field("/metadata/namespace"), namespaced) {
            (Some(ns), true) => {
                if let Some(problem) = names::dns1123_label_problem(&ns) {
                    return fail(
                        format!("{kind} '{name}' has an invalid namespace: {problem}"),
                        "use a lower-case DNS-1123 label",
                    );
                }
                Some(ns)
            }
            (None, true) => {
                return fail(
                    format!("{kind} '{name}' is namespaced but has no metadata.namespace"),
                    "set metadata.namespace",
                );
            }
            (Some(_), false) => {
                return fail(
                    format!("{kind} '{name}' is cluster-scoped but has a metadata.namespace"),
                    "remove metadata.namespace",
                );
            }
            (None, false) => None,
        };
        let cluster_name = self.name();
        let owner_label = format!("{}.{cluster_name}", owner.app_name());
        if let Some(labels) = body.pointer_mut("/metadata").and_then(|m| m.as_object_mut()) {
            let labels = labels.entry("labels").or_insert_with(|| serde_json::json!({}));
            if let Some(labels) = labels.as_object_mut() {
                labels.insert(MANAGED_BY_LABEL.into(), "stackwright".into());
                labels.insert(OWNER_LABEL.into(), owner_label.into());
            }
        }
        let Some(index) = self.index else {
            return Ok(());
        };
        let mut clusters = self.node.extension_mut::<Clusters>();
        let cluster = &mut clusters.0[index];
        if cluster.objects.iter().any(|o| o.kind == kind && o.namespace == namespace && o.name == name) {
            drop(clusters);
            return fail(
                format!("{kind} '{name}' is already defined for cluster '{cluster_name}'"),
                "give the object another name",
            );
        }
        cluster.objects.push(KubeObjectData {
            owner: owner.index(),
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            namespace,
            name,
            body,
            metadata: serde_json::Map::new(),
        });
        Ok(())
    }

    /// A placeholder for a resource attribute (or `Ref`), substituted by the runtime from a
    /// stack output. Compose longer strings around it with `format!`.
    ///
    /// # Errors
    /// When `value` is not a `Ref` or `Fn::GetAtt` of a resource.
    pub fn late_bound(&self, value: impl Into<Value>) -> Result<String> {
        let value = value.into();
        let tree = self.node.data();
        let key = match &value {
            Value::Ref(n) => format!("ref:{}", tree.path(n.index)),
            Value::GetAtt(n, attribute) => format!("ref:{}.{attribute}", tree.path(n.index)),
            other => {
                return Err(Diagnostic::new(
                    tree.path(self.node.index()),
                    format!("only a resource reference or attribute can be late-bound into a manifest, not {other:?}"),
                    "late-bind the attribute itself and build the string around the placeholder with format!",
                )
                .into());
            }
        };
        drop(tree);
        Ok(self.bind(key, LateSource::Stack(value)))
    }

    /// A placeholder for an environment variable of the deploying process (for example the
    /// image tag CI sets). `variable` must be a valid shell variable name.
    ///
    /// # Errors
    /// When `variable` is not a valid shell variable name.
    pub fn from_environment(&self, variable: &str) -> Result<String> {
        let valid = variable.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && variable.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(Diagnostic::new(
                self.node.path(),
                format!("'{variable}' is not a valid environment variable name"),
                "use letters, digits and '_', not starting with a digit",
            )
            .into());
        }
        Ok(self.bind(format!("env:{variable}"), LateSource::Environment(variable.to_string())))
    }

    fn bind(&self, key: String, source: LateSource) -> String {
        let placeholder = format!("((stackwright:{key}))");
        if let Some(index) = self.index {
            self.node.extension_mut::<Clusters>().0[index].bindings.insert(placeholder.clone(), source);
        }
        placeholder
    }
}

/// The order objects are applied in (the reverse for deletes): what others need comes first.
/// Synth sorts the manifests by it and the runtime applies and deletes by it.
#[must_use]
pub fn apply_rank(kind: &str) -> u8 {
    match kind {
        "Namespace" => 0,
        "CustomResourceDefinition" => 1,
        "PriorityClass" | "StorageClass" | "IngressClass" => 2,
        "ServiceAccount" | "ClusterRole" | "Role" => 3,
        "ClusterRoleBinding" | "RoleBinding" => 4,
        "ConfigMap" | "Secret" | "PersistentVolumeClaim" | "ResourceQuota" | "LimitRange" => 5,
        "NetworkPolicy" => 6,
        // An aggregated API's Service is applied just before it: the APIService exists when
        // the Jobs that put its CA bundle in run.
        "Service" | "APIService" => 7,
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" => 8,
        "HorizontalPodAutoscaler" | "PodDisruptionBudget" => 9,
        "Ingress" => 10,
        _ => 11,
    }
}
