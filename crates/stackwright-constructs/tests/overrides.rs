//! Overrides of a construct's inner resources, checked against the registry schema.

mod eks_support;

use eks_support::{platform, template};
use stackwright_cfn::CheckedOverride;
use stackwright_core::{AnyResource, Value};

#[test]
fn an_override_changes_exactly_the_property_and_is_recorded() {
    let (app, _) = platform();
    let before = template(&app.synth().unwrap(), "prod-cluster");
    let (app, cluster) = platform();
    let control_plane = AnyResource::find(&cluster, "").unwrap();
    assert_eq!(control_plane.type_name(), "AWS::EKS::Cluster");
    control_plane
        .override_property(
            "Logging.ClusterLogging.EnabledTypes",
            Value::list(["api", "audit"].map(|t| Value::map([("Type", t)]))),
        )
        .unwrap();
    let after = template(&app.synth().unwrap(), "prod-cluster");
    let mut expected = before.clone();
    let resource =
        expected["Resources"].as_object_mut().unwrap().values_mut().find(|r| r["Type"] == "AWS::EKS::Cluster").unwrap();
    resource["Properties"]["Logging"]["ClusterLogging"]["EnabledTypes"] =
        serde_json::json!([{"Type": "api"}, {"Type": "audit"}]);
    resource["Metadata"]["stackwright:overrides"] = serde_json::json!(["Logging.ClusterLogging.EnabledTypes"]);
    assert_eq!(after, expected);
}

#[test]
fn an_unknown_property_path_names_the_type_and_the_nearest_valid_path() {
    let (_app, cluster) = platform();
    let control_plane = AnyResource::find(&cluster, "Resource").unwrap();
    let err = control_plane.override_property("LoggingConfiguration.ClusterLogging.EnabledTypes", true).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("prod/cluster/Cluster/Resource: AWS::EKS::Cluster has no property 'LoggingConfiguration.ClusterLogging.EnabledTypes'"),
        "{text}"
    );
    assert!(text.contains("hint: nearest valid path: Logging.ClusterLogging.EnabledTypes"), "{text}");
}

#[test]
fn a_path_to_no_construct_lists_the_children() {
    let (_app, cluster) = platform();
    let err = AnyResource::find(&cluster, "ControlPlan").unwrap_err().to_string();
    assert!(err.contains("no construct at 'ControlPlan' below 'prod/cluster/Cluster'"), "{err}");
    assert!(err.contains("hint: the children of 'prod/cluster/Cluster' are: "), "{err}");
}
