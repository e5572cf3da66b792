//! The committed table: for each managed add-on stackwright installs and each supported
//! Kubernetes minor, the add-on versions its sources give — newest first, the first being the
//! one templates get — or an explicit gap where no source read gave one.
//!
//! Every entry names where it was read (a page, or a file at a commit) and the day it was read
//! (with the `search` tool), and what kind of source that is ([`SourceKind`], most
//! authoritative first): the EKS User Guide's tables, in any language edition (an edition that
//! lists a newer version than the English page is the same guide at a later moment); where the
//! guide has no table (the EBS CSI driver, the Pod Identity agent, CloudWatch observability) or
//! no row for the minor, the per-minor pins of awslabs' EKS Blueprints for CDK; where neither
//! has the minor (1.36), a public record of a 1.36 cluster. `stackwright-deploy addon-versions
//! --kubernetes-version 1.36 --rust` asks `eks:DescribeAddonVersions` when credentials are at
//! hand and prints rows in this form, with the call and the day as their source, to replace the
//! rows here (docs/upgrading.md).

use super::{Cell, Source, SourceKind};
use crate::workload::KubernetesVersion::{self, V1_33, V1_34, V1_35, V1_36};

/// The day the sources below were read.
pub(super) const READ: &str = "2026-12-07";

const fn docs(url: &'static str) -> Source {
    Source { url, read: READ, kind: SourceKind::EksDocumentation }
}

const KUBE_PROXY_JA: Source = docs("https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md");
const KUBE_PROXY_ZH: Source = docs("https://docs.amazonaws.cn/zh_cn/eks/latest/userguide/managing-kube-proxy.md");
const KUBE_PROXY_EN: Source = docs("https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html");
const COREDNS_EN: Source = docs("https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html");
const COREDNS_JA: Source = docs("https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-coredns.md");
const COREDNS_CN: Source = docs("https://docs.amazonaws.cn/en_us/eks/latest/userguide/managing-coredns.md");
const VPC_CNI_JA: Source = docs("https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/pod-networking.html");
/// The zh-CN edition's table ("Amazon VPC CNI 版本") lists v1.21.1-eksbuild.7 for 1.29 to 1.35.
const VPC_CNI_ZH: Source = docs("https://docs.amazonaws.cn/eks/latest/userguide/managing-vpc-cni.md");

/// EKS Blueprints for CDK at "EKS Kubernetes 1.35 support" (2026-04-08): `versionMap` per
/// Kubernetes version in `lib/addons/<add-on>/index.ts`.
const fn blueprints(url: &'static str) -> Source {
    Source { url, read: READ, kind: SourceKind::AwsProject }
}
const BLUEPRINTS_VPC_CNI: Source = blueprints(
    "https://github.com/awslabs/cdk-eks-blueprints/blob/0b82904e63fdb198505f94f27726d0da40a6dbeb/lib/addons/vpc-cni/index.ts",
);
/// The same file at "Add EKS Kubernetes 1.34 support" (2026-02-16), before 1.34's pin moved.
const BLUEPRINTS_VPC_CNI_1_34: Source = blueprints(
    "https://github.com/awslabs/cdk-eks-blueprints/blob/9547916b5a95a26fa21ea2e8746b32469b2b6427/lib/addons/vpc-cni/index.ts",
);
const BLUEPRINTS_POD_IDENTITY: Source = blueprints(
    "https://github.com/awslabs/cdk-eks-blueprints/blob/0b82904e63fdb198505f94f27726d0da40a6dbeb/lib/addons/eks-pod-identity-agent/index.ts",
);
const BLUEPRINTS_POD_IDENTITY_1_34: Source = blueprints(
    "https://github.com/awslabs/cdk-eks-blueprints/blob/9547916b5a95a26fa21ea2e8746b32469b2b6427/lib/addons/eks-pod-identity-agent/index.ts",
);
const BLUEPRINTS_EBS_CSI: Source = blueprints(
    "https://github.com/awslabs/cdk-eks-blueprints/blob/0b82904e63fdb198505f94f27726d0da40a6dbeb/lib/addons/ebs-csi-driver/index.ts",
);
const BLUEPRINTS_EBS_CSI_1_34: Source = blueprints(
    "https://github.com/awslabs/cdk-eks-blueprints/blob/9547916b5a95a26fa21ea2e8746b32469b2b6427/lib/addons/ebs-csi-driver/index.ts",
);
const BLUEPRINTS_CLOUDWATCH: Source = blueprints(
    "https://github.com/awslabs/cdk-eks-blueprints/blob/0b82904e63fdb198505f94f27726d0da40a6dbeb/lib/addons/cloud-watch-insights/index.ts",
);
const BLUEPRINTS_CLOUDWATCH_1_34: Source = blueprints(
    "https://github.com/awslabs/cdk-eks-blueprints/blob/9547916b5a95a26fa21ea2e8746b32469b2b6427/lib/addons/cloud-watch-insights/index.ts",
);

/// A compatibility record of EKS 1.36 clusters deployed on 2026-09-16 and 2026-09-18 (a fork
/// of awslabs/awsome-distributed-ai): "Add-on versions the 1.36 cluster resolved to: vpc-cni
/// v1.22.4-eksbuild.3, …, eks-pod-identity-agent v1.3.10-eksbuild.3" (EKS's defaults for 1.36).
const DEPLOYED_1_36: Source = Source {
    url: "https://github.com/littlemex/awsome-distributed-ai/blob/2249b60ca9e1fbb2d943e82ec6f01da9d6dee768/architectures/amazon-eks/docs/COMPATIBILITY.md",
    read: READ,
    kind: SourceKind::DeployedCluster,
};

/// What was searched for the gaps of 1.36 (no source with a repository and commit to cite).
const EBS_CSI_1_36_SEARCHED: &[&str] = &[
    "https://github.com/awslabs/cdk-eks-blueprints (HEAD 2026-07-01: versionMap stops at 1.35)",
    "https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html and its ja_jp, ko_kr, zh_cn editions (no version table)",
    "public records of 1.36 clusters name v1.61.1 to v1.66.0-eksbuild.1, none at a commit that could be cited",
];
const CLOUDWATCH_1_36_SEARCHED: &[&str] = &[
    "https://github.com/awslabs/cdk-eks-blueprints (HEAD 2026-07-01: versionMap stops at 1.35)",
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Observability-EKS-addon.html (no version table)",
    "public records of 1.36 clusters name v6.4.0 to v6.6.0-eksbuild.1, none at a commit that could be cited",
];

/// `(add-on, Kubernetes minor, cell)`; a test checks every installed add-on has a row for every
/// supported minor.
pub(super) const TABLE: &[(&str, KubernetesVersion, Cell)] = &[
    // kube-proxy follows the cluster's minor (its version starts with it).
    (
        "kube-proxy",
        V1_33,
        Cell::Known {
            versions: &["v1.33.10-eksbuild.13", "v1.33.10-eksbuild.2", "v1.33.5-eksbuild.2"],
            sources: &[KUBE_PROXY_JA, KUBE_PROXY_ZH, KUBE_PROXY_EN],
        },
    ),
    (
        "kube-proxy",
        V1_34,
        Cell::Known {
            versions: &["v1.34.6-eksbuild.13", "v1.34.6-eksbuild.2", "v1.34.1-eksbuild.2"],
            sources: &[KUBE_PROXY_JA, KUBE_PROXY_ZH, KUBE_PROXY_EN],
        },
    ),
    (
        "kube-proxy",
        V1_35,
        Cell::Known {
            versions: &["v1.35.3-eksbuild.13", "v1.35.3-eksbuild.2"],
            sources: &[KUBE_PROXY_JA, KUBE_PROXY_ZH],
        },
    ),
    ("kube-proxy", V1_36, Cell::Known { versions: &["v1.36.0-eksbuild.14"], sources: &[KUBE_PROXY_JA] }),
    (
        "coredns",
        V1_33,
        Cell::Known { versions: &["v1.12.4-eksbuild.18", "v1.12.4-eksbuild.1"], sources: &[COREDNS_JA, COREDNS_EN] },
    ),
    (
        "coredns",
        V1_34,
        Cell::Known {
            versions: &["v1.13.2-eksbuild.11", "v1.13.2-eksbuild.7", "v1.12.4-eksbuild.1"],
            sources: &[COREDNS_JA, COREDNS_CN, COREDNS_EN],
        },
    ),
    (
        "coredns",
        V1_35,
        Cell::Known { versions: &["v1.14.3-eksbuild.3", "v1.14.2-eksbuild.4"], sources: &[COREDNS_JA, COREDNS_CN] },
    ),
    ("coredns", V1_36, Cell::Known { versions: &["v1.14.3-eksbuild.3"], sources: &[COREDNS_JA] }),
    // vpc-cni: one release serves many minors (the guide's table gives the same version for
    // 1.29 to 1.35).
    (
        "vpc-cni",
        V1_33,
        Cell::Known {
            versions: &["v1.21.1-eksbuild.7", "v1.20.4-eksbuild.2", "v1.20.1-eksbuild.3"],
            sources: &[VPC_CNI_ZH, BLUEPRINTS_VPC_CNI, VPC_CNI_JA],
        },
    ),
    (
        "vpc-cni",
        V1_34,
        Cell::Known {
            versions: &["v1.21.1-eksbuild.7", "v1.21.1-eksbuild.3", "v1.20.4-eksbuild.2"],
            sources: &[VPC_CNI_ZH, BLUEPRINTS_VPC_CNI_1_34, BLUEPRINTS_VPC_CNI],
        },
    ),
    (
        "vpc-cni",
        V1_35,
        Cell::Known {
            versions: &["v1.21.1-eksbuild.7", "v1.21.1-eksbuild.1"],
            sources: &[VPC_CNI_ZH, BLUEPRINTS_VPC_CNI],
        },
    ),
    ("vpc-cni", V1_36, Cell::Known { versions: &["v1.22.4-eksbuild.3"], sources: &[DEPLOYED_1_36] }),
    (
        "eks-pod-identity-agent",
        V1_33,
        Cell::Known {
            versions: &["v1.3.10-eksbuild.2", "v1.3.8-eksbuild.2"],
            sources: &[BLUEPRINTS_POD_IDENTITY, BLUEPRINTS_POD_IDENTITY_1_34],
        },
    ),
    (
        "eks-pod-identity-agent",
        V1_34,
        Cell::Known {
            versions: &["v1.3.10-eksbuild.2", "v1.3.8-eksbuild.2"],
            sources: &[BLUEPRINTS_POD_IDENTITY, BLUEPRINTS_POD_IDENTITY_1_34],
        },
    ),
    (
        "eks-pod-identity-agent",
        V1_35,
        Cell::Known { versions: &["v1.3.10-eksbuild.2"], sources: &[BLUEPRINTS_POD_IDENTITY] },
    ),
    ("eks-pod-identity-agent", V1_36, Cell::Known { versions: &["v1.3.10-eksbuild.3"], sources: &[DEPLOYED_1_36] }),
    (
        "aws-ebs-csi-driver",
        V1_33,
        Cell::Known {
            versions: &["v1.56.0-eksbuild.1", "v1.48.0-eksbuild.2"],
            sources: &[BLUEPRINTS_EBS_CSI, BLUEPRINTS_EBS_CSI_1_34],
        },
    ),
    (
        "aws-ebs-csi-driver",
        V1_34,
        Cell::Known {
            versions: &["v1.56.0-eksbuild.1", "v1.48.0-eksbuild.2"],
            sources: &[BLUEPRINTS_EBS_CSI, BLUEPRINTS_EBS_CSI_1_34],
        },
    ),
    ("aws-ebs-csi-driver", V1_35, Cell::Known { versions: &["v1.57.1-eksbuild.1"], sources: &[BLUEPRINTS_EBS_CSI] }),
    ("aws-ebs-csi-driver", V1_36, Cell::Gap { searched: EBS_CSI_1_36_SEARCHED }),
    (
        "amazon-cloudwatch-observability",
        V1_33,
        Cell::Known {
            versions: &["v4.10.1-eksbuild.1", "v4.4.0-eksbuild.1"],
            sources: &[BLUEPRINTS_CLOUDWATCH, BLUEPRINTS_CLOUDWATCH_1_34],
        },
    ),
    (
        "amazon-cloudwatch-observability",
        V1_34,
        Cell::Known {
            versions: &["v4.10.1-eksbuild.1", "v4.4.0-eksbuild.1"],
            sources: &[BLUEPRINTS_CLOUDWATCH, BLUEPRINTS_CLOUDWATCH_1_34],
        },
    ),
    (
        "amazon-cloudwatch-observability",
        V1_35,
        Cell::Known { versions: &["v5.3.1-eksbuild.1"], sources: &[BLUEPRINTS_CLOUDWATCH] },
    ),
    ("amazon-cloudwatch-observability", V1_36, Cell::Gap { searched: CLOUDWATCH_1_36_SEARCHED }),
];

/// The controllers whose release follows the cluster's minor: `(controller, minor, image,
/// source)`. The load balancer controller's release does not follow the minor (one release
/// supports a range); its image is in `addons::load_balancer_controller`.
pub(super) const CONTROLLERS: &[(&str, KubernetesVersion, &str, Source)] = &[
    ("cluster-autoscaler", V1_33, "registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.6", AUTOSCALER),
    ("cluster-autoscaler", V1_34, "registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.5", AUTOSCALER),
    ("cluster-autoscaler", V1_35, "registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2", AUTOSCALER),
    ("cluster-autoscaler", V1_36, "registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1", AUTOSCALER),
];

/// The autoscaler's releases (its minor follows Kubernetes'), newest patches recorded on
/// 2026-07-22 (`addons/cluster_autoscaler.rs`).
const AUTOSCALER: Source = Source {
    url: "https://github.com/kubernetes/autoscaler/releases",
    read: "2026-07-22",
    kind: SourceKind::UpstreamProject,
};
