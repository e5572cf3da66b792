//! [`Database`]: PostgreSQL on RDS in a VPC's isolated subnets, secure by default — storage,
//! logs, Performance Insights and the master secret encrypted with a customer-managed key, TLS
//! enforced, IAM authentication on, automated backups, deletion protection and a final
//! snapshot, enhanced monitoring, logs to CloudWatch with a retention, alarms.

mod alarm_actions;
mod checks;
mod engine;
mod props;
mod resources;
mod tags;

pub use engine::PostgresVersion;
pub use props::{DatabaseAlarms, DatabaseClient, DatabaseProps, MonitoringInterval};

use std::rc::Rc;

use stackwright_core::{Arn, Attr, Construct, Node, Problems, Result, Val};

use crate::internal::problems::built_or_rejected;
use crate::network::Ipv4Cidr;
use crate::workload::DatabaseConnection;

/// The PostgreSQL port, the only one the security group opens.
pub const POSTGRES_PORT: u16 = 5432;

/// PostgreSQL on RDS (a `db.t4g.medium` by default) in the isolated subnets of a VPC.
///
/// What it adds below its path: a customer-managed KMS key (rotation on) encrypting the
/// storage, the master user's secret, Performance Insights and the log groups; the log groups
/// of the PostgreSQL and upgrade logs (created first, with a retention); a DB subnet group over
/// the isolated tier; a parameter group enforcing TLS (`rds.force_ssl`); a security group
/// admitting 5432 only from [`DatabaseProps::clients`] and nothing out; the enhanced
/// monitoring role; the instance (Multi-AZ in production, automated backups, deletion
/// protection, `DeletionPolicy` and `UpdateReplacePolicy` `Snapshot`, tags copied to snapshots,
/// automatic minor upgrades, the password managed by RDS in Secrets Manager, IAM database
/// authentication); and alarms on CPU, free storage and connections.
///
/// ```
/// # use stackwright_constructs::*;
/// # use stackwright_core::{Account, App, Region};
/// let app = App::new("shop");
/// let prod = app.environment("prod", Account::new("123456789012")?, Region::EuWest1);
/// let vpc = Vpc::new(
///     &prod.stack("network"),
///     "Vpc",
///     VpcProps::default().subnets([SubnetConfig::public(24), SubnetConfig::private(20), SubnetConfig::isolated(24)]),
/// )?;
/// let db = Database::new(&prod.stack("data"), "Orders", DatabaseProps::new(&vpc, PostgresVersion::V15))?;
/// assert_eq!(db.port(), 5432);
/// app.synth()?;
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Database {
    node: Node,
    database_name: String,
    endpoint: Attr<String>,
    secret_arn: Attr<Arn>,
    key_arn: Attr<Arn>,
    environment: String,
    tags: Rc<tags::InstanceTags>,
    /// The alarms and the topics they notify (none for a rejected database).
    alarms: Option<Rc<alarm_actions::AlarmActions>>,
    /// What a connected workload needs besides the attributes: the region, the CIDR blocks of
    /// the isolated subnets and the paths of the clusters admitted.
    region: String,
    subnets: Vec<Ipv4Cidr>,
    clusters: Vec<String>,
}

impl Database {
    /// Adds the database `id` below `scope`.
    ///
    /// # Errors
    /// When `scope` is in no environment. Every problem of `props` (a VPC without an isolated
    /// tier, or with it in one zone; a version or instance class RDS does not have; backup
    /// retention outside 7 to 35; a production database without Multi-AZ; names RDS rejects)
    /// is recorded at the database's path and reported by synth; the handle is then rejected
    /// and adds nothing.
    pub fn new(scope: &impl Construct, id: &str, props: DatabaseProps<'_>) -> Result<Database> {
        let mut problems = Problems::for_child(scope, id);
        let (_, environment) = problems.place("a Database")?;
        let production = environment.is_production();
        checks::check(&mut problems, &props, production);
        let node = problems.add_node();
        if !node.is_rejected() && props.vpc.node().is_rejected() {
            node.reject_because_of(props.vpc);
        }
        let rejected = |node: Node| Database {
            endpoint: node.rejected_attr(),
            secret_arn: node.rejected_attr(),
            key_arn: node.rejected_attr(),
            node,
            database_name: props.database_name.clone(),
            environment: environment.id(),
            tags: Rc::new(tags::InstanceTags::new(None, Vec::new())),
            alarms: None,
            region: props.vpc.region().as_str().to_string(),
            subnets: props.vpc.isolated_subnets().iter().map(|s| s.cidr().into()).collect(),
            clusters: props.clients.iter().map(|c| c.cluster_path.clone()).collect(),
        };
        if node.is_rejected() {
            return Ok(rejected(node));
        }
        let built = resources::build(&node, &props, production).map(|r| Database {
            node: node.clone(),
            database_name: props.database_name.clone(),
            endpoint: r.endpoint,
            secret_arn: r.secret_arn,
            key_arn: r.key_arn,
            environment: environment.id(),
            tags: Rc::new(r.tags),
            alarms: Some(Rc::new(r.alarms)),
            region: props.vpc.region().as_str().to_string(),
            subnets: props.vpc.isolated_subnets().iter().map(|s| s.cidr().into()).collect(),
            clusters: props.clients.iter().map(|c| c.cluster_path.clone()).collect(),
        });
        built_or_rejected(&node, built, || rejected(node.clone()))
    }

    /// The instance's DNS name (`Endpoint.Address`).
    #[must_use]
    pub fn endpoint(&self) -> &Attr<String> {
        &self.endpoint
    }

    /// The port: 5432.
    #[must_use]
    pub fn port(&self) -> u16 {
        POSTGRES_PORT
    }

    /// The database created at launch.
    #[must_use]
    pub fn database_name(&self) -> &str {
        &self.database_name
    }

    /// The ARN of the Secrets Manager secret RDS keeps the master user's credentials in (a
    /// JSON object with `username` and `password`; RDS rotates the password).
    #[must_use]
    pub fn secret_arn(&self) -> &Attr<Arn> {
        &self.secret_arn
    }

    /// The ARN of the customer-managed key encrypting the storage and the secret (a reader of
    /// the secret needs `kms:Decrypt` on it).
    #[must_use]
    pub fn key_arn(&self) -> &Attr<Arn> {
        &self.key_arn
    }

    /// The id of the environment the database is in.
    #[must_use]
    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// Sets the instance's tag `key` to `value` (a tag of the same key is replaced). RDS copies
    /// the instance's tags to its snapshots.
    ///
    /// # Errors
    /// Never for a built database (the instance's `Tags` is a list it owns).
    pub(crate) fn set_tag(&self, key: &str, value: &str) -> Result<()> {
        self.tags.set(key, value)
    }

    /// Makes the alarms (CPU, free storage, connections) notify `topic` as well, in the ALARM
    /// and the OK state: for a topic that exists only after the database, such as
    /// `Monitoring::alarm_topic` when the monitored workloads connect to this database. A
    /// topic given twice notifies once. Nothing for a rejected database.
    ///
    /// # Errors
    /// Never for a built database (the alarms' actions are lists it owns).
    pub fn notify_alarms_to(&self, topic: &Attr<Arn>) -> Result<()> {
        match &self.alarms {
            Some(alarms) => alarms.add(topic.to_val().into()),
            None => Ok(()),
        }
    }

    /// The value of the instance's tag `key`, if it has one.
    #[must_use]
    pub fn tag(&self, key: &str) -> Option<String> {
        self.tags.get(key)
    }

    /// What a workload connects to it with: [`WorkloadProps::database()`](crate::WorkloadProps::database())
    /// and `FlaskAppProps::database` take it (or `&Database`, which converts).
    #[must_use]
    pub fn connection(&self) -> DatabaseConnection {
        DatabaseConnection {
            node: self.node.clone(),
            environment: self.environment.clone(),
            endpoint: self.endpoint.clone(),
            port: POSTGRES_PORT,
            database_name: self.database_name.clone(),
            secret_arn: self.secret_arn.clone(),
            key_arn: self.key_arn.clone(),
            region: self.region.clone(),
            subnets: self.subnets.clone(),
            clusters: self.clusters.clone(),
        }
    }

    /// The endpoint as a template value.
    #[must_use]
    pub fn endpoint_value(&self) -> Val<String> {
        self.endpoint.clone().into()
    }
}

impl From<&Database> for DatabaseConnection {
    fn from(db: &Database) -> Self {
        db.connection()
    }
}

impl Construct for Database {
    fn node(&self) -> &Node {
        &self.node
    }
}
