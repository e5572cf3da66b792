//! [`BackupPlan`]: AWS Backup for the platform's data — a vault encrypted with a
//! customer-managed key, daily and weekly rules, a selection by one tag ([`BackupTag`]) of the
//! RDS instances and EBS volumes that carry it, and weekly restore testing.

mod checks;
mod props;
mod resource_type;
mod resources;
mod tag;

pub use props::{BackupPlanProps, BackupRule};
pub use resource_type::{COLD_STORAGE_SOURCE, ProtectedResourceType};
pub use tag::BackupTag;

use stackwright_core::{Arn, Attr, Construct, Diagnostic, Node, Problems, Result};

use super::database::Database;
use crate::internal::problems::built_or_rejected;

/// AWS Backup for the RDS instances and EBS volumes of an environment that carry its tag.
///
/// What it adds below its path: the role AWS Backup assumes (trusted by AWS Backup only; AWS's
/// managed backup and restore policies, for the reason written next to them); a
/// customer-managed KMS key (rotation on) that AWS Backup may use through its own service
/// only; the vault encrypted with it (vault and key are retained when the stack is deleted:
/// they hold and decrypt the recovery points); the plan with a daily and a weekly rule; the
/// selection (the covered resource types carrying [`BackupPlan::selection_tag`]); and, unless
/// turned off, a restore-testing plan that restores the latest recovery point of each type
/// every Monday and deletes the copy after the validation window.
///
/// ```
/// # use stackwright_constructs::*;
/// # use stackwright_core::{Account, App, Region};
/// let app = App::new("shop");
/// let prod = app.environment("prod", Account::new("123456789012")?, Region::EuWest1);
/// let plan = BackupPlan::new(&prod.stack("backup"), "Backups", BackupPlanProps::default())?;
/// assert_eq!(plan.selection_tag().tag_specification(), "stackwright-backup-plan=shop-prod-backups");
/// app.synth()?;
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BackupPlan {
    node: Node,
    tag: BackupTag,
    resource_types: Vec<ProtectedResourceType>,
    environment: String,
    vault_arn: Attr<Arn>,
    key_arn: Attr<Arn>,
    role_arn: Attr<Arn>,
}

impl BackupPlan {
    /// Adds the plan `id` below `scope`.
    ///
    /// # Errors
    /// When `scope` is in no environment. Every problem of `props` (a retention of 0 days, a
    /// cold-storage transition for a type without cold storage or less than 90 days before
    /// the end of the retention, a schedule that is not a cron expression, no resource type)
    /// is recorded at the plan's path and reported by synth; the handle is then rejected and
    /// adds nothing.
    pub fn new(scope: &impl Construct, id: &str, props: BackupPlanProps) -> Result<BackupPlan> {
        let mut problems = Problems::for_child(scope, id);
        let (_, environment) = problems.place("a BackupPlan")?;
        checks::check(&mut problems, &props);
        let name = plan_name(&scope.node().app_name(), &environment.id(), id);
        let node = problems.add_node();
        let tag = BackupTag::for_plan(name.clone());
        let rejected = |node: Node| BackupPlan {
            vault_arn: node.rejected_attr(),
            key_arn: node.rejected_attr(),
            role_arn: node.rejected_attr(),
            node,
            tag: tag.clone(),
            resource_types: props.resource_types.clone(),
            environment: environment.id(),
        };
        if node.is_rejected() {
            return Ok(rejected(node));
        }
        let built = resources::build(&node, &props, &name, &tag).map(|r| BackupPlan {
            node: node.clone(),
            tag: tag.clone(),
            resource_types: props.resource_types.clone(),
            environment: environment.id(),
            vault_arn: r.vault_arn,
            key_arn: r.key_arn,
            role_arn: r.role_arn,
        });
        built_or_rejected(&node, built, || rejected(node.clone()))
    }

    /// The tag the plan selects by. Apply exactly this tag to what the plan should protect:
    /// [`BackupPlan::protect`] does for a database; for the EBS volumes of persistent volume
    /// claims, the StorageClass tags them with it ([`PersistentStorage::backup_tag`](crate::PersistentStorage::backup_tag)).
    #[must_use]
    pub fn selection_tag(&self) -> &BackupTag {
        &self.tag
    }

    /// Puts `database` in the plan: tags its instance with [`BackupPlan::selection_tag`].
    ///
    /// # Errors
    /// When the database is in another environment than the plan (AWS Backup selects within
    /// its own account and region), or the plan does not cover RDS.
    pub fn protect(&self, database: &Database) -> Result<()> {
        if database.environment() != self.environment {
            return Err(Diagnostic::new(
                self.node.path(),
                format!(
                    "the database {} is in environment '{}', the plan in '{}'",
                    database.node().path(),
                    database.environment(),
                    self.environment
                ),
                "protect a database with the backup plan of its own environment",
            )
            .into());
        }
        if !self.resource_types.contains(&ProtectedResourceType::Rds) {
            return Err(Diagnostic::new(
                self.node.path(),
                format!("the plan does not cover RDS, so it cannot protect the database {}", database.node().path()),
                "add ProtectedResourceType::Rds to BackupPlanProps::resource_types",
            )
            .into());
        }
        database.set_tag(self.tag.key(), self.tag.value())
    }

    /// The resource types the selection covers.
    #[must_use]
    pub fn resource_types(&self) -> &[ProtectedResourceType] {
        &self.resource_types
    }

    /// The vault's ARN.
    #[must_use]
    pub fn vault_arn(&self) -> &Attr<Arn> {
        &self.vault_arn
    }

    /// The ARN of the key encrypting the vault.
    #[must_use]
    pub fn key_arn(&self) -> &Attr<Arn> {
        &self.key_arn
    }

    /// The ARN of the role AWS Backup assumes for the plan's jobs and restores (a restore
    /// started by hand passes it as `--iam-role-arn`).
    #[must_use]
    pub fn role_arn(&self) -> &Attr<Arn> {
        &self.role_arn
    }
}

impl Construct for BackupPlan {
    fn node(&self) -> &Node {
        &self.node
    }
}

/// `<app>-<environment>-<id>` in lower case with `-` between words, at most 50 characters (a
/// vault name's limit): the vault's and plan's name and the tag's value.
fn plan_name(app: &str, environment: &str, id: &str) -> String {
    crate::internal::physical_name::dashed_lower(&[app, environment, id], 50)
}
