//! The hardened shape every cluster controller stackwright installs shares: a service account
//! with an IRSA role and no automatic token, a Deployment (or Job) whose pods are non-root with a
//! read-only root filesystem, every capability dropped and `RuntimeDefault` seccomp, the
//! Kubernetes API token mounted explicitly, probes, requests and limits — and a NetworkPolicy
//! that admits only what the controller serves.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use stackwright_core::k8s_openapi::api::batch::v1::{Job, JobSpec};
use stackwright_core::k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, HTTPGetAction, PodSpec, PodTemplateSpec, Probe, ResourceRequirements,
    ServiceAccount, Volume, VolumeMount,
};
use stackwright_core::k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicySpec};
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::internal::network_policy::from_namespace;
use crate::internal::scrape_contract::{MONITORING_NAMESPACE, prometheus_selector};
use crate::workload::meta::{api_token_mount, api_token_volume, meta, selector, string_map};
use crate::workload::pod_security::{restricted_container, restricted_pod};

/// The user and group the controllers run as (`nobody`, above 10000 so it matches no host user).
pub(crate) const UID: i64 = 65534;

/// One controller container and the pod around it.
pub(crate) struct ControllerPod {
    pub name: String,
    pub namespace: String,
    pub image: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Named container ports.
    pub ports: Vec<(&'static str, i32)>,
    /// `(path, port)` of the liveness and readiness endpoints.
    pub liveness: Option<(&'static str, i32)>,
    pub readiness: Option<(&'static str, i32)>,
    /// CPU and memory, requested and limited alike (guaranteed QoS).
    pub cpu: &'static str,
    pub memory: &'static str,
    /// Extra volumes and where they are mounted.
    pub volumes: Vec<(Volume, VolumeMount)>,
}

impl ControllerPod {
    /// The labels selecting the pods.
    pub(crate) fn labels(&self) -> BTreeMap<String, String> {
        string_map([("app.kubernetes.io/name", self.name.as_str()), ("app.kubernetes.io/component", "controller")])
    }

    /// The controller's container: the image, its arguments, probes and resources, locked
    /// down, with the API token and `/tmp` mounted.
    fn container(&self, mounts: Vec<VolumeMount>) -> Container {
        let probe = |(path, port): (&str, i32), delay: i32| Probe {
            http_get: Some(HTTPGetAction {
                path: Some(path.to_string()),
                port: IntOrString::Int(port),
                scheme: Some("HTTP".into()),
                ..Default::default()
            }),
            initial_delay_seconds: Some(delay),
            timeout_seconds: Some(10),
            failure_threshold: Some(3),
            ..Default::default()
        };
        let quantities = || {
            BTreeMap::from([
                ("cpu".to_string(), Quantity(self.cpu.into())),
                ("memory".to_string(), Quantity(self.memory.into())),
            ])
        };
        Container {
            name: self.name.clone(),
            image: Some(self.image.clone()),
            // Tags can be re-pushed upstream; Always makes every node check the registry.
            image_pull_policy: Some("Always".into()),
            command: (!self.command.is_empty()).then(|| self.command.clone()),
            args: (!self.args.is_empty()).then(|| self.args.clone()),
            env: (!self.env.is_empty()).then(|| {
                self.env
                    .iter()
                    .map(|(k, v)| EnvVar { name: k.clone(), value: Some(v.clone()), ..Default::default() })
                    .collect()
            }),
            ports: (!self.ports.is_empty()).then(|| {
                self.ports
                    .iter()
                    .map(|(name, port)| ContainerPort {
                        name: Some((*name).to_string()),
                        container_port: *port,
                        protocol: Some("TCP".into()),
                        ..Default::default()
                    })
                    .collect()
            }),
            liveness_probe: self.liveness.map(|p| probe(p, 30)),
            readiness_probe: self.readiness.map(|p| probe(p, 10)),
            resources: Some(ResourceRequirements {
                requests: Some(quantities()),
                limits: Some(quantities()),
                ..Default::default()
            }),
            security_context: Some(restricted_container(UID, UID)),
            volume_mounts: Some(mounts),
            ..Default::default()
        }
    }

    fn pod_template(&self, restart_policy: Option<&str>, pod_annotations: BTreeMap<String, String>) -> PodTemplateSpec {
        let mut volumes = vec![
            api_token_volume(),
            Volume { name: "tmp".into(), empty_dir: Some(Default::default()), ..Default::default() },
        ];
        let mut mounts = vec![
            api_token_mount(),
            VolumeMount { name: "tmp".into(), mount_path: "/tmp".into(), ..Default::default() },
        ];
        for (volume, mount) in &self.volumes {
            volumes.push(volume.clone());
            mounts.push(mount.clone());
        }
        let container = self.container(mounts);
        PodTemplateSpec {
            metadata: Some(stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                labels: Some(self.labels()),
                annotations: (!pod_annotations.is_empty()).then_some(pod_annotations),
                ..Default::default()
            }),
            spec: Some(PodSpec {
                service_account_name: Some(self.name.clone()),
                // The token is mounted explicitly (kube-api-access), so that only this
                // container has it.
                automount_service_account_token: Some(false),
                security_context: Some(restricted_pod(UID, UID)),
                node_selector: Some(string_map([("kubernetes.io/os", "linux")])),
                priority_class_name: Some("system-cluster-critical".into()),
                restart_policy: restart_policy.map(str::to_string),
                containers: vec![container],
                volumes: Some(volumes),
                ..Default::default()
            }),
        }
    }

    /// A Deployment of `replicas` pods.
    pub(crate) fn deployment(&self, replicas: i32, pod_annotations: BTreeMap<String, String>) -> Deployment {
        let mut template = self.pod_template(None, pod_annotations);
        if replicas > 1
            && let Some(spec) = template.spec.as_mut()
        {
            // Spread the replicas over nodes, so one node going away keeps the controller.
            spec.affinity = Some(stackwright_core::k8s_openapi::api::core::v1::Affinity {
                pod_anti_affinity: Some(stackwright_core::k8s_openapi::api::core::v1::PodAntiAffinity {
                    preferred_during_scheduling_ignored_during_execution: Some(vec![
                        stackwright_core::k8s_openapi::api::core::v1::WeightedPodAffinityTerm {
                            weight: 100,
                            pod_affinity_term: stackwright_core::k8s_openapi::api::core::v1::PodAffinityTerm {
                                label_selector: Some(selector(&self.labels())),
                                topology_key: "kubernetes.io/hostname".into(),
                                ..Default::default()
                            },
                        },
                    ]),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        Deployment {
            metadata: meta(&self.name, Some(&self.namespace), &self.labels()),
            spec: Some(DeploymentSpec {
                replicas: Some(replicas),
                revision_history_limit: Some(5),
                selector: selector(&self.labels()),
                template,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// A Job that runs the container to completion once, removed 10 minutes after it finishes
    /// (the next deploy creates it again, and it finds its work done).
    pub(crate) fn job(&self) -> Job {
        Job {
            metadata: meta(&self.name, Some(&self.namespace), &self.labels()),
            spec: Some(JobSpec {
                backoff_limit: Some(6),
                ttl_seconds_after_finished: Some(600),
                template: self.pod_template(Some("OnFailure"), BTreeMap::new()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// The service account, annotated with its IRSA role when it has one.
    pub(crate) fn service_account(&self, role_arn: Option<String>) -> ServiceAccount {
        let mut metadata = meta(&self.name, Some(&self.namespace), &self.labels());
        if let Some(arn) = role_arn {
            metadata.annotations = Some(string_map([("eks.amazonaws.com/role-arn", arn)]));
        }
        ServiceAccount { metadata, automount_service_account_token: Some(false), ..Default::default() }
    }

    /// A NetworkPolicy for the pods: ingress only to `metrics_port` from Prometheus' pods (not
    /// the whole monitoring namespace: Grafana and Alertmanager have no business there);
    /// egress anywhere (the Kubernetes API and AWS APIs have no fixed addresses).
    pub(crate) fn network_policy(&self, metrics_port: Option<i32>) -> NetworkPolicy {
        let prometheus = prometheus_selector();
        let ingress = metrics_port.map(|port| vec![from_namespace(MONITORING_NAMESPACE, Some(&prometheus), port)]);
        NetworkPolicy {
            metadata: meta(&self.name, Some(&self.namespace), &self.labels()),
            spec: Some(NetworkPolicySpec {
                pod_selector: Some(selector(&self.labels())),
                policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
                ingress: Some(ingress.unwrap_or_default()),
                egress: Some(vec![NetworkPolicyEgressRule::default()]),
            }),
        }
    }
}
