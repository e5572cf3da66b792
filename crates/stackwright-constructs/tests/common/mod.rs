//! A stand-in for `EksCluster` in the FlaskApp and Monitoring tests: a cluster resource, its
//! Kubernetes object set and IRSA roles, enough to implement `WorkloadCluster`.

#![allow(dead_code)]

use stackwright_constructs::{KubernetesVersion, PolicyDocument, WorkloadCluster};
use stackwright_core::{
    Account, App, Arn, Attr, ClusterConnection, Construct, KubeCluster, Node, RawResource, Region, Resource, Result,
    Stack, Value,
};

pub(crate) struct TestCluster {
    node: Node,
    kube: KubeCluster,
    region: Region,
    /// What `has_ebs_csi_driver` answers.
    pub(crate) ebs_csi_driver: bool,
}

impl TestCluster {
    pub(crate) fn new(stack: &Stack, id: &str, name: &str) -> TestCluster {
        let node = stack.node().add_child(id).unwrap();
        // Enough properties for cfn-lint and checkov to accept the stand-in.
        let logging = Value::map([(
            "ClusterLogging",
            Value::map([(
                "EnabledTypes",
                Value::list(
                    ["api", "audit", "authenticator", "controllerManager", "scheduler"]
                        .map(|t| Value::map([("Type", t)])),
                ),
            )]),
        )]);
        let cluster = Resource::new(
            &node,
            "Resource",
            RawResource::new("AWS::EKS::Cluster")
                .with("Name", name)
                .with("RoleArn", "arn:aws:iam::123456789012:role/eks-cluster")
                .with(
                    "ResourcesVpcConfig",
                    Value::map([
                        ("SubnetIds", Value::list(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])),
                        ("EndpointPublicAccess", Value::from(false)),
                        ("EndpointPrivateAccess", Value::from(true)),
                    ]),
                )
                .with(
                    "EncryptionConfig",
                    Value::list([Value::map([
                        (
                            "Provider",
                            Value::map([(
                                "KeyArn",
                                "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000",
                            )]),
                        ),
                        ("Resources", Value::list(["secrets"])),
                    ])]),
                )
                .with("Logging", logging),
        )
        .unwrap();
        let connection = ClusterConnection {
            cluster_name: cluster.reference().into(),
            endpoint: cluster.attr("Endpoint").into(),
            certificate_authority: cluster.attr("CertificateAuthorityData").into(),
            oidc_issuer: cluster.attr("OpenIdConnectIssuerUrl").into(),
        };
        let kube = KubeCluster::new(&node, name, connection).unwrap();
        TestCluster { node, kube, region: stack.region(), ebs_csi_driver: false }
    }
}

impl Construct for TestCluster {
    fn node(&self) -> &Node {
        &self.node
    }
}

impl WorkloadCluster for TestCluster {
    fn has_ebs_csi_driver(&self) -> bool {
        self.ebs_csi_driver
    }

    /// As an `EksCluster` with its defaults: the controller is installed.
    fn has_load_balancer_controller(&self) -> bool {
        true
    }

    fn kube(&self) -> &KubeCluster {
        &self.kube
    }

    fn kubernetes_version(&self) -> KubernetesVersion {
        KubernetesVersion::V1_36
    }

    fn region(&self) -> Region {
        self.region
    }

    fn service_account_role(
        &self,
        scope: &dyn Construct,
        id: &str,
        namespace: &str,
        service_account: &str,
        policy: PolicyDocument,
    ) -> Result<Attr<Arn>> {
        let trust = Value::map([
            ("Version", Value::from("2012-10-17")),
            (
                "Statement",
                Value::list([Value::map([
                    ("Effect", Value::from("Allow")),
                    ("Principal", Value::map([("Federated", "arn:aws:iam::123456789012:oidc-provider/test")])),
                    ("Action", Value::from("sts:AssumeRoleWithWebIdentity")),
                    (
                        "Condition",
                        Value::map([(
                            "StringEquals",
                            Value::map([("test:sub", format!("system:serviceaccount:{namespace}:{service_account}"))]),
                        )]),
                    ),
                ])]),
            ),
        ]);
        let role = Resource::new(
            scope.node(),
            id,
            RawResource::new("AWS::IAM::Role").with("AssumeRolePolicyDocument", trust).with(
                "Policies",
                Value::list([Value::map([
                    ("PolicyName", Value::from("least-privilege")),
                    ("PolicyDocument", policy.to_value()),
                ])]),
            ),
        )?;
        Ok(role.get_att::<Arn>("Arn"))
    }
}

pub(crate) fn account() -> Account {
    Account::new("123456789012").unwrap()
}

/// An app with one environment in `region`, a `cluster` stack and a test cluster in it.
pub(crate) fn app_with_cluster(region: Region) -> (App, Stack, TestCluster) {
    let app = App::new("demo");
    let env = app.environment("prod", account(), region);
    let stack = env.stack("cluster");
    let cluster = TestCluster::new(&stack, "Cluster", "main");
    (app, stack, cluster)
}

/// Every Kubernetes manifest of the assembly, concatenated in apply order, for snapshots.
pub(crate) fn manifests(assembly: &stackwright_core::Assembly) -> String {
    let mut out = String::new();
    for (path, bytes) in &assembly.files {
        if path.starts_with("k8s/") {
            out.push_str("# ");
            out.push_str(path);
            out.push_str("\n---\n");
            out.push_str(std::str::from_utf8(bytes).unwrap());
        }
    }
    out
}

/// The manifest of one object, parsed back from the assembly's YAML.
pub(crate) fn object(assembly: &stackwright_core::Assembly, kind: &str, name: &str) -> serde_json::Value {
    let cluster = &assembly.manifest.clusters[0];
    let entry = cluster
        .objects
        .iter()
        .find(|o| o.kind == kind && o.name == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in the assembly"));
    let text = assembly.file(&format!("{}/{}", cluster.directory, entry.file)).unwrap();
    serde_saphyr::from_str(text).unwrap()
}

/// What synth reports after a constructor that recorded its problems in the tree: the
/// constructor itself returns its (rejected) handle.
pub(crate) fn synth_error<T>(app: &stackwright_core::App, built: stackwright_core::Result<T>) -> String {
    if let Err(e) = built {
        panic!("the constructor should record its problems, not return them: {e}");
    }
    error_text(app.synth())
}

/// The error text of a failed call.
pub(crate) fn error_text<T>(result: Result<T>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}
