//! The synthesis core of stackwright: the construct tree, typed values, the CloudFormation
//! template model, Kubernetes object sets and the cloud assembly.
//!
//! This crate does no IO except writing an assembly and reading the program's context file
//! (the committed answers of lookups, [`lookup`]), and never depends on the AWS SDK, tokio or a
//! network client: synthesis builds in seconds and runs in milliseconds.
//!
//! The map:
//! - [`app`]: [`App`] → [`Environment`] → [`Stack`], the roots of the tree;
//! - [`tree`]: [`Node`] handles and the [`Construct`] trait every construct implements;
//! - [`names`]: ids, logical ids (the algorithm is documented there), DNS-1123 names;
//! - [`problems`]: [`Problems`], the problems of a construct's input, collected at its path
//!   before it is added (a construct with problems is rejected, see [`Node::reject`]);
//! - [`value`]: [`Value`], typed [`Val`] and [`Attr`] handles, intrinsic functions;
//! - [`resource`]: [`ResourceType`] (implemented by generated L1 types), [`Resource`] handles and
//!   the [`RawResource`] escape hatch;
//! - [`template`]: the template model (parameters, conditions, outputs, policies);
//! - [`kube`]: Kubernetes objects per cluster and late-bound placeholders;
//! - [`lookup`]: lookups of existing infrastructure, answered from the committed context file;
//! - [`synth`](crate::App::synth): validation and rendering, every error at once;
//! - [`assembly`]: the output directory and its `manifest.json`, written atomically;
//! - [`diagram`]: the picture of the platform each assembly holds (SVG and Mermaid);
//! - [`report`], [`exit_status`]: the one rendering of every error for standard error, and
//!   the exit statuses.

pub mod app;
pub mod assembly;
pub mod cfn_support;
pub mod diagram;
pub mod environment;
pub mod error;
pub mod exit_status;
mod import;
pub mod kube;
pub mod lookup;
pub mod names;
pub mod problems;
pub mod report;
pub mod resource;
mod synth;
pub mod template;
pub mod tree;
pub mod value;
pub mod yaml;

pub use app::{App, Environment, Stack};
pub use assembly::{Assembly, Manifest};
pub use environment::{Account, Region};
pub use error::{Diagnostic, Diagnostics, Error, Result};
pub use exit_status::ExitStatus;
pub use kube::{ClusterConnection, FlowDeclaration, FlowEnd, KubeCluster, WorkloadRef};
pub use problems::Problems;
pub use resource::{AnyResource, RawAttributes, RawResource, Resource, ResourceType};
pub use template::{DeletionPolicy, ParameterDef};
pub use tree::{CheckContext, Construct, Node, StackResourceTypes, StackTypes};
pub use value::{Arn, Attr, AttrKind, NodeRef, Pseudo, SubPart, ToValue, Val, Value};

// Generated and hand-written constructs name k8s-openapi through this re-export, so that
// their version always matches the core's.
pub use k8s_openapi;
