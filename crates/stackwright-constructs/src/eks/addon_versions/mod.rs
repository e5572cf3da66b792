//! The versions of the managed add-ons and of the controllers, per Kubernetes minor: one
//! committed table ([`table`]) with its sources, and the per-add-on overrides a program may
//! give ([`AddonVersions`]), checked against it.
//!
//! An add-on's `AddonVersion` is always explicit in the template: without one, EKS keeps the
//! version an add-on was created with when the control plane is upgraded, and the add-on falls
//! out of the supported skew. Where the table has no entry (the documentation read gave none),
//! synth refuses to guess: the program pins a version or says, with a reason, that EKS's
//! default for the minor is wanted.

mod table;

use std::collections::BTreeMap;

use crate::workload::KubernetesVersion;

/// Where an entry of the table was read, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The page, the file at a commit, or the API call.
    pub url: &'static str,
    /// The day it was read (`YYYY-MM-DD`).
    pub read: &'static str,
    /// What kind of source it is, most authoritative first.
    pub kind: SourceKind,
}

/// How much a source says about an add-on version on a Kubernetes minor, most authoritative
/// first. The version templates get (a cell's first) comes from the most authoritative kind
/// that has one for the minor; the others a cell lists, from any kind, are accepted as pins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceKind {
    /// `eks:DescribeAddonVersions`, asked by `stackwright-deploy addon-versions --rust`.
    EksApi,
    /// The EKS User Guide's version table, in any of its language editions (an edition that
    /// lists a newer version than the English page is the same guide at a later moment).
    EksDocumentation,
    /// An AWS-maintained project's per-minor pins (awslabs' EKS Blueprints for CDK), read at a
    /// commit: versions AWS installs on that minor, not necessarily EKS's default.
    AwsProject,
    /// A public record of a cluster of that minor running, or being offered, the version
    /// (`describe-addon-versions` output, or what a deploy resolved to), read at a commit.
    DeployedCluster,
    /// An upstream project's releases, for a controller whose release follows the minor (the
    /// cluster autoscaler).
    UpstreamProject,
}

/// One cell of the table: an add-on on one Kubernetes minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Versions the documentation listed, newest first; templates get the first.
    Known {
        /// The versions, newest first (never empty).
        versions: &'static [&'static str],
        /// The pages they were read from.
        sources: &'static [Source],
    },
    /// No page read lists a version: synth asks the program to choose
    /// ([`AddonVersions::pin`] or [`AddonVersions::eks_default`]).
    Gap {
        /// The pages searched, each with what it lists instead.
        searched: &'static [&'static str],
    },
}

/// The table's cell for `addon` on `version`, `None` for an add-on it does not know.
#[must_use]
pub fn addon_version_cell(addon: &str, version: KubernetesVersion) -> Option<Cell> {
    table::TABLE.iter().find(|(a, v, _)| *a == addon && *v == version).map(|(_, _, c)| *c)
}

/// Every row of the table: `(add-on, Kubernetes minor, cell)`.
#[must_use]
pub fn addon_version_table() -> &'static [(&'static str, KubernetesVersion, Cell)] {
    table::TABLE
}

/// The day the table's documentation pages were read.
pub const ADDON_TABLE_READ: &str = table::READ;

/// The image of a controller whose release follows the cluster's minor (`cluster-autoscaler`),
/// with its source.
#[must_use]
pub fn controller_image(controller: &str, version: KubernetesVersion) -> Option<(&'static str, Source)> {
    table::CONTROLLERS.iter().find(|(c, v, _, _)| *c == controller && *v == version).map(|(_, _, i, s)| (*i, *s))
}

/// The Kubernetes minors whose table entries list `addon_version` for `addon` (how preflight
/// tells which minor an add-on version belongs to).
#[must_use]
pub fn minors_listing(addon: &str, addon_version: &str) -> Vec<KubernetesVersion> {
    table::TABLE
        .iter()
        .filter(|(a, _, c)| {
            *a == addon && matches!(c, Cell::Known { versions, .. } if versions.contains(&addon_version))
        })
        .map(|(_, v, _)| *v)
        .collect()
}

/// What a program chose for one add-on instead of the table's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddonVersionChoice {
    /// This version (`v1.36.0-eksbuild.14`). Where the table has versions for the cluster's
    /// minor it must be one of them; where it has a gap, it must at least be well formed.
    Pinned(String),
    /// No `AddonVersion`: EKS installs its default for the minor when the add-on is created and
    /// keeps it on later control-plane upgrades. For the table's gaps only, with the reason.
    EksDefault {
        /// Why (kept in the program, shown by nothing but the code).
        reason: String,
    },
}

/// Per-add-on overrides of the table, by add-on name (`coredns`, `vpc-cni`, …). Default: none
/// — every add-on gets the table's version, and a gap is a synth error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddonVersions {
    /// The choices, by add-on name.
    pub choices: BTreeMap<String, AddonVersionChoice>,
    /// The reason given to [`AddonVersions::eks_default_for_gaps`]: every gap of the table
    /// without a choice of its own gets EKS's default.
    pub gaps_reason: Option<String>,
}

impl AddonVersions {
    /// No overrides.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Pins `addon` to `version` (checked against the table at synth).
    #[must_use]
    pub fn pin(mut self, addon: impl Into<String>, version: impl Into<String>) -> Self {
        self.choices.insert(addon.into(), AddonVersionChoice::Pinned(version.into()));
        self
    }

    /// Leaves `addon` without `AddonVersion` (EKS's default at creation), for a gap of the
    /// table, saying why.
    #[must_use]
    pub fn eks_default(mut self, addon: impl Into<String>, reason: impl Into<String>) -> Self {
        self.choices.insert(addon.into(), AddonVersionChoice::EksDefault { reason: reason.into() });
        self
    }

    /// Every gap of the table that has no choice of its own gets EKS's default, for `reason`.
    #[must_use]
    pub fn eks_default_for_gaps(mut self, reason: impl Into<String>) -> Self {
        self.gaps_reason = Some(reason.into());
        self
    }

    /// The `AddonVersion` of `addon` on `version`: `Ok(Some(v))`, `Ok(None)` for EKS's default
    /// (chosen explicitly), or the problem and its hint.
    pub(crate) fn resolve(&self, addon: &str, version: KubernetesVersion) -> Result<Option<String>, (String, String)> {
        let cell = addon_version_cell(addon, version).ok_or_else(|| {
            (
                format!("the table of add-on versions has no row for {addon}"),
                "report it: every add-on stackwright installs has rows".to_string(),
            )
        })?;
        let refresh = format!(
            "list what EKS offers with `aws eks describe-addon-versions --addon-name {addon} --kubernetes-version {version}` \
             (or `stackwright-deploy addon-versions`)"
        );
        match (self.choices.get(addon), cell) {
            (None, Cell::Known { versions, .. }) => Ok(Some(versions[0].to_string())),
            (None, Cell::Gap { .. }) if self.gaps_reason.as_deref().is_some_and(|r| r.trim().is_empty()) => Err((
                format!("EKS's default version of {addon} is chosen (eks_default_for_gaps) without a reason"),
                "say why the gaps take EKS's default: .eks_default_for_gaps(\"the reason\")".to_string(),
            )),
            (None, Cell::Gap { .. }) if self.gaps_reason.is_some() => Ok(None),
            (None, Cell::Gap { .. }) => Err((
                format!(
                    "the table of add-on versions has no {addon} version for Kubernetes {version} (the EKS documentation \
                     read on {} lists none), and synth does not guess one",
                    table::READ
                ),
                format!(
                    "pin one: .addon_versions(AddonVersions::new().pin(\"{addon}\", \"v…-eksbuild.…\")) — {refresh}; or \
                     take EKS's default explicitly: AddonVersions::new().eks_default(\"{addon}\", \"why\") — or, for every \
                     add-on the table has no version for: AddonVersions::new().eks_default_for_gaps(\"why\")"
                ),
            )),
            (Some(AddonVersionChoice::Pinned(v)), Cell::Known { versions, .. }) => {
                if versions.contains(&v.as_str()) {
                    Ok(Some(v.clone()))
                } else {
                    Err((
                        format!("{addon} version {v} is not in the table of add-on versions for Kubernetes {version}"),
                        format!(
                            "use one of {} — or, if EKS offers {v}, add it to the table with its source ({refresh})",
                            versions.join(", ")
                        ),
                    ))
                }
            }
            (Some(AddonVersionChoice::Pinned(v)), Cell::Gap { .. }) => {
                if well_formed(v) {
                    Ok(Some(v.clone()))
                } else {
                    Err((
                        format!(
                            "{addon} version '{v}' is not an EKS add-on version (v<major>.<minor>.<patch>-eksbuild.<n>)"
                        ),
                        refresh,
                    ))
                }
            }
            (Some(AddonVersionChoice::EksDefault { reason }), _) if reason.trim().is_empty() => Err((
                format!("EKS's default version of {addon} is chosen without a reason"),
                "say why the table's version is not wanted: .eks_default(addon, \"the reason\")".to_string(),
            )),
            (Some(AddonVersionChoice::EksDefault { .. }), Cell::Known { versions, .. }) => Err((
                format!(
                    "EKS's default version of {addon} is chosen, but the table has {} for Kubernetes {version}: \
                     without an AddonVersion the add-on keeps its creation version on upgrades",
                    versions[0]
                ),
                format!("remove the override (the table's version is used) or pin one of {}", versions.join(", ")),
            )),
            (Some(AddonVersionChoice::EksDefault { .. }), Cell::Gap { .. }) => Ok(None),
        }
    }

    /// A warning when [`eks_default_for_gaps`](Self::eks_default_for_gaps) is set but no add-on
    /// the cluster installs on `version` falls in a gap of the table: it changes nothing today,
    /// and would later take EKS's default for a gap nobody looked at.
    pub(crate) fn unused_gaps_choice(
        &self,
        installed: &[&str],
        version: KubernetesVersion,
    ) -> Option<(String, String)> {
        self.gaps_reason.as_ref()?;
        let gaps = installed.iter().any(|a| {
            !self.choices.contains_key(*a) && matches!(addon_version_cell(a, version), Some(Cell::Gap { .. }))
        });
        (!gaps).then(|| {
            (
                format!(
                    "eks_default_for_gaps is set, but the table has a version of every add-on this cluster installs on \
                     Kubernetes {version}: it changes nothing"
                ),
                "remove .eks_default_for_gaps(...): every add-on gets the table's version (a later gap is then an error \
                 that names it)"
                    .to_string(),
            )
        })
    }

    /// Overrides naming an add-on the cluster does not install.
    pub(crate) fn unknown_addons<'a>(&'a self, installed: &'a [&str]) -> impl Iterator<Item = &'a str> {
        self.choices.keys().map(String::as_str).filter(move |a| !installed.contains(a))
    }
}

/// `v<major>.<minor>.<patch>-eksbuild.<n>`.
fn well_formed(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('v') else { return false };
    let Some((semver, build)) = rest.split_once("-eksbuild.") else { return false };
    let numbers = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = semver.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| numbers(p)) && numbers(build)
}

#[cfg(test)]
mod tests;
