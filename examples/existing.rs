//! A team's service on infrastructure that exists already: the company's shared VPC and EKS
//! cluster, run by a platform team, referenced by their attributes; the program adds only what
//! the team owns.
//!
//! - region eu-central-1; the VPC `vpc-0c1d2e3f4a5b60789` (private subnets in three zones,
//!   tagged for load balancers by the platform team) and the cluster `platform` (Kubernetes
//!   1.36, its IAM OIDC provider, the EBS CSI driver and the Pod Identity Agent running) are
//!   referenced: no template creates or changes them;
//! - a managed node group for the team's pods, in exactly the VPC's private subnets;
//! - the team's image repository, and the `ledger` namespace with the `api` workload, whose
//!   pods read the team's queue through an IRSA role trusting the cluster's issuer;
//! - the GitHub pipeline: pull-request diffs, gated deploys and image roll-outs, with the
//!   account's GitHub OIDC provider; the deploy role reaches the shared cluster through an
//!   access entry (the cluster's authentication mode must include EKS access entries).
//!
//! The attributes are what `aws ec2 describe-subnets`, `aws eks describe-cluster` and `aws iam
//! list-open-id-connect-providers` show (docs/existing-infrastructure.md).
//! `cargo run --example existing -- synth --out target/synth/existing` synthesizes it.

use std::process::ExitCode;

use stackwright::prelude::*;

fn main() -> ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

/// The cluster's OIDC issuer, without `https://`.
const ISSUER: &str = "oidc.eks.eu-central-1.amazonaws.com/id/5C1D7E2A9B3F40C6A8D2E4F6B1C3D5E7";

/// The cluster's certificate authority data (`cluster.certificateAuthority.data`): the base64
/// of a PEM certificate (a stand-in here).
const CERTIFICATE_AUTHORITY: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJkekNDQVIyZ0F3SUJBZ0lCQURBS0JnZ3Foa2pPUFFRREFqQWpNU0V3SHdZRFZRUUREQmhsZUdGdGNHeGwKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";

/// The whole program as one `App`.
///
/// # Errors
///
/// A value that does not parse (none in this program). The constructs record the problems of
/// their input in the tree, and `run()` reports them all (none for this program).
pub(crate) fn build() -> stackwright::Result<App> {
    let app = App::new("ledger");
    let prod = app.environment("prod", Account::new("456789012345")?, Region::EuCentral1);

    let apps = prod.stack("apps");
    apps.set_description("ledger on the shared platform: node group, repository, IRSA role");
    let vpc = Vpc::from_attributes(&apps, "SharedVpc", shared_vpc()?)?;
    let cluster = EksCluster::from_attributes(
        &apps,
        "SharedCluster",
        ClusterAttributes::new("platform", KubernetesVersion::V1_36, &vpc)
            .endpoint("https://5C1D7E2A9B3F40C6A8D2E4F6B1C3D5E7.gr7.eu-central-1.eks.amazonaws.com")
            .certificate_authority_data(CERTIFICATE_AUTHORITY)
            .oidc_issuer(format!("https://{ISSUER}"))
            .cluster_security_group_id("sg-0c1d2e3f4a5b60001")
            .oidc_provider(OidcProviderRef::from_arn(format!("arn:aws:iam::456789012345:oidc-provider/{ISSUER}")))
            .addons(ExistingAddons::default().ebs_csi_driver(true).pod_identity_agent(true)),
    )?;
    NodeGroup::new(
        &cluster,
        "Nodes",
        NodeGroupProps::on_demand(["m6i.large", "m5.large"], 2..=6).label("team", "ledger"),
    )?;

    let repo = EcrRepo::new(&apps, "Ledger", EcrRepoProps::default())?;
    let ledger = Namespace::new(&cluster, "Ledger", NamespaceProps::default())?;
    let api = Workload::new(
        &cluster,
        &ledger,
        "Api",
        WorkloadProps::new(
            ContainerSpec::new(repo.image_tag_from_env("IMAGE_TAG"))
                .port("http", 8080)
                .readiness(ProbeSpec::http("/ready", "http"))
                .liveness(ProbeSpec::http("/healthz", "http")),
        )
        .replicas(2)
        // The pods take entries from the team's queue: an IRSA role of the api service account.
        .aws_policy(PolicyDocument::new([Statement::allow(
            ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            ["arn:aws:sqs:eu-central-1:456789012345:ledger-entries"],
        )])),
    )?;

    let cicd = prod.stack("cicd");
    cicd.set_description("ledger delivery: GitHub OIDC provider, diff and deploy roles");
    GitHubPipeline::new(
        &cicd,
        "GitHub",
        GitHubPipelineProps::new(GitHubRepository::new("acme/ledger")?)
            .program("cargo run --locked --features deploy --example existing --")
            // The account has GitHub's provider already (one per URL per account).
            .provider(OidcProviderSource::Existing(
                "arn:aws:iam::456789012345:oidc-provider/token.actions.githubusercontent.com".into(),
            ))
            .app(AppDelivery::for_repo("services/ledger", &repo))
            .cluster(ClusterTarget::for_workload(&cluster, &api)),
    )?;
    Ok(app)
}

/// The shared VPC as `aws ec2 describe-subnets` and `describe-route-tables` show it: a public
/// and a private subnet in each of three zones, tagged for load balancers.
fn shared_vpc() -> stackwright::Result<VpcAttributes> {
    let mut vpc = VpcAttributes::new("vpc-0c1d2e3f4a5b60789", "10.80.0.0/16".parse()?).load_balancer_tags(true);
    for (i, zone) in ["a", "b", "c"].iter().enumerate() {
        let zone = format!("eu-central-1{zone}");
        vpc = vpc
            .public(ExistingSubnet::new(
                &zone,
                format!("subnet-0c1d2e3f4a5b6010{i}"),
                format!("10.80.{}.0/24", 200 + i).parse()?,
                "rtb-0c1d2e3f4a5b60100",
            ))
            .private(ExistingSubnet::new(
                &zone,
                format!("subnet-0c1d2e3f4a5b6020{i}"),
                format!("10.80.{}.0/19", 32 * i).parse()?,
                format!("rtb-0c1d2e3f4a5b6020{i}"),
            ));
    }
    Ok(vpc)
}
