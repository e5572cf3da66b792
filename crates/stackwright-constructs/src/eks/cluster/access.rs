//! Access entries: the cluster admins, without the `aws-auth` ConfigMap.

use stackwright_cfn::eks;
use stackwright_core::{Attr, Node, Pseudo, Resource, Result, Val};

use super::ClusterName;

/// One access entry `Admin<n>` per principal, with the AWS managed cluster-admin access policy
/// on the whole cluster.
pub(super) fn admin_access_entries(
    node: &Node,
    cluster_name: &Attr<ClusterName>,
    principals: &[Val<String>],
) -> Result<()> {
    for (i, principal) in principals.iter().enumerate() {
        Resource::new(
            node,
            &format!("Admin{}", i + 1),
            eks::AccessEntry::new(cluster_name, principal.clone()).with_type("STANDARD").with_access_policies([
                eks::access_entry::AccessPolicy::new(
                    eks::access_entry::AccessScope::new("cluster"),
                    Val::<String>::sub([
                        "arn:".into(),
                        Pseudo::Partition.into(),
                        ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy".into(),
                    ]),
                ),
            ]),
        )?;
    }
    Ok(())
}
