//! A stack without CloudFormation resources that holds the Kubernetes objects of a cluster the
//! program refers to (a team deploying its workloads on a platform team's cluster): deploy
//! sends nothing to CloudFormation, reads the cluster's connection from the template and
//! applies the objects; diff says so; a CloudFormation stack of that name left by an earlier
//! program is refused before anything changes. AWS is moto (STS, `DescribeStacks`); the
//! cluster is the fake Kubernetes API.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use stackwright_constructs::{KubeManifest, KubeManifestProps};
use stackwright_core::{Account, App, Region};
use stackwright_deploy::cfn::Action;
use stackwright_deploy::kubernetes::KubeOptions;
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

use common::fake_cluster::{FakeCluster, NAMESPACE_AND_DEPLOYMENT};
use common::fake_kube::FakeKube;
use common::{element, form_encode, query};

/// The program: a stack `apps` holding only the objects of the cluster `main` (at `endpoint`).
fn synth(dir: &Path, endpoint: &str) -> Arc<Assembly> {
    let app = App::new("shop");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1);
    let apps = dev.stack("apps");
    let cluster = FakeCluster::new(&apps, "main", endpoint);
    KubeManifest::new(&apps, "Gadget", &cluster, KubeManifestProps::yaml("gadget.yaml", NAMESPACE_AND_DEPLOYMENT))
        .unwrap();
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

/// The status of the CloudFormation stack `name` on moto, if it exists.
fn stack_status(port: u16, name: &str) -> Option<String> {
    let answer = query(port, "cloudformation", "2010-05-15", &[("Action", "DescribeStacks"), ("StackName", name)]);
    element(&answer, "StackStatus").map(String::from)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stack_of_kubernetes_objects_only_is_applied_without_cloudformation() {
    let moto = common::moto();
    let kube = FakeKube::start().await;
    let mut rt = Runtime::new(moto.aws_options(), ProgressMode::Capture);
    rt.cfn.poll = Duration::from_millis(100);
    rt.cfn.yes = true;
    rt.kube = KubeOptions {
        ready_timeout: Duration::from_secs(5),
        poll: Duration::from_millis(20),
        ..KubeOptions::default()
    };
    let log = |rt: &Runtime| rt.progress.lines().join("\n");
    let assembly = synth(&common::temp_dir("no-resources"), &kube.endpoint());
    let stack_name = assembly.manifest.stack("dev-apps").unwrap().stack_name.clone();

    let diff = rt.diff(assembly.clone(), &[]).await;
    let text = diff.render();
    assert!(text.contains("no CloudFormation resources: deploy does not send this stack to CloudFormation"), "{text}");

    let mut report = rt.deploy(assembly.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", log(&rt)));
    assert_eq!(report.stacks.len(), 1);
    assert_eq!(report.stacks[0].action, Action::Unchanged);
    assert!(report.stacks[0].notes[0].starts_with("no CloudFormation resources"), "{:?}", report.stacks[0].notes);
    assert_eq!(stack_status(moto.port, &stack_name), None, "nothing was sent to CloudFormation");
    let applied: Vec<String> = report.clusters[0].applied.iter().map(ToString::to_string).collect();
    assert_eq!(applied, ["Namespace shop", "Deployment shop/gadget"], "{}", log(&rt));

    // A CloudFormation stack of that name, from an earlier program that had resources there:
    // refused in preflight, before any object is applied.
    let template = r#"{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}"#;
    let created = query(
        moto.port,
        "cloudformation",
        "2010-05-15",
        &[("Action", "CreateStack"), ("StackName", &stack_name), ("TemplateBody", &form_encode(template))],
    );
    assert!(stack_status(moto.port, &stack_name).is_some(), "{created}");
    let writes = kube.writes().len();
    let mut refused = rt.deploy(assembly.clone(), &[], false).await;
    let err = refused.result().unwrap_err().to_string();
    assert!(err.contains("the program gives it no resources"), "{err}");
    assert!(err.contains("hint: delete it on purpose first (`destroy dev-apps`"), "{err}");
    assert_eq!(kube.writes().len(), writes, "nothing applied after the refusal");
}
