//! The behaviour users rely on from synthesis: determinism, atomic output, cross-stack wiring,
//! late binding and every error reported with its construct path.

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::assembly::BindingSource;
use stackwright_core::{
    Account, App, ClusterConnection, Construct, Error, KubeCluster, Pseudo, RawResource, Region, Resource, Value, sub,
};

fn account() -> Account {
    Account::new("123456789012").unwrap()
}

fn vpc(scope: &impl Construct, id: &str) -> Resource<RawResource> {
    Resource::new(scope, id, RawResource::new("AWS::EC2::VPC").with("CidrBlock", "10.0.0.0/16")).unwrap()
}

fn subnet(scope: &impl Construct, id: &str, vpc_id: impl Into<Value>) -> Resource<RawResource> {
    Resource::new(
        scope,
        id,
        RawResource::new("AWS::EC2::Subnet").with("VpcId", vpc_id).with("CidrBlock", "10.0.0.0/24"),
    )
    .unwrap()
}

/// A two-stack app with a cross-stack reference and a cluster with late-bound values.
fn sample_app() -> App {
    let app = App::new("demo");
    let prod = app.environment("prod", account(), Region::EuWest1);
    let network = prod.stack("network");
    let v = vpc(&network, "Vpc");
    let cluster_stack = prod.stack("cluster");
    let s = subnet(&cluster_stack, "Subnet", v.get_att::<String>("VpcId"));
    let role = Resource::new(
        &cluster_stack,
        "Role",
        RawResource::new("AWS::IAM::Role").with("AssumeRolePolicyDocument", Value::map([("Version", "2012-10-17")])),
    )
    .unwrap();
    let connection = ClusterConnection {
        cluster_name: "demo".into(),
        endpoint: s.attr("Endpoint").into(),
        certificate_authority: s.attr("CertificateAuthorityData").into(),
        oidc_issuer: s.attr("OpenIdConnectIssuerUrl").into(),
    };
    let cluster = KubeCluster::new(&cluster_stack, "main", connection).unwrap();
    let ns =
        Namespace { metadata: ObjectMeta { name: Some("web".into()), ..Default::default() }, ..Default::default() };
    cluster.add(&cluster_stack, &ns).unwrap();
    let arn = cluster.late_bound(role.get_att::<String>("Arn")).unwrap();
    let tag = cluster.from_environment("IMAGE_TAG").unwrap();
    let sa = ServiceAccount {
        metadata: ObjectMeta {
            name: Some("web".into()),
            namespace: Some("web".into()),
            annotations: Some(
                [("eks.amazonaws.com/role-arn".to_string(), arn), ("example.com/tag".to_string(), tag)].into(),
            ),
            ..Default::default()
        },
        ..Default::default()
    };
    cluster.add(&cluster_stack, &sa).unwrap();
    app
}

fn error_text(result: stackwright_core::Result<impl Sized>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn two_synths_are_byte_identical() {
    let a = sample_app().synth().unwrap();
    let b = sample_app().synth().unwrap();
    assert_eq!(a.manifest_json(), b.manifest_json());
    assert_eq!(a.files, b.files);

    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    sample_app().synth_to(&one).unwrap();
    sample_app().synth_to(&two).unwrap();
    for entry in walk(&one) {
        let relative = entry.strip_prefix(&one).unwrap();
        assert_eq!(
            std::fs::read(&entry).unwrap(),
            std::fs::read(two.join(relative)).unwrap(),
            "{}",
            relative.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out.sort();
    out
}

#[test]
fn a_failing_synth_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    sample_app().synth_to(&out).unwrap();
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = walk(&out)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();

    let broken = sample_app();
    let env = broken.environments().remove(0);
    let stack = env.stack("network"); // duplicate stack id
    vpc(&stack, "Other");
    assert!(broken.synth_to(&out).is_err());

    let after: Vec<(std::path::PathBuf, Vec<u8>)> = walk(&out)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    assert_eq!(before, after);
    // Nothing half-written beside it either.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("out")]);
}

#[test]
fn a_rewrite_replaces_the_previous_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("stale.template.json"), "{}").unwrap();
    sample_app().synth_to(&out).unwrap();
    assert!(!out.join("stale.template.json").exists());
    assert!(out.join("manifest.json").exists());
}

#[test]
fn duplicate_construct_id_is_an_error_naming_the_path() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("network");
    vpc(&stack, "Vpc");
    let err = error_text(Resource::new(&stack, "Vpc", RawResource::new("AWS::EC2::VPC")));
    assert!(err.contains("prod/network/Vpc: duplicate construct id 'Vpc'"), "{err}");
    assert!(err.contains("hint: give each child of a construct a unique id"), "{err}");
}

#[test]
fn duplicate_stack_and_environment_ids_are_reported_by_synth() {
    let app = App::new("demo");
    let prod = app.environment("prod", account(), Region::EuWest1);
    vpc(&prod.stack("network"), "Vpc");
    vpc(&prod.stack("network"), "Vpc");
    app.environment("prod", account(), Region::UsEast1);
    let err = error_text(app.synth());
    assert!(err.contains("2 problems found"), "{err}");
    assert!(err.contains("prod/network: duplicate construct id 'network'"), "{err}");
    assert!(err.contains("prod: duplicate construct id 'prod'"), "{err}");
}

#[test]
fn logical_id_collision_names_both_paths() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("network");
    let a = stack.node().add_child("Public").unwrap();
    vpc(&a, "Subnet1");
    vpc(&stack, "PublicSubnet1");
    let err = error_text(app.synth());
    assert!(err.contains("prod/network/PublicSubnet1: logical id 'PublicSubnet1' collides with the one of 'prod/network/Public/Subnet1'"), "{err}");
    assert!(err.contains("set_logical_id"), "{err}");
}

#[test]
fn logical_ids_follow_paths_and_overrides_survive_moves() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("network");
    let flask = stack.node().add_child("flask-app").unwrap();
    vpc(&flask, "Resource");
    let moved = stack.node().add_child("NewParent").unwrap();
    let kept = moved.add_child("Vpc").unwrap();
    kept.set_logical_id("OldVpc").unwrap();
    vpc(&kept, "Resource");
    let assembly = app.synth().unwrap();
    let ids: Vec<&String> = assembly.manifest.stacks[0].resources.keys().collect();
    assert_eq!(ids, ["FlaskApp", "OldVpc"]);
}

#[test]
fn a_reference_cycle_between_stacks_names_the_edge_to_cut() {
    let app = App::new("demo");
    let prod = app.environment("prod", account(), Region::EuWest1);
    let (a, b) = (prod.stack("a"), prod.stack("b"));
    let va = vpc(&a, "Vpc");
    let sb = subnet(&b, "Subnet", va.reference());
    subnet(&a, "Subnet", sb.reference());
    let err = error_text(app.synth());
    assert!(err.contains("stacks depend on each other in a cycle: prod-a -> prod-b -> prod-a"), "{err}");
    assert!(err.contains("cut the edge prod-b -> prod-a ('prod/b/Subnet' uses 'prod/a/Vpc')"), "{err}");
}

#[test]
fn a_reference_cycle_inside_a_stack_is_an_error() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("network");
    let a = vpc(&stack, "A");
    let b = subnet(&stack, "B", a.reference());
    a.set_property("Tag", b.reference()).unwrap();
    let err = error_text(app.synth());
    assert!(
        err.contains("resources depend on each other in a cycle: prod/network/A -> prod/network/B -> prod/network/A"),
        "{err}"
    );
}

#[test]
fn a_cross_environment_reference_is_an_error() {
    let app = App::new("demo");
    let prod = app.environment("prod", account(), Region::EuWest1);
    let billing = app.environment("billing", account(), Region::UsEast1);
    let topic = Resource::new(&billing.stack("alarms"), "Topic", RawResource::new("AWS::SNS::Topic")).unwrap();
    Resource::new(
        &prod.stack("app"),
        "Alarm",
        RawResource::new("AWS::CloudWatch::Alarm").with("AlarmActions", vec![Value::from(topic.reference())]),
    )
    .unwrap();
    let err = error_text(app.synth());
    assert!(err.contains("prod/app/Alarm: refers to 'billing/alarms/Topic' in environment 'billing', but a stack can only use values of its own environment ('prod')"), "{err}");
}

#[test]
fn invalid_account_and_unknown_region_are_clear_errors() {
    let err = error_text(Account::new("12345"));
    assert!(err.contains("invalid AWS account id '12345': it must be exactly 12 digits"), "{err}");
    let err = error_text("eu-wset-1".parse::<Region>());
    assert!(err.contains("unknown region 'eu-wset-1'") && err.contains("did you mean 'eu-west-1'?"), "{err}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let app = App::new("bad_name");
    let prod = app.environment("prod", account(), Region::EuWest1);
    let stack = prod.stack("network");
    stack.add_output("not-valid", "x", None);
    let a = stack.node().add_child("A").unwrap();
    vpc(&a, "B");
    vpc(&stack, "AB");
    stack
        .node()
        .add_check(|_| vec![stackwright_core::Diagnostic::new("prod/network", "custom check failed", "fix it")]);
    let Err(Error::Invalid(diagnostics)) = app.synth() else { panic!("expected diagnostics") };
    let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
    assert_eq!(diagnostics.len(), 4, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("invalid app name 'bad_name'")));
    assert!(messages.iter().any(|m| m.contains("invalid output name 'not-valid'")));
    assert!(messages.iter().any(|m| m.contains("custom check failed")));
    assert!(messages.iter().any(|m| m.contains("logical id 'AB' collides")));
}

#[test]
fn a_cross_stack_reference_becomes_a_parameter_and_a_binding_not_an_export() {
    let assembly = sample_app().synth().unwrap();
    let manifest = &assembly.manifest;
    let ids: Vec<&str> = manifest.stacks.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["prod-network", "prod-cluster"], "producers come first");
    let consumer = manifest.stack("prod-cluster").unwrap();
    assert_eq!(consumer.dependencies, ["prod-network"]);
    assert_eq!(consumer.parameters.len(), 1);
    let binding = &consumer.parameters[0];
    assert_eq!(
        (binding.parameter.as_str(), binding.stack.as_str(), binding.output.as_str()),
        ("NetworkVpcVpcId", "prod-network", "VpcVpcId")
    );

    let consumer_template: serde_json::Value =
        serde_json::from_str(assembly.file("prod-cluster.template.json").unwrap()).unwrap();
    assert_eq!(consumer_template["Parameters"]["NetworkVpcVpcId"]["Type"], "String");
    assert_eq!(
        consumer_template["Resources"]["Subnet"]["Properties"]["VpcId"],
        serde_json::json!({ "Ref": "NetworkVpcVpcId" })
    );
    let producer_template: serde_json::Value =
        serde_json::from_str(assembly.file("prod-network.template.json").unwrap()).unwrap();
    assert_eq!(
        producer_template["Outputs"]["VpcVpcId"]["Value"],
        serde_json::json!({ "Fn::GetAtt": ["Vpc", "VpcId"] })
    );
    for file in assembly.files.values() {
        let text = String::from_utf8_lossy(file);
        assert!(!text.contains("Fn::ImportValue") && !text.contains("\"Export\""), "no exports: {text}");
    }
}

#[test]
fn a_late_bound_value_is_a_placeholder_and_a_binding() {
    let assembly = sample_app().synth().unwrap();
    let cluster = &assembly.manifest.clusters[0];
    assert_eq!(cluster.id, "prod-main");
    assert_eq!(cluster.stack, "prod-cluster");
    assert_eq!(cluster.outputs.endpoint, "MainEndpoint");
    let files: Vec<&str> = cluster.objects.iter().map(|o| o.file.as_str()).collect();
    assert_eq!(files, ["00-namespace-web.yaml", "01-serviceaccount-web-web.yaml"], "namespaces first");

    let sa = assembly.file("k8s/prod-main/01-serviceaccount-web-web.yaml").unwrap();
    let placeholder = "((stackwright:ref:prod/cluster/Role.Arn))";
    assert!(sa.contains(placeholder), "{sa}");
    assert!(sa.contains("((stackwright:env:IMAGE_TAG))"), "{sa}");
    assert!(sa.contains("app.kubernetes.io/managed-by: stackwright"), "{sa}");

    let binding = cluster.bindings.iter().find(|b| b.placeholder == placeholder).unwrap();
    assert_eq!(binding.source, BindingSource::StackOutput { stack: "prod-cluster".into(), output: "RoleArn".into() });
    let env = cluster.bindings.iter().find(|b| b.placeholder.contains("env:")).unwrap();
    assert_eq!(env.source, BindingSource::Environment { variable: "IMAGE_TAG".into() });

    let template: serde_json::Value =
        serde_json::from_str(assembly.file("prod-cluster.template.json").unwrap()).unwrap();
    assert_eq!(template["Outputs"]["RoleArn"]["Value"], serde_json::json!({ "Fn::GetAtt": ["Role", "Arn"] }));
    assert_eq!(
        template["Outputs"]["MainEndpoint"]["Value"],
        serde_json::json!({ "Fn::GetAtt": ["Subnet", "Endpoint"] })
    );
}

#[test]
fn intrinsics_render_as_cloudformation_expects() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("s");
    let v = vpc(&stack, "Vpc");
    let props = RawResource::new("Custom::Thing")
        .with(
            "Sub",
            sub!(
                "arn:",
                Pseudo::Partition,
                ":ec2:",
                Pseudo::Region,
                ":",
                Pseudo::AccountId,
                ":vpc/",
                v.reference(),
                "/${literal}"
            ),
        )
        .with("Join", Value::join(",", [Value::from("a"), v.reference().into()]))
        .with("Az", Value::select(1, Value::azs()))
        .with("Cidrs", Value::cidr(v.get_att::<String>("CidrBlock"), 4, 8))
        .with("Plain", sub!("no ", "references"))
        .with("Complex", sub!("x-", Value::select(0, Value::azs())))
        .with("Twice", sub!(Value::select(0, Value::azs()), "/", Value::select(0, Value::azs())));
    Resource::new(&stack, "Thing", props).unwrap();
    let assembly = app.synth().unwrap();
    let t: serde_json::Value = serde_json::from_str(assembly.file("prod-s.template.json").unwrap()).unwrap();
    let p = &t["Resources"]["Thing"]["Properties"];
    assert_eq!(
        p["Sub"],
        serde_json::json!({ "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${Vpc}/${!literal}" })
    );
    assert_eq!(p["Join"], serde_json::json!({ "Fn::Join": [",", ["a", { "Ref": "Vpc" }]] }));
    assert_eq!(p["Az"], serde_json::json!({ "Fn::Select": ["1", { "Fn::GetAZs": "" }] }));
    assert_eq!(p["Cidrs"], serde_json::json!({ "Fn::Cidr": [{ "Fn::GetAtt": ["Vpc", "CidrBlock"] }, "4", "8"] }));
    assert_eq!(p["Plain"], "no references");
    assert_eq!(
        p["Complex"],
        serde_json::json!({ "Fn::Sub": ["x-${Var1}", { "Var1": { "Fn::Select": ["0", { "Fn::GetAZs": "" }] } }] })
    );
    assert_eq!(
        p["Twice"],
        serde_json::json!({ "Fn::Sub": ["${Var1}/${Var1}", { "Var1": { "Fn::Select": ["0", { "Fn::GetAZs": "" }] } }] })
    );
    assert_eq!(t["Resources"]["Thing"]["Metadata"]["stackwright:path"], "prod/s/Thing");
}

#[test]
fn kubernetes_objects_are_checked_when_added() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("c");
    let conn = ClusterConnection {
        cluster_name: "c".into(),
        endpoint: "e".into(),
        certificate_authority: "ca".into(),
        oidc_issuer: "o".into(),
    };
    let cluster = KubeCluster::new(&stack, "main", conn).unwrap();
    let no_ns =
        ServiceAccount { metadata: ObjectMeta { name: Some("sa".into()), ..Default::default() }, ..Default::default() };
    assert!(
        error_text(cluster.add(&stack, &no_ns))
            .contains("ServiceAccount 'sa' is namespaced but has no metadata.namespace")
    );
    let bad =
        Namespace { metadata: ObjectMeta { name: Some("Web_App".into()), ..Default::default() }, ..Default::default() };
    let err = error_text(cluster.add(&stack, &bad));
    assert!(err.contains("prod/c: Namespace name is invalid: 'Web_App' contains 'W'"), "{err}");
    let ok =
        Namespace { metadata: ObjectMeta { name: Some("web".into()), ..Default::default() }, ..Default::default() };
    cluster.add(&stack, &ok).unwrap();
    assert!(error_text(cluster.add(&stack, &ok)).contains("Namespace 'web' is already defined"));
    assert!(
        error_text(cluster.late_bound(Value::from("literal")))
            .contains("only a resource reference or attribute can be late-bound")
    );
    assert!(error_text(cluster.from_environment("1TAG")).contains("not a valid environment variable name"));
}

#[test]
fn the_assembly_manifest_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let assembly = sample_app().synth_to(dir.path().join("out")).unwrap();
    let read = stackwright_core::Manifest::read(&dir.path().join("out")).unwrap();
    assert_eq!(read, assembly.manifest);
    assert!(!read.stacks[1].termination_protection, "only production environments are protected");
}

#[test]
fn a_template_too_large_to_send_inline_is_an_error() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("big");
    for i in 0..200 {
        let description = "x".repeat(300);
        Resource::new(
            &stack,
            &format!("Param{i}"),
            RawResource::new("AWS::SSM::Parameter").with("Description", description),
        )
        .unwrap();
    }
    let err = error_text(app.synth());
    assert!(
        err.contains("prod/big: the template is") && err.contains("CloudFormation accepts at most 51200 inline"),
        "{err}"
    );
}

#[test]
fn explicit_dependencies_become_depends_on_or_stack_order() {
    let app = App::new("demo");
    let prod = app.environment("prod", account(), Region::EuWest1);
    let (network, apps) = (prod.stack("network"), prod.stack("apps"));
    let a = vpc(&network, "A");
    let group = network.node().add_child("Group").unwrap();
    vpc(&group, "B");
    vpc(&group, "C");
    group.add_dependency(&a);
    let d = vpc(&apps, "D");
    d.node().add_dependency(&network);
    let assembly = app.synth().unwrap();
    let t: serde_json::Value = serde_json::from_str(assembly.file("prod-network.template.json").unwrap()).unwrap();
    assert_eq!(t["Resources"]["GroupB"]["DependsOn"], serde_json::json!(["A"]));
    assert_eq!(t["Resources"]["GroupC"]["DependsOn"], serde_json::json!(["A"]));
    assert!(t["Resources"]["A"].get("DependsOn").is_none());
    assert_eq!(assembly.manifest.stack("prod-apps").unwrap().dependencies, ["prod-network"]);
    let order: Vec<&str> = assembly.manifest.stacks.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(order, ["prod-network", "prod-apps"]);
}

#[test]
fn construct_metadata_lands_in_the_resource_metadata() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("s");
    let v = vpc(&stack, "Vpc");
    v.node().add_metadata("owner", "platform-team");
    let t: serde_json::Value =
        serde_json::from_str(app.synth().unwrap().file("prod-s.template.json").unwrap()).unwrap();
    assert_eq!(
        t["Resources"]["Vpc"]["Metadata"],
        serde_json::json!({ "stackwright:path": "prod/s/Vpc", "owner": "platform-team" })
    );
}

#[test]
fn a_construct_added_directly_below_the_app_is_not_an_environment() {
    // `add_child` is public on every node, the app's included: such a construct holds nothing
    // to deploy (a resource needs a stack), and synth must not take it for an environment.
    let app = App::new("demo");
    app.node().add_child("Loose").unwrap();
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::UsEast1);
    let network = prod.stack("network");
    Resource::new(&network, "Vpc", RawResource::new("AWS::EC2::VPC")).unwrap();
    let assembly = app.synth().expect("synthesizes");
    let manifest = assembly.manifest_json();
    assert!(manifest.contains(r#""id": "prod""#), "{manifest}");
    assert!(!manifest.contains("Loose"), "{manifest}");
}

#[test]
fn a_check_of_objects_of_a_kind_sees_those_added_before_and_after_it() {
    let app = App::new("demo");
    let stack = app.environment("prod", account(), Region::EuWest1).stack("c");
    let conn = ClusterConnection {
        cluster_name: "c".into(),
        endpoint: "e".into(),
        certificate_authority: "ca".into(),
        oidc_issuer: "o".into(),
    };
    let cluster = KubeCluster::new(&stack, "main", conn).unwrap();
    let namespace = |name: &str| Namespace {
        metadata: ObjectMeta { name: Some(name.into()), ..Default::default() },
        ..Default::default()
    };
    let before = stack.node().add_child("Before").unwrap();
    cluster.add(&before, &namespace("before")).unwrap();
    let checker = stack.node().add_child("Checker").unwrap();
    cluster.check_objects_of_kind(&checker, "Namespace", |objects| {
        objects
            .iter()
            .map(|(owner, body)| {
                stackwright_core::Diagnostic::new(owner.as_str(), format!("saw {}", body["metadata"]["name"]), "")
            })
            .collect()
    });
    let after = stack.node().add_child("After").unwrap();
    cluster.add(&after, &namespace("after")).unwrap();
    cluster
        .add(
            &after,
            &ServiceAccount {
                metadata: ObjectMeta { name: Some("sa".into()), namespace: Some("after".into()), ..Default::default() },
                ..Default::default()
            },
        )
        .unwrap();
    let e = error_text(app.synth());
    assert!(e.contains("prod/c/Before: saw \"before\""), "{e}");
    assert!(e.contains("prod/c/After: saw \"after\""), "{e}");
    assert!(!e.contains("\"sa\""), "only the kind asked for: {e}");
}
