//! The ready-made platform rules of `stackwright::assertions::rules`: each rule failing on a
//! program that breaks it, with the text users read, and the reference platform passing.

#[allow(dead_code)]
#[path = "../examples/orders.rs"]
mod orders;
#[allow(dead_code)] // the examples' `main` is not called here
#[path = "../examples/prod.rs"]
mod prod;
#[allow(dead_code)]
#[path = "../examples/team_topic.rs"]
mod team_topic;
#[allow(dead_code)]
#[path = "../examples/workloads.rs"]
mod workloads;

use stackwright::assertions::rules::{self, PlatformRules};
use stackwright::assertions::{AssertionError, Violation};
use stackwright::constructs::record_wildcard_reasons;
use stackwright::core::Assembly;
use stackwright::prelude::*;

/// The controller images of the reference platform, pinned by upstream release tag: their
/// digests could not be resolved where it was built (no registry access; prometheus-adapter's
/// release manifests publish none) — the same exception, with the same reason, as the
/// repository's checkov-skip.txt (CKV_K8S_43).
const NO_DIGEST: &str = "upstream release tag: no registry access to resolve its digest where this was built; \
                         pin one with EksClusterProps::controller_images / CustomMetricsAdapterProps::image";

fn controller_exceptions() -> PlatformRules {
    PlatformRules::new()
        .allow_unpinned_images("public.ecr.aws/eks/aws-load-balancer-controller:", NO_DIGEST)
        .allow_unpinned_images("registry.k8s.io/autoscaling/cluster-autoscaler:", NO_DIGEST)
        .allow_unpinned_images("registry.k8s.io/prometheus-adapter/prometheus-adapter:", NO_DIGEST)
        .allow_unpinned_images("registry.k8s.io/ingress-nginx/kube-webhook-certgen:", NO_DIGEST)
}

fn violations(result: Result<(), AssertionError>) -> Vec<Violation> {
    match result {
        Err(AssertionError::Rules(v)) => v,
        other => panic!("expected violations, got {other:?}"),
    }
}

#[test]
fn the_reference_platform_passes_every_rule_with_its_controller_images_excepted() {
    let assembly = prod::build().unwrap().synth().unwrap();
    controller_exceptions().check(&assembly).unwrap();
    rules::no_custom_resources(&assembly).unwrap();
    rules::iam_wildcards_have_reasons(&assembly).unwrap();
    rules::log_groups_have_retention(&assembly).unwrap();

    // Without the exceptions exactly the controllers' tags are reported; the Flask app's tag
    // (an ECR repository with immutable tags) and the monitoring images (digests) pass.
    let unpinned = violations(rules::images_pinned(&assembly));
    let mut images: Vec<&str> =
        unpinned.iter().map(|v| v.message.split('\'').nth(3).expect("the image is quoted")).collect();
    images.sort_unstable();
    images.dedup();
    assert_eq!(
        images,
        [
            "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0",
            "registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1",
            "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9",
            "registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0",
        ]
    );
    let lb = unpinned.iter().find(|v| v.message.contains("aws-load-balancer-controller:")).unwrap();
    assert!(
        lb.subject.starts_with("Deployment kube-system/aws-load-balancer-controller of prod/cluster/Cluster"),
        "{lb:?}"
    );
    assert!(
        lb.message.ends_with(
            "a tag that can move: pin a digest (ImageReference::Digest), or use an ECR repository with immutable tags"
        ),
        "{lb:?}"
    );
}

/// Every wildcard of the library's constructs (and of the user-written construct of
/// `team_topic`) carries its recorded reason, in every example; none deploys a custom resource
/// or a log group without retention.
#[test]
fn every_example_records_its_wildcard_reasons() {
    for (name, build) in [
        ("orders", orders::build as fn() -> stackwright::Result<App>),
        ("workloads", workloads::build),
        ("team_topic", team_topic::build),
    ] {
        let assembly = build().unwrap().synth().unwrap();
        for rule in [rules::iam_wildcards_have_reasons, rules::no_custom_resources, rules::log_groups_have_retention] {
            if let Err(e) = rule(&assembly) {
                panic!("{name}: {e}");
            }
        }
    }
}

/// One stack `dev-app` holding what `add` adds.
fn synth(add: impl FnOnce(&Stack)) -> Assembly {
    let app = App::new("demo");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1);
    let stack = dev.stack("app");
    add(&stack);
    app.synth().unwrap()
}

#[test]
fn a_custom_resource_is_refused_with_its_service_token() {
    let assembly = synth(|stack| {
        Resource::new(
            stack,
            "Cleanup",
            RawResource::new("Custom::EmptyBucket")
                .with("ServiceToken", "arn:aws:lambda:eu-west-1:123456789012:function:empty-bucket"),
        )
        .unwrap();
    });
    let found = violations(rules::no_custom_resources(&assembly));
    assert_eq!(
        AssertionError::Rules(found).to_string(),
        "1 platform rule violation(s):\n  [no-custom-resources] dev/app/Cleanup (Custom::EmptyBucket Cleanup in stack \
         dev-app): a custom resource (ServiceToken \"arn:aws:lambda:eu-west-1:123456789012:function:empty-bucket\") \
         runs code the platform must deploy and keep: use a CloudFormation resource type, or an AWS-owned runbook \
         (AWS::SSM::Association)"
    );
}

#[test]
fn an_iam_wildcard_passes_only_with_its_reason_recorded() {
    let document = PolicyDocument::new([
        Statement::allow(["ec2:DescribeInstances"], ["*"])
            .allow_wildcard("Describe calls have no resource-level permissions"),
        Statement::allow(["s3:*"], ["arn:aws:s3:::logs/*"])
            .sid("AllOfS3")
            .allow_wildcard("the log bucket is this app's own"),
    ]);
    // Built by hand (a raw resource), the policy carries no reason: both statements fail.
    let bare = synth(|stack| {
        Resource::new(
            stack,
            "Policy",
            RawResource::new("AWS::IAM::ManagedPolicy").with("PolicyDocument", document.to_value()),
        )
        .unwrap();
    });
    let found = violations(rules::iam_wildcards_have_reasons(&bare));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].subject, "dev/app/Policy (AWS::IAM::ManagedPolicy Policy in stack dev-app)");
    assert_eq!(
        found[0].message,
        "the statement at /Properties/PolicyDocument/Statement/0 allows every resource ('*') with no recorded reason: \
         scope it, or give Statement::allow_wildcard(reason) and record it with record_wildcard_reasons \
         (Metadata stackwright:wildcards)"
    );
    assert!(
        found[1]
            .message
            .starts_with("the statement at /Properties/PolicyDocument/Statement/1 (AllOfS3) allows the action 's3:*'")
    );

    // Recorded where the document is rendered, both reasons are read.
    let recorded = synth(|stack| {
        let policy = Resource::new(
            stack,
            "Policy",
            RawResource::new("AWS::IAM::ManagedPolicy").with("PolicyDocument", document.to_value()),
        )
        .unwrap();
        record_wildcard_reasons(policy.node(), [(&document, "/Properties/PolicyDocument")]);
    });
    rules::iam_wildcards_have_reasons(&recorded).unwrap();

    // A deny, a resource policy's '*' (the resource itself) and a prefix pattern are not wildcards.
    let fine = synth(|stack| {
        let mut key_use = Statement::trust(Principal::Service("logs.amazonaws.com".into()), "kms:GenerateDataKey*");
        key_use.resources.push("*".into());
        let doc = PolicyDocument::new([key_use, Statement::allow(["*"], ["*"]).deny()]);
        Resource::new(stack, "Key", RawResource::new("AWS::KMS::Key").with("KeyPolicy", doc.to_value())).unwrap();
    });
    rules::iam_wildcards_have_reasons(&fine).unwrap();
}

#[test]
fn a_log_group_without_retention_is_reported_and_an_exception_needs_a_reason() {
    let assembly = synth(|stack| {
        Resource::new(stack, "Kept", RawResource::new("AWS::Logs::LogGroup").with("RetentionInDays", 30)).unwrap();
        Resource::new(stack, "Forever", RawResource::new("AWS::Logs::LogGroup")).unwrap();
    });
    let text = PlatformRules::new().allow_unpinned_images("docker.io/", " ").check(&assembly).unwrap_err().to_string();
    assert_eq!(
        text,
        "2 platform rule violation(s):\n  \
         [log-groups-have-retention] dev/app/Forever (AWS::Logs::LogGroup Forever in stack dev-app): keeps its logs \
         forever (no RetentionInDays): set a retention\n  \
         [images-pinned] the exception for images 'docker.io/*': has no reason: say why these images cannot be pinned"
    );
}
