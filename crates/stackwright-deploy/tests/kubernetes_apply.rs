//! The Kubernetes applier against a fake API server on 127.0.0.1: request order, server-side
//! apply with field manager `stackwright`, EKS bearer tokens, readiness waits, prune decisions
//! (inventory + labels, relabelled objects kept); and the whole path from stack outputs and
//! late-bound values on LocalStack to applied objects, diff and destroy.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, Namespace, PodSpec, PodTemplateSpec, Service, ServicePort, ServiceSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::json;
use stackwright_core::{Account, App, RawResource, Region, Resource};
use stackwright_deploy::eks::ClusterAccess;
use stackwright_deploy::kubernetes::{Applier, Connection, DesiredObject, KubeOptions, ObjectRef};
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::{Progress, ProgressMode};
use stackwright_deploy::runtime::Runtime;

use common::fake_kube::FakeKube;

const OWNER: &str = "shop.main";

fn object(api_version: &str, kind: &str, ns: Option<&str>, name: &str, extra: serde_json::Value) -> DesiredObject {
    let mut body = json!({
        "apiVersion": api_version, "kind": kind,
        "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "stackwright", "stackwright.io/owner": OWNER}},
    });
    if let Some(ns) = ns {
        body["metadata"]["namespace"] = json!(ns);
    }
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    DesiredObject {
        id: ObjectRef {
            api_version: api_version.into(),
            kind: kind.into(),
            namespace: ns.map(str::to_string),
            name: name.into(),
        },
        path: format!("app/{name}"),
        origin: None,
        body,
    }
}

fn objects(with_config: bool) -> Vec<DesiredObject> {
    let mut list = vec![
        object("v1", "Namespace", None, "shop", json!({})),
        object("apps/v1", "Deployment", Some("shop"), "web", json!({"spec": {"replicas": 2, "template": {}}})),
        object("v1", "Service", Some("shop"), "web", json!({"spec": {"ports": [{"port": 80}]}})),
        object("apiextensions.k8s.io/v1", "CustomResourceDefinition", None, "widgets.example.com", json!({"spec": {}})),
    ];
    if with_config {
        list.push(object("v1", "ConfigMap", Some("shop"), "settings", json!({"data": {"a": "1"}})));
        list.push(object("v1", "ConfigMap", Some("shop"), "adopted", json!({"data": {"b": "2"}})));
    }
    list
}

fn applier<'a>(kube: &FakeKube, options: &'a KubeOptions, progress: &'a Progress) -> Applier<'a> {
    let access = ClusterAccess {
        name: "main".into(),
        region: "us-east-1".into(),
        endpoint: kube.endpoint(),
        certificate_authority: String::new(),
    };
    Applier {
        connection: Connection::fixed(access.client("k8s-aws-v1.test-token").unwrap()),
        cluster: "prod-main".into(),
        owner: OWNER.into(),
        options,
        progress,
    }
}

fn fast() -> KubeOptions {
    KubeOptions { ready_timeout: Duration::from_secs(5), poll: Duration::from_millis(20), ..KubeOptions::default() }
}

/// The first apply: dependency order, server-side apply, EKS token, readiness waits.
async fn first_apply_in_dependency_order(kube: &FakeKube, a: &Applier<'_>, progress: &Progress) {
    let report = a.apply(&objects(true)).await.unwrap();
    let writes = kube.writes();
    assert_eq!(
        writes,
        [
            "PATCH /api/v1/namespaces/shop",
            "PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
            "PATCH /api/v1/namespaces/shop/configmaps/settings",
            "PATCH /api/v1/namespaces/shop/configmaps/adopted",
            "PATCH /api/v1/namespaces/shop/services/web",
            "PATCH /apis/apps/v1/namespaces/shop/deployments/web",
            "PATCH /api/v1/namespaces/kube-system/configmaps/stackwright-inventory-shop.main",
        ],
        "dependency order, then the inventory"
    );
    let log = kube.log();
    for l in log.iter().filter(|l| l.method == "PATCH") {
        assert_eq!(l.content_type, "application/apply-patch+yaml");
        assert_eq!(l.param("fieldManager").as_deref(), Some("stackwright"));
        assert_eq!(l.param("force").as_deref(), Some("true"));
    }
    assert!(log.iter().all(|l| l.authorization == "Bearer k8s-aws-v1.test-token"));
    // The CRD was waited for before anything after it was applied; the Deployment after all.
    let crd_ready = log.iter().position(|l| l.method == "GET" && l.path.ends_with("widgets.example.com")).unwrap();
    let first_cm = log.iter().position(|l| l.path.ends_with("configmaps/settings")).unwrap();
    assert!(crd_ready < first_cm);
    let text = progress.lines().join("\n");
    assert!(text.contains("waiting for Deployment shop/web: 0 of 2 replicas updated"), "{text}");
    assert!(text.contains("Deployment shop/web is ready"), "{text}");
    assert_eq!(report.applied.len(), 6);
    assert!(report.pruned.is_empty());
}

/// Pruning: what left the program goes, unless someone else relabelled it.
async fn prune_keeps_relabelled_objects(kube: &FakeKube, a: &Applier<'_>) {
    // Someone else takes over "adopted" (relabels it); then both ConfigMaps leave the program,
    // and an object that only carries our label (no inventory entry) shows up.
    let mut adopted = kube.get("configmaps", "shop", "adopted").unwrap();
    adopted["metadata"]["labels"]["stackwright.io/owner"] = json!("someone-else");
    kube.insert("v1", "configmaps", "shop", "adopted", adopted);
    let stray = object("v1", "Service", Some("shop"), "stray", json!({})).body;
    kube.insert("v1", "services", "shop", "stray", stray);
    let report = a.apply(&objects(false)).await.unwrap();
    let pruned: Vec<String> = report.pruned.iter().map(ToString::to_string).collect();
    assert_eq!(pruned, ["Service shop/stray", "ConfigMap shop/settings"], "dependents first");
    let kept: Vec<String> = report.kept.iter().map(ToString::to_string).collect();
    assert_eq!(kept, ["ConfigMap shop/adopted"]);
    assert!(kube.get("configmaps", "shop", "adopted").is_some());
    assert!(kube.get("configmaps", "shop", "settings").is_none());
    let lists: Vec<String> = kube
        .log()
        .iter()
        .filter(|l| l.method == "GET" && l.param("labelSelector").is_some())
        .map(|l| l.param("labelSelector").unwrap())
        .collect();
    assert!(
        lists.iter().all(|s| s == "app.kubernetes.io/managed-by=stackwright,stackwright.io/owner=shop.main"),
        "{lists:?}"
    );
    let inventory = a.read_inventory().await.unwrap().unwrap();
    assert_eq!(inventory.len(), 4);
}

/// Diff: dry-run applies, then the comparison a read-only identity falls back to.
async fn diff_with_dry_runs_and_read_only(kube: &FakeKube, a: &Applier<'_>) {
    // Diff: nothing changed; then a changed Deployment and a new object.
    let diffs = a.diff(&objects(false)).await.unwrap();
    assert!(diffs.iter().all(|d| d.action == "unchanged"), "{diffs:?}");
    let mut changed = objects(false);
    changed[1].body["spec"]["replicas"] = json!(3);
    changed.push(object("v1", "ConfigMap", Some("shop"), "extra", json!({})));
    let diffs: BTreeMap<String, String> =
        a.diff(&changed).await.unwrap().into_iter().map(|d| (d.object.to_string(), d.action)).collect();
    assert_eq!(diffs["Deployment shop/web"], "update");
    assert_eq!(diffs["ConfigMap shop/extra"], "create");
    assert_eq!(diffs["Service shop/web"], "unchanged");
    assert!(kube.log().iter().any(|l| l.param("dryRun").as_deref() == Some("All")));
    assert!(kube.get("configmaps", "shop", "extra").is_none(), "a dry run changes nothing");

    // With a read-only identity (the CI diff role): no dry run allowed, so what the program
    // sets is compared with what the cluster has; Secrets cannot be read at all.
    kube.state.lock().unwrap().read_only = true;
    let mut with_secret = changed.clone();
    with_secret.push(object("v1", "Secret", Some("shop"), "token", json!({})));
    let diffs: BTreeMap<String, String> =
        a.diff(&with_secret).await.unwrap().into_iter().map(|d| (d.object.to_string(), d.action)).collect();
    assert_eq!(diffs["Deployment shop/web"], "update");
    assert_eq!(diffs["Service shop/web"], "unchanged");
    assert_eq!(diffs["Secret shop/token"], "unknown");
    kube.state.lock().unwrap().read_only = false;
}

#[tokio::test]
async fn applies_in_order_waits_prunes_and_keeps_relabelled_objects() {
    let kube = FakeKube::start().await;
    let options = fast();
    let progress = Progress::new(ProgressMode::Capture);
    let a = applier(&kube, &options, &progress);

    first_apply_in_dependency_order(&kube, &a, &progress).await;
    prune_keeps_relabelled_objects(&kube, &a).await;
    diff_with_dry_runs_and_read_only(&kube, &a).await;

    // Destroy: everything we own goes, dependents first; what we do not own stays.
    let refs: Vec<ObjectRef> = objects(false).into_iter().map(|o| o.id).collect();
    let deleted: Vec<String> = a.delete_all(&refs).await.unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(
        deleted,
        ["Deployment shop/web", "Service shop/web", "CustomResourceDefinition widgets.example.com", "Namespace shop"]
    );
    assert_eq!(kube.names(), ["configmaps/shop/adopted"]);
}

#[tokio::test]
async fn tls_with_the_cluster_ca_from_base64_pem_and_a_wrong_ca_refused() {
    let (kube, ca) = FakeKube::start_tls().await;
    let (_, other_ca) = FakeKube::start_tls().await;
    let options = fast();
    let progress = Progress::new(ProgressMode::Capture);
    let connect = |ca: &str| {
        let access = ClusterAccess {
            name: "main".into(),
            region: "us-east-1".into(),
            endpoint: kube.endpoint(),
            certificate_authority: ca.to_string(),
        };
        Applier {
            connection: Connection::fixed(access.client("k8s-aws-v1.tls").unwrap()),
            cluster: "prod-main".into(),
            owner: OWNER.into(),
            options: &options,
            progress: &progress,
        }
    };
    let namespace = vec![object("v1", "Namespace", None, "shop", json!({}))];
    connect(&ca).apply(&namespace).await.unwrap();
    assert!(kube.get("namespaces", "", "shop").is_some());
    let err = connect(&other_ca).apply(&namespace).await.unwrap_err().to_string();
    assert!(err.to_lowercase().contains("certificate") || err.contains("invalid peer"), "{err}");
}

#[tokio::test]
async fn a_stuck_rollout_fails_with_a_readable_status_after_the_timeout() {
    let kube = FakeKube::start().await;
    kube.state.lock().unwrap().stuck = true;
    let options = KubeOptions { ready_timeout: Duration::from_millis(300), ..fast() };
    let progress = Progress::new(ProgressMode::Capture);
    let err = applier(&kube, &options, &progress).apply(&objects(false)).await.unwrap_err().to_string();
    assert!(err.contains("kubernetes (prod-main): not ready after 0 s"), "{err}");
    assert!(err.contains("Deployment shop/web (app/web): 0 of 2 replicas updated"), "{err}");
    assert!(err.contains("hint: the objects were applied and may still become ready"), "{err}");
    // Nothing is pruned and no inventory is written after a failed apply.
    assert!(!kube.writes().iter().any(|w| w.contains("inventory")));
}

#[tokio::test]
async fn a_job_is_waited_for_until_complete_and_a_failed_job_stops_the_wait() {
    let job = || {
        vec![
            object("v1", "Namespace", None, "shop", json!({})),
            object("batch/v1", "Job", Some("shop"), "migrate", json!({"spec": {"backoffLimit": 1, "template": {}}})),
        ]
    };
    let kube = FakeKube::start().await;
    let options = fast();
    let progress = Progress::new(ProgressMode::Capture);
    applier(&kube, &options, &progress).apply(&job()).await.unwrap();
    let text = progress.lines().join("\n");
    assert!(text.contains("waiting for Job shop/migrate: 1 active, 0 succeeded, 0 failed pods"), "{text}");
    assert!(text.contains("Job shop/migrate is ready"), "{text}");

    let kube = FakeKube::start().await;
    kube.state.lock().unwrap().failing_jobs = true;
    let progress = Progress::new(ProgressMode::Capture);
    let err = applier(&kube, &options, &progress).apply(&job()).await.unwrap_err().to_string();
    assert!(
        err.contains(
            "Job shop/migrate (app/migrate) failed: the Job failed \
             (BackoffLimitExceeded: Job has reached the specified backoff limit)"
        ),
        "{err}"
    );
    assert!(err.contains("hint: look at its pods"), "{err}");
    // It stopped at the failure, not at the timeout; nothing is recorded after a failed apply.
    assert!(!err.contains("not ready after"), "{err}");
    assert!(!kube.writes().iter().any(|w| w.contains("inventory")));
}

#[tokio::test]
async fn an_api_service_is_waited_for_until_available() {
    let objects = vec![
        object("v1", "Namespace", None, "monitoring", json!({})),
        object(
            "apiregistration.k8s.io/v1",
            "APIService",
            None,
            "v1beta1.custom.metrics.k8s.io",
            json!({"spec": {"group": "custom.metrics.k8s.io", "version": "v1beta1", "groupPriorityMinimum": 100,
                "versionPriority": 100, "service": {"name": "prometheus-adapter", "namespace": "monitoring", "port": 443}}}),
        ),
    ];
    let kube = FakeKube::start().await;
    let options = fast();
    let progress = Progress::new(ProgressMode::Capture);
    applier(&kube, &options, &progress).apply(&objects).await.unwrap();
    let text = progress.lines().join("\n");
    assert!(
        text.contains("waiting for APIService v1beta1.custom.metrics.k8s.io: not available yet (MissingEndpoints"),
        "{text}"
    );
    assert!(text.contains("APIService v1beta1.custom.metrics.k8s.io is ready"), "{text}");
    assert!(
        kube.writes()
            .contains(&"PATCH /apis/apiregistration.k8s.io/v1/apiservices/v1beta1.custom.metrics.k8s.io".to_string()),
        "{:?}",
        kube.writes()
    );

    // Never available (its pods never come up): the wait ends at the timeout, saying why.
    let kube = FakeKube::start().await;
    kube.state.lock().unwrap().rollout_reads = u32::MAX;
    let options = KubeOptions { ready_timeout: Duration::from_millis(300), ..fast() };
    let progress = Progress::new(ProgressMode::Capture);
    let err = applier(&kube, &options, &progress).apply(&objects).await.unwrap_err().to_string();
    assert!(err.contains("APIService v1beta1.custom.metrics.k8s.io (app/v1beta1.custom.metrics.k8s.io): not available yet (MissingEndpoints"), "{err}");
}

/// One replica of `image`, selected by `labels`.
fn web_deployment(metadata: ObjectMeta, image: String, labels: &BTreeMap<String, String>) -> Deployment {
    Deployment {
        metadata,
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector { match_labels: Some(labels.clone()), ..Default::default() },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta { labels: Some(labels.clone()), ..Default::default() }),
                spec: Some(PodSpec {
                    containers: vec![Container { name: "web".into(), image: Some(image), ..Default::default() }],
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Port 80 of the pods with `labels`.
fn web_service(metadata: ObjectMeta, labels: BTreeMap<String, String>) -> Service {
    Service {
        metadata,
        spec: Some(ServiceSpec {
            ports: Some(vec![ServicePort { port: 80, ..Default::default() }]),
            selector: Some(labels),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A program with a cluster whose connection data are literal outputs pointing at the fake
/// API server, and manifests with late-bound values from another stack and the environment.
fn synth(dir: &Path, endpoint: &str, version: u32) -> Arc<Assembly> {
    let app = App::new("shop");
    let dev = app.environment("dev", Account::new("000000000000").unwrap(), Region::UsEast1);
    let registry = dev.stack("registry");
    let repo = Resource::new(
        &registry,
        "Repo",
        RawResource::new("AWS::SSM::Parameter")
            .with("Name", "/shop/repo")
            .with("Type", "String")
            .with("Value", "123.dkr.ecr.us-east-1.amazonaws.com/shop"),
    )
    .unwrap();
    let platform = dev.stack("platform");
    let cluster = common::stack_with_cluster(&platform, "cluster", "main", endpoint, "https://oidc.example");
    let meta = |name: &str, ns: Option<&str>| ObjectMeta {
        name: Some(name.into()),
        namespace: ns.map(str::to_string),
        ..Default::default()
    };
    cluster.add(&platform, &Namespace { metadata: meta("shop", None), ..Default::default() }).unwrap();
    let image = format!(
        "{}:{}",
        cluster.late_bound(repo.reference()).unwrap(),
        cluster.from_environment("SHOP_IMAGE_TAG").unwrap()
    );
    let labels: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
    cluster.add(&platform, &web_deployment(meta("web", Some("shop")), image, &labels)).unwrap();
    cluster.add(&platform, &web_service(meta("web", Some("shop")), labels)).unwrap();
    if version == 1 {
        cluster.add(&platform, &ConfigMap { metadata: meta("legacy", Some("shop")), ..Default::default() }).unwrap();
    }
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_connects_from_stack_outputs_resolves_late_bound_values_and_destroys_kubernetes_first() {
    let ls = common::localstack();
    let kube = FakeKube::start().await;
    let dir = common::temp_dir("kube-flow");
    let mut rt = Runtime::new(common::aws_options(&ls.endpoint()), ProgressMode::Capture);
    rt.cfn.poll = Duration::from_millis(200);
    rt.cfn.yes = true;
    rt.kube = fast();
    rt.env = Arc::new(|name| (name == "SHOP_IMAGE_TAG").then(|| "v42".to_string()));

    let v1 = synth(&dir, &kube.endpoint(), 1);
    let mut report = rt.deploy(v1.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));
    assert_eq!(report.clusters.len(), 1);
    let web = kube.get("deployments", "shop", "web").unwrap();
    assert_eq!(
        web.pointer("/spec/template/spec/containers/0/image").and_then(|v| v.as_str()),
        Some("/shop/repo:v42"),
        "late-bound: the registry stack's output (Ref of the parameter: its name) and the environment"
    );
    assert!(kube.log().iter().all(|l| l.authorization.starts_with("Bearer k8s-aws-v1.")));
    assert!(kube.get("configmaps", "shop", "legacy").is_some());

    // The ConfigMap leaves the program: pruned. The diff afterwards is empty.
    let v2 = synth(&dir, &kube.endpoint(), 2);
    let mut report = rt.deploy(v2.clone(), &[], false).await;
    report.result().unwrap();
    assert_eq!(
        report.clusters[0].pruned.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["ConfigMap shop/legacy"]
    );
    let mut diff = rt.diff(v2.clone(), &[]).await;
    diff.result().unwrap();
    assert!(!diff.has_changes(), "{}", diff.render());

    // A missing environment variable is a clear error before anything is applied.
    let mut strict = rt.clone();
    strict.env = Arc::new(|_| None);
    let err = strict
        .apply_cluster(
            &v2,
            &v2.manifest.clusters[0],
            &rt.deployed_outputs(&v2, &["dev-registry".into(), "dev-platform".into()]).await.unwrap(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("environment variable SHOP_IMAGE_TAG is not set"), "{err}");

    // Destroy: the objects first, then the stacks.
    let deletes_before = kube.writes().iter().filter(|w| w.starts_with("DELETE")).count();
    let mut report = rt.destroy(v2.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", rt.progress.lines().join("\n")));
    assert_eq!(report.clusters[0].deleted.len(), 3);
    assert!(kube.writes().iter().filter(|w| w.starts_with("DELETE")).count() > deletes_before);
    assert!(kube.names().is_empty(), "{:?}", kube.names());
    let lines = rt.progress.lines();
    let last_kube = lines.iter().rposition(|l| l.contains("deleting Namespace shop")).unwrap();
    let first_stack = lines.iter().position(|l| l.contains("deleting stack")).unwrap();
    assert!(last_kube < first_stack, "Kubernetes objects go first");
}

/// An apply interrupted while it waits for a rollout (its future dropped, as the first Ctrl-C
/// drops the run) leaves the objects applied so far and the previous inventory; the rerun
/// applies again, prunes what left the program and converges.
#[tokio::test]
async fn an_interrupted_apply_is_rerun_and_converges() {
    let kube = FakeKube::start().await;
    let options = fast();
    let progress = Progress::new(ProgressMode::Capture);
    let a = applier(&kube, &options, &progress);
    a.apply(&objects(true)).await.unwrap();
    kube.state.lock().unwrap().stuck = true;
    let interrupted = tokio::time::timeout(Duration::from_millis(300), a.apply(&objects(false))).await;
    assert!(interrupted.is_err(), "the apply was still waiting for the rollout");
    let inventory = || kube.get("configmaps", "kube-system", "stackwright-inventory-shop.main").unwrap();
    assert!(inventory().to_string().contains("settings"), "the previous inventory stays: {}", inventory());
    assert!(kube.get("configmaps", "shop", "settings").is_some(), "nothing pruned by the interrupted run");

    kube.state.lock().unwrap().stuck = false;
    let report = a.apply(&objects(false)).await.unwrap();
    assert_eq!(report.applied.len(), 4);
    assert_eq!(report.pruned.len(), 2, "{:?}", report.pruned);
    assert!(kube.get("configmaps", "shop", "settings").is_none());
    assert!(!inventory().to_string().contains("settings"), "{}", inventory());
    let again = a.apply(&objects(false)).await.unwrap();
    assert!(again.pruned.is_empty(), "converged: {:?}", again.pruned);
}
