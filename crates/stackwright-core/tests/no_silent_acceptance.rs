//! A name declared twice in a stack — an output, a parameter, a condition, a tag with two
//! values — is an error: the second declaration used to replace the first without a word.

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::report::render;
use stackwright_core::{
    Account, App, ClusterConnection, KubeCluster, ParameterDef, RawResource, Region, Resource, Value,
};

#[test]
fn a_name_declared_twice_in_a_stack_is_an_error_not_a_replacement() {
    let app = App::new("demo");
    let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("network");
    Resource::new(&stack, "Vpc", RawResource::new("AWS::EC2::VPC")).unwrap();
    stack.add_output("VpcId", "vpc-1", None);
    stack.add_output("VpcId", "vpc-2", None);
    stack.add_parameter("Size", ParameterDef::string());
    stack.add_parameter("Size", ParameterDef::string());
    stack.add_condition("IsProd", Value::Bool(true));
    stack.add_condition("IsProd", Value::Bool(false));
    stack.add_tag("team", "payments");
    stack.add_tag("team", "payments");
    stack.add_tag("team", "checkout");
    let err = match app.synth() {
        Ok(_) => panic!("the program was accepted"),
        Err(e) => e,
    };
    let text = render(&err, false);
    for expected in [
        "error: prod/network: output 'VpcId' is declared twice in the stack: the second would replace the first\n  \
         hint: give each output its own name",
        "error: prod/network: parameter 'Size' is declared twice in the stack",
        "error: prod/network: condition 'IsProd' is declared twice in the stack",
        "error: prod/network: tag 'team' is set to 'payments' and to 'checkout'\n  hint: set each tag once",
        "error: 4 problems found",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn a_stack_without_resources_is_an_error() {
    let app = App::new("demo");
    app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("network");
    let err = match app.synth() {
        Ok(_) => panic!("an empty template was accepted"),
        Err(e) => e,
    };
    let text = render(&err, false);
    assert!(
        text.contains("error: prod/network: the stack has no resources: CloudFormation refuses a template without any"),
        "{text}"
    );
    assert!(text.contains("hint: give it a resource, or do not create it"), "{text}");
}

#[test]
fn a_stack_holding_only_a_clusters_objects_is_not_empty() {
    // A team's workloads on a cluster the program refers to: no AWS resource of their own, and
    // the runtime applies the objects without sending the stack to CloudFormation.
    let app = App::new("demo");
    let apps = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("apps");
    let cluster = KubeCluster::new(&apps, "main", connection()).unwrap();
    let ns =
        Namespace { metadata: ObjectMeta { name: Some("web".into()), ..Default::default() }, ..Default::default() };
    cluster.add(&apps, &ns).unwrap();
    let assembly = app.synth().expect("a stack of Kubernetes objects synthesizes");
    assert_eq!(assembly.manifest.clusters[0].stack, "prod-apps");

    // The same cluster without objects: nothing to deploy, an error again.
    let app = App::new("demo");
    let apps = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("apps");
    KubeCluster::new(&apps, "main", connection()).unwrap();
    let text = match app.synth() {
        Ok(_) => panic!("a stack with nothing to deploy was accepted"),
        Err(e) => render(&e, false),
    };
    assert!(text.contains("error: prod/apps: the stack has no resources"), "{text}");
}

/// The connection of a cluster the tests refer to (literal values).
fn connection() -> ClusterConnection {
    ClusterConnection {
        cluster_name: "main".into(),
        endpoint: "https://example.eks.amazonaws.com".into(),
        certificate_authority: "Y2E=".into(),
        oidc_issuer: "https://oidc.example".into(),
    }
}
