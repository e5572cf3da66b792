//! Customer-managed KMS keys for the data the constructs store: EKS secrets, log groups.
//!
//! Every key has rotation on and a key policy of two parts: the account keeps administration
//! (without it a key can become unmanageable — AWS's default key policy does the same), and
//! each AWS service that encrypts with the key gets only the cryptographic actions it needs,
//! conditioned on the encryption context of the one resource it serves.

use stackwright_cfn::kms;
use stackwright_core::{Construct, Error, Pseudo, Resource, Result, sub};

use crate::iam::arn;
use crate::iam::{PolicyDocument, Principal, Statement};

/// The statement that keeps the key administrable by the account (IAM policies then delegate
/// narrower use).
fn account_administration() -> Statement {
    let mut s = Statement::trust(
        Principal::Aws(sub!("arn:", Pseudo::Partition, ":iam::", Pseudo::AccountId, ":root")),
        "kms:*",
    )
    .sid("AccountAdministersTheKey")
    .allow_wildcard(
        "a key policy must let the account administer its key, or the key becomes unmanageable; \
             the Resource '*' of a key policy means this key only",
    );
    s.resources.push("*".into());
    s
}

/// Lets CloudWatch Logs of `region` use the key for the log group named `log_group_name` only.
pub(crate) fn logs_may_encrypt(region: &str, log_group_name: &str) -> Statement {
    logs_may_encrypt_groups(region, &[log_group_name])
}

/// Lets CloudWatch Logs of `region` use the key for the log groups named `names` only (one
/// statement: a key policy's statement ids must be unique).
pub(crate) fn logs_may_encrypt_groups(region: &str, names: &[&str]) -> Statement {
    let mut s = Statement::trust(Principal::Service(format!("logs.{region}.amazonaws.com")), "kms:Encrypt")
        .sid("CloudWatchLogsEncryptsOneLogGroup")
        .condition(
            "ArnEquals",
            "kms:EncryptionContext:aws:logs:arn",
            names.iter().map(|name| arn::regional("logs", [format!("log-group:{name}").into()])).collect::<Vec<_>>(),
        );
    s.actions.extend(
        [
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:DescribeKey",
        ]
        .map(String::from),
    );
    s.resources.push("*".into());
    s
}

/// Adds a key with rotation on, administered by the account, usable as `grants` say.
pub(crate) fn encryption_key(
    scope: &impl Construct,
    id: &str,
    description: &str,
    grants: Vec<Statement>,
) -> Result<Resource<kms::Key>> {
    let mut statements = vec![account_administration()];
    statements.extend(grants);
    let policy = PolicyDocument::new(statements);
    let problems = policy.problems(&format!("{}/{id}", scope.node().path()));
    if !problems.is_empty() {
        return Err(Error::Invalid(problems.into()));
    }
    let key = Resource::new(
        scope,
        id,
        kms::Key::new().with_description(description).with_enable_key_rotation(true).with_key_policy(policy.to_value()),
    )?;
    crate::iam::record_wildcard_reasons(key.node(), [(&policy, "/Properties/KeyPolicy")]);
    Ok(key)
}
