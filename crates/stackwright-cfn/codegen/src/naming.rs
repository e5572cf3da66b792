//! Rust names for CloudFormation names: modules, types, fields, methods and enum variants.

use std::collections::BTreeSet;

/// Rust keywords (strict, reserved and edition 2024), which a generated name must not be.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// `name`, suffixed with `_` when it is a keyword (`type` → `type_`).
pub(crate) fn escape_keyword(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) { format!("{name}_") } else { name }
}

/// `VpcId` → `vpc_id`, `Ipv4IpamPoolId` → `ipv4_ipam_pool_id`, `OIDCProvider` →
/// `oidc_provider`.
pub(crate) fn snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) { format!("n{out}") } else { out }
}

/// The field name of property `json`: snake case, a keyword suffixed with `_` (`Type` → `type_`).
pub(crate) fn field_name(json: &str) -> String {
    escape_keyword(snake_case(json))
}

/// `vpc_gateway_attachment` or `VPCGatewayAttachment` → `VpcGatewayAttachment`.
pub(crate) fn pascal_case(s: &str) -> String {
    snake_case(s)
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Variant names for enum values: `GreaterThanThreshold` stays, `AL2_x86_64` →
/// `Al2X8664`, `ipv4` → `Ipv4`, `1.0` → `V10`.
pub(crate) fn variant_names(values: &[String]) -> Vec<(String, String)> {
    let mut taken = BTreeSet::new();
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let mut name: String = value
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let all_upper = !p.chars().any(|c| c.is_ascii_lowercase());
                    let mut c = p.chars();
                    let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or_default();
                    let rest: String = if all_upper { c.as_str().to_ascii_lowercase() } else { c.as_str().to_string() };
                    format!("{first}{rest}")
                })
                .collect();
            if name.is_empty() {
                name = format!("Value{}", i + 1);
            }
            if name.starts_with(|c: char| c.is_ascii_digit()) {
                name = format!("V{name}");
            }
            if name == "Self" {
                name = "SelfValue".into();
            }
            let base = name.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            (name, value.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake_case("VpcId"), "vpc_id");
        assert_eq!(snake_case("Ipv4IpamPoolId"), "ipv4_ipam_pool_id");
        assert_eq!(snake_case("OIDCProvider"), "oidc_provider");
        assert_eq!(snake_case("VPCGatewayAttachment"), "vpc_gateway_attachment");
        assert_eq!(snake_case("EnableDns64"), "enable_dns64");
        assert_eq!(pascal_case("VPC"), "Vpc");
        assert_eq!(pascal_case("EIP"), "Eip");
        assert_eq!(field_name("Type"), "type_");
        let v: Vec<String> =
            ["AL2_x86_64", "GreaterThanThreshold", "ipv4", "1.0", "*"].iter().map(|s| s.to_string()).collect();
        let names: Vec<String> = variant_names(&v).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Al2X8664", "GreaterThanThreshold", "Ipv4", "V10", "Value5"]);
    }
}
