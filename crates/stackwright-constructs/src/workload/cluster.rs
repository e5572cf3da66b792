//! What Kubernetes workloads need from the cluster they run on.

use stackwright_core::{Arn, Attr, Construct, Error, KubeCluster, Node, Region, Result};

use crate::iam::PolicyDocument;
use crate::workload::version::KubernetesVersion;

/// A cluster that workloads (`FlaskApp`, `Monitoring`, controllers) deploy to. `EksCluster`
/// implements it; workloads take `&impl WorkloadCluster`, so that only a cluster can be passed.
pub trait WorkloadCluster: Construct {
    /// The Kubernetes objects of this cluster.
    fn kube(&self) -> &KubeCluster;

    /// The Kubernetes version the manifests must be valid for.
    fn kubernetes_version(&self) -> KubernetesVersion;

    /// The cluster's region.
    fn region(&self) -> Region;

    /// Whether the cluster has the EBS CSI driver, which provisions the EBS volumes of
    /// persistent volume claims (a StatefulSet's volume claim templates need it). Default:
    /// false — a cluster that does not say has none.
    fn has_ebs_csi_driver(&self) -> bool {
        false
    }

    /// Whether the cluster runs the CloudWatch observability add-on, which ships the
    /// containers' logs to `/aws/containerinsights/<cluster>/application` (monitoring's
    /// CloudWatch dashboard then shows them). Default: false — a cluster that does not say has
    /// none.
    fn has_cloudwatch_observability(&self) -> bool {
        false
    }

    /// Whether the cluster runs the AWS Load Balancer Controller, which turns an Ingress into
    /// an ALB (a workload's `ingress` needs it). Default: false — a cluster that does not say
    /// has none.
    fn has_load_balancer_controller(&self) -> bool {
        false
    }

    /// The workload at `workload` runs pods asking for NVIDIA GPUs: a cluster that knows its
    /// node groups warns at synth when none of them can run those pods. Default: nothing (a
    /// cluster that does not say, says nothing).
    fn expect_gpu_pods(&self, workload: &Node) {
        let _ = workload;
    }

    /// The customer-managed KMS key the EBS CSI driver may encrypt volumes with, which
    /// StorageClasses name as `kmsKeyId`. Default: none (volumes use the AWS managed key).
    fn ebs_volume_key(&self) -> Option<Attr<Arn>> {
        None
    }

    /// An IAM role that only the service account `namespace/service_account` can assume (IRSA),
    /// with `policy` attached, created under `scope` with id `id`. Returns the role's ARN (its
    /// `Arn` attribute: a database's grant attaches to the role by its `Ref`, its name).
    /// `policy` has no statements when the role's permissions are all attached elsewhere (a
    /// workload connected to a database and calling nothing else): the role then has no inline
    /// policy.
    fn service_account_role(
        &self,
        scope: &dyn Construct,
        id: &str,
        namespace: &str,
        service_account: &str,
        policy: PolicyDocument,
    ) -> Result<Attr<Arn>>;

    /// An IAM role for the service account `namespace/service_account` through EKS Pod
    /// Identity (the alternative to IRSA: the role trusts `pods.eks.amazonaws.com` and an
    /// association binds it), with `policy` attached, created under `scope` with id `id`
    /// (no inline policy when it has no statements, as for IRSA).
    ///
    /// # Errors
    /// By default the cluster has no Pod Identity: an error at `scope`'s path, which a
    /// workload records as a problem of its props. `EksCluster` has it (its Pod Identity agent
    /// add-on is always installed).
    fn pod_identity_role(
        &self,
        scope: &dyn Construct,
        id: &str,
        namespace: &str,
        service_account: &str,
        policy: PolicyDocument,
    ) -> Result<Attr<Arn>> {
        let _ = (id, namespace, service_account, policy);
        Err(Error::invalid(
            scope.node().path(),
            format!("cluster '{}' has no EKS Pod Identity", self.node().path()),
            "use IRSA (AwsIdentity::Irsa, the default) on this cluster",
        ))
    }
}
