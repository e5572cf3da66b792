//! Typed references to an IAM role and a KMS key that exist already: [`IamRoleRef`] and
//! [`KmsKeyRef`], by ARN or by name (id). The program uses them and never changes them, so
//! nothing is added to a template; the construct that takes one checks it offline — the ARN's
//! form, the name's characters, the key's region against the stack's — and records each
//! problem at its own path, with the rest of its props.
//!
//! A key is no IAM resource, but both are plain ARNs with no construct of their own: they sit
//! here, in the module every other one may import.

use stackwright_core::{Problems, Region};

/// An IAM role that exists already, by name (a role of the stack's account, path `/`) or by
/// ARN. Used where a construct would otherwise create a role (a node group's node role:
/// `NodeGroupProps::node_role`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamRoleRef(RoleSource);

#[derive(Debug, Clone, PartialEq, Eq)]
enum RoleSource {
    Name(String),
    Arn(String),
}

impl IamRoleRef {
    /// The role `name` (1 to 64 of letters, digits and `+=,.@_-`) of the stack's account, with
    /// the path `/`: its ARN is `arn:aws:iam::<account>:role/<name>`.
    pub fn from_name(name: impl Into<String>) -> IamRoleRef {
        IamRoleRef(RoleSource::Name(name.into()))
    }

    /// The role of `arn`, `arn:aws:iam::<account>:role/<path/><name>`, as
    /// `aws iam get-role --query Role.Arn` shows it.
    pub fn from_arn(arn: impl Into<String>) -> IamRoleRef {
        IamRoleRef(RoleSource::Arn(arn.into()))
    }

    /// The role's ARN: the one given, or the name's in `account`.
    pub(crate) fn arn(&self, account: &str) -> String {
        match &self.0 {
            RoleSource::Name(name) => format!("arn:aws:iam::{account}:role/{name}"),
            RoleSource::Arn(arn) => arn.clone(),
        }
    }

    /// Records what is wrong with the reference, `what` naming the prop (`node_role`).
    pub(crate) fn check(&self, problems: &mut Problems, what: &str) {
        match &self.0 {
            RoleSource::Name(name) => {
                if !valid_role_name(name) {
                    problems.push(
                        format!("{what} '{name}' is not an IAM role name"),
                        "write the role's name: 1 to 64 letters, digits and +=,.@_- (or use IamRoleRef::from_arn)",
                    );
                }
            }
            RoleSource::Arn(arn) => {
                let name = super::arn::iam_resource(arn)
                    .filter(|_| arn.starts_with("arn:aws:iam::"))
                    .and_then(|r| r.strip_prefix("role/"))
                    .and_then(|r| r.rsplit('/').next());
                if !name.is_some_and(valid_role_name) {
                    problems.push(
                        format!("{what} '{arn}' is not an IAM role ARN"),
                        "write it as arn:aws:iam::<12-digit account>:role/<name>, as `aws iam get-role --role-name <name> \
                         --query Role.Arn` shows it",
                    );
                }
            }
        }
    }
}

/// 1 to 64 of the characters IAM allows in role names.
fn valid_role_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// A KMS key that exists already, by ARN or by key id (a key of the stack's account and
/// region). Used where a construct would otherwise create a key (the key of a referenced
/// cluster's EBS volumes: `ExistingAddons::ebs_volume_key`). An alias is not accepted: IAM
/// policies and the EBS CSI driver's `kmsKeyId` need the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsKeyRef(KeySource);

#[derive(Debug, Clone, PartialEq, Eq)]
enum KeySource {
    Id(String),
    Arn(String),
}

impl KmsKeyRef {
    /// The key of `arn`, `arn:aws:kms:<region>:<account>:key/<key id>`, as
    /// `aws kms describe-key --query KeyMetadata.Arn` shows it; in the stack's region.
    pub fn from_arn(arn: impl Into<String>) -> KmsKeyRef {
        KmsKeyRef(KeySource::Arn(arn.into()))
    }

    /// The key `key_id` (a UUID, or `mrk-` and 32 hexadecimal digits for a multi-Region key)
    /// of the stack's account and region.
    pub fn from_key_id(key_id: impl Into<String>) -> KmsKeyRef {
        KmsKeyRef(KeySource::Id(key_id.into()))
    }

    /// The key's ARN: the one given, or the id's in `region` and `account`.
    pub(crate) fn arn(&self, region: Region, account: &str) -> String {
        match &self.0 {
            KeySource::Id(id) => format!("arn:aws:kms:{region}:{account}:key/{id}"),
            KeySource::Arn(arn) => arn.clone(),
        }
    }

    /// Records what is wrong with the reference, `what` naming the prop: the form, and a key
    /// of another region (EBS volumes, like every KMS use, need a key of their own region).
    pub(crate) fn check(&self, problems: &mut Problems, region: Region, what: &str) {
        match &self.0 {
            KeySource::Id(id) => {
                if !valid_key_id(id) {
                    problems.push(
                        format!("{what} '{id}' is not a KMS key id"),
                        "write the key id as `aws kms describe-key --query KeyMetadata.KeyId` shows it (a UUID, or \
                         mrk- and 32 hexadecimal digits), or use KmsKeyRef::from_arn",
                    );
                }
            }
            KeySource::Arn(arn) => {
                let parts: Vec<&str> = arn.splitn(6, ':').collect();
                let well_formed = matches!(parts[..], ["arn", "aws", "kms", _, account, resource]
                    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
                        && resource.strip_prefix("key/").is_some_and(valid_key_id));
                if !well_formed {
                    problems.push(
                        format!("{what} '{arn}' is not a KMS key ARN"),
                        "write it as arn:aws:kms:<region>:<12-digit account>:key/<key id>, as `aws kms describe-key \
                         --query KeyMetadata.Arn` shows it (an alias is not a key)",
                    );
                } else if parts[3] != region.as_str() {
                    problems.push(
                        format!("{what} '{arn}' is a key of {}, not of {region}, the stack's region", parts[3]),
                        format!("use a key of {region}: a KMS key is used only in its own region"),
                    );
                }
            }
        }
    }
}

/// A UUID in lower-case hexadecimal, or `mrk-` and 32 hexadecimal digits.
fn valid_key_id(id: &str) -> bool {
    let hex = |s: &str| s.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    if let Some(rest) = id.strip_prefix("mrk-") {
        return rest.len() == 32 && hex(rest);
    }
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| hex(g))
}

#[cfg(test)]
mod tests {
    use stackwright_core::{Account, App, Region};

    use super::*;

    /// What `check` records for `reference`, in a stack of us-east-1: the messages synth
    /// reports (empty when nothing was recorded).
    fn problems(check: impl FnOnce(&mut Problems)) -> Vec<String> {
        let app = App::new("demo");
        let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1).stack("s");
        let mut problems = Problems::for_child(&stack, "X");
        check(&mut problems);
        if problems.is_empty() {
            return Vec::new();
        }
        let _ = problems.add_node();
        let Err(stackwright_core::Error::Invalid(found)) = app.synth() else { panic!("synth reports the problems") };
        found.iter().filter(|d| d.path == "prod/s/X").map(|d| d.message.clone()).collect()
    }

    #[test]
    fn role_names_and_arns_are_checked_and_a_name_is_a_role_of_the_account() {
        assert_eq!(IamRoleRef::from_name("nodes").arn("123456789012"), "arn:aws:iam::123456789012:role/nodes");
        let arn = "arn:aws:iam::123456789012:role/eks/nodes";
        assert_eq!(IamRoleRef::from_arn(arn).arn("999999999999"), arn);
        assert!(problems(|p| IamRoleRef::from_arn(arn).check(p, "node_role")).is_empty());
        assert!(problems(|p| IamRoleRef::from_name("nodes-1").check(p, "node_role")).is_empty());
        for bad in [IamRoleRef::from_name("no spaces"), IamRoleRef::from_name("")] {
            let found = problems(|p| bad.check(p, "node_role"));
            assert!(found.len() == 1 && found[0].contains("is not an IAM role name"), "{found:?}");
        }
        for bad in ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::1234:role/x", "arn:aws:s3:::bucket"] {
            let found = problems(|p| IamRoleRef::from_arn(bad).check(p, "node_role"));
            assert!(found.len() == 1 && found[0].contains("is not an IAM role ARN"), "{bad}: {found:?}");
        }
    }

    #[test]
    fn key_ids_and_arns_are_checked_and_a_key_of_another_region_is_refused() {
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let arn = format!("arn:aws:kms:us-east-1:123456789012:key/{id}");
        assert_eq!(KmsKeyRef::from_key_id(id).arn(Region::UsEast1, "123456789012"), arn);
        assert!(problems(|p| KmsKeyRef::from_arn(&arn).check(p, Region::UsEast1, "k")).is_empty());
        assert!(
            problems(|p| KmsKeyRef::from_key_id(format!("mrk-{}", "a".repeat(32))).check(p, Region::UsEast1, "k"))
                .is_empty()
        );
        let found = problems(|p| KmsKeyRef::from_arn(&arn).check(p, Region::EuWest1, "k"));
        assert!(found.len() == 1 && found[0].contains("is a key of us-east-1, not of eu-west-1"), "{found:?}");
        let alias = "arn:aws:kms:us-east-1:123456789012:alias/ebs";
        let found = problems(|p| KmsKeyRef::from_arn(alias).check(p, Region::UsEast1, "k"));
        assert!(found.len() == 1 && found[0].contains("is not a KMS key ARN"), "{found:?}");
        let found = problems(|p| KmsKeyRef::from_key_id("alias/ebs").check(p, Region::UsEast1, "k"));
        assert!(found.len() == 1 && found[0].contains("is not a KMS key id"), "{found:?}");
    }
}
