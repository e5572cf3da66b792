//! CloudFormation query responses for [`super::aws_model::AwsModel`], one function per
//! operation, each after the sample response of the operation's page in the AWS CloudFormation
//! API reference (cited above each). Only ids and names are parameters; the rest (statuses,
//! property paths, values, timestamps) is the example's, so the real client parses what AWS
//! documents and a test asserts what the example says.

use super::aws_model::response;

/// A stack id as CloudFormation forms it (the examples' account and region).
pub(crate) fn stack_id(name: &str) -> String {
    format!("arn:aws:cloudformation:us-east-1:012345678910:stack/{name}/489e5570-df85-11e7-a7d9-503acac5c0fd")
}

/// `DescribeStacks` of one stack in `CREATE_COMPLETE`, after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html>
/// (the example's `StartPage` output dropped: the drift command reads only id and status).
pub(crate) fn describe_stacks(name: &str) -> String {
    let id = stack_id(name);
    response(
        "DescribeStacks",
        &format!(
            "    <Stacks>
      <member>
        <StackName>{name}</StackName>
        <StackId>{id}</StackId>
        <CreationTime>2010-07-27T22:28:28Z</CreationTime>
        <StackStatus>CREATE_COMPLETE</StackStatus>
        <DisableRollback>false</DisableRollback>
        <DriftInformation>
          <StackDriftStatus>NOT_CHECKED</StackDriftStatus>
        </DriftInformation>
      </member>
    </Stacks>"
        ),
    )
}

/// `DetectStackDrift`, after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html>.
pub(crate) fn detect_stack_drift(detection_id: &str) -> String {
    response("DetectStackDrift", &format!("    <StackDriftDetectionId>{detection_id}</StackDriftDetectionId>"))
}

/// `DescribeStackDriftDetectionStatus`, after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackDriftDetectionStatus.html>:
/// `DETECTION_COMPLETE` with the stack `DRIFTED` (one drifted resource) when `drifted`, else
/// `IN_SYNC` (none).
pub(crate) fn drift_detection_status(name: &str, detection_id: &str, drifted: bool) -> String {
    let (status, count) = if drifted { ("DRIFTED", 1) } else { ("IN_SYNC", 0) };
    response(
        "DescribeStackDriftDetectionStatus",
        &format!(
            "    <StackId>{}</StackId>
    <StackDriftDetectionId>{detection_id}</StackDriftDetectionId>
    <StackDriftStatus>{status}</StackDriftStatus>
    <DetectionStatus>DETECTION_COMPLETE</DetectionStatus>
    <DriftedStackResourceCount>{count}</DriftedStackResourceCount>
    <Timestamp>2017-12-28T23:53:19.735Z</Timestamp>",
            stack_id(name)
        ),
    )
}

/// `DescribeStackDriftDetectionStatus` while the detection runs (the same page, with
/// `DetectionStatus` `DETECTION_IN_PROGRESS`, one of its documented values).
pub(crate) fn drift_detection_in_progress(name: &str, detection_id: &str) -> String {
    response(
        "DescribeStackDriftDetectionStatus",
        &format!(
            "    <StackId>{}</StackId>
    <StackDriftDetectionId>{detection_id}</StackDriftDetectionId>
    <DetectionStatus>DETECTION_IN_PROGRESS</DetectionStatus>
    <Timestamp>2017-12-28T23:53:19.735Z</Timestamp>",
            stack_id(name)
        ),
    )
}

/// `DescribeStackResourceDrifts` with the example's drifted queue, after the sample response
/// of <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResourceDrifts.html>:
/// the `AWS::SQS::Queue` `Queue` is `MODIFIED`, `DelaySeconds` expected 20 and actually 120,
/// and the redrive policy's `maxReceiveCount` expected 5 and actually 12.
pub(crate) fn stack_resource_drifts(name: &str) -> String {
    let id = stack_id(name);
    response(
        "DescribeStackResourceDrifts",
        &format!(
            r#"    <StackResourceDrifts>
      <member>
        <StackId>{id}</StackId>
        <LogicalResourceId>Queue</LogicalResourceId>
        <PhysicalResourceId>https://sqs.us-east-1.amazonaws.com/012345678910/{name}-Queue-494PBHCO76H4</PhysicalResourceId>
        <ResourceType>AWS::SQS::Queue</ResourceType>
        <StackResourceDriftStatus>MODIFIED</StackResourceDriftStatus>
        <ExpectedProperties>{{"DelaySeconds":20,"RedrivePolicy":{{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:012345678910:DLQ","maxReceiveCount":5}},"VisibilityTimeout":60}}</ExpectedProperties>
        <ActualProperties>{{"DelaySeconds":120,"RedrivePolicy":{{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:012345678910:DLQ","maxReceiveCount":12}},"VisibilityTimeout":60}}</ActualProperties>
        <PropertyDifferences>
          <member>
            <PropertyPath>/DelaySeconds</PropertyPath>
            <ExpectedValue>20</ExpectedValue>
            <ActualValue>120</ActualValue>
            <DifferenceType>NOT_EQUAL</DifferenceType>
          </member>
          <member>
            <PropertyPath>/RedrivePolicy/maxReceiveCount</PropertyPath>
            <ExpectedValue>5</ExpectedValue>
            <ActualValue>12</ActualValue>
            <DifferenceType>NOT_EQUAL</DifferenceType>
          </member>
        </PropertyDifferences>
        <Timestamp>2017-12-28T23:53:21.813Z</Timestamp>
      </member>
    </StackResourceDrifts>"#
        ),
    )
}

/// `DescribeStackResourceDrifts` with no resource matching the filters (an in-sync stack):
/// the same page's response, with an empty `StackResourceDrifts` list.
pub(crate) fn no_stack_resource_drifts() -> String {
    response("DescribeStackResourceDrifts", "    <StackResourceDrifts/>")
}

/// The error CloudFormation answers for a stack that does not exist (HTTP 400,
/// `ValidationError`), as documented under Common Errors of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html>.
pub(crate) fn no_such_stack(name: &str) -> (u16, &'static str, String) {
    (400, "ValidationError", format!("Stack with id {name} does not exist"))
}
