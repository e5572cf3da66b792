//! A platform built from the general workload layer instead of the FlaskApp preset: a shop
//! with an API and a background worker sharing one namespace, and batch work.
//!
//! - region eu-central-1, three zones, a private cluster endpoint, the EBS CSI driver add-on;
//!   a general node group and a GPU spot group scaled from zero (EKS's NVIDIA AMI, tainted),
//!   which brings the NVIDIA device plugin;
//! - one `Namespace` (`shop`, Pod Security `restricted`, `default-deny`) holding two
//!   workloads: the `api` (an internal ALB with TLS from an ACM certificate, scaling on CPU)
//!   and the `worker` (no Service, scaling on memory only), both reading the database
//!   credentials as files from a Secret;
//! - a `CronJob` reconciling every 15 minutes in the same namespace, and one computing
//!   embeddings nightly on one GPU (on the GPU group, from zero);
//! - NetworkPolicies between them: the worker and the cron job reach the API's port, the API
//!   lets only them in (besides its load balancer), each side selecting the other's pods and
//!   namespace;
//! - monitoring à la carte: Prometheus, kube-state-metrics and Alertmanager without Grafana;
//!   Alertmanager sends every alert to the alarm SNS topic and the critical ones to the shop's
//!   on-call webhook too, authenticated with a bearer token from a Secret the team creates
//!   (`kubectl -n monitoring create secret generic alertmanager-oncall --from-literal=token=…`);
//! - the escape hatches: the shop's `RateLimit` CRD and two objects of it, included from
//!   `examples/manifests/shop-rate-limits.yaml` (`KubeManifest`); a CloudFormation property
//!   override of a resource inside the cluster construct (the control-plane log group keeps two
//!   years of logs, checked against the registry schema); a JSON patch of the worker's
//!   Deployment (a longer grace period to finish a batch).
//!
//! `cargo run --example workloads -- synth --out target/synth/workloads` synthesizes it.

use std::process::ExitCode;

use stackwright::prelude::*;

/// The add-ons whose version for this Kubernetes minor the committed table does not have (the
/// EKS documentation read gave none): EKS's default at creation, chosen explicitly. Pin them
/// (`AddonVersions::pin`) from `stackwright-deploy addon-versions` before the next upgrade
/// (docs/upgrading.md).
const UNDOCUMENTED_ADDON_VERSIONS: &str = "no version in the table for this minor: see docs/upgrading.md";

fn main() -> ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

/// The whole platform as one `App`.
///
/// # Errors
///
/// A value that does not parse (none in this program). The constructs record the problems of
/// their input in the tree, and `run()` reports them all (none for this program).
pub(crate) fn build() -> stackwright::Result<App> {
    let app = App::new("shop");
    let prod = app.environment("prod", Account::new("345678901234")?, Region::EuCentral1);

    let network = prod.stack("network");
    network.set_description("shop network: VPC over three zones");
    let vpc = Vpc::new(&network, "Vpc", VpcProps::default().cidr("10.60.0.0/16".parse()?).max_azs(3))?;

    let platform = prod.stack("cluster");
    let cluster = cluster(&platform, &vpc)?;

    let registry = prod.stack("registry");
    registry.set_description("shop registry: the shop image repository");
    let repo = EcrRepo::new(&registry, "Shop", EcrRepoProps::default())?;
    let image = repo.image_tag_from_env("IMAGE_TAG");

    let shop = Namespace::new(&cluster, "Shop", NamespaceProps::default())?;

    // The API: behind an internal ALB (HTTPS with the team's ACM certificate), scaling on
    // CPU; only its load balancer, the worker and the reconcile job reach its port. The worker
    // and the job are created below, so the API names them by name in the namespace.
    let api = Workload::new(
        &cluster,
        &shop,
        "Api",
        WorkloadProps::new(
            ContainerSpec::new(image.clone())
                .port("http", 8080)
                .readiness(ProbeSpec::http("/ready", "http").period_seconds(5))
                .liveness(ProbeSpec::http("/healthz", "http"))
                .file_mount(ConfigSource::Secret("shop-database".into()), "/etc/shop/database"),
        )
        .replicas(3)
        .ingress(
            AlbIngress::https(
                "arn:aws:acm:eu-central-1:345678901234:certificate/5e1f0c2a-7d3b-4c1e-9a8f-2b6d4e0c9f11".parse()?,
            )
            .internal()
            .host("shop.internal.example.com"),
        )
        .autoscaling(Hpa::new(12, [HpaMetric::cpu(65)]))
        .load_balancer_source_cidrs([vpc.cidr().into()])
        .allow(WorkloadPeer::named(&shop, "worker"))
        .allow(WorkloadPeer::named(&shop, "reconcile")),
    )?;

    // The worker: no Service (it only makes connections), scaling on memory alone.
    Workload::new(
        &cluster,
        &shop,
        "Worker",
        WorkloadProps::new(
            ContainerSpec::new(image.clone())
                .args(["worker"])
                .env_var("API_URL", "http://api.shop.svc")
                .file_mount(ConfigSource::Secret("shop-database".into()), "/etc/shop/database")
                // The worker touches its heartbeat file after each batch; a stale file means
                // it hangs. Ready once it has finished one batch.
                .liveness(
                    ProbeSpec::exec(["/bin/sh", "-c", "find /tmp/heartbeat -mmin -2 | grep -q ."]).period_seconds(30),
                )
                .readiness(ProbeSpec::exec(["/bin/sh", "-c", "test -f /tmp/heartbeat"]))
                .resources(
                    ComputeResources::new(Cpu::millicores(200), Memory::mebibytes(384))
                        .limits(Cpu::cores(1), Memory::mebibytes(768)),
                ),
        )
        .service(ServiceKind::None)
        .autoscaling(Hpa::new(8, [HpaMetric::memory(75)]))
        .egress_to(EgressRule::Workload(api.peer())),
    )?;

    // Batch: reconcile orders every 15 minutes, in the same namespace.
    CronJob::new(
        &cluster,
        &shop,
        "Reconcile",
        CronJobProps::new(
            "*/15 * * * *",
            JobProps::new(ContainerSpec::new(image.clone()).args(["reconcile"]))
                .egress_to(EgressRule::Workload(api.peer())),
        ),
    )?;
    // Nightly, on one GPU: the pod asks for `nvidia.com/gpu` and so lands on the GPU group
    // (tolerating its taint), which the autoscaler brings up from zero for it.
    let gpu = ComputeResources::new(Cpu::cores(2), Memory::gibibytes(8)).nvidia_gpus(1);
    CronJob::new(
        &cluster,
        &shop,
        "Embeddings",
        CronJobProps::new("0 2 * * *", JobProps::new(ContainerSpec::new(image).args(["embeddings"]).resources(gpu))),
    )?;

    monitoring(&cluster)?;
    escape_hatches(&platform, &cluster)?;
    Ok(app)
}

/// The cluster: a private endpoint, the EBS CSI driver, a general node group and GPU nodes for
/// batch.
fn cluster(platform: &Stack, vpc: &Vpc) -> stackwright::Result<EksCluster> {
    platform.set_description("shop cluster: private EKS endpoint, EBS CSI driver");
    let cluster = EksCluster::new(
        platform,
        "Cluster",
        EksClusterProps::new(vpc, KubernetesVersion::V1_36)
            .addon_versions(AddonVersions::new().eks_default_for_gaps(UNDOCUMENTED_ADDON_VERSIONS))
            .name("shop")
            .endpoint_access(EndpointAccess::Private)
            .addons(OptionalAddons::default().ebs_csi_driver(true)),
    )?;
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["m6i.large"], 3..=9))?;
    // GPU nodes for batch, scaled from zero: EKS's NVIDIA AMI, and a taint so that only pods
    // tolerating it land there. The NVIDIA device plugin comes with the group.
    let gpus = NodeGroupProps::spot(["g5.xlarge", "g6.xlarge"], 0..=2).ami_type(AmiType::Al2023X86_64Nvidia).taint(
        "nvidia.com/gpu",
        "true",
        TaintEffect::NoSchedule,
    );
    NodeGroup::new(&cluster, "Gpu", gpus)?;
    Ok(cluster)
}

/// Monitoring without Grafana (the team reads the CloudWatch dashboard and the alerts), every
/// alert to the alarm topic and the critical ones to the on-call webhook as well. The webhook's
/// token is in the Secret `alertmanager-oncall`, which the team creates in namespace
/// `monitoring`: Alertmanager reads it as a file, and no template or manifest holds it.
fn monitoring(cluster: &EksCluster) -> stackwright::Result<Monitoring> {
    let oncall = WebhookReceiver::new("https://oncall.shop.example.com/alertmanager")
        .bearer_token(SecretKeyRef::new("alertmanager-oncall", "token"));
    Monitoring::new(
        cluster,
        "Monitoring",
        MonitoringProps::default().grafana(Grafana::Off).alertmanager(Alertmanager::On(AlertmanagerProps::new([
            Receiver::sns(),
            Receiver::webhook("shop-oncall", oncall).only(Severity::Critical),
        ]))),
    )
}

/// What the constructs do not model: included YAML, a CloudFormation override, a JSON patch.
/// Each is checked (the custom objects need their CRD, the override path the type's schema,
/// the patched object the validators) and recorded in the output (`stackwright:source`,
/// `stackwright:overrides`, `stackwright:patches`).
fn escape_hatches(platform: &Stack, cluster: &EksCluster) -> stackwright::Result<()> {
    // The shop's own CRD and its objects, from a committed YAML file read at synth. The
    // absolute path is recorded relative to the Cargo package (examples/manifests/…), the same
    // on every checkout.
    KubeManifest::new(
        platform,
        "RateLimits",
        cluster,
        KubeManifestProps::file(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manifests/shop-rate-limits.yaml")),
    )?;

    // The shop's audit rule keeps control-plane logs for two years; the construct keeps one.
    AnyResource::find(cluster, "ControlPlaneLogs")?.override_property("RetentionInDays", 731)?;

    // The worker finishes its current batch (up to two minutes) before it stops.
    cluster.kube().patch(
        platform,
        "Deployment",
        Some("shop"),
        "worker",
        serde_json::json!([{ "op": "replace", "path": "/spec/template/spec/terminationGracePeriodSeconds", "value": 120 }]),
    )
}
