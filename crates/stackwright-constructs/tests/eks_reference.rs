//! EksCluster::from_attributes: node groups, IRSA and Pod Identity roles, workloads, a database
//! and monitoring on an existing cluster in an existing VPC. The templates create no cluster,
//! OIDC provider, add-on or network; the node group uses exactly the given subnets; the trust
//! policies name the given issuer and provider; the runtime's connection is the attributes;
//! bad attributes are reported at the cluster's path with a fix. Also the typed references to
//! an existing IAM role (a node role) and KMS key (the EBS volumes' key).

mod eks_support;

use eks_support::{app as new_app, resources_of, synth_error, template};
use serde_json::{Value as Json, json};
use stackwright_constructs::{
    AlbIngress, AwsIdentity, ClusterAttributes, ContainerImage, ContainerSpec, Database, DatabaseProps, EksCluster,
    ExistingAddons, ExistingSubnet, IamRoleRef, ImageReference, KmsKeyRef, KubernetesVersion, Monitoring,
    MonitoringProps, Namespace, NamespaceProps, NodeGroup, NodeGroupProps, OidcProviderRef, PersistentStorage,
    PolicyDocument, PostgresVersion, ProbeSpec, Prometheus, PrometheusProps, Statement, Vpc, VpcAttributes, Workload,
    WorkloadCluster, WorkloadProps,
};
use stackwright_core::{App, Assembly, Construct, Stack};

const PRIVATE: [&str; 2] = ["subnet-0a1b2c3d4e5f61001", "subnet-0a1b2c3d4e5f61002"];
const ISSUER_HOST: &str = "oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9";
const PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9";
const ENDPOINT: &str = "https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.us-east-1.eks.amazonaws.com";
const CA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=";
const CLUSTER_SG: &str = "sg-0a1b2c3d4e5f60718";
const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn subnet(zone: &str, id: &str, cidr: &str, rtb: &str) -> ExistingSubnet {
    ExistingSubnet::new(zone, id, cidr.parse().unwrap(), rtb)
}

/// An existing VPC with private and isolated subnets in us-east-1a and -b, in `apps`.
fn existing_vpc(apps: &Stack) -> Vpc {
    let attributes = VpcAttributes::new("vpc-0a1b2c3d4e5f60718", "10.1.0.0/16".parse().unwrap())
        .private(subnet("us-east-1a", PRIVATE[0], "10.1.0.0/19", "rtb-0a1b2c3d4e5f61001"))
        .private(subnet("us-east-1b", PRIVATE[1], "10.1.32.0/19", "rtb-0a1b2c3d4e5f61002"))
        .isolated(subnet("us-east-1a", "subnet-0a1b2c3d4e5f62001", "10.1.100.0/24", "rtb-0a1b2c3d4e5f62001"))
        .isolated(subnet("us-east-1b", "subnet-0a1b2c3d4e5f62002", "10.1.101.0/24", "rtb-0a1b2c3d4e5f62001"));
    Vpc::from_attributes(apps, "Vpc", attributes).unwrap()
}

/// The attributes of the existing cluster `platform`, every one well formed.
fn attributes(vpc: &Vpc) -> ClusterAttributes<'_> {
    ClusterAttributes::new("platform", KubernetesVersion::V1_36, vpc)
        .endpoint(ENDPOINT)
        .certificate_authority_data(CA)
        .oidc_issuer(format!("https://{ISSUER_HOST}"))
        .cluster_security_group_id(CLUSTER_SG)
        .oidc_provider(OidcProviderRef::from_arn(PROVIDER))
}

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/orders", ImageReference::Digest(format!("sha256:{}", "0".repeat(64))))
}

fn container() -> ContainerSpec {
    ContainerSpec {
        liveness: Some(ProbeSpec::http("/healthz", "http")),
        readiness: Some(ProbeSpec::http("/ready", "http")),
        ..ContainerSpec::new(image()).port("http", 8080)
    }
}

/// On the referenced cluster: a node group, a workload with an IRSA role and a database
/// connection (the database in stack `data`).
fn platform() -> (App, EksCluster) {
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc)).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    let db = Database::new(
        &prod.stack("data"),
        "Orders",
        DatabaseProps::new(&vpc, PostgresVersion::V15).allow_from(&cluster),
    )
    .unwrap();
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let policy =
        PolicyDocument::new([Statement::allow(["sqs:SendMessage"], ["arn:aws:sqs:us-east-1:123456789012:orders"])]);
    Workload::new(&cluster, &ns, "Api", WorkloadProps::new(container()).database(&db).aws_policy(policy)).unwrap();
    (app, cluster)
}

/// The Kubernetes object `kind`/`name` of the assembly's one cluster.
fn object(assembly: &Assembly, kind: &str, name: &str) -> Json {
    let cluster = &assembly.manifest.clusters[0];
    let entry = cluster.objects.iter().find(|o| o.kind == kind && o.name == name).unwrap();
    serde_saphyr::from_str(assembly.file(&format!("{}/{}", cluster.directory, entry.file)).unwrap()).unwrap()
}

#[test]
fn the_handle_holds_the_given_values() {
    let (_app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc)).unwrap();
    assert!(cluster.is_referenced());
    assert_eq!(cluster.name(), "platform");
    assert_eq!(cluster.cluster_name().value(), &"platform".into());
    assert_eq!(cluster.arn().value(), &"arn:aws:eks:us-east-1:123456789012:cluster/platform".into());
    assert_eq!(cluster.cluster_security_group_id().value(), &CLUSTER_SG.into());
    assert_eq!(cluster.oidc_provider().arn().value(), &PROVIDER.into());
    assert_eq!(cluster.oidc_provider().issuer_host(), &ISSUER_HOST.into());
    let subnets: Vec<_> = cluster.node_subnets().iter().map(|s| s.subnet_id().value().clone()).collect();
    assert_eq!(subnets, PRIVATE.map(Into::into));
    // Nothing is said to run on it until the program says so.
    assert!(!cluster.has_ebs_csi_driver() && !cluster.has_cloudwatch_observability());
    assert!(cluster.ebs_volume_key().is_none());
}

#[test]
fn nothing_creates_a_cluster_a_provider_an_addon_or_a_network() {
    let (app, _) = platform();
    let assembly = app.synth().unwrap();
    for (name, bytes) in &assembly.files {
        if !name.ends_with(".template.json") {
            continue;
        }
        let t: Json = serde_json::from_slice(bytes).unwrap();
        for kind in [
            "AWS::EKS::Cluster",
            "AWS::IAM::OIDCProvider",
            "AWS::EKS::Addon",
            "AWS::EKS::AccessEntry",
            "AWS::EC2::VPC",
            "AWS::EC2::Subnet",
            "AWS::KMS::Key",
        ]
        .iter()
        .filter(|k| name != "prod-data.template.json" || **k != "AWS::KMS::Key")
        {
            assert!(resources_of(&t, kind).is_empty(), "{kind} in {name}");
        }
    }
    let apps = template(&assembly, "prod-apps");
    let groups = resources_of(&apps, "AWS::EKS::Nodegroup");
    assert_eq!(groups.len(), 1);
    let group = &groups[0].1["Properties"];
    assert_eq!(group["Subnets"], json!(PRIVATE), "exactly the given private subnets");
    assert_eq!(group["ClusterName"], "platform");
    assert_eq!(group["Version"], "1.36");
    // No controller of the program's on a cluster it does not own.
    let kinds: Vec<&str> = assembly.manifest.clusters[0].objects.iter().map(|o| o.name.as_str()).collect();
    assert!(!kinds.iter().any(|n| n.contains("cluster-autoscaler") || n.contains("load-balancer")), "{kinds:?}");
    // The database lets the cluster's security group in by its literal id.
    let data = template(&assembly, "prod-data");
    assert!(data.to_string().contains(CLUSTER_SG), "the database's ingress names {CLUSTER_SG}");
}

#[test]
fn the_irsa_role_trusts_the_given_provider_and_issuer() {
    let (app, _) = platform();
    let assembly = app.synth().unwrap();
    let apps = template(&assembly, "prod-apps");
    let roles = resources_of(&apps, "AWS::IAM::Role");
    let irsa: Vec<_> = roles.iter().filter(|(id, _)| id.contains("ServiceAccountRole")).collect();
    assert_eq!(irsa.len(), 1, "{roles:?}");
    let trust = irsa[0].1["Properties"]["AssumeRolePolicyDocument"].as_str().expect("a literal JSON document");
    let trust: Json = serde_json::from_str(trust).unwrap();
    let statement = &trust["Statement"][0];
    assert_eq!(statement["Principal"]["Federated"], PROVIDER);
    assert_eq!(
        statement["Condition"]["StringEquals"][format!("{ISSUER_HOST}:sub")],
        "system:serviceaccount:orders:api"
    );
    assert_eq!(statement["Condition"]["StringEquals"][format!("{ISSUER_HOST}:aud")], "sts.amazonaws.com");
    // The service account carries the role, late-bound to its stack output.
    let sa = object(&assembly, "ServiceAccount", "api");
    assert!(sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].as_str().unwrap().contains("stackwright:ref"));
}

#[test]
fn the_runtime_connects_with_the_given_attributes() {
    let (app, _) = platform();
    let assembly = app.synth().unwrap();
    let entry = &assembly.manifest.clusters[0];
    assert_eq!(entry.name, "platform");
    assert_eq!(entry.stack, "prod-apps");
    let outputs = &template(&assembly, "prod-apps")["Outputs"];
    let value = |output: &str| outputs[output]["Value"].clone();
    assert_eq!(value(&entry.outputs.cluster_name), "platform");
    assert_eq!(value(&entry.outputs.endpoint), ENDPOINT);
    assert_eq!(value(&entry.outputs.certificate_authority), CA);
    assert_eq!(value(&entry.outputs.oidc_issuer), format!("https://{ISSUER_HOST}"));
}

#[test]
fn pod_identity_needs_the_agent_said_to_run() {
    let pod_identity = |addons: ExistingAddons| {
        let (app, prod) = new_app();
        let apps = prod.stack("apps");
        let vpc = existing_vpc(&apps);
        let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc).addons(addons)).unwrap();
        let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
        let policy = PolicyDocument::new([Statement::allow(["sqs:SendMessage"], ["arn:aws:sqs:us-east-1:1:q"])]);
        let props = WorkloadProps::new(container()).aws_policy(policy).aws_identity(AwsIdentity::PodIdentity);
        let built = Workload::new(&cluster, &ns, "Api", props);
        (app, built)
    };
    let (app, built) = pod_identity(ExistingAddons::default());
    let err = synth_error(&app, built);
    assert!(
        err.contains("prod/apps/Cluster/Orders/Api/PodIdentityRole: the referenced cluster 'platform' is not said to run the EKS Pod Identity Agent"),
        "{err}"
    );
    assert!(err.contains("hint: install the eks-pod-identity-agent add-on"), "{err}");

    let (app, built) = pod_identity(ExistingAddons::default().pod_identity_agent(true));
    built.unwrap();
    let assembly = app.synth().unwrap();
    let apps = template(&assembly, "prod-apps");
    let associations = resources_of(&apps, "AWS::EKS::PodIdentityAssociation");
    assert_eq!(associations[0].1["Properties"]["ClusterName"], "platform");
}

#[test]
fn volumes_need_the_ebs_driver_said_to_run_and_use_the_given_key() {
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let addons = ExistingAddons::default().ebs_csi_driver(true).ebs_volume_key(KmsKeyRef::from_arn(KEY));
    let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc).addons(addons)).unwrap();
    assert!(cluster.has_ebs_csi_driver());
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    Monitoring::new(
        &cluster,
        "Monitoring",
        MonitoringProps::default()
            .prometheus(Prometheus::On(PrometheusProps::default().storage(PersistentStorage::new(20)))),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    let cluster_entry = &assembly.manifest.clusters[0];
    let class = cluster_entry.objects.iter().find(|o| o.kind == "StorageClass").expect("a StorageClass");
    let class: Json =
        serde_saphyr::from_str(assembly.file(&format!("{}/{}", cluster_entry.directory, class.file)).unwrap()).unwrap();
    assert_eq!(class["parameters"]["kmsKeyId"], KEY, "the given key, literally: {class}");

    // Prometheus' volume on a cluster not said to run the driver: a problem at monitoring.
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc)).unwrap();
    let storage = Prometheus::On(PrometheusProps::default().storage(PersistentStorage::new(20)));
    let err =
        synth_error(&app, Monitoring::new(&cluster, "Monitoring", MonitoringProps::default().prometheus(storage)));
    assert!(
        err.contains("prod/apps/Cluster/Monitoring: Prometheus' persistent storage is an EBS volume, but the cluster has no EBS CSI driver"),
        "{err}"
    );
    assert!(err.contains("ExistingAddons::ebs_csi_driver(true)"), "{err}");

    // A key without the driver, a key of another region and a malformed key: problems.
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let other_region = KEY.replace("us-east-1", "eu-west-1");
    let addons = ExistingAddons::default().ebs_volume_key(KmsKeyRef::from_arn(other_region));
    let built = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc).addons(addons));
    let err = synth_error(&app, built);
    assert!(err.contains("prod/apps/Cluster: addons.ebs_volume_key '"), "{err}");
    assert!(err.contains("is a key of eu-west-1, not of us-east-1"), "{err}");
    assert!(err.contains("the EBS CSI driver, which alone would use it, is not said to run"), "{err}");
}

#[test]
fn a_node_group_with_an_existing_node_role_creates_none() {
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc)).unwrap();
    let by_name = NodeGroupProps::on_demand(["t3.medium"], 2..=4).node_role(IamRoleRef::from_name("platform-nodes"));
    let group = NodeGroup::new(&cluster, "General", by_name).unwrap();
    assert_eq!(group.role_arn().value(), &"arn:aws:iam::123456789012:role/platform-nodes".into());
    let arn = "arn:aws:iam::123456789012:role/eks/batch-nodes";
    NodeGroup::new(
        &cluster,
        "Batch",
        NodeGroupProps::on_demand(["t3.medium"], 0..=4).node_role(IamRoleRef::from_arn(arn)),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    let apps = template(&assembly, "prod-apps");
    assert!(resources_of(&apps, "AWS::IAM::Role").is_empty(), "no node role is created");
    let roles: Vec<&Json> =
        resources_of(&apps, "AWS::EKS::Nodegroup").iter().map(|(_, g)| &g["Properties"]["NodeRole"]).collect();
    assert_eq!(roles, [&json!("arn:aws:iam::123456789012:role/platform-nodes"), &json!(arn)]);

    // A malformed role, and a role the group would shape.
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc)).unwrap();
    let props = NodeGroupProps::on_demand(["t3.medium"], 2..=4)
        .node_role(IamRoleRef::from_arn("arn:aws:iam::123456789012:user/alice"))
        .ssm_access(true);
    let err = synth_error(&app, NodeGroup::new(&cluster, "General", props));
    assert!(
        err.contains(
            "prod/apps/Cluster/General: node_role 'arn:aws:iam::123456789012:user/alice' is not an IAM role ARN"
        ),
        "{err}"
    );
    assert!(
        err.contains("prod/apps/Cluster/General: node_role names an existing role, but role_name or ssm_access"),
        "{err}"
    );
}

fn assert_problem(err: &str, message: &str, hint: &str) {
    assert!(
        err.contains(&format!("prod/apps/Cluster: {message}")),
        "missing 'prod/apps/Cluster: {message}' in:\n{err}"
    );
    assert!(err.contains(&format!("hint: {hint}")), "missing hint '{hint}' in:\n{err}");
}

/// What synth reports of a cluster referenced with the attributes `edit` makes.
fn reference_error(edit: impl FnOnce(ClusterAttributes<'_>) -> ClusterAttributes<'_>) -> String {
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let built = EksCluster::from_attributes(&apps, "Cluster", edit(attributes(&vpc)));
    if let Ok(cluster) = &built {
        assert!(cluster.node().is_rejected());
    }
    synth_error(&app, built)
}

#[test]
fn every_malformed_attribute_is_reported_at_once() {
    let err = reference_error(|a| ClusterAttributes {
        name: "Platform_1".into(),
        endpoint: "http://example.com/path".into(),
        certificate_authority_data: "not base64!".into(),
        oidc_issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/abc".into(),
        cluster_security_group_id: "sg-12".into(),
        oidc_provider: Some(OidcProviderRef::from_arn("arn:aws:iam::123456789012:role/x")),
        ..a
    });
    assert_problem(&err, "invalid cluster name:", "give the existing cluster's name as EKS shows it");
    assert_problem(
        &err,
        "the endpoint 'http://example.com/path' is not an https:// URL of a host",
        "give the API server endpoint",
    );
    assert_problem(
        &err,
        "the certificate_authority_data is not the base64 of a PEM certificate",
        "give it as `aws eks describe-cluster",
    );
    assert_problem(
        &err,
        "the oidc_issuer 'https://oidc.eks.us-east-1.amazonaws.com/id/abc' is not an EKS OIDC issuer of us-east-1",
        "give it as `aws eks describe-cluster --query cluster.identity.oidc.issuer` shows it",
    );
    assert_problem(&err, "'sg-12' is not a security group id", "write the security group id as EC2 shows it");
    assert_problem(
        &err,
        "'arn:aws:iam::123456789012:role/x' is not an IAM OIDC provider ARN",
        "write it as arn:aws:iam::",
    );
}

#[test]
fn missing_attributes_name_the_command_that_shows_them() {
    let err = reference_error(|a| ClusterAttributes::new("platform", KubernetesVersion::V1_36, a.vpc));
    for (what, query) in [
        ("endpoint", "cluster.endpoint"),
        ("certificate_authority_data", "cluster.certificateAuthority.data"),
        ("oidc_issuer", "cluster.identity.oidc.issuer"),
        ("cluster_security_group_id", "cluster.resourcesVpcConfig.clusterSecurityGroupId"),
    ] {
        assert_problem(
            &err,
            &format!("the referenced cluster's {what} is not set"),
            &format!(
                "set ClusterAttributes::{what} to what `aws eks describe-cluster --name <name> --query {query}` shows"
            ),
        );
    }
    assert_problem(&err, "the referenced cluster's oidc_provider is not set", "set ClusterAttributes::oidc_provider");
}

#[test]
fn attributes_of_another_region_account_or_issuer_are_refused() {
    let err = reference_error(|a| {
        a.endpoint("https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks.amazonaws.com")
            .oidc_issuer("https://oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9")
    });
    assert_problem(
        &err,
        "the endpoint 'https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks.amazonaws.com' is an EKS endpoint of another region than us-east-1",
        "reference the cluster in a stack of the cluster's region",
    );
    assert_problem(
        &err,
        "the oidc_issuer 'https://oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9' is not an EKS OIDC issuer of us-east-1",
        "give it as `aws eks describe-cluster --query cluster.identity.oidc.issuer` shows it: https://oidc.eks.us-east-1.amazonaws.com/id/ and 32",
    );

    let other = "oidc.eks.us-east-1.amazonaws.com/id/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
    let err = reference_error(|a| {
        a.oidc_provider(OidcProviderRef::from_arn(format!("arn:aws:iam::210987654321:oidc-provider/{other}")))
    });
    assert_problem(
        &err,
        "the OIDC provider 'arn:aws:iam::210987654321:oidc-provider/",
        "IRSA roles trust a provider of their own account",
    );
    assert!(err.contains("is in account 210987654321, not in 123456789012, the stack's"), "{err}");
    assert!(err.contains(&format!("is for '{other}', not for the cluster's issuer '{ISSUER_HOST}'")), "{err}");
}

#[test]
fn a_rejected_reference_rejects_its_node_groups_quietly() {
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let cluster =
        EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc).cluster_security_group_id("sg-1")).unwrap();
    let group = NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    assert!(group.node().is_rejected());
    let err = synth_error(&app, Ok(()));
    assert!(!err.contains("prod/apps/Cluster/General"), "the node group says nothing more: {err}");
    assert!(err.contains("prod/apps/Cluster: 'sg-1' is not a security group id"), "{err}");
}

#[test]
fn an_ingress_needs_the_load_balancer_controller_said_to_run_and_the_subnet_tags() {
    let certificate = "arn:aws:acm:us-east-1:123456789012:certificate/5e1f0c2a-7d3b-4c1e-9a8f-2b6d4e0c9f11";
    let with_ingress = |addons: ExistingAddons, tagged: bool| {
        let (app, prod) = new_app();
        let apps = prod.stack("apps");
        let vpc = if tagged {
            let attributes = VpcAttributes::new("vpc-0a1b2c3d4e5f60718", "10.1.0.0/16".parse().unwrap())
                .private(subnet("us-east-1a", PRIVATE[0], "10.1.0.0/19", "rtb-0a1b2c3d4e5f61001"))
                .private(subnet("us-east-1b", PRIVATE[1], "10.1.32.0/19", "rtb-0a1b2c3d4e5f61002"))
                .load_balancer_tags(true);
            Vpc::from_attributes(&apps, "Vpc", attributes).unwrap()
        } else {
            existing_vpc(&apps)
        };
        let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc).addons(addons)).unwrap();
        NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
        let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
        let props = WorkloadProps::new(container()).ingress(AlbIngress::https(certificate.parse().unwrap()).internal());
        let built = Workload::new(&cluster, &ns, "Api", props).map(|_| ());
        (app, built)
    };
    let (app, built) = with_ingress(ExistingAddons::default(), true);
    let err = synth_error(&app, built);
    assert!(
        err.contains("prod/apps/Cluster/Orders/Api: the workload has an Ingress, but cluster 'prod/apps/Cluster' runs no AWS Load Balancer Controller"),
        "{err}"
    );
    assert!(err.contains("ExistingAddons::load_balancer_controller(true)"), "{err}");

    let (app, built) = with_ingress(ExistingAddons::default().load_balancer_controller(true), false);
    let err = synth_error(&app, built);
    assert!(err.contains("prod/apps/Cluster: the load balancer controller picks subnets by tags"), "{err}");

    let (app, built) = with_ingress(ExistingAddons::default().load_balancer_controller(true), true);
    built.unwrap();
    let assembly = app.synth().unwrap();
    assert!(assembly.manifest.clusters[0].objects.iter().any(|o| o.kind == "Ingress"));
}

/// A GPU node group on a referenced cluster: stackwright installs nothing on a cluster it did
/// not create, so the group is warned that its GPUs need a device plugin there.
#[test]
fn a_gpu_group_on_a_referenced_cluster_is_warned_about_the_device_plugin() {
    let (app, prod) = new_app();
    let apps = prod.stack("apps");
    let vpc = existing_vpc(&apps);
    let cluster = EksCluster::from_attributes(&apps, "Cluster", attributes(&vpc)).unwrap();
    let gpus = NodeGroupProps::spot(["g5.xlarge", "g6.xlarge"], 0..=2)
        .ami_type(stackwright_constructs::AmiType::Al2023X86_64Nvidia);
    NodeGroup::new(&cluster, "Gpu", gpus).unwrap();
    let assembly = app.synth().unwrap();
    let warnings: Vec<String> = assembly.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("prod/apps/Cluster/Gpu: a node group on an NVIDIA AMI joins a referenced cluster")
                && w.contains("NVIDIA device plugin")),
        "{warnings:#?}"
    );
    let objects = &assembly.manifest.clusters[0].objects;
    assert!(!objects.iter().any(|o| o.name == "nvidia-device-plugin"), "nothing installed on a referenced cluster");
}
