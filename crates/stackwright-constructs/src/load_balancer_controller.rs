//! The AWS Load Balancer Controller (placeholder; filled in by the controllers commit).

use stackwright_core::Result;

use crate::eks_cluster::EksCluster;
use crate::vpc::Vpc;

pub(crate) fn install(_cluster: &EksCluster, _vpc: &Vpc) -> Result<()> {
    Ok(())
}
