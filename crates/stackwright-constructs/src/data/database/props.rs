//! What a [`Database`](super::Database) can be configured with; every field's default is
//! stated, and the defaults pass checkov.

use stackwright_core::{Arn, Attr, Construct};

use super::engine::PostgresVersion;
use crate::eks::EksCluster;
use crate::internal::setters::setters;
use crate::network::{SecurityGroupId, Vpc};

/// How often enhanced monitoring samples the operating system's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MonitoringInterval {
    /// Every second.
    Seconds1,
    /// Every 5 seconds.
    Seconds5,
    /// Every 10 seconds.
    Seconds10,
    /// Every 15 seconds.
    Seconds15,
    /// Every 30 seconds.
    Seconds30,
    /// Every 60 seconds (the default: enough to see a trend, the cheapest).
    #[default]
    Seconds60,
}

impl MonitoringInterval {
    /// `MonitoringInterval` in seconds.
    #[must_use]
    pub fn seconds(self) -> u32 {
        match self {
            MonitoringInterval::Seconds1 => 1,
            MonitoringInterval::Seconds5 => 5,
            MonitoringInterval::Seconds10 => 10,
            MonitoringInterval::Seconds15 => 15,
            MonitoringInterval::Seconds30 => 30,
            MonitoringInterval::Seconds60 => 60,
        }
    }
}

/// The thresholds of the database's CloudWatch alarms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatabaseAlarms {
    /// CPU utilisation, percent, over three 5-minute periods. Default: 80.
    pub cpu_percent: u32,
    /// Free storage, percent of the allocated storage. Default: 10.
    pub free_storage_percent: u32,
    /// Open connections. Default: 100 (PostgreSQL's `max_connections` on a small class is a
    /// little above that).
    pub connections: u32,
}

impl Default for DatabaseAlarms {
    fn default() -> Self {
        DatabaseAlarms { cpu_percent: 80, free_storage_percent: 10, connections: 100 }
    }
}

setters! { DatabaseAlarms {
    value cpu_percent: u32,
    value free_storage_percent: u32,
    value connections: u32,
} }

/// Who may connect to the database: the pods and nodes of a cluster, by the security group
/// the cluster gives its managed nodes (pods of the VPC CNI share their node's).
#[derive(Debug, Clone)]
pub struct DatabaseClient {
    pub(crate) description: String,
    pub(crate) security_group: Attr<SecurityGroupId>,
    /// The construct path of the cluster (a workload of it may connect).
    pub(crate) cluster_path: String,
}

impl DatabaseClient {
    /// The nodes and pods of `cluster`.
    #[must_use]
    pub fn cluster(cluster: &EksCluster) -> Self {
        DatabaseClient {
            description: format!("PostgreSQL from the nodes and pods of EKS cluster {}", cluster.name()),
            security_group: cluster.cluster_security_group_id(),
            cluster_path: cluster.node().path(),
        }
    }
}

/// The properties of a [`Database`](super::Database).
#[derive(Clone)]
pub struct DatabaseProps<'a> {
    /// The VPC; the database runs in its isolated subnets (a tier with no route out of the
    /// VPC), at least two zones. Required.
    pub vpc: &'a Vpc,
    /// The PostgreSQL version. Required.
    pub version: PostgresVersion,
    /// The instance class, checked against the classes RDS offers for the version in the
    /// VPC's region. Default: `db.t4g.medium` (Graviton, the smallest class with Performance
    /// Insights and enough memory for a service's connection pool).
    pub instance_class: String,
    /// The database created at launch (letters, digits and `_`, starting with a letter; 1 to 63
    /// characters). Default: `app`.
    pub database_name: String,
    /// The master user's name; its password is generated and kept by RDS in Secrets Manager.
    /// Default: `dbadmin`.
    pub master_username: String,
    /// Storage at launch, GiB (gp3, 20 to 65536). Default: 20.
    pub allocated_storage_gib: u32,
    /// Storage autoscaling's upper bound, GiB (above `allocated_storage_gib`). Default: 100.
    pub max_allocated_storage_gib: u32,
    /// A synchronous standby in a second zone. Default: on in production environments
    /// (`Environment::mark_production`), off elsewhere — where checkov's Multi-AZ check is then
    /// skipped with that reason, recorded in the template.
    pub multi_az: Option<bool>,
    /// Days of automated backups, the window of point-in-time restore (7 to 35). Default: 7,
    /// in production environments 35.
    pub backup_retention_days: Option<u32>,
    /// Refuse to delete the instance. Default: on (`destroy` documents how to lift it outside
    /// production).
    pub deletion_protection: bool,
    /// Days the PostgreSQL and upgrade logs are kept in CloudWatch Logs. Default: 365.
    pub log_retention_days: u32,
    /// Days Performance Insights keeps its data: 7 (free), or a multiple of 31 up to 731.
    /// Default: 7.
    pub performance_insights_retention_days: u32,
    /// Enhanced monitoring's sampling interval. Default: 60 seconds.
    pub monitoring_interval: MonitoringInterval,
    /// Who may connect on 5432. Default: nobody (add with
    /// [`allow_from`](Self::allow_from)).
    pub clients: Vec<DatabaseClient>,
    /// The SNS topic the alarms notify (such as `Monitoring::alarm_topic`). Default: none (the
    /// alarms exist, with no action).
    pub alarm_topic: Option<Attr<Arn>>,
    /// The alarms' thresholds. Default: [`DatabaseAlarms::default`].
    pub alarms: DatabaseAlarms,
}

impl<'a> DatabaseProps<'a> {
    /// A database of PostgreSQL `version` in `vpc`'s isolated subnets, with every other field
    /// at its default.
    #[must_use]
    pub fn new(vpc: &'a Vpc, version: PostgresVersion) -> Self {
        DatabaseProps {
            vpc,
            version,
            instance_class: "db.t4g.medium".into(),
            database_name: "app".into(),
            master_username: "dbadmin".into(),
            allocated_storage_gib: 20,
            max_allocated_storage_gib: 100,
            multi_az: None,
            backup_retention_days: None,
            deletion_protection: true,
            log_retention_days: 365,
            performance_insights_retention_days: 7,
            monitoring_interval: MonitoringInterval::Seconds60,
            clients: Vec::new(),
            alarm_topic: None,
            alarms: DatabaseAlarms::default(),
        }
    }

    /// Lets the nodes and pods of `cluster` connect (adds to [`clients`](Self::clients)).
    #[must_use]
    pub fn allow_from(mut self, cluster: &EksCluster) -> Self {
        self.clients.push(DatabaseClient::cluster(cluster));
        self
    }
}

setters! { DatabaseProps<'a> {
    value version: PostgresVersion,
    into instance_class: String,
    into database_name: String,
    into master_username: String,
    value allocated_storage_gib: u32,
    value max_allocated_storage_gib: u32,
    some multi_az: bool,
    some backup_retention_days: u32,
    value deletion_protection: bool,
    value log_retention_days: u32,
    value performance_insights_retention_days: u32,
    value monitoring_interval: MonitoringInterval,
    list clients: DatabaseClient,
    some alarm_topic: Attr<Arn>,
    value alarms: DatabaseAlarms,
} }
