//! Constructs record the problems of their input and return a rejected handle: a program shows
//! every construct's mistakes in one run, and a construct given a rejected handle adds no
//! follow-up problem of its own.

use stackwright_constructs::{
    AppDelivery, ClusterTarget, EcrRepo, EcrRepoProps, EksCluster, EksClusterProps, FlaskApp, FlaskAppProps,
    GitHubPipeline, GitHubPipelineProps, GitHubRepository, KubernetesVersion, Monitoring, MonitoringProps, NodeGroup,
    NodeGroupProps, Prometheus, PrometheusProps, ScrapeTarget, Scrapeable, SubnetKind, Vpc, VpcProps, WorkloadCluster,
};
use stackwright_core::{Account, App, Construct, Diagnostic, Region};

fn problems(app: &App) -> Vec<(String, String)> {
    let err = app.synth().unwrap_err();
    err.diagnostics().iter().map(|d: &Diagnostic| (d.path.clone(), d.message.clone())).collect()
}

/// A bad VPC, a bad node group and a bad app: the cluster on the rejected VPC, monitoring on the
/// rejected cluster and the pipeline naming them add nothing; each of the three is reported.
#[test]
fn three_bad_constructs_are_reported_together_without_follow_ups() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 0, ..Default::default() }).unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    assert!(vpc.node().is_rejected() && cluster.node().is_rejected());
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.mediun"], 2..=6)).unwrap();
    let repo = EcrRepo::new(&prod.stack("registry"), "Web", EcrRepoProps::default()).unwrap();
    let web = FlaskApp::new(&cluster, "web", FlaskAppProps::new(repo.image_tag("v1")).replicas(0)).unwrap();
    Monitoring::new(&cluster, "monitoring", MonitoringProps::default().scrape(&web).billing_alarm_usd(10)).unwrap();
    let target = ClusterTarget::for_app(&cluster, &web);
    let props = GitHubPipelineProps::new(GitHubRepository::new("acme/demo").unwrap())
        .app(AppDelivery::for_repo("service", &repo))
        .cluster(target);
    GitHubPipeline::new(&prod.stack("cicd"), "Pipeline", props).unwrap();
    // The rejected cluster's values are still usable by a program, without a problem.
    let _ = (
        cluster.arn(),
        cluster.oidc_provider().arn(),
        cluster.kube().name(),
        vpc.subnet_ids(SubnetKind::PrivateWithEgress),
    );
    let found = problems(&app);
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["prod/network/Vpc", "prod/cluster/Cluster/General", "prod/cluster/Cluster/web"], "{found:#?}");
}

/// An image of a rejected repository: the app checks its own props and adds nothing more.
#[test]
fn an_app_whose_image_comes_from_a_rejected_repository() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let repo = EcrRepo::new(
        &prod.stack("registry"),
        "Web",
        EcrRepoProps { repository_name: Some("Web App".into()), ..Default::default() },
    )
    .unwrap();
    repo.grant_pull(cluster.arn());
    let web = FlaskApp::new(&cluster, "web", FlaskAppProps::new(repo.image_tag_from_env("IMAGE_TAG"))).unwrap();
    assert!(web.node().is_rejected());
    Monitoring::new(&cluster, "monitoring", MonitoringProps::default().scrape(&web)).unwrap();
    let found = problems(&app);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "prod/registry/Web");
    assert!(found[0].1.starts_with("invalid repository name 'Web App'"), "{found:#?}");
}

/// A duplicate id and a construct outside a stack are recorded too; only a scope outside every
/// environment is an error at once.
#[test]
fn structural_mistakes_are_recorded_and_only_a_scope_outside_every_environment_fails_at_once() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let registry = prod.stack("registry");
    EcrRepo::new(&registry, "Web", EcrRepoProps::default()).unwrap();
    let twin = EcrRepo::new(&registry, "Web", EcrRepoProps::default()).unwrap();
    assert!(twin.node().is_rejected());
    EcrRepo::new(&prod, "Loose", EcrRepoProps::default()).unwrap();
    let found = problems(&app);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].1.starts_with("duplicate construct id 'Web'"), "{found:#?}");
    assert_eq!(found[1], ("prod/Loose".into(), "an EcrRepo must be created inside a stack".into()));
    let err = EcrRepo::new(&app, "Nowhere", EcrRepoProps::default()).err().unwrap();
    assert!(err.to_string().contains("an EcrRepo must be created inside a stack of an environment"), "{err}");
}

/// A pipeline delivering to a rejected repository (`AppDelivery::for_repo`) is rejected with it:
/// the repository's name is reported once, at the repository, not again at the pipeline's
/// access; the pipeline's own props are still checked.
#[test]
fn a_pipeline_delivering_to_a_rejected_repository_adds_no_follow_up() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let repo = EcrRepo::new(
        &prod.stack("registry"),
        "Web",
        EcrRepoProps { repository_name: Some("Web App".into()), ..Default::default() },
    )
    .unwrap();
    let delivery = AppDelivery::for_repo("service", &repo);
    assert_eq!(delivery.ecr_repository_node.as_ref(), Some(repo.node()));
    let props = GitHubPipelineProps::new(GitHubRepository::new("acme/demo").unwrap()).app(delivery.clone());
    let pipeline = GitHubPipeline::new(&prod.stack("cicd"), "Pipeline", props.clone()).unwrap();
    assert!(pipeline.node().is_rejected() && pipeline.access().node().is_rejected());
    assert!(pipeline.workflows().is_empty());
    GitHubPipeline::new(&prod.stack("cicd2"), "Pipeline", props.main_branch("main*")).unwrap();
    let found = problems(&app);
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["prod/registry/Web", "prod/cicd2/Pipeline"], "{found:#?}");
    assert!(found[0].1.starts_with("invalid repository name 'Web App'"), "{found:#?}");
    assert!(found[1].1.starts_with("invalid main branch 'main*'"), "{found:#?}");

    // The same repository named by a delivery made with `new` alone is checked by the access,
    // and a pipeline delivering to a repository that is fine builds as before.
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let repo = EcrRepo::new(&prod.stack("registry"), "Web", EcrRepoProps::default()).unwrap();
    let props = GitHubPipelineProps::new(GitHubRepository::new("acme/demo").unwrap())
        .app(AppDelivery::for_repo("service", &repo));
    let pipeline = GitHubPipeline::new(&prod.stack("cicd"), "Pipeline", props).unwrap();
    assert!(!pipeline.node().is_rejected());
    assert!(pipeline.workflows().contains_key("stackwright-app.yml"));
    app.synth().unwrap();
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let by_name = GitHubPipelineProps::new(GitHubRepository::new("acme/demo").unwrap())
        .app(AppDelivery::new("service", "Web App"));
    GitHubPipeline::new(&prod.stack("cicd"), "Pipeline", by_name).unwrap();
    let found = problems(&app);
    assert_eq!(found, [("prod/cicd/Pipeline/Access".into(), "invalid ECR repository name 'Web App'".into())]);
}

/// Monitoring scraping a rejected app is rejected with it (no configuration for an app that
/// does not exist, no problem of its own); a target made by hand, without a workload node, is
/// scraped as before.
#[test]
fn monitoring_of_a_rejected_app_is_rejected_with_it() {
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let repo = EcrRepo::new(&prod.stack("registry"), "Web", EcrRepoProps::default()).unwrap();
    let web = FlaskApp::new(&cluster, "web", FlaskAppProps::new(repo.image_tag("v1")).replicas(0)).unwrap();
    assert!(web.node().is_rejected());
    let target = web.scrape_target();
    assert_eq!(target.workload_node.as_ref(), Some(web.node()));
    let monitoring = Monitoring::new(&cluster, "monitoring", MonitoringProps::default().scrape(&web)).unwrap();
    assert!(monitoring.node().is_rejected());
    let found = problems(&app);
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["prod/cluster/Cluster/web"], "{found:#?}");

    // Its own props are still checked, before the app's rejection.
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let repo = EcrRepo::new(&prod.stack("registry"), "Web", EcrRepoProps::default()).unwrap();
    let web = FlaskApp::new(&cluster, "web", FlaskAppProps::new(repo.image_tag("v1")).replicas(0)).unwrap();
    let props = MonitoringProps::default()
        .scrape(&web)
        .prometheus(Prometheus::On(PrometheusProps::default().retention_days(0)));
    Monitoring::new(&cluster, "monitoring", props).unwrap();
    let found = problems(&app);
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["prod/cluster/Cluster/web", "prod/cluster/Cluster/monitoring"], "{found:#?}");

    // A target of a workload of the program's own, made by hand: scraped as before.
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps { max_azs: 2, ..Default::default() }).unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let own = ScrapeTarget::new(cluster.node().path(), "jobs", "worker", 9100).metrics_path("/stats");
    assert_eq!(own.workload_node, None);
    let monitoring = Monitoring::new(&cluster, "monitoring", MonitoringProps::default().targets([own])).unwrap();
    assert!(!monitoring.node().is_rejected());
    let assembly = app.synth().unwrap();
    let rules = assembly.files.keys().any(|path| path.ends_with("jobs-worker.rules.yml"));
    assert!(rules, "the hand-made target is scraped");
}
