//! [`ContainerSpec`]: what runs in a workload's pods — image, ports, resources, probes,
//! environment, and configuration and secrets as environment or files.

use std::collections::BTreeMap;

use crate::internal::setters::setters;
use crate::workload::image::ContainerImage;
use crate::workload::resources::{ComputeResources, Cpu, Memory};

/// A named port the container listens on (TCP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec {
    /// The port's name (an IANA service name: at most 15 lower-case letters, digits and '-');
    /// required. Probes, the Service and NetworkPolicies refer to it.
    pub name: String,
    /// The port number; required.
    pub port: u16,
}

impl PortSpec {
    /// The port `port` named `name`.
    pub fn new(name: impl Into<String>, port: u16) -> Self {
        PortSpec { name: name.into(), port }
    }
}

/// What a probe checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeAction {
    /// An HTTP GET of `path` on the named port; 2xx and 3xx pass.
    Http {
        /// The path, such as `/healthz`.
        path: String,
        /// The name of one of the container's ports.
        port: String,
    },
    /// A TCP connection to the named port.
    Tcp {
        /// The name of one of the container's ports.
        port: String,
    },
    /// The standard gRPC health check (`grpc.health.v1.Health/Check`) on the named port;
    /// `SERVING` passes. Kubernetes takes the port's number here, not its name: the number is
    /// looked up among the container's ports.
    Grpc {
        /// The name of one of the container's ports.
        port: String,
        /// The service whose health is asked. Default: none (the server's overall health).
        service: Option<String>,
    },
    /// A command run in the container; exit status 0 passes.
    Exec {
        /// The command and its arguments.
        command: Vec<String>,
    },
}

/// A liveness, readiness or startup probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeSpec {
    /// What is checked; required.
    pub action: ProbeAction,
    /// Seconds between checks. Default: 10.
    pub period_seconds: u32,
    /// Seconds a check may take. Default: 2.
    pub timeout_seconds: u32,
    /// Failed checks in a row before the probe fails. Default: 3.
    pub failure_threshold: u32,
}

impl ProbeSpec {
    /// A probe doing `action`, with the default timings.
    pub fn new(action: ProbeAction) -> Self {
        ProbeSpec { action, period_seconds: 10, timeout_seconds: 2, failure_threshold: 3 }
    }

    /// An HTTP GET of `path` on the port named `port`.
    pub fn http(path: impl Into<String>, port: impl Into<String>) -> Self {
        ProbeSpec::new(ProbeAction::Http { path: path.into(), port: port.into() })
    }

    /// A TCP connection to the port named `port`.
    pub fn tcp(port: impl Into<String>) -> Self {
        ProbeSpec::new(ProbeAction::Tcp { port: port.into() })
    }

    /// The gRPC health check of the server on the port named `port` (its overall health).
    pub fn grpc(port: impl Into<String>) -> Self {
        ProbeSpec::new(ProbeAction::Grpc { port: port.into(), service: None })
    }

    /// The gRPC health check of `service` on the port named `port`.
    pub fn grpc_service(port: impl Into<String>, service: impl Into<String>) -> Self {
        ProbeSpec::new(ProbeAction::Grpc { port: port.into(), service: Some(service.into()) })
    }

    /// The command `command` (exit status 0 passes).
    pub fn exec(command: impl IntoIterator<Item = impl Into<String>>) -> Self {
        ProbeSpec::new(ProbeAction::Exec { command: command.into_iter().map(Into::into).collect() })
    }
}

setters! { ProbeSpec {
    value period_seconds: u32,
    value timeout_seconds: u32,
    value failure_threshold: u32,
} }

/// A ConfigMap or Secret of the workload's namespace (created elsewhere: by the program, an
/// included manifest or an operator such as External Secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The ConfigMap of this name.
    ConfigMap(String),
    /// The Secret of this name.
    Secret(String),
}

/// A ConfigMap or Secret mounted as files (read-only), one file per key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMount {
    /// The ConfigMap or Secret; required.
    pub source: ConfigSource,
    /// The directory the files appear in (absolute); required.
    pub path: String,
}

impl FileMount {
    /// `source`'s keys as files in `path`.
    pub fn new(source: ConfigSource, path: impl Into<String>) -> Self {
        FileMount { source, path: path.into() }
    }
}

/// The workload's container. [`ContainerSpec::new`] needs only the image; everything else
/// has a default that passes the Pod Security `restricted` profile and checkov.
#[derive(Debug, Clone)]
pub struct ContainerSpec {
    /// The image to run; required.
    pub image: ContainerImage,
    /// The command (the image's `ENTRYPOINT` replaced). Default: none (the image's).
    pub command: Vec<String>,
    /// The arguments (the image's `CMD` replaced). Default: none (the image's).
    pub args: Vec<String>,
    /// The ports the container listens on. Default: none (a worker).
    pub ports: Vec<PortSpec>,
    /// Requests and limits. Default: 100m CPU and 128 MiB requested, 500m CPU and 256 MiB
    /// limited.
    pub resources: ComputeResources,
    /// The liveness probe. Default: none.
    pub liveness: Option<ProbeSpec>,
    /// The readiness probe. Default: none.
    pub readiness: Option<ProbeSpec>,
    /// The startup probe. Default: none.
    pub startup: Option<ProbeSpec>,
    /// Environment variables. Default: none.
    pub env: BTreeMap<String, String>,
    /// ConfigMaps and Secrets whose keys all become environment variables. Default: none.
    pub env_from: Vec<ConfigSource>,
    /// ConfigMaps and Secrets mounted as files. Default: none.
    pub files: Vec<FileMount>,
    /// The user and group the container runs as (never root). Default: 10001.
    pub run_as_user: i64,
    /// Size of the in-memory `emptyDir` on `/tmp` (the root filesystem is read-only), in MiB.
    /// Default: 64.
    pub tmp_size_mib: u32,
    /// A command run in the container when the pod is told to stop, before the container
    /// gets SIGTERM (a `preStop` exec hook): time for a drain, while the load balancers stop
    /// sending new requests. Counts against the grace period. Default: none (SIGTERM at once).
    pub pre_stop: Vec<String>,
}

impl ContainerSpec {
    /// `image` with the defaults of every other field.
    pub fn new(image: ContainerImage) -> Self {
        ContainerSpec {
            image,
            command: Vec::new(),
            args: Vec::new(),
            ports: Vec::new(),
            resources: ComputeResources::new(Cpu::millicores(100), Memory::mebibytes(128))
                .limits(Cpu::millicores(500), Memory::mebibytes(256)),
            liveness: None,
            readiness: None,
            startup: None,
            env: BTreeMap::new(),
            env_from: Vec::new(),
            files: Vec::new(),
            run_as_user: 10001,
            tmp_size_mib: 64,
            pre_stop: Vec::new(),
        }
    }

    /// Adds a port to [`ports`](Self::ports).
    #[must_use]
    pub fn port(mut self, name: impl Into<String>, port: u16) -> Self {
        self.ports.push(PortSpec::new(name, port));
        self
    }

    /// Adds the environment variable `name=value` to [`env`](Self::env).
    #[must_use]
    pub fn env_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }

    /// Adds `source`'s files in `path` to [`files`](Self::files).
    #[must_use]
    pub fn file_mount(mut self, source: ConfigSource, path: impl Into<String>) -> Self {
        self.files.push(FileMount::new(source, path));
        self
    }
}

setters! { ContainerSpec {
    list_into command: String,
    list_into args: String,
    list ports: PortSpec,
    value resources: ComputeResources,
    some liveness: ProbeSpec,
    some readiness: ProbeSpec,
    some startup: ProbeSpec,
    map env,
    list env_from: ConfigSource,
    list files: FileMount,
    value run_as_user: i64,
    value tmp_size_mib: u32,
    list_into pre_stop: String,
} }
