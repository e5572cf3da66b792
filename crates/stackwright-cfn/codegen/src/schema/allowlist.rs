//! The allowlisted types in `allowlist.txt`: parsing it and naming each type's schema file.

use std::collections::BTreeSet;

use crate::ALLOWLIST;

/// Parses the allowlist: one type name per line; blank lines and `#` comments are ignored.
///
/// # Errors
///
/// A line that is not a type name such as `AWS::EC2::VPC`, or a type listed twice.
pub fn parse_allowlist(text: &str) -> Result<Vec<String>, String> {
    let mut types = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split("::").collect();
        if parts.len() != 3
            || parts[0] != "AWS"
            || parts[1..].iter().any(|p| {
                p.is_empty()
                    || !p.starts_with(|c: char| c.is_ascii_uppercase())
                    || !p.chars().all(|c| c.is_ascii_alphanumeric())
            })
        {
            return Err(format!("{ALLOWLIST}:{}: '{line}' is not a resource type name such as AWS::EC2::VPC", n + 1));
        }
        if !seen.insert(line.to_string()) {
            return Err(format!("{ALLOWLIST}:{}: '{line}' is listed twice", n + 1));
        }
        types.push(line.to_string());
    }
    Ok(types)
}

/// The file name a type's schema is stored under in `schemas/`: `aws-ec2-vpc.json`.
pub fn schema_file_name(type_name: &str) -> String {
    format!("{}.json", type_name.to_ascii_lowercase().replace("::", "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist() {
        assert_eq!(
            parse_allowlist("# c\nAWS::EC2::VPC # the vpc\n\nAWS::IAM::Role\n").unwrap(),
            ["AWS::EC2::VPC", "AWS::IAM::Role"]
        );
        assert!(parse_allowlist("AWS::EC2::VPC\nAWS::EC2::VPC\n").is_err());
        assert!(parse_allowlist("EC2::VPC\n").is_err());
        assert_eq!(schema_file_name("AWS::EC2::VPC"), "aws-ec2-vpc.json");
    }
}
