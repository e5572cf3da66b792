//! The AWS Load Balancer Controller: an IRSA role with upstream's IAM policy, the CRDs, RBAC,
//! the `alb` IngressClass and a two-replica Deployment — so that an Ingress with
//! `ingressClassName: alb` gets an Application Load Balancer.
//!
//! Followed upstream: kubernetes-sigs/aws-load-balancer-controller at tag `v3.5.0` (commit
//! `11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4`) — `docs/install/iam_policy.json`, the RBAC of
//! `helm/aws-load-balancer-controller/templates/rbac.yaml` with the chart's default values, and
//! `helm/aws-load-balancer-controller/crds/crds.yaml`. Copies are in
//! `crates/stackwright-constructs/upstream/`; a test compares what is synthesized with them.
//!
//! # The webhook certificate, without cert-manager and without a key in the output
//! The controller always starts its admission-webhook server and exits without a serving
//! certificate. The Helm chart generates one at render time (a private key in the rendered
//! manifests, different on every render); stackwright output is deterministic and holds no
//! secrets. Instead a Job runs `kube-webhook-certgen create` (the Kubernetes project's tool, from
//! ingress-nginx) once, which writes the certificate into the Secret `aws-load-balancer-tls`
//! inside the cluster. No webhook configuration is registered, so nothing calls the server:
//! Ingress and Service reconciliation work; the optional webhooks (pod readiness gates,
//! TargetGroupBinding and IngressClassParams validation) are off. See
//! `docs/constructs/eks-cluster.md`.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::core::v1::{SecretVolumeSource, Volume, VolumeMount};
use stackwright_core::k8s_openapi::api::networking::v1::{IngressClass, IngressClassSpec};
use stackwright_core::k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use stackwright_core::k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding};
use stackwright_core::k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stackwright_core::{Arn, Attr, Error, KubeCluster, Node, Region, Result, Value};

use super::controller_pod::ControllerPod;
use super::{AddonContext, ControllerImages};
use crate::eks::irsa;
use crate::iam::service_role::RoleSpec;
use crate::iam::{PolicyDocument, Statement};
use crate::workload::meta::{meta, policy_rule, role_ref, selector, service_account_subject, string_map};

/// The controller's name (service account, roles, Deployment).
pub(crate) const NAME: &str = "aws-load-balancer-controller";
/// The controller image (upstream v3.5.0, 2026-08-03; it supports every Kubernetes version
/// stackwright does).
pub(crate) const IMAGE: &str = "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0";
/// The certificate generator (ingress-nginx's `kube-webhook-certgen`).
pub(crate) const CERTGEN_IMAGE: &str = "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9";
/// The IngressClass name workloads use (`ingressClassName: alb`).
pub(crate) const INGRESS_CLASS: &str = "alb";

const NAMESPACE: &str = "kube-system";
const CERTGEN: &str = "aws-load-balancer-certgen";
const TLS_SECRET: &str = "aws-load-balancer-tls";
const WEBHOOK_SERVICE: &str = "aws-load-balancer-webhook-service";
const METRICS_PORT: i32 = 8080;
const HEALTH_PORT: i32 = 61779;
const WEBHOOK_PORT: i32 = 9443;

/// Upstream's CRDs, as released.
const CRDS: &str = include_str!("../../../upstream/aws-load-balancer-controller-v3.5.0-crds.json");

fn allow(actions: &[&str], resources: &[&str]) -> Statement {
    Statement::allow(actions.iter().copied(), resources.iter().map(|r| Value::from(*r)))
}

/// The condition key of the one narrowing of upstream's policy.
pub(crate) const REQUESTED_REGION: &str = "aws:RequestedRegion";

/// The reason every `Resource: "*"` statement of upstream's policy carries.
const UPSTREAM: &str = "upstream's policy: the actions have no resource-level permissions, or the load balancers, \
                        target groups and security groups are named by the controller at run time (tag \
                        conditions scope the mutating ones to resources the controller created)";

/// Upstream's `docs/install/iam_policy.json` (v3.5.0), statement by statement, with one
/// narrowing: the five statements that allow writes on `*` without any condition may act only
/// in the cluster's `region` (`aws:RequestedRegion`; `us-east-1` too for the statement with
/// Shield and IAM, whose APIs live there). The unit tests list them (statements 2, 3, 4, 9 and 15).
#[expect(
    clippy::too_many_lines,
    reason = "a transcription of upstream's policy file, statement by statement in its order, so that it is \
              reviewed against that file side by side (and a unit test compares the two)"
)]
pub(crate) fn iam_policy(region: Region) -> PolicyDocument {
    let tag_null =
        |s: Statement, key: &str, value: &str| s.condition("Null", format!("aws:{key}/elbv2.k8s.aws/cluster"), [value]);
    let in_region = |s: Statement| s.condition("StringEquals", REQUESTED_REGION, [region.as_str()]);
    let in_region_or_global = |s: Statement| {
        let mut regions = vec![region.as_str()];
        if region != Region::UsEast1 {
            regions.push(Region::UsEast1.as_str());
        }
        s.condition("StringEquals", REQUESTED_REGION, regions)
    };
    PolicyDocument::new([
        allow(&["iam:CreateServiceLinkedRole"], &["*"])
            .condition("StringEquals", "iam:AWSServiceName", ["elasticloadbalancing.amazonaws.com"])
            .allow_wildcard(UPSTREAM),
        allow(
            &[
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:GetCoipPoolUsage",
                "ec2:DescribeCoipPools",
                "ec2:GetSecurityGroupsForVpc",
                "ec2:DescribeIpamPools",
                "ec2:DescribeRouteTables",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeCapacityReservation",
            ],
            &["*"],
        )
        .allow_wildcard(UPSTREAM),
        in_region_or_global(allow(
            &[
                "cognito-idp:DescribeUserPoolClient",
                "acm:ListCertificates",
                "acm:DescribeCertificate",
                "iam:ListServerCertificates",
                "iam:GetServerCertificate",
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
                "shield:GetSubscriptionState",
                "shield:DescribeProtection",
                "shield:CreateProtection",
                "shield:DeleteProtection",
            ],
            &["*"],
        ))
        .allow_wildcard(UPSTREAM),
        in_region(allow(&["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], &["*"]))
            .allow_wildcard(UPSTREAM),
        in_region(allow(&["ec2:CreateSecurityGroup"], &["*"])).allow_wildcard(UPSTREAM),
        tag_null(
            allow(&["ec2:CreateTags"], &["arn:aws:ec2:*:*:security-group/*"]).condition(
                "StringEquals",
                "ec2:CreateAction",
                ["CreateSecurityGroup"],
            ),
            "RequestTag",
            "false",
        ),
        tag_null(
            tag_null(
                allow(&["ec2:CreateTags", "ec2:DeleteTags"], &["arn:aws:ec2:*:*:security-group/*"]),
                "RequestTag",
                "true",
            ),
            "ResourceTag",
            "false",
        ),
        tag_null(
            allow(
                &["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
                &["*"],
            ),
            "ResourceTag",
            "false",
        )
        .allow_wildcard(UPSTREAM),
        tag_null(
            allow(&["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"], &["*"]),
            "RequestTag",
            "false",
        )
        .allow_wildcard(UPSTREAM),
        in_region(allow(
            &[
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            &["*"],
        ))
        .allow_wildcard(UPSTREAM),
        tag_null(
            tag_null(
                allow(
                    &["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                    &[
                        "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
                        "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
                        "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
                    ],
                ),
                "RequestTag",
                "true",
            ),
            "ResourceTag",
            "false",
        ),
        allow(
            &["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            &[
                "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
            ],
        ),
        tag_null(
            allow(
                &[
                    "elasticloadbalancing:ModifyLoadBalancerAttributes",
                    "elasticloadbalancing:SetIpAddressType",
                    "elasticloadbalancing:SetSecurityGroups",
                    "elasticloadbalancing:SetSubnets",
                    "elasticloadbalancing:DeleteLoadBalancer",
                    "elasticloadbalancing:ModifyTargetGroup",
                    "elasticloadbalancing:ModifyTargetGroupAttributes",
                    "elasticloadbalancing:DeleteTargetGroup",
                    "elasticloadbalancing:ModifyListenerAttributes",
                    "elasticloadbalancing:ModifyCapacityReservation",
                    "elasticloadbalancing:ModifyIpPools",
                ],
                &["*"],
            ),
            "ResourceTag",
            "false",
        )
        .allow_wildcard(UPSTREAM),
        tag_null(
            allow(
                &["elasticloadbalancing:AddTags"],
                &[
                    "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
                    "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
                    "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
                ],
            )
            .condition(
                "StringEquals",
                "elasticloadbalancing:CreateAction",
                ["CreateTargetGroup", "CreateLoadBalancer"],
            ),
            "RequestTag",
            "false",
        ),
        allow(
            &["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            &["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"],
        ),
        in_region(allow(
            &[
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            &["*"],
        ))
        .allow_wildcard(UPSTREAM),
    ])
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The leader-election Role (in `kube-system`), as upstream's chart.
pub(crate) fn role_rules() -> Vec<PolicyRule> {
    vec![
        policy_rule(&[""], &["configmaps"], &[], &["create"]),
        policy_rule(&[""], &["configmaps"], &["aws-load-balancer-controller-leader"], &["get", "patch", "update"]),
        policy_rule(&["coordination.k8s.io"], &["leases"], &[], &["create"]),
        policy_rule(
            &["coordination.k8s.io"],
            &["leases"],
            &["aws-load-balancer-controller-leader"],
            &["get", "update", "patch"],
        ),
    ]
}

/// The ClusterRole, as upstream's chart with its default values (no read access to Secrets).
pub(crate) fn cluster_role_rules() -> Vec<PolicyRule> {
    let gw_routes = ["grpcroutes", "httproutes", "listenersets", "tcproutes", "tlsroutes", "udproutes"];
    let gw_config = ["listenerruleconfigurations", "loadbalancerconfigurations", "targetgroupconfigurations"];
    let with = |suffix: &str, items: &[&str]| -> Vec<String> { items.iter().map(|r| format!("{r}{suffix}")).collect() };
    let gw_routes_status: Vec<String> = ["gatewayclasses/status", "gateways/status"]
        .map(String::from)
        .into_iter()
        .chain(with("/status", &gw_routes))
        .collect();
    vec![
        policy_rule(&[""], &["configmaps"], &[], &["create", "delete", "get", "update"]),
        policy_rule(&[""], &["endpoints", "namespaces", "nodes", "pods"], &[], &["get", "list", "watch"]),
        policy_rule(&[""], &["events"], &[], &["create", "patch"]),
        policy_rule(&[""], &["pods/status", "services/status"], &[], &["patch", "update"]),
        policy_rule(&[""], &["services"], &[], &["get", "list", "patch", "update", "watch"]),
        policy_rule(&["aga.k8s.aws"], &["globalaccelerators"], &[], &["get", "list", "patch", "watch"]),
        policy_rule(
            &["aga.k8s.aws"],
            &["globalaccelerators/finalizers", "globalaccelerators/status"],
            &[],
            &["patch", "update"],
        ),
        policy_rule(&["discovery.k8s.io"], &["endpointslices"], &[], &["get", "list", "watch"]),
        policy_rule(&["elbv2.k8s.aws"], &["albtargetcontrolconfigs"], &[], &["get"]),
        policy_rule(&["elbv2.k8s.aws"], &["ingressclassparams"], &[], &["get", "list", "watch"]),
        policy_rule(
            &["elbv2.k8s.aws"],
            &["targetgroupbindings"],
            &[],
            &["create", "delete", "get", "list", "patch", "update", "watch"],
        ),
        policy_rule(&["elbv2.k8s.aws"], &["targetgroupbindings/status"], &[], &["patch", "update"]),
        policy_rule(
            &["extensions", "networking.k8s.io"],
            &["ingresses"],
            &[],
            &["get", "list", "patch", "update", "watch"],
        ),
        policy_rule(&["extensions", "networking.k8s.io"], &["ingresses/status"], &[], &["patch", "update"]),
        policy_rule(&["gateway.k8s.aws"], &gw_config, &[], &["get", "list", "patch", "watch"]),
        policy_rule(&["gateway.k8s.aws"], &refs(&with("/finalizers", &gw_config)), &[], &["patch", "update"]),
        policy_rule(&["gateway.k8s.aws"], &refs(&with("/status", &gw_config)), &[], &["get", "patch", "update"]),
        policy_rule(
            &["gateway.networking.k8s.io"],
            &["gatewayclasses", "gateways", "referencegrants"],
            &[],
            &["get", "list", "patch", "watch"],
        ),
        policy_rule(
            &["gateway.networking.k8s.io"],
            &["gatewayclasses/finalizers", "gateways/finalizers"],
            &[],
            &["patch", "update"],
        ),
        policy_rule(&["gateway.networking.k8s.io"], &refs(&gw_routes_status), &[], &["get", "patch", "update"]),
        policy_rule(&["gateway.networking.k8s.io"], &gw_routes, &[], &["get", "list", "watch"]),
        policy_rule(&["gateway.networking.k8s.io"], &refs(&with("/finalizers", &gw_routes)), &[], &["update"]),
        policy_rule(&["networking.k8s.io"], &["ingressclasses"], &[], &["get", "list", "watch"]),
    ]
}

/// Upstream's CRDs.
pub(crate) fn crds() -> Result<Vec<CustomResourceDefinition>> {
    serde_json::from_str(CRDS)
        .map_err(|e| Error::Serialize { what: "the AWS Load Balancer Controller CRDs".into(), message: e.to_string() })
}

/// Adds the IRSA role and the Kubernetes objects to the cluster of `cx`.
pub(crate) fn install(cx: &AddonContext<'_>, images: &ControllerImages) -> Result<()> {
    let owner = cx.scope.add_child("LoadBalancerController")?;
    let name = cx.cluster_name;
    let role = irsa::irsa_role(
        &owner,
        "Role",
        cx.oidc,
        NAMESPACE,
        NAME,
        RoleSpec::trusted_by(Vec::new(), format!("The AWS Load Balancer Controller of {name}"))
            .inline(iam_policy(cx.region)),
    )?;
    for crd in crds()? {
        cx.kube.add(&owner, &crd)?;
    }
    certificate_job(cx.kube, &owner, images)?;
    controller(cx, &owner, images, role.arn())
}

/// The serving certificate, created once inside the cluster by a Job (see the module docs).
fn certificate_job(kube: &KubeCluster, owner: &Node, images: &ControllerImages) -> Result<()> {
    let certgen = ControllerPod {
        name: CERTGEN.into(),
        namespace: NAMESPACE.into(),
        image: images.certgen.as_deref().unwrap_or(CERTGEN_IMAGE).into(),
        command: Vec::new(),
        args: vec![
            "create".into(),
            format!("--host={WEBHOOK_SERVICE},{WEBHOOK_SERVICE}.{NAMESPACE}.svc"),
            format!("--namespace={NAMESPACE}"),
            format!("--secret-name={TLS_SECRET}"),
            "--cert-name=tls.crt".into(),
            "--key-name=tls.key".into(),
        ],
        env: Vec::new(),
        ports: Vec::new(),
        liveness: None,
        readiness: None,
        cpu: "50m",
        memory: "64Mi",
        volumes: Vec::new(),
    };
    let certgen_labels = certgen.labels();
    kube.add(owner, &certgen.service_account(None))?;
    kube.add(
        owner,
        &Role {
            metadata: meta(CERTGEN, Some(NAMESPACE), &certgen_labels),
            rules: Some(vec![
                policy_rule(&[""], &["secrets"], &[], &["create"]),
                policy_rule(&[""], &["secrets"], &[TLS_SECRET], &["get"]),
            ]),
        },
    )?;
    kube.add(
        owner,
        &RoleBinding {
            metadata: meta(CERTGEN, Some(NAMESPACE), &certgen_labels),
            role_ref: role_ref("Role", CERTGEN),
            subjects: Some(vec![service_account_subject(CERTGEN, NAMESPACE)]),
        },
    )?;
    kube.add(owner, &certgen.job())?;
    kube.add(owner, &certgen.network_policy(None))
}

/// The controller's pod: its arguments name the cluster, region and VPC; the certificate is
/// mounted from the Secret the Job wrote.
fn controller_pod(cx: &AddonContext<'_>, images: &ControllerImages) -> Result<ControllerPod> {
    let name = cx.cluster_name;
    Ok(ControllerPod {
        name: NAME.into(),
        namespace: NAMESPACE.into(),
        image: images.load_balancer_controller.as_deref().unwrap_or(IMAGE).into(),
        command: Vec::new(),
        args: vec![
            format!("--cluster-name={name}"),
            format!("--ingress-class={INGRESS_CLASS}"),
            format!("--aws-region={}", cx.region),
            format!("--aws-vpc-id={}", vpc_id(cx)?),
            format!("--metrics-bind-addr=:{METRICS_PORT}"),
            format!("--webhook-bind-port={WEBHOOK_PORT}"),
        ],
        env: Vec::new(),
        ports: vec![("webhook-server", WEBHOOK_PORT), ("metrics-server", METRICS_PORT)],
        liveness: Some(("/healthz", HEALTH_PORT)),
        readiness: Some(("/readyz", HEALTH_PORT)),
        cpu: "200m",
        memory: "256Mi",
        volumes: vec![(
            Volume {
                name: "cert".into(),
                secret: Some(SecretVolumeSource {
                    secret_name: Some(TLS_SECRET.into()),
                    default_mode: Some(0o440),
                    ..Default::default()
                }),
                ..Default::default()
            },
            VolumeMount {
                name: "cert".into(),
                mount_path: "/tmp/k8s-webhook-server/serving-certs".into(),
                read_only: Some(true),
                ..Default::default()
            },
        )],
    })
}

/// The controller: service account, leader-election and cluster RBAC, the `alb` IngressClass,
/// a two-replica Deployment with its disruption budget, and its NetworkPolicy.
fn controller(cx: &AddonContext<'_>, owner: &Node, images: &ControllerImages, role_arn: Attr<Arn>) -> Result<()> {
    let kube = cx.kube;
    let pod = controller_pod(cx, images)?;
    let labels = pod.labels();
    kube.add(owner, &pod.service_account(Some(kube.late_bound(role_arn)?)))?;
    kube.add(
        owner,
        &Role {
            metadata: meta(&format!("{NAME}-leader-election"), Some(NAMESPACE), &labels),
            rules: Some(role_rules()),
        },
    )?;
    kube.add(
        owner,
        &RoleBinding {
            metadata: meta(&format!("{NAME}-leader-election"), Some(NAMESPACE), &labels),
            role_ref: role_ref("Role", &format!("{NAME}-leader-election")),
            subjects: Some(vec![service_account_subject(NAME, NAMESPACE)]),
        },
    )?;
    kube.add(
        owner,
        &ClusterRole { metadata: meta(NAME, None, &labels), rules: Some(cluster_role_rules()), ..Default::default() },
    )?;
    kube.add(
        owner,
        &ClusterRoleBinding {
            metadata: meta(NAME, None, &labels),
            role_ref: role_ref("ClusterRole", NAME),
            subjects: Some(vec![service_account_subject(NAME, NAMESPACE)]),
        },
    )?;
    kube.add(
        owner,
        &IngressClass {
            metadata: meta(INGRESS_CLASS, None, &labels),
            spec: Some(IngressClassSpec { controller: Some("ingress.k8s.aws/alb".into()), ..Default::default() }),
        },
    )?;
    let scrape: BTreeMap<String, String> =
        string_map([("prometheus.io/scrape", "true".to_string()), ("prometheus.io/port", METRICS_PORT.to_string())]);
    kube.add(owner, &pod.deployment(2, scrape))?;
    kube.add(
        owner,
        &PodDisruptionBudget {
            metadata: meta(NAME, Some(NAMESPACE), &labels),
            spec: Some(PodDisruptionBudgetSpec {
                min_available: Some(IntOrString::Int(1)),
                selector: Some(selector(&labels)),
                ..Default::default()
            }),
            ..Default::default()
        },
    )?;
    kube.add(owner, &pod.network_policy(Some(METRICS_PORT)))?;
    Ok(())
}

#[cfg(test)]
mod tests;

/// The VPC id for the controller's arguments: a referenced VPC's literal id as it is, a created
/// VPC's `Ref` late-bound (the runtime substitutes it from the stack's outputs).
fn vpc_id(cx: &AddonContext<'_>) -> Result<String> {
    match cx.vpc_id.value() {
        Value::String(id) => Ok(id.clone()),
        _ => cx.kube.late_bound(cx.vpc_id.clone()),
    }
}
