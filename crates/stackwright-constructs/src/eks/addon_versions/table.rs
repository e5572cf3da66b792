//! The committed table: for each managed add-on stackwright installs and each supported
//! Kubernetes minor, the add-on versions the EKS documentation listed — newest first, the first
//! being the one templates get — or an explicit gap where no page read gave one.
//!
//! Every entry names the page it was read from and the day it was read (with the `search`
//! tool, docs corpus). Pages in other languages are the same user guide at another moment of
//! its history: they are cited where they list a version the English page no longer shows.
//! `stackwright-deploy addon-versions --kubernetes-version 1.36 --rust` asks
//! `eks:DescribeAddonVersions` when credentials are at hand and prints rows in this form, with
//! the call and the day as their source, to replace the rows here (docs/upgrading.md).

use super::{Cell, Source};
use crate::workload::KubernetesVersion::{self, V1_33, V1_34, V1_35, V1_36};

/// The day the pages below were read.
pub(super) const READ: &str = "2026-12-07";

const KUBE_PROXY_JA: Source =
    Source { url: "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md", read: READ };
const KUBE_PROXY_ZH: Source =
    Source { url: "https://docs.amazonaws.cn/zh_cn/eks/latest/userguide/managing-kube-proxy.md", read: READ };
const KUBE_PROXY_EN: Source =
    Source { url: "https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html", read: READ };
const COREDNS_EN: Source =
    Source { url: "https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html", read: READ };
const COREDNS_JA: Source =
    Source { url: "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-coredns.md", read: READ };
const COREDNS_CN: Source =
    Source { url: "https://docs.amazonaws.cn/en_us/eks/latest/userguide/managing-coredns.md", read: READ };
const VPC_CNI_JA: Source =
    Source { url: "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/pod-networking.html", read: READ };

/// Pages searched that list no version for the minor (the gap's evidence).
const VPC_CNI_SEARCHED: &[&str] = &[
    "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/pod-networking.html (lists 1.27–1.33)",
    "https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.md (table not in the text read)",
];
const POD_IDENTITY_SEARCHED: &[&str] = &[
    "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html (no version table)",
    "https://docs.aws.amazon.com/ko_kr/eks/latest/userguide/add-ons-pod-id.html (no version table)",
];
const EBS_CSI_SEARCHED: &[&str] = &["no EKS page with a version table for aws-ebs-csi-driver was found"];
const CLOUDWATCH_SEARCHED: &[&str] =
    &["no EKS page with a version table for amazon-cloudwatch-observability was found"];

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
    ("vpc-cni", V1_33, Cell::Known { versions: &["v1.20.1-eksbuild.3"], sources: &[VPC_CNI_JA] }),
    ("vpc-cni", V1_34, Cell::Gap { searched: VPC_CNI_SEARCHED }),
    ("vpc-cni", V1_35, Cell::Gap { searched: VPC_CNI_SEARCHED }),
    ("vpc-cni", V1_36, Cell::Gap { searched: VPC_CNI_SEARCHED }),
    ("eks-pod-identity-agent", V1_33, Cell::Gap { searched: POD_IDENTITY_SEARCHED }),
    ("eks-pod-identity-agent", V1_34, Cell::Gap { searched: POD_IDENTITY_SEARCHED }),
    ("eks-pod-identity-agent", V1_35, Cell::Gap { searched: POD_IDENTITY_SEARCHED }),
    ("eks-pod-identity-agent", V1_36, Cell::Gap { searched: POD_IDENTITY_SEARCHED }),
    ("aws-ebs-csi-driver", V1_33, Cell::Gap { searched: EBS_CSI_SEARCHED }),
    ("aws-ebs-csi-driver", V1_34, Cell::Gap { searched: EBS_CSI_SEARCHED }),
    ("aws-ebs-csi-driver", V1_35, Cell::Gap { searched: EBS_CSI_SEARCHED }),
    ("aws-ebs-csi-driver", V1_36, Cell::Gap { searched: EBS_CSI_SEARCHED }),
    ("amazon-cloudwatch-observability", V1_33, Cell::Gap { searched: CLOUDWATCH_SEARCHED }),
    ("amazon-cloudwatch-observability", V1_34, Cell::Gap { searched: CLOUDWATCH_SEARCHED }),
    ("amazon-cloudwatch-observability", V1_35, Cell::Gap { searched: CLOUDWATCH_SEARCHED }),
    ("amazon-cloudwatch-observability", V1_36, Cell::Gap { searched: CLOUDWATCH_SEARCHED }),
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
const AUTOSCALER: Source = Source { url: "https://github.com/kubernetes/autoscaler/releases", read: "2026-07-22" };
