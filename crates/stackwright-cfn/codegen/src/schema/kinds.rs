//! The kinds table in `kinds.txt`: the marker types it declares and the `Ref`s and attributes it
//! types with them.

use std::collections::BTreeMap;

use crate::KINDS;

/// The kinds every entry may name without declaring them: the core's `Arn`, and `String` (the
/// untyped default, for an entry that only documents that a value is not one kind).
pub const BUILTIN_KINDS: &[&str] = &["Arn", "String"];

/// What `kinds.txt` says: the declared marker types and the kind of each listed `Ref` or
/// `Fn::GetAtt` attribute.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KindTable {
    /// `(kind, doc)`, in file order: the marker types `stackwright_cfn::kinds` declares.
    pub kinds: Vec<(String, String)>,
    /// `(resource type, "Ref" or attribute name)` → kind.
    pub entries: BTreeMap<(String, String), String>,
}

impl KindTable {
    /// The kind of `attribute` (or `"Ref"`) of `type_name`, when the table lists it.
    #[must_use]
    pub fn kind_of(&self, type_name: &str, attribute: &str) -> Option<&str> {
        self.entries.get(&(type_name.to_string(), attribute.to_string())).map(String::as_str)
    }

    /// The entries giving `kind`, as `(resource type, "Ref" or attribute name)`.
    pub fn sources<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.entries.iter().filter(move |(_, k)| *k == kind).map(|((t, a), _)| (t.as_str(), a.as_str()))
    }
}

/// Parses `kinds.txt`: `kind NAME DOC` lines declare a marker type, `TYPE ATTRIBUTE KIND` lines
/// type the `Ref` (`ATTRIBUTE` is `Ref`) or an `Fn::GetAtt` attribute of a resource type; blank
/// lines and `#` comments are ignored.
///
/// # Errors
///
/// A malformed line, a kind declared twice or with a name that is not a Rust type name, an
/// entry listed twice, or an entry naming a kind that is neither declared nor built in.
pub fn parse_kinds(text: &str) -> Result<KindTable, String> {
    let mut table = KindTable::default();
    let mut lines = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = |message: String| format!("{KINDS}:{}: {message}", n + 1);
        let words: Vec<&str> = line.split_whitespace().collect();
        if words[0] == "kind" {
            let (Some(name), true) = (words.get(1), words.len() > 2) else {
                return Err(at(format!("'{line}': a kind is declared as `kind NAME DOC`")));
            };
            if !is_type_name(name) || BUILTIN_KINDS.contains(name) {
                return Err(at(format!("'{name}' is not a new kind name such as VpcId")));
            }
            if table.kinds.iter().any(|(k, _)| k == name) {
                return Err(at(format!("the kind '{name}' is declared twice")));
            }
            table.kinds.push(((*name).to_string(), words[2..].join(" ")));
        } else if let [type_name, attribute, kind] = words[..] {
            lines.push((n + 1, type_name, attribute, kind));
        } else {
            return Err(at(format!("'{line}' is neither `kind NAME DOC` nor `TYPE ATTRIBUTE KIND`")));
        }
    }
    for (n, type_name, attribute, kind) in lines {
        if !BUILTIN_KINDS.contains(&kind) && !table.kinds.iter().any(|(k, _)| k == kind) {
            return Err(format!("{KINDS}:{n}: the kind '{kind}' is not declared (`kind {kind} DOC`) nor built in"));
        }
        let key = (type_name.to_string(), attribute.to_string());
        if table.entries.insert(key, kind.to_string()).is_some() {
            return Err(format!("{KINDS}:{n}: {type_name} {attribute} is listed twice"));
        }
    }
    Ok(table)
}

/// Whether `name` is an upper camel case identifier.
fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let table = parse_kinds(
            "# c\nkind VpcId The id of a VPC.\n\nAWS::EC2::VPC Ref VpcId # its id\nAWS::SNS::Topic Ref Arn\n",
        )
        .unwrap();
        assert_eq!(table.kinds, [("VpcId".to_string(), "The id of a VPC.".to_string())]);
        assert_eq!(table.kind_of("AWS::EC2::VPC", "Ref"), Some("VpcId"));
        assert_eq!(table.kind_of("AWS::SNS::Topic", "Ref"), Some("Arn"));
        assert_eq!(table.kind_of("AWS::SNS::Topic", "TopicArn"), None);
        assert_eq!(table.sources("VpcId").collect::<Vec<_>>(), [("AWS::EC2::VPC", "Ref")]);
        assert!(parse_kinds("AWS::EC2::VPC Ref VpcId\n").unwrap_err().contains("not declared"));
        assert!(parse_kinds("kind VpcId a\nkind VpcId b\n").unwrap_err().contains("twice"));
        assert!(parse_kinds("kind Arn an ARN\n").is_err());
        assert!(parse_kinds("kind vpc_id a\n").is_err());
        assert!(parse_kinds("kind VpcId\n").is_err());
        assert!(parse_kinds("AWS::EC2::VPC Ref\n").is_err());
        assert!(parse_kinds("AWS::EC2::VPC Ref Arn\nAWS::EC2::VPC Ref String\n").unwrap_err().contains("twice"));
    }
}
