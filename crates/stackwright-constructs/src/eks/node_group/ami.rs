//! The node image family, and which instance types each can run.
//!
//! Accelerated instance types need EKS's accelerated AMI of their kind — the standard one has
//! no NVIDIA or Neuron driver, so their GPUs or chips would sit unused — and the accelerated
//! AMIs support only the types EKS lists for them. The lists are those of "Use EKS-optimized
//! accelerated AMIs for GPU instances", Amazon EKS User Guide,
//! <https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html> (read
//! 2026-12-07).

use crate::internal::instance_types;

/// The AMI family of the nodes (all Amazon Linux 2023, the current EKS-optimized AMI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AmiType {
    /// x86_64 instance types (the default).
    #[default]
    Al2023X86_64,
    /// Graviton (arm64) instance types such as `m7g.large`.
    Al2023Arm64,
    /// x86_64 types with NVIDIA GPUs (`g4dn`, `g5`, `g6`, `p4d`, `p5`, …): the AMI with the
    /// NVIDIA driver. Pods request GPUs (`nvidia.com/gpu`) once the NVIDIA Kubernetes device
    /// plugin runs on the cluster, which EKS requires and stackwright does not install.
    Al2023X86_64Nvidia,
    /// arm64 types with NVIDIA GPUs (`g5g`, `p6e-gb200`, `p6e-gb300`); the same device plugin.
    Al2023Arm64Nvidia,
    /// AWS Inferentia and Trainium types (`inf1`, `inf2`, `trn1`, `trn2`): the AMI with the
    /// Neuron driver; pods need the Neuron device plugin.
    Al2023X86_64Neuron,
}

impl AmiType {
    /// The value of the node group's `AmiType`.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            AmiType::Al2023X86_64 => "AL2023_x86_64_STANDARD",
            AmiType::Al2023Arm64 => "AL2023_ARM_64_STANDARD",
            AmiType::Al2023X86_64Nvidia => "AL2023_x86_64_NVIDIA",
            AmiType::Al2023Arm64Nvidia => "AL2023_ARM_64_NVIDIA",
            AmiType::Al2023X86_64Neuron => "AL2023_x86_64_NEURON",
        }
    }

    /// How it is written in a program, for hints.
    fn rust(self) -> &'static str {
        match self {
            AmiType::Al2023X86_64 => "AmiType::Al2023X86_64",
            AmiType::Al2023Arm64 => "AmiType::Al2023Arm64",
            AmiType::Al2023X86_64Nvidia => "AmiType::Al2023X86_64Nvidia",
            AmiType::Al2023Arm64Nvidia => "AmiType::Al2023Arm64Nvidia",
            AmiType::Al2023X86_64Neuron => "AmiType::Al2023X86_64Neuron",
        }
    }

    /// An NVIDIA AMI (its nodes need the NVIDIA device plugin for their GPUs to be scheduled).
    pub(crate) fn nvidia(self) -> bool {
        matches!(self, AmiType::Al2023X86_64Nvidia | AmiType::Al2023Arm64Nvidia)
    }

    fn arm64(self) -> bool {
        matches!(self, AmiType::Al2023Arm64 | AmiType::Al2023Arm64Nvidia)
    }
}

/// Families of the x86_64 NVIDIA AMI.
const NVIDIA_X86_64: &[&str] = &[
    "p6-b300", "p6-b200", "p5", "p5e", "p5en", "p4d", "p4de", "p3", "p3dn", "g7e", "gr6", "g6", "g6e", "g6f", "gr6f",
    "g5", "g4dn",
];
/// Families of the arm64 NVIDIA AMI.
const NVIDIA_ARM64: &[&str] = &["p6e-gb200", "p6e-gb300", "g5g"];
/// Families of the Neuron AMI.
const NEURON: &[&str] = &["inf1", "inf2", "trn1", "trn2"];

/// The AMI an instance type runs on: its accelerated AMI when it has one, else the standard
/// AMI of its architecture.
pub(crate) fn required(instance_type: &str) -> AmiType {
    let family = instance_type.split('.').next().unwrap_or_default();
    if NVIDIA_X86_64.contains(&family) {
        AmiType::Al2023X86_64Nvidia
    } else if NVIDIA_ARM64.contains(&family) {
        AmiType::Al2023Arm64Nvidia
    } else if NEURON.contains(&family) {
        AmiType::Al2023X86_64Neuron
    } else if instance_types::is_arm64(instance_type) {
        AmiType::Al2023Arm64
    } else {
        AmiType::Al2023X86_64
    }
}

/// The problem of running `instance_type` on `ami`, if any: what is wrong, and the fix.
pub(super) fn problem(ami: AmiType, instance_type: &str) -> Option<(String, String)> {
    let needed = required(instance_type);
    if needed == ami {
        return None;
    }
    let t = instance_type;
    let fix = format!(".ami_type({}) on the props", needed.rust());
    Some(match (needed, ami) {
        // The architecture alone differs: the messages of the standard AMIs.
        (AmiType::Al2023Arm64, AmiType::Al2023X86_64) => (
            format!("'{t}' is a Graviton (arm64) type but the AMI type is x86_64"),
            "call .arm64() on the props, or choose x86_64 types only".to_string(),
        ),
        (AmiType::Al2023X86_64, AmiType::Al2023Arm64) => (
            format!("'{t}' is an x86_64 type but the AMI type is arm64"),
            "choose Graviton types (such as m7g.large) only, or remove .arm64()".to_string(),
        ),
        (AmiType::Al2023X86_64Nvidia | AmiType::Al2023Arm64Nvidia, _) => (
            format!(
                "'{t}' has NVIDIA GPUs, but the AMI type {} has no NVIDIA driver: the GPUs would sit unused",
                ami.as_str()
            ),
            format!(
                "call {fix} (EKS's NVIDIA AMI{}); pods then request nvidia.com/gpu once the NVIDIA Kubernetes device \
                 plugin runs (docs/constructs/node-group.md)",
                if needed.arm64() { ", arm64" } else { "" }
            ),
        ),
        (AmiType::Al2023X86_64Neuron, _) => (
            format!(
                "'{t}' has AWS Inferentia or Trainium chips, but the AMI type {} has no Neuron driver",
                ami.as_str()
            ),
            format!("call {fix}; pods then need the Neuron device plugin (docs/constructs/node-group.md)"),
        ),
        (_, AmiType::Al2023X86_64Nvidia | AmiType::Al2023Arm64Nvidia | AmiType::Al2023X86_64Neuron) => (
            format!(
                "'{t}' has no {} accelerator, but the AMI type is {}: EKS's accelerated AMIs support only the types \
                 it lists for them",
                if ami == AmiType::Al2023X86_64Neuron { "Neuron" } else { "NVIDIA" },
                ami.as_str()
            ),
            format!("keep the group's types of one kind: {fix} for '{t}', or choose accelerated types only"),
        ),
        _ => (format!("'{t}' runs on the AMI type {}, not {}", needed.as_str(), ami.as_str()), format!("call {fix}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_needs_the_ami_of_its_kind() {
        assert_eq!(required("t3.medium"), AmiType::Al2023X86_64);
        assert_eq!(required("m7g.large"), AmiType::Al2023Arm64);
        assert_eq!(required("g5.xlarge"), AmiType::Al2023X86_64Nvidia);
        assert_eq!(required("g4dn.xlarge"), AmiType::Al2023X86_64Nvidia);
        assert_eq!(required("p6-b200.48xlarge"), AmiType::Al2023X86_64Nvidia);
        assert_eq!(required("g5g.xlarge"), AmiType::Al2023Arm64Nvidia);
        assert_eq!(required("p6e-gb200.36xlarge"), AmiType::Al2023Arm64Nvidia);
        assert_eq!(required("inf2.xlarge"), AmiType::Al2023X86_64Neuron);
        assert_eq!(required("trn1.2xlarge"), AmiType::Al2023X86_64Neuron);
    }

    #[test]
    fn a_gpu_type_on_the_standard_ami_names_the_nvidia_ami() {
        assert_eq!(problem(AmiType::Al2023X86_64Nvidia, "g5.xlarge"), None);
        let (what, fix) = problem(AmiType::Al2023X86_64, "g5.xlarge").unwrap();
        assert_eq!(
            what,
            "'g5.xlarge' has NVIDIA GPUs, but the AMI type AL2023_x86_64_STANDARD has no NVIDIA driver: the GPUs would sit unused"
        );
        assert!(fix.starts_with("call .ami_type(AmiType::Al2023X86_64Nvidia) on the props"), "{fix}");
        let (what, _) = problem(AmiType::Al2023X86_64Nvidia, "t3.large").unwrap();
        assert!(
            what.starts_with("'t3.large' has no NVIDIA accelerator, but the AMI type is AL2023_x86_64_NVIDIA"),
            "{what}"
        );
        let (_, fix) = problem(AmiType::Al2023Arm64, "g5g.xlarge").unwrap();
        assert!(fix.contains(".ami_type(AmiType::Al2023Arm64Nvidia)"), "{fix}");
        let (what, _) = problem(AmiType::Al2023X86_64, "inf2.xlarge").unwrap();
        assert!(what.starts_with("'inf2.xlarge' has AWS Inferentia or Trainium chips"), "{what}");
        let (what, _) = problem(AmiType::Al2023X86_64, "m7g.large").unwrap();
        assert_eq!(what, "'m7g.large' is a Graviton (arm64) type but the AMI type is x86_64");
    }
}
