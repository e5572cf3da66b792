//! GPU pods need GPU nodes: a workload whose pods ask for NVIDIA GPUs on a cluster the program
//! creates without any node group on an NVIDIA AMI is a warning at synth (the pods would stay
//! `Pending`). A warning, not an error: nodes the program does not describe (Karpenter, another
//! team's node groups) may bring GPUs.

use std::cell::RefCell;
use std::rc::Rc;

use stackwright_core::{Diagnostic, Node};

use super::NodeOrdering;

/// Registers the check on the cluster's `node`; it runs once every construct exists.
pub(super) fn warn_gpu_pods_without_gpu_nodes(node: &Node, ordering: &Rc<RefCell<NodeOrdering>>) {
    let ordering = Rc::clone(ordering);
    let cluster_path = node.path();
    node.add_warning_check(move |_| {
        let ordering = ordering.borrow();
        if ordering.nvidia_groups > 0 || ordering.gpu_workloads.is_empty() {
            return Vec::new();
        }
        vec![Diagnostic::new(
            cluster_path.clone(),
            format!(
                "{} ask(s) for NVIDIA GPUs, but no node group of the cluster runs an NVIDIA AMI: the pods would stay \
                 Pending",
                ordering.gpu_workloads.join(", ")
            ),
            "add a GPU node group, such as NodeGroup::new(&cluster, \"Gpu\", NodeGroupProps::spot([\"g5.xlarge\", \
             \"g6.xlarge\"], 0..=2).ami_type(AmiType::Al2023X86_64Nvidia)) — it brings the NVIDIA device plugin",
        )]
    });
}
