//! Step 4: each cluster's connection data and late-bound values exported as outputs of its
//! stack, and its objects listed in apply order.

use crate::assembly::{BindingEntry, BindingSource, ClusterEntry, ClusterOutputs, ObjectEntry};
use crate::kube::{self, ClusterData, KubeObjectData, LateSource, apply_rank};
use crate::names;
use crate::value::Value;

use super::Synth;

impl<'a> Synth<'a> {
    /// Each cluster's manifest entry, with the object bodies in the entry's (apply) order.
    pub(super) fn render_clusters(&mut self) -> Vec<(ClusterEntry, Vec<&'a serde_json::Value>)> {
        let tree = self.tree;
        kube::clusters(tree).iter().filter_map(|cluster| self.render_cluster(cluster)).collect()
    }

    /// One cluster's entry and object bodies; `None` when the cluster is not in a stack synth
    /// knows (its problem is reported elsewhere).
    fn render_cluster(&mut self, cluster: &'a ClusterData) -> Option<(ClusterEntry, Vec<&'a serde_json::Value>)> {
        let stack = self.tree.stack_of(cluster.node())?;
        let pos = *self.stack_pos.get(&stack)?;
        let env = self.stacks[pos].env;
        let env_id = self.tree.node(env).id().to_string();
        // Outputs first, then bindings: the order the stack's outputs are created in.
        let outputs = self.cluster_outputs(pos, cluster);
        let bindings = self.cluster_bindings(cluster, env);
        let id = format!("{env_id}-{}", cluster.name());
        let objects = in_apply_order(cluster);
        let (flows, problems) = cluster.matched_flows();
        self.diags.extend(problems);
        let entry = ClusterEntry {
            directory: format!("k8s/{id}"),
            id,
            name: cluster.name().to_string(),
            environment: env_id,
            stack: self.stacks[pos].artifact.clone(),
            outputs,
            objects: self.object_entries(&objects),
            bindings,
            flows,
        };
        Some((entry, objects.iter().map(|o| o.body()).collect()))
    }

    /// The connection data, exported as outputs of the cluster's stack `pos`.
    fn cluster_outputs(&mut self, pos: usize, cluster: &ClusterData) -> ClusterOutputs {
        let prefix = names::pascal_case(cluster.name());
        let c = cluster.connection();
        ClusterOutputs {
            cluster_name: self.export(pos, format!("{prefix}ClusterName"), c.cluster_name.clone()),
            endpoint: self.export(pos, format!("{prefix}Endpoint"), c.endpoint.clone()),
            certificate_authority: self.export(
                pos,
                format!("{prefix}CertificateAuthority"),
                c.certificate_authority.clone(),
            ),
            oidc_issuer: self.export(pos, format!("{prefix}OidcIssuer"), c.oidc_issuer.clone()),
        }
    }

    /// Where each placeholder's value comes from; a stack value is exported as an output.
    fn cluster_bindings(&mut self, cluster: &ClusterData, env: usize) -> Vec<BindingEntry> {
        let mut bindings = Vec::new();
        for (placeholder, source) in cluster.bindings() {
            let source = match source {
                LateSource::Environment(variable) => BindingSource::Environment { variable: variable.clone() },
                LateSource::Stack(value) => match self.late_bound_output(value, env, cluster.node()) {
                    Some((stack, output)) => BindingSource::StackOutput { stack, output },
                    None => continue,
                },
            };
            bindings.push(BindingEntry { placeholder: placeholder.clone(), source });
        }
        bindings
    }

    /// The manifest entries of `objects`, numbered in order: the file names sort in apply order.
    fn object_entries(&self, objects: &[&KubeObjectData]) -> Vec<ObjectEntry> {
        let width = if objects.len() > 100 { 3 } else { 2 };
        objects
            .iter()
            .enumerate()
            .map(|(n, o)| {
                let kind = o.kind().to_ascii_lowercase();
                let file = match o.namespace() {
                    Some(ns) => format!("{n:0width$}-{kind}-{ns}-{}.yaml", o.name()),
                    None => format!("{n:0width$}-{kind}-{}.yaml", o.name()),
                };
                ObjectEntry {
                    file,
                    api_version: o.api_version().to_string(),
                    kind: o.kind().to_string(),
                    namespace: o.namespace().map(str::to_string),
                    name: o.name().to_string(),
                    path: self.path(o.owner()),
                    metadata: o.metadata().clone(),
                }
            })
            .collect()
    }

    /// The stack output holding a late-bound resource value, created on first use.
    fn late_bound_output(
        &mut self,
        value: &Value,
        cluster_env: usize,
        cluster_node: usize,
    ) -> Option<(String, String)> {
        let (Value::Ref(target) | Value::GetAtt(target, _)) = value else {
            return None;
        };
        let (pos, _) = self.resource_of(*target, &self.path(cluster_node))?;
        if self.stacks[pos].env != cluster_env {
            self.diags.push(
                self.path(cluster_node),
                format!(
                    "a manifest of this cluster late-binds '{}', which is in another environment",
                    self.path(target.index)
                ),
                "late-bind only values of stacks in the cluster's environment",
            );
            return None;
        }
        let output = self.output_name(value)?;
        let output = self.export(pos, output, value.clone());
        Some((self.stacks[pos].artifact.clone(), output))
    }
}

/// The cluster's objects in apply order: by [`apply_rank`], then kind, namespace and name.
fn in_apply_order(cluster: &ClusterData) -> Vec<&KubeObjectData> {
    let mut objects: Vec<&KubeObjectData> = cluster.objects().iter().collect();
    objects.sort_by(|a, b| {
        (apply_rank(a.kind()), a.kind(), a.namespace(), a.name()).cmp(&(
            apply_rank(b.kind()),
            b.kind(),
            b.namespace(),
            b.name(),
        ))
    });
    objects
}
