//! A workload connected to a Database: the late-bound `DB_*` environment, the least-privilege
//! grant (the one secret, the one key), the database's single ingress rule, the NetworkPolicy's
//! egress, FlaskApp wired the same way, and a database of another environment refused.

mod eks_support;

use eks_support::{app, resources_of, synth_error, template};
use serde_json::{Value as Json, json};
use stackwright_constructs::{
    AwsIdentity, ContainerImage, ContainerSpec, DB_SSLMODE, Database, DatabaseProps, EksCluster, EksClusterProps,
    FlaskApp, FlaskAppProps, ImageReference, KubernetesVersion, Namespace, NamespaceProps, NodeGroup, NodeGroupProps,
    PolicyDocument, PostgresVersion, ServiceKind, Statement, SubnetConfig, Vpc, VpcProps, Workload, WorkloadProps,
};
use stackwright_core::{Account, App, Assembly, Environment, Region};

fn vpc(env: &Environment) -> Vpc {
    Vpc::new(
        &env.stack("network"),
        "Vpc",
        VpcProps::default().cidr("10.0.0.0/16".parse().unwrap()).max_azs(2).subnets([
            SubnetConfig::public(24),
            SubnetConfig::private(20),
            SubnetConfig::isolated(24),
        ]),
    )
    .unwrap()
}

fn cluster(env: &Environment, vpc: &Vpc) -> EksCluster {
    let cluster =
        EksCluster::new(&env.stack("cluster"), "Cluster", EksClusterProps::new(vpc, KubernetesVersion::V1_36)).unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    cluster
}

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/orders", ImageReference::Tag("1.0.0".into()))
}

/// prod: a VPC with an isolated tier, a cluster, the database admitting it.
fn platform() -> (App, Environment, EksCluster, Database) {
    let (app, prod) = app();
    let vpc = vpc(&prod);
    let cluster = cluster(&prod, &vpc);
    let db = Database::new(
        &prod.stack("data"),
        "Orders",
        DatabaseProps::new(&vpc, PostgresVersion::V15).allow_from(&cluster),
    )
    .unwrap();
    (app, prod, cluster, db)
}

/// A workload `api` connected to the database (with `props` around it).
fn connected(props: impl FnOnce(WorkloadProps) -> WorkloadProps) -> Assembly {
    let (app, _, cluster, db) = platform();
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let container = ContainerSpec::new(image()).port("http", 8080);
    Workload::new(&cluster, &ns, "Api", props(WorkloadProps::new(container).database(&db))).unwrap();
    app.synth().unwrap()
}

fn object(assembly: &Assembly, kind: &str, name: &str) -> Json {
    let cluster = &assembly.manifest.clusters[0];
    let entry = cluster.objects.iter().find(|o| o.kind == kind && o.name == name).unwrap();
    serde_saphyr::from_str(assembly.file(&format!("{}/{}", cluster.directory, entry.file)).unwrap()).unwrap()
}

fn env_of(deployment: &Json) -> Vec<(String, String)> {
    deployment["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_string(), e["value"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn the_container_gets_the_database_late_bound() {
    let assembly = connected(|p| p);
    let env = env_of(&object(&assembly, "Deployment", "api"));
    let get = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap();
    assert_eq!(get("DB_HOST"), "((stackwright:ref:prod/data/Orders/Instance.Endpoint.Address))");
    assert_eq!(get("DB_SECRET_ARN"), "((stackwright:ref:prod/data/Orders/Instance.MasterUserSecret.SecretArn))");
    assert_eq!(get("DB_PORT"), "5432");
    assert_eq!(get("DB_NAME"), "app");
    assert_eq!(get("DB_SSLMODE"), DB_SSLMODE);
    // The placeholders resolve from outputs of the data stack.
    let data = template(&assembly, "prod-data");
    let outputs = data["Outputs"].as_object().unwrap();
    assert!(outputs.values().any(|o| o["Value"] == json!({"Fn::GetAtt": ["OrdersInstance", "Endpoint.Address"]})));
    assert!(
        outputs.values().any(|o| o["Value"] == json!({"Fn::GetAtt": ["OrdersInstance", "MasterUserSecret.SecretArn"]}))
    );
}

/// The workload's role reads the one secret and decrypts with the one key, through Secrets
/// Manager only; the grant is in the data stack, attached by the role's name.
#[test]
fn the_role_may_read_the_one_secret_and_the_one_key() {
    let assembly = connected(|p| p);
    let data = template(&assembly, "prod-data");
    let policies = resources_of(&data, "AWS::IAM::Policy");
    assert_eq!(policies.len(), 1, "{policies:?}");
    let (id, policy) = policies[0];
    assert_eq!(id, "OrdersOrdersApiAccess");
    let statements = policy["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[0]["Action"], "secretsmanager:GetSecretValue");
    assert_eq!(statements[0]["Resource"], json!({"Fn::GetAtt": ["OrdersInstance", "MasterUserSecret.SecretArn"]}));
    assert_eq!(statements[1]["Action"], "kms:Decrypt");
    assert_eq!(statements[1]["Resource"], json!({"Fn::GetAtt": ["OrdersKey", "Arn"]}));
    assert_eq!(
        statements[1]["Condition"],
        json!({"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}})
    );
    assert!(!policy.to_string().contains("\"*\""), "no wildcard: {policy}");
    // Attached to the workload's IRSA role, by name, across stacks.
    let roles = policy["Properties"]["Roles"].as_array().unwrap();
    assert_eq!(roles.len(), 1);
    // A parameter of the data stack: the cluster stack's output of the role's name.
    assert_eq!(roles[0]["Ref"].as_str().unwrap(), "ClusterClusterOrdersApiServiceAccountRole");
    assert!(
        data["Parameters"]["ClusterClusterOrdersApiServiceAccountRole"]["Description"]
            .as_str()
            .unwrap()
            .starts_with("prod/cluster/Cluster/Orders/Api/ServiceAccountRole: output")
    );
    let cluster = template(&assembly, "prod-cluster");
    let role = &cluster["Resources"]["ClusterOrdersApiServiceAccountRole"];
    assert_eq!(role["Type"], "AWS::IAM::Role");
    assert!(role["Properties"].get("Policies").is_none(), "no policy of its own: {role}");
    let account = object(&assembly, "ServiceAccount", "api");
    assert!(
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
            .as_str()
            .unwrap()
            .starts_with("((stackwright:")
    );
}

#[test]
fn a_policy_of_the_workload_stays_on_its_role() {
    let own = PolicyDocument::new([Statement::allow(["s3:GetObject"], ["arn:aws:s3:::orders/*"])]);
    let assembly = connected(|p| p.aws_policy(own));
    let cluster = template(&assembly, "prod-cluster");
    let role = &cluster["Resources"]["ClusterOrdersApiServiceAccountRole"];
    let inline = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].as_array().unwrap();
    assert_eq!(inline.len(), 1);
    assert_eq!(inline[0]["Action"], "s3:GetObject");
    assert_eq!(resources_of(&template(&assembly, "prod-data"), "AWS::IAM::Policy").len(), 1);
}

/// With Pod Identity the grant attaches to the Pod Identity role, and the service account stays
/// bare (the association carries the role).
#[test]
fn with_pod_identity_the_grant_attaches_to_its_role() {
    let assembly = connected(|p| p.aws_identity(AwsIdentity::PodIdentity));
    let data = template(&assembly, "prod-data");
    let policies = resources_of(&data, "AWS::IAM::Policy");
    assert_eq!(policies.len(), 1);
    let role = policies[0].1["Properties"]["Roles"][0]["Ref"].as_str().unwrap();
    assert!(role.contains("PodIdentityRole"), "{role}");
    let account = object(&assembly, "ServiceAccount", "api");
    assert!(account["metadata"].get("annotations").is_none(), "{account}");
    let egress = object(&assembly, "NetworkPolicy", "api-allow-egress").to_string();
    assert!(egress.contains("169.254.170.23/32") && egress.contains("5432"), "{egress}");
}

#[test]
fn the_security_group_has_a_single_ingress_rule() {
    let assembly = connected(|p| p);
    let data = template(&assembly, "prod-data");
    let ingress = data["Resources"]["OrdersSecurityGroup"]["Properties"]["SecurityGroupIngress"].as_array().unwrap();
    assert_eq!(ingress.len(), 1, "{ingress:?}");
    assert_eq!((ingress[0]["FromPort"].as_i64(), ingress[0]["ToPort"].as_i64()), (Some(5432), Some(5432)));
    assert!(ingress[0].get("CidrIp").is_none(), "from the cluster's security group, not an address block");
    assert!(ingress[0]["SourceSecurityGroupId"].is_object());
}

#[test]
fn the_network_policy_opens_the_isolated_subnets_and_https() {
    let assembly = connected(|p| p);
    let policy = object(&assembly, "NetworkPolicy", "api-allow-egress");
    let egress = policy["spec"]["egress"].as_array().unwrap();
    let to_block = |cidr: &str, port: i64| {
        egress
            .iter()
            .any(|r| r["to"][0]["ipBlock"]["cidr"] == cidr && r["ports"] == json!([{"port": port, "protocol": "TCP"}]))
    };
    // The isolated tier of 10.0.0.0/16 after two public /24 and two private /20.
    let subnets: Vec<String> = {
        let t = template(&assembly, "prod-network");
        resources_of(&t, "AWS::EC2::Subnet")
            .into_iter()
            .filter(|(id, _)| id.contains("Isolated"))
            .map(|(_, s)| s["Properties"]["CidrBlock"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(subnets.len(), 2);
    for cidr in &subnets {
        assert!(to_block(cidr, 5432), "no egress to {cidr} on 5432: {egress:?}");
    }
    assert!(to_block("0.0.0.0/0", 443), "AWS APIs over HTTPS: {egress:?}");
    assert_eq!(egress.len(), 4, "DNS, the two subnets, HTTPS: {egress:?}");
}

#[test]
fn flask_app_is_wired_the_same_way() {
    let (app, _, cluster, db) = platform();
    FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image()).database(&db)).unwrap();
    let assembly = app.synth().unwrap();
    let env = env_of(&object(&assembly, "Deployment", "flask-app"));
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    for name in ["DB_HOST", "DB_NAME", "DB_PORT", "DB_SECRET_ARN", "DB_SSLMODE", "PORT"] {
        assert!(names.contains(&name), "{name} missing in {names:?}");
    }
    let data = template(&assembly, "prod-data");
    let policies = resources_of(&data, "AWS::IAM::Policy");
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].1["Properties"]["Roles"][0]["Ref"], "ClusterClusterFlaskAppServiceAccountRole");
    let egress = object(&assembly, "NetworkPolicy", "flask-app-allow-egress");
    assert!(egress.to_string().contains("5432"));
}

#[test]
fn a_database_of_another_environment_is_refused() {
    let (app, _, _, db) = platform();
    let staging = app.environment("staging", Account::new("123456789012").unwrap(), Region::UsEast1);
    let other = cluster(&staging, &vpc(&staging));
    let ns = Namespace::new(&other, "Orders", NamespaceProps::default()).unwrap();
    let props = WorkloadProps::new(ContainerSpec::new(image())).service(ServiceKind::None).database(&db);
    let err = synth_error(&app, Workload::new(&other, &ns, "Api", props));
    assert!(
        err.contains("staging/cluster/Cluster/Orders/Api: the database 'prod/data/Orders' is in environment 'prod', but this workload runs in 'staging'"),
        "{err}"
    );
    assert!(err.contains("hint: connect a workload to a database of its own environment"), "{err}");
    let err = synth_error(&app, FlaskApp::new(&other, "flask-app", FlaskAppProps::new(image()).database(&db)));
    assert!(
        err.contains("staging/cluster/Cluster/flask-app: the database 'prod/data/Orders' is in environment 'prod'"),
        "{err}"
    );
}

#[test]
fn a_database_not_admitting_the_cluster_is_refused() {
    let (app, prod) = app();
    let vpc = vpc(&prod);
    let cluster = cluster(&prod, &vpc);
    let db = Database::new(&prod.stack("data"), "Orders", DatabaseProps::new(&vpc, PostgresVersion::V15)).unwrap();
    let props = FlaskAppProps::new(image()).database(&db).env_var("DB_NAME", "other");
    let err = synth_error(&app, FlaskApp::new(&cluster, "flask-app", props));
    assert!(err.contains("the database 'prod/data/Orders' does not admit the cluster 'prod/cluster/Cluster'"), "{err}");
    assert!(
        err.contains("hint: add the cluster to the database's clients: DatabaseProps::allow_from(&cluster)"),
        "{err}"
    );
    assert!(
        err.contains("the environment variable DB_NAME is set by the workload and by its database connection"),
        "{err}"
    );
}

/// A role the cluster writes with an empty document is for a connection's role only: an empty
/// policy of the program's own is still refused, at the role's path.
#[test]
fn an_empty_policy_of_the_program_is_still_refused() {
    let (app, _, cluster, _) = platform();
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let props = WorkloadProps::new(ContainerSpec::new(image()))
        .service(ServiceKind::None)
        .aws_policy(PolicyDocument::default());
    let err = synth_error(&app, Workload::new(&cluster, &ns, "Worker", props));
    assert!(
        err.contains("prod/cluster/Cluster/Orders/Worker/ServiceAccountRole: the policy document has no statements"),
        "{err}"
    );
}
