//! Synthesis: from a finished construct tree to a cloud assembly.
//!
//! 1. Collect every problem recorded while building, and run the registered checks
//!    ([`checks`]).
//! 2. Give every resource its logical id (see [`crate::names`]); reject collisions
//!    ([`logical_ids`]). Below a construct declared moved, from its old path ([`moves`]).
//!    Resources declared imported are checked and recorded ([`imports`]).
//! 3. Render each stack's resources and outputs ([`resources`], and [`values`] for one value).
//!    A reference to a resource of another stack of the same environment becomes a consumer
//!    parameter and a producer output, recorded in the manifest; a reference to another
//!    environment is an error.
//! 4. Export each cluster's connection data and late-bound values as outputs; write its
//!    objects as YAML files in apply order ([`clusters`]).
//! 5. Order stacks by dependency; a cycle (between stacks, or between resources of one stack)
//!    is an error naming the edge to cut ([`order`]).
//!
//! Every problem from every step is returned at once; only then are the files written
//! ([`output`], in the JSON shape of [`template_json`]). A tree holding a rejected construct
//! (see `Node::reject`) is never written: references to it are skipped without a follow-up
//! problem, since its own problems are recorded.
//! The warnings constructs recorded come with the assembly, in tree order ([`checks`]).

mod checks;
mod clusters;
mod imports;
mod logical_ids;
mod moves;
mod order;
mod output;
mod resources;
mod template_json;
mod values;

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::assembly::{Assembly, ImportEntry, MoveEntry, ParameterBinding, ResourceEntry};
use crate::error::{Diagnostics, Error, Result};
use crate::tree::TreeData;
use crate::value::Value;

use template_json::{OutputJson, ParameterJson, ResourceJson};

/// Everything synth learns about one stack.
struct StackState {
    node: usize,
    env: usize,
    artifact: String,
    resources: IndexMap<String, ResourceJson>,
    resource_paths: IndexMap<String, ResourceEntry>,
    parameters: IndexMap<String, ParameterJson>,
    parameter_bindings: Vec<ParameterBinding>,
    conditions: IndexMap<String, serde_json::Value>,
    outputs: IndexMap<String, OutputJson>,
    /// Outputs other stacks or clusters need, not yet rendered.
    exports: IndexMap<String, Value>,
    /// Stacks this one depends on, with the reason (the first path that made the edge).
    depends_on: IndexMap<usize, String>,
    /// Resource-to-resource edges inside the stack (for cycle detection).
    resource_edges: Vec<(usize, usize)>,
    /// The constructs of the stack declared moved.
    moves: Vec<MoveEntry>,
    /// The resources of the stack declared imported.
    imports: Vec<ImportEntry>,
}

/// The state of one synthesis, shared by the steps (each step is an `impl` block in its file).
struct Synth<'a> {
    tree: &'a TreeData,
    diags: Diagnostics,
    stacks: Vec<StackState>,
    /// Stack node index → position in `stacks`.
    stack_pos: HashMap<usize, usize>,
    /// Resource node index → (stack position, logical id).
    logical: HashMap<usize, (usize, String)>,
    /// Moved construct node index → its checked move, in declaration order.
    moves: indexmap::IndexMap<usize, moves::ResolvedMove>,
}

/// Validates `tree` and renders it into an assembly, or returns every problem found.
pub(crate) fn synthesize(tree: &TreeData) -> Result<Assembly> {
    let mut synth = Synth {
        tree,
        diags: tree.deferred().clone(),
        stacks: Vec::new(),
        stack_pos: HashMap::new(),
        logical: HashMap::new(),
        moves: IndexMap::new(),
    };
    let reachable = tree.subtree(0);
    synth.run_checks(&reachable);
    synth.collect_stacks(&reachable);
    synth.resolve_moves(&reachable);
    synth.assign_logical_ids(&reachable);
    synth.record_moves(&reachable);
    synth.record_imports(&reachable);
    synth.render_resources(&reachable);
    synth.add_explicit_dependencies(&reachable);
    let clusters = synth.render_clusters();
    synth.render_exports();
    synth.check_resource_cycles();
    let order = synth.stack_order();
    let with_objects: Vec<&str> =
        clusters.iter().filter(|(c, _)| !c.objects.is_empty()).map(|(c, _)| c.stack.as_str()).collect();
    synth.check_quotas(&with_objects);
    synth.check_rejected();
    if !synth.diags.is_empty() {
        return Err(Error::Invalid(synth.diags));
    }
    let mut assembly = synth.into_assembly(order, clusters)?;
    assembly.warnings = checks::warnings(tree, &reachable);
    Ok(assembly)
}

impl Synth<'_> {
    /// The construct path of a node, for messages.
    fn path(&self, index: usize) -> String {
        self.tree.path(index)
    }
}
