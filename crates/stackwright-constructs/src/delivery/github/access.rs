//! The AWS side of the pipeline: GitHub's OIDC identity provider and the two roles workflows
//! assume with it. No access keys exist anywhere: a job asks GitHub for a short-lived OIDC
//! token and trades it for role credentials that last one hour at most.
//!
//! - The **diff role** is trusted for the repository's pull requests only
//!   (`sub` = `repo:<owner>/<name>:pull_request`). It reads stacks, creates and deletes change
//!   sets (which change nothing), and reads the cluster.
//! - The **deploy role** is trusted only for jobs running in the protected GitHub environment
//!   (`sub` = `repo:<owner>/<name>:environment:<environment>`); the environment's deployment
//!   branch rule limits it to the main branch and its required reviewers gate it. It drives
//!   CloudFormation on the app's stacks (`<app>-<environment>-*`), may change resources only
//!   *through* CloudFormation (`aws:CalledVia`), passes only the roles those stacks create,
//!   pushes to the named ECR repositories, and is a cluster admin through an EKS access entry.
//!   It can never change its own stack or its own roles: that stays with an administrator.

use stackwright_cfn::{eks, iam};
use stackwright_core::{Arn, Construct, Diagnostic, Environment, Node, Problems, Pseudo, Resource, Result, Val, Value};

use crate::iam::PolicyDocument;
use crate::internal::setters::setters;

mod policies;

use policies::{deploy_policy, diff_policy, trust_policy};

/// The issuer of GitHub Actions OIDC tokens.
pub const GITHUB_OIDC_HOST: &str = "token.actions.githubusercontent.com";
/// The audience `configure-aws-credentials` requests.
pub(crate) const STS_AUDIENCE: &str = "sts.amazonaws.com";

/// A GitHub repository, `owner/name`, checked against GitHub's naming rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubRepository {
    owner: String,
    name: String,
}

impl GitHubRepository {
    /// Parses `owner/name`.
    ///
    /// # Errors
    /// At once (a value parsed before any construct takes it, like an account or a region):
    /// when `full_name` is not `owner/name` with GitHub's rules for both, reported at `github`.
    pub fn new(full_name: &str) -> Result<Self> {
        let problem = |message: String| {
            Diagnostic::new("github", message, "write the repository as owner/name, e.g. acme/flask-platform")
        };
        let Some((owner, name)) = full_name.split_once('/') else {
            return Err(problem(format!("'{full_name}' is not of the form owner/name")).into());
        };
        let owner_ok = !owner.is_empty()
            && owner.len() <= 39
            && !owner.starts_with('-')
            && owner.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !owner_ok {
            return Err(problem(format!("'{owner}' is not a valid GitHub user or organization name")).into());
        }
        let name_ok = !name.is_empty()
            && name.len() <= 100
            && name != "."
            && name != ".."
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !name_ok {
            return Err(problem(format!("'{name}' is not a valid GitHub repository name")).into());
        }
        Ok(GitHubRepository { owner: owner.to_string(), name: name.to_string() })
    }

    /// `owner/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// The `sub` claim of a pull-request job's token.
    pub fn pull_request_subject(&self) -> String {
        format!("repo:{}:pull_request", self.full_name())
    }

    /// The `sub` claim of a job running in `environment`.
    pub fn environment_subject(&self, environment: &str) -> String {
        format!("repo:{}:environment:{environment}", self.full_name())
    }
}

/// Checks a GitHub environment or branch name for use in a `sub` claim: no wildcard or
/// separator characters, so that the claim names exactly one.
pub(crate) fn check_claim_part(path: &str, what: &str, value: &str) -> Result<(), Diagnostic> {
    let ok = !value.is_empty()
        && value.len() <= 255
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
        && !value.starts_with('/')
        && !value.ends_with('/');
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::new(
            path,
            format!("invalid {what} '{value}'"),
            "use letters, digits, '-', '_', '.' and '/' (no wildcards): the trust policy must name exactly one",
        ))
    }
}

/// An existing GitHub provider is IAM's provider for GitHub's issuer in the stack's account
/// (the roles trust a provider of their own account): checked offline, as a referenced
/// cluster's provider is.
fn check_existing_provider(path: &str, arn: &str, account: &str) -> Option<Diagnostic> {
    let of_account = arn
        .strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.strip_suffix(":oidc-provider/token.actions.githubusercontent.com"))
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
    match of_account {
        Some(a) if a == account => None,
        Some(a) => Some(Diagnostic::new(
            path,
            format!("the existing GitHub OIDC provider '{arn}' is in account {a}, not in {account}, the stack's"),
            "give the provider of the stack's account (the roles trust a provider of their own account), or let the \
             stack create one (OidcProviderSource::Create)",
        )),
        None => Some(Diagnostic::new(
            path,
            format!("'{arn}' is not the ARN of GitHub's OIDC provider"),
            format!(
                "write arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com, as `aws iam \
                 list-open-id-connect-providers` shows it"
            ),
        )),
    }
}

/// Where the account's GitHub OIDC provider comes from: an account has at most one per issuer.
#[derive(Debug, Clone, PartialEq)]
pub enum OidcProviderSource {
    /// Created by this stack.
    Create,
    /// Already in the account (created by another stack or by hand): its ARN,
    /// `arn:aws:iam::<the stack's account>:oidc-provider/token.actions.githubusercontent.com`
    /// (checked at synth).
    Existing(String),
}

/// The EKS cluster the roles reach.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterTarget {
    /// The cluster's name as EKS knows it (for `eks:DescribeCluster` and `kubectl`); required.
    pub name: String,
    /// The `ClusterName` the access entries use; pass the cluster resource's `Ref` so that the
    /// entries are created after the cluster. Default: the literal name.
    pub reference: Val<String>,
    /// The namespace of the application's Deployment (rollout wait and rollback); required.
    pub namespace: String,
    /// The application's Deployment in `namespace`; required.
    pub deployment: String,
}

impl ClusterTarget {
    /// The cluster `name` (referenced by its literal name) and the Deployment `namespace/deployment`.
    pub fn new(name: &str, namespace: &str, deployment: &str) -> Self {
        ClusterTarget {
            name: name.to_string(),
            reference: Val::from(name),
            namespace: namespace.to_string(),
            deployment: deployment.to_string(),
        }
    }

    /// The cluster a [`FlaskApp`](crate::FlaskApp) runs on, and its Deployment. The access
    /// entries reference the cluster, so they are created after it.
    pub fn for_app(cluster: &crate::EksCluster, app: &crate::FlaskApp) -> Self {
        ClusterTarget::new(cluster.name(), app.namespace(), app.name()).reference(cluster.cluster_name())
    }

    /// The cluster a [`Workload`](crate::Workload) runs on, and its Deployment; as
    /// [`for_app`](Self::for_app). On a referenced cluster the reference is its literal name.
    pub fn for_workload(cluster: &crate::EksCluster, workload: &crate::Workload) -> Self {
        ClusterTarget::new(cluster.name(), workload.namespace(), workload.name()).reference(cluster.cluster_name())
    }

    /// Uses `reference` (such as the cluster resource's `Ref`) as the access entries'
    /// `ClusterName`.
    #[deprecated(since = "0.2.0", note = "use `reference`")]
    #[must_use]
    pub fn with_reference(self, reference: impl Into<Val<String>>) -> Self {
        self.reference(reference)
    }
}

setters! { ClusterTarget {
    into reference: Val<String>,
} }

/// What [`GitHubAccess`] creates roles for.
#[derive(Debug, Clone, PartialEq)]
pub struct GitHubAccessProps {
    /// The repository whose workflows assume the roles; required.
    pub repository: GitHubRepository,
    /// The GitHub environment deploy jobs run in (required reviewers, main branch only).
    /// Default: `production`.
    pub environment: String,
    /// Whether GitHub's OIDC provider is created here or already exists. Default: created here.
    pub provider: OidcProviderSource,
    /// ECR repositories (names) the deploy role may push to. Default: none.
    pub ecr_repositories: Vec<String>,
    /// The cluster the deploy role may reach (an access entry) and watch the rollout on.
    /// Default: none.
    pub cluster: Option<ClusterTarget>,
    /// Services whose resources the app's templates create. The deploy role may act on them
    /// only through CloudFormation; IAM is always handled separately (scoped to the app's
    /// roles), whatever this list says. Default: [`DEFAULT_DEPLOY_SERVICES`].
    pub deploy_services: Vec<String>,
}

/// The services the reference platform's templates use.
pub const DEFAULT_DEPLOY_SERVICES: &[&str] =
    &["ec2", "eks", "ecr", "kms", "logs", "cloudwatch", "sns", "ssm", "secretsmanager", "budgets"];

impl GitHubAccessProps {
    /// Defaults: environment `production`, the provider created here, no ECR repository, no
    /// cluster, [`DEFAULT_DEPLOY_SERVICES`].
    pub fn new(repository: GitHubRepository) -> Self {
        GitHubAccessProps {
            repository,
            environment: "production".to_string(),
            provider: OidcProviderSource::Create,
            ecr_repositories: Vec::new(),
            cluster: None,
            deploy_services: DEFAULT_DEPLOY_SERVICES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

setters! { GitHubAccessProps {
    into environment: String,
    value provider: OidcProviderSource,
    list_into ecr_repositories: String,
    some cluster: ClusterTarget,
    list_into deploy_services: String,
} }

/// GitHub's OIDC provider, the diff role and the deploy role, in one stack.
pub struct GitHubAccess {
    node: Node,
    provider_arn: Value,
    diff_role: Resource<iam::Role>,
    deploy_role: Resource<iam::Role>,
    diff_role_name: String,
    deploy_role_name: String,
    account: String,
    prefix: String,
}

impl GitHubAccess {
    /// Adds the provider (unless it exists) and the two roles below `scope` (inside a stack).
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. Every problem of `props` (and of the
    /// roles' policies) — and a bad or duplicate `id`, or a scope outside a stack — is recorded
    /// at the construct's path and reported by synth with every other construct's problems;
    /// the access is then *rejected*: it adds nothing, and its roles and provider are values
    /// synth never renders.
    pub fn new(scope: &impl Construct, id: &str, props: GitHubAccessProps) -> Result<Self> {
        let mut problems = Problems::for_child(scope, id);
        let (stack, env) = problems.place("a GitHubAccess")?;
        let path = problems.path().to_string();
        let prefix = format!("{}-{}", scope.node().app_name(), env.id());
        let diff_role_name = format!("{prefix}-github-diff");
        let deploy_role_name = format!("{prefix}-github-deploy");
        problems.extend(check_props(&path, &props, &deploy_role_name, env.account().as_str()));
        let policies = stack.as_ref().map(|stack| {
            let diff = diff_policy(&prefix, props.cluster.as_ref());
            let deploy = deploy_policy(&prefix, stack, &[&diff_role_name, &deploy_role_name], &props);
            (diff, deploy)
        });
        if let Some((diff, deploy)) = &policies
            && problems.is_empty()
        {
            problems.extend(diff.problems(&path).into_iter().chain(deploy.problems(&path)));
        }
        let node = problems.add_node();
        let Some((diff_policy, deploy_policy)) = policies.filter(|_| !node.is_rejected()) else {
            return Ok(GitHubAccess::rejected(node, &env));
        };
        let provider_arn = provider(&node, &props.provider)?;
        let diff_trust = trust_policy(provider_arn.clone(), &props.repository.pull_request_subject());
        let deploy_trust =
            trust_policy(provider_arn.clone(), &props.repository.environment_subject(&props.environment));
        let diff_role = github_role(
            &node,
            "DiffRole",
            &diff_role_name,
            &format!("Pull requests of {}: read stacks, create change sets", props.repository.full_name()),
            diff_trust,
            diff_policy,
        )?;
        let deploy_role = github_role(
            &node,
            "DeployRole",
            &deploy_role_name,
            &format!("Deploys of {} from the {} environment", props.repository.full_name(), props.environment),
            deploy_trust,
            deploy_policy,
        )?;
        if let Some(cluster) = &props.cluster {
            cluster_access(&node, cluster, &diff_role, &deploy_role)?;
        }
        let account = env.account().as_str().to_string();
        Ok(GitHubAccess {
            node,
            provider_arn,
            diff_role,
            deploy_role,
            diff_role_name,
            deploy_role_name,
            account,
            prefix,
        })
    }

    /// The handle of rejected access (or of a rejected pipeline's): the names it would have
    /// used, and values of the rejected construct for its provider and roles.
    pub(crate) fn rejected(node: Node, env: &Environment) -> Self {
        let prefix = format!("{}-{}", node.app_name(), env.id());
        GitHubAccess {
            provider_arn: Value::from(node.rejected_attr::<Arn>()),
            diff_role: Resource::rejected(&node),
            deploy_role: Resource::rejected(&node),
            diff_role_name: format!("{prefix}-github-diff"),
            deploy_role_name: format!("{prefix}-github-deploy"),
            account: env.account().as_str().to_string(),
            node,
            prefix,
        }
    }

    /// The OIDC provider's ARN.
    pub fn provider_arn(&self) -> &Value {
        &self.provider_arn
    }

    /// The read-only role of pull-request workflows (`diff`).
    pub fn diff_role(&self) -> &Resource<iam::Role> {
        &self.diff_role
    }

    /// The role of deploy workflows, assumable only from the protected environment.
    pub fn deploy_role(&self) -> &Resource<iam::Role> {
        &self.deploy_role
    }

    /// The diff role's ARN as a literal, for workflow files (the role has a fixed name).
    pub fn diff_role_arn(&self) -> String {
        format!("arn:aws:iam::{}:role/{}", self.account, self.diff_role_name)
    }

    /// The deploy role's ARN as a literal, for workflow files.
    pub fn deploy_role_arn(&self) -> String {
        format!("arn:aws:iam::{}:role/{}", self.account, self.deploy_role_name)
    }

    /// `<app>-<environment>`: the prefix of the stacks and roles the roles may touch.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

/// Every problem of `props` (and of the deploy role's name), at `path`.
fn check_props(path: &str, props: &GitHubAccessProps, deploy_role_name: &str, account: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let OidcProviderSource::Existing(arn) = &props.provider {
        problems.extend(check_existing_provider(path, arn, account));
    }
    if let Err(d) = check_claim_part(path, "GitHub environment name", &props.environment) {
        problems.push(d);
    }
    if deploy_role_name.len() > 64 {
        problems.push(Diagnostic::new(
            path,
            format!("the role name '{deploy_role_name}' is longer than IAM's 64 characters"),
            "use a shorter app or environment id",
        ));
    }
    for repo in &props.ecr_repositories {
        if repo.is_empty()
            || repo.len() > 256
            || !repo
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.' | b'/'))
        {
            problems.push(Diagnostic::new(
                path,
                format!("invalid ECR repository name '{repo}'"),
                "use lower-case letters, digits, '-', '_', '.' and '/'",
            ));
        }
    }
    for service in &props.deploy_services {
        if service.is_empty() || !service.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            problems.push(Diagnostic::new(
                path,
                format!("invalid service prefix '{service}'"),
                "use IAM service prefixes such as ec2, eks, logs",
            ));
        }
    }
    if let Some(c) = &props.cluster {
        if stackwright_core::names::dns1123_label_problem(&c.namespace).is_some() {
            problems.push(Diagnostic::new(
                path,
                format!("invalid namespace '{}'", c.namespace),
                "use a DNS-1123 label",
            ));
        }
        if c.name.is_empty()
            || c.name.len() > 100
            || !c.name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        {
            problems.push(Diagnostic::new(
                path,
                format!("invalid EKS cluster name '{}'", c.name),
                "use letters, digits, '-' and '_'",
            ));
        }
    }
    problems
}

/// GitHub's OIDC provider: created here, or the account's existing one.
fn provider(node: &Node, source: &OidcProviderSource) -> Result<Value> {
    Ok(match source {
        OidcProviderSource::Create => {
            let provider = Resource::new(
                node,
                "Provider",
                iam::OidcProvider::new()
                    .with_url(format!("https://{GITHUB_OIDC_HOST}"))
                    .with_client_id_list([STS_AUDIENCE]),
            )?;
            Value::from(provider.arn())
        }
        OidcProviderSource::Existing(arn) => Value::from(arn.as_str()),
    })
}

/// A role for GitHub workflows: one-hour sessions, `trust` and one inline `policy`.
fn github_role(
    node: &Node,
    id: &str,
    name: &str,
    description: &str,
    trust: PolicyDocument,
    policy: PolicyDocument,
) -> Result<Resource<iam::Role>> {
    let role = Resource::new(
        node,
        id,
        iam::Role::new(trust.to_value())
            .with_role_name(name)
            .with_description(description)
            .with_max_session_duration(3600)
            .with_policies([iam::role::Policy::new(policy.to_value(), format!("{id}Policy"))]),
    )?;
    crate::iam::record_wildcard_reasons(
        role.node(),
        [(&trust, "/Properties/AssumeRolePolicyDocument"), (&policy, "/Properties/Policies/0/PolicyDocument")],
    );
    Ok(role)
}

/// Access entries for the two roles: the diff role views the cluster, the deploy role
/// administers it.
fn cluster_access(
    node: &Node,
    cluster: &ClusterTarget,
    diff_role: &Resource<iam::Role>,
    deploy_role: &Resource<iam::Role>,
) -> Result<()> {
    let entry = |id: &str, role: &Resource<iam::Role>, policy: &str| {
        Resource::new(
            node,
            id,
            eks::AccessEntry::new(cluster.reference.clone(), role.arn()).with_type("STANDARD").with_access_policies([
                eks::access_entry::AccessPolicy::new(
                    eks::access_entry::AccessScope::new("cluster"),
                    Val::<String>::sub([
                        "arn:".into(),
                        Pseudo::Partition.into(),
                        format!(":eks::aws:cluster-access-policy/{policy}").into(),
                    ]),
                ),
            ]),
        )
    };
    entry("DiffAccess", diff_role, "AmazonEKSViewPolicy")?;
    entry("DeployAccess", deploy_role, "AmazonEKSClusterAdminPolicy")?;
    Ok(())
}

impl Construct for GitHubAccess {
    fn node(&self) -> &Node {
        &self.node
    }
}
