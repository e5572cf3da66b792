//! The shape every monitoring workload shares: one container under the `restricted` profile,
//! HTTP probes, requests and limits, a ServiceAccount without an automounted token, and — for
//! the components that talk to the Kubernetes API — the token projected explicitly.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy};
use stackwright_core::k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar, HTTPGetAction, PodSpec,
    PodTemplateSpec, Probe, Service, ServiceAccount, ServicePort, ServiceSpec, Volume, VolumeMount,
};
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stackwright_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::workload::meta::{api_token_mount, api_token_volume, meta, selector};
use crate::workload::pod_security;
use crate::workload::resources::ComputeResources;

/// The user and group the monitoring workloads run as (≥ 10000: never a host user).
pub(crate) const UID: i64 = 10001;

/// One container's pod, described once and rendered as a Deployment or DaemonSet spec.
pub(crate) struct Pod {
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub image: String,
    pub pull_policy: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub ports: Vec<(String, i32)>,
    /// (path, port name) of the liveness and readiness probes.
    pub liveness: (String, String),
    pub readiness: (String, String),
    pub resources: ComputeResources,
    pub volumes: Vec<(Volume, String, bool)>,
    /// Mount the service-account token (for components that call the Kubernetes API).
    pub api_token: bool,
    pub annotations: BTreeMap<String, String>,
}

impl Pod {
    pub(crate) fn new(
        name: &str,
        namespace: &str,
        labels: BTreeMap<String, String>,
        image: String,
        pull_policy: &str,
    ) -> Pod {
        Pod {
            name: name.to_string(),
            namespace: namespace.to_string(),
            labels,
            image,
            pull_policy: pull_policy.to_string(),
            args: Vec::new(),
            env: Vec::new(),
            ports: Vec::new(),
            liveness: ("/".into(), "http".into()),
            readiness: ("/".into(), "http".into()),
            resources: ComputeResources::new(
                crate::workload::resources::Cpu::millicores(100),
                crate::workload::resources::Memory::mebibytes(128),
            ),
            volumes: Vec::new(),
            api_token: false,
            annotations: BTreeMap::new(),
        }
    }

    pub(crate) fn meta(&self, name: &str) -> ObjectMeta {
        meta(name, Some(&self.namespace), &self.labels)
    }

    /// A volume mounted at `path`.
    pub(crate) fn mount(&mut self, volume: Volume, path: &str, read_only: bool) {
        self.volumes.push((volume, path.to_string(), read_only));
    }

    pub(crate) fn service_account(&self) -> ServiceAccount {
        ServiceAccount {
            metadata: self.meta(&self.name),
            automount_service_account_token: Some(false),
            ..Default::default()
        }
    }

    /// The pod template (the container and its volumes).
    pub(crate) fn template(&self, uid: i64) -> PodTemplateSpec {
        let probe = |(path, port): &(String, String), period: i32| Probe {
            http_get: Some(HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::String(port.clone()),
                scheme: Some("HTTP".into()),
                ..Default::default()
            }),
            period_seconds: Some(period),
            timeout_seconds: Some(5),
            failure_threshold: Some(6),
            ..Default::default()
        };
        let mut volumes: Vec<Volume> = self.volumes.iter().map(|(v, _, _)| v.clone()).collect();
        let mut mounts: Vec<VolumeMount> = self
            .volumes
            .iter()
            .map(|(v, path, ro)| VolumeMount {
                name: v.name.clone(),
                mount_path: path.clone(),
                read_only: Some(*ro),
                ..Default::default()
            })
            .collect();
        if self.api_token {
            volumes.push(api_token_volume());
            mounts.push(api_token_mount());
        }
        let container = Container {
            name: self.name.clone(),
            image: Some(self.image.clone()),
            image_pull_policy: Some(self.pull_policy.clone()),
            args: (!self.args.is_empty()).then(|| self.args.clone()),
            env: (!self.env.is_empty()).then(|| {
                self.env
                    .iter()
                    .map(|(k, v)| EnvVar { name: k.clone(), value: Some(v.clone()), ..Default::default() })
                    .collect()
            }),
            ports: Some(
                self.ports
                    .iter()
                    .map(|(name, port)| ContainerPort {
                        name: Some(name.clone()),
                        container_port: *port,
                        protocol: Some("TCP".into()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            // Liveness only starts once the process is up (Prometheus may replay its WAL for
            // minutes after a restart): up to 5 minutes.
            startup_probe: Some(Probe { failure_threshold: Some(30), ..probe(&self.liveness, 10) }),
            liveness_probe: Some(probe(&self.liveness, 15)),
            readiness_probe: Some(probe(&self.readiness, 10)),
            resources: Some(self.resources.requirements()),
            security_context: Some(pod_security::restricted_container(uid, uid)),
            volume_mounts: (!mounts.is_empty()).then_some(mounts),
            termination_message_policy: Some("FallbackToLogsOnError".into()),
            ..Default::default()
        };
        PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(self.labels.clone()),
                annotations: (!self.annotations.is_empty()).then(|| self.annotations.clone()),
                ..Default::default()
            }),
            spec: Some(PodSpec {
                service_account_name: Some(self.name.clone()),
                // A token is mounted explicitly (above) where the API is needed, never by default.
                automount_service_account_token: Some(false),
                enable_service_links: Some(false),
                security_context: Some(pod_security::restricted_pod(uid, uid)),
                containers: vec![container],
                volumes: (!volumes.is_empty()).then_some(volumes),
                ..Default::default()
            }),
        }
    }

    /// A one-replica Deployment. `recreate` when the pod holds a ReadWriteOnce volume.
    pub(crate) fn deployment(&self, recreate: bool) -> Deployment {
        Deployment {
            metadata: self.meta(&self.name),
            spec: Some(DeploymentSpec {
                replicas: Some(1),
                selector: selector(&self.labels),
                strategy: Some(DeploymentStrategy {
                    type_: Some(if recreate { "Recreate" } else { "RollingUpdate" }.into()),
                    ..Default::default()
                }),
                revision_history_limit: Some(5),
                template: self.template(UID),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// A ClusterIP Service for the named ports.
    pub(crate) fn service(&self) -> Service {
        Service {
            metadata: self.meta(&self.name),
            spec: Some(ServiceSpec {
                type_: Some("ClusterIP".into()),
                selector: Some(self.labels.clone()),
                ports: Some(
                    self.ports
                        .iter()
                        .map(|(name, port)| ServicePort {
                            name: Some(name.clone()),
                            port: *port,
                            target_port: Some(IntOrString::String(name.clone())),
                            protocol: Some("TCP".into()),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

/// A ConfigMap mounted as files.
pub(crate) fn config_map_volume(name: &str, config_map: &str) -> Volume {
    Volume {
        name: name.into(),
        config_map: Some(ConfigMapVolumeSource {
            name: config_map.into(),
            default_mode: Some(0o444),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A scratch directory (memory-backed when `memory`), at most `size`.
pub(crate) fn empty_dir(name: &str, size: &str, memory: bool) -> Volume {
    Volume {
        name: name.into(),
        empty_dir: Some(EmptyDirVolumeSource {
            medium: memory.then(|| "Memory".to_string()),
            size_limit: Some(Quantity(size.into())),
        }),
        ..Default::default()
    }
}
