//! The picture's model: what the platform holds, read from synthesized CloudFormation resources
//! (type, construct path, a few properties) and Kubernetes objects. Built the same way from a
//! fresh assembly (synth) and from deployed templates (the runtime's diff), so that both sides
//! of a change name their elements with the same keys.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

mod workloads;

pub use workloads::key_of_object;
use workloads::{collect_backends, workload_views};

/// What a change does to an element of the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mark {
    /// As deployed (or no comparison was made).
    #[default]
    Unchanged,
    /// New with this change.
    Added,
    /// Present before and after, with a changed resource or object.
    Changed,
    /// Deployed now and gone after the change: kept in the picture, marked.
    Removed,
}

/// One element: a key that names it on both sides of a change, its label, and the construct
/// paths of the resources (or keys of the objects) it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Stable identity: a construct path, or `k8s:<cluster>/<Kind>/<namespace>/<name>`.
    pub key: String,
    /// What the picture prints.
    pub label: String,
    /// What a change does to it.
    pub mark: Mark,
    /// The resource paths and object keys it stands for (how a change is matched to it).
    pub sources: Vec<String>,
}

impl Element {
    fn new(key: impl Into<String>, label: impl Into<String>, source: impl Into<String>) -> Element {
        Element { key: key.into(), label: label.into(), mark: Mark::Unchanged, sources: vec![source.into()] }
    }
}

/// The platform as the picture shows it, environment by environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Platform {
    /// Every environment, in manifest order.
    pub environments: Vec<EnvironmentView>,
    /// Set when the picture leaves elements out (too big for a comment): what it says.
    pub collapsed: Option<String>,
}

/// One environment: its stacks, networks, clusters, databases and monitoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentView {
    /// `environment <id> (<region>)`.
    pub element: Element,
    /// Its stacks, in deployment order.
    pub stacks: Vec<Element>,
    /// Its VPCs, owned or referenced.
    pub vpcs: Vec<VpcView>,
    /// Its Kubernetes clusters, owned or referenced.
    pub clusters: Vec<ClusterView>,
    /// Databases (RDS instances and clusters, DynamoDB tables, caches).
    pub databases: Vec<Element>,
    /// Alarms (grouped by owner), dashboards, alarm topics, budgets.
    pub monitoring: Vec<Element>,
    /// The request paths into the clusters: Internet → load balancer → Service → Pods.
    pub requests: Vec<RequestPath>,
}

/// A VPC with its subnets per zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcView {
    /// The VPC.
    pub element: Element,
    /// Looked up or given by attributes: not created by this program.
    pub referenced: bool,
    /// Zones in name order, each with its subnets and NAT gateways.
    pub zones: Vec<ZoneView>,
}

/// One availability zone of a VPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneView {
    /// `zone a`, or the literal zone name.
    pub element: Element,
    /// Subnets, then NAT gateways, in template order.
    pub members: Vec<Element>,
}

/// A Kubernetes cluster with its node groups and workloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterView {
    /// The cluster.
    pub element: Element,
    /// Not created by this program (given by attributes or looked up).
    pub referenced: bool,
    /// Managed node groups.
    pub node_groups: Vec<Element>,
    /// Workloads, by namespace then name.
    pub workloads: Vec<WorkloadView>,
}

/// A workload (Deployment, StatefulSet, DaemonSet) with the Services that select its pods and
/// the Ingresses that route to those Services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadView {
    /// The workload.
    pub element: Element,
    /// Services selecting its pods, then Ingresses routing to them.
    pub members: Vec<Element>,
}

/// Internet → load balancer → Service → Pods of a workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPath {
    /// The load balancer: `ALB (Ingress ns/name)` or `NLB (Service ns/name)`.
    pub load_balancer: Element,
    /// The Service.
    pub service: Element,
    /// The pods: `Pods of Deployment ns/name`.
    pub pods: Element,
}

/// Collects resources and objects, then builds the [`Platform`].
#[derive(Debug, Default)]
pub struct PlatformBuilder {
    environments: Vec<(String, String)>,
    stacks: Vec<(String, String)>,
    resources: Vec<Res>,
    clusters: Vec<(String, String, String)>,
    objects: Vec<Obj>,
}

#[derive(Debug)]
struct Res {
    env: String,
    logical_id: String,
    kind: String,
    key: String,
    path: String,
    zone: Option<String>,
    subnet_ref: Option<String>,
}

#[derive(Debug)]
struct Obj {
    cluster: String,
    kind: String,
    namespace: String,
    name: String,
    path: String,
    /// Pod labels (workloads), selector (Services), backend Service names (Ingresses).
    labels: BTreeMap<String, String>,
    backends: BTreeSet<String>,
    load_balancer: bool,
}

const DATABASE_TYPES: &[&str] = &[
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster",
];
const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];

/// A resource's construct path without the `/Resource` a construct names its main resource.
fn element_key(path: &str) -> &str {
    path.strip_suffix("/Resource").unwrap_or(path)
}
fn last(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The zone of a subnet's `AvailabilityZone`: a literal name, `${AWS::Region}a` (zone `a`), or
/// `Fn::Select [i, Fn::GetAZs]` (zone `#i+1`).
fn zone_of(props: &Json) -> Option<String> {
    let az = props.get("AvailabilityZone")?;
    if let Some(s) = az.as_str() {
        return Some(s.to_string());
    }
    if let Some(sub) = az.get("Fn::Sub").and_then(Json::as_str) {
        return Some(format!("zone {}", sub.replace("${AWS::Region}", "")));
    }
    if let Some(i) = az.get("Fn::Select").and_then(|s| s.get(0)).and_then(Json::as_u64) {
        return Some(format!("zone #{}", i + 1));
    }
    None
}

impl PlatformBuilder {
    /// An environment, in manifest order.
    pub fn environment(&mut self, id: &str, region: &str) {
        self.environments.push((id.to_string(), region.to_string()));
    }

    /// A stack of environment `env`, in deployment order.
    pub fn stack(&mut self, env: &str, stack_id: &str) {
        self.stacks.push((env.to_string(), stack_id.to_string()));
    }

    /// Every resource of a template (its `Resources` section), with the construct paths synth
    /// records in each resource's `Metadata` (`stackwright:path`; the logical id when absent).
    pub fn template(&mut self, env: &str, template: &Json) {
        let Some(resources) = template.get("Resources").and_then(Json::as_object) else { return };
        for (id, r) in resources {
            let kind = r.get("Type").and_then(Json::as_str).unwrap_or_default();
            let path = r.pointer("/Metadata/stackwright:path").and_then(Json::as_str).unwrap_or(id);
            self.resource(env, id, kind, path, r.get("Properties").unwrap_or(&Json::Null));
        }
    }

    /// One resource: its logical id, type, construct path and properties.
    pub fn resource(&mut self, env: &str, logical_id: &str, kind: &str, path: &str, properties: &Json) {
        let interesting = matches!(
            kind,
            "AWS::EC2::VPC"
                | "AWS::EC2::Subnet"
                | "AWS::EC2::NatGateway"
                | "AWS::EKS::Cluster"
                | "AWS::EKS::Nodegroup"
                | "AWS::CloudWatch::Alarm"
                | "AWS::CloudWatch::Dashboard"
                | "AWS::SNS::Topic"
                | "AWS::Budgets::Budget"
        ) || DATABASE_TYPES.contains(&kind);
        if !interesting {
            return;
        }
        let subnet_ref = properties.pointer("/SubnetId/Ref").and_then(Json::as_str).map(str::to_string);
        self.resources.push(Res {
            env: env.to_string(),
            logical_id: logical_id.to_string(),
            kind: kind.to_string(),
            key: element_key(path).to_string(),
            path: path.to_string(),
            zone: if kind == "AWS::EC2::Subnet" { zone_of(properties) } else { None },
            subnet_ref,
        });
    }

    /// A Kubernetes cluster of the assembly: its id, environment, and name.
    pub fn cluster(&mut self, id: &str, env: &str, name: &str) {
        self.clusters.push((id.to_string(), env.to_string(), name.to_string()));
    }

    /// One object of cluster `cluster` (an id given to [`cluster`](Self::cluster)), with its
    /// body when known (a removed object has none: it is shown, unconnected).
    pub fn object(&mut self, cluster: &str, kind: &str, namespace: &str, name: &str, path: &str, body: Option<&Json>) {
        if !(WORKLOAD_KINDS.contains(&kind) || kind == "Service" || kind == "Ingress") {
            return;
        }
        let mut labels = BTreeMap::new();
        let mut backends = BTreeSet::new();
        let mut load_balancer = false;
        if let Some(b) = body {
            let map = match kind {
                "Service" => b.pointer("/spec/selector"),
                "Ingress" => None,
                _ => b.pointer("/spec/template/metadata/labels"),
            };
            if let Some(m) = map.and_then(Json::as_object) {
                labels = m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect();
            }
            if kind == "Ingress" {
                collect_backends(b, &mut backends);
            }
            load_balancer = b.pointer("/spec/type").and_then(Json::as_str) == Some("LoadBalancer");
        }
        self.objects.push(Obj {
            cluster: cluster.to_string(),
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
            path: path.to_string(),
            labels,
            backends,
            load_balancer,
        });
    }

    /// The platform.
    #[must_use]
    pub fn build(self) -> Platform {
        let environments = self.environments.iter().map(|(id, region)| self.environment_view(id, region)).collect();
        Platform { environments, collapsed: None }
    }

    fn environment_view(&self, env: &str, region: &str) -> EnvironmentView {
        let res: Vec<&Res> = self.resources.iter().filter(|r| r.env == env).collect();
        let stacks = (self.stacks.iter().filter(|(e, _)| e == env))
            .map(|(_, s)| {
                let short = s.strip_prefix(&format!("{env}-")).unwrap_or(s);
                Element::new(format!("stack:{s}"), format!("stack {short}"), format!("stack:{s}"))
            })
            .collect();
        let mut vpcs = vpc_views(&res, env);
        let (clusters, requests) = self.cluster_views(&res, env);
        // Clusters or databases in an environment without a VPC of its own run in one the
        // program references (given by attributes or looked up).
        let databases: Vec<Element> = res
            .iter()
            .filter(|r| DATABASE_TYPES.contains(&r.kind.as_str()))
            .map(|r| {
                let what = r.kind.rsplit("::").next().unwrap_or_default();
                let owner =
                    if last(&r.key) == "Instance" || last(&r.key) == "Cluster" { parent(&r.key) } else { &r.key };
                Element::new(&r.key, format!("{} {}", database_name(what), last(owner)), &r.path)
            })
            .collect();
        if vpcs.is_empty() && !(clusters.is_empty() && databases.is_empty()) {
            referenced_vpc(&mut vpcs, env);
        }
        EnvironmentView {
            element: Element::new(format!("env:{env}"), format!("environment {env} ({region})"), format!("env:{env}")),
            stacks,
            vpcs,
            clusters,
            databases,
            monitoring: monitoring(&res),
            requests,
        }
    }
}

fn of_kind<'r>(res: &[&'r Res], kind: &'static str) -> impl Iterator<Item = &'r Res> {
    res.iter().copied().filter(move |r| r.kind == kind)
}

/// VPCs: owned ones, then one referenced VPC for subnets outside them.
fn vpc_views(res: &[&Res], env: &str) -> Vec<VpcView> {
    let of = |kind: &'static str| of_kind(res, kind);
    let mut vpcs: Vec<VpcView> = of("AWS::EC2::VPC")
        .map(|r| VpcView {
            element: Element::new(&r.key, format!("VPC {}", last(&r.key)), &r.path),
            referenced: false,
            zones: Vec::new(),
        })
        .collect();
    let subnet_zone: BTreeMap<&str, (&str, String)> = of("AWS::EC2::Subnet")
        .map(|r| (r.logical_id.as_str(), (r.key.as_str(), r.zone.clone().unwrap_or_else(|| "zone ?".into()))))
        .collect();
    for r in of("AWS::EC2::Subnet").chain(of("AWS::EC2::NatGateway")) {
        let (label, zone, owner_key) = if r.kind == "AWS::EC2::Subnet" {
            let name = last(&r.key);
            (format!("subnet {name}"), r.zone.clone().unwrap_or_else(|| "zone ?".into()), r.key.as_str())
        } else {
            let (subnet_key, zone) = r
                .subnet_ref
                .as_deref()
                .and_then(|s| subnet_zone.get(s))
                .map_or((parent(&r.key), "zone ?".to_string()), |(k, z)| (*k, z.clone()));
            (format!("NAT gateway ({})", last(subnet_key)), zone, subnet_key)
        };
        let vpc = match vpcs.iter().position(|v| owner_key.starts_with(&format!("{}/", v.element.key))) {
            Some(i) => i,
            None => referenced_vpc(&mut vpcs, env),
        };
        let vpc_key = vpcs[vpc].element.key.clone();
        let zones = &mut vpcs[vpc].zones;
        let z = match zones.iter().position(|z| z.element.label == zone) {
            Some(i) => i,
            None => {
                let key = format!("{vpc_key}#{zone}");
                zones.push(ZoneView { element: Element::new(&key, &zone, key.clone()), members: Vec::new() });
                zones.len() - 1
            }
        };
        zones[z].members.push(Element::new(&r.key, label, &r.path));
    }
    for v in &mut vpcs {
        v.zones.sort_by(|a, b| a.element.label.cmp(&b.element.label));
    }
    vpcs
}

impl PlatformBuilder {
    /// Clusters: owned ones; a node group or objects of a cluster the program does not own
    /// add a referenced one. With the request paths into them.
    fn cluster_views(&self, res: &[&Res], env: &str) -> (Vec<ClusterView>, Vec<RequestPath>) {
        let of = |kind: &'static str| of_kind(res, kind);
        let mut clusters: Vec<ClusterView> = of("AWS::EKS::Cluster")
            .map(|r| ClusterView {
                element: Element::new(&r.key, format!("EKS cluster {}", last(&r.key)), &r.path),
                referenced: false,
                node_groups: Vec::new(),
                workloads: Vec::new(),
            })
            .collect();
        for r in of("AWS::EKS::Nodegroup") {
            let owner = parent(&r.key);
            let i = cluster_index(&mut clusters, owner, owner);
            clusters[i].node_groups.push(Element::new(&r.key, format!("node group {}", last(&r.key)), &r.path));
        }
        let mut requests = Vec::new();
        for (id, cenv, name) in &self.clusters {
            if cenv != env {
                continue;
            }
            let objects: Vec<&Obj> = self.objects.iter().filter(|o| &o.cluster == id).collect();
            let owner = objects
                .iter()
                .find_map(|o| clusters.iter().find(|c| o.path.starts_with(&format!("{}/", c.element.key))))
                .map(|c| c.element.key.clone());
            let i = match owner {
                Some(k) => cluster_index(&mut clusters, &k, name),
                None => cluster_index(&mut clusters, &format!("cluster:{id}"), name),
            };
            let (workloads, paths) = workload_views(id, &objects);
            clusters[i].workloads = workloads;
            requests.extend(paths);
        }
        (clusters, requests)
    }
}

fn database_name(what: &str) -> &str {
    match what {
        "DBInstance" => "RDS database",
        "DBCluster" => "Aurora cluster",
        "Table" => "DynamoDB table",
        _ => "cache",
    }
}

fn referenced_vpc(vpcs: &mut Vec<VpcView>, env: &str) -> usize {
    if let Some(i) = vpcs.iter().position(|v| v.referenced) {
        return i;
    }
    let key = format!("vpc:{env}");
    vpcs.push(VpcView {
        element: Element::new(&key, "VPC (referenced)", key.clone()),
        referenced: true,
        zones: Vec::new(),
    });
    vpcs.len() - 1
}

/// The cluster keyed `key`, added as referenced (labelled with `name`) when absent.
fn cluster_index(clusters: &mut Vec<ClusterView>, key: &str, name: &str) -> usize {
    if let Some(i) = clusters.iter().position(|c| c.element.key == key) {
        return i;
    }
    clusters.push(ClusterView {
        element: Element::new(key, format!("EKS cluster {} (referenced)", last(name)), key.to_string()),
        referenced: true,
        node_groups: Vec::new(),
        workloads: Vec::new(),
    });
    clusters.len() - 1
}

/// Alarms grouped by their owner construct, then dashboards, alarm topics and budgets.
fn monitoring(res: &[&Res]) -> Vec<Element> {
    let mut alarms: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut out = Vec::new();
    for r in res {
        match r.kind.as_str() {
            "AWS::CloudWatch::Alarm" => alarms.entry(parent(&r.key)).or_default().push(&r.path),
            "AWS::CloudWatch::Dashboard" => {
                out.push(Element::new(&r.key, format!("dashboard {}", owner_name(&r.key)), &r.path))
            }
            "AWS::SNS::Topic" => out.push(Element::new(&r.key, format!("alarm topic {}", owner_name(&r.key)), &r.path)),
            "AWS::Budgets::Budget" => out.push(Element::new(&r.key, format!("budget {}", last(&r.key)), &r.path)),
            _ => {}
        }
    }
    let mut groups: Vec<Element> = alarms
        .into_iter()
        .map(|(owner, paths)| Element {
            key: format!("{owner}#alarms"),
            label: format!(
                "{} alarm{} of {}",
                paths.len(),
                if paths.len() == 1 { "" } else { "s" },
                owner_name_of(owner)
            ),
            mark: Mark::Unchanged,
            sources: paths.into_iter().map(str::to_string).collect(),
        })
        .collect();
    groups.append(&mut out);
    groups
}

/// The construct a monitoring resource belongs to: its parent, skipping a `monitoring` level.
fn owner_name(key: &str) -> &str {
    owner_name_of(parent(key))
}
fn owner_name_of(owner: &str) -> &str {
    match last(owner) {
        "monitoring" => last(parent(owner)),
        other => other,
    }
}
