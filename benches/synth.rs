//! Synthesis benchmark: apps of 10, 100 and 1,000 stacks built from the generated
//! CloudFormation types, each stack with a few resources and references to other stacks.
//!
//! ```text
//! cargo bench --bench synth            # divan's table, then time per resource and growth
//! cargo bench --bench synth -- --quick # the summary only
//! ```
//!
//! Every app has a `shared` stack (VPC, two subnets, KMS key, SNS topic) and N `service`
//! stacks of 5 resources: an IAM role, a log group encrypted with the shared key, a security
//! group in the shared VPC, an SSM parameter holding the previous service's role ARN, and an
//! alarm notifying the shared topic. So every service stack takes 4 values from `shared` and
//! one from its predecessor, all through cross-stack parameters.
//!
//! `platform_1000_apps_200_stacks` is DESIGN §7's "1,000 applications / 200 stacks": 1,000
//! applications of 5 resources (ECR repository, IAM role, log group, SSM parameter, alarm),
//! 5 per stack, built, synthesized and written to a temporary directory.

use std::hint::black_box;
use std::time::{Duration, Instant};

use divan::Bencher;
use divan::counter::ItemsCount;
use serde_json::json;
use stackwright::cfn::{Tag, cloudwatch, ec2, ecr, iam, kms, logs, sns, ssm};
use stackwright::core::{Account, App, Region, Resource, Result, Stack};

/// Resources per service stack, and in the shared stack.
const PER_STACK: usize = 5;
const SHARED: usize = 5;

fn assume_role() -> serde_json::Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Principal": { "Service": "ec2.amazonaws.com" }, "Action": "sts:AssumeRole" }]
    })
}

struct Shared {
    vpc: Resource<ec2::Vpc>,
    subnet: Resource<ec2::Subnet>,
    key: Resource<kms::Key>,
    topic: Resource<sns::Topic>,
}

fn shared(stack: &Stack) -> Result<Shared> {
    let vpc = Resource::new(stack, "Vpc", ec2::Vpc::new().with_cidr_block("10.0.0.0/16"))?;
    let subnet = Resource::new(stack, "SubnetA", ec2::Subnet::new(vpc.vpc_id()).with_cidr_block("10.0.0.0/20"))?;
    Resource::new(stack, "SubnetB", ec2::Subnet::new(vpc.vpc_id()).with_cidr_block("10.0.16.0/20"))?;
    let key = Resource::new(stack, "Key", kms::Key::new().with_enable_key_rotation(true))?;
    let topic = Resource::new(stack, "Alarms", sns::Topic::new().with_kms_master_key_id(key.arn()))?;
    Ok(Shared { vpc, subnet, key, topic })
}

/// An app with a shared stack and `services` service stacks.
fn build(services: usize) -> Result<App> {
    let app = App::new("bench");
    let env = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
    let shared = shared(&env.stack("shared"))?;
    let mut previous: Option<Resource<iam::Role>> = None;
    for i in 0..services {
        let stack = env.stack(&format!("service{i}"));
        let role = Resource::new(
            &stack,
            "Role",
            iam::Role::new(assume_role())
                .with_description(format!("service {i}"))
                .with_tags([Tag::new("service", format!("service{i}"))]),
        )?;
        Resource::new(
            &stack,
            "Logs",
            logs::LogGroup::new().with_retention_in_days(30).with_kms_key_id(shared.key.arn()),
        )?;
        Resource::new(
            &stack,
            "SecurityGroup",
            ec2::SecurityGroup::new(format!("service {i}")).with_vpc_id(shared.vpc.vpc_id()),
        )?;
        let upstream = previous.as_ref().map_or_else(|| shared.subnet.subnet_id().to_val(), |r| r.arn().to_val());
        Resource::new(&stack, "Upstream", ssm::Parameter::new("String", upstream))?;
        Resource::new(
            &stack,
            "ErrorAlarm",
            cloudwatch::Alarm::new()
                .with_comparison_operator(cloudwatch::alarm::ComparisonOperator::GreaterThanThreshold)
                .with_evaluation_periods(1)
                .with_metric_name("Errors")
                .with_namespace(format!("Service{i}"))
                .with_statistic("Sum")
                .with_period(60)
                .with_threshold(5.0)
                .with_alarm_actions(vec![shared.topic.topic_arn()]),
        )?;
        previous = Some(role);
    }
    Ok(app)
}

/// 1,000 applications of 5 resources each, 5 applications per stack (200 stacks).
fn build_platform(applications: usize, per_stack: usize) -> Result<App> {
    let app = App::new("platform");
    let env = app.environment("prod", Account::new("123456789012")?, Region::UsEast1);
    let shared = shared(&env.stack("shared"))?;
    let mut stack = None;
    for a in 0..applications {
        if a % per_stack == 0 {
            stack = Some(env.stack(&format!("apps{}", a / per_stack)));
        }
        let stack = stack.as_ref().expect("created above");
        let app_id = format!("App{a}");
        Resource::new(
            stack,
            &format!("{app_id}Repo"),
            ecr::Repository::new()
                .with_repository_name(format!("app-{a}"))
                .with_image_tag_mutability("IMMUTABLE")
                .with_image_scanning_configuration(
                    ecr::repository::ImageScanningConfiguration::new().with_scan_on_push(true),
                ),
        )?;
        let role = Resource::new(stack, &format!("{app_id}Role"), iam::Role::new(assume_role()))?;
        Resource::new(
            stack,
            &format!("{app_id}Logs"),
            logs::LogGroup::new().with_retention_in_days(30).with_kms_key_id(shared.key.arn()),
        )?;
        Resource::new(stack, &format!("{app_id}RoleArn"), ssm::Parameter::new("String", role.arn()))?;
        Resource::new(
            stack,
            &format!("{app_id}Errors"),
            cloudwatch::Alarm::new()
                .with_comparison_operator(cloudwatch::alarm::ComparisonOperator::GreaterThanThreshold)
                .with_evaluation_periods(1)
                .with_metric_name("Errors")
                .with_namespace(format!("App{a}"))
                .with_statistic("Sum")
                .with_period(60)
                .with_threshold(5.0)
                .with_alarm_actions(vec![shared.topic.topic_arn()]),
        )?;
    }
    Ok(app)
}

fn resources(services: usize) -> usize {
    SHARED + services * PER_STACK
}

/// Builds the construct tree and synthesizes it in memory: what a program's `synth` does
/// before writing files.
#[divan::bench(args = [10, 100, 1000], sample_count = 20)]
fn build_and_synth(bencher: Bencher, stacks: usize) {
    bencher
        .counter(ItemsCount::new(resources(stacks)))
        .bench(|| build(stacks).and_then(|app| app.synth()).expect("synth"));
}

/// Synthesis alone, of a tree built once.
#[divan::bench(args = [10, 100, 1000], sample_count = 20)]
fn synth_only(bencher: Bencher, stacks: usize) {
    let app = build(stacks).expect("build");
    bencher.counter(ItemsCount::new(resources(stacks))).bench_local(|| app.synth().expect("synth"));
}

/// DESIGN §7: 1,000 applications over 200 stacks, built, synthesized and written to disk.
#[divan::bench(sample_count = 10)]
fn platform_1000_apps_200_stacks(bencher: Bencher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    bencher
        .counter(ItemsCount::new(SHARED + 1000 * 5))
        .bench(|| build_platform(1000, 5).and_then(|app| app.synth_to(&out)).expect("synth"));
}

/// The fastest of `runs` timings of `f`.
fn fastest<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Prints time per resource for each size and how it grows, from a few runs of its own.
fn summary() {
    println!("\nsummary (fastest of 10 runs; build + synth in memory):");
    println!("{:>7} {:>10} {:>12} {:>15}", "stacks", "resources", "total", "per resource");
    let mut per_resource = Vec::new();
    for stacks in [10, 100, 1000] {
        let n = resources(stacks);
        let t = fastest(10, || build(stacks).and_then(|app| app.synth()).expect("synth"));
        let each = t / n as u32;
        per_resource.push(each);
        println!("{stacks:>7} {n:>10} {:>12.2?} {:>15.2?}", t, each);
    }
    let growth = per_resource[2].as_secs_f64() / per_resource[0].as_secs_f64();
    println!("time per resource at 1,000 stacks / at 10 stacks: {growth:.2} (1.00 is linear growth)");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let t = fastest(10, || build_platform(1000, 5).and_then(|app| app.synth_to(&out)).expect("synth"));
    println!(
        "1,000 applications / 200 stacks ({} resources), built, synthesized and written: {t:.2?} (bar: 1 s)",
        SHARED + 1000 * 5
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    if !quick {
        divan::main();
    }
    summary();
}
