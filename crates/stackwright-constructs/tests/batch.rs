//! Job and CronJob: hardened like every workload, sharing a namespace's names, and the errors
//! bad input gets (each with the construct path and a hint).

mod common;

use common::{app_with_cluster, object, synth_error};
use stackwright_constructs::{
    ContainerImage, ContainerSpec, CronJob, CronJobProps, ImageReference, Job, JobProps, Namespace, NamespaceProps,
    ServiceKind, Workload, WorkloadProps,
};
use stackwright_core::Region;

fn job() -> JobProps {
    let image = ContainerImage::public("registry.example.com/orders", ImageReference::Tag("2.1.0".into()));
    JobProps::new(ContainerSpec::new(image).args(["reconcile"]))
}

#[test]
fn a_cron_job_and_a_job_are_hardened_like_every_workload() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    CronJob::new(&cluster, &ns, "Reconcile", CronJobProps::new("*/15 * * * *", job())).unwrap();
    Job::new(&cluster, &ns, "Migrate", job().backoff_limit(1)).unwrap();
    let assembly = app.synth().unwrap();

    let cron = object(&assembly, "CronJob", "reconcile");
    assert_eq!(cron["spec"]["schedule"], "*/15 * * * *");
    assert_eq!(cron["spec"]["concurrencyPolicy"], "Forbid");
    let pod = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    assert_eq!(pod["automountServiceAccountToken"], false);
    assert_eq!(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
    assert_eq!(pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(pod["containers"][0]["args"][0], "reconcile");
    let job = object(&assembly, "Job", "migrate");
    assert_eq!(job["spec"]["backoffLimit"], 1);
    object(&assembly, "NetworkPolicy", "migrate-allow-egress");
    object(&assembly, "ServiceAccount", "reconcile");
}

#[test]
fn a_bad_schedule_is_an_error() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let e = synth_error(&app, CronJob::new(&cluster, &ns, "Reconcile", CronJobProps::new("every hour", job())));
    assert!(e.contains("prod/cluster/Cluster/Orders/Reconcile: schedule 'every hour' has 2 fields"), "{e}");
    assert!(e.contains("hint: write minute hour"), "{e}");
}

#[test]
fn a_job_named_like_a_workload_of_its_namespace_is_an_error() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let image = ContainerImage::public("registry.example.com/orders", ImageReference::Tag("2.1.0".into()));
    Workload::new(&cluster, &ns, "Sync", WorkloadProps::new(ContainerSpec::new(image)).service(ServiceKind::None))
        .unwrap();
    let e = synth_error(&app, Job::new(&cluster, &ns, "SyncOnce", job().name("sync")));
    assert!(e.contains("has a workload named 'sync' already"), "{e}");
}
