//! Import change sets through the real `aws-sdk-cloudformation` client, against the local
//! endpoint that checks every request against the service model and answers with the API
//! reference's examples (no emulator implements `IMPORT` change sets): an import into a new
//! stack sends one `IMPORT` change set with the declared identifier; an import that comes with
//! other changes is split into an `IMPORT` change set, then an `UPDATE` one.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::aws_model::{AwsModel, ModelRequest};
use common::cfn_examples as ex;
use stackwright_core::{Account, AnyResource, App, DeletionPolicy, RawResource, Region, Resource};
use stackwright_deploy::cfn::{Action, Approver};
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

const STACK: &str = "adopt-prod-ci";

/// A stack with an existing role to adopt; `with_queue` adds a new resource beside it.
fn synth(with_queue: bool, dir: &Path) -> Arc<Assembly> {
    let app = App::new("adopt");
    let stack = app.environment("prod", Account::new("012345678910").unwrap(), Region::UsEast1).stack("ci");
    let role = Resource::new(
        &stack,
        "Deployer",
        RawResource::new("AWS::IAM::Role")
            .with("RoleName", "legacy-deployer")
            .with("AssumeRolePolicyDocument", serde_json::json!({"Version": "2012-10-17", "Statement": []})),
    )
    .unwrap();
    role.set_deletion_policy(DeletionPolicy::Retain);
    AnyResource::find(&stack, "Deployer").unwrap().import_existing_unchecked([("RoleName", "legacy-deployer")]);
    Resource::new(&stack, "Alerts", RawResource::new("AWS::SNS::Topic")).unwrap();
    if with_queue {
        Resource::new(&stack, "Jobs", RawResource::new("AWS::SQS::Queue")).unwrap();
    }
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

fn runtime(endpoint: &str) -> Runtime {
    let mut rt = Runtime::new(common::aws_options(endpoint), ProgressMode::Plain);
    rt.cfn.poll = Duration::from_millis(10);
    rt.cfn.max_poll = Duration::from_millis(20);
    rt.cfn.yes = true;
    rt
}

fn creates(model: &AwsModel) -> Vec<ModelRequest> {
    model.requests().into_iter().filter(|r| r.action == "CreateChangeSet").collect()
}

fn template_of(request: &ModelRequest) -> serde_json::Value {
    serde_json::from_str(request.param("TemplateBody").unwrap()).unwrap()
}

async fn deploy(model: &AwsModel, assembly: &Assembly) -> stackwright_deploy::cfn::Deployed {
    let rt = runtime(&model.endpoint());
    let entry = assembly.stack("prod-ci").unwrap();
    let body = assembly.template(entry).unwrap();
    let approver = Approver::default();
    rt.with_engine(assembly, "prod-ci", async |e| e.deploy(&body, &BTreeMap::new(), &approver).await).await.unwrap()
}

#[tokio::test]
async fn an_import_into_a_new_stack_then_an_update_for_the_other_resources() {
    let (code, kind, message) = ex::no_such_stack(STACK);
    let model = AwsModel::start()
        .fail("DescribeStacks", None, code, kind, &message)
        .answer("DescribeStacks", ex::describe_stacks_in(STACK, "REVIEW_IN_PROGRESS"))
        .answer("DescribeStacks", ex::describe_stacks_in(STACK, "IMPORT_COMPLETE"))
        .answer("DescribeStacks", ex::describe_stacks_in(STACK, "UPDATE_COMPLETE"))
        .answer("CreateChangeSet", ex::create_change_set(STACK, "import"))
        .answer(
            "DescribeChangeSet",
            ex::describe_import_change_set(STACK, "import", &[("Deployer", "AWS::IAM::Role", "legacy-deployer")]),
        )
        .answer("DescribeChangeSet", ex::describe_add_change_set(STACK, "update", &[("Alerts", "AWS::SNS::Topic")]))
        .answer("GetTemplate", ex::get_template(r#"{"Resources": {"Deployer": {"Type": "AWS::IAM::Role"}}}"#))
        .answer("ExecuteChangeSet", ex::execute_change_set())
        .answer("DescribeStackEvents", ex::describe_stack_events(STACK, "e-1", "REVIEW_IN_PROGRESS"))
        .answer("DescribeStackEvents", ex::describe_stack_events(STACK, "e-2", "IMPORT_COMPLETE"))
        .answer("DescribeStackEvents", ex::describe_stack_events(STACK, "e-2", "IMPORT_COMPLETE"))
        .answer("DescribeStackEvents", ex::describe_stack_events(STACK, "e-3", "UPDATE_COMPLETE"))
        .answer("ListChangeSets", common::aws_model::response("ListChangeSets", "    <Summaries/>"));
    let dir = common::temp_dir("import-new");
    let deployed = deploy(&model, &synth(false, &dir)).await;

    model.assert_clean();
    let creates = creates(&model);
    let first = &creates[0];
    assert_eq!(first.param("ChangeSetType"), Some("IMPORT"), "{first:?}");
    assert_eq!(first.param("ResourcesToImport.member.1.LogicalResourceId"), Some("Deployer"));
    assert_eq!(first.param("ResourcesToImport.member.1.ResourceType"), Some("AWS::IAM::Role"));
    assert_eq!(first.param("ResourcesToImport.member.1.ResourceIdentifier.entry.1.key"), Some("RoleName"));
    assert_eq!(first.param("ResourcesToImport.member.1.ResourceIdentifier.entry.1.value"), Some("legacy-deployer"));
    let import_template = template_of(first);
    let ids: Vec<&String> = import_template["Resources"].as_object().unwrap().keys().collect();
    assert_eq!(ids, ["Deployer"], "the import change set carries only the imported resource");
    assert_eq!(import_template["Resources"]["Deployer"]["DeletionPolicy"], "Retain");
    // The topic makes an update follow, with the program's whole template.
    let second = creates.get(1).expect("an update after the import");
    assert_eq!(second.param("ChangeSetType"), Some("UPDATE"), "{second:?}");
    let ids: Vec<String> = template_of(second)["Resources"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(ids, ["Deployer", "Alerts"]);
    assert_eq!(deployed.action, Action::Created);
    assert_eq!(deployed.changes[0].action, "Import", "{:?}", deployed.changes);
    assert!(
        deployed.notes.iter().any(|n| n.contains("imported Deployer with an import change set, then updated")),
        "{:?}",
        deployed.notes
    );
    let actions = model.actions();
    let executes = actions.iter().filter(|a| *a == "ExecuteChangeSet").count();
    assert_eq!(executes, 2, "{actions:?}");
}

#[tokio::test]
async fn an_import_that_cannot_work_is_refused_before_anything_is_sent() {
    // An assembly whose imported role lost its DeletionPolicy (edited after synth, which
    // refuses it): the runtime reads the stack, plans, refuses, and sends nothing.
    let dir = common::temp_dir("import-refused");
    let assembly = synth(true, &dir);
    let entry = assembly.stack("prod-ci").unwrap();
    let mut template: serde_json::Value = serde_json::from_str(&assembly.template(entry).unwrap()).unwrap();
    template["Resources"]["Deployer"].as_object_mut().unwrap().remove("DeletionPolicy");
    std::fs::write(dir.join(&entry.template), serde_json::to_string(&template).unwrap()).unwrap();
    let assembly = Arc::new(Assembly::read(&dir).unwrap());
    let (code, kind, message) = ex::no_such_stack(STACK);
    let model = AwsModel::start().fail("DescribeStacks", None, code, kind, &message);
    let rt = runtime(&model.endpoint());
    let entry = assembly.stack("prod-ci").unwrap();
    let body = assembly.template(entry).unwrap();
    let approver = Approver::default();
    let err = rt
        .with_engine(&assembly, "prod-ci", async |e| e.deploy(&body, &BTreeMap::new(), &approver).await)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(err.contains("prod/ci/Deployer: an imported resource needs a DeletionPolicy"), "{err}");
    assert_eq!(model.actions(), ["DescribeStacks"], "only read before refusing");
    model.assert_clean();
}

#[tokio::test]
async fn a_deploy_checks_every_stacks_imports_before_it_changes_any_stack() {
    // The stack is deployed with the topic; the program imports a role that refers to a queue
    // the import cannot create.
    let app = App::new("adopt");
    let stack = app.environment("prod", Account::new("012345678910").unwrap(), Region::UsEast1).stack("ci");
    let queue = Resource::new(&stack, "Jobs", RawResource::new("AWS::SQS::Queue")).unwrap();
    let role = Resource::new(
        &stack,
        "Deployer",
        RawResource::new("AWS::IAM::Role")
            .with("RoleName", "legacy-deployer")
            .with("Description", queue.get_att::<String>("Arn")),
    )
    .unwrap();
    role.set_deletion_policy(DeletionPolicy::Retain);
    AnyResource::find(&stack, "Deployer").unwrap().import_existing_unchecked([("RoleName", "legacy-deployer")]);
    Resource::new(&stack, "Alerts", RawResource::new("AWS::SNS::Topic")).unwrap();
    let dir = common::temp_dir("import-check");
    app.synth_to(&dir).unwrap();
    let assembly = Assembly::read(&dir).unwrap();
    let model = AwsModel::start().answer("DescribeStacks", ex::describe_stacks(STACK)).answer(
        "GetTemplate",
        ex::get_template(r#"{"Resources": {"Alerts": {"Type": "AWS::SNS::Topic", "Properties": {}}}}"#),
    );
    let err = runtime(&model.endpoint()).check_imports(&assembly, &["prod-ci".into()]).await.unwrap_err().to_string();
    assert!(err.contains("cannot import into adopt-prod-ci; nothing was sent"), "{err}");
    assert!(err.contains("prod/ci/Deployer: the imported resource refers to Jobs, which is not deployed yet"), "{err}");
    assert_eq!(model.actions(), ["DescribeStacks", "GetTemplate"], "reads only");
    model.assert_clean();
}
