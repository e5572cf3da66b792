//! On moto, where it is faithful: STS identity (and the account check), EKS DescribeCluster
//! (connection data; moto's CA data is random text, so the CA decoder must fail clearly), and
//! the ECR repository of a registry stack deployed through change sets.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use stackwright_core::{Account, App, RawResource, Region, Resource};
use stackwright_deploy::cfn::Action;
use stackwright_deploy::eks::ClusterAccess;
use stackwright_deploy::plan::{Assembly, Outputs};
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

fn synth(dir: &Path) -> Arc<Assembly> {
    let app = App::new("flask-platform");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let registry = prod.stack("registry");
    let repo = Resource::new(
        &registry,
        "FlaskApp",
        RawResource::new("AWS::ECR::Repository")
            .with("RepositoryName", "flask-app")
            .with("ImageTagMutability", "IMMUTABLE"),
    )
    .unwrap();
    registry.add_output("RepositoryUri", repo.get_att::<String>("RepositoryUri"), Some("where CI pushes images"));
    let cluster_stack = prod.stack("cluster");
    common::stack_with_cluster(&cluster_stack, "x", "flask-main", "https://unused.example", "");
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_identity_eks_describe_cluster_and_the_registry_stack() {
    let moto = common::moto();
    let mut rt = Runtime::new(moto.aws_options(), ProgressMode::Capture);
    rt.cfn.poll = Duration::from_millis(100);
    rt.cfn.yes = true;
    rt.kubernetes = false;

    // STS: the account behind the credentials, and the check before deploying.
    assert_eq!(rt.aws.account("us-east-1", &rt.progress).await.unwrap(), "123456789012");
    rt.aws.check_account("prod", "us-east-1", "123456789012", &rt.progress).await.unwrap();
    let err = rt.aws.check_account("staging", "us-east-1", "210987654321", &rt.progress).await.unwrap_err().to_string();
    assert!(
        err.contains(
            "environment 'staging' is account 210987654321, but the AWS credentials are for account 123456789012"
        ),
        "{err}"
    );

    // EKS: a cluster made through the EKS API, read back with DescribeCluster.
    let clients = rt.aws.region("us-east-1").await;
    clients
        .eks
        .create_cluster()
        .name("flask-main")
        .role_arn("arn:aws:iam::123456789012:role/eks")
        .resources_vpc_config(aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids("subnet-1").build())
        .send()
        .await
        .unwrap();
    let access = ClusterAccess::describe(&clients, &rt.cfn.retry, &rt.progress, "flask-main").await.unwrap();
    assert!(access.endpoint.starts_with("https://") && access.endpoint.contains(".eks.amazonaws.com"), "{access:?}");
    assert!(!access.certificate_authority.is_empty());
    let err = access.ca_der().unwrap_err().to_string();
    assert!(err.contains("certificate authority data is unusable"), "moto's CA is random text: {err}");
    assert!(err.contains("hint: the cluster stack's certificate-authority output"), "{err}");
    let missing = ClusterAccess::describe(&clients, &rt.cfn.retry, &rt.progress, "nope").await.unwrap_err().to_string();
    assert!(missing.contains("EKS DescribeCluster failed: ResourceNotFoundException"), "{missing}");

    // The registry stack through change sets; its repository exists in ECR with our settings.
    let dir = common::temp_dir("moto");
    let assembly = synth(&dir);
    let mut report = rt.deploy(assembly.clone(), &["prod-registry".into()], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));
    assert_eq!(report.stacks[0].action, Action::Created);
    // moto 5.2.5 builds a stack's outputs before a change set creates its resources, so the
    // RepositoryUri output stays empty here (CreateStack fills it; LocalStack has no ECR).
    assert!(report.stacks[0].outputs.get("RepositoryUri").is_none_or(|u| u.ends_with("/flask-app")));
    let repos = common::json_call(
        moto.port,
        "us-east-1",
        "ecr",
        "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories",
        "{}",
    );
    assert!(
        repos.contains("\"repositoryName\": \"flask-app\"") || repos.contains("\"repositoryName\":\"flask-app\""),
        "{repos}"
    );
    assert!(repos.contains("IMMUTABLE"), "{repos}");
    assert!(repos.contains("123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-app"), "{repos}");

    // A cluster stack without an endpoint output: connection data come from DescribeCluster.
    let cluster = &assembly.manifest.clusters[0];
    let mut outputs = Outputs::new();
    outputs.insert(cluster.stack.clone(), [(cluster.outputs.cluster_name.clone(), "flask-main".to_string())].into());
    let via_api = rt.cluster_access(&assembly, cluster, &outputs).await.unwrap();
    assert_eq!(via_api.endpoint, access.endpoint);
}
