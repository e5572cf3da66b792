//! Pod-to-pod connections the program declares between the workloads of one cluster.
//!
//! A connection between two workloads is open only when both ends say so: the source's egress
//! and the destination's ingress (under a default-deny policy, each side's NetworkPolicies
//! block what they do not name). Constructs declare each end here as they build their
//! policies; synth matches the ends, reports an end whose partner is missing (the connection
//! would be silently blocked), and lists the matched connections in the cluster's manifest
//! entry ([`FlowEntry`](crate::assembly::FlowEntry)), where a connectivity analyser and
//! `diff` read what the program meant, independently of how the policies express it.

use std::collections::BTreeSet;

use crate::assembly::FlowEntry;
use crate::error::Diagnostic;

/// A workload of a cluster: its namespace and name (the name of its Deployment, StatefulSet,
/// Job or CronJob).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkloadRef {
    /// The namespace.
    pub namespace: String,
    /// The workload object's name.
    pub name: String,
}

impl WorkloadRef {
    /// The workload `name` in `namespace`.
    #[must_use]
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        WorkloadRef { namespace: namespace.into(), name: name.into() }
    }
}

impl std::fmt::Display for WorkloadRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// Which end of a connection a declaration is made by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowEnd {
    /// The workload that opens the connection (its egress).
    Source,
    /// The workload that accepts it (its ingress).
    Destination,
}

/// One end's declaration of a TCP connection from one workload to another of the same
/// cluster (see [`KubeCluster::declare_flow`](super::KubeCluster::declare_flow)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowDeclaration {
    /// The workload opening the connection.
    pub from: WorkloadRef,
    /// The workload accepting it.
    pub to: WorkloadRef,
    /// The TCP ports this end opens; empty: every port (the other end then decides).
    pub ports: Vec<u16>,
    /// Which end declares.
    pub end: FlowEnd,
    /// What the program should do when the other end does not declare the connection (for
    /// the error's hint; the declaring construct knows its own API).
    pub hint: String,
}

/// A declaration and the construct path of its owner.
pub(crate) struct Declared {
    pub(crate) path: String,
    pub(crate) flow: FlowDeclaration,
}

/// The connections declared at both ends, one entry per port, sorted; and a problem for each
/// end without its partner or whose ports do not meet the partner's.
pub(crate) fn match_flows(declared: &[Declared]) -> (Vec<FlowEntry>, Vec<Diagnostic>) {
    let mut entries = BTreeSet::new();
    let mut problems = Vec::new();
    for d in declared {
        let f = &d.flow;
        let partners: Vec<&FlowDeclaration> =
            declared.iter().map(|o| &o.flow).filter(|o| o.end != f.end && o.from == f.from && o.to == f.to).collect();
        if partners.is_empty() {
            let (this, other, what) = match f.end {
                FlowEnd::Source => (&f.from, &f.to, "allow it in"),
                FlowEnd::Destination => (&f.to, &f.from, "declare egress to it"),
            };
            problems.push(Diagnostic::new(
                d.path.clone(),
                format!(
                    "'{this}' declares a connection {} '{other}'{}, but '{other}' does not {what}: the NetworkPolicies would block it",
                    if f.end == FlowEnd::Source { "to" } else { "from" },
                    ports_text(&f.ports),
                ),
                f.hint.clone(),
            ));
            continue;
        }
        // Each pair is recorded from its source's declaration only, so that it counts once.
        if f.end == FlowEnd::Destination {
            continue;
        }
        let mut any_port = false;
        for partner in partners {
            let ports = common_ports(&f.ports, &partner.ports);
            any_port |= !ports.is_empty();
            entries.extend(ports.into_iter().map(|port| (f.from.to_string(), f.to.to_string(), port)));
        }
        if !any_port {
            problems.push(Diagnostic::new(
                d.path.clone(),
                format!(
                    "'{}' declares a connection to '{}'{}, but '{}' admits it on other ports only",
                    f.from,
                    f.to,
                    ports_text(&f.ports),
                    f.to
                ),
                "open the same port at both ends (the destination's container port)",
            ));
        }
    }
    let entries =
        entries.into_iter().map(|(from, to, port)| FlowEntry { from, to, protocol: "TCP".to_string(), port }).collect();
    (entries, problems)
}

/// The ports open at both ends; empty at one end means every port.
fn common_ports(a: &[u16], b: &[u16]) -> BTreeSet<u16> {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.iter().copied().collect(),
        (false, true) => a.iter().copied().collect(),
        (false, false) => a.iter().copied().filter(|p| b.contains(p)).collect(),
    }
}

fn ports_text(ports: &[u16]) -> String {
    match ports {
        [] => String::new(),
        [one] => format!(" on TCP {one}"),
        many => format!(" on TCP {}", many.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(end: FlowEnd, ports: &[u16]) -> Declared {
        Declared {
            path: format!("prod/{end:?}"),
            flow: FlowDeclaration {
                from: WorkloadRef::new("shop", "worker"),
                to: WorkloadRef::new("shop", "api"),
                ports: ports.to_vec(),
                end,
                hint: "the hint".into(),
            },
        }
    }

    #[test]
    fn both_ends_make_one_entry_per_common_port() {
        let (entries, problems) = match_flows(&[decl(FlowEnd::Source, &[]), decl(FlowEnd::Destination, &[8080, 9090])]);
        assert!(problems.is_empty());
        let ports: Vec<u16> = entries.iter().map(|e| e.port).collect();
        assert_eq!(ports, [8080, 9090]);
        assert_eq!((entries[0].from.as_str(), entries[0].to.as_str()), ("shop/worker", "shop/api"));
    }

    #[test]
    fn an_end_without_its_partner_is_a_problem_at_its_path_with_its_hint() {
        for (end, says) in
            [(FlowEnd::Source, "does not allow it in"), (FlowEnd::Destination, "does not declare egress")]
        {
            let (entries, problems) = match_flows(&[decl(end, &[8080])]);
            assert!(entries.is_empty());
            let p = &problems[0];
            assert_eq!(p.path, format!("prod/{end:?}"));
            assert!(p.message.contains(says), "{}", p.message);
            assert!(p.message.contains("TCP 8080"), "{}", p.message);
            assert_eq!(p.hint, "the hint");
        }
    }

    #[test]
    fn ports_that_do_not_meet_are_a_problem() {
        let (entries, problems) = match_flows(&[decl(FlowEnd::Source, &[5432]), decl(FlowEnd::Destination, &[8080])]);
        assert!(entries.is_empty());
        assert!(problems[0].message.contains("other ports only"), "{}", problems[0].message);
    }
}
