//! The `Database` construct through the runtime on moto, which models `AWS::RDS::DBInstance`
//! (with `ManageMasterUserPassword`) through CloudFormation: the data stack is created,
//! redeployed as a no-op, changed (backup retention) and destroyed; RDS's own API shows the
//! instance as the program describes it at each step. `destroy` refuses a stack with a
//! deletion-protected instance, and with `--lift-deletion-protection` updates it first.
//!
//! The VPC exists before the program (made through moto's EC2 API, as a network team would)
//! and is referenced with `Vpc::from_attributes`: the data stack then holds the database alone,
//! which moto can delete (a stack holding the VPC too cannot be deleted on moto 5.2.5: the
//! instance it never deletes keeps the subnets, `DependencyViolation`).

mod common;

use common::{element, query};

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use stackwright_constructs::{Database, DatabaseProps, ExistingSubnet, PostgresVersion, Vpc, VpcAttributes};
use stackwright_core::{Account, AnyResource, App, Region, Value};
use stackwright_deploy::cfn::Action;
use stackwright_deploy::plan::Assembly;
use stackwright_deploy::progress::ProgressMode;
use stackwright_deploy::runtime::Runtime;

/// An RDS Query call.
fn rds_call(port: u16, action: &str) -> String {
    query(port, "rds", "2014-10-31", &[("Action", action)])
}

/// An EC2 Query call; the text of its answer's `tag` element.
fn ec2(port: u16, params: &[(&str, &str)], tag: &str) -> String {
    let answer = query(port, "ec2", "2016-11-15", params);
    element(&answer, tag).unwrap_or_else(|| panic!("no <{tag}> in moto's answer:\n{answer}")).to_string()
}

/// A VPC with two subnets of no way out (an isolated tier), made through the EC2 API, as the
/// attributes a program refers to it by.
fn existing_vpc(port: u16) -> VpcAttributes {
    let vpc_id = ec2(port, &[("Action", "CreateVpc"), ("CidrBlock", "10.8.0.0/16")], "vpcId");
    let route_table = ec2(port, &[("Action", "CreateRouteTable"), ("VpcId", &vpc_id)], "routeTableId");
    let mut attributes = VpcAttributes::new(vpc_id.clone(), "10.8.0.0/16".parse().unwrap());
    for (zone, cidr) in [("eu-west-1a", "10.8.0.0/24"), ("eu-west-1b", "10.8.1.0/24")] {
        let subnet = ec2(
            port,
            &[("Action", "CreateSubnet"), ("VpcId", &vpc_id), ("CidrBlock", cidr), ("AvailabilityZone", zone)],
            "subnetId",
        );
        ec2(
            port,
            &[("Action", "AssociateRouteTable"), ("RouteTableId", &route_table), ("SubnetId", &subnet)],
            "associationId",
        );
        attributes = attributes.isolated(ExistingSubnet::new(zone, subnet, cidr.parse().unwrap(), route_table.clone()));
    }
    attributes
}

/// A ledger service's data in Ireland: the database, in the isolated subnets of the existing
/// VPC `vpc`, with `retention` days of backups. Deletion protection is lifted so that the test
/// can destroy it (a non-production environment).
fn synth(dir: &Path, vpc: &VpcAttributes, retention: u32) -> Arc<Assembly> {
    synth_with(dir, vpc, retention, false)
}

/// [`synth`] with deletion protection as `protected` says.
fn synth_with(dir: &Path, vpc: &VpcAttributes, retention: u32, protected: bool) -> Arc<Assembly> {
    let app = App::new("ledger");
    let dev = app.environment("dev", Account::new("123456789012").unwrap(), Region::EuWest1);
    let data = dev.stack("data");
    let vpc = Vpc::from_attributes(&data, "Vpc", vpc.clone()).unwrap();
    let db = Database::new(
        &data,
        "Ledger",
        DatabaseProps::new(&vpc, PostgresVersion::V15).backup_retention_days(retention).deletion_protection(protected),
    )
    .unwrap();
    // moto 5.2.5 resolves the `Ref` of an `AWS::RDS::DBParameterGroup` to its model object,
    // not its name, and fails the instance: the test instance takes the default group (the
    // parameter group itself is created, and checked by cfn-lint and the construct's tests).
    AnyResource::find(&db, "Instance")
        .unwrap()
        .override_property_unchecked("DBParameterGroupName", Value::Null)
        .unwrap();
    app.synth_to(dir).unwrap();
    Arc::new(Assembly::read(dir).unwrap())
}

/// Whether CloudFormation (moto) still knows the stack `name`.
fn stack_exists(port: u16, name: &str) -> bool {
    let answer = query(port, "cloudformation", "2010-05-15", &[("Action", "DescribeStacks"), ("StackName", name)]);
    element(&answer, "StackStatus").is_some_and(|s| s != "DELETE_COMPLETE")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_stack_deploys_redeploys_as_a_no_op_changes_in_place_and_is_destroyed() {
    let moto = common::moto();
    let mut rt = Runtime::new(moto.aws_options(), ProgressMode::Capture);
    rt.cfn.poll = Duration::from_millis(100);
    rt.cfn.yes = true;
    rt.kubernetes = false;
    let log = |rt: &Runtime| rt.progress.lines().join("\n");

    let vpc = existing_vpc(moto.port);
    let v1 = synth(&common::temp_dir("db-v1"), &vpc, 7);
    let mut report = rt.deploy(v1.clone(), &[], false).await;
    report.result().unwrap_or_else(|e| panic!("{e}\n{}", log(&rt)));
    assert!(report.stacks.iter().all(|s| s.action == Action::Created), "{:?}", report.stacks);
    let instances = rds_call(moto.port, "DescribeDBInstances");
    assert_eq!(
        element(&instances, "DBInstanceIdentifier"),
        Some("ledger-dev-ledger"),
        "{instances}\nmoto's log:\n{}",
        moto.log_tail()
    );
    assert_eq!(element(&instances, "Engine"), Some("postgres"));
    assert!(element(&instances, "EngineVersion").is_some_and(|v| v.starts_with("15.")), "{instances}");
    assert_eq!(element(&instances, "StorageEncrypted"), Some("true"));
    assert_eq!(element(&instances, "BackupRetentionPeriod"), Some("7"));
    assert_eq!(element(&instances, "PubliclyAccessible"), Some("false"));
    assert_eq!(element(&instances, "StorageType"), Some("gp3"));
    assert_eq!(element(&instances, "CopyTagsToSnapshot"), Some("true"));
    assert_eq!(element(&instances, "AutoMinorVersionUpgrade"), Some("true"));
    assert!(element(&instances, "KmsKeyId").is_some_and(|k| k.contains(":kms:eu-west-1:")), "{instances}");

    // The same program again: nothing to do.
    let mut again = rt.deploy(v1.clone(), &[], false).await;
    again.result().unwrap_or_else(|e| panic!("{e}\n{}", log(&rt)));
    assert!(again.stacks.iter().all(|s| s.action == Action::Unchanged), "{:?}", again.stacks);

    // A longer backup window: an update of the data stack only.
    let v2 = synth(&common::temp_dir("db-v2"), &vpc, 14);
    let mut changed = rt.deploy(v2.clone(), &[], false).await;
    changed.result().unwrap_or_else(|e| panic!("{e}\n{}", log(&rt)));
    let actions: Vec<(&str, Action)> = changed.stacks.iter().map(|s| (s.stack.as_str(), s.action)).collect();
    assert_eq!(actions, [("dev-data", Action::Updated)]);
    let change: Vec<String> = changed.stacks[0].changes.iter().map(|c| c.line()).collect();
    assert_eq!(
        change,
        ["~ LedgerInstance (AWS::RDS::DBInstance) dev/data/Ledger/Instance (BackupRetentionPeriod)"],
        "one property of the instance, in place"
    );
    // moto applies no update to an instance made through CloudFormation (it has no
    // update handler for AWS::RDS::DBInstance): the change set and the stack are the check.

    // Destroyed: the stack is gone. (moto's CloudFormation delete of an
    // AWS::RDS::DBInstance is a no-op — the class has no delete handler — so RDS's API still
    // lists its model; on AWS the instance is deleted, after its final snapshot.)
    let mut destroyed = rt.destroy(v2.clone(), &[], false).await;
    destroyed.result().unwrap_or_else(|e| panic!("{e}\n{}", log(&rt)));
    assert!(!stack_exists(moto.port, "dev-data"), "the stack is still there:\n{}", log(&rt));
    let lines = log(&rt);
    assert!(lines.contains("final snapshot of RDS instance ledger-dev-ledger kept"), "{lines}");
    // The VPC the program only referred to is untouched.
    let vpcs = query(moto.port, "ec2", "2016-11-15", &[("Action", "DescribeVpcs"), ("VpcId.1", &vpc.vpc_id)]);
    assert_eq!(element(&vpcs, "vpcId"), Some(vpc.vpc_id.as_str()), "{vpcs}");
}

/// `destroy` of a non-production stack holding a deletion-protected instance: refused without
/// `--lift-deletion-protection` (nothing deleted); with it, the stack is first updated with the
/// protection off (the change set names exactly that property), then deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroy_refuses_a_protected_database_unless_asked_to_lift_the_protection() {
    let moto = common::moto();
    let mut rt = Runtime::new(moto.aws_options(), ProgressMode::Capture);
    rt.cfn.poll = Duration::from_millis(100);
    rt.cfn.yes = true;
    rt.kubernetes = false;
    let log = |rt: &Runtime| rt.progress.lines().join("\n");
    let vpc = existing_vpc(moto.port);
    let assembly = synth_with(&common::temp_dir("db-protected"), &vpc, 7, true);
    rt.deploy(assembly.clone(), &[], false).await.result().unwrap_or_else(|e| panic!("{e}\n{}", log(&rt)));

    let refused = rt.destroy(assembly.clone(), &[], false).await.result().unwrap_err().to_string();
    assert!(
        refused.contains(
            "deletion protection is on for RDS instance ledger-dev-ledger (LedgerInstance) (non-production environment)"
        ),
        "{refused}"
    );
    assert!(refused.contains("rerun with --lift-deletion-protection"), "{refused}");
    assert!(element(&rds_call(moto.port, "DescribeDBInstances"), "DBInstanceIdentifier").is_some(), "nothing deleted");

    rt.lift_deletion_protection = true;
    let lifted = rt.destroy(assembly.clone(), &[], false).await.result();
    let lines = log(&rt);
    assert!(lines.contains("dev-data: lifting deletion protection before deleting"), "{lines}");
    assert!(
        lines.contains("~ LedgerInstance (AWS::RDS::DBInstance) dev/data/Ledger/Instance (DeletionProtection)"),
        "the update changes the protection only:\n{lines}"
    );
    // moto applies no update to an instance made through CloudFormation (its instance keeps
    // the protection the stack no longer has); the change set above is the check. The stack
    // is then deleted, and the final snapshot named.
    lifted.unwrap_or_else(|e| panic!("{e}\n{lines}\nmoto's log:\n{}", moto.log_tail()));
    assert!(lines.contains("final snapshot of RDS instance ledger-dev-ledger kept"), "{lines}");
    assert!(!stack_exists(moto.port, "dev-data"), "{lines}");
}
