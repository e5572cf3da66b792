//! No input is quietly changed into another: a zone count the region cannot give, a service
//! account bound to two IAM roles, counts Kubernetes cannot hold — each is an error naming
//! where it is, the offending value and how to fix it. (Each of these programs synthesized
//! without a word before.)

mod eks_support;

use eks_support::platform;
use stackwright_constructs::{
    Autoscaling, ContainerImage, FlaskApp, FlaskAppProps, ImageReference, PolicyDocument, Statement, Vpc, VpcProps,
    WorkloadCluster,
};
use stackwright_core::report::render;
use stackwright_core::{Account, App, Region, Result};

/// Every problem of `app`, whether the construct returned it (`built`) or synth found it.
fn problems<T>(app: &App, built: Result<T>) -> String {
    let error = match built {
        Err(e) => e,
        Ok(_) => match app.synth() {
            Ok(_) => panic!("the program was accepted"),
            Err(e) => e,
        },
    };
    render(&error, false)
}

#[test]
fn more_zones_than_the_region_has_is_an_error_not_fewer_zones() {
    let app = App::new("demo");
    let west = app.environment("west", Account::new("123456789012").unwrap(), Region::UsWest1);
    let built = Vpc::new(&west.stack("network"), "Vpc", VpcProps { max_azs: 3, ..Default::default() });
    let text = problems(&app, built);
    assert!(
        text.contains(
            "error: west/network/Vpc: max_azs is 3, but us-west-1 has only 2 availability zones that every account has"
        ),
        "{text}"
    );
    assert!(text.contains("hint: set max_azs to 2 or fewer, or list the zones in availability_zones"), "{text}");
    // The default (3) in a region with three zones or more is what it says.
    let (_app, prod) = app_in(Region::UsEast1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default()).unwrap();
    assert_eq!(vpc.availability_zones().len(), 3);
}

fn app_in(region: Region) -> (App, stackwright_core::Environment) {
    let app = App::new("demo");
    let env = app.environment("prod", Account::new("123456789012").unwrap(), region);
    (app, env)
}

fn s3_read() -> PolicyDocument {
    PolicyDocument::new([Statement::allow(["s3:GetObject"], ["arn:aws:s3:::bucket/*"])])
}

#[test]
fn one_service_account_with_two_iam_roles_is_an_error_naming_both() {
    let (app, cluster) = platform();
    let first = cluster.service_account_role(&cluster, "ReaderRole", "shop", "web", s3_read());
    let second = first.and_then(|_| cluster.service_account_role(&cluster, "WriterRole", "shop", "web", s3_read()));
    let text = problems(&app, second);
    assert!(
        text.contains(
            "error: prod/cluster/Cluster/WriterRole: service account shop/web already has an IAM role \
             ('prod/cluster/Cluster/ReaderRole')"
        ),
        "{text}"
    );
    assert!(text.contains("hint: give each workload its own service account"), "{text}");
}

#[test]
fn a_pod_identity_role_for_a_service_account_with_an_irsa_role_is_an_error() {
    let (app, cluster) = platform();
    // aws-node already has the VPC CNI add-on's IRSA role.
    let built = cluster.pod_identity_role(&cluster, "NodeRole", "kube-system", "aws-node", s3_read());
    let text = problems(&app, built);
    assert!(
        text.contains(
            "error: prod/cluster/Cluster/NodeRole: service account kube-system/aws-node already has an IAM role \
             ('prod/cluster/Cluster/Addons/VpcCniRole')"
        ),
        "{text}"
    );
}

fn image() -> ContainerImage {
    ContainerImage::public("registry.example.com/shop", ImageReference::Tag("1.0.0".into()))
}

#[test]
fn counts_kubernetes_cannot_hold_are_errors_not_negative_numbers() {
    let (app, cluster) = platform();
    let autoscaling =
        Autoscaling { max_replicas: 3_000_000_000, scale_down_stabilization_seconds: 7200, ..Default::default() };
    let props = FlaskAppProps::new(image()).replicas(2_500_000_000).autoscaling(autoscaling);
    let text = problems(&app, FlaskApp::new(&cluster, "shop", props));
    for expected in [
        "error: prod/cluster/Cluster/shop: replicas 2500000000 is more than Kubernetes can count",
        "error: prod/cluster/Cluster/shop: autoscaling.max_replicas 3000000000 is more than Kubernetes can count",
        "error: prod/cluster/Cluster/shop: a scale-down stabilization window of 7200s is longer than Kubernetes accepts",
        "hint: use 0 to 3600 seconds (300 by default)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn two_apps_whose_default_load_balancer_names_are_cut_alike_is_an_error_naming_both() {
    let (app, cluster) = platform();
    let first = FlaskApp::new(&cluster, "storefront-web-frontend", FlaskAppProps::new(image()));
    let other_namespace = FlaskAppProps::new(image()).namespace("storefront-b");
    let second = first.and_then(|_| FlaskApp::new(&cluster, "storefront-web-frontend-b", other_namespace));
    let text = problems(&app, second);
    assert!(
        text.contains(
            "error: prod/cluster/Cluster/storefront-web-frontend-b: load balancer name 'demo-prod-cluster-storefront-web' \
             (the default, <cluster>-<app> cut to 32 characters) is already the name of \
             'prod/cluster/Cluster/storefront-web-frontend''s load balancer"
        ),
        "{text}"
    );
    assert!(text.contains("hint: set ingress.load_balancer_name"), "{text}");
}
