//! [`EksCluster::from_attributes`]: a cluster that already exists, described by its attributes
//! (name, version, VPC, API endpoint, certificate authority, OIDC issuer, cluster security
//! group and IAM OIDC provider), so that node groups, IAM roles for service accounts, workloads,
//! databases, monitoring and the pipeline can be built on it.
//!
//! A referenced cluster adds no `AWS::EKS::Cluster` and no `AWS::IAM::OIDCProvider` to any
//! template: its name, ARN, security group and provider ARN are literal strings, the IRSA
//! trust policies name the given issuer, and the runtime connects with the given endpoint and
//! certificate authority (exported as outputs of the cluster's stack, as for a cluster the
//! program creates). Synth cannot ask EKS anything, so every attribute is checked offline for
//! its form and its region.
//!
//! What the program does not do to a referenced cluster: see [`EksCluster::from_attributes`].

use stackwright_core::names::dns1123_label_problem;
use stackwright_core::{
    Attr, ClusterConnection, Construct, Environment, KubeCluster, Problems, Region, Result, Stack, Value,
};

use super::{EksCluster, checks};
use crate::eks::irsa::OidcProvider;
use crate::iam::KmsKeyRef;
use crate::network::{Subnet, Vpc, check_id};
use crate::workload::KubernetesVersion;

/// The base64 of `-----BEGIN CERTIFICATE-----`: how every certificate authority data EKS
/// returns (a base64 PEM) starts.
const PEM_CERTIFICATE_BASE64: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t";

/// The existing IAM OIDC identity provider of a referenced cluster (the one IRSA roles
/// trust), by ARN: `arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>`,
/// as `aws iam list-open-id-connect-providers` shows it. Its account must be the stack's (a
/// role trusts a provider of its own account) and its issuer the cluster's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProviderRef {
    arn: String,
}

impl OidcProviderRef {
    /// The provider of `arn` (checked with the cluster's attributes).
    pub fn from_arn(arn: impl Into<String>) -> OidcProviderRef {
        OidcProviderRef { arn: arn.into() }
    }

    /// The ARN as given.
    pub fn arn(&self) -> &str {
        &self.arn
    }
}

/// What runs on an existing cluster that the program's constructs may need; the program never
/// installs these on a cluster it does not own. Default: nothing stated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExistingAddons {
    /// The EBS CSI driver runs (persistent volume claims, Prometheus' volume). Default: false.
    pub ebs_csi_driver: bool,
    /// The `amazon-cloudwatch-observability` add-on ships the containers' logs to
    /// `/aws/containerinsights/<cluster>/application`. Default: false.
    pub cloudwatch_observability: bool,
    /// The `eks-pod-identity-agent` add-on runs (Pod Identity roles). Default: false.
    pub pod_identity_agent: bool,
    /// The AWS Load Balancer Controller runs (a workload's Ingress gets an ALB); it picks
    /// subnets by their role tags, so the VPC must say it has them
    /// (`VpcAttributes::load_balancer_tags`). Default: false.
    pub load_balancer_controller: bool,
    /// The customer-managed key the EBS CSI driver may encrypt volumes with; the library's
    /// StorageClasses name it as `kmsKeyId`. Needs `ebs_csi_driver`. Default: none (the AWS
    /// managed `aws/ebs` key).
    pub ebs_volume_key: Option<KmsKeyRef>,
}

crate::internal::setters::setters! { ExistingAddons {
    value ebs_csi_driver: bool,
    value cloudwatch_observability: bool,
    value pod_identity_agent: bool,
    value load_balancer_controller: bool,
    some ebs_volume_key: KmsKeyRef,
} }

/// What [`EksCluster::from_attributes`] needs to know of an existing cluster. `new` takes the
/// name, version and VPC; every other attribute is required too (a missing one is a problem of
/// the cluster, naming the command that shows it), set with the builder methods or the public
/// fields. `aws eks describe-cluster --name <name>` shows them all.
#[derive(Clone)]
pub struct ClusterAttributes<'a> {
    /// The cluster's name (a DNS-1123 label, as stackwright names its clusters' objects).
    pub name: String,
    /// The control plane's Kubernetes version (node groups get it; manifests are validated
    /// for it).
    pub version: KubernetesVersion,
    /// The cluster's VPC: referenced ([`Vpc::from_attributes`]) or the program's; node groups
    /// go in its private subnets.
    pub vpc: &'a Vpc,
    /// The API server endpoint, `https://<host>` (`cluster.endpoint`).
    pub endpoint: String,
    /// The base64 certificate authority data (`cluster.certificateAuthority.data`).
    pub certificate_authority_data: String,
    /// The OIDC issuer URL, `https://oidc.eks.<region>.amazonaws.com/id/<ID>`
    /// (`cluster.identity.oidc.issuer`).
    pub oidc_issuer: String,
    /// The security group EKS created for the cluster, `sg-…`
    /// (`cluster.resourcesVpcConfig.clusterSecurityGroupId`).
    pub cluster_security_group_id: String,
    /// The cluster's IAM OIDC provider.
    pub oidc_provider: Option<OidcProviderRef>,
    /// What runs on the cluster that constructs may need. Default: nothing stated.
    pub addons: ExistingAddons,
}

impl<'a> ClusterAttributes<'a> {
    /// The cluster `name` of `version` in `vpc`; the other attributes are set next.
    pub fn new(name: impl Into<String>, version: KubernetesVersion, vpc: &'a Vpc) -> Self {
        ClusterAttributes {
            name: name.into(),
            version,
            vpc,
            endpoint: String::new(),
            certificate_authority_data: String::new(),
            oidc_issuer: String::new(),
            cluster_security_group_id: String::new(),
            oidc_provider: None,
            addons: ExistingAddons::default(),
        }
    }
}

crate::internal::setters::setters! { ClusterAttributes<'a> {
    into endpoint: String,
    into certificate_authority_data: String,
    into oidc_issuer: String,
    into cluster_security_group_id: String,
    some oidc_provider: OidcProviderRef,
    value addons: ExistingAddons,
} }

impl EksCluster {
    /// A cluster that already exists, from its attributes: the same handle as
    /// [`EksCluster::new`] gives, so that `NodeGroup::new(&cluster, …)`, IRSA and Pod Identity
    /// roles, workloads, database connections, monitoring and the pipeline work on it. No
    /// cluster or OIDC provider resource is added to any template; no add-on, controller or
    /// access entry is installed (below).
    ///
    /// ```
    /// use stackwright_constructs::{ClusterAttributes, EksCluster, ExistingSubnet, KubernetesVersion, OidcProviderRef, Vpc, VpcAttributes};
    /// use stackwright_core::{Account, App, Region};
    ///
    /// let app = App::new("demo");
    /// let stack = app.environment("prod", Account::new("123456789012")?, Region::UsEast1).stack("apps");
    /// let vpc = Vpc::from_attributes(&stack, "Vpc", VpcAttributes::new("vpc-0a1b2c3d4e5f60718", "10.1.0.0/16".parse()?)
    ///     .private(ExistingSubnet::new("us-east-1a", "subnet-0a1b2c3d4e5f60001", "10.1.0.0/19".parse()?, "rtb-0a1b2c3d4e5f60001"))
    ///     .private(ExistingSubnet::new("us-east-1b", "subnet-0a1b2c3d4e5f60002", "10.1.32.0/19".parse()?, "rtb-0a1b2c3d4e5f60002")))?;
    /// let issuer = "oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9";
    /// let cluster = EksCluster::from_attributes(&stack, "Cluster", ClusterAttributes::new("platform", KubernetesVersion::V1_36, &vpc)
    ///     .endpoint("https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.us-east-1.eks.amazonaws.com")
    ///     .certificate_authority_data("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==")
    ///     .oidc_issuer(format!("https://{issuer}"))
    ///     .cluster_security_group_id("sg-0a1b2c3d4e5f60718")
    ///     .oidc_provider(OidcProviderRef::from_arn(format!("arn:aws:iam::123456789012:oidc-provider/{issuer}"))))?;
    /// assert!(cluster.is_referenced());
    /// assert_eq!(cluster.name(), "platform");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # What the program does not do to a referenced cluster
    /// It installs no managed add-on and no controller (cluster autoscaler, load balancer
    /// controller), creates no access entry for admins, and changes no cluster setting: the cluster
    /// belongs to whoever created it. What its constructs need of the cluster is stated in
    /// [`ExistingAddons`] (the EBS CSI driver for volumes, the CloudWatch observability add-on for
    /// container logs, the Pod Identity Agent for Pod Identity roles); a construct that needs one
    /// that is not stated reports a problem at its own path. Node groups added with
    /// `NodeGroup::new(&cluster, …)` are the program's, and so is every Kubernetes object it
    /// applies: pruning and destroy touch only those (the inventory and owner label of
    /// `<app>.<cluster>`), never what others applied to the shared cluster.
    ///
    /// # Errors
    /// Only when `scope` is outside every environment. Every problem of `attributes` at once —
    /// a name that is not a DNS-1123 label or is taken by another cluster of the environment,
    /// an endpoint that is not `https://<host>` (or is an EKS endpoint of another region), CA
    /// data that is not a base64 PEM certificate, an issuer not of the form
    /// `https://oidc.eks.<the stack's region>.amazonaws.com/id/<32 hexadecimal digits>`, a
    /// malformed security group id, a missing attribute, an OIDC provider ARN that is malformed,
    /// of another account or of another issuer, a VPC of another region or without private
    /// subnets in two zones, an EBS volume key without the EBS CSI driver — and a bad or
    /// duplicate `id` or a scope outside a stack, is recorded at the cluster's path and reported
    /// by synth; the cluster is then rejected, and so are the constructs given it. A rejected
    /// VPC rejects the cluster too, without a problem of its own.
    pub fn from_attributes(scope: &impl Construct, id: &str, attributes: ClusterAttributes<'_>) -> Result<EksCluster> {
        let mut problems = Problems::for_child(scope, id);
        let (stack, environment) = problems.place("a referenced EksCluster")?;
        EksCluster::referenced_from(problems, stack, &environment, &attributes)
    }

    /// The handle of an existing cluster: `attributes` checked into `problems` (which may hold
    /// problems found before, such as a lookup's), then built or rejected.
    pub(super) fn referenced_from(
        mut problems: Problems,
        stack: Option<Stack>,
        environment: &Environment,
        attributes: &ClusterAttributes<'_>,
    ) -> Result<EksCluster> {
        let region = environment.region();
        let account = environment.account();
        let a = attributes;
        let (node_subnets, issuer_host) = check(&mut problems, stack.as_ref(), region, account.as_str(), a);

        let node = problems.add_node();
        if !node.is_rejected() && a.vpc.node().is_rejected() {
            node.reject_because_of(a.vpc);
        }
        let rejected = || EksCluster::rejected(node.clone(), &a.name, a.version, region, node_subnets.clone());
        let Some(_stack) = stack.filter(|_| !node.is_rejected()) else {
            return Ok(rejected());
        };
        let connection = ClusterConnection {
            cluster_name: Value::from(a.name.as_str()),
            endpoint: Value::from(a.endpoint.as_str()),
            certificate_authority: Value::from(a.certificate_authority_data.as_str()),
            oidc_issuer: Value::from(a.oidc_issuer.as_str()),
        };
        let kube = KubeCluster::new(&node, &a.name, connection)?;
        let provider_arn = a.oidc_provider.as_ref().map_or_else(String::new, |p| p.arn.clone());
        Ok(EksCluster {
            name: a.name.clone(),
            version: a.version,
            region,
            kube,
            cluster_name: literal(&a.name),
            arn: literal(&format!("arn:aws:eks:{region}:{account}:cluster/{}", a.name)),
            security_group_id: literal(&a.cluster_security_group_id),
            oidc: OidcProvider::existing(literal(&provider_arn), issuer_host.unwrap_or_default()),
            node_subnets,
            ordering: std::rc::Rc::default(),
            ebs_csi_driver: a.addons.ebs_csi_driver,
            cloudwatch_observability: a.addons.cloudwatch_observability,
            load_balancer_controller: a.addons.load_balancer_controller,
            ebs_volume_key: a.addons.ebs_volume_key.as_ref().map(|k| literal(&k.arn(region, account.as_str()))),
            pod_identity_agent: a.addons.pod_identity_agent,
            referenced: true,
            nvidia_device_plugin: std::cell::RefCell::default(),
            node,
        })
    }
}

/// Every problem of `a`, recorded at once; returns the node subnets and the issuer without
/// `https://` (when it is well formed).
fn check<'a>(
    problems: &mut Problems,
    stack: Option<&Stack>,
    region: Region,
    account: &str,
    a: &'a ClusterAttributes<'_>,
) -> (Vec<Subnet>, Option<&'a str>) {
    if let Some(problem) = dns1123_label_problem(&a.name) {
        problems.push(
            format!("invalid cluster name: {problem}"),
            "give the existing cluster's name as EKS shows it; stackwright labels the cluster's objects with it, \
             so it must be a DNS-1123 label (lower-case letters, digits and '-', at most 63)",
        );
    }
    if let Some(stack) = stack
        && dns1123_label_problem(&a.name).is_none()
        && let Err(taken) = KubeCluster::check_name(stack, &a.name)
    {
        problems.push(taken.message, taken.hint);
    }
    let vpc = (!a.vpc.node().is_rejected()).then_some(a.vpc);
    let node_subnets = vpc.map(|vpc| checks::pick_node_subnets(problems, vpc)).unwrap_or_default();
    if let Some(vpc) = vpc
        && vpc.region() != region
    {
        problems.push(
            format!("the VPC is in {} but the cluster's stack is in {region}", vpc.region()),
            "reference the cluster in a stack of the VPC's environment",
        );
    }
    if let Some(vpc) = vpc {
        checks::check_load_balancer_tags(problems, vpc, a.addons.load_balancer_controller);
    }
    check_endpoint(problems, region, &a.endpoint);
    check_certificate_authority(problems, &a.certificate_authority_data);
    let issuer_host = check_issuer(problems, region, &a.oidc_issuer);
    if missing(problems, "cluster_security_group_id", &a.cluster_security_group_id) {
        check_id(problems, "security group id", "sg", &a.cluster_security_group_id);
    }
    check_provider(problems, account, a.oidc_provider.as_ref(), issuer_host);
    if let Some(key) = &a.addons.ebs_volume_key {
        key.check(problems, region, "addons.ebs_volume_key");
        if !a.addons.ebs_csi_driver {
            problems.push(
                "addons.ebs_volume_key is set but the EBS CSI driver, which alone would use it, is not said to run",
                "say so with ExistingAddons::ebs_csi_driver(true) if the cluster runs it, or leave the key unset",
            );
        }
    }
    (node_subnets, issuer_host)
}

/// A checked attribute as a literal value of kind `K`, rendered as the string it is.
fn literal<K>(value: &str) -> Attr<K> {
    Attr::from_value_unchecked(Value::from(value))
}

/// Records a problem when the attribute `what` is empty; true when it is set.
fn missing(problems: &mut Problems, what: &str, value: &str) -> bool {
    if value.is_empty() {
        let query = match what {
            "endpoint" => "cluster.endpoint",
            "certificate_authority_data" => "cluster.certificateAuthority.data",
            "oidc_issuer" => "cluster.identity.oidc.issuer",
            _ => "cluster.resourcesVpcConfig.clusterSecurityGroupId",
        };
        problems.push(
            format!("the referenced cluster's {what} is not set"),
            format!(
                "set ClusterAttributes::{what} to what `aws eks describe-cluster --name <name> --query {query}` shows"
            ),
        );
    }
    !value.is_empty()
}

/// `https://<host>[:port]`, nothing after; an EKS endpoint (`….eks.amazonaws.com`) of the
/// stack's region.
fn check_endpoint(problems: &mut Problems, region: Region, endpoint: &str) {
    if !missing(problems, "endpoint", endpoint) {
        return;
    }
    let host = endpoint.strip_prefix("https://").map(|h| h.strip_suffix('/').unwrap_or(h));
    let well_formed = host.is_some_and(|h| {
        !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)) && !h.starts_with(':')
    });
    if !well_formed {
        problems.push(
            format!("the endpoint '{endpoint}' is not an https:// URL of a host"),
            "give the API server endpoint as `aws eks describe-cluster --query cluster.endpoint` shows it",
        );
    } else if let Some(h) = host
        && let Some(rest) = h.strip_suffix(".eks.amazonaws.com")
        && !rest.ends_with(&format!(".{region}"))
    {
        problems.push(
            format!("the endpoint '{endpoint}' is an EKS endpoint of another region than {region}, the stack's"),
            "reference the cluster in a stack of the cluster's region",
        );
    }
}

/// The base64 of a PEM certificate, as EKS returns it.
fn check_certificate_authority(problems: &mut Problems, data: &str) {
    if !missing(problems, "certificate_authority_data", data) {
        return;
    }
    let base64 = data.len().is_multiple_of(4)
        && data.trim_end_matches('=').chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/');
    if !base64 || !data.starts_with(PEM_CERTIFICATE_BASE64) {
        problems.push(
            "the certificate_authority_data is not the base64 of a PEM certificate",
            "give it as `aws eks describe-cluster --query cluster.certificateAuthority.data` shows it (it starts \
             with LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t)",
        );
    }
}

/// `https://oidc.eks.<region>.amazonaws.com/id/<32 upper-case hexadecimal digits>`; returns
/// the issuer without `https://` when it is one.
fn check_issuer<'a>(problems: &mut Problems, region: Region, issuer: &'a str) -> Option<&'a str> {
    if !missing(problems, "oidc_issuer", issuer) {
        return None;
    }
    let host = issuer.strip_prefix("https://")?;
    let id = host.strip_prefix(&format!("oidc.eks.{region}.amazonaws.com/id/"));
    if id.is_some_and(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))) {
        return Some(host);
    }
    problems.push(
        format!("the oidc_issuer '{issuer}' is not an EKS OIDC issuer of {region}, the stack's region"),
        format!(
            "give it as `aws eks describe-cluster --query cluster.identity.oidc.issuer` shows it: \
             https://oidc.eks.{region}.amazonaws.com/id/ and 32 upper-case hexadecimal digits"
        ),
    );
    None
}

/// The provider's ARN: IAM's, of the stack's account, for the cluster's issuer.
fn check_provider(problems: &mut Problems, account: &str, provider: Option<&OidcProviderRef>, issuer: Option<&str>) {
    let Some(provider) = provider else {
        problems.push(
            "the referenced cluster's oidc_provider is not set (IRSA roles trust it)",
            "set ClusterAttributes::oidc_provider(OidcProviderRef::from_arn(..)) to the ARN `aws iam \
             list-open-id-connect-providers` lists for the cluster's issuer (create it with `eksctl utils \
             associate-iam-oidc-provider` if there is none)",
        );
        return;
    };
    let arn = provider.arn.as_str();
    let Some(rest) = arn.strip_prefix("arn:aws:iam::") else {
        return bad_provider(problems, arn);
    };
    let Some((arn_account, url)) = rest.split_once(":oidc-provider/") else {
        return bad_provider(problems, arn);
    };
    if arn_account.len() != 12 || !arn_account.bytes().all(|b| b.is_ascii_digit()) || url.is_empty() {
        return bad_provider(problems, arn);
    }
    if arn_account != account {
        problems.push(
            format!("the OIDC provider '{arn}' is in account {arn_account}, not in {account}, the stack's"),
            "IRSA roles trust a provider of their own account: create one for the cluster's issuer in this account",
        );
    }
    if let Some(issuer) = issuer
        && url != issuer
    {
        problems.push(
            format!("the OIDC provider '{arn}' is for '{url}', not for the cluster's issuer '{issuer}'"),
            "give the provider whose URL is the cluster's issuer (without https://)",
        );
    }
}

fn bad_provider(problems: &mut Problems, arn: &str) {
    problems.push(
        format!("'{arn}' is not an IAM OIDC provider ARN"),
        "write it as arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>, as `aws iam \
         list-open-id-connect-providers` shows it",
    );
}
