//! CPU and memory for containers: typed amounts, so that `"250"` cannot mean 250 cores by
//! accident, and limits that are checked against requests.

use std::collections::BTreeMap;
use std::fmt;

use stackwright_core::Diagnostic;
use stackwright_core::k8s_openapi::api::core::v1::ResourceRequirements;
use stackwright_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// An amount of CPU, in millicores (`Cpu::millicores(250)` is a quarter of a core).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cpu(u32);

impl Cpu {
    /// `m` thousandths of a CPU (`250m`).
    pub const fn millicores(m: u32) -> Self {
        Cpu(m)
    }

    /// `c` whole CPUs. More than 4294967 cores cannot be represented: the amount saturates and
    /// [`ComputeResources::problems`] reports it.
    pub const fn cores(c: u32) -> Self {
        Cpu(c.saturating_mul(1000))
    }

    /// The amount in thousandths of a CPU.
    pub fn as_millicores(self) -> u32 {
        self.0
    }

    /// The Kubernetes quantity: `250m`, or `2` for whole cores.
    pub fn quantity(self) -> Quantity {
        Quantity(self.to_string())
    }
}

impl fmt::Display for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(1000) { write!(f, "{}", self.0 / 1000) } else { write!(f, "{}m", self.0) }
    }
}

/// An amount of memory, in mebibytes (`Memory::mebibytes(256)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Memory(u32);

impl Memory {
    /// `m` mebibytes (`256Mi`).
    pub const fn mebibytes(m: u32) -> Self {
        Memory(m)
    }

    /// `g` gibibytes. More than 4194303 GiB cannot be represented: the amount saturates and
    /// [`ComputeResources::problems`] reports it.
    pub const fn gibibytes(g: u32) -> Self {
        Memory(g.saturating_mul(1024))
    }

    /// The amount in mebibytes.
    pub fn as_mebibytes(self) -> u32 {
        self.0
    }

    /// The Kubernetes quantity: `256Mi`, or `2Gi` for whole gibibytes.
    pub fn quantity(self) -> Quantity {
        Quantity(self.to_string())
    }
}

impl fmt::Display for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 != 0 && self.0.is_multiple_of(1024) {
            write!(f, "{}Gi", self.0 / 1024)
        } else {
            write!(f, "{}Mi", self.0)
        }
    }
}

/// Requests and limits of one container. Both are always set: a request lets the scheduler
/// and the HPA work, a limit keeps one pod from starving its node.
///
/// ```
/// use stackwright_constructs::{ComputeResources, Cpu, Memory};
/// let r = ComputeResources::new(Cpu::millicores(250), Memory::mebibytes(256))
///     .limits(Cpu::cores(1), Memory::mebibytes(512));
/// assert!(r.problems("prod/cluster/web").is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputeResources {
    /// The CPU the scheduler reserves for the pod; required.
    pub cpu_request: Cpu,
    /// The memory the scheduler reserves for the pod; required.
    pub memory_request: Memory,
    /// The CPU the pod is throttled at. Default: the request.
    pub cpu_limit: Cpu,
    /// The memory the pod is killed at. Default: the request.
    pub memory_limit: Memory,
    /// NVIDIA GPUs (`nvidia.com/gpu`), requested and limited alike: Kubernetes neither shares
    /// nor overcommits them. The pod then tolerates the `nvidia.com/gpu` taint GPU node groups
    /// carry, and runs only where the NVIDIA device plugin advertises GPUs (a node group on an
    /// NVIDIA AMI brings it: docs/constructs/node-group.md). Default: 0.
    pub nvidia_gpus: u32,
}

/// The extended resource the NVIDIA device plugin advertises, and the taint key GPU node
/// groups carry by convention.
pub(crate) const NVIDIA_GPU: &str = "nvidia.com/gpu";

crate::internal::setters::setters! { ComputeResources {
    value cpu_limit: Cpu,
    value memory_limit: Memory,
    value nvidia_gpus: u32,
} }

impl ComputeResources {
    /// Requests, with limits equal to them (Guaranteed QoS).
    pub fn new(cpu: Cpu, memory: Memory) -> Self {
        ComputeResources {
            cpu_request: cpu,
            memory_request: memory,
            cpu_limit: cpu,
            memory_limit: memory,
            nvidia_gpus: 0,
        }
    }

    /// Sets both limits (burstable when they are above the requests).
    #[must_use]
    pub fn limits(self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_limit(cpu).memory_limit(memory)
    }

    /// Sets limits above the requests (burstable).
    #[deprecated(since = "0.2.0", note = "use `limits`")]
    #[must_use]
    pub fn with_limits(self, cpu: Cpu, memory: Memory) -> Self {
        self.limits(cpu, memory)
    }

    /// What is wrong (zero amounts, amounts too large to represent, a limit below its
    /// request), reported at `path`.
    pub fn problems(&self, path: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        // `Cpu::cores` and `Memory::gibibytes` saturate (they are `const`): the largest value
        // is an overflow, never an amount someone meant.
        let saturated = [
            ("CPU request", self.cpu_request.0),
            ("CPU limit", self.cpu_limit.0),
            ("memory request", self.memory_request.0),
            ("memory limit", self.memory_limit.0),
        ];
        for (what, amount) in saturated {
            if amount == u32::MAX {
                out.push(Diagnostic::new(
                    path,
                    format!("the {what} overflowed: it is larger than stackwright can represent"),
                    "use an amount a node can offer, such as Cpu::cores(2) or Memory::gibibytes(4)",
                ));
            }
        }
        if self.cpu_request.0 == 0 {
            out.push(Diagnostic::new(
                path,
                "the CPU request is 0",
                "request at least Cpu::millicores(10): the scheduler and the HPA's CPU utilization need it",
            ));
        }
        if self.memory_request.0 == 0 {
            out.push(Diagnostic::new(path, "the memory request is 0", "request at least Memory::mebibytes(16)"));
        }
        if self.cpu_limit < self.cpu_request {
            out.push(Diagnostic::new(
                path,
                format!("the CPU limit ({}) is below the CPU request ({})", self.cpu_limit, self.cpu_request),
                "raise the limit to at least the request (Kubernetes rejects a limit below the request)",
            ));
        }
        if self.memory_limit < self.memory_request {
            out.push(Diagnostic::new(
                path,
                format!(
                    "the memory limit ({}) is below the memory request ({})",
                    self.memory_limit, self.memory_request
                ),
                "raise the limit to at least the request (Kubernetes rejects a limit below the request)",
            ));
        }
        out
    }

    /// The Kubernetes `resources` block.
    pub fn requirements(&self) -> ResourceRequirements {
        let mut requests = BTreeMap::from([
            ("cpu".to_string(), self.cpu_request.quantity()),
            ("memory".to_string(), self.memory_request.quantity()),
        ]);
        let mut limits = BTreeMap::from([
            ("cpu".to_string(), self.cpu_limit.quantity()),
            ("memory".to_string(), self.memory_limit.quantity()),
        ]);
        if self.nvidia_gpus > 0 {
            let gpus = Quantity(self.nvidia_gpus.to_string());
            requests.insert(NVIDIA_GPU.to_string(), gpus.clone());
            limits.insert(NVIDIA_GPU.to_string(), gpus);
        }
        ResourceRequirements { requests: Some(requests), limits: Some(limits), ..Default::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_render_like_kubectl_writes_them() {
        assert_eq!(Cpu::millicores(250).to_string(), "250m");
        assert_eq!(Cpu::cores(2).to_string(), "2");
        assert_eq!(Memory::mebibytes(256).to_string(), "256Mi");
        assert_eq!(Memory::gibibytes(1).to_string(), "1Gi");
        assert_eq!(Memory::mebibytes(1536).to_string(), "1536Mi");
    }

    #[test]
    fn an_amount_that_overflowed_is_a_problem_not_the_largest_amount() {
        let r = ComputeResources::new(Cpu::cores(5_000_000), Memory::gibibytes(1))
            .limits(Cpu::cores(5_000_000), Memory::gibibytes(5_000_000));
        let messages: Vec<String> = r.problems("x").into_iter().map(|d| d.message).collect();
        assert_eq!(
            messages,
            [
                "the CPU request overflowed: it is larger than stackwright can represent",
                "the CPU limit overflowed: it is larger than stackwright can represent",
                "the memory limit overflowed: it is larger than stackwright can represent",
            ]
        );
        assert!(ComputeResources::new(Cpu::cores(4_294_967), Memory::gibibytes(4_194_303)).problems("x").is_empty());
    }

    #[test]
    fn limits_below_requests_are_problems() {
        let r = ComputeResources::new(Cpu::cores(1), Memory::gibibytes(1))
            .limits(Cpu::millicores(500), Memory::mebibytes(512));
        let p = r.problems("x");
        assert_eq!(p.len(), 2);
        assert!(p[0].message.contains("CPU limit (500m) is below the CPU request (1)"));
        assert!(p[1].message.contains("memory limit (512Mi) is below the memory request (1Gi)"));
    }
}
