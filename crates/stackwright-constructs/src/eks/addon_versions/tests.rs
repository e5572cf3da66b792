use super::*;

use crate::eks::cluster::{MANAGED_ADDONS as INSTALLED, OptionalAddons};

#[test]
fn the_managed_addons_are_those_a_cluster_with_every_option_installs() {
    let all = OptionalAddons::default().ebs_csi_driver(true).cloudwatch_observability(true);
    assert_eq!(all.installed(), INSTALLED);
}

#[test]
fn every_supported_version_has_a_cited_entry_or_a_documented_gap_for_every_addon() {
    for addon in INSTALLED {
        for &version in KubernetesVersion::ALL {
            let rows: Vec<_> = addon_version_table().iter().filter(|(a, v, _)| a == addon && *v == version).collect();
            assert_eq!(rows.len(), 1, "{addon} on {version}: exactly one row, found {}", rows.len());
            match rows[0].2 {
                Cell::Known { versions, sources } => {
                    assert!(!versions.is_empty(), "{addon} on {version}: no version");
                    assert!(!sources.is_empty(), "{addon} on {version}: no source");
                    for s in sources {
                        assert!(cited(s), "{addon} on {version}: {} is not a citation of its kind {:?}", s.url, s.kind);
                        assert_eq!(s.read.len(), 10, "{addon} on {version}: read date {}", s.read);
                    }
                    // The version templates get comes from the most authoritative kind the
                    // cell cites (its first source is of that kind).
                    let best = sources.iter().map(|s| s.kind).min().unwrap();
                    assert_eq!(sources[0].kind, best, "{addon} on {version}: the first source is the best one");
                    for v in versions {
                        assert!(well_formed(v), "{addon} on {version}: {v}");
                    }
                }
                Cell::Gap { searched } => {
                    assert!(!searched.is_empty(), "{addon} on {version}: a gap says what was searched")
                }
            }
        }
    }
    for (addon, _, _) in addon_version_table() {
        assert!(INSTALLED.contains(addon), "{addon} is not an add-on EksCluster installs");
    }
}

/// A source can be followed: an AWS documentation page, the EKS API call, or a file of a
/// public repository at a commit (never a branch, which moves).
fn cited(s: &Source) -> bool {
    let at_commit = |prefix: &str| {
        s.url.strip_prefix(prefix).and_then(|rest| rest.split_once("/blob/")).is_some_and(|(_, rest)| {
            rest.split('/').next().is_some_and(|c| c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        })
    };
    match s.kind {
        SourceKind::EksApi => s.url.starts_with("eks:DescribeAddonVersions ("),
        SourceKind::EksDocumentation => {
            s.url.starts_with("https://docs.aws.amazon.com/") || s.url.starts_with("https://docs.amazonaws.cn/")
        }
        SourceKind::AwsProject => {
            at_commit("https://github.com/awslabs/") || at_commit("https://github.com/aws-samples/")
        }
        SourceKind::DeployedCluster => at_commit("https://github.com/"),
        SourceKind::UpstreamProject => s.url.starts_with("https://github.com/"),
    }
}

#[test]
fn sources_of_each_kind_are_recognised() {
    let source = |url: &'static str, kind| Source { url, read: "2026-12-07", kind };
    assert!(cited(&source(
        "https://github.com/awslabs/x/blob/0b82904e63fdb198505f94f27726d0da40a6dbeb/a.ts",
        SourceKind::AwsProject
    )));
    assert!(!cited(&source("https://github.com/awslabs/x/blob/main/a.ts", SourceKind::AwsProject)), "a branch moves");
    assert!(!cited(&source(
        "https://github.com/someone/x/blob/0b82904e63fdb198505f94f27726d0da40a6dbeb/a.ts",
        SourceKind::AwsProject
    )));
    assert!(!cited(&source("https://example.com/eks.html", SourceKind::EksDocumentation)));
}

#[test]
fn kube_proxy_versions_belong_to_their_minor() {
    for &version in KubernetesVersion::ALL {
        if let Some(Cell::Known { versions, .. }) = addon_version_cell("kube-proxy", version) {
            for v in versions {
                assert!(v.starts_with(&format!("v{version}.")), "{v} listed for {version}");
            }
        }
        assert_eq!(minors_listing("kube-proxy", "v1.35.3-eksbuild.13"), [KubernetesVersion::V1_35]);
    }
}

#[test]
fn every_supported_version_has_a_cluster_autoscaler_of_its_minor() {
    for &version in KubernetesVersion::ALL {
        let (image, source) = controller_image("cluster-autoscaler", version).unwrap();
        assert!(image.contains(&format!(":v{version}.")), "{image} for {version}");
        assert!(source.url.starts_with("https://"));
    }
}

#[test]
fn overrides_are_checked_against_the_table() {
    let v = KubernetesVersion::V1_36;
    assert_eq!(AddonVersions::new().resolve("kube-proxy", v), Ok(Some("v1.36.0-eksbuild.14".into())));
    let (message, hint) =
        AddonVersions::new().pin("kube-proxy", "v1.36.9-eksbuild.1").resolve("kube-proxy", v).unwrap_err();
    assert!(message.contains("kube-proxy version v1.36.9-eksbuild.1 is not in the table"), "{message}");
    assert!(hint.contains("v1.36.0-eksbuild.14"), "{hint}");
    // A gap: an error without a choice, with a hint naming both ways out.
    let gap = "aws-ebs-csi-driver";
    let (message, hint) = AddonVersions::new().resolve(gap, v).unwrap_err();
    assert!(message.contains("no aws-ebs-csi-driver version for Kubernetes 1.36"), "{message}");
    assert!(
        hint.contains(".pin(\"aws-ebs-csi-driver\"") && hint.contains("eks_default(\"aws-ebs-csi-driver\""),
        "{hint}"
    );
    assert!(hint.contains("eks_default_for_gaps(\"why\")"), "the one line for every gap: {hint}");
    assert_eq!(AddonVersions::new().eks_default(gap, "no table entry").resolve(gap, v), Ok(None));
    assert_eq!(AddonVersions::new().eks_default_for_gaps("no table entry").resolve(gap, v), Ok(None));
    assert_eq!(
        AddonVersions::new().pin(gap, "v1.66.0-eksbuild.1").resolve(gap, v),
        Ok(Some("v1.66.0-eksbuild.1".into()))
    );
    assert!(AddonVersions::new().pin(gap, "latest").resolve(gap, v).is_err());
    // The gaps' one-liner leaves the add-ons the table has versions for on the table's.
    assert_eq!(
        AddonVersions::new().eks_default_for_gaps("no table entry").resolve("vpc-cni", v),
        Ok(Some("v1.22.4-eksbuild.3".into()))
    );
    // EKS's default where the table has a version would let the add-on fall behind: refused.
    assert!(AddonVersions::new().eks_default("kube-proxy", "x").resolve("kube-proxy", v).is_err());
    assert!(AddonVersions::new().eks_default(gap, " ").resolve(gap, v).is_err());
    let (message, _) = AddonVersions::new().eks_default_for_gaps("").resolve(gap, v).unwrap_err();
    assert!(message.contains("without a reason"), "{message}");
}
