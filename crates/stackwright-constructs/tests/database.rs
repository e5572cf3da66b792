//! Database: PostgreSQL on RDS in the isolated subnets, secure by default; its security group's
//! single ingress rule; and bad inputs with path and hint.

mod eks_support;

use eks_support::{app, error_text, template};
use stackwright_constructs::{
    Database, DatabaseProps, EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps,
    PostgresVersion, SubnetConfig, Vpc, VpcProps,
};
use stackwright_core::{App, Environment};

fn vpc_with(env: &Environment, subnets: Vec<SubnetConfig>, zones: usize) -> Vpc {
    Vpc::new(&env.stack("network"), "Vpc", VpcProps::default().max_azs(zones).subnets(subnets)).unwrap()
}

fn tiers() -> Vec<SubnetConfig> {
    vec![SubnetConfig::public(24), SubnetConfig::private(20), SubnetConfig::isolated(24)]
}

/// A production environment with an isolated tier, a cluster and the database `props` gives.
fn with_database(production: bool, props: impl FnOnce(DatabaseProps<'_>) -> DatabaseProps<'_>) -> App {
    let (app, prod) = app();
    if production {
        prod.mark_production();
    }
    let vpc = vpc_with(&prod, tiers(), 2);
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=4)).unwrap();
    let db_props = props(DatabaseProps::new(&vpc, PostgresVersion::V15).allow_from(&cluster));
    Database::new(&prod.stack("data"), "Orders", db_props).unwrap();
    app
}

fn assert_problem(err: &str, message: &str, hint: &str) {
    assert!(err.contains(&format!("prod/data/Orders: {message}")), "missing '{message}' in:\n{err}");
    assert!(err.contains(&format!("hint: {hint}")), "missing hint '{hint}' in:\n{err}");
}

#[test]
fn the_data_stack_snapshot() {
    let app = with_database(true, |p| p);
    crate::snapshot!("database.template", template(&app.synth().unwrap(), "prod-data"));
}

#[test]
fn secure_defaults_in_production() {
    let app = with_database(true, |p| p);
    let t = template(&app.synth().unwrap(), "prod-data");
    let db = &t["Resources"]["OrdersInstance"];
    let p = &db["Properties"];
    assert_eq!(db["DeletionPolicy"], "Snapshot");
    assert_eq!(db["UpdateReplacePolicy"], "Snapshot");
    assert_eq!(p["Engine"], "postgres");
    assert!(p["EngineVersion"].as_str().unwrap().starts_with("15."), "{}", p["EngineVersion"]);
    for (key, value) in [
        ("StorageEncrypted", true),
        ("MultiAZ", true),
        ("DeletionProtection", true),
        ("CopyTagsToSnapshot", true),
        ("AutoMinorVersionUpgrade", true),
        ("ManageMasterUserPassword", true),
        ("EnableIAMDatabaseAuthentication", true),
        ("EnablePerformanceInsights", true),
        ("PubliclyAccessible", false),
    ] {
        assert_eq!(p[key], value, "{key}");
    }
    let key = serde_json::json!({"Fn::GetAtt": ["OrdersKey", "Arn"]});
    assert_eq!(p["KmsKeyId"], key);
    assert_eq!(p["MasterUserSecret"]["KmsKeyId"], key);
    assert_eq!(p["PerformanceInsightsKMSKeyId"], key);
    assert_eq!(p["BackupRetentionPeriod"], 35, "production keeps the longest automated window");
    assert_eq!(p["EnableCloudwatchLogsExports"], serde_json::json!(["postgresql", "upgrade"]));
    assert!(db.get("Metadata").and_then(|m| m.get("checkov")).is_none(), "production skips no check");
    let params = &t["Resources"]["OrdersParameterGroup"]["Properties"];
    assert_eq!(params["Family"], "postgres15");
    assert_eq!(params["Parameters"]["rds.force_ssl"], "1");
    let logs = &t["Resources"]["OrdersPostgresqlLogs"]["Properties"];
    assert_eq!(logs["LogGroupName"], "/aws/rds/instance/demo-prod-orders/postgresql");
    assert_eq!(logs["RetentionInDays"], 365);
    let depends: Vec<&str> = db["DependsOn"].as_array().unwrap().iter().filter_map(|d| d.as_str()).collect();
    assert!(depends.contains(&"OrdersPostgresqlLogs") && depends.contains(&"OrdersUpgradeLogs"), "{depends:?}");
}

#[test]
fn the_security_group_admits_5432_from_the_cluster_only_and_nothing_out() {
    let app = with_database(false, |p| p);
    let t = template(&app.synth().unwrap(), "prod-data");
    let sg = &t["Resources"]["OrdersSecurityGroup"]["Properties"];
    let ingress = sg["SecurityGroupIngress"].as_array().unwrap();
    assert_eq!(ingress.len(), 1, "{ingress:?}");
    assert_eq!(ingress[0]["IpProtocol"], "tcp");
    assert_eq!((ingress[0]["FromPort"].as_i64(), ingress[0]["ToPort"].as_i64()), (Some(5432), Some(5432)));
    assert!(ingress[0].get("CidrIp").is_none(), "by security group, not by address");
    assert!(ingress[0]["SourceSecurityGroupId"].to_string().contains("ClusterSecurityGroupId"), "{}", ingress[0]);
    assert_eq!(sg["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32", "no egress");
}

#[test]
fn outside_production_one_zone_is_the_default_and_the_skip_is_recorded() {
    let app = with_database(false, |p| p);
    let t = template(&app.synth().unwrap(), "prod-data");
    let db = &t["Resources"]["OrdersInstance"];
    assert_eq!(db["Properties"]["MultiAZ"], false);
    assert_eq!(db["Properties"]["BackupRetentionPeriod"], 7);
    assert_eq!(db["Metadata"]["checkov"]["skip"][0]["id"], "CKV_AWS_157");
    assert!(db["Metadata"]["checkov"]["skip"][0]["comment"].as_str().unwrap().contains("non-production"));
}

#[test]
fn backup_retention_0_is_an_error() {
    let err = error_text(with_database(false, |p| p.backup_retention_days(0)).synth());
    assert_problem(&err, "backup retention of 0 days turns automated backups off", "keep at least 7 days of backups");
}

#[test]
fn a_vpc_without_an_isolated_tier_is_an_error() {
    let (app, prod) = app();
    let vpc = vpc_with(&prod, vec![SubnetConfig::public(24), SubnetConfig::private(20)], 2);
    Database::new(&prod.stack("data"), "Orders", DatabaseProps::new(&vpc, PostgresVersion::V15)).unwrap();
    assert_problem(
        &error_text(app.synth()),
        "the VPC has no isolated subnets (tiers: Private, Public)",
        "add an isolated tier to the VPC: VpcProps::subnets([..., SubnetConfig::isolated(24)])",
    );
}

#[test]
fn isolated_subnets_in_one_zone_are_an_error() {
    let (app, prod) = app();
    let vpc = vpc_with(&prod, tiers(), 1);
    Database::new(&prod.stack("data"), "Orders", DatabaseProps::new(&vpc, PostgresVersion::V15)).unwrap();
    assert_problem(
        &error_text(app.synth()),
        "the VPC's isolated subnets are in 1 zone; RDS needs a subnet group in two zones or more",
        "give the VPC two availability zones or more",
    );
}

#[test]
fn an_instance_class_or_version_rds_does_not_have_is_an_error_with_the_closest() {
    let err = error_text(
        with_database(false, |p| p.instance_class("db.t4g.mediun").version(PostgresVersion::V15.minor(99))).synth(),
    );
    assert_problem(
        &err,
        "instance class 'db.t4g.mediun' does not run PostgreSQL 15 on RDS",
        "use one RDS offers, such as db.t4g.medium",
    );
    assert_problem(&err, "PostgreSQL 15.99 does not exist on RDS", "use the major alone (PostgresVersion::V15)");
    let err = error_text(with_database(false, |p| p.version(PostgresVersion::V15.minor(7))).synth());
    assert_problem(
        &err,
        "RDS no longer creates PostgreSQL 15.7 instances",
        "use the major alone (PostgresVersion::V15, today 15.",
    );
}

#[test]
fn a_production_database_without_multi_az_is_an_error() {
    let err = error_text(with_database(true, |p| p.multi_az(false)).synth());
    assert_problem(&err, "a production database without a standby in a second zone", "remove multi_az(false)");
}

/// A topic that exists only after the database (monitoring's, when the monitored app connects
/// to the database): every alarm notifies it, once, in the ALARM and the OK state, across
/// stacks.
#[test]
fn alarms_notify_a_topic_added_after_the_database() {
    let (app, prod) = app();
    let vpc = vpc_with(&prod, tiers(), 2);
    let db = Database::new(&prod.stack("data"), "Orders", DatabaseProps::new(&vpc, PostgresVersion::V15)).unwrap();
    let topic = stackwright_core::Resource::new(
        &prod.stack("alerts"),
        "Alarms",
        stackwright_cfn::sns::Topic::new().with_topic_name("orders-alarms"),
    )
    .unwrap();
    db.notify_alarms_to(&topic.topic_arn()).unwrap();
    db.notify_alarms_to(&topic.topic_arn()).unwrap();
    let data = template(&app.synth().unwrap(), "prod-data");
    let alarms: Vec<&serde_json::Value> =
        data["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == "AWS::CloudWatch::Alarm").collect();
    assert_eq!(alarms.len(), 3, "CPU, free storage, connections");
    for alarm in alarms {
        for actions in ["AlarmActions", "OKActions"] {
            let list = alarm["Properties"][actions].as_array().unwrap_or_else(|| panic!("{actions}: {alarm}"));
            assert_eq!(list.len(), 1, "the topic once: {alarm}");
            let param =
                list[0]["Ref"].as_str().unwrap_or_else(|| panic!("a parameter from the cluster stack: {alarm}"));
            assert!(data["Parameters"][param].is_object(), "{param}");
        }
    }
}
