//! The scheduled drift workflow of a GitHubPipeline and its read-only role, whose rights are
//! derived from the resource types of the environment's stacks.

use serde_json::Value as Json;
use stackwright_constructs::delivery::github::actions;
use stackwright_constructs::delivery::github::{
    ClusterTarget, DRIFT_WORKFLOW, DriftSchedule, GitHubPipeline, GitHubPipelineProps, GitHubRepository,
};
use stackwright_core::{Account, App, Assembly, Environment, RawResource, Region, Resource, Stack};

/// An app whose `dev` environment has a network stack with a VPC (plus `extra` resources in
/// it) and the pipeline in `cicd`; the drift workflow added last.
fn program(
    extra: &[(&str, &str)],
    configure: impl FnOnce(GitHubPipelineProps) -> GitHubPipelineProps,
) -> (App, GitHubPipeline, Environment, Stack) {
    let app = App::new("shop");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1);
    // another environment whose stack ids share the prefix: the workflow must not check it
    let other = app.environment("dev-eu", Account::new("123456789012").unwrap(), Region::EuCentral1);
    Resource::new(&other.stack("edge"), "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    let network = dev.stack("network");
    Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16")).unwrap();
    for (id, type_name) in extra {
        Resource::new(&network, id, RawResource::new(type_name)).unwrap();
    }
    let props = configure(
        GitHubPipelineProps::new(GitHubRepository::new("acme/shop").unwrap())
            .environment("dev")
            .program("cargo run --locked --features deploy --"),
    );
    let mut pipeline = GitHubPipeline::new(&dev.stack("cicd"), "GitHub", props).unwrap();
    pipeline.add_drift_workflow(&DriftSchedule::cron("0 6 * * 1")).unwrap();
    (app, pipeline, dev, network)
}

fn workflow(assembly: &Assembly) -> Json {
    serde_saphyr::from_str(assembly.file(&format!(".github/workflows/{DRIFT_WORKFLOW}")).expect("the drift workflow"))
        .unwrap()
}

fn resource(assembly: &Assembly, logical_id: &str) -> Json {
    let template: Json = serde_json::from_str(assembly.file("dev-cicd.template.json").unwrap()).unwrap();
    template["Resources"][logical_id].clone()
}

fn statements(assembly: &Assembly) -> Vec<Json> {
    let role = resource(assembly, "GitHubDriftRole");
    role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].as_array().unwrap().clone()
}

fn list(v: &Json) -> Vec<String> {
    match v {
        Json::Array(items) => items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string)).collect(),
        other => vec![other.as_str().map_or_else(|| other.to_string(), str::to_string)],
    }
}

fn allowed_actions(assembly: &Assembly) -> Vec<String> {
    statements(assembly).iter().flat_map(|s| list(&s["Action"])).collect()
}

#[test]
fn the_workflow_runs_drift_on_the_environments_stacks_on_schedule_and_by_hand() {
    let (app, _, _, _) = program(&[], |p| p);
    let assembly = app.synth().unwrap();
    let w = workflow(&assembly);
    assert_eq!(w["on"]["schedule"], serde_json::json!([{ "cron": "0 6 * * 1" }]));
    assert_eq!(w["on"]["workflow_dispatch"], serde_json::json!({}));
    assert!(w["on"].get("push").is_none() && w["on"].get("pull_request").is_none(), "{}", w["on"]);
    assert_eq!(w["permissions"], serde_json::json!({}), "nothing at the workflow level");
    let job = &w["jobs"]["drift"];
    assert_eq!(job["permissions"], serde_json::json!({ "contents": "read", "id-token": "write" }));
    // a job in a GitHub environment gets that environment's `sub`, which the role does not trust
    assert!(job.get("environment").is_none(), "{job}");
    let steps = job["steps"].as_array().unwrap();
    let credentials = steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("aws-actions/"))).unwrap();
    assert_eq!(credentials["with"]["role-to-assume"], "arn:aws:iam::123456789012:role/shop-dev-github-drift");
    assert_eq!(credentials["with"]["aws-region"], "eu-west-1");
    let run = steps.last().unwrap()["run"].as_str().unwrap();
    // this environment's stacks by id: `dev-eu-edge` shares the prefix but not the role
    assert!(run.contains("$PROGRAM drift dev-cicd dev-network\n"), "{run}");
    assert!(!run.contains("dev-eu"), "{run}");
    assert!(run.contains("set +e") && run.contains("exit \"$status\"") && run.contains("= 4 ]"), "{run}");
    assert_eq!(w["env"]["PROGRAM"], "cargo run --locked --features deploy --");
    for step in steps.iter().filter_map(|s| s["uses"].as_str()) {
        assert!(actions::ALL.iter().any(|a| a.reference() == step), "not a pinned action: {step}");
    }
}

#[test]
fn the_role_trusts_runs_on_the_main_branch_only() {
    for (branch, sub) in
        [("main", "repo:acme/shop:ref:refs/heads/main"), ("trunk", "repo:acme/shop:ref:refs/heads/trunk")]
    {
        let (app, pipeline, _, _) = program(&[], |p| p.main_branch(branch));
        assert!(pipeline.drift_role().is_some());
        let assembly = app.synth().unwrap();
        let role = resource(&assembly, "GitHubDriftRole");
        let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(trust["Action"], "sts:AssumeRoleWithWebIdentity");
        assert_eq!(trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"], sub);
        assert_eq!(trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
        assert_eq!(role["Properties"]["RoleName"], "shop-dev-github-drift");
    }
}

#[test]
fn the_policy_follows_the_resource_types_of_the_stacks() {
    let (app, _, _, _) = program(&[], |p| p);
    let base = allowed_actions(&app.synth().unwrap());
    assert!(base.contains(&"ec2:DescribeVpcs".to_string()), "the VPC's read handler: {base:?}");
    assert!(base.contains(&"iam:GetRole".to_string()), "the pipeline's roles are read too: {base:?}");
    assert!(!base.iter().any(|a| a.starts_with("sns:")), "no topic in this environment: {base:?}");

    let (app, _, _, _) = program(&[("Alarms", "AWS::SNS::Topic")], |p| p);
    let with_topic = allowed_actions(&app.synth().unwrap());
    let added: Vec<&String> = with_topic.iter().filter(|a| !base.contains(a)).collect();
    let expected = stackwright_cfn::read_permissions("AWS::SNS::Topic").unwrap();
    assert!(!added.is_empty() && added.iter().all(|a| expected.contains(a)), "{added:?}");
    assert!(expected.iter().all(|a| with_topic.contains(a)), "every action of the topic's read handler");
}

#[test]
fn no_action_is_a_wildcard_and_only_unscopable_reads_are_on_every_resource() {
    let (app, _, _, _) =
        program(&[("Alarms", "AWS::SNS::Topic")], |p| p.cluster(ClusterTarget::new("shop-dev", "shop", "web")));
    let assembly = app.synth().unwrap();
    let read_only = |a: &str| {
        let verb = a.split_once(':').unwrap().1;
        ["Describe", "Get", "List"].iter().any(|p| verb.starts_with(p))
    };
    for s in statements(&assembly) {
        assert_eq!(s["Effect"], "Allow");
        for a in list(&s["Action"]) {
            assert!(a != "*" && !a.ends_with(":*") && a.contains(':'), "{a}");
        }
        if list(&s["Resource"]).iter().any(|r| r == "*") {
            // the two statements with a written reason in the construct; read actions only
            assert!(["FollowTheDetection", "ReadTheResourcesTypes"].contains(&s["Sid"].as_str().unwrap()), "{s}");
            assert!(list(&s["Action"]).iter().all(|a| read_only(a)), "{s}");
        }
    }
    let detect = statements(&assembly).into_iter().find(|s| s["Sid"] == "DetectDriftOfTheStacks").unwrap();
    assert!(list(&detect["Action"]).contains(&"cloudformation:DetectStackDrift".to_string()));
    let stacks: Vec<String> = list(&detect["Resource"]);
    assert_eq!(stacks.len(), 2, "{stacks:?}");
    assert!(
        stacks[0].contains(":stack/shop-dev-cicd/*") && stacks[1].contains(":stack/shop-dev-network/*"),
        "{stacks:?}"
    );
    let cluster = statements(&assembly).into_iter().find(|s| s["Sid"] == "ConnectToTheCluster").unwrap();
    assert!(list(&cluster["Resource"])[0].contains(":cluster/shop-dev"), "{cluster}");
}

#[test]
fn with_a_cluster_the_role_views_it_through_an_access_entry() {
    let (app, _, _, _) = program(&[], |p| p.cluster(ClusterTarget::new("shop-dev", "shop", "web")));
    let assembly = app.synth().unwrap();
    let entry = resource(&assembly, "GitHubDriftClusterAccess");
    assert_eq!(entry["Type"], "AWS::EKS::AccessEntry");
    assert_eq!(entry["Properties"]["PrincipalArn"]["Fn::GetAtt"][0], "GitHubDriftRole");
    let policy = entry["Properties"]["AccessPolicies"][0]["PolicyArn"].to_string();
    assert!(policy.contains("AmazonEKSViewPolicy"), "{policy}");
    let (app, _, _, _) = program(&[], |p| p);
    assert!(resource(&app.synth().unwrap(), "GitHubDriftClusterAccess").is_null(), "no cluster, no entry");
}

#[test]
fn types_without_a_read_handler_are_named_in_the_roles_metadata() {
    let (app, _, _, _) = program(&[("Policy", "AWS::IAM::Policy")], |p| p);
    let assembly = app.synth().unwrap();
    assert!(assembly.warnings.iter().next().is_none(), "not a warning: nothing the author can do");
    let role = resource(&assembly, "GitHubDriftRole");
    let unread = &role["Metadata"]["stackwright:drift-unread-types"]["types"];
    assert_eq!(unread["AWS::IAM::Policy"], "dev/network/Policy", "{role}");
}

#[test]
fn a_resource_type_or_stack_added_after_the_workflow_is_a_synth_error() {
    let (app, _, dev, network) = program(&[], |p| p);
    Resource::new(&network, "Alarms", RawResource::new("AWS::SNS::Topic")).unwrap();
    Resource::new(&dev.stack("late"), "Vpc", RawResource::new("AWS::EC2::VPC")).unwrap();
    let e = app.synth().unwrap_err();
    let text = e.to_string();
    assert!(e.diagnostics().iter().all(|d| d.path == "dev/cicd/GitHub/Drift"), "{text}");
    assert!(
        text.contains("the resource type AWS::SNS::Topic (first at 'dev/network/Alarms') was added after"),
        "{text}"
    );
    assert!(text.contains("the stack 'dev-late' was added after the drift workflow"), "{text}");
    assert!(text.contains("call add_drift_workflow after the program has added every stack and resource"), "{text}");

    // another resource of a type the role already reads is fine
    let (app, _, _, network) = program(&[], |p| p);
    Resource::new(&network, "Vpc2", RawResource::new("AWS::EC2::VPC")).unwrap();
    app.synth().unwrap();
}

#[test]
fn a_bad_schedule_or_a_second_workflow_is_a_synth_error_at_the_drift_path() {
    let (app, mut pipeline, _, _) = program(&[], |p| p);
    pipeline.add_drift_workflow(&DriftSchedule::cron("0 6 * * 1")).unwrap();
    let e = app.synth().unwrap_err();
    assert!(e.to_string().contains("the drift workflow is added twice"), "{e}");

    let app = App::new("shop");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1);
    let mut pipeline = GitHubPipeline::new(
        &dev.stack("cicd"),
        "GitHub",
        GitHubPipelineProps::new(GitHubRepository::new("acme/shop").unwrap()),
    )
    .unwrap();
    pipeline.add_drift_workflow(&DriftSchedule::cron("0 25 * * MON")).unwrap();
    assert!(pipeline.drift_role().is_none() && !pipeline.workflows().contains_key(DRIFT_WORKFLOW));
    let e = app.synth().unwrap_err();
    let d = &e.diagnostics()[0];
    assert_eq!(d.path, "dev/cicd/GitHub/Drift");
    assert!(d.message.contains("invalid drift schedule '0 25 * * MON': the hour 25 is outside 0-23"), "{e}");
    assert!(d.hint.contains("DriftSchedule::cron(\"0 6 * * 1\")"), "{e}");
}

#[test]
fn a_rejected_pipeline_adds_no_drift_workflow() {
    let app = App::new("shop");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1);
    let props = GitHubPipelineProps::new(GitHubRepository::new("acme/shop").unwrap()).main_branch("main*");
    let mut pipeline = GitHubPipeline::new(&dev.stack("cicd"), "GitHub", props).unwrap();
    pipeline.add_drift_workflow(&DriftSchedule::cron("0 6 * * 1")).unwrap();
    assert!(pipeline.workflows().is_empty() && pipeline.drift_role().is_none());
    let e = app.synth().unwrap_err();
    assert!(e.diagnostics().iter().all(|d| d.path == "dev/cicd/GitHub"), "only the pipeline's own problem: {e}");
}
