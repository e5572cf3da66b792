//! GitHubAccess: the OIDC provider and the trust and permissions of the diff and deploy roles.

use serde_json::{Value as Json, json};
use stackwright_constructs::delivery::github::{
    ClusterTarget, GitHubAccess, GitHubAccessProps, GitHubRepository, OidcProviderSource,
};
use stackwright_core::{Account, App, Construct, Region};

mod eks_support;

fn synth(configure: impl FnOnce(GitHubAccessProps) -> GitHubAccessProps) -> Json {
    let app = App::new("flask-platform");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    let stack = prod.stack("cicd");
    let props = GitHubAccessProps::new(GitHubRepository::new("acme/flask-platform").unwrap());
    GitHubAccess::new(&stack, "GitHub", configure(props)).unwrap();
    let assembly = app.synth().unwrap();
    serde_json::from_str(assembly.file("prod-cicd.template.json").unwrap()).unwrap()
}

fn role<'a>(template: &'a Json, id: &str) -> &'a Json {
    &template["Resources"][id]["Properties"]
}

/// The trust policy's only statement.
fn trust<'a>(template: &'a Json, id: &str) -> &'a Json {
    let statements = role(template, id)["AssumeRolePolicyDocument"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{id} has exactly one trust statement");
    &statements[0]
}

fn statements(template: &Json, id: &str) -> Vec<Json> {
    role(template, id)["Policies"][0]["PolicyDocument"]["Statement"].as_array().unwrap().clone()
}

fn actions(statement: &Json) -> Vec<String> {
    match &statement["Action"] {
        Json::String(s) => vec![s.clone()],
        Json::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        other => panic!("unexpected Action {other}"),
    }
}

#[test]
fn the_diff_role_trusts_exactly_the_repositorys_pull_requests() {
    let t = synth(|p| p);
    let s = trust(&t, "GitHubDiffRole");
    assert_eq!(s["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(s["Principal"], json!({ "Federated": { "Fn::GetAtt": ["GitHubProvider", "Arn"] } }));
    assert_eq!(
        s["Condition"],
        json!({ "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/flask-platform:pull_request",
        }})
    );
}

#[test]
fn the_deploy_role_trusts_exactly_the_repositorys_production_environment() {
    let t = synth(|p| GitHubAccessProps { environment: "prod-approval".into(), ..p });
    let s = trust(&t, "GitHubDeployRole");
    assert_eq!(
        s["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"],
        "repo:acme/flask-platform:environment:prod-approval"
    );
    assert_eq!(s["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
    // StringEquals only: no StringLike, so no wildcard can widen the subject.
    assert_eq!(s["Condition"].as_object().unwrap().len(), 1);
}

#[test]
fn the_provider_is_githubs_with_the_sts_audience_or_an_existing_one() {
    let t = synth(|p| p);
    assert_eq!(
        t["Resources"]["GitHubProvider"]["Properties"],
        json!({ "ClientIdList": ["sts.amazonaws.com"], "Url": "https://token.actions.githubusercontent.com" })
    );
    let arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    let t = synth(|p| GitHubAccessProps { provider: OidcProviderSource::Existing(arn.into()), ..p });
    assert!(t["Resources"].get("GitHubProvider").is_none());
    assert_eq!(trust(&t, "GitHubDeployRole")["Principal"]["Federated"], arn);
}

#[test]
fn no_long_lived_keys_and_short_sessions() {
    let t = synth(|p| p);
    for (id, r) in t["Resources"].as_object().unwrap() {
        let kind = r["Type"].as_str().unwrap();
        assert!(!matches!(kind, "AWS::IAM::User" | "AWS::IAM::AccessKey"), "{id} is {kind}");
    }
    for id in ["GitHubDiffRole", "GitHubDeployRole"] {
        assert_eq!(role(&t, id)["MaxSessionDuration"], 3600);
    }
}

#[test]
fn the_diff_role_previews_and_never_changes() {
    let t = synth(|p| GitHubAccessProps {
        cluster: Some(ClusterTarget::new("flask-platform-prod", "flask-app", "flask-app")),
        ..p
    });
    let all: Vec<String> = statements(&t, "GitHubDiffRole").iter().flat_map(actions).collect();
    assert!(all.contains(&"cloudformation:CreateChangeSet".to_string()));
    assert!(all.contains(&"eks:DescribeCluster".to_string()));
    for a in &all {
        assert!(!a.contains('*'), "{a}");
        assert!(
            !["ExecuteChangeSet", "DeleteStack", "UpdateStack", "CreateStack", "PassRole"]
                .iter()
                .any(|w| a.ends_with(w)),
            "the diff role must not change anything: {a}"
        );
    }
    // read-only on the cluster: the view policy, never admin
    let entry = &t["Resources"]["GitHubDiffAccess"]["Properties"];
    assert!(entry["AccessPolicies"][0]["PolicyArn"]["Fn::Sub"].as_str().unwrap().ends_with("/AmazonEKSViewPolicy"));
}

#[test]
fn the_deploy_role_is_scoped() {
    let t = synth(|p| GitHubAccessProps {
        ecr_repositories: vec!["flask-platform/flask-app".into()],
        cluster: Some(ClusterTarget::new("flask-platform-prod", "flask-app", "flask-app")),
        ..p
    });
    let st = statements(&t, "GitHubDeployRole");
    let by_sid = |sid: &str| st.iter().find(|s| s["Sid"] == sid).unwrap_or_else(|| panic!("statement {sid}")).clone();
    // CloudFormation only on the app's stacks
    assert_eq!(
        by_sid("ChangeAppStacks")["Resource"],
        json!({ "Fn::Sub": "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/flask-platform-prod-*/*" })
    );
    // resources only through CloudFormation
    let through = by_sid("ResourcesThroughCloudFormationOnly");
    assert_eq!(
        through["Condition"],
        json!({ "ForAnyValue:StringEquals": { "aws:CalledVia": "cloudformation.amazonaws.com" } })
    );
    assert!(!actions(&through).iter().any(|a| a.starts_with("iam:")));
    // PassRole: the app's roles, to EKS and EC2 only
    let pass = by_sid("PassOnlyTheAppsRoles");
    assert_eq!(
        pass["Resource"],
        json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/flask-platform-prod-*" })
    );
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        json!(["eks.amazonaws.com", "ec2.amazonaws.com"])
    );
    // ECR push to that repository only
    assert_eq!(
        by_sid("PushTheAppImage")["Resource"],
        json!({ "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/flask-platform/flask-app" })
    );
    // never its own stack or roles
    assert_eq!(by_sid("NeverChangeThePipelineStack")["Effect"], "Deny");
    assert_eq!(by_sid("NeverChangeThePipelineRoles")["Effect"], "Deny");
    // every Allow without a resource ARN has a condition or is an action without resource-level permissions
    for s in &st {
        if s["Effect"] == "Allow" && s["Resource"] == "*" {
            assert!(s.get("Condition").is_some() || actions(s) == ["ecr:GetAuthorizationToken"], "{s}");
        }
    }
    let entry = &t["Resources"]["GitHubDeployAccess"]["Properties"];
    assert_eq!(entry["ClusterName"], "flask-platform-prod");
    assert_eq!(entry["PrincipalArn"], json!({ "Fn::GetAtt": ["GitHubDeployRole", "Arn"] }));
}

#[test]
fn invalid_input_is_reported_with_a_fix() {
    for bad in ["acme", "acme/", "/repo", "ac me/repo", "acme/re*po", "-acme/repo", "acme/.."] {
        let e = GitHubRepository::new(bad).unwrap_err();
        assert!(e.to_string().contains("owner/name"), "{bad}: {e}");
    }
    let app = App::new("flask-platform");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    let stack = prod.stack("cicd");
    let props = GitHubAccessProps {
        environment: "prod*".into(),
        ecr_repositories: vec!["Bad Repo".into()],
        ..GitHubAccessProps::new(GitHubRepository::new("acme/flask-platform").unwrap())
    };
    let access = GitHubAccess::new(&stack, "GitHub", props).unwrap();
    assert!(access.node().is_rejected());
    let e = app.synth().unwrap_err();
    assert_eq!(e.diagnostics().len(), 2, "{e}");
    assert!(e.diagnostics().iter().all(|d| d.path == "prod/cicd/GitHub"), "{e}");
    assert!(e.to_string().contains("invalid GitHub environment name 'prod*'"), "{e}");
    assert!(e.to_string().contains("invalid ECR repository name 'Bad Repo'"), "{e}");
}

/// With the typed handles of the reference platform: the access entries name the cluster
/// through its stack's output (so they are created after it), and the workflows name its
/// Deployment.
#[test]
fn typed_cluster_and_app_handles() {
    use stackwright_constructs::delivery::github::{AppDelivery, GitHubPipeline, GitHubPipelineProps};
    use stackwright_constructs::{
        EcrRepo, EcrRepoProps, EksCluster, EksClusterProps, FlaskApp, FlaskAppProps, KubernetesVersion, NodeGroup,
        NodeGroupProps,
    };
    let app = App::new("flask-platform");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let vpc = eks_support::reference_vpc(&prod);
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let repo = EcrRepo::new(&prod.stack("registry"), "FlaskApp", EcrRepoProps::default()).unwrap();
    let web = FlaskApp::new(&cluster, "flask-app", FlaskAppProps::new(repo.image_tag_from_env("IMAGE_TAG"))).unwrap();
    let pipeline = GitHubPipeline::new(
        &prod.stack("cicd"),
        "GitHub",
        GitHubPipelineProps::new(GitHubRepository::new("acme/flask-platform").unwrap())
            .app(AppDelivery::for_repo("examples/flask-app", &repo))
            .cluster(ClusterTarget::for_app(&cluster, &web)),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    if let Ok(dir) = std::env::var("STACKWRIGHT_GITHUB_PLATFORM_OUT") {
        assembly.write_to(std::path::Path::new(&dir)).unwrap();
    }
    let cicd = assembly.manifest.stack("prod-cicd").unwrap();
    assert!(cicd.dependencies.contains(&"prod-cluster".to_string()), "{:?}", cicd.dependencies);
    let t: Json = serde_json::from_str(assembly.file("prod-cicd.template.json").unwrap()).unwrap();
    let cluster_name = &t["Resources"]["GitHubAccessDeployAccess"]["Properties"]["ClusterName"];
    assert!(cluster_name.get("Ref").is_some(), "a parameter filled from the cluster stack: {cluster_name}");
    let app_yml = &pipeline.workflows()["stackwright-app.yml"];
    let yaml = app_yml.to_yaml().unwrap();
    assert!(yaml.contains(&format!("CLUSTER: {}", cluster.name())), "{yaml}");
    assert!(yaml.contains(&format!("DEPLOYMENT: {}", web.name())), "{yaml}");
    assert!(yaml.contains(&format!("NAMESPACE: {}", web.namespace())), "{yaml}");
    assert!(yaml.contains(&format!("REPOSITORY: {}", repo.name())), "{yaml}");
    let manifests: String = assembly
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("k8s/"))
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .collect();
    assert!(manifests.contains("((stackwright:env:IMAGE_TAG))"), "the workflows set the variable the image reads");
}

/// An existing provider must be GitHub's, in the stack's account: checked at synth.
#[test]
fn an_existing_provider_of_another_issuer_or_account_is_refused() {
    for (arn, message) in [
        (
            "arn:aws:iam::123456789012:oidc-provider/gitlab.com",
            "'arn:aws:iam::123456789012:oidc-provider/gitlab.com' is not the ARN of GitHub's OIDC provider",
        ),
        (
            "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com",
            "is in account 210987654321, not in 123456789012, the stack's",
        ),
    ] {
        let app = App::new("flask-platform");
        let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
        let props = GitHubAccessProps {
            provider: OidcProviderSource::Existing(arn.into()),
            ..GitHubAccessProps::new(GitHubRepository::new("acme/flask-platform").unwrap())
        };
        let access = GitHubAccess::new(&prod.stack("cicd"), "GitHub", props).unwrap();
        assert!(access.node().is_rejected());
        let e = app.synth().unwrap_err().to_string();
        assert!(e.contains("prod/cicd/GitHub: ") && e.contains(message), "{e}");
    }
}
