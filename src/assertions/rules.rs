//! Ready-made platform rules, checked on a whole assembly:
//!
//! - `no-custom-resources`: no `AWS::CloudFormation::CustomResource` or `Custom::*` resource.
//!   Its `ServiceToken` runs code the platform deploys and keeps (a Lambda function, or
//!   whatever reads an SNS topic) outside CloudFormation's own resource types; the rule
//!   refuses both kinds, since a template does not say which one a token is.
//! - `iam-wildcards-have-reasons`: an `Allow` statement whose action is `*` or `service:*`
//!   (prefix patterns such as `kms:GenerateDataKey*` are not wildcards here, as in the
//!   constructs' own check), whose resource is `*` in an identity policy (in a resource
//!   policy, with a `Principal`, `*` means the resource itself), or that uses `NotAction` or
//!   `NotResource`, needs its reason recorded in the resource's Metadata under
//!   [`WILDCARDS_METADATA`] (what
//!   [`Statement::allow_wildcard`](stackwright_constructs::Statement::allow_wildcard) and
//!   [`record_wildcard_reasons`](stackwright_constructs::record_wildcard_reasons) write).
//!   Policy documents rendered as JSON text (`Fn::Sub`) are not read.
//! - `images-pinned`: every container image of every Kubernetes object is named by digest
//!   (`@sha256:…`, or a digest from the environment), or by a tag of an ECR repository with
//!   immutable tags as the assembly records it: the repository's resource in a template
//!   (`ImageTagMutability: IMMUTABLE`), or, for a referenced repository declared immutable,
//!   the workload's `checkov.io/skip1: CKV_K8S_43=…` annotation.
//! - `log-groups-have-retention`: every `AWS::Logs::LogGroup` sets `RetentionInDays`.
//!
//! ```
//! # fn check(assembly: &stackwright::core::Assembly) -> Result<(), stackwright::assertions::AssertionError> {
//! use stackwright::assertions::rules::PlatformRules;
//! PlatformRules::new()
//!     .allow_unpinned_images("registry.k8s.io/autoscaling/", "no registry access to resolve the digest yet")
//!     .check(assembly)
//! # }
//! ```

use serde_json::Value;
use stackwright_constructs::WILDCARDS_METADATA;
use stackwright_core::Assembly;

use super::Assertions;
use super::error::{AssertionError, Violation};
use super::kubernetes::{Cluster, KubeObject};
use super::template::{FoundResource, StackTemplate};

/// The annotation value with which a workload records that its image tag is one of an ECR
/// repository with immutable tags (see the module docs).
const IMMUTABLE_TAG_RECORD: &str = "CKV_K8S_43=the image is named by a tag of an ECR repository with immutable tags";

/// The rules, with the exceptions a platform accepts (each with its written reason).
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct PlatformRules {
    unpinned: Vec<(String, String)>,
}

impl PlatformRules {
    /// Every rule, no exception.
    pub fn new() -> Self {
        PlatformRules::default()
    }

    /// Accepts images whose name starts with `prefix` without a pin, for `reason` (kept in
    /// the test, next to the exception). An empty reason is itself a violation.
    pub fn allow_unpinned_images(mut self, prefix: &str, reason: &str) -> Self {
        self.unpinned.push((prefix.to_string(), reason.to_string()));
        self
    }

    /// Checks every rule on `assembly`.
    ///
    /// # Errors
    /// [`AssertionError::Rules`] listing every violation (rule, construct path or object,
    /// what is wrong and how to fix it); [`AssertionError::Unreadable`] when a file of the
    /// assembly cannot be read.
    pub fn check(&self, assembly: &Assembly) -> Result<(), AssertionError> {
        let assertions = Assertions::new(assembly);
        let (stacks, clusters) = (assertions.stacks()?, assertions.clusters()?);
        let mut out = Vec::new();
        for stack in &stacks {
            for resource in stack.resources() {
                custom_resource(&resource, &mut out);
                iam_wildcards(&resource, &mut out);
                log_group(&resource, &mut out);
            }
        }
        for (prefix, reason) in &self.unpinned {
            if reason.trim().is_empty() {
                out.push(Violation {
                    rule: "images-pinned",
                    subject: format!("the exception for images '{prefix}*'"),
                    message: "has no reason: say why these images cannot be pinned".into(),
                });
            }
        }
        for cluster in &clusters {
            self.images(cluster, &stacks, &mut out);
        }
        if out.is_empty() { Ok(()) } else { Err(AssertionError::Rules(out)) }
    }

    fn images(&self, cluster: &Cluster, stacks: &[StackTemplate], out: &mut Vec<Violation>) {
        for object in cluster.objects() {
            let mut containers = Vec::new();
            collect_containers(object.json(), &mut containers);
            for (name, image) in containers {
                if !self.unpinned.iter().any(|(prefix, _)| image.starts_with(prefix.as_str()))
                    && !is_pinned(image, object, stacks)
                {
                    out.push(Violation {
                        rule: "images-pinned",
                        subject: object.subject(),
                        message: format!(
                            "container '{name}' runs '{image}', a tag that can move: pin a digest \
                             (ImageReference::Digest), or use an ECR repository with immutable tags"
                        ),
                    });
                }
            }
        }
    }
}

/// Checks only `no-custom-resources` on `assembly`.
///
/// # Errors
/// As [`PlatformRules::check`].
pub fn no_custom_resources(assembly: &Assembly) -> Result<(), AssertionError> {
    per_resource(assembly, custom_resource)
}

/// Checks only `iam-wildcards-have-reasons` on `assembly`.
///
/// # Errors
/// As [`PlatformRules::check`].
pub fn iam_wildcards_have_reasons(assembly: &Assembly) -> Result<(), AssertionError> {
    per_resource(assembly, iam_wildcards)
}

/// Checks only `log-groups-have-retention` on `assembly`.
///
/// # Errors
/// As [`PlatformRules::check`].
pub fn log_groups_have_retention(assembly: &Assembly) -> Result<(), AssertionError> {
    per_resource(assembly, log_group)
}

/// Checks only `images-pinned` on `assembly`, without exceptions.
///
/// # Errors
/// As [`PlatformRules::check`].
pub fn images_pinned(assembly: &Assembly) -> Result<(), AssertionError> {
    let assertions = Assertions::new(assembly);
    let (stacks, clusters) = (assertions.stacks()?, assertions.clusters()?);
    let mut out = Vec::new();
    for cluster in &clusters {
        PlatformRules::new().images(cluster, &stacks, &mut out);
    }
    if out.is_empty() { Ok(()) } else { Err(AssertionError::Rules(out)) }
}

fn per_resource(assembly: &Assembly, rule: fn(&FoundResource<'_>, &mut Vec<Violation>)) -> Result<(), AssertionError> {
    let mut out = Vec::new();
    for stack in Assertions::new(assembly).stacks()? {
        for resource in stack.resources() {
            rule(&resource, &mut out);
        }
    }
    if out.is_empty() { Ok(()) } else { Err(AssertionError::Rules(out)) }
}

fn custom_resource(resource: &FoundResource<'_>, out: &mut Vec<Violation>) {
    let kind = resource.kind();
    if kind == "AWS::CloudFormation::CustomResource" || kind.starts_with("Custom::") {
        let token = super::error::show(resource.get("/Properties/ServiceToken"));
        out.push(Violation {
            rule: "no-custom-resources",
            subject: resource.subject(),
            message: format!(
                "a custom resource (ServiceToken {token}) runs code the platform must deploy and keep: \
                 use a CloudFormation resource type, or an AWS-owned runbook (AWS::SSM::Association)"
            ),
        });
    }
}

fn log_group(resource: &FoundResource<'_>, out: &mut Vec<Violation>) {
    if resource.kind() == "AWS::Logs::LogGroup" && resource.get("/Properties/RetentionInDays").is_none() {
        out.push(Violation {
            rule: "log-groups-have-retention",
            subject: resource.subject(),
            message: "keeps its logs forever (no RetentionInDays): set a retention".into(),
        });
    }
}

fn iam_wildcards(resource: &FoundResource<'_>, out: &mut Vec<Violation>) {
    let Some(properties) = resource.get("/Properties") else {
        return;
    };
    let mut statements = Vec::new();
    collect_statements(properties, "/Properties".to_string(), &mut statements);
    let recorded = resource.get(&format!("/Metadata/{WILDCARDS_METADATA}")).and_then(Value::as_array);
    for (at, statement) in statements {
        let Some(wildcard) = wildcard(statement) else {
            continue;
        };
        let has_reason = recorded.is_some_and(|entries| {
            entries.iter().any(|e| {
                e.get("Statement").and_then(Value::as_str) == Some(at.as_str())
                    && e.get("Reason").and_then(Value::as_str).is_some_and(|r| !r.trim().is_empty())
            })
        });
        if !has_reason {
            let sid = statement.get("Sid").and_then(Value::as_str).map(|s| format!(" ({s})")).unwrap_or_default();
            out.push(Violation {
                rule: "iam-wildcards-have-reasons",
                subject: resource.subject(),
                message: format!(
                    "the statement at {at}{sid} allows {wildcard} with no recorded reason: scope it, or give \
                     Statement::allow_wildcard(reason) and record it with record_wildcard_reasons \
                     (Metadata {WILDCARDS_METADATA})"
                ),
            });
        }
    }
}

/// What makes an `Allow` statement a wildcard, or `None`.
fn wildcard(statement: &Value) -> Option<String> {
    if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
        return None;
    }
    if statement.get("NotAction").is_some() || statement.get("NotResource").is_some() {
        return Some("everything but a list (NotAction/NotResource)".into());
    }
    let strings = |key: &str| -> Vec<&str> {
        match statement.get(key) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    };
    if let Some(action) = strings("Action").into_iter().find(|a| *a == "*" || a.ends_with(":*")) {
        return Some(format!("the action '{action}'"));
    }
    if statement.get("Principal").is_none() && strings("Resource").contains(&"*") {
        return Some("every resource ('*')".into());
    }
    None
}

/// Every statement of every policy document below `value`, with its JSON pointer.
fn collect_statements<'v>(value: &'v Value, at: String, out: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let below = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (key.as_str(), child) {
                    ("Statement", Value::Array(items)) => {
                        out.extend(items.iter().enumerate().map(|(i, s)| (format!("{below}/{i}"), s)));
                    }
                    ("Statement", Value::Object(_)) => out.push((below, child)),
                    _ => collect_statements(child, below, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_statements(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// `(container name, image)` of every container, init and ephemeral container below `value`.
fn collect_containers<'v>(value: &'v Value, out: &mut Vec<(&'v str, &'v str)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if let ("containers" | "initContainers" | "ephemeralContainers", Value::Array(items)) =
                    (key.as_str(), child)
                {
                    for c in items {
                        if let Some(image) = c.get("image").and_then(Value::as_str) {
                            out.push((c.get("name").and_then(Value::as_str).unwrap_or("?"), image));
                        }
                    }
                } else {
                    collect_containers(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|child| collect_containers(child, out)),
        _ => {}
    }
}

fn is_pinned(image: &str, object: &KubeObject, stacks: &[StackTemplate]) -> bool {
    if let Some((_, digest)) = image.rsplit_once('@') {
        let hex = digest.strip_prefix("sha256:").unwrap_or_default();
        let from_env = digest.starts_with("((stackwright:env:") && digest.ends_with("))");
        if (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())) || from_env {
            return true;
        }
    }
    // A tag of a repository of this program: its resource says whether tags can move.
    if let Some(rest) = image.strip_prefix("((stackwright:ref:")
        && let Some((reference, _)) = rest.split_once("))")
        && let Some((path, _attribute)) = reference.rsplit_once('.')
    {
        return stacks.iter().flat_map(StackTemplate::resources).any(|r| {
            r.path() == Some(path)
                && r.kind() == "AWS::ECR::Repository"
                && r.get("/Properties/ImageTagMutability").and_then(Value::as_str) == Some("IMMUTABLE")
        });
    }
    // A referenced ECR repository declared immutable: the workload records it on the object.
    image.contains(".dkr.ecr.")
        && object
            .json()
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .is_some_and(|a| a.values().any(|v| v.as_str().is_some_and(|v| v.starts_with(IMMUTABLE_TAG_RECORD))))
}
