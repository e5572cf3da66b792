//! [`DatabaseConnection`]: what a workload needs to use a database — where it is, the
//! secret holding its credentials and the key encrypting that secret — and what connecting
//! adds: the `DB_*` environment, read access to that one secret and that one key, and egress
//! to the database's subnets.
//!
//! The grant is an `AWS::IAM::Policy` in the *database's* stack, attached to the workload's
//! role by name: the database's security group already refers to the cluster (its clients),
//! so a policy in the cluster's stack referring to the database's secret would make the two
//! stacks depend on each other.

use stackwright_cfn::iam;
use stackwright_core::{Arn, Attr, KubeCluster, Node, Resource, Result, Val, Value};

use crate::iam::{PolicyDocument, Statement};
use crate::network::Ipv4Cidr;

/// The variables a connection sets.
pub(crate) const VARIABLES: [&str; 5] = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_SECRET_ARN", "DB_SSLMODE"];

/// The libpq `sslmode` a connected workload is given. The database refuses connections
/// without TLS (`rds.force_ssl`); `verify-full` would also need the RDS certificate authority
/// in the image, which the Flask service's image does not ship.
pub const DB_SSLMODE: &str = "require";

/// A database a workload connects to, from `Database::connection` (or `&Database` where a
/// connection is taken): see [`WorkloadProps::database()`](super::WorkloadProps::database()).
#[derive(Debug, Clone)]
pub struct DatabaseConnection {
    /// The database's node: the grants of its clients are added below it.
    pub(crate) node: Node,
    /// The id of the database's environment.
    pub(crate) environment: String,
    pub(crate) endpoint: Attr<String>,
    pub(crate) port: u16,
    pub(crate) database_name: String,
    pub(crate) secret_arn: Attr<Arn>,
    pub(crate) key_arn: Attr<Arn>,
    /// The region of the database (its secret is read through `secretsmanager.<region>`).
    pub(crate) region: String,
    /// The CIDR blocks of the database's subnets.
    pub(crate) subnets: Vec<Ipv4Cidr>,
    /// The construct paths of the clusters the database's security group admits.
    pub(crate) clusters: Vec<String>,
}

impl DatabaseConnection {
    /// The construct path of the database.
    #[must_use]
    pub fn path(&self) -> String {
        self.node.path()
    }

    /// The environment variables a connected container gets; the endpoint and the secret's
    /// ARN are late-bound (placeholders of `kube` resolved from the database stack's outputs
    /// at deploy).
    pub(crate) fn variables(&self, kube: &KubeCluster) -> Result<[(&'static str, String); 5]> {
        Ok([
            ("DB_HOST", kube.late_bound(self.endpoint.clone())?),
            ("DB_PORT", self.port.to_string()),
            ("DB_NAME", self.database_name.clone()),
            ("DB_SECRET_ARN", kube.late_bound(self.secret_arn.clone())?),
            ("DB_SSLMODE", DB_SSLMODE.to_string()),
        ])
    }
}

/// What is wrong with connecting the workload at `path`, running on the cluster at
/// `cluster_path` in environment `environment`, to `db`: each as a message and a hint.
pub(crate) fn connection_problems(
    db: &DatabaseConnection,
    environment: Option<&str>,
    cluster_path: &str,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if environment != Some(db.environment.as_str()) {
        out.push((
            format!(
                "the database '{}' is in environment '{}', but this workload runs in '{}'",
                db.path(),
                db.environment,
                environment.unwrap_or("none")
            ),
            "connect a workload to a database of its own environment (each environment gets its own Database)"
                .to_string(),
        ));
    } else if !db.clusters.iter().any(|c| c == cluster_path) {
        out.push((
            format!("the database '{}' does not admit the cluster '{cluster_path}' on its port", db.path()),
            "add the cluster to the database's clients: DatabaseProps::allow_from(&cluster)".to_string(),
        ));
    }
    out
}

/// The least privilege reading the database's secret: `secretsmanager:GetSecretValue` on that
/// secret, `kms:Decrypt` on that key through Secrets Manager only.
pub(crate) fn secret_reader(db: &DatabaseConnection) -> PolicyDocument {
    PolicyDocument::new([
        Statement::allow(["secretsmanager:GetSecretValue"], [db.secret_arn.value().clone()]).sid("ReadDatabaseSecret"),
        Statement::allow(["kms:Decrypt"], [db.key_arn.value().clone()]).sid("DecryptDatabaseSecret").condition(
            "StringEquals",
            "kms:ViaService",
            [format!("secretsmanager.{}.amazonaws.com", db.region)],
        ),
    ])
}

/// Adds, below the database, the policy letting the role `role_arn` of workload `ns/name`
/// read the database's secret.
pub(crate) fn grant(db: &DatabaseConnection, ns: &str, name: &str, role_arn: &Attr<Arn>) -> Result<()> {
    // The role's name is its Ref; the ARN is its `Arn` attribute.
    let role_name = match role_arn.value() {
        Value::GetAtt(role, _) => Value::Ref(*role),
        other => other.clone(),
    };
    let id = format!("{}{}Access", pascal_case(ns), pascal_case(name));
    Resource::new(
        &db.node,
        &id,
        iam::Policy::new(secret_reader(db).to_value(), format!("database-{ns}-{name}"))
            .with_roles(Val::<Vec<String>>::of([Val::unchecked(role_name)])),
    )?;
    Ok(())
}

/// `flask-app` → `FlaskApp`: a Kubernetes name as part of a construct id.
fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The id of the environment `node` is in, if any.
pub(crate) fn environment_of(node: &Node) -> Option<String> {
    node.environment().map(|e| e.id())
}
