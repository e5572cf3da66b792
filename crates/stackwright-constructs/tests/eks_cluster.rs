//! EksCluster: the control plane the current way, add-on ordering, IRSA and Pod Identity, and
//! bad inputs reported with the construct path and a fix.

mod eks_support;

use eks_support::{app, error_text, platform, resources_of, synth_error, template};
use stackwright_constructs::{
    EksCluster, EksClusterProps, EndpointAccess, KubernetesVersion, NodeGroup, NodeGroupProps, OptionalAddons,
    PolicyDocument, Statement, SubnetConfig, Vpc, VpcProps, WorkloadCluster,
};
use stackwright_core::{Construct, Environment};

fn net(s: &str) -> stackwright_constructs::Ipv4Cidr {
    s.parse().unwrap()
}

fn vpc(prod: &Environment, max_azs: usize) -> Vpc {
    Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs, ..Default::default() }).unwrap()
}

/// The error of an EksCluster built with `props` (from a two-zone VPC unless changed).
fn cluster_error(change: impl FnOnce(&mut EksClusterProps<'_>)) -> String {
    let (app, prod) = app();
    let vpc = vpc(&prod, 2);
    let mut props = EksClusterProps::new(&vpc, KubernetesVersion::V1_36);
    change(&mut props);
    synth_error(&app, EksCluster::new(&prod.stack("cluster"), "Cluster", props))
}

fn assert_problem(err: &str, message: &str, hint: &str) {
    assert!(err.contains(&format!("prod/cluster/Cluster: {message}")), "missing '{message}' in:\n{err}");
    assert!(err.contains(&format!("hint: {hint}")), "missing hint '{hint}' in:\n{err}");
}

#[test]
fn the_cluster_stack_snapshot() {
    let (app, _) = platform();
    let assembly = app.synth().unwrap();
    crate::snapshot!("eks-cluster.template", template(&assembly, "prod-cluster"));
}

#[test]
fn control_plane_the_current_way() {
    let (app, cluster) = platform();
    assert_eq!(cluster.name(), "demo-prod-cluster");
    let t = template(&app.synth().unwrap(), "prod-cluster");
    let c = &t["Resources"]["Cluster"];
    let p = &c["Properties"];
    assert_eq!(p["AccessConfig"]["AuthenticationMode"], "API", "access entries, not aws-auth");
    assert_eq!(p["Version"], "1.36");
    assert_eq!(p["ResourcesVpcConfig"]["EndpointPublicAccess"], false);
    assert_eq!(p["ResourcesVpcConfig"]["EndpointPrivateAccess"], true);
    assert_eq!(p["EncryptionConfig"][0]["Resources"][0], "secrets");
    let types: Vec<&str> = p["Logging"]["ClusterLogging"]["EnabledTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    // The control-plane log group exists, with a retention and a key, before the cluster.
    assert_eq!(c["DependsOn"][0], "ClusterControlPlaneLogs");
    let logs = &t["Resources"]["ClusterControlPlaneLogs"]["Properties"];
    assert_eq!(logs["LogGroupName"], "/aws/eks/demo-prod-cluster/cluster");
    assert_eq!(logs["RetentionInDays"], 365);
    assert_eq!(logs["KmsKeyId"]["Fn::GetAtt"][0], "ClusterKey");
    assert_eq!(t["Resources"]["ClusterKey"]["Properties"]["EnableKeyRotation"], true);
    // Cluster subnets are the private ones, from the network stack's outputs.
    assert_eq!(p["ResourcesVpcConfig"]["SubnetIds"][0]["Ref"], "NetworkVpcPrivateSubnet1");
    // What the runtime needs to connect.
    for output in ["ClusterName", "Endpoint", "CertificateAuthority", "OidcIssuer", "ClusterSecurityGroupId"] {
        assert!(t["Outputs"].get(format!("DemoProdCluster{output}")).is_some(), "missing output {output}");
    }
}

#[test]
fn addons_are_ordered_around_the_node_groups() {
    let (app, _) = platform();
    let t = template(&app.synth().unwrap(), "prod-cluster");
    let names: Vec<&str> = resources_of(&t, "AWS::EKS::Addon")
        .iter()
        .map(|(_, a)| a["Properties"]["AddonName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns"]);
    let general = &t["Resources"]["ClusterGeneral"]["DependsOn"];
    assert_eq!(
        *general,
        serde_json::json!(["ClusterAddonsVpcCni", "ClusterAddonsKubeProxy", "ClusterAddonsPodIdentityAgent"])
    );
    assert_eq!(
        t["Resources"]["ClusterAddonsCoreDns"]["DependsOn"],
        serde_json::json!(["ClusterGeneral", "ClusterSpot"])
    );
    let cni = &t["Resources"]["ClusterAddonsVpcCni"]["Properties"];
    assert_eq!(cni["ServiceAccountRoleArn"]["Fn::GetAtt"][0], "ClusterAddonsVpcCniRole");
    assert_eq!(cni["ConfigurationValues"], r#"{"enableNetworkPolicy":"true"}"#);
}

#[test]
fn optional_addons_get_their_own_irsa_roles() {
    let (app, prod) = app();
    let vpc = vpc(&prod, 2);
    let mut props = EksClusterProps::new(&vpc, KubernetesVersion::V1_35);
    props.addons = OptionalAddons { ebs_csi_driver: true, cloudwatch_observability: true, ..OptionalAddons::default() };
    let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", props).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["m7i.large"], 2..=6)).unwrap();
    let t = template(&app.synth().unwrap(), "prod-cluster");
    let ebs = &t["Resources"]["ClusterAddonsEbsCsiDriver"];
    assert_eq!(ebs["Properties"]["ServiceAccountRoleArn"]["Fn::GetAtt"][0], "ClusterAddonsEbsCsiDriverRole");
    assert_eq!(ebs["DependsOn"][0], "ClusterGeneral");
    let trust = t["Resources"]["ClusterAddonsEbsCsiDriverRole"]["Properties"]["AssumeRolePolicyDocument"]["Fn::Sub"][0]
        .as_str()
        .unwrap();
    assert!(trust.contains("system:serviceaccount:kube-system:ebs-csi-controller-sa"), "{trust}");
    assert!(t["Resources"]["ClusterAddonsCloudWatchObservability"].is_object());
    assert_eq!(t["Resources"]["Cluster"]["Properties"]["Version"], "1.35");
}

/// The CloudWatch observability add-on: its four log groups first, with the control plane's
/// retention and key (whose policy lets CloudWatch Logs use it for them), a role that may write
/// to those groups only, and a configuration without Application Signals.
#[test]
fn cloudwatch_observability_writes_to_log_groups_made_for_it() {
    let (app, prod) = app();
    let vpc = vpc(&prod, 2);
    let props = EksClusterProps::new(&vpc, KubernetesVersion::V1_35)
        .name("shop")
        .log_retention_days(90)
        .addons(OptionalAddons::default().cloudwatch_observability(true));
    let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", props).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["m7i.large"], 2..=6)).unwrap();
    let t = template(&app.synth().unwrap(), "prod-cluster");
    let r = &t["Resources"];
    let addon = &r["ClusterAddonsCloudWatchObservability"];
    let depends: Vec<&str> = addon["DependsOn"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    for group in ["Application", "Dataplane", "Host", "Performance"] {
        let id = format!("ClusterContainerInsights{group}Logs");
        let g = &r[&id]["Properties"];
        assert_eq!(g["LogGroupName"], format!("/aws/containerinsights/shop/{}", group.to_lowercase()));
        assert_eq!(g["RetentionInDays"], 90);
        assert_eq!(g["KmsKeyId"]["Fn::GetAtt"][0], "ClusterKey");
        assert!(depends.contains(&id.as_str()), "the add-on waits for {id}: {depends:?}");
    }
    let key_policy = r["ClusterKey"]["Properties"]["KeyPolicy"].to_string();
    assert!(key_policy.contains("log-group:/aws/containerinsights/shop/performance"), "{key_policy}");
    let config = addon["Properties"]["ConfigurationValues"].as_str().unwrap();
    assert!(config.contains("enhanced_container_insights") && !config.contains("application_signals"), "{config}");
    let role = &r["ClusterAddonsCloudWatchObservabilityRole"]["Properties"];
    assert!(role.get("ManagedPolicyArns").is_none(), "no managed policy: {role}");
    let policy = role["Policies"].to_string();
    assert!(policy.contains("log-group:/aws/containerinsights/shop/*"), "{policy}");
    assert!(!policy.contains("PutRetentionPolicy") && !policy.contains("xray"), "{policy}");
}

#[test]
fn irsa_trust_policy_is_a_sub_string_conditioned_on_sub_and_aud() {
    let (app, cluster) = platform();
    let scope = cluster.node().add_child("App").unwrap();
    let policy = PolicyDocument::new([Statement::allow(["s3:GetObject"], ["arn:aws:s3:::bucket/*"])]);
    cluster.service_account_role(&scope, "Role", "flask-app", "web", policy).unwrap();
    let t = template(&app.synth().unwrap(), "prod-cluster");
    let doc = &t["Resources"]["ClusterAppRole"]["Properties"]["AssumeRolePolicyDocument"]["Fn::Sub"];
    let text = doc[0].as_str().unwrap();
    // Once CloudFormation substitutes the variables, the string is this policy.
    let substituted = text
        .replace(
            "${ClusterOidcProvider}",
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
        )
        .replace("${Var1}", "oidc.eks.us-east-1.amazonaws.com/id/ABC");
    let policy: serde_json::Value = serde_json::from_str(&substituted).unwrap();
    assert_eq!(
        policy,
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC" },
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": { "StringEquals": {
                    "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:flask-app:web",
                    "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"
                } }
            }]
        })
    );
    // The issuer appears in both condition keys but is substituted from one variable.
    assert_eq!(
        doc[1],
        serde_json::json!({ "Var1": { "Fn::Select": ["1", { "Fn::Split": ["//", { "Fn::GetAtt": ["Cluster", "OpenIdConnectIssuerUrl"] }] }] } })
    );
}

#[test]
fn irsa_rejects_bad_names_and_wildcards() {
    let (_app, cluster) = platform();
    let scope = cluster.node().add_child("App").unwrap();
    let policy = PolicyDocument::new([Statement::allow(["s3:*"], ["*"])]);
    let err = error_text(cluster.service_account_role(&scope, "Role", "Flask_App", "web", policy));
    assert!(err.contains("prod/cluster/Cluster/App/Role: invalid namespace: 'Flask_App' contains 'F'"), "{err}");
    let policy = PolicyDocument::new([Statement::allow(["s3:*"], ["*"])]);
    let err = error_text(cluster.service_account_role(&scope, "Role", "flask-app", "web", policy));
    assert!(err.contains("prod/cluster/Cluster/App/Role: policy statement allows the wildcard action 's3:*'"), "{err}");
}

#[test]
fn pod_identity_is_the_alternative() {
    let (app, cluster) = platform();
    let scope = cluster.node().add_child("App").unwrap();
    let policy = PolicyDocument::new([Statement::allow(["sqs:SendMessage"], ["arn:aws:sqs:us-east-1:123456789012:q"])]);
    cluster.pod_identity_role(&scope, "Identity", "flask-app", "web", policy).unwrap();
    let t = template(&app.synth().unwrap(), "prod-cluster");
    let trust = &t["Resources"]["ClusterAppIdentityRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "pods.eks.amazonaws.com");
    assert_eq!(trust["Action"], serde_json::json!(["sts:AssumeRole", "sts:TagSession"]));
    let association = &t["Resources"]["ClusterAppIdentityAssociation"]["Properties"];
    assert_eq!(association["Namespace"], "flask-app");
    assert_eq!(association["ServiceAccount"], "web");
    assert_eq!(association["ClusterName"]["Ref"], "Cluster");
}

#[test]
fn admins_get_access_entries_and_public_access_is_limited() {
    let (app, prod) = app();
    let vpc = vpc(&prod, 3);
    let mut props =
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36).admin("arn:aws:iam::123456789012:role/platform-admins");
    props.endpoint_access = EndpointAccess::PublicAndPrivate { public_cidrs: vec![net("203.0.113.0/24")] };
    props.bootstrap_creator_admin = false;
    props.private_access_cidrs = vec![net("172.31.0.0/16")];
    let cluster = EksCluster::new(&prod.stack("cluster"), "Cluster", props).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let t = template(&app.synth().unwrap(), "prod-cluster");
    let entry = &t["Resources"]["ClusterAdmin1"]["Properties"];
    assert_eq!(entry["PrincipalArn"], "arn:aws:iam::123456789012:role/platform-admins");
    assert_eq!(entry["AccessPolicies"][0]["AccessScope"]["Type"], "cluster");
    assert_eq!(
        entry["AccessPolicies"][0]["PolicyArn"]["Fn::Sub"],
        "arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    );
    let vpc_config = &t["Resources"]["Cluster"]["Properties"]["ResourcesVpcConfig"];
    assert_eq!(vpc_config["EndpointPublicAccess"], true);
    assert_eq!(vpc_config["PublicAccessCidrs"], serde_json::json!(["203.0.113.0/24"]));
    let ingress = &t["Resources"]["ClusterControlPlaneSecurityGroup"]["Properties"]["SecurityGroupIngress"];
    assert_eq!(ingress[0]["CidrIp"], "10.0.0.0/16");
    assert_eq!(ingress[1]["CidrIp"], "172.31.0.0/16");
    assert_eq!(ingress[1]["FromPort"], 443);
}

#[test]
fn subnets_are_tagged_for_the_cluster() {
    let (app, _) = platform();
    let t = template(&app.synth().unwrap(), "prod-network");
    let tags = t["Resources"]["VpcPrivateSubnet1"]["Properties"]["Tags"].as_array().unwrap();
    assert!(tags.iter().any(|t| t["Key"] == "kubernetes.io/cluster/demo-prod-cluster" && t["Value"] == "shared"));
}

// ---- bad input ---------------------------------------------------------------------------------

#[test]
fn one_availability_zone_is_not_enough_for_eks() {
    let (app, prod) = app();
    let vpc = vpc(&prod, 1);
    let err = synth_error(
        &app,
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36)),
    );
    assert_problem(
        &err,
        "EKS needs subnets in at least two availability zones, but the VPC's private subnets are all in us-east-1a",
        "give the VPC max_azs: 2 or more",
    );
}

#[test]
fn a_vpc_without_private_subnets() {
    let (app, prod) = app();
    let vpc = Vpc::new(
        &prod.stack("network"),
        "Vpc",
        VpcProps { subnets: vec![SubnetConfig::public(24)], ..Default::default() },
    )
    .unwrap();
    let err = synth_error(
        &app,
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36)),
    );
    assert_problem(
        &err,
        "the VPC has no private or isolated subnets; EKS nodes must not live in public subnets",
        "add SubnetConfig::private(19)",
    );
}

#[test]
fn unsupported_kubernetes_version() {
    let err = error_text("1.29".parse::<KubernetesVersion>());
    assert!(err.contains("kubernetes version: Kubernetes version '1.29' is not supported"), "{err}");
    assert!(err.contains("hint: use one of 1.33, 1.34, 1.35, 1.36"), "{err}");
}

#[test]
fn invalid_cluster_name() {
    let err = cluster_error(|p| p.name = Some("Prod_Cluster".into()));
    assert_problem(&err, "invalid cluster name: 'Prod_Cluster' contains 'P'", "set EksClusterProps::name");
}

#[test]
fn public_endpoint_open_to_the_internet_needs_a_reason() {
    let err = cluster_error(|p| {
        p.endpoint_access = EndpointAccess::PublicAndPrivate { public_cidrs: vec![net("0.0.0.0/0")] }
    });
    assert_problem(
        &err,
        "endpoint_access opens the Kubernetes API to the whole internet (0.0.0.0/0)",
        "list the blocks that need access, or say why with EndpointAccess::PublicToTheInternet { reason }",
    );
    let err = cluster_error(|p| p.endpoint_access = EndpointAccess::PublicAndPrivate { public_cidrs: vec![] });
    assert_problem(&err, "endpoint_access is PublicAndPrivate but lists no public CIDR", "list the blocks allowed");
}

#[test]
fn private_access_from_the_whole_internet() {
    let err = cluster_error(|p| p.private_access_cidrs = vec![net("0.0.0.0/0")]);
    assert_problem(
        &err,
        "private_access_cidrs has 0.0.0.0/0, which is not a network block smaller than the internet",
        "list the networks (a VPN, a CI VPC) that reach the endpoint",
    );
}

#[test]
fn service_cidr_overlapping_the_vpc() {
    let err = cluster_error(|p| p.service_ipv4_cidr = Some(net("10.0.0.0/16")));
    assert_problem(
        &err,
        "service_ipv4_cidr 10.0.0.0/16 overlaps the VPC CIDR 10.0.0.0/16",
        "pick a block outside the VPC",
    );
    let err = cluster_error(|p| p.service_ipv4_cidr = Some(net("100.64.0.0/16")));
    assert_problem(
        &err,
        "service_ipv4_cidr 100.64.0.0/16 is not a /12 to /24 network in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
        "use a private block such as 172.20.0.0/16",
    );
}

#[test]
fn cluster_role_name_over_64_characters() {
    let long = "a".repeat(65);
    let err = cluster_error(|p| p.role_name = Some(long.clone()));
    assert_problem(
        &err,
        &format!("cluster role name '{long}' is 65 characters long; IAM allows 1 to 64"),
        "shorten the name, or leave it unset",
    );
}

#[test]
fn admin_that_is_not_a_role_or_user() {
    let err = cluster_error(|p| p.admin_principals.push("arn:aws:iam::123456789012:root".into()));
    assert_problem(
        &err,
        "admin principal 'arn:aws:iam::123456789012:root' is not an IAM role or user ARN",
        "use arn:aws:iam::<account>:role/<name>",
    );
}

#[test]
fn control_plane_log_retention() {
    let err = cluster_error(|p| p.log_retention_days = 10);
    assert_problem(
        &err,
        "control-plane log retention of 10 days is not one CloudWatch Logs accepts",
        "use 7 (the closest)",
    );
}

#[test]
fn a_cluster_without_node_groups_is_a_synth_error() {
    let (app, prod) = app();
    let vpc = vpc(&prod, 2);
    EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36)).unwrap();
    let err = error_text(app.synth());
    assert!(err.contains("prod/cluster/Cluster: the cluster has no node group"), "{err}");
    assert!(err.contains("hint: add one with NodeGroup::new(&cluster"), "{err}");
}

#[test]
fn cluster_problems_come_all_at_once() {
    let err = cluster_error(|p| {
        p.name = Some("x_".into());
        p.log_retention_days = 0;
        p.role_name = Some("bad name".into());
    });
    assert!(err.starts_with("3 problems found:"), "{err}");
}
