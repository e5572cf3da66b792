//! Rejected constructs: their problems are reported with all the others, their values are
//! never rendered and cause no follow-up problem, and a tree holding one is never written.

use stackwright_core::k8s_openapi::api::core::v1::ConfigMap;
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::{
    Account, App, Arn, Attr, Construct, Diagnostic, KubeCluster, Problems, RawResource, Region, Resource, Stack, Value,
};

fn stack(app: &App, id: &str) -> Stack {
    app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1).stack(id)
}

#[test]
fn a_rejected_construct_reports_its_problems_and_its_values_cause_no_other() {
    let app = App::new("demo");
    let network = stack(&app, "network");
    let vpc = network.node().add_child_deferred("Vpc");
    vpc.reject([Diagnostic::new(vpc.path(), "max_azs is 0", "set max_azs to 2 or more")]);
    let vpc_id: Attr<String> = vpc.rejected_attr();
    let resource = Resource::<RawResource>::rejected(&vpc);
    resource.set_property("Tags", Value::list(["x"])).unwrap();
    resource.set_deletion_policy(stackwright_core::DeletionPolicy::Retain);
    // A dependent in another stack uses the values: no parameter, no "not a resource" problem.
    let cluster = app.environments()[0].stack("cluster");
    Resource::new(
        &cluster,
        "Sg",
        RawResource::new("AWS::EC2::SecurityGroup")
            .with("VpcId", &vpc_id)
            .with("GroupDescription", Value::Sub(vec![resource.attr("CidrBlock").into()])),
    )
    .unwrap();
    cluster.node().add_dependency(&vpc);
    let err = app.synth().unwrap_err();
    assert_eq!(err.diagnostics(), [Diagnostic::new("prod/network/Vpc", "max_azs is 0", "set max_azs to 2 or more")]);
}

#[test]
fn a_dependent_of_a_rejected_construct_is_rejected_without_a_problem_of_its_own() {
    let app = App::new("demo");
    let s = stack(&app, "s");
    let vpc = s.node().add_child_deferred("Vpc");
    vpc.reject([Diagnostic::new(vpc.path(), "bad", "fix it")]);
    let cluster = s.node().add_child_deferred("Cluster");
    cluster.reject_because_of(&vpc);
    assert!(cluster.is_rejected());
    assert_eq!(app.synth().unwrap_err().diagnostics().len(), 1);
}

#[test]
fn a_rejection_without_any_problem_is_an_internal_error_not_an_assembly() {
    let app = App::new("demo");
    let s = stack(&app, "s");
    let quiet = s.node().add_child_deferred("Quiet");
    quiet.reject([]);
    let err = app.synth().unwrap_err();
    assert_eq!(err.diagnostics().len(), 1);
    assert_eq!(err.diagnostics()[0].path, "prod/s/Quiet");
    assert!(err.diagnostics()[0].message.starts_with("internal error: "), "{err}");
    // Rejected because of a construct that is fine: a bug of the caller, said where it is.
    let app = App::new("demo");
    let s = stack(&app, "s");
    let fine = s.node().add_child_deferred("Fine");
    s.node().add_child_deferred("Dependent").reject_because_of(&fine);
    let err = app.synth().unwrap_err();
    assert!(err.to_string().contains("prod/s/Dependent: internal error: rejected because of 'prod/s/Fine'"), "{err}");
}

#[test]
fn a_rejected_cluster_drops_objects_and_binds_nothing() {
    let app = App::new("demo");
    let s = stack(&app, "s");
    let node = s.node().add_child_deferred("Cluster");
    node.reject([Diagnostic::new(node.path(), "bad cluster", "fix it")]);
    KubeCluster::check_name(&node, "main").unwrap();
    let kube = KubeCluster::rejected(&node, "main");
    assert_eq!(kube.name(), "main");
    let arn: Attr<Arn> = node.rejected_attr();
    let placeholder = kube.late_bound(&arn).unwrap();
    assert!(placeholder.starts_with("((stackwright:ref:prod/s/Cluster"), "{placeholder}");
    let map = ConfigMap {
        metadata: ObjectMeta { name: Some("x".into()), namespace: Some("y".into()), ..Default::default() },
        ..Default::default()
    };
    kube.add(&node, &map).unwrap();
    kube.add(&node, &map).unwrap();
    let err = app.synth().unwrap_err();
    assert_eq!(err.diagnostics().len(), 1, "{err}");
    // The name is still free for a real cluster.
    assert!(KubeCluster::check_name(&s, "main").is_ok());
}

/// `Problems`: every problem at the child's path (or its own), the node rejected when any was
/// found, attached like `add_child` when none was; a scope outside a stack is recorded, a scope
/// outside every environment fails at once.
#[test]
fn problems_are_collected_at_the_child_path_and_reject_it() {
    let app = App::new("demo");
    let s = stack(&app, "s");
    let mut problems = Problems::for_child(&s, "Topic");
    assert_eq!(problems.path(), "prod/s/Topic");
    let (stack, environment) = problems.place("a Topic").unwrap();
    assert_eq!(stack.map(|s| s.node().path()), Some("prod/s".to_string()));
    assert_eq!(environment.id(), "prod");
    assert!(problems.is_empty());
    problems.push("display name '' is empty", "give it a name");
    problems.extend([Diagnostic::new("prod/s/Topic/Policy", "'*' is a wildcard", "name the topic")]);
    let topic = problems.add_node();
    assert!(topic.is_rejected());
    assert_eq!(topic.path(), "prod/s/Topic");

    let fine = Problems::for_child(&s, "Fine").add_node();
    assert!(!fine.is_rejected());
    assert!(s.node().add_child("Fine").unwrap_err().to_string().contains("duplicate construct id 'Fine'"));
    assert_eq!(fine, fine.clone());
    assert_ne!(fine, topic);

    let mut outside = Problems::for_child(&app.environments()[0], "Topic");
    let (stack, _) = outside.place("a Topic").unwrap();
    assert!(stack.is_none());
    assert!(outside.add_node().is_rejected());
    assert!(Problems::for_child(&app, "Topic").place("a Topic").is_err());

    let err = app.synth().unwrap_err();
    let found: Vec<(&str, &str)> = err.diagnostics().iter().map(|d| (d.path.as_str(), d.message.as_str())).collect();
    assert_eq!(
        found,
        [
            ("prod/s/Topic", "display name '' is empty"),
            ("prod/s/Topic/Policy", "'*' is a wildcard"),
            ("prod/Topic", "a Topic must be created inside a stack"),
        ]
    );
}
