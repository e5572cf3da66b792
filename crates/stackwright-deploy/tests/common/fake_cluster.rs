//! A cluster that is only its Kubernetes side (no AWS resources, a literal connection): enough
//! for `KubeManifest`, and the shape of a cluster a program refers to.

use stackwright_constructs::iam::PolicyDocument;
use stackwright_constructs::{KubernetesVersion, WorkloadCluster};
use stackwright_core::{
    Arn, Attr, ClusterConnection, Construct, Error, KubeCluster, Node, Region, Result, Stack, Value,
};

/// The cluster `name` in `stack`, reached at `endpoint` (no certificate: the fake API is HTTP).
pub(crate) struct FakeCluster {
    pub node: Node,
    pub kube: KubeCluster,
}

impl FakeCluster {
    pub(crate) fn new(stack: &Stack, name: &str, endpoint: &str) -> FakeCluster {
        let connection = ClusterConnection {
            cluster_name: Value::from(name),
            endpoint: Value::from(endpoint),
            certificate_authority: Value::from(""),
            oidc_issuer: Value::from("https://oidc.example"),
        };
        let kube = KubeCluster::new(stack, name, connection).unwrap();
        FakeCluster { node: stack.node().clone(), kube }
    }
}

impl Construct for FakeCluster {
    fn node(&self) -> &Node {
        &self.node
    }
}

impl WorkloadCluster for FakeCluster {
    fn kube(&self) -> &KubeCluster {
        &self.kube
    }

    fn kubernetes_version(&self) -> KubernetesVersion {
        KubernetesVersion::V1_36
    }

    fn region(&self) -> Region {
        Region::UsEast1
    }

    fn service_account_role(
        &self,
        scope: &dyn Construct,
        _id: &str,
        _namespace: &str,
        _service_account: &str,
        _policy: PolicyDocument,
    ) -> Result<Attr<Arn>> {
        Err(Error::invalid(scope.node().path(), "the fake cluster has no IAM roles", "not needed by KubeManifest"))
    }
}

/// A namespace `shop` and a Deployment `shop/gadget` of two replicas, as YAML.
pub(crate) const NAMESPACE_AND_DEPLOYMENT: &str = "\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gadget, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: gadget}}
  template:
    metadata: {labels: {app: gadget}}
    spec:
      containers: [{name: gadget, image: registry.example/gadget:1.0}]
";
