//! NetworkPolicies between workloads: pod and namespace selectors on both sides of each
//! pod-to-pod flow, and a rule naming a workload of another cluster rejected with path and hint.

mod common;

use common::{TestCluster, app_with_cluster, object, synth_error};
use stackwright_constructs::{
    ContainerImage, ContainerSpec, CronJob, CronJobProps, EgressRule, ImageReference, JobProps, Namespace,
    NamespaceProps, ServiceKind, Workload, WorkloadPeer, WorkloadProps,
};
use stackwright_core::Region;

fn container() -> ContainerSpec {
    ContainerSpec::new(ContainerImage::public("registry.example.com/orders", ImageReference::Tag("2.1.0".into())))
}

#[test]
fn flows_between_workloads_select_pods_and_namespaces_on_both_sides() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let orders = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let batch = Namespace::new(&cluster, "Batch", NamespaceProps::default()).unwrap();
    // The cron job and the cache are created after the API: it names them.
    let report = WorkloadPeer::named(&batch, "report");
    let api = Workload::new(
        &cluster,
        &orders,
        "Api",
        WorkloadProps::new(container().port("http", 8080))
            .allow(report.clone())
            .egress_to(EgressRule::Workload(WorkloadPeer::named(&orders, "cache"))),
    )
    .unwrap();
    let cache = Workload::new(
        &cluster,
        &orders,
        "Cache",
        WorkloadProps::new(container().port("redis", 6379))
            .service(ServiceKind::Headless)
            .allow(api.peer())
            .allow(report),
    )
    .unwrap();
    let cidr = "10.20.0.0/16".parse().unwrap();
    let job = JobProps::new(container())
        .egress_to(EgressRule::Workload(api.peer()))
        .egress_to(EgressRule::Workload(cache.peer()))
        .egress_to(EgressRule::Cidr(cidr, vec![5432]))
        .egress_to(EgressRule::AwsApis);
    CronJob::new(&cluster, &batch, "Report", CronJobProps::new("@hourly", job)).unwrap();
    let assembly = app.synth().unwrap();

    let allow = object(&assembly, "NetworkPolicy", "cache-allow-workloads");
    let from = &allow["spec"]["ingress"][1]["from"][0];
    assert_eq!(from["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"], "batch");
    assert_eq!(from["podSelector"]["matchLabels"]["app.kubernetes.io/name"], "report");
    assert_eq!(allow["spec"]["ingress"][1]["ports"][0]["port"], 6379);
    let egress = object(&assembly, "NetworkPolicy", "report-allow-egress");
    let rules = egress["spec"]["egress"].as_array().unwrap();
    assert_eq!(rules.len(), 5, "DNS, the API, the cache, the CIDR, the AWS APIs: {rules:?}");
    assert_eq!(rules[1]["to"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"], "orders");
    assert_eq!(rules[1]["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"], "api");
    assert_eq!(rules[1]["ports"][0]["port"], 8080);
    assert_eq!(rules[3]["to"][0]["ipBlock"]["cidr"], "10.20.0.0/16");

    // The flows declared at both ends are listed in the assembly, for the connectivity check.
    let flows: Vec<String> = assembly.manifest.clusters[0]
        .flows
        .iter()
        .map(|f| format!("{} -> {} {}/{}", f.from, f.to, f.protocol, f.port))
        .collect();
    assert_eq!(
        flows,
        [
            "batch/report -> orders/api TCP/8080",
            "batch/report -> orders/cache TCP/6379",
            "orders/api -> orders/cache TCP/6379"
        ]
    );
}

#[test]
fn egress_to_a_workload_that_does_not_allow_it_is_an_error_naming_both_ends() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Shop", NamespaceProps::default()).unwrap();
    let api = Workload::new(&cluster, &ns, "Api", WorkloadProps::new(container().port("http", 8080))).unwrap();
    let props = WorkloadProps::new(container()).service(ServiceKind::None).egress_to(EgressRule::Workload(api.peer()));
    let e = synth_error(&app, Workload::new(&cluster, &ns, "Worker", props));
    assert!(
        e.contains("prod/cluster/Cluster/Shop/Worker: 'shop/worker' declares a connection to 'shop/api' on TCP 8080, but 'shop/api' does not allow it in: the NetworkPolicies would block it"),
        "{e}"
    );
    assert!(e.contains("hint: in the props of 'shop/api', add .allow(<this workload>.peer())"), "{e}");
}

#[test]
fn allowing_a_workload_that_has_no_egress_to_it_is_an_error() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Shop", NamespaceProps::default()).unwrap();
    let worker = Workload::new(&cluster, &ns, "Worker", WorkloadProps::new(container()).service(ServiceKind::None));
    let props = WorkloadProps::new(container().port("http", 8080)).allow(worker.unwrap().peer());
    let e = synth_error(&app, Workload::new(&cluster, &ns, "Api", props));
    assert!(
        e.contains("prod/cluster/Cluster/Shop/Api: 'shop/api' declares a connection from 'shop/worker' on TCP 8080, but 'shop/worker' does not declare egress to it"),
        "{e}"
    );
    assert!(
        e.contains("hint: in the props of 'shop/worker', add .egress_to(EgressRule::Workload(<this workload>.peer()))"),
        "{e}"
    );
}

#[test]
fn a_named_peer_that_no_workload_has_is_an_error() {
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Shop", NamespaceProps::default()).unwrap();
    let typo = WorkloadPeer::named(&ns, "wrker");
    let e = synth_error(
        &app,
        Workload::new(&cluster, &ns, "Api", WorkloadProps::new(container().port("http", 8080)).allow(typo)),
    );
    assert!(e.contains("'shop/api' declares a connection from 'shop/wrker' on TCP 8080, but 'shop/wrker' does not declare egress to it"), "{e}");
}

#[test]
fn a_rule_naming_a_workload_of_another_cluster_is_an_error() {
    let (app, stack, cluster) = app_with_cluster(Region::EuWest1);
    let other = TestCluster::new(&stack, "Other", "other");
    let there = Namespace::new(&other, "Orders", NamespaceProps::default()).unwrap();
    let remote = Workload::new(&other, &there, "Api", WorkloadProps::new(container().port("http", 8080))).unwrap();
    let here = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let props =
        WorkloadProps::new(container()).service(ServiceKind::None).egress_to(EgressRule::Workload(remote.peer()));
    let e = synth_error(&app, Workload::new(&cluster, &here, "Worker", props));
    assert!(
        e.contains("prod/cluster/Cluster/Orders/Worker: a NetworkPolicy rule names workload 'orders/api' of cluster 'prod/cluster/Other'"),
        "{e}"
    );
    assert!(e.contains("hint: NetworkPolicies select pods of their own cluster only"), "{e}");
}

#[test]
fn volume_claims_make_a_stateful_set_on_a_cluster_with_the_ebs_csi_driver() {
    use stackwright_constructs::{Hpa, HpaMetric, VolumeClaim};
    let (app, _, mut cluster) = app_with_cluster(Region::EuWest1);
    cluster.ebs_csi_driver = true;
    let ns = Namespace::new(&cluster, "Data", NamespaceProps::default()).unwrap();
    let props = WorkloadProps::new(container().port("redis", 6379))
        .service(ServiceKind::Headless)
        .volume_claim(VolumeClaim::new("data", "/data", 20).storage_class("gp3"))
        .autoscaling(Hpa::new(4, [HpaMetric::memory(80)]));
    Workload::new(&cluster, &ns, "Cache", props).unwrap();
    let assembly = app.synth().unwrap();
    let set = object(&assembly, "StatefulSet", "cache");
    assert_eq!(set["spec"]["serviceName"], "cache");
    assert_eq!(set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"], "20Gi");
    assert_eq!(set["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][1]["mountPath"], "/data");
    let hpa = object(&assembly, "HorizontalPodAutoscaler", "cache");
    assert_eq!(hpa["spec"]["scaleTargetRef"]["kind"], "StatefulSet");
    assert!(!assembly.manifest.clusters[0].objects.iter().any(|o| o.kind == "Deployment"));
}

#[test]
fn volume_claims_on_a_cluster_without_the_ebs_csi_driver_are_an_error() {
    use stackwright_constructs::VolumeClaim;
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Data", NamespaceProps::default()).unwrap();
    let props = WorkloadProps::new(container().port("redis", 6379)).volume_claim(VolumeClaim::new("data", "/data", 20));
    let e = synth_error(&app, Workload::new(&cluster, &ns, "Cache", props));
    assert!(
        e.contains("prod/cluster/Cluster/Data/Cache: the workload has volume claims, but cluster 'prod/cluster/Cluster' has no EBS CSI driver"),
        "{e}"
    );
    assert!(
        e.contains("hint: install the add-on: EksClusterProps::addons(OptionalAddons::default().ebs_csi_driver(true))"),
        "{e}"
    );
}

#[test]
fn pod_identity_binds_the_role_by_association_and_opens_the_agent() {
    use stackwright_constructs::{
        AwsIdentity, EksCluster, EksClusterProps, KubernetesVersion, NodeGroup, NodeGroupProps, PolicyDocument,
        Statement, Vpc, VpcProps,
    };
    use stackwright_core::{Account, App};
    let app = App::new("demo");
    let prod = app.environment("prod", Account::new("123456789012").unwrap(), Region::EuWest1);
    let vpc = Vpc::new(&prod.stack("network"), "Vpc", VpcProps::default()).unwrap();
    let cluster =
        EksCluster::new(&prod.stack("cluster"), "Cluster", EksClusterProps::new(&vpc, KubernetesVersion::V1_36))
            .unwrap();
    NodeGroup::new(&cluster, "General", NodeGroupProps::on_demand(["t3.medium"], 2..=6)).unwrap();
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let policy =
        PolicyDocument::new([Statement::allow(["sqs:ReceiveMessage"], ["arn:aws:sqs:eu-west-1:123456789012:orders"])]);
    let props = WorkloadProps::new(container())
        .service(ServiceKind::None)
        .aws_policy(policy)
        .aws_identity(AwsIdentity::PodIdentity);
    Workload::new(&cluster, &ns, "Worker", props).unwrap();
    let assembly = app.synth().unwrap();
    let templates: String = assembly
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".template.json"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).to_string())
        .collect();
    assert!(templates.contains("AWS::EKS::PodIdentityAssociation"), "an association binds the role");
    let account = object(&assembly, "ServiceAccount", "worker");
    assert!(account["metadata"].get("annotations").is_none(), "no IRSA annotation: {account}");
    let egress = object(&assembly, "NetworkPolicy", "worker-allow-egress");
    assert_eq!(egress["spec"]["egress"][2]["to"][0]["ipBlock"]["cidr"], "169.254.170.23/32");
}

#[test]
fn pod_identity_on_a_cluster_without_it_is_an_error() {
    use stackwright_constructs::{AwsIdentity, PolicyDocument, Statement};
    let (app, _, cluster) = app_with_cluster(Region::EuWest1);
    let ns = Namespace::new(&cluster, "Orders", NamespaceProps::default()).unwrap();
    let policy =
        PolicyDocument::new([Statement::allow(["sqs:ReceiveMessage"], ["arn:aws:sqs:eu-west-1:123456789012:orders"])]);
    let props = WorkloadProps::new(container())
        .service(ServiceKind::None)
        .aws_policy(policy)
        .aws_identity(AwsIdentity::PodIdentity);
    let e = synth_error(&app, Workload::new(&cluster, &ns, "Worker", props));
    assert!(
        e.contains("prod/cluster/Cluster/Orders/Worker: cluster 'prod/cluster/Cluster' has no EKS Pod Identity"),
        "{e}"
    );
    assert!(e.contains("hint: use IRSA"), "{e}");
}
