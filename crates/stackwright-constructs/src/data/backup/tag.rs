//! [`BackupTag`]: the one tag a [`BackupPlan`](super::BackupPlan) selects resources by.

use std::fmt;

/// The tag (key and value) a backup plan selects resources by. Constructs that make
/// resources for the plan apply exactly this tag: [`BackupPlan::protect`](super::BackupPlan::protect)
/// tags a database with it, and a volume's StorageClass tags its volumes with
/// [`BackupTag::tag_specification`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BackupTag {
    key: String,
    value: String,
}

impl BackupTag {
    /// The tag key every plan selects by: the value names the plan.
    pub const KEY: &'static str = "stackwright-backup-plan";

    pub(crate) fn for_plan(value: String) -> Self {
        BackupTag { key: BackupTag::KEY.to_string(), value }
    }

    /// The key.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value: `<app>-<environment>-<plan id>`.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// `key=value`: the form the EBS CSI driver's StorageClass parameter `tagSpecification_<n>`
    /// takes.
    #[must_use]
    pub fn tag_specification(&self) -> String {
        format!("{}={}", self.key, self.value)
    }

    /// The condition key of IAM and AWS Backup for the tag: `aws:ResourceTag/<key>`.
    #[must_use]
    pub fn condition_key(&self) -> String {
        format!("aws:ResourceTag/{}", self.key)
    }
}

impl fmt::Display for BackupTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tag_specification())
    }
}
