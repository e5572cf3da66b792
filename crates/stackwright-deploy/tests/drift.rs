//! `drift`: CloudFormation drift detection per stack against the model-checked endpoint (the
//! real client parsing the API reference's examples), and Kubernetes drift in the fields the
//! field manager `stackwright` owns on the fake API server; the command's exit status.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{Container, Namespace, PodSpec, PodTemplateSpec, Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::json;
use stackwright_core::{Account, App, ExitStatus, RawResource, Region, Resource};
use stackwright_deploy::kubernetes::KubeOptions;
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use common::aws_model::AwsModel;
use common::cfn_examples as ex;
use common::fake_kube::FakeKube;

/// Two stacks: `queue` (an SQS queue, logical id `Queue` as in the API reference's example)
/// and `spare`, never deployed.
fn queue_app(dir: &Path) -> Arc<Assembly> {
    let app = App::new("shop");
    let dev = app.environment("dev", Account::new("012345678910").unwrap(), Region::UsEast1);
    let queue = dev.stack("queue");
    Resource::new(&queue, "Queue", RawResource::new("AWS::SQS::Queue").with("DelaySeconds", 20)).unwrap();
    let spare = dev.stack("spare");
    Resource::new(&spare, "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

fn stack_name(assembly: &Assembly, id: &str) -> String {
    assembly.stack(id).unwrap().stack_name.clone()
}

fn runtime(model: &AwsModel) -> Runtime {
    let mut rt = Runtime::new(common::aws_options(&model.endpoint()), ProgressMode::Capture);
    rt.check_account = false;
    rt.cfn.poll = Duration::from_millis(20);
    rt.cfn.max_poll = Duration::from_millis(50);
    rt.kube = KubeOptions {
        ready_timeout: Duration::from_secs(5),
        poll: Duration::from_millis(20),
        ..KubeOptions::default()
    };
    rt
}

/// The endpoint answering for the `queue` stack deployed (drifted or not) and `spare` not.
fn model_for(assembly: &Assembly, drifted: bool) -> AwsModel {
    let (queue, spare) = (stack_name(assembly, "dev-queue"), stack_name(assembly, "dev-spare"));
    let (status, code, message) = ex::no_such_stack(&spare);
    let detection = "2f2b2d60-df86-11e7-bea1-500c2865f6e5";
    AwsModel::start()
        .answer_when("DescribeStacks", "StackName", &queue, ex::describe_stacks(&queue))
        .fail("DescribeStacks", Some(("StackName", &spare)), status, code, &message)
        .answer("DetectStackDrift", ex::detect_stack_drift(detection))
        .answer("DescribeStackDriftDetectionStatus", ex::drift_detection_in_progress(&queue, detection))
        .answer("DescribeStackDriftDetectionStatus", ex::drift_detection_status(&queue, detection, drifted))
        .answer(
            "DescribeStackResourceDrifts",
            if drifted { ex::stack_resource_drifts(&queue) } else { ex::no_stack_resource_drifts() },
        )
}

#[tokio::test]
async fn a_drifted_stack_lists_its_modified_resources_and_a_stack_never_deployed_says_so() {
    let dir = common::temp_dir("drift-cfn");
    let assembly = queue_app(&dir);
    let model = model_for(&assembly, true);
    let rt = runtime(&model);
    let mut report = rt.drift(assembly.clone(), &[]).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));
    model.assert_clean();

    let queue = report.stacks.iter().find(|s| s.stack == "dev-queue").unwrap();
    assert_eq!(queue.status, "DRIFTED");
    let r = &queue.resources[0];
    assert_eq!((r.logical_id.as_str(), r.status.as_str()), ("Queue", "MODIFIED"));
    assert_eq!(r.path.as_deref(), Some("dev/queue/Queue"), "the construct path, from the assembly");
    let diffs: Vec<_> =
        r.differences.iter().map(|d| (d.property.as_str(), d.expected.as_str(), d.actual.as_str())).collect();
    assert_eq!(diffs, [("/DelaySeconds", "20", "120"), ("/RedrivePolicy/maxReceiveCount", "5", "12")]);
    let spare = report.stacks.iter().find(|s| s.stack == "dev-spare").unwrap();
    assert_eq!((spare.status.as_str(), spare.resources.len()), ("NOT_DEPLOYED", 0));
    assert!(report.drifted());

    let text = report.render_styled(false);
    assert!(text.contains("Stack dev-queue ("), "{text}");
    assert!(text.contains("drifted, 1 resource(s) not in sync"), "{text}");
    assert!(text.contains("~ Queue (AWS::SQS::Queue) dev/queue/Queue: modified"), "{text}");
    assert!(text.contains("/DelaySeconds: expected 20, actual 120 (not equal)"), "{text}");
    assert!(text.contains("Stack dev-spare (") && text.contains("not deployed (nothing to compare)"), "{text}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json.pointer("/stacks/0/resources/0/differences/0/actual"), Some(&json!("120")));

    // What was sent: drift of the deployed stack only, the status polled until complete, and
    // the resources asked for with every status but IN_SYNC (four filters, the model's most).
    let actions = model.actions();
    assert_eq!(actions.iter().filter(|a| *a == "DetectStackDrift").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| *a == "DescribeStackDriftDetectionStatus").count(), 2, "{actions:?}");
    let drifts = model.requests().into_iter().find(|r| r.action == "DescribeStackResourceDrifts").unwrap();
    assert_eq!(drifts.list("StackResourceDriftStatusFilters"), ["MODIFIED", "DELETED", "NOT_CHECKED", "UNKNOWN"]);
}

#[tokio::test]
async fn every_page_of_resources_is_read_and_a_partly_failed_detection_is_noted() {
    let dir = common::temp_dir("drift-pages");
    let assembly = queue_app(&dir);
    let queue = stack_name(&assembly, "dev-queue");
    // A first page with a deleted topic and a token (the response's documented `NextToken`),
    // then the example's page; the detection failed for one resource (`DETECTION_FAILED`,
    // one of the documented statuses, with its reason).
    let first = common::aws_model::response(
        "DescribeStackResourceDrifts",
        &format!(
            "    <StackResourceDrifts>
      <member>
        <StackId>{}</StackId>
        <LogicalResourceId>Gone</LogicalResourceId>
        <PhysicalResourceId>arn:aws:sns:us-east-1:012345678910:gone</PhysicalResourceId>
        <ResourceType>AWS::SNS::Topic</ResourceType>
        <StackResourceDriftStatus>DELETED</StackResourceDriftStatus>
        <Timestamp>2017-12-28T23:53:21.813Z</Timestamp>
      </member>
    </StackResourceDrifts>
    <NextToken>page-2</NextToken>",
            ex::stack_id(&queue)
        ),
    );
    let failed =
        ex::drift_detection_status(&queue, "d", true).replace("DETECTION_COMPLETE", "DETECTION_FAILED").replace(
            "<Timestamp>",
            "<DetectionStatusReason>Failed to detect drift on resource [Gone]</DetectionStatusReason>\n    <Timestamp>",
        );
    let model = AwsModel::start()
        .answer("DescribeStacks", ex::describe_stacks(&queue))
        .answer("DetectStackDrift", ex::detect_stack_drift("d"))
        .answer("DescribeStackDriftDetectionStatus", failed)
        .answer_when("DescribeStackResourceDrifts", "NextToken", "page-2", ex::stack_resource_drifts(&queue))
        .answer("DescribeStackResourceDrifts", first);
    let rt = runtime(&model);
    let mut report = rt.drift(assembly, &["dev-queue".into()]).await;
    report.result().unwrap();
    model.assert_clean();
    let stack = &report.stacks[0];
    let resources: Vec<_> = stack.resources.iter().map(|r| (r.logical_id.as_str(), r.status.as_str())).collect();
    assert_eq!(resources, [("Gone", "DELETED"), ("Queue", "MODIFIED")]);
    assert_eq!(stack.notes, ["drift detection failed for some resources: Failed to detect drift on resource [Gone]"]);
    let text = report.render_styled(false);
    assert!(text.contains("- Gone (AWS::SNS::Topic): deleted"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_exits_4_on_drift_0_in_sync_and_1_when_detection_fails() {
    let dir = common::temp_dir("drift-cli");
    let assembly = queue_app(&dir);
    // Drifted: 4; in sync: 0; a detection CloudFormation refuses: 1 (a failure, not drift).
    let cases = [(Some(true), Some(ExitStatus::Differences)), (Some(false), None), (None, Some(ExitStatus::Failure))];
    for (drifted, expected) in cases {
        let model = match drifted {
            Some(drifted) => model_for(&assembly, drifted),
            None => {
                let (queue, spare) = (stack_name(&assembly, "dev-queue"), stack_name(&assembly, "dev-spare"));
                let (status, code, message) = ex::no_such_stack(&spare);
                AwsModel::start()
                    .answer_when("DescribeStacks", "StackName", &queue, ex::describe_stacks(&queue))
                    .fail("DescribeStacks", Some(("StackName", &spare)), status, code, &message)
                    .fail("DetectStackDrift", None, 400, "ValidationError", "Drift detection is already in progress")
            }
        };
        let args = ["drift", "--app-dir", &dir.display().to_string(), "--skip-account-check", "--json", "--plain"];
        let result = tokio::task::spawn_blocking({
            let aws = common::aws_options(&model.endpoint());
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            move || stackwright_deploy::cli::command(None, args, aws)
        })
        .await
        .unwrap();
        assert_eq!(result.err().map(|e| e.exit_status()), expected, "drifted: {drifted:?}");
        model.assert_clean();
    }
}

fn meta(name: &str, ns: Option<&str>) -> ObjectMeta {
    ObjectMeta { name: Some(name.into()), namespace: ns.map(str::to_string), ..Default::default() }
}

/// A cluster (connection data as literal outputs pointing at the fake API server) with a
/// namespace, a Deployment and a Service; with `spare`, a stack of another environment that
/// the cluster does not use.
fn cluster_app(dir: &Path, endpoint: &str, spare: bool) -> Arc<Assembly> {
    let app = App::new("shop");
    let dev = app.environment("dev", Account::new("012345678910").unwrap(), Region::UsEast1);
    if spare {
        let other = app.environment("dev-eu", Account::new("012345678910").unwrap(), Region::EuWest1);
        Resource::new(
            &other.stack("spare"),
            "Marker",
            RawResource::new("AWS::SSM::Parameter").with("Type", "String").with("Value", "x"),
        )
        .unwrap();
    }
    let platform = dev.stack("platform");
    let cluster = common::stack_with_cluster(&platform, "x", "main", endpoint, "https://oidc.example");
    let labels: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
    cluster.add(&platform, &Namespace { metadata: meta("shop", None), ..Default::default() }).unwrap();
    let deployment = Deployment {
        metadata: meta("web", Some("shop")),
        spec: Some(DeploymentSpec {
            replicas: Some(2),
            selector: LabelSelector { match_labels: Some(labels.clone()), ..Default::default() },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta { labels: Some(labels.clone()), ..Default::default() }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "web".into(),
                        image: Some("shop/web:1".into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    cluster.add(&platform, &deployment).unwrap();
    let service = Service {
        metadata: meta("web", Some("shop")),
        spec: Some(ServiceSpec {
            ports: Some(vec![ServicePort { port: 80, ..Default::default() }]),
            selector: Some(labels),
            ..Default::default()
        }),
        ..Default::default()
    };
    cluster.add(&platform, &service).unwrap();
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubernetes_fields_stackwright_owns_that_another_manager_changed_are_drift_and_others_are_not() {
    let kube = FakeKube::start().await;
    let dir = common::temp_dir("drift-kube");
    let assembly = cluster_app(&dir, &kube.endpoint(), false);
    let platform = stack_name(&assembly, "dev-platform");
    let c = &assembly.manifest.clusters[0];
    let endpoint = kube.endpoint();
    let outputs = [
        (c.outputs.cluster_name.as_str(), "main"),
        (c.outputs.endpoint.as_str(), endpoint.as_str()),
        (c.outputs.certificate_authority.as_str(), ""),
    ];
    let detection = "2f2b2d60-df86-11e7-bea1-500c2865f6e5";
    let model = AwsModel::start()
        .answer("DescribeStacks", ex::describe_stacks_with_outputs(&platform, &outputs))
        .answer("DetectStackDrift", ex::detect_stack_drift(detection))
        .answer("DescribeStackDriftDetectionStatus", ex::drift_detection_status(&platform, detection, false))
        .answer("DescribeStackResourceDrifts", ex::no_stack_resource_drifts());
    let rt = runtime(&model);

    // Deploy the objects (the stack is "deployed" by the endpoint's answers).
    let deployed = rt.deployed_outputs(&assembly, &["dev-platform".into()]).await.unwrap();
    rt.apply_cluster(&assembly, c, &deployed).await.unwrap_or_else(|e| panic!("{e}"));
    let mut report = rt.drift(assembly.clone(), &[]).await;
    report.result().unwrap();
    assert!(!report.drifted(), "{}", report.render_styled(false));
    assert_eq!(report.clusters[0].checked, 3);
    assert!(report.render_styled(false).contains(": in sync (3 object(s) checked)"), "{}", report.render_styled(false));

    // Someone edits the image (a field stackwright applied: it moves to their manager) and
    // adds a label (a field stackwright never set), then deletes the Service.
    kube.edit_as(
        "kubectl-edit",
        "deployments",
        "shop",
        "web",
        "/spec/template/spec/containers/0/image",
        Some(json!("evil/web:6")),
    );
    kube.edit_as("kubectl-label", "deployments", "shop", "web", "/metadata/labels/team", Some(json!("ops")));
    kube.edit_as("kubectl-scale", "deployments", "shop", "web", "/spec/replicas", Some(json!(2)));
    kube.state.lock().unwrap().objects.retain(|(_, plural, _, _), _| plural != "services");
    // And removes the label the program sets on the namespace (an update: nobody owns it now).
    kube.edit_as("kubectl-edit", "namespaces", "", "shop", "/metadata/labels/app.kubernetes.io~1managed-by", None);

    let mut report = rt.drift(assembly.clone(), &[]).await;
    report.result().unwrap();
    assert!(report.drifted());
    let cluster = &report.clusters[0];
    let by: BTreeMap<String, &stackwright_deploy::drift::ObjectDrift> =
        cluster.objects.iter().map(|o| (o.object.to_string(), o)).collect();
    assert_eq!(
        by.keys().map(String::as_str).collect::<Vec<_>>(),
        ["Deployment shop/web", "Namespace shop", "Service shop/web"]
    );
    let label = &by["Namespace shop"].fields;
    assert_eq!(
        label.iter().map(|f| (f.field.as_str(), f.live.clone())).collect::<Vec<_>>(),
        [("metadata.labels.app.kubernetes.io/managed-by", None)],
        "a removed field belongs to nobody, and is missing"
    );
    assert_eq!(by["Service shop/web"].status, "deleted");
    let web = by["Deployment shop/web"];
    let fields: Vec<_> = web.fields.iter().map(|f| (f.field.as_str(), f.live.clone(), f.manager.as_deref())).collect();
    assert_eq!(
        fields,
        [("spec.template.spec.containers[name=web].image", Some(json!("evil/web:6")), Some("kubectl-edit"))],
        "the label nobody in the program sets is not drift, nor a field set again to the program's value"
    );
    let text = report.render_styled(false);
    assert!(text.contains("3 of 3 object(s) drifted"), "{text}");
    assert!(
        text.contains("spec.template.spec.containers[name=web].image: program \"shop/web:1\", live \"evil/web:6\" (now owned by kubectl-edit)"),
        "{text}"
    );
    assert!(text.contains("- Service shop/web") && text.contains(": deleted"), "{text}");
    model.assert_clean();
}

/// The drift of a cluster reads the outputs of the stacks its objects use, not of every stack
/// of the assembly: the pipeline's drift role may describe only its environment's stacks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clusters_drift_describes_only_the_stacks_it_reads_outputs_from() {
    let kube = FakeKube::start().await;
    let dir = common::temp_dir("drift-kube-spare");
    let assembly = cluster_app(&dir, &kube.endpoint(), true);
    let platform = stack_name(&assembly, "dev-platform");
    let c = &assembly.manifest.clusters[0];
    let endpoint = kube.endpoint();
    let outputs = [
        (c.outputs.cluster_name.as_str(), "main"),
        (c.outputs.endpoint.as_str(), endpoint.as_str()),
        (c.outputs.certificate_authority.as_str(), ""),
    ];
    let detection = "2f2b2d60-df86-11e7-bea1-500c2865f6e5";
    let model = AwsModel::start()
        .answer("DescribeStacks", ex::describe_stacks_with_outputs(&platform, &outputs))
        .answer("DetectStackDrift", ex::detect_stack_drift(detection))
        .answer("DescribeStackDriftDetectionStatus", ex::drift_detection_status(&platform, detection, false))
        .answer("DescribeStackResourceDrifts", ex::no_stack_resource_drifts());
    let mut report = runtime(&model).drift(assembly.clone(), &["dev-platform".to_string()]).await;
    report.result().unwrap();
    assert_eq!(report.clusters.len(), 1, "{}", report.render_styled(false));
    let described: Vec<String> = (model.requests().iter())
        .filter(|r| r.action == "DescribeStacks")
        .map(|r| r.param("StackName").unwrap_or_default().to_string())
        .collect();
    assert!(!described.is_empty() && described.iter().all(|n| *n == platform), "{described:?}");
    model.assert_clean();
}
