//! EcrRepo: secure defaults, typed lifecycle rules, grants, typed image references late-bound
//! into manifests, and bad inputs.

mod eks_support;

use eks_support::{app, error_text, platform, template};
use serde_json::json;
use stackwright::assertions::{Assertions, Match};
use stackwright_constructs::{
    EcrEncryption, EcrRepo, EcrRepoProps, LifecycleRule, NodeGroup, NodeGroupProps, TagMutability, WorkloadCluster,
};
use stackwright_core::Construct;
use stackwright_core::assembly::BindingSource;

/// What synth reports for a repository with `props`: the constructor records its problems.
fn repo_error(props: EcrRepoProps) -> String {
    let (app, prod) = app();
    EcrRepo::new(&prod.stack("registry"), "FlaskApp", props).unwrap();
    error_text(app.synth())
}

fn assert_problem(err: &str, message: &str, hint: &str) {
    assert!(err.contains(&format!("prod/registry/FlaskApp: {message}")), "missing '{message}' in:\n{err}");
    assert!(err.contains(&format!("hint: {hint}")), "missing hint '{hint}' in:\n{err}");
}

#[test]
fn the_registry_stack_snapshot() {
    let (app, prod) = app();
    EcrRepo::new(&prod.stack("registry"), "FlaskApp", EcrRepoProps::default()).unwrap();
    let assembly = app.synth().unwrap();
    crate::snapshot!("ecr-repo.template", template(&assembly, "prod-registry"));
}

#[test]
fn secure_defaults() {
    let (app, prod) = app();
    let repo = EcrRepo::new(&prod.stack("registry"), "FlaskApp", EcrRepoProps::default()).unwrap();
    assert_eq!(repo.name(), "demo/flask-app");
    let assembly = app.synth().unwrap();
    let registry = Assertions::new(&assembly).stack("prod-registry").unwrap();
    let repository = registry.resource("AWS::ECR::Repository", "prod/registry/FlaskApp/Resource").unwrap();
    repository
        .has_properties(json!({
            "RepositoryName": "demo/flask-app",
            "ImageTagMutability": "IMMUTABLE",
            "ImageScanningConfiguration": { "ScanOnPush": true },
            "EncryptionConfiguration": { "EncryptionType": "KMS" },
        }))
        .unwrap();
    let text = repository.get("/Properties/LifecyclePolicy/LifecyclePolicyText").and_then(|t| t.as_str()).unwrap();
    let lifecycle: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        lifecycle,
        serde_json::json!({ "rules": [
            { "rulePriority": 1, "description": "Expire untagged images 7 days after push",
              "selection": { "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7 },
              "action": { "type": "expire" } },
            { "rulePriority": 2, "description": "Keep the last 50 tagged images",
              "selection": { "tagStatus": "tagged", "tagPatternList": ["*"], "countType": "imageCountMoreThan", "countNumber": 50 },
              "action": { "type": "expire" } }
        ]})
    );
}

#[test]
fn customer_managed_key_and_mutable_tags_are_options() {
    let (app, prod) = app();
    EcrRepo::new(
        &prod.stack("registry"),
        "FlaskApp",
        EcrRepoProps {
            repository_name: Some("team/flask-app".into()),
            tag_mutability: TagMutability::Mutable,
            encryption: EcrEncryption::CustomerManagedKms,
            lifecycle_rules: vec![
                LifecycleRule::KeepLastWithTagPrefix { prefix: "release-".into(), count: 100 },
                LifecycleRule::KeepLastTagged(20),
            ],
            ..Default::default()
        },
    )
    .unwrap();
    let t = template(&app.synth().unwrap(), "prod-registry");
    let p = &t["Resources"]["FlaskApp"]["Properties"];
    assert_eq!(p["ImageTagMutability"], "MUTABLE");
    assert_eq!(p["EncryptionConfiguration"]["KmsKey"]["Fn::GetAtt"][0], "FlaskAppKey");
    assert_eq!(t["Resources"]["FlaskAppKey"]["Properties"]["EnableKeyRotation"], true);
    assert!(p["LifecyclePolicy"]["LifecyclePolicyText"].as_str().unwrap().contains(r#""tagPrefixList":["release-"]"#));
}

#[test]
fn grants_build_the_repository_policy_across_stacks() {
    let (app, cluster) = platform();
    let prod = cluster.node().environment().unwrap();
    let repo = EcrRepo::new(&prod.stack("registry"), "FlaskApp", EcrRepoProps::default()).unwrap();
    let workers = NodeGroup::new(&cluster, "Workers", NodeGroupProps::on_demand(["m6i.large"], 1..=3)).unwrap();
    repo.grant_pull(workers.role_arn());
    repo.grant_push("arn:aws:iam::123456789012:role/github-actions-push");
    let assembly = app.synth().unwrap();
    // Exactly the two grants, in order, naming no resource (a repository policy is about its repository).
    let registry = Assertions::new(&assembly).stack("prod-registry").unwrap();
    registry
        .has_resource_properties(
            "AWS::ECR::Repository",
            Match::object_like(json!({})).with(
                "RepositoryPolicyText",
                Match::object_like(json!({})).with(
                    "Statement",
                    Match::exact(json!([
                        { "Sid": "AllowPull1", "Effect": "Allow",
                          "Principal": { "AWS": { "Ref": "ClusterClusterWorkersRoleArn" } },
                          "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] },
                        { "Sid": "AllowPush1", "Effect": "Allow",
                          "Principal": { "AWS": "arn:aws:iam::123456789012:role/github-actions-push" },
                          "Action": ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload",
                                     "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"] },
                    ])),
                ),
            ),
        )
        .unwrap();
    // The node role is a parameter filled from the cluster stack's output.
    let registry = assembly.manifest.stacks.iter().find(|s| s.id == "prod-registry").unwrap();
    assert_eq!(registry.dependencies, ["prod-cluster"]);
}

#[test]
fn image_references_are_late_bound_into_manifests() {
    let (app, cluster) = platform();
    let prod = cluster.node().environment().unwrap();
    let repo = EcrRepo::new(&prod.stack("registry"), "FlaskApp", EcrRepoProps::default()).unwrap();
    let kube = cluster.kube();
    assert_eq!(
        repo.image_tag("v1.4.2").render(kube).unwrap(),
        "((stackwright:ref:prod/registry/FlaskApp/Resource.RepositoryUri)):v1.4.2"
    );
    let digest = format!("sha256:{}", "ab".repeat(32));
    assert_eq!(
        repo.image_digest(&digest).render(kube).unwrap(),
        format!("((stackwright:ref:prod/registry/FlaskApp/Resource.RepositoryUri))@{digest}")
    );
    let from_env = repo.image_tag_from_env("IMAGE_TAG");
    assert_eq!(
        from_env.render(kube).unwrap(),
        "((stackwright:ref:prod/registry/FlaskApp/Resource.RepositoryUri)):((stackwright:env:IMAGE_TAG))"
    );
    assert!(repo.image_digest(&digest).is_pinned_by_digest());
    let assembly = app.synth().unwrap();
    // The registry stack outputs the URI for the runtime to substitute.
    let t = template(&assembly, "prod-registry");
    assert_eq!(
        t["Outputs"]["FlaskAppRepositoryUri"]["Value"]["Fn::GetAtt"],
        serde_json::json!(["FlaskApp", "RepositoryUri"])
    );
    let binding = assembly.manifest.clusters[0]
        .bindings
        .iter()
        .find(|b| b.placeholder == "((stackwright:ref:prod/registry/FlaskApp/Resource.RepositoryUri))")
        .unwrap();
    assert_eq!(
        binding.source,
        BindingSource::StackOutput { stack: "prod-registry".into(), output: "FlaskAppRepositoryUri".into() }
    );
    // Bad tags are caught where the image is used.
    assert!(repo.image_tag("-bad").problems("p")[0].message.contains("not a valid image tag"));
}

// ---- bad input ---------------------------------------------------------------------------------

#[test]
fn invalid_repository_names() {
    for (name, why) in [
        ("Flask-App", "'F' is not allowed"),
        ("flask--app", "'flask--app' has a separator at its start or next to another"),
        ("team//app", "a path part is empty"),
        ("x", "it is 1 characters long"),
        ("flask-app-", "'flask-app-' ends with a separator"),
    ] {
        let err = repo_error(EcrRepoProps { repository_name: Some(name.into()), ..Default::default() });
        assert_problem(&err, &format!("invalid repository name '{name}': {why}"), "use 2 to 256 lower-case letters");
    }
}

#[test]
fn lifecycle_rules_that_would_delete_what_is_deployed() {
    let err = repo_error(EcrRepoProps {
        lifecycle_rules: vec![LifecycleRule::ExpireUntaggedAfterDays(0), LifecycleRule::KeepLastTagged(0)],
        ..Default::default()
    });
    assert!(err.starts_with("2 problems found:"), "{err}");
    assert_problem(
        &err,
        "lifecycle rule ExpireUntaggedAfterDays(0) would expire images as they are pushed",
        "expire untagged images after at least 1 day",
    );
    assert_problem(&err, "a lifecycle rule keeps 0 images", "keep at least a few images");
}

#[test]
fn prefix_rule_after_the_catch_all() {
    let err = repo_error(EcrRepoProps {
        lifecycle_rules: vec![
            LifecycleRule::KeepLastTagged(20),
            LifecycleRule::KeepLastWithTagPrefix { prefix: "release-".into(), count: 5 },
        ],
        ..Default::default()
    });
    assert_problem(
        &err,
        "lifecycle rule 2 (prefix 'release-') comes after KeepLastTagged (rule 1), which already decides every tagged image",
        "list prefix rules before KeepLastTagged",
    );
}

#[test]
fn granting_something_that_is_not_a_principal() {
    let (app, prod) = app();
    let repo = EcrRepo::new(&prod.stack("registry"), "FlaskApp", EcrRepoProps::default()).unwrap();
    repo.grant_push("arn:aws:s3:::my-bucket");
    let err = error_text(app.synth());
    assert_problem(
        &err,
        "'arn:aws:s3:::my-bucket' is not an IAM principal ARN that a repository policy can name",
        "grant an IAM role, user or account root ARN",
    );
}

#[test]
fn a_repository_outside_a_stack() {
    let (app, prod) = app();
    EcrRepo::new(&prod, "FlaskApp", EcrRepoProps::default()).unwrap();
    let err = error_text(app.synth());
    assert!(err.contains("prod/FlaskApp: an EcrRepo must be created inside a stack"), "{err}");
}
