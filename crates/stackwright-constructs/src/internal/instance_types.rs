//! The EC2 instance types each region offers, from the list cfn-lint ships (copied by
//! `cargo run -p stackwright-cfn-codegen -- import` into `data/ec2-instance-types.txt`), and the
//! closest offered types to a name that is not offered.
//!
//! The list is compiled in as text and a region's line is parsed only when a node group of
//! that region is checked, once per region: synthesis that uses one region reads one line of
//! about forty (and the line of every size, which bare families refer to).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The compact list: comments, `cfn-lint <version>`, a `*` line of every family with every
/// size, then `<region> <family>[:size,…] …` (a bare family offers every size of `*`).
const DATA: &str = include_str!("../../data/ec2-instance-types.txt");

/// A region's families and their sizes (`"m6i"` → `"2xlarge,large,…"`), borrowed from the
/// list: parsing a region indexes its families only (about two hundred), not every type.
#[derive(Debug)]
pub(crate) struct Offered {
    families: BTreeMap<&'static str, &'static str>,
}

impl Offered {
    /// Every offered type as `(family, size)`.
    fn types(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.families.iter().flat_map(|(family, sizes)| sizes.split(',').map(move |size| (*family, size)))
    }
}

/// The cfn-lint version the list was copied from (`1.58.0`).
pub(crate) fn cfnlint_version() -> &'static str {
    DATA.lines().find_map(|l| l.strip_prefix("cfn-lint ")).unwrap_or("unknown")
}

/// The instance types `region` offers; `None` when the list does not know the region.
pub(crate) fn offered_in(region: &str) -> Option<Arc<Offered>> {
    static PARSED: Mutex<BTreeMap<String, Arc<Offered>>> = Mutex::new(BTreeMap::new());
    let mut parsed = PARSED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(found) = parsed.get(region) {
        return Some(Arc::clone(found));
    }
    let line = data_lines().find_map(|l| l.strip_prefix(region).and_then(|rest| rest.strip_prefix(' ')))?;
    let families = line
        .split(' ')
        .map(|token| match token.split_once(':') {
            Some((family, sizes)) => (family, sizes),
            None => (token, all_sizes().get(token).copied().unwrap_or_default()),
        })
        .collect();
    let offered = Arc::new(Offered { families });
    parsed.insert(region.to_string(), Arc::clone(&offered));
    Some(offered)
}

/// Whether `instance_type` (`family.size`) is in `offered`.
pub(crate) fn is_offered(offered: &Offered, instance_type: &str) -> bool {
    instance_type.split_once('.').is_some_and(|(family, size)| {
        offered.families.get(family).is_some_and(|sizes| sizes.split(',').any(|s| s == size))
    })
}

/// Whether `instance_type` runs arm64 (AWS Graviton): the families with a `g` right after the
/// generation digit (`t4g`, `m7g`, `c6gn`, `r8gd`, `x2gd`, `im4gn`, `is4gen`, `g5g`), and `a1`,
/// the first Graviton; also the Apple-silicon Macs (`mac2`, `mac2-m2`, `mac-m4`: every Mac but
/// the Intel `mac1`). cfn-lint's data has no architectures; this is AWS's naming (the `g`
/// attribute means Graviton), checked against every family of the list of cfn-lint 1.58.0.
pub(crate) fn is_arm64(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or_default();
    let graviton = family.char_indices().any(|(i, c)| c.is_ascii_digit() && family[i + 1..].starts_with('g'));
    graviton || family == "a1" || (family.starts_with("mac") && family != "mac1")
}

/// The offered types closest to `instance_type` (at most three, best first): those of its
/// architecture first (a node group's AMI runs one architecture, so `hpc7a.12xlarge` suggests
/// an x86_64 type, never `hpc7g`); then the smallest edit distance on the whole name; among
/// equals, those of the same family, then those sharing the longest beginning (`c8ib.large` →
/// `c8i.large`).
pub(crate) fn closest(offered: &Offered, instance_type: &str) -> Vec<String> {
    let family = instance_type.split('.').next().unwrap_or_default();
    let arm = is_arm64(instance_type);
    let mut ranked: Vec<((bool, usize, bool, usize), String)> = offered
        .types()
        .map(|(f, s)| {
            let name = format!("{f}.{s}");
            let shared = instance_type.bytes().zip(name.bytes()).take_while(|(a, b)| a == b).count();
            ((is_arm64(&name) != arm, edit_distance(instance_type, &name), f != family, usize::MAX - shared), name)
        })
        .collect();
    ranked.sort();
    let best = ranked.first().map(|(key, _)| *key);
    ranked.into_iter().take_while(|(key, _)| Some(*key) == best).take(3).map(|(_, name)| name).collect()
}

/// The lines after the comments and the version.
fn data_lines() -> impl Iterator<Item = &'static str> {
    DATA.lines().filter(|l| !l.starts_with('#') && !l.starts_with("cfn-lint "))
}

/// The `*` line: every family and all its sizes (`"large,xlarge"`), parsed once.
fn all_sizes() -> &'static BTreeMap<&'static str, &'static str> {
    static ALL: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
    ALL.get_or_init(|| {
        data_lines()
            .find_map(|l| l.strip_prefix("* "))
            .unwrap_or_default()
            .split(' ')
            .filter_map(|token| token.split_once(':'))
            .collect()
    })
}

/// The Levenshtein distance of two ASCII names (insertions, deletions and substitutions).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use stackwright_core::Region;

    use super::*;

    #[test]
    fn every_region_stackwright_knows_is_listed() {
        for region in Region::ALL {
            let offered = offered_in(region.as_str()).unwrap_or_else(|| panic!("{region:?} is not in the list"));
            let count = offered.types().count();
            assert!(count > 100, "{region:?} offers {count} types");
        }
        assert!(offered_in("xx-nowhere-1").is_none());
        assert!(cfnlint_version().starts_with(|c: char| c.is_ascii_digit()));
    }

    #[test]
    fn bare_families_offer_every_size_and_the_parse_is_kept() {
        let us = offered_in("us-east-1").unwrap();
        assert!(is_offered(&us, "t3.medium") && is_offered(&us, "m6i.large") && is_offered(&us, "c8ib.large"));
        assert!(!is_offered(&us, "t3.mediun") && !is_offered(&us, "t3") && !is_offered(&us, "t3.medium.x"));
        assert!(Arc::ptr_eq(&us, &offered_in("us-east-1").unwrap()), "parsed once per region");
        let eu = offered_in("eu-west-1").unwrap();
        assert!(is_offered(&eu, "m6i.large") && !is_offered(&eu, "c8ib.large"));
    }

    #[test]
    fn architectures_follow_the_graviton_naming() {
        let arm64 =
            ["t4g.small", "c6gn.large", "r8gd.xlarge", "x2gd.large", "im4gn.large", "is4gen.large", "a1.medium"];
        for arm in arm64.into_iter().chain(["g5g.xlarge", "mac2-m2.metal", "mac-m4.metal"]) {
            assert!(is_arm64(arm), "{arm}");
        }
        for x86 in
            ["t3.medium", "g5.xlarge", "m6i.large", "hpc7a.12xlarge", "g4dn.xlarge", "c8ib.large", "u-6tb1.metal"]
        {
            assert!(!is_arm64(x86), "{x86}");
        }
    }

    #[test]
    fn closest_keeps_the_architecture() {
        let us = offered_in("us-east-1").unwrap();
        assert!(!is_offered(&us, "hpc7a.12xlarge"));
        let suggested = closest(&us, "hpc7a.12xlarge");
        assert!(!suggested.is_empty() && suggested.iter().all(|t| !is_arm64(t)), "{suggested:?}");
        assert!(!suggested.contains(&"hpc7g.16xlarge".to_string()), "{suggested:?}");
        assert_eq!(closest(&us, "m7g.larg"), ["m7g.large"]);
    }

    #[test]
    fn closest_prefers_the_same_family() {
        let us = offered_in("us-east-1").unwrap();
        assert_eq!(closest(&us, "t3.mediun"), ["t3.medium"]);
        assert_eq!(closest(&us, "m6i.larg"), ["m6i.large"]);
        let eu = offered_in("eu-west-1").unwrap();
        assert_eq!(closest(&eu, "c8ib.large"), ["c8i.large", "c8in.large"]);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
