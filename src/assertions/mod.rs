//! Assertions for your own tests: query a synthesized
//! [`Assembly`](stackwright_core::Assembly) — stacks, resources by type and construct path,
//! Kubernetes objects by kind, namespace and name — and match what they hold partially, with
//! [`Match`](crate::assertions::Match)ers and [`Capture`](crate::assertions::Capture)s; check
//! it against ready-made platform rules ([`rules`](crate::assertions::rules)). Snapshots say
//! *that* something changed; assertions say what must hold.
//!
//! Every check returns `Result<_, AssertionError>`: a test can return that type and use `?`,
//! or call `.unwrap()` (which points at the failing line); the error's `Debug` is its message.
//! A failure names the construct path (or the Kubernetes object and its owner), the JSON
//! pointer inside, what was expected and what was found; when nothing matched, the closest
//! candidates and what differs in each.
//!
//! ```
//! use serde_json::json;
//! use stackwright::assertions::{Assertions, Capture, Match};
//! use stackwright::prelude::*;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = App::new("demo");
//! let dev = app.environment("dev", Account::new("123456789012")?, Region::EuWest1);
//! let network = dev.stack("network");
//! Resource::new(
//!     &network,
//!     "Vpc",
//!     RawResource::new("AWS::EC2::VPC")
//!         .with("CidrBlock", "10.0.0.0/16")
//!         .with("EnableDnsSupport", true)
//!         .with("Tags", json!([{ "Key": "team", "Value": "platform" }, { "Key": "cost", "Value": "42" }])),
//! )?;
//! let assembly = app.synth()?;
//!
//! let stack = Assertions::new(&assembly).stack("dev-network")?;
//! stack.has_resource_count("AWS::EC2::VPC", 1)?;
//! let cost = Capture::new();
//! let vpc = stack.has_resource_properties(
//!     "AWS::EC2::VPC",
//!     Match::object_like(json!({ "CidrBlock": "10.0.0.0/16" }))
//!         .with("Ipv6CidrBlock", Match::absent())
//!         .with("Tags", Match::array_with([Match::object_like(json!({ "Key": "cost" })).with("Value", &cost)])),
//! )?;
//! assert_eq!(vpc.path(), Some("dev/network/Vpc"));
//! assert_eq!(cost.as_string().as_deref(), Some("42"));
//!
//! // A failure says where, what was expected and what was found.
//! let error = vpc.has_properties(Match::object_like(json!({ "CidrBlock": "10.1.0.0/16" }))).unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "dev/network/Vpc (AWS::EC2::VPC Vpc in stack dev-network) does not match:\n  \
//!      at /Properties/CidrBlock: expected \"10.1.0.0/16\", found \"10.0.0.0/16\""
//! );
//! # Ok(())
//! # }
//! ```

mod error;
mod kubernetes;
mod matchers;
pub mod rules;
mod template;

pub use error::{AssertionError, Candidate, Mismatch, Violation};
pub use kubernetes::{Cluster, KubeObject};
pub use matchers::{Capture, Match};
pub use template::{FoundResource, StackTemplate};

/// The examples of `docs/assertions.md` are compiled as doctests, so they cannot drift.
#[doc = include_str!("../../docs/assertions.md")]
#[cfg(doctest)]
pub struct AssertionsDocDoctests;

use stackwright_core::Assembly;

/// The entry point: queries on one synthesized assembly.
#[derive(Debug, Clone, Copy)]
pub struct Assertions<'a> {
    assembly: &'a Assembly,
}

impl<'a> Assertions<'a> {
    /// Queries on `assembly` (what [`App::synth`](stackwright_core::App::synth) returns).
    #[must_use]
    pub fn new(assembly: &'a Assembly) -> Self {
        Assertions { assembly }
    }

    /// The assembly.
    #[must_use]
    pub fn assembly(&self) -> &'a Assembly {
        self.assembly
    }

    /// The template of stack `id` (`<environment>-<stack>`, such as `prod-network`).
    ///
    /// # Errors
    /// [`AssertionError::NotFound`] listing the stacks; [`AssertionError::Unreadable`] when
    /// the template is not JSON.
    pub fn stack(&self, id: &str) -> Result<StackTemplate, AssertionError> {
        let Some(entry) = self.assembly.manifest.stack(id) else {
            return Err(AssertionError::NotFound {
                what: format!("stack '{id}'"),
                candidates: self.assembly.manifest.stacks.iter().map(|s| s.id.clone()).collect(),
            });
        };
        StackTemplate::parse(id, &entry.template, self.assembly.file(&entry.template))
    }

    /// Every stack's template, in deployment order.
    ///
    /// # Errors
    /// [`AssertionError::Unreadable`] when a template is not JSON.
    pub fn stacks(&self) -> Result<Vec<StackTemplate>, AssertionError> {
        self.assembly.manifest.stacks.iter().map(|s| self.stack(&s.id)).collect()
    }

    /// The Kubernetes objects of cluster `id` (`<environment>-<cluster name>`).
    ///
    /// # Errors
    /// [`AssertionError::NotFound`] listing the clusters; [`AssertionError::Unreadable`] when
    /// an object's file is missing or not YAML.
    pub fn cluster(&self, id: &str) -> Result<Cluster, AssertionError> {
        let Some(entry) = self.assembly.manifest.clusters.iter().find(|c| c.id == id) else {
            return Err(AssertionError::NotFound {
                what: format!("cluster '{id}'"),
                candidates: self.assembly.manifest.clusters.iter().map(|c| c.id.clone()).collect(),
            });
        };
        Cluster::parse(self.assembly, entry)
    }

    /// Every cluster's objects.
    ///
    /// # Errors
    /// As [`cluster`](Self::cluster).
    pub fn clusters(&self) -> Result<Vec<Cluster>, AssertionError> {
        self.assembly.manifest.clusters.iter().map(|c| Cluster::parse(self.assembly, c)).collect()
    }
}
