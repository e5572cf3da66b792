//! Change sets that earlier, interrupted runs left behind (killed before they could delete
//! them): recognised by the prefix of the names this runtime gives its change sets, and removed
//! only when no run can still be using them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Engine;
use super::stack::StackInfo;
use crate::error::Result;

/// The prefix of every change set this runtime creates: `stackwright-<unix seconds>-<hex>`.
pub(crate) const CHANGE_SET_PREFIX: &str = "stackwright-";

/// A change set name for now.
pub(crate) fn change_set_name() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    format!("{CHANGE_SET_PREFIX}{secs}-{:04x}", fastrand::u16(..))
}

/// When a change set of ours was created: CloudFormation's time, else the one in its name.
fn created_at(name: &str, creation: Option<&aws_smithy_types::DateTime>) -> Option<SystemTime> {
    if let Some(t) = creation.and_then(|t| SystemTime::try_from(*t).ok()) {
        return Some(t);
    }
    let secs: u64 = name.strip_prefix(CHANGE_SET_PREFIX)?.split('-').next()?.parse().ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// `42 s` or `61 min`.
fn human(d: Duration) -> String {
    if d.as_secs() < 120 { format!("{} s", d.as_secs()) } else { format!("{} min", d.as_secs() / 60) }
}

impl Engine<'_> {
    /// Deletes the change sets of earlier runs on this stack: ours by name, older than the
    /// stack timeout (a run still using one would have given up by then), and only while the
    /// stack has no operation in progress (`*_IN_PROGRESS`, review included). A concurrent
    /// run's fresh change set is kept. Returns a note per change set removed.
    ///
    /// # Errors
    ///
    /// The errors of `ListChangeSets`; failures to delete are only reported in the notes.
    pub async fn remove_orphan_change_sets(&self, info: &StackInfo) -> Result<Vec<String>> {
        if info.status.ends_with("_IN_PROGRESS") {
            return Ok(Vec::new());
        }
        let mut orphans = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .call("ListChangeSets", || {
                    self.cfn().list_change_sets().stack_name(&info.stack_id).set_next_token(token.clone()).send()
                })
                .await?;
            for s in out.summaries() {
                let name = s.change_set_name().unwrap_or_default();
                if !name.starts_with(CHANGE_SET_PREFIX) {
                    continue;
                }
                let age = created_at(name, s.creation_time())
                    .and_then(|t| SystemTime::now().duration_since(t).ok())
                    .unwrap_or_default();
                if age > self.options.stack_timeout {
                    orphans.push((name.to_string(), s.change_set_id().unwrap_or(name).to_string(), age));
                }
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut notes = Vec::new();
        for (name, id, age) in orphans {
            let deleted = self
                .call("DeleteChangeSet", || {
                    self.cfn().delete_change_set().stack_name(&info.stack_id).change_set_name(&id).send()
                })
                .await;
            let note = match deleted {
                Ok(_) => format!(
                    "removed change set {name}, left by an interrupted run {} ago (older than the {} timeout)",
                    human(age),
                    human(self.options.stack_timeout)
                ),
                Err(e) => format!("change set {name}, left by an interrupted run, could not be removed: {e}"),
            };
            self.say(&note);
            notes.push(note);
        }
        Ok(notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_their_creation_time() {
        let name = change_set_name();
        assert!(name.starts_with(CHANGE_SET_PREFIX), "{name}");
        let t = created_at(&name, None).unwrap();
        assert!(SystemTime::now().duration_since(t).unwrap() < Duration::from_secs(5));
        assert_eq!(created_at("stackwright-100-abcd", None), Some(UNIX_EPOCH + Duration::from_secs(100)));
        assert_eq!(created_at("other-100", None), None);
    }
}
