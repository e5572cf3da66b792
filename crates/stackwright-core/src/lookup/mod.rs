//! Lookups that keep synth offline: a program asks about infrastructure that exists already (a
//! VPC by tags, a cluster by name) and the answer comes from the context file committed beside
//! it, never from AWS.
//!
//! The context file (`stackwright.context.json`, found as [`context_file_location`] says) holds
//! one entry per (account, region, query) with the answer the runtime's `context --refresh`
//! command read with credentials. Constructs ask through [`Problems::look_up`](crate::Problems::look_up). Synth reads it once, on the first lookup, and records every
//! lookup the program made ([`App::lookups`](crate::App::lookups), and `manifest.json`'s `lookups`), so that the
//! refresh command knows what to ask. A lookup without an entry, or whose construct's entry was
//! made for another question, is a problem at the construct's path naming the command that
//! fills it.
//!
//! Entries never expire. Synth must give the same assembly from the same commit on every
//! machine and every day; an answer that lapsed would make an unchanged program fail, or
//! change, on its own. The infrastructure changes when someone changes it, and then the
//! refresh command is run on purpose and its diff of the file is reviewed like code.

mod file;
mod query;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use file::{
    CONTEXT_FILE_NAME, CONTEXT_FILE_VARIABLE, CONTEXT_FORMAT, ContextEntry, ContextFile, context_file_location,
};
pub use query::{
    ClusterAnswer, ClusterQuery, LookupAnswer, LookupQuery, SubnetAnswer, SubnetTier, VpcAnswer, VpcQuery,
};

use crate::error::Diagnostic;
use crate::tree::{Node, TreeData};

/// The command that fills the context file, as the hints name it.
pub const REFRESH_COMMAND: &str = "cargo run --features deploy -- context --refresh";

/// One lookup a program made: the construct that asked, where and what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// The construct's path.
    pub path: String,
    /// The account of its environment.
    pub account: String,
    /// The region of its environment.
    pub region: String,
    /// What it asked.
    pub query: LookupQuery,
}

/// What the tree keeps of lookups: where the file is, the file once read, every request.
#[derive(Default)]
struct Lookups {
    explicit: Option<PathBuf>,
    loaded: Option<Loaded>,
    requests: Vec<LookupRequest>,
}

/// The context file as read on the first lookup: absent (`None`), or why it cannot be used.
struct Loaded {
    path: PathBuf,
    file: std::result::Result<Option<ContextFile>, String>,
}

/// `App::set_context_file` on the tree of `node` (the app's).
pub(crate) fn set_context_file(node: &Node, path: PathBuf) {
    let mut lookups = node.extension_mut::<Lookups>();
    if !lookups.requests.is_empty() {
        drop(lookups);
        node.defer_error(Diagnostic::new(
            node.path(),
            "set_context_file was called after constructs looked things up",
            "call App::set_context_file right after App::new",
        ));
        return;
    }
    lookups.explicit = Some(path);
    lookups.loaded = None;
}

/// `App::context_file` of the tree of `node`.
pub(crate) fn context_file(node: &Node) -> PathBuf {
    let explicit = node.extension_mut::<Lookups>().explicit.clone();
    context_file_location(explicit.as_deref(), &|name| std::env::var(name).ok())
}

/// Every lookup of the tree of `node`, in the order made.
pub(crate) fn made(node: &Node) -> Vec<LookupRequest> {
    node.extension_mut::<Lookups>().requests.clone()
}

/// Every lookup of the tree, sorted by path: the assembly's `lookups`.
pub(crate) fn requests(tree: &TreeData) -> Vec<LookupRequest> {
    let mut requests = tree.extension::<Lookups>().map(|l| l.requests.clone()).unwrap_or_default();
    requests.sort();
    requests
}

/// The answer to `request` (made in the tree of `node`) from the context file, the request
/// recorded for the refresh command. When there is no answer — no file, no entry, an entry of
/// this construct made for another question, a file that cannot be read — the problem comes
/// back as message and hint, naming the command that fills the entry.
pub(crate) fn resolve(node: &Node, request: LookupRequest) -> std::result::Result<LookupAnswer, (String, String)> {
    let path = context_file(node);
    let mut lookups = node.extension_mut::<Lookups>();
    lookups.requests.push(request.clone());
    let LookupRequest { path: construct, account, region, query } = request;
    if lookups.loaded.as_ref().is_none_or(|l| l.path != path) {
        lookups.loaded = Some(Loaded { file: read(&path), path: path.clone() });
    }
    let shown = path.display();
    let fill = format!("run `{REFRESH_COMMAND}` (or `--example <name>`) with credentials for account {account}");
    let loaded = lookups.loaded.as_ref().map(|l| &l.file);
    let file = match loaded {
        Some(Ok(Some(file))) => file,
        Some(Err(reason)) => {
            return Err((
                format!("the context file {shown} cannot be used: {reason}"),
                format!("restore it from version control, or delete it and {fill}"),
            ));
        }
        _ => {
            return Err((
                format!(
                    "{query} in account {account}, region {region} is looked up, and there is no context file {shown}"
                ),
                format!("{fill}: it writes the answer there; commit the file (synth never calls AWS)"),
            ));
        }
    };
    if let Some(entry) = file.find(&account, &region, &query) {
        return Ok(entry.answer.clone());
    }
    Err(match file.entries.iter().find(|e| e.used_by.contains(&construct)) {
        Some(old) => (
            format!(
                "the context file {shown} has an entry for this construct that no longer matches: it answers {} in account {}, region {}, and the program now asks {query} in account {account}, region {region}",
                old.query, old.account, old.region
            ),
            format!("look it up again: {fill} (the entry is replaced); commit the file"),
        ),
        None => (
            format!("{query} in account {account}, region {region} has no entry in the context file {shown}"),
            format!("{fill}: it adds the answer; commit the file (synth never calls AWS)"),
        ),
    })
}

/// The file at `path`: `None` when there is none.
fn read(path: &std::path::Path) -> std::result::Result<Option<ContextFile>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => ContextFile::parse(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}
