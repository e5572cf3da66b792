//! The StagedPipeline's own rules: what it refuses (with the path and a hint), one OIDC
//! provider per account whatever the stages' regions, and the comment script's section per
//! stage.

use serde_json::Value as Json;
use stackwright_constructs::delivery::github::{
    DeliveryStage, GitHubRepository, OidcProviderSource, STAGED_PR_WORKFLOW, SmokeCheck, StagedPipeline,
    StagedPipelineProps,
};
use stackwright_constructs::{
    AlbIngress, ClusterTarget, ContainerImage, ContainerSpec, EksCluster, EksClusterProps, ImageReference,
    KubernetesVersion, Namespace, NamespaceProps, ProbeSpec, Vpc, VpcProps, Workload, WorkloadProps,
};
use stackwright_core::{Account, App, RawResource, Region, Resource};

mod staged_support;
use staged_support::{env_with_stack, props, shop_cluster};

fn roles(app: App) -> Vec<(String, Json)> {
    let assembly = app.synth().unwrap();
    let mut out = Vec::new();
    for (path, bytes) in &assembly.files {
        if !path.ends_with("cicd.template.json") {
            continue;
        }
        let t: Json = serde_json::from_slice(bytes).unwrap();
        for (id, r) in t["Resources"].as_object().unwrap() {
            out.push((format!("{path} {id}"), r.clone()));
        }
    }
    out
}

#[test]
fn stages_in_two_accounts_each_create_their_provider_and_one_account_has_one() {
    // two accounts
    let app = App::new("shop");
    let (_, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    let (_, bc) = env_with_stack(&app, "prod", "222222222222", Region::EuWest1);
    StagedPipeline::new(&ac, "Delivery", props().stage(DeliveryStage::new(&ac)).stage(DeliveryStage::new(&bc)))
        .unwrap();
    let providers: Vec<String> =
        roles(app).into_iter().filter(|(_, r)| r["Type"] == "AWS::IAM::OIDCProvider").map(|(p, _)| p).collect();
    assert_eq!(providers.len(), 2, "{providers:?}");

    // one account, two regions: one provider, the second stage's trust names it
    let app = App::new("shop");
    let (_, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    let (_, bc) = env_with_stack(&app, "prod", "111111111111", Region::UsEast1);
    StagedPipeline::new(&ac, "Delivery", props().stage(DeliveryStage::new(&ac)).stage(DeliveryStage::new(&bc)))
        .unwrap();
    let all = roles(app);
    assert_eq!(all.iter().filter(|(_, r)| r["Type"] == "AWS::IAM::OIDCProvider").count(), 1);
    let prod_deploy = all.iter().find(|(p, _)| p.starts_with("prod-cicd") && p.ends_with("DeployRole")).unwrap();
    let statement = &prod_deploy.1["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        statement["Principal"]["Federated"],
        "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    );
    assert_eq!(
        statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"],
        "repo:acme/shop:environment:prod"
    );
    let names: Vec<&str> = all
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::IAM::Role")
        .map(|(_, r)| r["Properties"]["RoleName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["shop-staging-github-diff", "shop-staging-github-deploy", "shop-prod-github-diff", "shop-prod-github-deploy"]
    );
}

#[test]
fn an_existing_provider_is_used_as_given() {
    let app = App::new("shop");
    let (_, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    let existing = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
    StagedPipeline::new(
        &ac,
        "Delivery",
        props().stage(DeliveryStage::new(&ac).provider(OidcProviderSource::Existing(existing.into()))),
    )
    .unwrap();
    assert!(roles(app).iter().all(|(_, r)| r["Type"] != "AWS::IAM::OIDCProvider"));
}

fn error_text(app: &App) -> String {
    app.synth().err().map(|e| e.to_string()).unwrap_or_else(|| "synthesized".into())
}

#[test]
fn refuses_what_it_cannot_deliver_with_the_path_and_a_hint() {
    // no stage
    let app = App::new("shop");
    let (_, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    StagedPipeline::new(&ac, "Delivery", props()).unwrap();
    let text = error_text(&app);
    assert!(text.contains("staging/cicd/Delivery") && text.contains("without a stage deploys nothing"), "{text}");

    // two stages of one environment, a bad binary path
    let app = App::new("shop");
    let (a, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    let p = StagedPipelineProps::new(GitHubRepository::new("acme/shop").unwrap(), "cargo build", "../bin/shop")
        .stage(DeliveryStage::new(&ac))
        .stage(DeliveryStage::new(&a.stack("edge")).github_environment("again"));
    StagedPipeline::new(&ac, "Delivery", p).unwrap();
    let text = error_text(&app);
    assert!(text.contains("two stages deploy the environment 'staging'"), "{text}");
    assert!(text.contains("invalid program binary '../bin/shop'"), "{text}");

    // a stack added after the pipeline
    let app = App::new("shop");
    let (a, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    StagedPipeline::new(&ac, "Delivery", props().stage(DeliveryStage::new(&ac))).unwrap();
    Resource::new(&a.stack("late"), "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    let text = error_text(&app);
    assert!(text.contains("staging-late were added after the StagedPipeline"), "{text}");
    assert!(text.contains("create the StagedPipeline after every stack"), "{text}");
}

#[test]
fn a_smoke_check_needs_a_cluster_and_a_readiness_path() {
    let app = App::new("shop");
    let env = app.environment("staging", Account::new("111111111111").unwrap(), Region::EuWest1);
    let vpc = Vpc::new(&env.stack("network"), "Vpc", VpcProps::default()).unwrap();
    let cluster =
        EksCluster::new(&env.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    let ns = Namespace::new(&cluster, "Shop", NamespaceProps::default()).unwrap();
    let image = ContainerImage::public(
        "registry.example.com/shop",
        ImageReference::Digest(format!("sha256:{}", "1".repeat(64))),
    );
    let ready = Workload::new(
        &cluster,
        &ns,
        "Api",
        WorkloadProps::new(
            ContainerSpec::new(image.clone()).port("http", 8080).readiness(ProbeSpec::http("/ready", "http")),
        ),
    )
    .unwrap();
    let unready = Workload::new(
        &cluster,
        &ns,
        "Tcp",
        WorkloadProps::new(ContainerSpec::new(image).port("tcp", 9000).readiness(ProbeSpec::tcp("tcp"))),
    )
    .unwrap();
    let cicd = env.stack("cicd");
    let p = props().stage(DeliveryStage::new(&cicd).smoke(SmokeCheck::for_workload(&ready))).stage(
        DeliveryStage::new(&cicd)
            .github_environment("other")
            .cluster(ClusterTarget::for_workload(&cluster, &unready))
            .smoke(SmokeCheck::for_workload(&unready)),
    );
    StagedPipeline::new(&cicd, "Delivery", p).unwrap();
    let text = error_text(&app);
    assert!(text.contains("the smoke check of stage 'staging' has no cluster to run on"), "{text}");
    assert!(text.contains("the smoke check of 'tcp' has no readiness path"), "{text}");
    assert!(text.contains("ProbeSpec::http"), "{text}");
}

/// The staged PR workflow's comment script wrapped in a node program with a fake `github`
/// client that prints the calls it gets; `None` when node is not installed.
fn comment_harness() -> Option<String> {
    if !std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: node is not installed");
        return None;
    }
    let app = App::new("shop");
    let (_, ac) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    let (_, bc) = env_with_stack(&app, "prod", "111111111111", Region::EuCentral1);
    StagedPipeline::new(&ac, "Delivery", props().stage(DeliveryStage::new(&ac)).stage(DeliveryStage::new(&bc)))
        .unwrap();
    let assembly = app.synth().unwrap();
    let pr: Json =
        serde_saphyr::from_str(assembly.file(&format!(".github/workflows/{STAGED_PR_WORKFLOW}")).unwrap()).unwrap();
    let script = pr["jobs"]["comment"]["steps"][0]["with"]["script"].as_str().unwrap();
    Some(format!(
        r#"
const calls = [];
const github = {{
  paginate: async () => [{{ id: 9, user: {{ type: 'Bot' }}, body: '<!-- stackwright-diff -->\nold' }}],
  rest: {{ issues: {{
    listComments: () => {{}},
    updateComment: async (a) => calls.push(['update', a.comment_id, a.body]),
    createComment: async (a) => calls.push(['create', a.issue_number, a.body]),
  }} }},
}};
const context = {{ repo: {{ owner: 'acme', repo: 'shop' }}, issue: {{ number: 42 }} }};
(async () => {{
{script}
}})().then(() => console.log(JSON.stringify(calls)));
"#
    ))
}

/// The body the comment script posts for `stages` (space-separated) and their reports.
fn posted(harness: &str, stages: &str, reports: &[&str]) -> String {
    let mut command = std::process::Command::new("node");
    command.args(["-e", harness]).env("STAGES", stages).env("LABEL", "security-reviewed");
    for (i, r) in reports.iter().enumerate() {
        command.env(format!("REPORT_{i}"), r);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls: Json = serde_json::from_slice(&out.stdout).unwrap();
    calls[0][2].as_str().unwrap().to_string()
}

/// Each stage's picture of the change is a mermaid block in its section, not repeated in the
/// raw report; pictures too big for the comment are left out with a note, before anything else.
#[test]
fn each_stage_shows_its_picture_of_the_change() {
    let Some(harness) = comment_harness() else { return };
    let picture = "flowchart TB\n  n1[\"node group Batch (added)\"]:::added";
    let report = serde_json::json!({"stacks": [], "failed": [], "diagram": picture}).to_string();
    let body = posted(&harness, "staging prod", &[&report, r#"{"stacks":[],"failed":[]}"#]);
    let (s, p) = (body.find("#### staging").unwrap(), body.find("#### prod").unwrap());
    assert!(body[s..p].contains(&format!("```mermaid\n{picture}\n```")), "{body}");
    assert_eq!(body.matches("node group Batch (added)").count(), 1, "not repeated in the raw report: {body}");
    let big = format!("flowchart TB\n{}", "  n[\"x\"]\n".repeat(3700));
    let report = serde_json::json!({"stacks": [], "failed": [], "diagram": big}).to_string();
    let body = posted(&harness, "staging prod", &[&report, &report]);
    assert!(body.chars().count() <= 65536, "{}", body.len());
    assert!(!body.contains("```mermaid"), "pictures that do not fit are left out");
    assert_eq!(body.matches("The picture of the change is left out").count(), 2, "{}", &body[..2000]);
}

/// The comment script renders one section per stage and updates the one comment; run with a
/// fake `github` client when node is installed.
#[test]
fn the_comment_has_a_section_per_stage() {
    let Some(harness) = comment_harness() else { return };
    let staging = r#"{"stacks":[{"stack":"staging-edge","stack_name":"shop-staging-edge","changes":[{"action":"Add","logical_id":"Topic","type":"AWS::SNS::Topic","path":"staging/edge/Topic"}]}],"failed":[]}"#;
    let out = std::process::Command::new("node")
        .args(["-e", &harness])
        .env("STAGES", "staging prod")
        .env("REPORT_0", staging)
        .env("SECURITY_0", "0")
        .env("REPORT_1", r#"{"stacks":[],"failed":[{"target":"prod-edge","message":"AccessDenied"}]}"#)
        .env("SECURITY_1", "2")
        .env("LABEL", "security-reviewed")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(calls[0][0], "update");
    assert_eq!(calls[0][1], 9);
    let body = calls[0][2].as_str().unwrap();
    let (s, p) = (body.find("#### staging").unwrap(), body.find("#### prod").unwrap());
    assert!(s < p, "{body}");
    assert!(body[s..p].contains("+ shop-staging-edge Topic (AWS::SNS::Topic) staging/edge/Topic"), "{body}");
    assert!(body[p..].contains(":x: prod-edge: AccessDenied"), "{body}");
    assert!(
        body.contains("**2 security-relevant change(s) in all.**") && body.contains("`security-reviewed`"),
        "{body}"
    );

    // long reports: still one comment, within GitHub's 65,536 characters (each stage's report
    // is at most 30,000 characters: the diff job replaces a longer one, see below)
    let change = r#"{"action":"Add","logical_id":"Topic","type":"AWS::SNS::Topic","path":"staging/edge/Topic"}"#;
    let long =
        format!(r#"{{"stacks":[{{"stack":"staging-edge","changes":[{}]}}],"failed":[]}}"#, vec![change; 320].join(","));
    assert!(long.len() < 30000);
    let body = posted(&harness, "staging prod", &[&long, &long]);
    assert!(body.chars().count() <= 65536, "{}", body.len());
    assert!(body.contains("the raw reports are left out"), "{}", &body[body.len() - 300..]);
    let body = posted(&harness, "a b c d e", &[&long, &long, &long, &long, &long]);
    assert!(body.chars().count() <= 65536, "{}", body.len());
    assert!(body.contains("cut here: the comment would pass GitHub's size limit"), "{}", &body[body.len() - 300..]);
    // the diff job's stand-in for a report too long to pass on
    let body = posted(&harness, "staging", &[r#"{"truncated":true,"failed":[]}"#]);
    assert!(body.contains("The report is too long for this comment: see the log of the job *Diff staging*"), "{body}");
}

#[test]
fn setters_set_their_fields() {
    let app = App::new("shop");
    let (_, cicd) = env_with_stack(&app, "staging", "111111111111", Region::EuWest1);
    let stage = DeliveryStage::new(&cicd);
    assert_eq!(stage.github_environment, "staging", "named like the environment");
    let set = stage
        .clone()
        .github_environment("stage-eu")
        .provider(OidcProviderSource::Create)
        .deploy_services(["ec2", "eks"]);
    assert_eq!(
        set,
        DeliveryStage {
            github_environment: "stage-eu".into(),
            provider: Some(OidcProviderSource::Create),
            deploy_services: vec!["ec2".into(), "eks".into()],
            ..stage.clone()
        }
    );
    let p =
        props().test_command("cargo nextest run").main_branch("trunk").security_label("ok").deploy_timeout_minutes(30);
    assert_eq!(
        p,
        StagedPipelineProps {
            test_command: "cargo nextest run".into(),
            main_branch: "trunk".into(),
            security_label: "ok".into(),
            deploy_timeout_minutes: 30,
            ..props()
        }
    );
    assert_eq!(props().stage(stage.clone()).stages, vec![stage]);
}

/// With a host name and HTTPS on the Ingress, the smoke check asks `https://<host>/…` and
/// connects to the ALB under that name, so the certificate and the host rule are checked.
#[test]
fn an_https_ingress_is_checked_under_its_host_name() {
    let app = App::new("shop");
    let (env, cluster, ns, image) = shop_cluster(&app, "staging");
    let certificate = "arn:aws:acm:eu-west-1:111111111111:certificate/5e1f0c2a-7d3b-4c1e-9a8f-2b6d4e0c9f11";
    let api = Workload::new(
        &cluster,
        &ns,
        "Api",
        WorkloadProps::new(ContainerSpec::new(image).port("http", 8080).readiness(ProbeSpec::http("/ready", "http")))
            .ingress(AlbIngress::https(certificate.parse().unwrap()).host("api.example.com")),
    )
    .unwrap();
    let cicd = env.stack("cicd");
    let smoke = SmokeCheck::for_workload(&api).attempts(5).interval_seconds(3).request_timeout_seconds(4);
    assert!(smoke.through_load_balancer());
    StagedPipeline::new(
        &cicd,
        "Delivery",
        props().stage(DeliveryStage::new(&cicd).cluster(ClusterTarget::for_workload(&cluster, &api)).smoke(smoke)),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    let deploy: Json =
        serde_saphyr::from_str(assembly.file(".github/workflows/stackwright-deploy.yml").unwrap()).unwrap();
    let step = deploy["jobs"]["deploy-staging"]["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(step["id"], "smoke");
    assert_eq!(step["env"]["HOST"], "api.example.com");
    assert_eq!(step["env"]["ATTEMPTS"], "5");
    assert_eq!(step["env"]["INTERVAL"], "3");
    assert_eq!(step["env"]["REQUEST_TIMEOUT"], "4");
    let run = step["run"].as_str().unwrap();
    assert!(run.contains("url=\"https://$HOST$READINESS_PATH\""), "{run}");
    assert!(run.contains("connect=(--connect-to \"$HOST:443:$lb:443\")"), "{run}");
    assert!(!run.contains("--insecure") && !run.contains(" -k "), "the certificate is checked: {run}");
}

/// A worker has nothing to GET: the HTTP smoke check is refused with the rollout check as the
/// way out, and the rollout check waits for the rollout and sends no request.
#[test]
fn a_worker_is_smoke_checked_by_its_rollout() {
    let build = |rollout_only: bool| {
        let app = App::new("shop");
        let (env, cluster, ns, image) = shop_cluster(&app, "staging");
        let container = ContainerSpec::new(image)
            .args(["worker"])
            .readiness(ProbeSpec::exec(["test", "-f", "/tmp/ready"]))
            .liveness(ProbeSpec::exec(["test", "-f", "/tmp/ready"]));
        let worker = Workload::new(
            &cluster,
            &ns,
            "Worker",
            WorkloadProps::new(container).service(stackwright_constructs::ServiceKind::None),
        )
        .unwrap();
        let cicd = env.stack("cicd");
        let smoke = if rollout_only { SmokeCheck::rollout(&worker) } else { SmokeCheck::for_workload(&worker) };
        let stage = DeliveryStage::new(&cicd).cluster(ClusterTarget::for_workload(&cluster, &worker)).smoke(smoke);
        StagedPipeline::new(&cicd, "Delivery", props().stage(stage)).unwrap();
        app
    };
    let text = error_text(&build(false));
    assert!(text.contains("the smoke check of 'worker' has no readiness path"), "{text}");
    assert!(text.contains("SmokeCheck::rollout(&workload)"), "{text}");

    let assembly = build(true).synth().unwrap();
    let deploy: Json =
        serde_saphyr::from_str(assembly.file(".github/workflows/stackwright-deploy.yml").unwrap()).unwrap();
    let step = deploy["jobs"]["deploy-staging"]["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(step["id"], "smoke");
    let run = step["run"].as_str().unwrap();
    assert!(run.contains("kubectl rollout status \"$CONTROLLER/$NAME\""), "{run}");
    assert!(!run.contains("curl") && !run.contains("--raw"), "no request: {run}");
    assert!(step["env"].get("READINESS_PATH").is_none(), "{step}");
}
