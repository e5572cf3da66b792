//! Physical names the constructs choose themselves (rather than letting CloudFormation generate
//! them) when something must know the name before the resource exists: log groups named after
//! an RDS instance, a backup vault's tag value.

/// `parts` joined with `-`, in lower case, every run of characters other than ASCII letters and
/// digits made one `-`, at most `max` characters, never starting or ending with `-`: a name
/// RDS identifiers, AWS Backup vaults and plans, and tag values all accept.
pub(crate) fn dashed_lower(parts: &[&str], max: usize) -> String {
    let mut name = parts
        .join("-")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    name.truncate(max);
    name.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::dashed_lower;

    #[test]
    fn lower_case_single_dashes_and_the_limit() {
        assert_eq!(dashed_lower(&["Flask_Platform", "prod", "Db"], 63), "flask-platform-prod-db");
        assert_eq!(dashed_lower(&["a--b", "", "C"], 63), "a-b-c");
        assert_eq!(dashed_lower(&["abcdef", "gh"], 7), "abcdef", "no dash left at the cut");
    }
}
