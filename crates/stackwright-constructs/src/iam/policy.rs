//! Typed IAM policy documents.
//!
//! Least privilege is checked when a document is built: an action of `*` or `service:*`, or a
//! resource of `*` on an action that supports resource-level permissions, needs an explicit
//! reason ([`Statement::allow_wildcard`]), which is kept beside the statement in code, and in
//! the template: [`record_wildcard_reasons`] writes the reasons into the resource's Metadata
//! ([`WILDCARDS_METADATA`]), where reviews and the platform rule of `stackwright::assertions`
//! read them.

use indexmap::IndexMap;
use stackwright_core::{Diagnostic, Node, Value};

/// The template Metadata key of a resource whose policies allow a wildcard for a written
/// reason: a list of `{"Statement": <JSON pointer of the statement in the resource>, "Reason":
/// <the reason given to allow_wildcard>}`.
pub const WILDCARDS_METADATA: &str = "stackwright:wildcards";

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The statement grants.
    Allow,
    /// The statement refuses, whatever else grants.
    Deny,
}

/// Who a trust policy lets in.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// An AWS service (`eks.amazonaws.com`).
    Service(String),
    /// An AWS account or role (an ARN).
    Aws(Value),
    /// A federated identity provider (an OIDC provider's ARN).
    Federated(Value),
}

/// One condition operator with its keys, e.g. `StringEquals` → `{"aws:SourceAccount": "…"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator (`StringEquals`, `Null`, …).
    pub operator: String,
    /// The condition key (`aws:SourceAccount`); a value, since some keys hold the issuer of a
    /// cluster known only at deploy time.
    pub key: Value,
    /// The values the key is compared with (any of them matches).
    pub values: Vec<Value>,
}

/// One policy statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The statement's id; default: none.
    pub sid: Option<String>,
    /// Allow or deny; [`Statement::allow`] makes an `Allow`, [`Statement::deny`] turns it.
    pub effect: Effect,
    /// Who the statement applies to, in trust policies; default: none (an identity policy).
    pub principal: Option<Principal>,
    /// The actions (`ecr:GetAuthorizationToken`).
    pub actions: Vec<String>,
    /// The resources (ARNs, possibly late-bound values).
    pub resources: Vec<Value>,
    /// The conditions, all of which must hold; default: none.
    pub conditions: Vec<Condition>,
    /// Why a wildcard is acceptable here; required for `*` actions or resources.
    pub wildcard_reason: Option<&'static str>,
}

impl Statement {
    /// Allows `actions` on `resources`.
    pub fn allow<A: Into<String>, R: Into<Value>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(Into::into).collect(),
            conditions: Vec::new(),
            wildcard_reason: None,
        }
    }

    /// A trust-policy statement letting `principal` call `action` (`sts:AssumeRole`, …).
    pub fn trust(principal: Principal, action: &str) -> Self {
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: Some(principal),
            actions: vec![action.to_string()],
            resources: Vec::new(),
            conditions: Vec::new(),
            wildcard_reason: None,
        }
    }

    /// Turns the statement into a `Deny`.
    #[must_use]
    pub fn deny(mut self) -> Self {
        self.effect = Effect::Deny;
        self
    }

    /// Names the statement (`Sid`).
    #[must_use]
    pub fn sid(mut self, sid: &str) -> Self {
        self.sid = Some(sid.to_string());
        self
    }

    /// Adds a condition: `operator` (such as `StringEquals`) on `key` with `values`.
    #[must_use]
    pub fn condition<V: Into<Value>>(
        mut self,
        operator: &str,
        key: impl Into<Value>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.conditions.push(Condition {
            operator: operator.to_string(),
            key: key.into(),
            values: values.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Accepts a `*` action or resource in this statement, for the reason given (written in
    /// code, next to the statement).
    #[must_use]
    pub fn allow_wildcard(mut self, reason: &'static str) -> Self {
        self.wildcard_reason = Some(reason);
        self
    }

    /// True when an action is `*` or `service:*`, or a resource is `*`.
    fn has_wildcard(&self) -> bool {
        self.actions.iter().any(|a| a.as_str() == "*" || a.ends_with(":*"))
            || self.resources.iter().any(|r| r.as_str() == Some("*"))
    }

    fn problems(&self, path: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.actions.is_empty() {
            out.push(Diagnostic::new(path, "a policy statement has no actions", "list the actions it allows"));
        }
        self.condition_problems(path, &mut out);
        let wildcard_action = self.actions.iter().find(|a| a.as_str() == "*" || a.ends_with(":*"));
        let wildcard_resource = self.resources.iter().any(|r| r.as_str() == Some("*"));
        if self.effect == Effect::Allow && self.wildcard_reason.is_none() {
            if let Some(action) = wildcard_action {
                out.push(Diagnostic::new(
                    path,
                    format!("policy statement allows the wildcard action '{action}'"),
                    "list the actions needed, or call allow_wildcard(reason) on the statement",
                ));
            }
            if wildcard_resource && self.principal.is_none() {
                out.push(Diagnostic::new(
                    path,
                    format!("policy statement allows {} on every resource ('*')", self.actions.join(", ")),
                    "scope the resources (ARNs), or call allow_wildcard(reason) when the actions have no resource-level permissions",
                ));
            }
        }
        out
    }

    /// A condition key is a JSON key, so it must be text; and one operator with one key is one
    /// entry of the policy, so a second condition on the same pair would replace the first.
    fn condition_problems(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for c in &self.conditions {
            let Some(key) = c.key.as_str() else {
                out.push(Diagnostic::new(
                    path,
                    format!("the {} condition's key is not text ({:?})", c.operator, c.key),
                    "write the key as text, such as \"aws:SourceAccount\"; a key known only at deploy time \
                     needs a policy written as an Fn::Sub string",
                ));
                continue;
            };
            if seen.contains(&(c.operator.as_str(), key)) {
                out.push(Diagnostic::new(
                    path,
                    format!(
                        "the condition {} on '{key}' is given twice: the second would replace the first",
                        c.operator
                    ),
                    "give one condition with every value (any of them matches)",
                ));
            }
            seen.push((c.operator.as_str(), key));
        }
    }

    fn to_value(&self) -> Value {
        let mut m: IndexMap<String, Value> = IndexMap::new();
        if let Some(sid) = &self.sid {
            m.insert("Sid".into(), sid.as_str().into());
        }
        m.insert("Effect".into(), if self.effect == Effect::Allow { "Allow" } else { "Deny" }.into());
        if let Some(p) = &self.principal {
            let (k, v) = match p {
                Principal::Service(s) => ("Service", Value::from(s.as_str())),
                Principal::Aws(v) => ("AWS", v.clone()),
                Principal::Federated(v) => ("Federated", v.clone()),
            };
            m.insert("Principal".into(), Value::map([(k, v)]));
        }
        m.insert("Action".into(), one_or_many(self.actions.iter().map(|a| Value::from(a.as_str())).collect()));
        if !self.resources.is_empty() {
            m.insert("Resource".into(), one_or_many(self.resources.clone()));
        }
        if !self.conditions.is_empty() {
            let mut by_operator: IndexMap<String, Vec<(Value, Value)>> = IndexMap::new();
            for c in &self.conditions {
                by_operator.entry(c.operator.clone()).or_default().push((c.key.clone(), one_or_many(c.values.clone())));
            }
            let conditions = by_operator.into_iter().map(|(op, pairs)| (op, condition_map(pairs))).collect();
            m.insert("Condition".into(), Value::Map(conditions));
        }
        Value::Map(m)
    }
}

/// Records, in the template Metadata of `resource` ([`WILDCARDS_METADATA`]), the reason of
/// every wildcard statement of `documents`, each given with the JSON pointer where it is
/// rendered in the resource (`/Properties/KeyPolicy`). Nothing is recorded when no statement
/// has a reason. A construct calls it once per resource, with every document of the resource.
pub fn record_wildcard_reasons<'a>(
    resource: &Node,
    documents: impl IntoIterator<Item = (&'a PolicyDocument, &'a str)>,
) {
    let reasons: Vec<serde_json::Value> = documents.into_iter().flat_map(|(d, at)| d.wildcard_reasons(at)).collect();
    if !reasons.is_empty() {
        resource.add_metadata(WILDCARDS_METADATA, reasons);
    }
}

/// Condition keys are map keys; a key that is not a literal (an OIDC issuer from an attribute)
/// cannot be a JSON key, so such a map is rendered as a `Fn::Sub`-built JSON string by the
/// caller instead. Here literal keys become a map.
fn condition_map(pairs: Vec<(Value, Value)>) -> Value {
    Value::Map(pairs.into_iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), v)).collect())
}

fn one_or_many(mut items: Vec<Value>) -> Value {
    if items.len() == 1 { items.remove(0) } else { Value::List(items) }
}

/// An IAM policy document (`Version: 2012-10-17`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyDocument {
    /// The statements, in order.
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// A document of `statements`.
    pub fn new(statements: impl IntoIterator<Item = Statement>) -> Self {
        PolicyDocument { statements: statements.into_iter().collect() }
    }

    /// Appends a statement.
    pub fn push(&mut self, statement: Statement) {
        self.statements.push(statement);
    }

    /// Least-privilege problems, reported at `path`.
    pub fn problems(&self, path: &str) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self.statements.iter().flat_map(|s| s.problems(path)).collect();
        if self.statements.is_empty() {
            out.push(Diagnostic::new(path, "the policy document has no statements", "add at least one statement"));
        }
        out
    }

    /// The document as a property value.
    pub fn to_value(&self) -> Value {
        Value::map([
            ("Version", Value::from("2012-10-17")),
            ("Statement", Value::List(self.statements.iter().map(Statement::to_value).collect())),
        ])
    }

    /// The entries of [`WILDCARDS_METADATA`] for this document, rendered at JSON pointer `at`
    /// of its resource (such as `/Properties/Policies/0/PolicyDocument`): one per statement
    /// with a wildcard and the reason given for it.
    #[must_use]
    pub fn wildcard_reasons(&self, at: &str) -> Vec<serde_json::Value> {
        self.statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s.has_wildcard())
            .filter_map(|(i, s)| {
                s.wildcard_reason
                    .map(|reason| serde_json::json!({ "Statement": format!("{at}/Statement/{i}"), "Reason": reason }))
            })
            .collect()
    }

    /// Every action the document allows, for tests and reviews.
    pub fn allowed_actions(&self) -> Vec<&str> {
        let mut actions: Vec<&str> = self
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
            .flat_map(|s| s.actions.iter().map(String::as_str))
            .collect();
        actions.sort_unstable();
        actions.dedup();
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_need_a_reason() {
        let doc = PolicyDocument::new([Statement::allow(["s3:*"], ["*"])]);
        let problems = doc.problems("prod/app/Role");
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("wildcard action 's3:*'"));
        assert!(problems[1].message.contains("on every resource ('*')"));
        let ok = PolicyDocument::new([Statement::allow(["ec2:DescribeInstances"], ["*"])
            .allow_wildcard("Describe calls have no resource-level permissions")]);
        assert!(ok.problems("p").is_empty());
    }

    #[test]
    fn a_condition_key_that_is_not_text_or_is_given_twice_is_a_problem_not_dropped() {
        let statement = Statement::allow(["s3:GetObject"], ["arn:aws:s3:::b/*"])
            .condition("StringEquals", Value::Pseudo(stackwright_core::Pseudo::Region), ["x"])
            .condition("StringEquals", "aws:SourceAccount", ["111111111111"])
            .condition("StringEquals", "aws:SourceAccount", ["222222222222"])
            .condition("StringLike", "aws:SourceAccount", ["3*"]);
        let messages: Vec<String> =
            PolicyDocument::new([statement]).problems("p").into_iter().map(|d| d.message).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("the StringEquals condition's key is not text"), "{messages:?}");
        assert_eq!(
            messages[1],
            "the condition StringEquals on 'aws:SourceAccount' is given twice: the second would replace the first"
        );
    }

    #[test]
    fn wildcard_reasons_point_at_the_statements_that_need_them() {
        let doc = PolicyDocument::new([
            Statement::allow(["s3:GetObject"], ["arn:aws:s3:::b/*"]),
            Statement::allow(["ec2:DescribeInstances"], ["*"])
                .allow_wildcard("Describe has no resource-level permissions"),
            // A reason on a statement without a wildcard says nothing a reviewer needs.
            Statement::allow(["s3:PutObject"], ["arn:aws:s3:::b/*"]).allow_wildcard("unused"),
            Statement::allow(["kms:*"], ["arn:aws:kms:::key/k"]).sid("Admin").allow_wildcard("administers its key"),
        ]);
        assert_eq!(
            doc.wildcard_reasons("/Properties/PolicyDocument"),
            [
                serde_json::json!({ "Statement": "/Properties/PolicyDocument/Statement/1", "Reason": "Describe has no resource-level permissions" }),
                serde_json::json!({ "Statement": "/Properties/PolicyDocument/Statement/3", "Reason": "administers its key" }),
            ]
        );
        assert!(
            PolicyDocument::new([Statement::allow(["s3:GetObject"], ["arn:aws:s3:::b/*"])])
                .wildcard_reasons("/x")
                .is_empty()
        );
    }

    #[test]
    fn renders_like_iam_expects() {
        let doc = PolicyDocument::new([Statement::allow(["ecr:GetAuthorizationToken"], ["arn:aws:ecr:::x"])
            .condition("StringEquals", "aws:RequestedRegion", ["us-east-1"])]);
        let Value::Map(m) = doc.to_value() else { panic!() };
        assert_eq!(m["Version"], Value::from("2012-10-17"));
        let Value::List(statements) = &m["Statement"] else { panic!() };
        let Value::Map(s) = &statements[0] else { panic!() };
        assert_eq!(s["Action"], Value::from("ecr:GetAuthorizationToken"));
        assert_eq!(s["Condition"], Value::map([("StringEquals", Value::map([("aws:RequestedRegion", "us-east-1")]))]));
    }
}
