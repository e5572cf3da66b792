//! What a construct may ask of a cluster about the objects other constructs added: whether a
//! CRD defines a kind, the objects of a kind so far, and checks over every object of a kind
//! once the tree is finished.

use super::{KubeCluster, clusters};
use crate::error::Diagnostic;
use crate::tree::Node;

impl KubeCluster {
    /// Whether an object added to this cluster so far is the CustomResourceDefinition of
    /// `kind` in API `group`; `Some(namespaced)` when it is.
    #[must_use]
    pub fn defines_custom_resource(&self, group: &str, kind: &str) -> Option<bool> {
        let index = self.index?;
        let tree = self.node.data();
        clusters(&tree)[index].objects.iter().filter(|o| o.kind == "CustomResourceDefinition").find_map(|o| {
            let spec = o.body.get("spec")?;
            let matches = spec.get("group")?.as_str()? == group && spec.pointer("/names/kind")?.as_str()? == kind;
            matches.then(|| spec.get("scope").and_then(serde_json::Value::as_str) != Some("Cluster"))
        })
    }

    /// The objects of `kind` (such as `HorizontalPodAutoscaler`) added to this cluster so far,
    /// in the order they were added, each as the construct path of the construct that added it
    /// and a copy of its body: for a construct that builds from what others added before it
    /// (the metrics adapter's rules from the autoscalers' custom metrics). What is added later
    /// is not seen; [`check_objects_of_kind`](Self::check_objects_of_kind) sees everything.
    /// Empty for a rejected cluster.
    #[must_use]
    pub fn objects_of_kind(&self, kind: &str) -> Vec<(String, serde_json::Value)> {
        let Some(index) = self.index else {
            return Vec::new();
        };
        let tree = self.node.data();
        clusters(&tree)[index]
            .objects
            .iter()
            .filter(|o| o.kind == kind)
            .map(|o| (tree.path(o.owner), o.body.clone()))
            .collect()
    }

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
