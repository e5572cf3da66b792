//! Helpers no user calls, shared by the constructs: problem collection, configuration hashes,
//! log groups and KMS keys, physical names, the EC2 instance types each region offers, the NetworkPolicy builders, label maps and selectors, the
//! setters of props types, and the contract between monitoring and the workloads it scrapes.
//!
//! Everything here is crate-private; it imports nothing of this crate but [`crate::iam`].

pub(crate) mod config_hash;
pub(crate) mod container_insights;
pub(crate) mod encryption_key;
pub(crate) mod instance_types;
pub(crate) mod labels;
pub(crate) mod log_group;
pub(crate) mod network_policy;
pub(crate) mod physical_name;
pub(crate) mod problems;
pub(crate) mod scrape_contract;
pub(crate) mod setters;
