//! Imports declared in the program, checked offline: the type must be importable, the
//! identifier exactly the type's primaryIdentifier, the resource must have a DeletionPolicy;
//! each problem names the resource's path and a fix.

use stackwright_cfn::ImportExisting;
use stackwright_core::{
    Account, AnyResource, App, Construct, DeletionPolicy, Error, RawResource, Region, Resource, Stack,
};

fn stack() -> (App, Stack) {
    let app = App::new("demo");
    let stack = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1).stack("ci");
    (app, stack)
}

fn problems(app: &App) -> String {
    match app.synth() {
        Err(Error::Invalid(d)) => d.to_string(),
        other => panic!("expected synth problems, got {:?}", other.map(|a| a.manifest)),
    }
}

#[test]
fn an_import_with_the_primary_identifier_and_a_deletion_policy_is_recorded() {
    let (app, stack) = stack();
    let route = Resource::new(&stack, "DefaultRoute", RawResource::new("AWS::EC2::Route")).unwrap();
    route.set_deletion_policy(DeletionPolicy::Retain);
    // A composite identifier, in any order.
    route.import_existing([("CidrBlock", "0.0.0.0/0"), ("RouteTableId", "rtb-0a1b2c3d4e5f60001")]).unwrap();
    // A construct whose default child is the resource.
    let repo = stack.node().add_child("Repo").unwrap();
    let inner = Resource::new(&repo, "Resource", RawResource::new("AWS::ECR::Repository")).unwrap();
    inner.set_deletion_policy(DeletionPolicy::RetainExceptOnCreate);
    repo.import_existing([("RepositoryName", "shop/api")]).unwrap();
    let assembly = app.synth().unwrap();
    let imports = &assembly.manifest.stacks[0].imports;
    let summary: Vec<(&str, &str, &str)> =
        imports.iter().map(|i| (i.logical_id.as_str(), i.resource_type.as_str(), i.path.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("DefaultRoute", "AWS::EC2::Route", "prod/ci/DefaultRoute"),
            ("Repo", "AWS::ECR::Repository", "prod/ci/Repo/Resource")
        ]
    );
    assert_eq!(imports[1].identifier["RepositoryName"], "shop/api");
    let manifest = assembly.manifest_json();
    assert!(manifest.contains("\"imports\""), "{manifest}");
}

#[test]
fn a_wrong_identifier_or_an_unimportable_type_is_refused_when_declared() {
    let (_app, stack) = stack();
    let role = Resource::new(&stack, "Role", RawResource::new("AWS::IAM::Role")).unwrap();
    let err = role.import_existing([("Arn", "arn:aws:iam::123456789012:role/x")]).unwrap_err().to_string();
    assert!(err.contains("prod/ci/Role: AWS::IAM::Role is identified by RoleName"), "{err}");
    assert!(err.contains("give exactly RoleName"), "{err}");
    let err = role.import_existing([("RoleName", "")]).unwrap_err().to_string();
    assert!(err.contains("RoleName is empty"), "{err}");
    let policy = Resource::new(&stack, "Policy", RawResource::new("AWS::IAM::Policy")).unwrap();
    let err = policy.import_existing([("Id", "x")]).unwrap_err().to_string();
    assert!(err.contains("CloudFormation cannot import AWS::IAM::Policy"), "{err}");
    let bucket = Resource::new(&stack, "Bucket", RawResource::new("AWS::S3::Bucket")).unwrap();
    let err = bucket.import_existing([("BucketName", "b")]).unwrap_err().to_string();
    assert!(err.contains("ships no registry schema"), "{err}");
    let group = stack.node().add_child("Group").unwrap();
    let err = group.import_existing([("RoleName", "x")]).unwrap_err().to_string();
    assert!(err.contains("not a CloudFormation resource"), "{err}");
}

#[test]
fn synth_refuses_an_import_without_a_deletion_policy_and_unchecked_unimportable_types() {
    let (app, stack) = stack();
    let role = Resource::new(&stack, "Role", RawResource::new("AWS::IAM::Role")).unwrap();
    role.import_existing([("RoleName", "legacy")]).unwrap();
    let budget = Resource::new(&stack, "Budget", RawResource::new("AWS::Budgets::Budget")).unwrap();
    budget.set_deletion_policy(DeletionPolicy::Retain);
    AnyResource::find(&stack, "Budget").unwrap().import_existing_unchecked([("BudgetName", "b")]);
    let text = problems(&app);
    assert!(text.contains("prod/ci/Role: an imported resource needs a DeletionPolicy"), "{text}");
    assert!(text.contains("set_deletion_policy(DeletionPolicy::Retain)"), "{text}");
    assert!(
        text.contains(
            "prod/ci/Budget: the resource cannot be imported: CloudFormation cannot import AWS::Budgets::Budget"
        ),
        "{text}"
    );
}
