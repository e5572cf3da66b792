//! IPv4 CIDR arithmetic for subnet plans: allocation without overlap, and the checks the VPC
//! and EKS constructs share. Pure functions, so that every rule is unit-tested without a tree.
//!
//! # Allocation
//! [`allocate`] places blocks of the requested prefix lengths inside a network:
//!
//! 1. Blocks pinned by the caller are placed first, exactly where asked.
//! 2. The others are placed largest first (smallest prefix length); among blocks of the same
//!    size, in request order. Each goes at the lowest address aligned to its own size that
//!    overlaps nothing placed before.
//!
//! Largest-first packs power-of-two blocks without holes, so a /16 holds three /19s and three
//! /24s with room to spare. The result depends only on the requests, never on anything looked up
//! at synth time.

use std::fmt;
use std::net::Ipv4Addr;
use std::ops::Deref;
use std::str::FromStr;

use ipnet::Ipv4Net;
use stackwright_core::Error;

/// An IPv4 block as written in props (`"10.0.0.0/16".parse()?`): parsing fails with a
/// stackwright [`Error`], so `?` works in a program returning `stackwright::Result`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv4Cidr(Ipv4Net);

impl Ipv4Cidr {
    /// The block as an [`Ipv4Net`].
    pub fn net(self) -> Ipv4Net {
        self.0
    }
}

impl FromStr for Ipv4Cidr {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        s.parse::<Ipv4Net>().map(Ipv4Cidr).map_err(|_| {
            Error::invalid(
                "cidr",
                format!("'{s}' is not an IPv4 CIDR block"),
                "write it as address/prefix length, such as 10.0.0.0/16",
            )
        })
    }
}

impl From<Ipv4Net> for Ipv4Cidr {
    fn from(net: Ipv4Net) -> Self {
        Ipv4Cidr(net)
    }
}

impl Deref for Ipv4Cidr {
    type Target = Ipv4Net;
    fn deref(&self) -> &Ipv4Net {
        &self.0
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One block to place: its prefix length, or a fixed network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockRequest {
    /// Any free block of this prefix length.
    Prefix(u8),
    /// Exactly this network.
    Fixed(Ipv4Net),
}

/// Why a plan cannot be allocated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AllocationError {
    /// Request `index` asks for a block larger than the network or smaller than a /32.
    BadPrefix { index: usize, prefix: u8 },
    /// Fixed request `index` is not inside the network.
    Outside { index: usize, block: Ipv4Net },
    /// Fixed requests `a` and `b` overlap.
    Overlap { a: usize, b: usize },
    /// No room is left for request `index`; `needed` and `available` count addresses.
    NoRoom { index: usize, needed: u64, available: u64 },
}

/// Places every request inside `network` (see the module docs). The result lists the block of
/// each request, in request order.
pub(crate) fn allocate(network: Ipv4Net, requests: &[BlockRequest]) -> Result<Vec<Ipv4Net>, AllocationError> {
    let mut placed: Vec<Option<Ipv4Net>> = vec![None; requests.len()];
    for (index, request) in requests.iter().enumerate() {
        if let BlockRequest::Fixed(block) = *request {
            if !network.contains(&block) {
                return Err(AllocationError::Outside { index, block });
            }
            if let Some(other) = placed.iter().position(|p| p.is_some_and(|p| overlaps(p, block))) {
                return Err(AllocationError::Overlap { a: other, b: index });
            }
            placed[index] = Some(block);
        }
    }
    let mut order: Vec<(usize, u8)> = requests
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            BlockRequest::Prefix(p) => Some((i, *p)),
            BlockRequest::Fixed(_) => None,
        })
        .collect();
    order.sort_by_key(|(i, p)| (*p, *i));
    for (index, prefix) in order {
        if prefix < network.prefix_len() || prefix > 32 {
            return Err(AllocationError::BadPrefix { index, prefix });
        }
        let taken: Vec<Ipv4Net> = placed.iter().flatten().copied().collect();
        match first_free(network, prefix, &taken) {
            Some(block) => placed[index] = Some(block),
            None => {
                let used: u64 = taken.iter().map(|b| size(*b)).sum();
                return Err(AllocationError::NoRoom {
                    index,
                    needed: 1u64 << (32 - prefix),
                    available: size(network).saturating_sub(used),
                });
            }
        }
    }
    Ok(placed.into_iter().flatten().collect())
}

/// The lowest block of `prefix` inside `network`, aligned to its size, overlapping none of
/// `taken`.
fn first_free(network: Ipv4Net, prefix: u8, taken: &[Ipv4Net]) -> Option<Ipv4Net> {
    let step = 1u64 << (32 - prefix);
    let start = u64::from(u32::from(network.network()));
    let end = start + size(network);
    let mut cursor = start;
    while cursor + step <= end {
        let candidate = Ipv4Net::new(Ipv4Addr::from(cursor as u32), prefix).ok()?;
        match taken.iter().filter(|t| overlaps(**t, candidate)).map(|t| u64::from(u32::from(t.broadcast())) + 1).max() {
            None => return Some(candidate),
            // Jump past the block in the way, then realign.
            Some(after) => cursor = after.div_ceil(step) * step,
        }
    }
    None
}

/// The number of addresses in a block.
pub(crate) fn size(block: Ipv4Net) -> u64 {
    1u64 << (32 - block.prefix_len())
}

/// True when two blocks share an address.
pub(crate) fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// True when `block` is written as its network address (`10.0.0.0/16`, not `10.0.0.1/16`).
pub(crate) fn is_network_address(block: Ipv4Net) -> bool {
    block.addr() == block.network()
}

/// True when `block` lies inside the private ranges of RFC 1918.
pub(crate) fn is_rfc1918(block: Ipv4Net) -> bool {
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
        .iter()
        .filter_map(|r| r.parse::<Ipv4Net>().ok())
        .any(|r| r.contains(&block))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn largest_blocks_first_without_holes() {
        use BlockRequest::Prefix;
        let blocks = allocate(net("10.0.0.0/16"), &[Prefix(24), Prefix(24), Prefix(19), Prefix(19)]).unwrap();
        let text: Vec<String> = blocks.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["10.0.64.0/24", "10.0.65.0/24", "10.0.0.0/19", "10.0.32.0/19"]);
    }

    #[test]
    fn fixed_blocks_are_kept_and_skipped_around() {
        use BlockRequest::{Fixed, Prefix};
        let blocks = allocate(net("10.0.0.0/16"), &[Prefix(20), Fixed(net("10.0.0.0/24")), Prefix(24)]).unwrap();
        let text: Vec<String> = blocks.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["10.0.16.0/20", "10.0.0.0/24", "10.0.1.0/24"]);
    }

    #[test]
    fn reports_what_does_not_fit() {
        use BlockRequest::{Fixed, Prefix};
        let err = allocate(net("10.0.0.0/24"), &[Prefix(25), Prefix(25), Prefix(26)]).unwrap_err();
        assert_eq!(err, AllocationError::NoRoom { index: 2, needed: 64, available: 0 });
        let err = allocate(net("10.0.0.0/16"), &[Fixed(net("10.0.0.0/20")), Fixed(net("10.0.8.0/24"))]).unwrap_err();
        assert_eq!(err, AllocationError::Overlap { a: 0, b: 1 });
        let err = allocate(net("10.0.0.0/16"), &[Fixed(net("10.1.0.0/24"))]).unwrap_err();
        assert!(matches!(err, AllocationError::Outside { index: 0, .. }));
        let err = allocate(net("10.0.0.0/16"), &[Prefix(8)]).unwrap_err();
        assert_eq!(err, AllocationError::BadPrefix { index: 0, prefix: 8 });
    }

    #[test]
    fn parse_errors_are_stackwright_errors() {
        let err = "10.0.0.0/33".parse::<Ipv4Cidr>().unwrap_err().to_string();
        assert!(err.contains("cidr: '10.0.0.0/33' is not an IPv4 CIDR block"), "{err}");
        assert!(err.contains("hint: write it as address/prefix length"), "{err}");
        assert_eq!("10.0.0.0/16".parse::<Ipv4Cidr>().unwrap().net(), net("10.0.0.0/16"));
    }

    #[test]
    fn helpers() {
        assert!(overlaps(net("10.0.0.0/16"), net("10.0.3.0/24")));
        assert!(!overlaps(net("10.0.0.0/24"), net("10.0.1.0/24")));
        assert!(is_network_address(net("10.0.0.0/16")));
        assert!(!is_network_address(net("10.0.0.1/16")));
        assert!(is_rfc1918(net("172.20.0.0/16")));
        assert!(!is_rfc1918(net("100.64.0.0/16")));
        assert_eq!(size(net("10.0.0.0/19")), 8192);
    }
}
