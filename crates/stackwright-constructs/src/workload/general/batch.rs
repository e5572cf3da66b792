//! [`Job`] and [`CronJob`]: batch work in a [`Namespace`], with the pod hardening of every
//! workload.

use stackwright_core::k8s_openapi::api::batch::v1::{
    CronJob as CronJobObject, CronJobSpec, Job as JobObject, JobSpec, JobTemplateSpec,
};
use stackwright_core::k8s_openapi::api::core::v1::PodTemplateSpec;
use stackwright_core::k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicySpec};
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::{Arn, Attr, Construct, Node, Problems, Result, WorkloadRef};

use super::container::ContainerSpec;
use super::objects::{labels, service_account_object};
use super::peers::{EgressRule, WorkloadPeer, check_peers, declare_flows, egress_rules, named};
use super::pod::{PodOptions, digest_exemption, pod_spec};
use super::{check_name, check_placement};
use crate::iam::PolicyDocument;
use crate::internal::network_policy::{dns_egress, https_anywhere};
use crate::internal::problems::{built_or_rejected, kebab_case};
use crate::internal::setters::setters;
use crate::workload::cluster::WorkloadCluster;
use crate::workload::meta::{meta, selector};
use crate::workload::namespace::Namespace;

/// What a [`Job`] runs, and what a [`CronJob`] runs on each tick.
#[derive(Debug, Clone)]
pub struct JobProps {
    /// The container; required. It needs no port.
    pub container: ContainerSpec,
    /// The name of the job's objects (a DNS-1123 label; at most 52 characters for a CronJob).
    /// Default: the construct id in kebab case.
    pub name: Option<String>,
    /// Retries before the job fails. Default: 3.
    pub backoff_limit: u32,
    /// Seconds the job may run before it is stopped. Default: none (no limit).
    pub active_deadline_seconds: Option<u32>,
    /// Seconds a finished job is kept (with its pods' logs) before it is deleted. Default: 86400.
    pub ttl_seconds_after_finished: u32,
    /// Permissions for AWS calls, through an IRSA role of the job's service account. Default:
    /// none.
    pub aws_policy: Option<PolicyDocument>,
    /// Mount a service-account token (the job calls the Kubernetes API). Default: off.
    pub api_access: bool,
    /// Where the pods may connect to besides DNS (other workloads, CIDR blocks, the AWS
    /// APIs). Default: none.
    pub egress: Vec<EgressRule>,
}

impl JobProps {
    /// `container`, with the defaults of every other field.
    pub fn new(container: ContainerSpec) -> Self {
        JobProps {
            container,
            name: None,
            backoff_limit: 3,
            active_deadline_seconds: None,
            ttl_seconds_after_finished: 86_400,
            aws_policy: None,
            api_access: false,
            egress: Vec::new(),
        }
    }

    /// Lets the pods connect to `rule`'s destination (adds to [`egress`](Self::egress)).
    #[must_use]
    pub fn egress_to(mut self, rule: EgressRule) -> Self {
        self.egress.push(rule);
        self
    }
}

setters! { JobProps {
    value container: ContainerSpec,
    some_into name: String,
    value backoff_limit: u32,
    some active_deadline_seconds: u32,
    value ttl_seconds_after_finished: u32,
    some aws_policy: PolicyDocument,
    value api_access: bool,
    list egress: EgressRule,
} }

/// What happens when a run is due while the previous one still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConcurrencyPolicy {
    /// The new run is skipped (the default: a slow run never piles up).
    #[default]
    Forbid,
    /// Both run.
    Allow,
    /// The running one is stopped and replaced.
    Replace,
}

/// A [`CronJob`]: its schedule and the job it runs.
#[derive(Debug, Clone)]
pub struct CronJobProps {
    /// The job run on each tick; required.
    pub job: JobProps,
    /// The schedule, in cron syntax (`"*/15 * * * *"`); required.
    pub schedule: String,
    /// The schedule's time zone (`"Europe/Paris"`). Default: none (the controller's, UTC on EKS).
    pub time_zone: Option<String>,
    /// Overlapping runs. Default: [`ConcurrencyPolicy::Forbid`].
    pub concurrency_policy: ConcurrencyPolicy,
    /// Seconds after its time a missed run may still start. Default: 300.
    pub starting_deadline_seconds: u32,
    /// Successful jobs kept. Default: 3.
    pub successful_jobs_history_limit: u32,
    /// Failed jobs kept. Default: 3.
    pub failed_jobs_history_limit: u32,
    /// No new run starts. Default: off.
    pub suspend: bool,
}

impl CronJobProps {
    /// Runs `job` on `schedule`.
    pub fn new(schedule: impl Into<String>, job: JobProps) -> Self {
        CronJobProps {
            job,
            schedule: schedule.into(),
            time_zone: None,
            concurrency_policy: ConcurrencyPolicy::Forbid,
            starting_deadline_seconds: 300,
            successful_jobs_history_limit: 3,
            failed_jobs_history_limit: 3,
            suspend: false,
        }
    }
}

setters! { CronJobProps {
    value job: JobProps,
    into schedule: String,
    some_into time_zone: String,
    value concurrency_policy: ConcurrencyPolicy,
    value starting_deadline_seconds: u32,
    value successful_jobs_history_limit: u32,
    value failed_jobs_history_limit: u32,
    value suspend: bool,
} }

/// A Kubernetes Job in a [`Namespace`]: the container run to completion, hardened like every
/// workload. A Job's pod template cannot change once created: a changed Job needs a new name.
#[derive(Debug, Clone)]
pub struct Job {
    peer: WorkloadPeer,
}

/// A Kubernetes CronJob in a [`Namespace`]: a [`Job`] run on a schedule.
#[derive(Debug, Clone)]
pub struct CronJob {
    peer: WorkloadPeer,
}

impl Job {
    /// Adds the job with id `id` to `namespace` on `cluster`.
    ///
    /// # Errors
    /// None of the input's: problems are recorded at the job's path and reported by synth (the
    /// job is then rejected). What is left is an error of serialization.
    pub fn new(cluster: &impl WorkloadCluster, namespace: &Namespace, id: &str, props: JobProps) -> Result<Job> {
        let peer = start(cluster, namespace, id, &props, None)?;
        let node = peer.node.clone();
        if !node.is_rejected() {
            if props.container.resources.nvidia_gpus > 0 {
                cluster.expect_gpu_pods(&node);
            }
            built_or_rejected(&node, build(cluster, namespace, &node, &peer.name, &props, None), || ())?;
        }
        Ok(Job { peer })
    }

    /// The name of the Job.
    pub fn name(&self) -> &str {
        &self.peer.name
    }

    /// The job's pods as the other end of a NetworkPolicy rule of another workload
    /// ([`WorkloadProps::allow`](super::WorkloadProps::allow)).
    pub fn peer(&self) -> WorkloadPeer {
        self.peer.clone()
    }
}

impl CronJob {
    /// Adds the cron job with id `id` to `namespace` on `cluster`.
    ///
    /// # Errors
    /// As [`Job::new`]; a schedule that is not five cron fields is a problem too.
    pub fn new(
        cluster: &impl WorkloadCluster,
        namespace: &Namespace,
        id: &str,
        props: CronJobProps,
    ) -> Result<CronJob> {
        let peer = start(cluster, namespace, id, &props.job, Some(&props))?;
        let node = peer.node.clone();
        if !node.is_rejected() {
            if props.job.container.resources.nvidia_gpus > 0 {
                cluster.expect_gpu_pods(&node);
            }
            built_or_rejected(&node, build(cluster, namespace, &node, &peer.name, &props.job, Some(&props)), || ())?;
        }
        Ok(CronJob { peer })
    }

    /// The name of the CronJob.
    pub fn name(&self) -> &str {
        &self.peer.name
    }

    /// The job's pods as the other end of a NetworkPolicy rule of another workload
    /// ([`WorkloadProps::allow`](super::WorkloadProps::allow)).
    pub fn peer(&self) -> WorkloadPeer {
        self.peer.clone()
    }
}

impl Construct for Job {
    fn node(&self) -> &Node {
        &self.peer.node
    }
}

impl Construct for CronJob {
    fn node(&self) -> &Node {
        &self.peer.node
    }
}

/// Checks the props and adds the (possibly rejected) node: the job as a peer.
fn start(
    cluster: &impl WorkloadCluster,
    namespace: &Namespace,
    id: &str,
    job: &JobProps,
    cron: Option<&CronJobProps>,
) -> Result<WorkloadPeer> {
    let name = job.name.clone().unwrap_or_else(|| kebab_case(id));
    let mut problems = Problems::for_child(namespace, id);
    check_name(&mut problems, &name);
    job.container.check(&mut problems);
    if let Some(cron) = cron {
        check_cron(&mut problems, cron, &name);
    }
    check_placement(&mut problems, cluster, namespace, &name);
    let peers = named(&[], &job.egress);
    check_peers(&mut problems, &cluster.node().path(), peers.iter().copied());
    let node = problems.add_node();
    if !node.is_rejected() && peers.iter().any(|p| p.node.is_rejected()) {
        node.reject([]);
    }
    if !node.is_rejected() && namespace.node().is_rejected() {
        node.reject_because_of(namespace);
    }
    if !node.is_rejected() && job.container.image.repository_value().is_some_and(|v| node.refers_to_rejected(v)) {
        node.reject([]);
    }
    let selector_labels = labels(&node, &name, "batch").1;
    Ok(WorkloadPeer {
        node,
        cluster_path: cluster.node().path(),
        namespace: namespace.name().to_string(),
        name,
        selector_labels,
        ports: Vec::new(),
    })
}

fn check_cron(problems: &mut Problems, cron: &CronJobProps, name: &str) {
    let fields = cron.schedule.split_whitespace().count();
    if fields != 5 && !cron.schedule.starts_with('@') {
        problems.push(
            format!("schedule '{}' has {fields} fields; cron has 5", cron.schedule),
            "write minute hour day-of-month month day-of-week, such as \"*/15 * * * *\" (or @hourly, @daily)",
        );
    }
    if name.len() > 52 {
        problems.push(
            format!("cron job name '{name}' is {} characters long; Kubernetes allows 52", name.len()),
            "choose a shorter name",
        );
    }
}

fn build(
    cluster: &impl WorkloadCluster,
    namespace: &Namespace,
    node: &Node,
    name: &str,
    job: &JobProps,
    cron: Option<&CronJobProps>,
) -> Result<()> {
    let kube = cluster.kube();
    let ns = namespace.name();
    let (labels, selector_labels) = labels(node, name, "batch");
    super::check_own_policy(job.aws_policy.as_ref(), &format!("{}/ServiceAccountRole", node.path()))?;
    let role_arn: Option<Attr<Arn>> = match &job.aws_policy {
        Some(policy) => Some(cluster.service_account_role(node, "ServiceAccountRole", ns, name, policy.clone())?),
        None => None,
    };
    kube.add(node, &service_account_object(meta(name, Some(ns), &labels), kube, role_arn)?)?;
    let options = PodOptions {
        name,
        api_access: job.api_access,
        termination_grace_period_seconds: 30,
        restart_policy: Some("Never"),
    };
    let spec = JobSpec {
        backoff_limit: Some(job.backoff_limit as i32),
        active_deadline_seconds: job.active_deadline_seconds.map(i64::from),
        ttl_seconds_after_finished: Some(job.ttl_seconds_after_finished as i32),
        template: PodTemplateSpec {
            metadata: Some(ObjectMeta { labels: Some(labels.clone()), ..Default::default() }),
            spec: Some(pod_spec(kube, &job.container, &options)?),
        },
        ..Default::default()
    };
    let mut metadata = meta(name, Some(ns), &labels);
    metadata.annotations = digest_exemption(&job.container);
    match cron {
        None => kube.add(node, &JobObject { metadata, spec: Some(spec), ..Default::default() })?,
        Some(cron) => kube.add(node, &cron_job(metadata, spec, &labels, cron))?,
    }
    declare_flows(kube, node, &WorkloadRef::new(ns, name), (&[], &[]), &job.egress);
    let mut egress = vec![dns_egress()];
    egress.extend(egress_rules(&job.egress));
    if job.aws_policy.is_some() || job.api_access {
        egress.push(https_anywhere());
    }
    kube.add(
        node,
        &NetworkPolicy {
            metadata: meta(&format!("{name}-allow-egress"), Some(ns), &labels),
            spec: Some(NetworkPolicySpec {
                pod_selector: Some(selector(&selector_labels)),
                policy_types: Some(vec!["Egress".into()]),
                egress: Some(egress),
                ..Default::default()
            }),
        },
    )
}

fn cron_job(
    metadata: ObjectMeta,
    spec: JobSpec,
    labels: &std::collections::BTreeMap<String, String>,
    cron: &CronJobProps,
) -> CronJobObject {
    let concurrency = match cron.concurrency_policy {
        ConcurrencyPolicy::Forbid => "Forbid",
        ConcurrencyPolicy::Allow => "Allow",
        ConcurrencyPolicy::Replace => "Replace",
    };
    CronJobObject {
        metadata,
        spec: CronJobSpec {
            schedule: cron.schedule.clone(),
            time_zone: cron.time_zone.clone(),
            concurrency_policy: Some(concurrency.into()),
            starting_deadline_seconds: Some(i64::from(cron.starting_deadline_seconds)),
            successful_jobs_history_limit: Some(cron.successful_jobs_history_limit as i32),
            failed_jobs_history_limit: Some(cron.failed_jobs_history_limit as i32),
            suspend: Some(cron.suspend),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta { labels: Some(labels.clone()), ..Default::default() }),
                spec: Some(spec),
            },
        },
        ..Default::default()
    }
}
