//! The Kubernetes cluster autoscaler (placeholder; filled in by the controllers commit).

use stackwright_core::Result;

use crate::eks_cluster::EksCluster;

pub(crate) fn install(_cluster: &EksCluster) -> Result<()> {
    Ok(())
}
