//! IAM roles for Kubernetes service accounts (IRSA), and EKS Pod Identity as the alternative.
//!
//! # The IRSA trust policy, without a custom resource
//! An IRSA role trusts the cluster's OIDC provider, on two conditions whose *keys* contain the
//! issuer: `<issuer>:sub` must be `system:serviceaccount:<namespace>:<name>` and
//! `<issuer>:aud` must be `sts.amazonaws.com`. The issuer is known only once the cluster
//! exists, and a JSON object key cannot be an intrinsic function — which is why CDK builds
//! this policy with a Lambda-backed custom resource.
//!
//! The CloudFormation registry schema of `AWS::IAM::Role` types `AssumeRolePolicyDocument` as
//! `["object", "string"]`: the document may be a JSON *string*. stackwright renders it as one
//! `Fn::Sub` whose variables are the provider's ARN and the issuer's host name (the issuer URL
//! without `https://`), so CloudFormation substitutes them at deploy time and IAM receives an
//! ordinary policy. cfn-lint accepts the form (a test of this crate runs it); namespace and
//! service-account names are DNS-1123 checked first, so nothing user-written can break the
//! JSON.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use stackwright_cfn::{eks, iam};
use stackwright_core::names::{dns1123_label_problem, dns1123_subdomain_problem};
use stackwright_core::{Arn, Attr, Construct, Diagnostic, Error, Node, Resource, Result, SubPart, Val, Value};

use crate::iam::PolicyDocument;
use crate::iam::arn;
use crate::iam::service_role::{RoleSpec, service_role, service_trust};

/// The audience EKS projects into service-account tokens for AWS STS.
pub(crate) const STS_AUDIENCE: &str = "sts.amazonaws.com";

/// The issuer of `cluster` without `https://`.
fn issuer_host(cluster: &Resource<eks::Cluster>) -> Value {
    Value::select(1, Value::Split("//".into(), Box::new(cluster.open_id_connect_issuer_url().into())))
}

/// A cluster's IAM OIDC identity provider.
#[derive(Debug, Clone)]
pub struct OidcProvider {
    arn: Attr<Arn>,
    issuer_host: Value,
    bindings: Bindings,
}

/// The service accounts of one cluster that have an IAM role, and the path of that role. A
/// service account carries one role — one `eks.amazonaws.com/role-arn` annotation, one Pod
/// Identity association — so a second role for it would leave one of the two silently unused
/// (or fail at deploy): it is an error naming both roles.
#[derive(Debug, Clone, Default)]
struct Bindings(Rc<RefCell<BTreeMap<(String, String), String>>>);

impl Bindings {
    /// Records that the role at `path` is for `namespace/service_account`; when another role is
    /// already, records the problem on `node` for synth.
    fn bind(&self, node: &Node, path: &str, namespace: &str, service_account: &str) {
        let key = (namespace.to_string(), service_account.to_string());
        let mut bound = self.0.borrow_mut();
        if let Some(first) = bound.get(&key) {
            node.defer_error(Diagnostic::new(
                path,
                format!(
                    "service account {namespace}/{service_account} already has an IAM role ('{first}'); \
                     a service account can assume only one"
                ),
                "give each workload its own service account, or put both policies in one role",
            ));
        } else {
            bound.insert(key, path.to_string());
        }
    }
}

impl OidcProvider {
    /// Creates the provider for `cluster` (`AWS::IAM::OIDCProvider`, audience STS). Since
    /// 2023 IAM verifies EKS issuers with its own trusted root CAs, so no thumbprint is pinned.
    pub(crate) fn create(scope: &impl Construct, id: &str, cluster: &Resource<eks::Cluster>) -> Result<Self> {
        let provider = Resource::new(
            scope,
            id,
            iam::OidcProvider::new().with_url(cluster.open_id_connect_issuer_url()).with_client_id_list(Val::<
                Vec<String>,
            >::from(
                [
                STS_AUDIENCE,
            ]
            )),
        )?;
        Ok(OidcProvider { arn: provider.reference(), issuer_host: issuer_host(cluster), bindings: Bindings::default() })
    }

    /// The provider of a rejected cluster (at `node`): nothing is created, and its ARN and
    /// issuer are values of the rejected construct.
    pub(crate) fn rejected(node: &Node) -> Self {
        OidcProvider {
            arn: node.rejected_attr(),
            issuer_host: node.rejected_attr::<String>().into(),
            bindings: Bindings::default(),
        }
    }

    /// A provider that exists already (checked by the referenced cluster): its literal ARN,
    /// and the issuer's host and path, literal too, in the trust policies.
    pub(crate) fn existing(arn: Attr<Arn>, issuer_host: &str) -> Self {
        OidcProvider { arn, issuer_host: Value::from(issuer_host), bindings: Bindings::default() }
    }

    /// The provider's ARN.
    pub fn arn(&self) -> Attr<Arn> {
        self.arn.clone()
    }

    /// The issuer without `https://` (`oidc.eks.<region>.amazonaws.com/id/<id>`), the prefix of
    /// the condition keys.
    pub fn issuer_host(&self) -> &Value {
        &self.issuer_host
    }

    /// The trust policy of a role for `namespace/service_account`, as an `Fn::Sub` JSON string
    /// (see `docs/constructs/eks-cluster.md`). The names must already be checked.
    pub fn trust_policy(&self, namespace: &str, service_account: &str) -> Value {
        arn::concat([
            SubPart::from(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":""#),
            SubPart::from(&self.arn),
            SubPart::from(r#""},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{""#),
            SubPart::Value(self.issuer_host.clone()),
            SubPart::from(format!(r#":sub":"system:serviceaccount:{namespace}:{service_account}",""#)),
            SubPart::Value(self.issuer_host.clone()),
            SubPart::from(format!(r#":aud":"{STS_AUDIENCE}"}}}}}}]}}"#)),
        ])
    }
}

/// The problems of a namespace / service-account pair, at `path`.
pub(crate) fn service_account_problems(path: &str, namespace: &str, service_account: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(problem) = dns1123_label_problem(namespace) {
        out.push(Diagnostic::new(path, format!("invalid namespace: {problem}"), "use a lower-case DNS-1123 label"));
    }
    if let Some(problem) = dns1123_subdomain_problem(service_account) {
        out.push(Diagnostic::new(
            path,
            format!("invalid service account name: {problem}"),
            "use a lower-case DNS-1123 name",
        ));
    }
    out
}

/// A role that only `namespace/service_account` of the provider's cluster can assume, with
/// the managed policies and inline policy of `spec` (its `trust` is replaced).
pub(crate) fn irsa_role(
    scope: &impl Construct,
    id: &str,
    provider: &OidcProvider,
    namespace: &str,
    service_account: &str,
    mut spec: RoleSpec,
) -> Result<Resource<iam::Role>> {
    let path = format!("{}/{id}", scope.node().path());
    let problems = service_account_problems(&path, namespace, service_account);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems.into()));
    }
    provider.bindings.bind(scope.node(), &path, namespace, service_account);
    spec.trust = provider.trust_policy(namespace, service_account);
    service_role(scope, id, spec)
}

/// A role for EKS Pod Identity: trusted by `pods.eks.amazonaws.com`, bound to
/// `namespace/service_account` of `cluster_name` by an `AWS::EKS::PodIdentityAssociation`.
/// `provider` is the cluster's: a service account with an IRSA role cannot also have this one.
pub(crate) fn pod_identity_role(
    scope: &impl Construct,
    id: &str,
    provider: &OidcProvider,
    cluster_name: impl Into<Val<String>>,
    namespace: &str,
    service_account: &str,
    policy: PolicyDocument,
) -> Result<Attr<Arn>> {
    let path = format!("{}/{id}", scope.node().path());
    let mut problems = service_account_problems(&path, namespace, service_account);
    if !policy.statements.is_empty() {
        problems.extend(policy.problems(&path));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems.into()));
    }
    provider.bindings.bind(scope.node(), &path, namespace, service_account);
    let node = scope.node().add_child(id)?;
    let trust = service_trust("pods.eks.amazonaws.com", &["sts:AssumeRole", "sts:TagSession"]);
    let spec = RoleSpec::trusted_by(vec![trust], format!("EKS Pod Identity role of {namespace}/{service_account}"));
    // An empty document: a role whose permissions are attached elsewhere (a database's grant).
    let spec = if policy.statements.is_empty() { spec } else { spec.inline(policy) };
    let role = service_role(&node, "Role", spec)?;
    Resource::new(
        &node,
        "Association",
        eks::PodIdentityAssociation::new(cluster_name, namespace, role.arn(), service_account),
    )?;
    Ok(role.arn())
}
