//! A stable hash of a workload's configuration, written into its pod template as an
//! annotation: when a ConfigMap it reads changes, the annotation changes and Kubernetes rolls
//! the pods. The hash is FNV-1a (64 bit) over the configuration's bytes in sorted order — no
//! randomness, so two synths of the same program stay byte-identical.

use std::collections::BTreeMap;

/// The annotation key.
pub(crate) const ANNOTATION: &str = "stackwright.io/config-hash";

/// FNV-1a over the keys and values, in key order, as 16 hex digits.
pub(crate) fn of_map(data: &BTreeMap<String, String>) -> String {
    let mut h = Fnv::new();
    for (k, v) in data {
        h.write(k.as_bytes());
        h.write(&[0]);
        h.write(v.as_bytes());
        h.write(&[0]);
    }
    format!("{:016x}", h.0)
}

/// FNV-1a over `text`, as 16 hex digits: a short stable suffix that keeps names unique when
/// they must be cut to a length limit.
pub(crate) fn of_str(text: &str) -> String {
    let mut h = Fnv::new();
    h.write(text.as_bytes());
    format!("{:016x}", h.0)
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_sensitive() {
        let a = BTreeMap::from([("A".to_string(), "1".to_string())]);
        let b = BTreeMap::from([("A".to_string(), "2".to_string())]);
        assert_eq!(of_map(&a), of_map(&a.clone()));
        assert_ne!(of_map(&a), of_map(&b));
        // Pinned: changing the algorithm would roll every workload on upgrade.
        assert_eq!(of_map(&BTreeMap::new()), "cbf29ce484222325");
    }
}
