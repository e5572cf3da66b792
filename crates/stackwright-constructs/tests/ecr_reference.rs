//! EcrRepo::from_name / from_arn: an existing repository whose images workloads run, rendered as
//! literal URIs, with no repository resource; what the program cannot do to it is a synth error.

mod eks_support;

use eks_support::{app, error_text, platform, resources_of};
use stackwright_constructs::{AppDelivery, EcrRepo, FlaskApp, FlaskAppProps, WorkloadCluster};
use stackwright_core::{Assembly, Construct};

const URI: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/orders";

/// The Kubernetes object `kind`/`name` of the assembly's one cluster, as YAML text.
fn object(assembly: &Assembly, kind: &str, name: &str) -> String {
    let cluster = &assembly.manifest.clusters[0];
    let entry = cluster.objects.iter().find(|o| o.kind == kind && o.name == name).unwrap();
    assembly.file(&format!("{}/{}", cluster.directory, entry.file)).unwrap().to_string()
}

#[test]
fn a_flask_app_runs_an_image_of_a_referenced_repository() {
    let (app, cluster) = platform();
    let repo = EcrRepo::from_name(&cluster, "Orders", "team/orders").unwrap().declare_immutable_tags();
    assert!(repo.is_referenced());
    assert_eq!(repo.name(), "team/orders");
    assert_eq!(repo.arn().value(), &"arn:aws:ecr:us-east-1:123456789012:repository/team/orders".into());
    let image = repo.image_tag_from_env("IMAGE_TAG");
    assert!(image.tag_is_immutable());
    FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(image)).unwrap();
    let assembly = app.synth().unwrap();
    for (name, bytes) in &assembly.files {
        if name.ends_with(".template.json") {
            let t: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            assert!(resources_of(&t, "AWS::ECR::Repository").is_empty(), "{name} creates a repository");
        }
    }
    let deployment = object(&assembly, "Deployment", "flask-app");
    let parsed: serde_json::Value = serde_saphyr::from_str(&deployment).unwrap();
    let image = &parsed["spec"]["template"]["spec"]["containers"][0]["image"];
    assert_eq!(image, &format!("{URI}:((stackwright:env:IMAGE_TAG))"), "{deployment}");
    // The tag cannot move: the object says why checkov's digest check does not apply.
    let skip = parsed["metadata"]["annotations"]["checkov.io/skip1"].as_str().unwrap_or_default();
    assert!(skip.starts_with("CKV_K8S_43="), "{deployment}");
    // No binding to a stack output: the URI is known at synth.
    let bindings = &assembly.manifest.clusters[0].bindings;
    assert!(!bindings.iter().any(|b| b.placeholder.contains("Orders")), "{bindings:?}");
}

#[test]
fn a_repository_of_another_account_by_arn() {
    let (_app, cluster) = platform();
    let arn = "arn:aws:ecr:eu-west-1:210987654321:repository/shared/base";
    let repo = EcrRepo::from_arn(&cluster, "Base", arn).unwrap();
    assert_eq!(repo.arn().value(), &arn.into());
    let digest = format!("sha256:{}", "ab".repeat(32));
    assert_eq!(
        repo.image_digest(&digest).render(cluster.kube()).unwrap(),
        format!("210987654321.dkr.ecr.eu-west-1.amazonaws.com/shared/base@{digest}")
    );
    // Tags of a repository the program cannot see count as movable.
    assert!(!repo.image_tag("v1").tag_is_immutable());
}

#[test]
fn the_pipeline_delivers_to_a_referenced_repository_by_name() {
    let (_app, cluster) = platform();
    let repo = EcrRepo::from_name(&cluster, "Orders", "team/orders").unwrap();
    let delivery = AppDelivery::for_repo("flask-app", &repo);
    assert_eq!(delivery.ecr_repository, "team/orders");
    assert_eq!(delivery.ecr_repository_node.as_ref(), Some(repo.node()));
}

fn assert_problem(err: &str, path: &str, message: &str, hint: &str) {
    assert!(err.contains(&format!("{path}: {message}")), "missing '{path}: {message}' in:\n{err}");
    assert!(err.contains(&format!("hint: {hint}")), "missing hint '{hint}' in:\n{err}");
}

#[test]
fn malformed_names_and_arns() {
    let (app, prod) = app();
    let stack = prod.stack("cluster");
    EcrRepo::from_name(&stack, "Upper", "Team/Orders").unwrap();
    EcrRepo::from_arn(&stack, "NotEcr", "arn:aws:s3:::bucket").unwrap();
    EcrRepo::from_arn(&stack, "Account", "arn:aws:ecr:us-east-1:1234:repository/team/orders").unwrap();
    EcrRepo::from_arn(&stack, "Region", "arn:aws:ecr:mars-1:123456789012:repository/team/orders").unwrap();
    let err = error_text(app.synth());
    assert_problem(
        &err,
        "prod/cluster/Upper",
        "invalid repository name 'Team/Orders': 'T' is not allowed",
        "give the existing repository's name as `aws ecr describe-repositories` shows it (repositoryName)",
    );
    assert_problem(
        &err,
        "prod/cluster/NotEcr",
        "'arn:aws:s3:::bucket' is not an ECR repository ARN",
        "write it as arn:aws:ecr:<region>:<account>:repository/<name>",
    );
    assert_problem(
        &err,
        "prod/cluster/Account",
        "the account '1234' of repository ARN 'arn:aws:ecr:us-east-1:1234:repository/team/orders' is not 12 digits",
        "copy the ARN from `aws ecr describe-repositories` (repositoryArn)",
    );
    assert!(err.contains("prod/cluster/Region: the region 'mars-1'"), "{err}");
}

#[test]
fn a_referenced_repository_policy_cannot_be_changed() {
    let (app, prod) = app();
    let repo = EcrRepo::from_name(&prod.stack("cluster"), "Orders", "team/orders").unwrap();
    repo.grant_pull("arn:aws:iam::123456789012:role/nodes");
    assert_problem(
        &error_text(app.synth()),
        "prod/cluster/Orders",
        "the repository policy of team/orders, a referenced repository, cannot be changed by the program",
        "grant in the existing repository's policy yourself (aws ecr set-repository-policy)",
    );
}

#[test]
fn immutable_tags_are_declared_only_for_a_referenced_repository() {
    let (app, prod) = app();
    let repo = stackwright_constructs::EcrRepo::new(
        &prod.stack("registry"),
        "FlaskApp",
        stackwright_constructs::EcrRepoProps::default(),
    )
    .unwrap();
    let _ = repo.declare_immutable_tags();
    assert_problem(
        &error_text(app.synth()),
        "prod/registry/FlaskApp",
        "declare_immutable_tags is for a referenced repository",
        "set EcrRepoProps::tag_mutability",
    );
}
