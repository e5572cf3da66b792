//! Stateful data: [`Database`] (PostgreSQL on RDS in a VPC's isolated subnets).

pub mod database;

pub use database::{
    Database, DatabaseAlarms, DatabaseClient, DatabaseProps, MonitoringInterval, POSTGRES_PORT, PostgresVersion,
};
