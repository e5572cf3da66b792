//! Choices every workload construct shares (the general `Workload` and the presets): how
//! reachable a load balancer is, and how many pods a disruption may take.

/// Whether a load balancer is reachable from the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Reachable from the internet (the default).
    #[default]
    InternetFacing,
    /// Reachable from inside the VPC only.
    Internal,
}

impl Scheme {
    /// The value of the `alb.ingress.kubernetes.io/scheme` annotation.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::InternetFacing => "internet-facing",
            Scheme::Internal => "internal",
        }
    }
}

/// How many pods voluntary disruptions (node drains, upgrades) may take down at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disruption {
    /// At most this many pods may be down.
    MaxUnavailable(u32),
    /// At least this many pods must stay up.
    MinAvailable(u32),
}
