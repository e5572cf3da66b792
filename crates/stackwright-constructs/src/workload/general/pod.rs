//! The hardened pod of every workload kind (Deployment, Job, CronJob): non-root, read-only
//! root filesystem, no capabilities, seccomp `RuntimeDefault`, requests and limits, no
//! service-account token unless the pod calls the API.

use std::collections::BTreeMap;

use stackwright_core::k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvFromSource, EnvVar,
    ExecAction, GRPCAction, HTTPGetAction, Lifecycle, LifecycleHandler, PodSpec, Probe, SecretEnvSource,
    SecretVolumeSource, TCPSocketAction, Toleration, Volume, VolumeMount,
};
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stackwright_core::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stackwright_core::{KubeCluster, Result};

use super::container::{ConfigSource, ContainerSpec, ProbeAction, ProbeSpec};
use crate::workload::meta::{api_token_mount, api_token_volume};
use crate::workload::pod_security;
use crate::workload::resources::NVIDIA_GPU;

/// What the pod is built from besides the container.
pub(crate) struct PodOptions<'a> {
    /// The container's (and the service account's) name.
    pub(crate) name: &'a str,
    /// Mount a service-account token.
    pub(crate) api_access: bool,
    pub(crate) termination_grace_period_seconds: u32,
    /// `Always` for servers, `OnFailure`/`Never` for batch.
    pub(crate) restart_policy: Option<&'static str>,
}

/// The pod spec running `spec` as `options` says.
pub(crate) fn pod_spec(kube: &KubeCluster, spec: &ContainerSpec, options: &PodOptions<'_>) -> Result<PodSpec> {
    let mut volumes = vec![Volume {
        name: "tmp".into(),
        empty_dir: Some(EmptyDirVolumeSource {
            medium: Some("Memory".into()),
            size_limit: Some(Quantity(format!("{}Mi", spec.tmp_size_mib))),
        }),
        ..Default::default()
    }];
    let mut mounts = vec![VolumeMount { name: "tmp".into(), mount_path: "/tmp".into(), ..Default::default() }];
    for (i, file) in spec.files.iter().enumerate() {
        let name = format!("files-{i}");
        let mut volume = Volume { name: name.clone(), ..Default::default() };
        match &file.source {
            ConfigSource::ConfigMap(map) => {
                volume.config_map = Some(ConfigMapVolumeSource { name: map.clone(), ..Default::default() });
            }
            ConfigSource::Secret(secret) => {
                volume.secret = Some(SecretVolumeSource { secret_name: Some(secret.clone()), ..Default::default() });
            }
        }
        volumes.push(volume);
        mounts.push(VolumeMount { name, mount_path: file.path.clone(), read_only: Some(true), ..Default::default() });
    }
    if options.api_access {
        volumes.push(api_token_volume());
        mounts.push(api_token_mount());
    }
    let uid = spec.run_as_user;
    let container = Container {
        volume_mounts: Some(mounts),
        security_context: Some(pod_security::restricted_container(uid, uid)),
        ..container(kube, spec, options.name)?
    };
    Ok(PodSpec {
        service_account_name: Some(options.name.into()),
        // The token, when wanted, is the projected volume above: explicit, with an expiry.
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        security_context: Some(pod_security::restricted_pod(uid, uid)),
        termination_grace_period_seconds: Some(i64::from(options.termination_grace_period_seconds)),
        restart_policy: options.restart_policy.map(str::to_string),
        containers: vec![container],
        volumes: Some(volumes),
        // A pod asking for GPUs may run on the GPU nodes, which are tainted so that nothing else
        // does (what Kubernetes' ExtendedResourceToleration admission does where it is enabled).
        tolerations: (spec.resources.nvidia_gpus > 0).then(|| {
            vec![Toleration {
                key: Some(NVIDIA_GPU.into()),
                operator: Some("Exists".into()),
                effect: Some("NoSchedule".into()),
                ..Default::default()
            }]
        }),
        ..Default::default()
    })
}

/// The container: image, command, ports, environment, probes and resources (the volumes and
/// the security context are the pod's part).
fn container(kube: &KubeCluster, spec: &ContainerSpec, name: &str) -> Result<Container> {
    let env: Vec<EnvVar> = spec
        .env
        .iter()
        .map(|(k, v)| EnvVar { name: k.clone(), value: Some(v.clone()), ..Default::default() })
        .collect();
    let env_from: Vec<EnvFromSource> = spec
        .env_from
        .iter()
        .map(|source| match source {
            ConfigSource::ConfigMap(map) => EnvFromSource {
                config_map_ref: Some(ConfigMapEnvSource { name: map.clone(), optional: Some(false) }),
                ..Default::default()
            },
            ConfigSource::Secret(secret) => EnvFromSource {
                secret_ref: Some(SecretEnvSource { name: secret.clone(), optional: Some(false) }),
                ..Default::default()
            },
        })
        .collect();
    let ports: Vec<ContainerPort> = spec
        .ports
        .iter()
        .map(|p| ContainerPort {
            name: Some(p.name.clone()),
            container_port: i32::from(p.port),
            protocol: Some("TCP".into()),
            ..Default::default()
        })
        .collect();
    let strings = |items: &[String]| (!items.is_empty()).then(|| items.to_vec());
    Ok(Container {
        name: name.to_string(),
        image: Some(spec.image.render(kube)?),
        image_pull_policy: Some(spec.image.pull_policy().into()),
        command: strings(&spec.command),
        args: strings(&spec.args),
        ports: (!ports.is_empty()).then_some(ports),
        env: (!env.is_empty()).then_some(env),
        env_from: (!env_from.is_empty()).then_some(env_from),
        liveness_probe: spec.liveness.as_ref().map(|p| probe(p, spec)),
        readiness_probe: spec.readiness.as_ref().map(|p| probe(p, spec)),
        startup_probe: spec.startup.as_ref().map(|p| probe(p, spec)),
        lifecycle: (!spec.pre_stop.is_empty()).then(|| Lifecycle {
            pre_stop: Some(LifecycleHandler {
                exec: Some(ExecAction { command: Some(spec.pre_stop.clone()) }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        resources: Some(spec.resources.requirements()),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        ..Default::default()
    })
}

/// `spec` as Kubernetes writes it; `container` gives a gRPC probe its port's number.
fn probe(spec: &ProbeSpec, container: &ContainerSpec) -> Probe {
    let mut probe = Probe {
        period_seconds: Some(spec.period_seconds as i32),
        timeout_seconds: Some(spec.timeout_seconds as i32),
        failure_threshold: Some(spec.failure_threshold as i32),
        success_threshold: Some(1),
        ..Default::default()
    };
    match &spec.action {
        ProbeAction::Http { path, port } => {
            probe.http_get = Some(HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::String(port.clone()),
                scheme: Some("HTTP".into()),
                ..Default::default()
            });
        }
        ProbeAction::Tcp { port } => {
            probe.tcp_socket = Some(TCPSocketAction { port: IntOrString::String(port.clone()), host: None });
        }
        ProbeAction::Grpc { port, service } => {
            // The checks refuse a probe on a port the container does not have, so the lookup
            // finds it in any template synth writes.
            let number = container.ports.iter().find(|p| &p.name == port).map_or(0, |p| i32::from(p.port));
            probe.grpc = Some(GRPCAction { port: number, service: service.clone() });
        }
        ProbeAction::Exec { command } => probe.exec = Some(ExecAction { command: Some(command.clone()) }),
    }
    probe
}

/// The pod template's annotations: the image's checkov exemption when its tag is immutable.
pub(crate) fn digest_exemption(spec: &ContainerSpec) -> Option<BTreeMap<String, String>> {
    spec.image.checkov_digest_exemption().map(|(key, reason)| BTreeMap::from([(key.to_string(), reason.to_string())]))
}
