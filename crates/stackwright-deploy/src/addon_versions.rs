//! `addon-versions`: what EKS offers of the managed add-ons stackwright installs, per
//! Kubernetes minor, asked with `eks:DescribeAddonVersions` (read-only) — to refresh the
//! committed table of add-on versions (`crates/stackwright-constructs/src/eks/addon_versions/
//! table.rs`) or to pick a version for a gap of it. With `--rust`, the answer is printed as the
//! table's rows, with the call and the day as their source.

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;

use crate::aws::{Aws, AwsOptions, RegionClients};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::retry::{Call, Retrying, retry};

/// The managed add-ons `EksCluster` can install (`stackwright_constructs::MANAGED_ADDONS`, which
/// the runtime does not depend on; a test keeps the two equal).
pub const ADDONS: &[&str] = &[
    "vpc-cni",
    "kube-proxy",
    "eks-pod-identity-agent",
    "coredns",
    "aws-ebs-csi-driver",
    "amazon-cloudwatch-observability",
];

/// The options of `addon-versions`.
#[derive(Debug, Args)]
pub struct Options {
    /// The Kubernetes minors to ask about (`1.36`); repeat for several (the current one and the
    /// next, before an upgrade).
    #[arg(long = "kubernetes-version", value_name = "MINOR", required = true)]
    pub kubernetes_versions: Vec<String>,
    /// Only these add-ons; repeat for several. Default: every add-on stackwright installs.
    #[arg(long = "addon", value_name = "NAME")]
    pub addons: Vec<String>,
    /// The region to ask (add-on versions are the same in every commercial region). Default:
    /// AWS_REGION.
    #[arg(long)]
    pub region: Option<String>,
    /// Print the committed table's rows (`table.rs`), with this call and today as their source.
    #[arg(long)]
    pub rust: bool,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Ask a local emulator or endpoint at AWS_ENDPOINT_URL (on the loopback address).
    #[arg(long)]
    pub local: bool,
}

/// The versions of one add-on on one minor, newest first.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Offered {
    /// The add-on.
    pub addon: String,
    /// The Kubernetes minor.
    pub kubernetes_version: String,
    /// The versions EKS offers for it, newest first.
    pub versions: Vec<String>,
    /// The one EKS installs when none is given.
    pub default: Option<String>,
}

/// Asks EKS, for every add-on of `addons` and minor of `versions`, which versions it offers
/// (every page of the answer).
///
/// # Errors
///
/// The errors of `DescribeAddonVersions` (credentials, permissions, throttling after retries);
/// [`Error::Usage`] for a minor that is not `1.<n>`.
pub async fn offered(
    clients: &RegionClients,
    aws: &Aws,
    progress: &Progress,
    addons: &[String],
    versions: &[String],
) -> Result<Vec<Offered>> {
    let mut out = Vec::new();
    let endpoint = clients.endpoint("eks");
    let call = Call { service: "EKS", operation: "DescribeAddonVersions", endpoint: &endpoint };
    let report = |r: &Retrying| progress.line(format!("addon-versions: {r}"));
    for version in versions {
        if !version.strip_prefix("1.").is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::usage(format!(
                "--kubernetes-version {version} is not a Kubernetes minor\n  hint: write it as 1.36"
            )));
        }
        for addon in addons {
            let mut found: Vec<(String, bool)> = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let page = retry(&aws.options.retry, &call, &report, || {
                    clients
                        .eks
                        .describe_addon_versions()
                        .addon_name(addon)
                        .kubernetes_version(version)
                        .max_results(100)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
                for info in page.addons().iter().filter(|a| a.addon_name() == Some(addon.as_str())) {
                    for v in info.addon_versions() {
                        let Some(name) = v.addon_version() else { continue };
                        let default = v
                            .compatibilities()
                            .iter()
                            .any(|c| c.cluster_version() == Some(version.as_str()) && c.default_version());
                        found.push((name.to_string(), default));
                    }
                }
                token = page.next_token().map(String::from);
                if token.is_none() {
                    break;
                }
            }
            found.sort_by(|a, b| newest_first(&a.0, &b.0));
            found.dedup_by(|a, b| a.0 == b.0);
            out.push(Offered {
                addon: addon.clone(),
                kubernetes_version: version.clone(),
                default: found.iter().find(|(_, d)| *d).map(|(v, _)| v.clone()),
                versions: found.into_iter().map(|(v, _)| v).collect(),
            });
        }
    }
    Ok(out)
}

/// `v1.36.0-eksbuild.14` before `v1.36.0-eksbuild.2` before `v1.35.3-eksbuild.13`: by the
/// numbers of the version and of the build.
fn newest_first(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |v: &str| -> Vec<u64> {
        v.trim_start_matches('v').split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect()
    };
    key(b).cmp(&key(a))
}

/// The rows of the committed table for `offered`, with `source` (the call) read on `day`.
#[must_use]
pub fn table_rows(offered: &[Offered], source: &str, day: &str) -> String {
    let mut out = String::new();
    for o in offered {
        let minor = format!("V1_{}", o.kubernetes_version.trim_start_matches("1."));
        if o.versions.is_empty() {
            out.push_str(&format!(
                "    (\"{}\", {minor}, Cell::Gap {{ searched: &[\"{source}: no version offered\"] }}),\n",
                o.addon
            ));
            continue;
        }
        let versions: Vec<String> = o.versions.iter().map(|v| format!("\"{v}\"")).collect();
        out.push_str(&format!(
            "    (\"{}\", {minor}, Cell::Known {{\n        versions: &[{}],\n        sources: &[Source {{ url: \"{source}\", read: \"{day}\", kind: SourceKind::EksApi }}],\n    }}),\n",
            o.addon,
            versions.join(", ")
        ));
    }
    out
}

/// `addon-versions`: asks EKS and prints the answer (a table, JSON, or the table's rows).
///
/// # Errors
///
/// [`Error::Usage`] without a region; the errors of [`offered`].
pub async fn command(options: Options, aws: AwsOptions, progress: &Progress) -> Result<()> {
    let region = options
        .region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .ok_or_else(|| Error::usage("no region to ask\n  hint: pass --region us-east-1 (or set AWS_REGION)"))?;
    let addons: Vec<String> =
        if options.addons.is_empty() { ADDONS.iter().map(|a| (*a).to_string()).collect() } else { options.addons };
    let aws = Aws::new(aws);
    let clients = aws.region(&region).await;
    let offered = offered(&clients, &aws, progress, &addons, &options.kubernetes_versions).await?;
    if options.json {
        println!("{}", serde_json::to_string_pretty(&offered).unwrap_or_default());
    } else if options.rust {
        print!("{}", table_rows(&offered, &format!("eks:DescribeAddonVersions ({region})"), &today()));
    } else {
        let mut by_addon: BTreeMap<&str, Vec<&Offered>> = BTreeMap::new();
        for o in &offered {
            by_addon.entry(o.addon.as_str()).or_default().push(o);
        }
        for (addon, rows) in by_addon {
            for o in rows {
                let default = o.default.as_deref().map(|d| format!(" (EKS default: {d})")).unwrap_or_default();
                let newest = o.versions.first().map_or("none offered", String::as_str);
                println!("{addon} on {}: newest {newest}{default}; {} offered", o.kubernetes_version, o.versions.len());
            }
        }
    }
    Ok(())
}

/// Today, `YYYY-MM-DD` (UTC), from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_newest_first_by_their_numbers() {
        let mut v = vec!["v1.35.3-eksbuild.13", "v1.36.0-eksbuild.2", "v1.36.0-eksbuild.14"];
        v.sort_by(|a, b| newest_first(a, b));
        assert_eq!(v, ["v1.36.0-eksbuild.14", "v1.36.0-eksbuild.2", "v1.35.3-eksbuild.13"]);
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"), "{t}");
    }
}
