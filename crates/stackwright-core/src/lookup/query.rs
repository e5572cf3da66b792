//! What a program asks about existing infrastructure ([`LookupQuery`]) and what the context
//! file stores as the answer ([`LookupAnswer`]).
//!
//! Both are plain data, serialized into the context file and the assembly's `manifest.json`
//! in one canonical form (maps sorted, empty criteria left out), so that the same question
//! is always the same key and the same answer always the same bytes.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A question about infrastructure that exists already, answered from the context file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LookupQuery {
    /// A VPC by id and/or tags (`DescribeVpcs`, then its subnets and route tables).
    Vpc(VpcQuery),
    /// An EKS cluster by name (`DescribeCluster`).
    Cluster(ClusterQuery),
}

impl LookupQuery {
    /// `vpc` or `cluster`: what the query looks for.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            LookupQuery::Vpc(_) => "vpc",
            LookupQuery::Cluster(_) => "cluster",
        }
    }
}

impl fmt::Display for LookupQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupQuery::Vpc(q) => q.fmt(f),
            LookupQuery::Cluster(q) => write!(f, "the EKS cluster '{}'", q.name),
        }
    }
}

/// Which VPC: every criterion given must hold, and exactly one VPC may match.
///
/// ```
/// use stackwright_core::lookup::VpcQuery;
/// let query = VpcQuery::default().name("shared").tag("team", "platform");
/// assert_eq!(query.to_string(), "the VPC with tags Name=shared, team=platform");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcQuery {
    /// The VPC's id, when known. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Tags the VPC carries, key → value (the `Name` tag is the console's name). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl VpcQuery {
    /// The VPC whose id is `vpc_id`.
    #[must_use]
    pub fn id(mut self, vpc_id: impl Into<String>) -> Self {
        self.vpc_id = Some(vpc_id.into());
        self
    }

    /// The VPC whose `Name` tag is `name` (the name the console shows).
    #[must_use]
    pub fn name(self, name: impl Into<String>) -> Self {
        self.tag("Name", name)
    }

    /// The VPC carrying the tag `key` with the value `value`.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// True when nothing narrows the query: it would match every VPC of the region.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.vpc_id.is_none() && self.tags.is_empty()
    }
}

impl fmt::Display for VpcQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the VPC")?;
        if let Some(id) = &self.vpc_id {
            write!(f, " {id}")?;
        }
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            write!(f, " with tags {}", tags.join(", "))?;
        }
        Ok(())
    }
}

/// Which EKS cluster: its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterQuery {
    /// The cluster's name.
    pub name: String,
}

/// The answer stored for a query: what the refresh command read from AWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LookupAnswer {
    /// The answer to a [`LookupQuery::Vpc`].
    Vpc(VpcAnswer),
    /// The answer to a [`LookupQuery::Cluster`].
    Cluster(ClusterAnswer),
}

impl LookupAnswer {
    /// `vpc` or `cluster`: the kind of query this answers.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            LookupAnswer::Vpc(_) => "vpc",
            LookupAnswer::Cluster(_) => "cluster",
        }
    }
}

/// A VPC as the refresh command found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcAnswer {
    /// `vpc-…`.
    pub vpc_id: String,
    /// The VPC's primary block, such as `10.1.0.0/16`.
    pub cidr: String,
    /// Every subnet, sorted by tier, zone and id.
    pub subnets: Vec<SubnetAnswer>,
    /// The public subnets all carry `kubernetes.io/role/elb: 1` and the private ones
    /// `kubernetes.io/role/internal-elb: 1` (the tags the AWS Load Balancer Controller reads).
    pub load_balancer_tags: bool,
}

/// The tier of a looked-up subnet, recognised by the refresh command: a
/// `stackwright:subnet-type` or `aws-cdk:subnet-type` tag (`Public`, `Private`, `Isolated`)
/// when the subnet has one, else its route table — a route to an internet gateway is public,
/// a route out through anything else (NAT gateway, transit gateway, instance) is private, no
/// route out of the VPC is isolated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubnetTier {
    /// Routes to an internet gateway.
    Public,
    /// Routes out through NAT (or another target that is not an internet gateway).
    Private,
    /// No route out of the VPC.
    Isolated,
}

/// One subnet of a looked-up VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetAnswer {
    /// Its tier (see [`SubnetTier`] for how it is recognised).
    pub tier: SubnetTier,
    /// Its availability zone, such as `us-east-1a`.
    pub availability_zone: String,
    /// `subnet-…`.
    pub subnet_id: String,
    /// Its block.
    pub cidr: String,
    /// The route table associated with it (the VPC's main table when none is).
    pub route_table_id: String,
}

/// An EKS cluster as `DescribeCluster` showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterAnswer {
    /// The cluster's name.
    pub name: String,
    /// Its Kubernetes version, such as `1.33`.
    pub version: String,
    /// The API server's URL.
    pub endpoint: String,
    /// The cluster's certificate authority, base64 PEM as EKS gives it.
    pub certificate_authority: String,
    /// The OIDC issuer URL, for IRSA trust policies.
    pub oidc_issuer: String,
    /// The security group EKS created for the cluster, `sg-…`.
    pub cluster_security_group_id: String,
    /// The VPC the cluster is in, `vpc-…`.
    pub vpc_id: String,
}
