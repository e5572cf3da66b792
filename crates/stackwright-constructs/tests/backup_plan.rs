//! BackupPlan: the vault with a customer-managed key, the rules, the selection by one tag, the
//! restore testing; the database and the Prometheus volume carrying exactly that tag; the EBS
//! CSI driver's use of the volume key; and bad inputs with path and hint.

mod common;
mod eks_support;

use eks_support::{app, error_text, reference_vpc, template};
use stackwright_constructs::{
    BackupPlan, BackupPlanProps, BackupRule, Database, DatabaseProps, EksCluster, EksClusterProps, KubernetesVersion,
    Monitoring, MonitoringProps, NodeGroup, NodeGroupProps, OptionalAddons, PersistentStorage, PostgresVersion,
    Prometheus, PrometheusProps, ProtectedResourceType, SubnetConfig, Vpc, VpcProps,
};
use stackwright_core::App;

fn plan(props: BackupPlanProps) -> (App, BackupPlan) {
    let (app, prod) = app();
    prod.mark_production();
    let plan = BackupPlan::new(&prod.stack("backup"), "Backups", props).unwrap();
    (app, plan)
}

#[test]
fn the_backup_stack_snapshot() {
    let (app, _) = plan(BackupPlanProps::default());
    crate::snapshot!("backup-plan.template", template(&app.synth().unwrap(), "prod-backup"));
}

#[test]
fn vault_key_rules_selection_and_restore_testing() {
    let (app, plan) = plan(BackupPlanProps::default());
    let t = template(&app.synth().unwrap(), "prod-backup");
    let r = &t["Resources"];
    assert_eq!(
        r["BackupsVault"]["Properties"]["EncryptionKeyArn"],
        serde_json::json!({"Fn::GetAtt": ["BackupsKey", "Arn"]})
    );
    assert_eq!(r["BackupsVault"]["DeletionPolicy"], "Retain");
    assert_eq!(r["BackupsKey"]["Properties"]["EnableKeyRotation"], true);
    let grant = &r["BackupsKey"]["Properties"]["KeyPolicy"]["Statement"][1];
    assert_eq!(grant["Principal"]["AWS"], serde_json::json!({"Fn::GetAtt": ["BackupsRole", "Arn"]}));
    assert_eq!(grant["Condition"]["StringEquals"]["kms:ViaService"], "backup.us-east-1.amazonaws.com");
    let rules = r["BackupsPlan"]["Properties"]["BackupPlan"]["BackupPlanRule"].as_array().unwrap();
    let retention: Vec<_> = rules.iter().map(|r| r["Lifecycle"]["DeleteAfterDays"].clone()).collect();
    assert_eq!(retention, [35.0, 180.0]);
    assert!(rules.iter().all(|r| r["Lifecycle"].get("MoveToColdStorageAfterDays").is_none()));
    let selection = &r["BackupsSelection"]["Properties"]["BackupSelection"];
    let condition = &selection["Conditions"]["StringEquals"][0];
    assert_eq!(condition["ConditionKey"], format!("aws:ResourceTag/{}", plan.selection_tag().key()));
    assert_eq!(condition["ConditionValue"], plan.selection_tag().value());
    assert_eq!(selection["Resources"].as_array().unwrap().len(), 2, "RDS instances and EBS volumes");
    assert_eq!(r["BackupsRestoreTesting"]["Type"], "AWS::Backup::RestoreTestingPlan");
    for ty in ["Rds", "Ebs"] {
        let s = &r[format!("BackupsRestoreTesting{ty}")]["Properties"];
        assert_eq!(s["ProtectedResourceType"], ty.to_ascii_uppercase());
        assert_eq!(s["ProtectedResourceConditions"]["StringEquals"][0]["Value"], plan.selection_tag().value());
    }
}

#[test]
fn protect_tags_the_database_with_exactly_the_selection_tag() {
    let (app, prod) = app();
    let vpc = Vpc::new(
        &prod.stack("network"),
        "Vpc",
        VpcProps::default().subnets([SubnetConfig::public(24), SubnetConfig::private(20), SubnetConfig::isolated(24)]),
    )
    .unwrap();
    let db = Database::new(&prod.stack("data"), "Orders", DatabaseProps::new(&vpc, PostgresVersion::V15)).unwrap();
    let plan = BackupPlan::new(&prod.stack("backup"), "Backups", BackupPlanProps::default()).unwrap();
    plan.protect(&db).unwrap();
    assert_eq!(db.tag(plan.selection_tag().key()).as_deref(), Some(plan.selection_tag().value()));
    let t = template(&app.synth().unwrap(), "prod-data");
    let tags = &t["Resources"]["OrdersInstance"]["Properties"]["Tags"];
    assert_eq!(tags[0]["Key"], "Name", "the Name tag stays first");
    assert_eq!(tags[1], serde_json::json!({"Key": plan.selection_tag().key(), "Value": plan.selection_tag().value()}));

    let rds_less = BackupPlan::new(
        &prod.stack("backup"),
        "Volumes",
        BackupPlanProps::default().resource_types([ProtectedResourceType::Ebs]),
    )
    .unwrap();
    let err = error_text(rds_less.protect(&db));
    assert!(err.contains("prod/backup/Volumes: the plan does not cover RDS"), "{err}");
}

#[test]
fn the_prometheus_volume_carries_the_selection_tag_and_the_cluster_key() {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let cluster = EksCluster::new(
        &prod.stack("cluster"),
        "Cluster",
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36)
            .addons(OptionalAddons::default().ebs_csi_driver(true).ebs_volume_key(true))
            .addon_versions(
                stackwright_constructs::AddonVersions::new()
                    .eks_default("aws-ebs-csi-driver", "no version in the table for 1.36"),
            ),
    )
    .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    let plan = BackupPlan::new(&prod.stack("backup"), "Backups", BackupPlanProps::default()).unwrap();
    let storage = PersistentStorage::new(50).backup_tag(plan.selection_tag());
    Monitoring::new(
        &cluster,
        "monitoring",
        MonitoringProps::default().prometheus(Prometheus::On(PrometheusProps::default().storage(storage))),
    )
    .unwrap();
    let assembly = app.synth().unwrap();
    let sc = common::object(&assembly, "StorageClass", "stackwright-gp3-encrypted");
    // The two tags are one: what the StorageClass writes on each volume is what the plan selects.
    let (key, value) = sc["parameters"]["tagSpecification_1"].as_str().unwrap().split_once('=').unwrap();
    assert_eq!((key, value), (plan.selection_tag().key(), plan.selection_tag().value()));
    let selection =
        &template(&assembly, "prod-backup")["Resources"]["BackupsSelection"]["Properties"]["BackupSelection"];
    let condition = &selection["Conditions"]["StringEquals"][0];
    assert_eq!(condition["ConditionKey"], format!("aws:ResourceTag/{key}"));
    assert_eq!(condition["ConditionValue"], value);
    assert!(sc["parameters"]["kmsKeyId"].as_str().unwrap().starts_with("((stackwright:"), "{}", sc["parameters"]);

    let t = template(&assembly, "prod-cluster");
    let key_arn = serde_json::json!({"Fn::GetAtt": ["ClusterAddonsEbsVolumeKey", "Arn"]});
    let role = &t["Resources"]["ClusterAddonsEbsCsiDriverRole"]["Properties"];
    let statements = &role["Policies"][0]["PolicyDocument"]["Statement"];
    assert_eq!(statements[0]["Action"], serde_json::json!(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]));
    assert_eq!(statements[0]["Resource"], key_arn);
    assert_eq!(statements[0]["Condition"]["Bool"]["kms:GrantIsForAWSResource"], "true");
    assert_eq!(statements[1]["Resource"], key_arn, "the one key only");
}

#[test]
fn a_volume_key_without_the_driver_is_an_error() {
    let (app, prod) = app();
    let vpc = reference_vpc(&prod);
    let cluster = EksCluster::new(
        &prod.stack("cluster"),
        "Cluster",
        EksClusterProps::new(&vpc, KubernetesVersion::V1_36).addons(OptionalAddons::default().ebs_volume_key(true)),
    )
    .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    let err = error_text(app.synth());
    assert!(err.contains("prod/cluster/Cluster: addons.ebs_volume_key is on without the EBS CSI driver"), "{err}");
}

fn plan_error(props: BackupPlanProps) -> String {
    let (app, _) = plan(props);
    error_text(app.synth())
}

#[test]
fn retention_of_zero_days_is_an_error() {
    let err = plan_error(BackupPlanProps::default().daily(BackupRule::daily().retention_days(0)));
    assert!(err.contains("prod/backup/Backups: the daily rule keeps its recovery points 0 days"), "{err}");
    assert!(err.contains("hint: keep them at least 1 day"), "{err}");
}

#[test]
fn cold_storage_for_rds_is_an_error_and_for_ebs_needs_90_days_more() {
    let weekly = BackupRule::weekly().retention_days(365).cold_storage_after_days(30);
    let err = plan_error(BackupPlanProps::default().weekly(weekly.clone()));
    assert!(err.contains("moves recovery points to cold storage, which AWS Backup does not do for RDS"), "{err}");
    assert!(err.contains("backup-feature-availability"), "the hint cites the source: {err}");

    let (app, _) = plan(BackupPlanProps::default().weekly(weekly).resource_types([ProtectedResourceType::Ebs]));
    assert!(app.synth().is_ok(), "EBS moves to cold storage");

    let short = BackupRule::weekly().retention_days(100).cold_storage_after_days(30);
    let err = plan_error(BackupPlanProps::default().weekly(short).resource_types([ProtectedResourceType::Ebs]));
    assert!(err.contains("after 30 days but keeps them only 100 days"), "{err}");
    assert!(err.contains("hint: keep them at least 120 days"), "{err}");
}

#[test]
fn other_bad_inputs() {
    let err = plan_error(
        BackupPlanProps::default()
            .resource_types([])
            .validation_window_hours(0)
            .daily(BackupRule::daily().schedule("every day")),
    );
    for message in [
        "the plan covers no resource type",
        "a restore-test validation window of 0 hours",
        "the daily rule's schedule 'every day' is not a cron expression",
    ] {
        assert!(err.contains(message), "missing '{message}' in:\n{err}");
    }
}

#[test]
fn protecting_a_database_of_another_environment_is_an_error() {
    let (app, prod) = app();
    let dev = app.environment(
        "dev",
        stackwright_core::Account::new("123456789012").unwrap(),
        stackwright_core::Region::UsEast1,
    );
    let vpc = Vpc::new(
        &dev.stack("network"),
        "Vpc",
        VpcProps::default().subnets([SubnetConfig::public(24), SubnetConfig::private(20), SubnetConfig::isolated(24)]),
    )
    .unwrap();
    let db = Database::new(&dev.stack("data"), "Orders", DatabaseProps::new(&vpc, PostgresVersion::V15)).unwrap();
    let plan = BackupPlan::new(&prod.stack("backup"), "Backups", BackupPlanProps::default()).unwrap();
    let err = error_text(plan.protect(&db));
    assert!(err.contains("is in environment 'dev', the plan in 'prod'"), "{err}");
}
