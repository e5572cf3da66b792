//! The context file, `stackwright.context.json`: every lookup's answer, keyed by account,
//! region and query, committed beside the program.
//!
//! Its bytes are a function of its entries alone: entries sorted by key, the paths of each
//! sorted, maps sorted, two-space indentation and a final newline. The refresh command writing
//! the same answers twice writes the same bytes, so the file's diff in review shows exactly
//! what changed in the infrastructure.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::query::{LookupAnswer, LookupQuery};

/// The format this crate reads and writes; a file of another format is refused, not misread.
pub const CONTEXT_FORMAT: &str = "stackwright-context/1";

/// The file's name, in the program's package directory unless said otherwise (see
/// [`context_file_location`]).
pub const CONTEXT_FILE_NAME: &str = "stackwright.context.json";

/// The environment variable that names the context file, for every program run with it.
pub const CONTEXT_FILE_VARIABLE: &str = "STACKWRIGHT_CONTEXT_FILE";

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextFile {
    /// [`CONTEXT_FORMAT`].
    pub format: String,
    /// The answers, sorted by [`ContextEntry::key`].
    pub entries: Vec<ContextEntry>,
}

impl Default for ContextFile {
    fn default() -> Self {
        ContextFile { format: CONTEXT_FORMAT.into(), entries: Vec::new() }
    }
}

/// The answer to one query in one account and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextEntry {
    /// The 12-digit account the answer was read in.
    pub account: String,
    /// The region, such as `us-east-1`.
    pub region: String,
    /// What was asked.
    pub query: LookupQuery,
    /// The constructs that asked it, by path: a construct whose query changed finds its old
    /// entry here, and is told that it no longer matches rather than that it is missing.
    pub used_by: Vec<String>,
    /// What AWS answered.
    pub answer: LookupAnswer,
}

impl ContextEntry {
    /// The entry's key: account, region, query.
    #[must_use]
    pub fn key(&self) -> (&str, &str, &LookupQuery) {
        (&self.account, &self.region, &self.query)
    }
}

impl ContextFile {
    /// Reads the file's text.
    ///
    /// # Errors
    /// What is wrong, as a sentence naming the line: not JSON, a field that is not known,
    /// another format, an answer of another kind than its query, a key listed twice.
    pub fn parse(text: &str) -> std::result::Result<ContextFile, String> {
        let file: ContextFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.format != CONTEXT_FORMAT {
            return Err(format!("its format is '{}', this stackwright reads '{CONTEXT_FORMAT}'", file.format));
        }
        for (i, entry) in file.entries.iter().enumerate() {
            if entry.query.kind() != entry.answer.kind() {
                return Err(format!(
                    "entry {} answers a {} query with a {} answer",
                    i + 1,
                    entry.query.kind(),
                    entry.answer.kind()
                ));
            }
            if file.entries[..i].iter().any(|other| other.key() == entry.key()) {
                return Err(format!(
                    "{} in account {}, region {} is listed twice",
                    entry.query, entry.account, entry.region
                ));
            }
        }
        Ok(file)
    }

    /// The file's canonical text (see the module documentation).
    #[must_use]
    pub fn render(&self) -> String {
        let mut sorted = self.clone();
        for entry in &mut sorted.entries {
            entry.used_by.sort();
            entry.used_by.dedup();
        }
        sorted.entries.sort_by(|a, b| a.key().cmp(&b.key()));
        // Plain data of strings, lists and sorted maps: serializing cannot fail.
        let mut text = serde_json::to_string_pretty(&sorted).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The entry answering `query` in `account` and `region`.
    #[must_use]
    pub fn find(&self, account: &str, region: &str, query: &LookupQuery) -> Option<&ContextEntry> {
        self.entries.iter().find(|e| e.key() == (account, region, query))
    }
}

/// Where a program's context file is, the first of:
/// 1. `explicit`, the path given to `App::set_context_file`;
/// 2. the environment variable `STACKWRIGHT_CONTEXT_FILE`;
/// 3. `stackwright.context.json` in `CARGO_MANIFEST_DIR`, the package directory of the
///    program (cargo sets it for `cargo run` and `cargo test`);
/// 4. `stackwright.context.json` in the current directory.
#[must_use]
pub fn context_file_location(explicit: Option<&Path>, var: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    if let Some(path) = explicit {
        return path.to_path_buf();
    }
    if let Some(path) = var(CONTEXT_FILE_VARIABLE).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    match var("CARGO_MANIFEST_DIR").filter(|p| !p.is_empty()) {
        Some(dir) => Path::new(&dir).join(CONTEXT_FILE_NAME),
        None => PathBuf::from(CONTEXT_FILE_NAME),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::query::{ClusterAnswer, ClusterQuery, VpcQuery};

    fn cluster_entry(account: &str, name: &str, used_by: &[&str]) -> ContextEntry {
        ContextEntry {
            account: account.into(),
            region: "eu-west-1".into(),
            query: LookupQuery::Cluster(ClusterQuery { name: name.into() }),
            used_by: used_by.iter().map(|s| (*s).to_string()).collect(),
            answer: LookupAnswer::Cluster(ClusterAnswer {
                name: name.into(),
                version: "1.33".into(),
                endpoint: "https://example.eks.amazonaws.com".into(),
                certificate_authority: "Q0E=".into(),
                oidc_issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC".into(),
                cluster_security_group_id: "sg-0123456789abcdef0".into(),
                vpc_id: "vpc-0123456789abcdef0".into(),
            }),
        }
    }

    #[test]
    fn rendering_is_sorted_and_reads_back_the_same() {
        let file = ContextFile {
            format: CONTEXT_FORMAT.into(),
            entries: vec![
                cluster_entry("222222222222", "b", &["prod/x/B", "prod/x/A", "prod/x/B"]),
                cluster_entry("111111111111", "a", &["dev/x/A"]),
            ],
        };
        let text = file.render();
        let again = ContextFile::parse(&text).unwrap();
        assert_eq!(again.entries[0].account, "111111111111", "sorted by key");
        assert_eq!(again.entries[1].used_by, ["prod/x/A", "prod/x/B"], "paths sorted, once each");
        assert_eq!(again.render(), text, "the same entries, the same bytes");
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn a_file_that_cannot_be_trusted_is_refused_with_the_reason() {
        let mut file = ContextFile { format: CONTEXT_FORMAT.into(), entries: vec![cluster_entry("1", "a", &[])] };
        file.entries[0].query = LookupQuery::Vpc(VpcQuery::default().name("a"));
        let err = ContextFile::parse(&serde_json::to_string(&file).unwrap()).unwrap_err();
        assert_eq!(err, "entry 1 answers a vpc query with a cluster answer");
        let twice = ContextFile {
            format: CONTEXT_FORMAT.into(),
            entries: vec![cluster_entry("1", "a", &["p"]), cluster_entry("1", "a", &["q"])],
        };
        let err = ContextFile::parse(&serde_json::to_string(&twice).unwrap()).unwrap_err();
        assert_eq!(err, "the EKS cluster 'a' in account 1, region eu-west-1 is listed twice");
        let err = ContextFile::parse(r#"{"format":"stackwright-context/9","entries":[]}"#).unwrap_err();
        assert!(err.contains("'stackwright-context/9'"), "{err}");
        let err = ContextFile::parse(r#"{"format":"stackwright-context/1","entries":[],"extra":1}"#).unwrap_err();
        assert!(err.contains("unknown field `extra`"), "{err}");
    }

    #[test]
    fn the_location_is_explicit_then_the_variable_then_the_package_then_here() {
        let vars = |set: &'static [(&'static str, &'static str)]| {
            move |name: &str| set.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_string())
        };
        let both = vars(&[("STACKWRIGHT_CONTEXT_FILE", "/ctx.json"), ("CARGO_MANIFEST_DIR", "/pkg")]);
        assert_eq!(context_file_location(Some(Path::new("/given.json")), &both), Path::new("/given.json"));
        assert_eq!(context_file_location(None, &both), Path::new("/ctx.json"));
        let package = vars(&[("CARGO_MANIFEST_DIR", "/pkg")]);
        assert_eq!(context_file_location(None, &package), Path::new("/pkg/stackwright.context.json"));
        assert_eq!(context_file_location(None, &vars(&[])), Path::new("stackwright.context.json"));
    }
}
