//! The model-checked CloudFormation endpoint itself: the real client's requests pass the
//! model and parse the cited examples; requests that break the model are refused and recorded.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use aws_sdk_cloudformation::types::{ChangeSetType, ResourceToImport, StackResourceDriftStatus};
use common::aws_model::AwsModel;
use common::cfn_examples;
use stackwright_deploy::aws::Aws;

async fn client(model: &AwsModel) -> aws_sdk_cloudformation::Client {
    let aws = Aws::new(common::aws_options(&model.endpoint()));
    aws.region("us-east-1").await.cloudformation.clone()
}

/// A hand-made query POST (signed-looking), for requests the real client would not send.
fn post(model: &AwsModel, form: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", model.port)).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cloudformation/aws4_request\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let code = out.split_whitespace().nth(1).unwrap().parse().unwrap();
    (code, out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

#[tokio::test]
async fn the_real_client_passes_the_model_and_parses_the_cited_examples() {
    let model = AwsModel::start()
        .answer("DetectStackDrift", cfn_examples::detect_stack_drift("2f2b2d60-df86-11e7-bea1-500c2865f6e5"))
        .answer("DescribeStackResourceDrifts", cfn_examples::stack_resource_drifts("app-queue"));
    let cfn = client(&model).await;

    let out = cfn.detect_stack_drift().stack_name("app-queue").logical_resource_ids("Queue").send().await.unwrap();
    assert_eq!(out.stack_drift_detection_id(), Some("2f2b2d60-df86-11e7-bea1-500c2865f6e5"));

    let out = cfn
        .describe_stack_resource_drifts()
        .stack_name("app-queue")
        .stack_resource_drift_status_filters(StackResourceDriftStatus::Modified)
        .stack_resource_drift_status_filters(StackResourceDriftStatus::Deleted)
        .send()
        .await
        .unwrap();
    let drift = &out.stack_resource_drifts()[0];
    assert_eq!(drift.stack_resource_drift_status(), Some(&StackResourceDriftStatus::Modified));
    let paths: Vec<_> = drift.property_differences().iter().filter_map(|d| d.property_path()).collect();
    assert_eq!(paths, ["/DelaySeconds", "/RedrivePolicy/maxReceiveCount"]);

    model.assert_clean();
    let requests = model.requests();
    assert_eq!(requests[0].param("StackName"), Some("app-queue"));
    assert_eq!(requests[0].list("LogicalResourceIds"), ["Queue"]);
    assert_eq!(requests[1].list("StackResourceDriftStatusFilters"), ["MODIFIED", "DELETED"]);
}

#[tokio::test]
async fn an_import_change_set_is_checked_member_by_member() {
    // The flattened names s24-move's import sends: a list of structures holding a map.
    let model = AwsModel::start().answer(
        "CreateChangeSet",
        common::aws_model::response(
            "CreateChangeSet",
            "<Id>arn:aws:cloudformation:us-east-1:012345678910:changeSet/import/1</Id>",
        ),
    );
    let cfn = client(&model).await;
    let resource = ResourceToImport::builder()
        .resource_type("AWS::S3::Bucket")
        .logical_resource_id("Logs")
        .resource_identifier("BucketName", "existing-logs")
        .build();
    cfn.create_change_set()
        .stack_name("app-data")
        .change_set_name("import-1")
        .change_set_type(ChangeSetType::Import)
        .template_body("{}")
        .resources_to_import(resource)
        .send()
        .await
        .unwrap();
    model.assert_clean();
    let r = &model.requests()[0];
    assert_eq!(r.param("ChangeSetType"), Some("IMPORT"));
    assert_eq!(r.param("ResourcesToImport.member.1.ResourceType"), Some("AWS::S3::Bucket"));
    assert_eq!(r.param("ResourcesToImport.member.1.ResourceIdentifier.entry.1.key"), Some("BucketName"));
    assert_eq!(r.param("ResourcesToImport.member.1.ResourceIdentifier.entry.1.value"), Some("existing-logs"));
}

#[tokio::test]
async fn a_stack_refactor_is_checked_through_nested_structures() {
    use aws_sdk_cloudformation::types::{ResourceLocation, ResourceMapping, StackDefinition};
    let model = AwsModel::start().answer(
        "CreateStackRefactor",
        common::aws_model::response(
            "CreateStackRefactor",
            "<StackRefactorId>9c7d6fd7-1d9a-4e7c-9b2d-example</StackRefactorId>",
        ),
    );
    let cfn = client(&model).await;
    let at = |stack: &str, id: &str| ResourceLocation::builder().stack_name(stack).logical_resource_id(id).build();
    let out = cfn
        .create_stack_refactor()
        .stack_definitions(StackDefinition::builder().stack_name("app-old").template_body("{}").build())
        .stack_definitions(StackDefinition::builder().stack_name("app-new").template_body("{}").build())
        .resource_mappings(
            ResourceMapping::builder().source(at("app-old", "Queue")).destination(at("app-new", "Queue")).build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.stack_refactor_id(), Some("9c7d6fd7-1d9a-4e7c-9b2d-example"));
    model.assert_clean();
    let r = &model.requests()[0];
    assert_eq!(r.param("StackDefinitions.member.2.StackName"), Some("app-new"));
    assert_eq!(r.param("ResourceMappings.member.1.Destination.LogicalResourceId"), Some("Queue"));
}

#[tokio::test]
async fn the_client_sees_a_model_violation_as_a_validation_error() {
    // Five filters: the model allows at most four (the client does not check list lengths).
    let model = AwsModel::start().answer("DescribeStackResourceDrifts", cfn_examples::no_stack_resource_drifts());
    let cfn = client(&model).await;
    let mut call = cfn.describe_stack_resource_drifts().stack_name("app");
    for s in ["MODIFIED", "DELETED", "IN_SYNC", "NOT_CHECKED", "UNKNOWN"] {
        call = call.stack_resource_drift_status_filters(StackResourceDriftStatus::from(s));
    }
    let err = call.send().await.unwrap_err();
    let err = aws_sdk_cloudformation::error::DisplayErrorContext(&err).to_string();
    assert!(err.contains("ValidationError") && err.contains("the model's maximum is 4"), "{err}");
    assert_eq!(model.violations().len(), 1, "{:?}", model.violations());
}

#[test]
fn requests_that_break_the_model_are_refused_and_recorded() {
    let model = AwsModel::start().answer("DetectStackDrift", cfn_examples::detect_stack_drift("x"));
    let cases = [
        ("Action=DetectStackDrift&Version=2010-05-15", "the required member StackName is missing"),
        ("Action=DetectStackDrift&Version=2010-05-15&StackName=a&Bogus=1", "Bogus is not a member"),
        ("Action=DetectStackDrift&Version=2010-05-16&StackName=a", "Version is \"2010-05-16\""),
        ("Action=DetectStackDrift&Version=2010-05-15&StackName=", "the model's minimum is 1"),
        ("Action=DetectStackDrift&Version=2010-05-15&StackName=a&LogicalResourceIds.member.2=Q", "numbered {2}"),
        ("Action=DetectStackDrifts&Version=2010-05-15&StackName=a", "no operation \"DetectStackDrifts\""),
        (
            "Action=CreateChangeSet&Version=2010-05-15&StackName=a&ChangeSetName=c&ChangeSetType=ADOPT",
            "ChangeSetType=\"ADOPT\" is not one of ChangeSetType's values",
        ),
        (
            "Action=CreateChangeSet&Version=2010-05-15&StackName=a&ChangeSetName=c&ResourcesToImport.member.1.ResourceType=AWS%3A%3AS3%3A%3ABucket",
            "ResourcesToImport.member.1.LogicalResourceId is missing",
        ),
        (
            "Action=DescribeStackResourceDrifts&Version=2010-05-15&StackName=a&MaxResults=500",
            "MaxResults=500 is outside",
        ),
    ];
    for (form, expected) in cases {
        let (code, body) = post(&model, form);
        assert_eq!(code, 400, "{form}: {body}");
        assert!(body.contains("<Code>ValidationError</Code>") && body.contains(expected), "{form}: {body}");
    }
    assert_eq!(model.violations().len(), cases.len());
    // A valid request the test gave no answer for is not a violation, but it is reported.
    let (code, _) = post(&model, "Action=DescribeStacks&Version=2010-05-15&StackName=a");
    assert_eq!(code, 400);
    assert_eq!(model.unanswered().len(), 1);
}

#[test]
fn answers_are_served_in_order_and_per_parameter() {
    let model = AwsModel::start()
        .answer("DescribeStackDriftDetectionStatus", cfn_examples::drift_detection_in_progress("a", "d"))
        .answer("DescribeStackDriftDetectionStatus", cfn_examples::drift_detection_status("a", "d", true))
        .answer_when("DescribeStacks", "StackName", "a", cfn_examples::describe_stacks("a"))
        .fail("DescribeStacks", Some(("StackName", "b")), 400, "ValidationError", "Stack with id b does not exist");
    let status = |body: &str| body.contains("DETECTION_IN_PROGRESS");
    let form = "Action=DescribeStackDriftDetectionStatus&Version=2010-05-15&StackDriftDetectionId=d";
    assert!(status(&post(&model, form).1));
    assert!(!status(&post(&model, form).1));
    assert!(!status(&post(&model, form).1), "the last answer repeats");
    assert!(
        post(&model, "Action=DescribeStacks&Version=2010-05-15&StackName=a").1.contains("<StackName>a</StackName>")
    );
    let (code, body) = post(&model, "Action=DescribeStacks&Version=2010-05-15&StackName=b");
    assert!(code == 400 && body.contains("Stack with id b does not exist"), "{body}");
    model.assert_clean();
}
