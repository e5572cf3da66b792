//! Checks over the objects of one kind of a cluster, run by synth on the finished tree: for a
//! construct that checks what other constructs ask of it, whichever was added first.

use super::{KubeCluster, clusters};
use crate::error::Diagnostic;
use crate::tree::Node;

impl KubeCluster {
    /// Registers a check at `owner` that synth runs on the finished tree with every object of
    /// `kind` (such as `HorizontalPodAutoscaler`) of this cluster, in the order they were
    /// added, each as the construct path of the construct that added it and its body: for a
    /// construct that checks what other constructs need of it, whichever was added first (an
    /// autoscaler's custom metric against the monitoring that would serve it). Does nothing for
    /// a rejected cluster.
    pub fn check_objects_of_kind(
        &self,
        owner: &Node,
        kind: &str,
        check: impl Fn(&[(String, &serde_json::Value)]) -> Vec<Diagnostic> + 'static,
    ) {
        let Some(index) = self.index else {
            return;
        };
        let kind = kind.to_string();
        // The index, not a handle of the tree: the check lives in the tree.
        owner.add_check(move |cx| {
            let tree = cx.tree();
            let objects: Vec<(String, &serde_json::Value)> = clusters(tree)[index]
                .objects
                .iter()
                .filter(|o| o.kind == kind)
                .map(|o| (tree.path(o.owner), &o.body))
                .collect();
            check(&objects)
        });
    }
}
