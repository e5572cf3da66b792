//! [`EksCluster::from_lookup`]: an existing cluster found by name, its connection read from the
//! program's context file (`stackwright.context.json`), which the runtime's `context --refresh`
//! fills from EKS `DescribeCluster`. Synth never calls AWS: see [`stackwright_core::lookup`].

use stackwright_core::lookup::{ClusterAnswer, ClusterQuery, LookupAnswer, LookupQuery};
use stackwright_core::{Construct, Problems, Result, Value};

use super::EksCluster;
use super::reference::{ClusterAttributes, ExistingAddons, OidcProviderRef};
use crate::network::Vpc;
use crate::workload::KubernetesVersion;

/// Which existing cluster [`EksCluster::from_lookup`] looks up, and what the lookup cannot
/// tell: the cluster's VPC as a handle (referenced or looked up: the lookup checks that it is
/// the cluster's), its IAM OIDC provider and what runs on it (as for
/// [`EksCluster::from_attributes`]).
#[derive(Clone)]
pub struct ClusterLookup<'a> {
    /// The cluster's name.
    pub name: String,
    /// The cluster's VPC.
    pub vpc: &'a Vpc,
    /// The cluster's IAM OIDC provider. Default: none.
    pub oidc_provider: Option<OidcProviderRef>,
    /// What runs on the cluster that constructs may need. Default: nothing stated.
    pub addons: ExistingAddons,
}

impl<'a> ClusterLookup<'a> {
    /// The cluster named `name`, in `vpc`.
    pub fn new(name: impl Into<String>, vpc: &'a Vpc) -> Self {
        ClusterLookup { name: name.into(), vpc, oidc_provider: None, addons: ExistingAddons::default() }
    }

    /// Its IAM OIDC provider (see [`ClusterAttributes::oidc_provider`](ClusterAttributes)).
    #[must_use]
    pub fn oidc_provider(mut self, provider: OidcProviderRef) -> Self {
        self.oidc_provider = Some(provider);
        self
    }

    /// What runs on it (see [`ExistingAddons`]).
    #[must_use]
    pub fn addons(mut self, addons: ExistingAddons) -> Self {
        self.addons = addons;
        self
    }
}

impl EksCluster {
    /// An existing cluster looked up by name: the same handle as
    /// [`EksCluster::from_attributes`] gives, its version, endpoint, certificate authority, OIDC
    /// issuer and cluster security group read from the entry the program's context file holds
    /// for (its environment's account and region, the name).
    ///
    /// ```
    /// use stackwright_constructs::{ClusterLookup, EksCluster, Vpc, VpcLookup};
    /// use stackwright_core::{Account, App, Region};
    ///
    /// let app = App::new("demo");
    /// app.set_context_file("/nonexistent/stackwright.context.json");
    /// let stack = app.environment("prod", Account::new("123456789012")?, Region::UsEast1).stack("apps");
    /// let vpc = Vpc::from_lookup(&stack, "Vpc", VpcLookup::by_name("shared"))?;
    /// let cluster = EksCluster::from_lookup(&stack, "Cluster", ClusterLookup::new("platform", &vpc))?;
    /// assert!(cluster.is_referenced());
    /// // No answers yet: synth says which command fills them.
    /// assert!(app.synth().unwrap_err().to_string().contains("the EKS cluster 'platform'"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. A missing context file or entry, an
    /// entry of this construct made for another query, an answer whose VPC is not `vpc` or whose
    /// version stackwright does not support, and every problem [`EksCluster::from_attributes`]
    /// finds, are recorded at the cluster's path and reported by synth (with the command that
    /// fills the entry); the cluster is then rejected.
    pub fn from_lookup(scope: &impl Construct, id: &str, lookup: ClusterLookup<'_>) -> Result<EksCluster> {
        let mut problems = Problems::for_child(scope, id);
        let (stack, environment) = problems.place("a looked-up EksCluster")?;
        let query = LookupQuery::Cluster(ClusterQuery { name: lookup.name.clone() });
        let answer = match problems.look_up(&environment, &query) {
            Some(LookupAnswer::Cluster(answer)) => attributes(&answer, &lookup, &mut problems),
            _ => None,
        };
        match answer {
            Some(attributes) => EksCluster::referenced_from(problems, stack, &environment, &attributes),
            // The lookup's problem is recorded: the node comes back rejected. The handle is still
            // that of an existing cluster (never one the program would create).
            None => {
                let node = problems.add_node();
                let mut cluster = EksCluster::rejected(
                    node,
                    &lookup.name,
                    KubernetesVersion::V1_36,
                    environment.region(),
                    Vec::new(),
                );
                cluster.referenced = true;
                Ok(cluster)
            }
        }
    }
}

/// The stored answer as attributes; `None`, with the problems pushed, when it does not fit.
fn attributes<'a>(
    answer: &ClusterAnswer,
    lookup: &ClusterLookup<'a>,
    problems: &mut Problems,
) -> Option<ClusterAttributes<'a>> {
    if lookup.vpc.is_referenced() && lookup.vpc.vpc_id().value() != &Value::from(answer.vpc_id.as_str()) {
        problems.push(
            format!("the cluster '{}' is in {}, not in the VPC given", answer.name, answer.vpc_id),
            format!("give ClusterLookup the cluster's VPC: VpcLookup::by_id(\"{}\")", answer.vpc_id),
        );
        return None;
    }
    let version = match answer.version.parse::<KubernetesVersion>() {
        Ok(version) => version,
        Err(e) => {
            let hint = e.diagnostics().first().map(|d| d.hint.clone()).unwrap_or_default();
            problems.push(
                format!(
                    "the cluster '{}' runs Kubernetes {}, which stackwright does not support",
                    answer.name, answer.version
                ),
                hint,
            );
            return None;
        }
    };
    let mut attributes = ClusterAttributes::new(answer.name.clone(), version, lookup.vpc)
        .endpoint(answer.endpoint.clone())
        .certificate_authority_data(answer.certificate_authority.clone())
        .oidc_issuer(answer.oidc_issuer.clone())
        .cluster_security_group_id(answer.cluster_security_group_id.clone())
        .addons(lookup.addons.clone());
    attributes.oidc_provider = lookup.oidc_provider.clone();
    Some(attributes)
}
