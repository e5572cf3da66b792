//! What a change adds to who may do what: the IAM statements and security-group rules of the
//! new template that the deployed one does not have, read from the templates (a change set
//! names only the resources), for the tables shown before approval and in `diff`.

use serde::Serialize;
use serde_json::Value as Json;

use super::change_set::ResourceChange;

/// One IAM statement a change adds (to a role, a policy or a resource policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementAdded {
    /// The logical id of the resource carrying the statement.
    pub on: String,
    /// `Allow` or `Deny`; `Attach` for a managed policy attached to a role, user or group.
    pub effect: String,
    /// The actions (`NotAction` ones prefixed with `NOT `); the policy ARN for `Attach`.
    pub actions: Vec<String>,
    /// The resources the statement is about (`NotResource` ones prefixed with `NOT `).
    pub resources: Vec<String>,
    /// Who the statement applies to: `Service:ec2.amazonaws.com`, `AWS:${Role}`, `*`.
    pub principals: Vec<String>,
    /// The condition, as compact JSON (empty when there is none).
    pub condition: String,
}

/// One security-group rule a change adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleAdded {
    /// The security group: its logical id, or the group id the rule names.
    pub group: String,
    /// `ingress` or `egress`.
    pub direction: String,
    /// `tcp`, `udp`, `icmp`, or `all`.
    pub protocol: String,
    /// `443`, `1024-65535` or `all`.
    pub ports: String,
    /// The other side: a CIDR, a security group or a prefix list.
    pub peer: String,
    /// The rule's description (empty when there is none).
    pub description: String,
}

/// What a stack's changes add to who may do what (empty when they add nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Broadening {
    /// The IAM statements added.
    pub statements: Vec<StatementAdded>,
    /// The security-group rules added.
    pub rules: Vec<RuleAdded>,
}

impl Broadening {
    /// Whether the changes add no statement and no rule.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty() && self.rules.is_empty()
    }

    /// The statements and rules that `changes` (added or modified resources) bring in `local`
    /// and that the same resources of `deployed` (`None`: a new stack) do not have.
    #[must_use]
    pub fn of(changes: &[ResourceChange], deployed: Option<&Json>, local: &Json) -> Broadening {
        let mut b = Broadening::default();
        for c in changes.iter().filter(|c| c.security && c.action != "Remove") {
            let Some(new) = resource(local, &c.logical_id) else { continue };
            let old = deployed.and_then(|d| resource(d, &c.logical_id));
            // The logical id: the change line above the table has the construct path.
            let on = c.logical_id.clone();
            let before = old.map(|o| statements(&c.logical_id, o)).unwrap_or_default();
            for s in statements(&c.logical_id, new) {
                if !before.contains(&s) {
                    b.statements.push(StatementAdded { on: on.clone(), ..s });
                }
            }
            let before = old.map(rules).unwrap_or_default();
            for r in rules(new) {
                if !before.contains(&r) {
                    b.rules
                        .push(RuleAdded { group: if r.group.is_empty() { on.clone() } else { r.group.clone() }, ..r });
                }
            }
        }
        b
    }
}

fn resource<'a>(template: &'a Json, id: &str) -> Option<&'a Json> {
    template.get("Resources")?.get(id)
}

fn props(resource: &Json) -> &serde_json::Map<String, Json> {
    static EMPTY: std::sync::OnceLock<serde_json::Map<String, Json>> = std::sync::OnceLock::new();
    resource.get("Properties").and_then(Json::as_object).unwrap_or_else(|| EMPTY.get_or_init(serde_json::Map::new))
}

/// The statements of a resource (with `on` left empty): its policy documents, the
/// managed policies it attaches and, for a Lambda permission, the permission itself.
fn statements(id: &str, resource: &Json) -> Vec<StatementAdded> {
    let p = props(resource);
    let kind = resource.get("Type").and_then(Json::as_str).unwrap_or("");
    let mut out = Vec::new();
    // An identity policy's principal is who it is attached to.
    let attached_to: Vec<String> = match kind {
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => vec![format!("AWS:${{{id}}}")],
        _ => ["Roles", "Users", "Groups"]
            .iter()
            .filter_map(|k| p.get(*k))
            .flat_map(list)
            .map(|v| format!("AWS:{}", text(v)))
            .collect(),
    };
    if let Some(doc) = p.get("AssumeRolePolicyDocument") {
        out.extend(document(doc, &[format!("${{{id}.Arn}}")], &[]));
    }
    if let Some(doc) = p.get("PolicyDocument") {
        out.extend(document(doc, &[], &attached_to));
    }
    // A key's or repository's own policy is about the key or repository.
    for key in ["KeyPolicy", "RepositoryPolicyText"] {
        if let Some(doc) = p.get(key) {
            out.extend(document(doc, &[format!("${{{id}}}")], &attached_to));
        }
    }
    for policy in p.get("Policies").map(list).unwrap_or_default() {
        if let Some(doc) = policy.get("PolicyDocument") {
            out.extend(document(doc, &[], &attached_to));
        }
    }
    for arn in p.get("ManagedPolicyArns").map(list).unwrap_or_default() {
        out.push(StatementAdded {
            on: String::new(),
            effect: "Attach".into(),
            actions: vec![text(arn)],
            resources: Vec::new(),
            principals: attached_to.clone(),
            condition: String::new(),
        });
    }
    if kind == "AWS::Lambda::Permission" {
        let source = p.get("SourceArn").map(|s| format!(r#"{{"ArnLike":{{"AWS:SourceArn":"{}"}}}}"#, text(s)));
        out.push(StatementAdded {
            on: String::new(),
            effect: "Allow".into(),
            actions: p.get("Action").map(|a| vec![text(a)]).unwrap_or_default(),
            resources: p.get("FunctionName").map(|f| vec![text(f)]).unwrap_or_default(),
            principals: p.get("Principal").map(|f| vec![text(f)]).unwrap_or_default(),
            condition: source.unwrap_or_default(),
        });
    }
    out
}

/// The statements of a policy document; `resources` and `principals` stand in where a statement
/// has none (a trust policy is about its role; an identity policy applies to its holders).
fn document(doc: &Json, resources: &[String], principals: &[String]) -> Vec<StatementAdded> {
    let statements = doc.get("Statement").map(list).unwrap_or_default();
    statements
        .into_iter()
        .map(|s| {
            let both = |yes: &str, no: &str| -> Vec<String> {
                let mut v: Vec<String> = s.get(yes).map(list).unwrap_or_default().into_iter().map(text).collect();
                v.extend(s.get(no).map(list).unwrap_or_default().into_iter().map(|x| format!("NOT {}", text(x))));
                v
            };
            let mut stated_resources = both("Resource", "NotResource");
            if stated_resources.is_empty() {
                stated_resources = resources.to_vec();
            }
            let mut stated_principals = principal(s.get("Principal"));
            stated_principals.extend(principal(s.get("NotPrincipal")).into_iter().map(|p| format!("NOT {p}")));
            if stated_principals.is_empty() {
                stated_principals = principals.to_vec();
            }
            StatementAdded {
                on: String::new(),
                effect: s.get("Effect").map(text).unwrap_or_else(|| "Allow".into()),
                actions: both("Action", "NotAction"),
                resources: stated_resources,
                principals: stated_principals,
                condition: s.get("Condition").map(text).unwrap_or_default(),
            }
        })
        .collect()
}

/// `*`, or `Kind:value` for each value of `{"Service": …, "AWS": …, "Federated": …}`.
fn principal(p: Option<&Json>) -> Vec<String> {
    match p {
        None => Vec::new(),
        Some(Json::Object(m)) if !is_intrinsic(m) => {
            m.iter().flat_map(|(kind, v)| list(v).into_iter().map(move |v| format!("{kind}:{}", text(v)))).collect()
        }
        Some(other) => vec![text(other)],
    }
}

/// The security-group rules of a resource (with `group` empty for the group's own rules).
fn rules(resource: &Json) -> Vec<RuleAdded> {
    let p = props(resource);
    match resource.get("Type").and_then(Json::as_str).unwrap_or("") {
        "AWS::EC2::SecurityGroup" => {
            let mut out: Vec<RuleAdded> = Vec::new();
            for (key, direction) in [("SecurityGroupIngress", "ingress"), ("SecurityGroupEgress", "egress")] {
                for r in p.get(key).map(list).unwrap_or_default() {
                    if let Some(r) = r.as_object() {
                        out.push(rule(r, direction, String::new()));
                    }
                }
            }
            out
        }
        "AWS::EC2::SecurityGroupIngress" => vec![rule(p, "ingress", p.get("GroupId").map(text).unwrap_or_default())],
        "AWS::EC2::SecurityGroupEgress" => vec![rule(p, "egress", p.get("GroupId").map(text).unwrap_or_default())],
        _ => Vec::new(),
    }
}

fn rule(r: &serde_json::Map<String, Json>, direction: &str, group: String) -> RuleAdded {
    let protocol = match r.get("IpProtocol").map(text).as_deref() {
        None | Some("-1") => "all".to_string(),
        Some("6") => "tcp".to_string(),
        Some("17") => "udp".to_string(),
        Some(p) => p.to_string(),
    };
    let port = |k: &str| r.get(k).map(text);
    let ports = match (port("FromPort"), port("ToPort")) {
        _ if protocol == "all" => "all".to_string(),
        (Some(f), _) if f == "-1" => "all".to_string(),
        // ICMP has no ports: FromPort is the type, ToPort the code.
        (Some(f), t) if protocol == "icmp" || protocol == "1" => match t.filter(|t| t != "-1") {
            Some(t) => format!("type {f}, code {t}"),
            None => format!("type {f}"),
        },
        (Some(f), Some(t)) if f == t => f,
        (Some(f), Some(t)) => format!("{f}-{t}"),
        (Some(f), None) | (None, Some(f)) => f,
        (None, None) => "all".to_string(),
    };
    let peer = [
        "CidrIp",
        "CidrIpv6",
        "SourceSecurityGroupId",
        "SourceSecurityGroupName",
        "DestinationSecurityGroupId",
        "SourcePrefixListId",
        "DestinationPrefixListId",
    ]
    .iter()
    .find_map(|k| r.get(*k).map(text))
    .unwrap_or_else(|| "?".into());
    RuleAdded {
        group,
        direction: direction.into(),
        protocol,
        ports,
        peer,
        description: r.get("Description").map(text).unwrap_or_default(),
    }
}

/// A value as a list: itself when it is an array, else a list of one.
fn list(v: &Json) -> Vec<&Json> {
    match v {
        Json::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

fn is_intrinsic(m: &serde_json::Map<String, Json>) -> bool {
    m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::"))
}

/// A template value as short text: strings as they are, `${Id}` for a `Ref`, `${Id.Attr}` for
/// `Fn::GetAtt`, `Fn::Sub`'s string, `Fn::Join` joined; anything else as compact JSON.
pub(crate) fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Object(m) if is_intrinsic(m) => {
            let (k, arg) = m.iter().next().map(|(k, a)| (k.as_str(), a)).unwrap_or(("", &Json::Null));
            match (k, arg) {
                ("Ref", Json::String(id)) => format!("${{{id}}}"),
                ("Fn::GetAtt", Json::Array(a)) => {
                    format!("${{{}}}", a.iter().map(text).collect::<Vec<_>>().join("."))
                }
                ("Fn::GetAtt", Json::String(s)) => format!("${{{s}}}"),
                ("Fn::Sub", Json::String(s)) => s.clone(),
                ("Fn::Sub", Json::Array(a)) if !a.is_empty() => text(&a[0]),
                ("Fn::Join", Json::Array(a)) if a.len() == 2 => {
                    let sep = a[0].as_str().unwrap_or("");
                    list(&a[1]).into_iter().map(text).collect::<Vec<_>>().join(sep)
                }
                _ => v.to_string(),
            }
        }
        Json::Object(m) => {
            let inner: Vec<String> =
                m.iter().map(|(k, v)| format!("{}:{}", Json::String(k.clone()), text_json(v))).collect();
            format!("{{{}}}", inner.join(","))
        }
        Json::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
        Json::Null => String::new(),
    }
}

/// Like [`text`] inside JSON: strings quoted.
fn text_json(v: &Json) -> String {
    match v {
        Json::Object(m) if !is_intrinsic(m) => text(v),
        Json::Array(a) => format!("[{}]", a.iter().map(text_json).collect::<Vec<_>>().join(",")),
        other => Json::String(text(other)).to_string(),
    }
}
