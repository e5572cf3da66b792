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
/// (without the example's `StartPage` output).
pub(crate) fn describe_stacks(name: &str) -> String {
    describe_stacks_with_outputs(name, &[])
}

/// The same response with the stack's outputs (the example's `Outputs` member, with the
/// given keys and values: a cluster's connection data, say).
pub(crate) fn describe_stacks_with_outputs(name: &str, outputs: &[(&str, &str)]) -> String {
    let id = stack_id(name);
    let outputs: String = outputs
        .iter()
        .map(|(k, v)| {
            format!(
                "\n          <member>\n            <OutputKey>{k}</OutputKey>\n            <OutputValue>{v}</OutputValue>\n          </member>"
            )
        })
        .collect();
    let outputs =
        if outputs.is_empty() { String::new() } else { format!("\n        <Outputs>{outputs}\n        </Outputs>") };
    response(
        "DescribeStacks",
        &format!(
            "    <Stacks>
      <member>
        <StackName>{name}</StackName>
        <StackId>{id}</StackId>
        <CreationTime>2010-07-27T22:28:28Z</CreationTime>
        <StackStatus>CREATE_COMPLETE</StackStatus>
        <DisableRollback>false</DisableRollback>{outputs}
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

/// `DescribeStacks` of one stack in `status` (such as `REVIEW_IN_PROGRESS` while a first
/// change set waits, `IMPORT_COMPLETE` after an import), after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html>.
pub(crate) fn describe_stacks_in(name: &str, status: &str) -> String {
    describe_stacks(name)
        .replace("<StackStatus>CREATE_COMPLETE</StackStatus>", &format!("<StackStatus>{status}</StackStatus>"))
}

/// The change set id of the examples below.
pub(crate) fn change_set_id(name: &str) -> String {
    format!("arn:aws:cloudformation:us-east-1:012345678910:changeSet/{name}/1a2345b6-0000-00a0-a123-00abc0abc000")
}

/// `CreateChangeSet`, after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html>.
pub(crate) fn create_change_set(stack: &str, change_set: &str) -> String {
    response(
        "CreateChangeSet",
        &format!("    <Id>{}</Id>\n    <StackId>{}</StackId>", change_set_id(change_set), stack_id(stack)),
    )
}

/// `DescribeChangeSet` of an `IMPORT` change set that is ready, one `Import` change per
/// `(logical id, type, physical id)`, after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html>
/// (its `Modify` change replaced by `Import` changes, as the "Import AWS resources into a
/// CloudFormation stack manually" page of the User Guide shows them).
pub(crate) fn describe_import_change_set(stack: &str, change_set: &str, imported: &[(&str, &str, &str)]) -> String {
    let changes: String = imported
        .iter()
        .map(|(logical, kind, physical)| {
            format!(
                "      <member>
        <ResourceChange>
          <Action>Import</Action>
          <LogicalResourceId>{logical}</LogicalResourceId>
          <PhysicalResourceId>{physical}</PhysicalResourceId>
          <ResourceType>{kind}</ResourceType>
          <Scope/>
          <Details/>
        </ResourceChange>
        <Type>Resource</Type>
      </member>\n"
            )
        })
        .collect();
    response(
        "DescribeChangeSet",
        &format!(
            "    <ChangeSetName>{change_set}</ChangeSetName>
    <ChangeSetId>{}</ChangeSetId>
    <StackId>{}</StackId>
    <StackName>{stack}</StackName>
    <CreationTime>2016-03-17T23:35:25.813Z</CreationTime>
    <ExecutionStatus>AVAILABLE</ExecutionStatus>
    <Status>CREATE_COMPLETE</Status>
    <NotificationARNs/>
    <Capabilities/>
    <Changes>
{changes}    </Changes>",
            change_set_id(change_set),
            stack_id(stack)
        ),
    )
}

/// `ExecuteChangeSet` (its result is empty), after
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html>.
pub(crate) fn execute_change_set() -> String {
    response("ExecuteChangeSet", "")
}

/// `DescribeStackEvents` with the stack's own event `status`, after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html>.
pub(crate) fn describe_stack_events(stack: &str, event_id: &str, status: &str) -> String {
    response(
        "DescribeStackEvents",
        &format!(
            "    <StackEvents>
      <member>
        <EventId>{event_id}</EventId>
        <StackName>{stack}</StackName>
        <LogicalResourceId>{stack}</LogicalResourceId>
        <PhysicalResourceId>{}</PhysicalResourceId>
        <StackId>{}</StackId>
        <ResourceType>AWS::CloudFormation::Stack</ResourceType>
        <Timestamp>2010-07-27T22:27:28Z</Timestamp>
        <ResourceStatus>{status}</ResourceStatus>
      </member>
    </StackEvents>",
            stack_id(stack),
            stack_id(stack)
        ),
    )
}

/// `DescribeChangeSet` of an `UPDATE` change set that is ready, one `Add` per `(logical id,
/// type)`, after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html>.
pub(crate) fn describe_add_change_set(stack: &str, change_set: &str, added: &[(&str, &str)]) -> String {
    let imported: Vec<(&str, &str, &str)> = added.iter().map(|(l, t)| (*l, *t, "")).collect();
    describe_import_change_set(stack, change_set, &imported)
        .replace("<Action>Import</Action>", "<Action>Add</Action>")
        .replace("          <PhysicalResourceId></PhysicalResourceId>\n", "")
}

/// `GetTemplate` answering `template` (as JSON text), after the sample response of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html>.
pub(crate) fn get_template(template: &str) -> String {
    let body = template.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    response(
        "GetTemplate",
        &format!(
            "    <TemplateBody>{body}</TemplateBody>\n    <StagesAvailable>\n      <member>Original</member>\n      <member>Processed</member>\n    </StagesAvailable>"
        ),
    )
}

/// `CreateStackRefactor`, after
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackRefactor.html>
/// (its one response element, `StackRefactorId`; the id is the User Guide's example, "Refactor
/// a stack using the AWS CLI").
pub(crate) fn create_stack_refactor() -> String {
    response("CreateStackRefactor", "    <StackRefactorId>9c384f70-4e07-4ed7-a65d-fee5eb430841</StackRefactorId>")
}

/// `DescribeStackRefactor` of the two stacks in `status` / `execution` (`CREATE_COMPLETE` /
/// `AVAILABLE` once validated, `COMPLETE`-ish / `EXECUTE_COMPLETE` once executed), after
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackRefactor.html>
/// and the example output of `describe-stack-refactor` in the User Guide's "Stack refactoring".
pub(crate) fn describe_stack_refactor(stacks: &[&str], status: &str, execution: &str) -> String {
    let ids: String = stacks.iter().map(|s| format!("      <member>{}</member>\n", stack_id(s))).collect();
    response(
        "DescribeStackRefactor",
        &format!(
            "    <StackRefactorId>9c384f70-4e07-4ed7-a65d-fee5eb430841</StackRefactorId>
    <StackIds>
{ids}    </StackIds>
    <ExecutionStatus>{execution}</ExecutionStatus>
    <Status>{status}</Status>"
        ),
    )
}

/// `ExecuteStackRefactor` (no response elements), after
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteStackRefactor.html>.
pub(crate) fn execute_stack_refactor() -> String {
    response("ExecuteStackRefactor", "")
}
