//! Stateful data: [`Database`] (PostgreSQL on RDS in a VPC's isolated subnets) and
//! [`BackupPlan`] (AWS Backup of the databases and volumes that carry its tag).

pub mod backup;
pub mod database;

pub use backup::{BackupPlan, BackupPlanProps, BackupRule, BackupTag, COLD_STORAGE_SOURCE, ProtectedResourceType};
pub use database::{
    Database, DatabaseAlarms, DatabaseClient, DatabaseProps, MonitoringInterval, POSTGRES_PORT, PostgresVersion,
};
