//! Step 4: each cluster's connection data and late-bound values exported as outputs of its
//! stack, and its objects listed in apply order.

use crate::assembly::{BindingEntry, BindingSource, ClusterEntry, ClusterOutputs, ObjectEntry};
use crate::kube::{self, KubeObjectData, LateSource, apply_rank};
use crate::names;
use crate::value::Value;

use super::Synth;

impl<'a> Synth<'a> {
    /// Each cluster's manifest entry, with the object bodies in the entry's (apply) order.
    pub(super) fn render_clusters(&mut self) -> Vec<(ClusterEntry, Vec<&'a serde_json::Value>)> {
        let mut entries = Vec::new();
        let tree = self.tree;
        for cluster in kube::clusters(tree) {
            let Some(stack) = self.tree.stack_of(cluster.node()) else {
                continue;
            };
            let Some(&pos) = self.stack_pos.get(&stack) else {
                continue;
            };
            let env = self.stacks[pos].env;
            let env_id = self.tree.node(env).id().to_string();
            let prefix = names::pascal_case(cluster.name());
            let c = cluster.connection();
            let outputs = ClusterOutputs {
                cluster_name: self.export(pos, format!("{prefix}ClusterName"), c.cluster_name.clone()),
                endpoint: self.export(pos, format!("{prefix}Endpoint"), c.endpoint.clone()),
                certificate_authority: self.export(
                    pos,
                    format!("{prefix}CertificateAuthority"),
                    c.certificate_authority.clone(),
                ),
                oidc_issuer: self.export(pos, format!("{prefix}OidcIssuer"), c.oidc_issuer.clone()),
            };
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
            let id = format!("{env_id}-{}", cluster.name());
            let mut objects: Vec<&'a KubeObjectData> = cluster.objects().iter().collect();
            objects.sort_by(|a, b| {
                (apply_rank(a.kind()), a.kind(), a.namespace(), a.name()).cmp(&(
                    apply_rank(b.kind()),
                    b.kind(),
                    b.namespace(),
                    b.name(),
                ))
            });
            let width = if objects.len() > 100 { 3 } else { 2 };
            let object_entries = objects
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
                    }
                })
                .collect();
            let bodies = objects.iter().map(|o| o.body()).collect();
            entries.push((
                ClusterEntry {
                    directory: format!("k8s/{id}"),
                    id,
                    name: cluster.name().to_string(),
                    environment: env_id,
                    stack: self.stacks[pos].artifact.clone(),
                    outputs,
                    objects: object_entries,
                    bindings,
                },
                bodies,
            ));
        }
        entries
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
