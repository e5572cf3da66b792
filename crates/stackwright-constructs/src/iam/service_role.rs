//! IAM roles that AWS services (EKS, EC2, VPC Flow Logs, Systems Manager) or Kubernetes service
//! accounts assume: a trust policy, AWS managed policies by name, and at most one inline policy
//! that passed the least-privilege checks of [`PolicyDocument`].

use stackwright_cfn::iam;
use stackwright_core::{Construct, Error, Pseudo, Resource, Result, Val, Value};

use crate::iam::{PolicyDocument, Principal, Statement, record_wildcard_reasons};

/// The ARN of an AWS managed policy, in the stack's partition.
pub(crate) fn aws_managed_policy(name: &str) -> Val<String> {
    Val::<String>::sub(["arn:".into(), Pseudo::Partition.into(), ":iam::aws:policy/".into(), name.into()])
}

/// A trust policy letting `service` (`eks.amazonaws.com`, …) assume the role with `actions`.
pub(crate) fn service_trust(service: &str, actions: &[&str]) -> Statement {
    let mut s = Statement::trust(Principal::Service(service.to_string()), actions[0]);
    s.actions.extend(actions[1..].iter().map(|a| a.to_string()));
    s
}

/// What a role is made of.
pub(crate) struct RoleSpec {
    /// The trust policy: a rendered document (a map, or a `Fn::Sub` JSON string).
    pub trust: Value,
    pub description: String,
    /// AWS managed policies, by name (`AmazonEKSClusterPolicy`).
    pub managed: Vec<&'static str>,
    pub inline: Option<PolicyDocument>,
    pub role_name: Option<String>,
}

impl RoleSpec {
    /// A role trusted by `trust` (a statement list).
    pub(crate) fn trusted_by(trust: Vec<Statement>, description: impl Into<String>) -> Self {
        RoleSpec {
            trust: PolicyDocument::new(trust).to_value(),
            description: description.into(),
            managed: Vec::new(),
            inline: None,
            role_name: None,
        }
    }

    pub(crate) fn managed(mut self, names: &[&'static str]) -> Self {
        self.managed.extend_from_slice(names);
        self
    }

    pub(crate) fn inline(mut self, policy: PolicyDocument) -> Self {
        self.inline = Some(policy);
        self
    }

    pub(crate) fn named(mut self, name: Option<String>) -> Self {
        self.role_name = name;
        self
    }
}

/// Adds the role `id` below `scope`. The inline policy's least-privilege problems are errors
/// at the role's path.
pub(crate) fn service_role(scope: &impl Construct, id: &str, spec: RoleSpec) -> Result<Resource<iam::Role>> {
    let path = format!("{}/{id}", scope.node().path());
    let mut role = iam::Role::new(spec.trust).with_description(spec.description);
    if let Some(policy) = &spec.inline {
        let problems = policy.problems(&path);
        if !problems.is_empty() {
            return Err(Error::Invalid(problems.into()));
        }
        role = role.with_policies(vec![iam::role::Policy::new(policy.to_value(), "least-privilege")]);
    }
    if !spec.managed.is_empty() {
        role =
            role.with_managed_policy_arns(Val::<Vec<String>>::of(spec.managed.iter().map(|n| aws_managed_policy(n))));
    }
    if let Some(name) = spec.role_name {
        role = role.with_role_name(name);
    }
    let resource = Resource::new(scope, id, role)?;
    if let Some(policy) = &spec.inline {
        record_wildcard_reasons(resource.node(), [(policy, "/Properties/Policies/0/PolicyDocument")]);
    }
    Ok(resource)
}
