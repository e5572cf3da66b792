//! The resources of a [`BackupPlan`](super::BackupPlan), in the order they depend on each
//! other: role, key, vault, plan, selection, restore-testing plan and selections.

use stackwright_cfn::backup::{backup_plan as bp, backup_selection as bs, restore_testing_plan as rtp};
use stackwright_cfn::{Tag, backup};
use stackwright_core::{Arn, Attr, DeletionPolicy, Node, Pseudo, Resource, Result, Val, Value};

use super::props::{BackupPlanProps, BackupRule};
use super::tag::BackupTag;
use crate::iam::service_role::{RoleSpec, service_role, service_trust};
use crate::iam::{Principal, Statement};
use crate::internal::encryption_key::encryption_key;

/// What the handle keeps of the built resources.
pub(super) struct Built {
    pub(super) vault_arn: Attr<Arn>,
    pub(super) key_arn: Attr<Arn>,
    pub(super) role_arn: Attr<Arn>,
}

/// Adds every resource of the plan below `node`; `name` is `<app>-<environment>-<id>`.
pub(super) fn build(node: &Node, props: &BackupPlanProps, name: &str, tag: &BackupTag) -> Result<Built> {
    let region = node.stack().map(|s| s.environment().region().as_str().to_string()).unwrap_or_default();
    // AWS's managed service-role policies, not a hand-written one: backing up and restoring
    // RDS instances and EBS volumes takes some forty rds:/ec2:/kms:/tag: actions that AWS
    // keeps current as the services change (new snapshot APIs, archive tier, restore
    // testing), each already conditioned by AWS on resources AWS Backup manages. A copy here
    // would drift from what AWS Backup calls and fail jobs silently; the role is trusted by
    // AWS Backup alone, so these policies grant nothing to anyone else.
    let role = service_role(
        node,
        "Role",
        RoleSpec::trusted_by(
            vec![service_trust("backup.amazonaws.com", &["sts:AssumeRole"])],
            format!("AWS Backup's role for backup plan {name}: backs up and restores its selection"),
        )
        .managed(&[
            "service-role/AWSBackupServiceRolePolicyForBackup",
            "service-role/AWSBackupServiceRolePolicyForRestores",
        ]),
    )?;
    let key = encryption_key(
        node,
        "Key",
        &format!("Encrypts the recovery points of backup vault {name}"),
        vec![backup_may_use(&role.arn(), &region)],
    )?;
    // Recovery points outlive the stack: the vault (which CloudFormation cannot delete while
    // it holds any) and the key that decrypts them stay when the stack goes.
    key.set_deletion_policy(DeletionPolicy::Retain);
    key.set_update_replace_policy(DeletionPolicy::Retain);
    let vault =
        Resource::new(node, "Vault", backup::BackupVault::new(name.to_string()).with_encryption_key_arn(key.arn()))?;
    vault.set_deletion_policy(DeletionPolicy::Retain);
    vault.set_update_replace_policy(DeletionPolicy::Retain);
    let rules = [("Daily", &props.daily), ("Weekly", &props.weekly)]
        .map(|(rule_name, rule)| backup_rule(rule_name, rule, vault.reference().into(), tag));
    let plan =
        Resource::new(node, "Plan", backup::BackupPlan::new(bp::BackupPlanResourceType::new(name.to_string(), rules)))?;
    let resources = Val::<Vec<String>>::of(props.resource_types.iter().map(|t| {
        let (service, resource) = t.arn_parts();
        Val::<String>::sub([
            "arn:".into(),
            Pseudo::Partition.into(),
            format!(":{service}:").into(),
            Pseudo::Region.into(),
            ":".into(),
            Pseudo::AccountId.into(),
            format!(":{resource}").into(),
        ])
    }));
    // Resources of the covered types AND carrying the tag (a selection's `Resources` filters
    // first, its `Conditions` then narrow): a tag copied to another type selects nothing.
    Resource::new(
        node,
        "Selection",
        backup::BackupSelection::new(
            plan.backup_plan_id(),
            bs::BackupSelectionResourceType::new(role.arn(), "tagged").with_resources(resources).with_conditions(
                bs::Conditions::new().with_string_equals([bs::ConditionParameter::new()
                    .with_condition_key(tag.condition_key())
                    .with_condition_value(tag.value().to_string())]),
            ),
        ),
    )?;
    if props.restore_testing {
        restore_testing(node, props, name, tag, &vault.backup_vault_arn(), &role.arn())?;
    }
    Ok(Built { vault_arn: vault.backup_vault_arn(), key_arn: key.arn(), role_arn: role.arn() })
}

/// One rule: its schedule, its retention and (where allowed) its cold-storage transition;
/// recovery points carry the selection tag, so that a restored copy is recognisable.
fn backup_rule(rule_name: &str, rule: &BackupRule, vault: Val<String>, tag: &BackupTag) -> bp::BackupRuleResourceType {
    let mut lifecycle = bp::LifecycleResourceType::new().with_delete_after_days(f64::from(rule.retention_days));
    if let Some(cold) = rule.cold_storage_after_days {
        lifecycle = lifecycle.with_move_to_cold_storage_after_days(f64::from(cold));
    }
    bp::BackupRuleResourceType::new(rule_name, vault)
        .with_schedule_expression(rule.schedule.clone())
        .with_start_window_minutes(60.0)
        .with_completion_window_minutes(24.0 * 60.0)
        .with_lifecycle(lifecycle)
        .with_recovery_point_tags([(tag.key().to_string(), tag.value().to_string())])
}

/// Lets the plan's role use the vault key through AWS Backup only; grants only for AWS
/// resources (the recovery points).
fn backup_may_use(role: &Attr<Arn>, region: &str) -> Statement {
    let mut s = Statement::trust(Principal::Aws(Value::from(Val::from(role))), "kms:Encrypt")
        .sid("AwsBackupUsesTheKeyForItsRecoveryPoints")
        .condition("StringEquals", "kms:ViaService", [format!("backup.{region}.amazonaws.com")])
        .allow_wildcard("the Resource '*' of a key policy means this key only");
    s.actions.extend(
        [
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:DescribeKey",
            "kms:CreateGrant",
        ]
        .map(String::from),
    );
    s.resources.push("*".into());
    s
}

/// Every week, the latest recovery point of each covered type (carrying the tag) is restored,
/// kept for the validation window and deleted by AWS Backup.
fn restore_testing(
    node: &Node,
    props: &BackupPlanProps,
    name: &str,
    tag: &BackupTag,
    vault_arn: &Attr<Arn>,
    role_arn: &Attr<Arn>,
) -> Result<()> {
    // Restore-testing names take letters, digits and underscores only.
    let testing_name = name.replace('-', "_");
    let plan = Resource::new(
        node,
        "RestoreTesting",
        backup::RestoreTestingPlan::new(
            rtp::RestoreTestingRecoveryPointSelection::new(
                "LATEST_WITHIN_WINDOW",
                Val::<Vec<String>>::of([vault_arn.into()]),
                ["SNAPSHOT"],
            )
            .with_selection_window_days(7),
            testing_name.clone(),
            "cron(0 6 ? * MON *)",
        )
        .with_start_window_hours(24)
        .with_tags([Tag::new(tag.key().to_string(), tag.value().to_string())]),
    )?;
    for t in &props.resource_types {
        Resource::new(
            node,
            &format!("RestoreTesting{}", capitalized(t.as_str())),
            backup::RestoreTestingSelection::new(
                role_arn,
                t.as_str(),
                plan.reference(),
                format!("{testing_name}_{}", t.as_str().to_ascii_lowercase()),
            )
            .with_protected_resource_arns(["*"])
            .with_protected_resource_conditions(
                backup::restore_testing_selection::ProtectedResourceConditions::new()
                    .with_string_equals([Tag::new(tag.condition_key(), tag.value().to_string())]),
            )
            .with_validation_window_hours(i64::from(props.validation_window_hours)),
        )?;
    }
    Ok(())
}

fn capitalized(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut c = lower.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}
