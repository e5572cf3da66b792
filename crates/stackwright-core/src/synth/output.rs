//! The end: templates as JSON files, cluster objects as YAML files, and the manifest.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use crate::assembly::{Assembly, ClusterEntry, EnvironmentEntry, Manifest, SCHEMA_VERSION, StackEntry};
use crate::error::{Diagnostics, Error, Result};
use crate::tree::{NodeKind, TreeData};
use crate::yaml;

use super::template_json::TemplateJson;
use super::{StackState, Synth};

/// The largest template body `CreateStack`/`CreateChangeSet` accept inline. The runtime sends
/// templates minified and inline (no asset bucket), so this is the bar.
const MAX_TEMPLATE_BODY_BYTES: usize = 51_200;

impl Synth<'_> {
    /// The assembly: one template per stack in dependency `order`, the cluster objects (their
    /// bodies in the entries' order) as YAML, the extra files, and the manifest listing them.
    pub(super) fn into_assembly(
        self,
        order: Vec<usize>,
        clusters: Vec<(ClusterEntry, Vec<&serde_json::Value>)>,
    ) -> Result<Assembly> {
        let tree = self.tree;
        let mut files = IndexMap::new();
        let mut oversized = Diagnostics::new();
        let artifacts: Vec<String> = self.stacks.iter().map(|s| s.artifact.clone()).collect();
        let environments = environments(tree);
        let mut picture = crate::diagram::PlatformBuilder::default();
        for e in &environments {
            picture.environment(&e.id, &e.region);
        }
        let mut stacks = Vec::new();
        let mut by_position: Vec<Option<StackState>> = self.stacks.into_iter().map(Some).collect();
        for pos in order {
            let Some(state) = by_position[pos].take() else {
                continue;
            };
            let env_id = tree.node(state.env).id().to_string();
            picture.stack(&env_id, &state.artifact);
            for (id, r) in &state.resources {
                let path = r.metadata.get("stackwright:path").and_then(serde_json::Value::as_str).unwrap_or(id);
                picture.resource(&env_id, id, &r.kind, path, &r.properties);
            }
            let (template_file, json) = template_file(tree, &state, &mut oversized)?;
            files.insert(template_file.clone(), json);
            stacks.push(stack_entry(tree, state, template_file, &artifacts));
        }
        for (entry, bodies) in &clusters {
            picture.cluster(&entry.id, &entry.environment, &entry.name);
            for (object, body) in entry.objects.iter().zip(bodies) {
                let namespace = object.namespace.as_deref().unwrap_or("");
                picture.object(&entry.id, &object.kind, namespace, &object.name, &object.path, Some(body));
                let yaml =
                    yaml::to_yaml(body).map_err(|message| Error::Serialize { what: object.file.clone(), message })?;
                files.insert(format!("{}/{}", entry.directory, object.file), yaml.into_bytes());
            }
        }
        for (path, (_, bytes)) in tree.files() {
            files.insert(path.clone(), bytes.clone());
        }
        if !oversized.is_empty() {
            return Err(Error::Invalid(oversized));
        }
        // The picture: derived from what is written, never listed in the manifest (nothing
        // deploys it).
        let platform = picture.build();
        let title = crate::diagram::title(tree.app_name());
        files.insert(crate::diagram::SVG_FILE.into(), crate::diagram::svg(&title, &platform).into_bytes());
        files.insert(crate::diagram::MERMAID_FILE.into(), crate::diagram::mermaid(&title, &platform).into_bytes());
        let manifest = Manifest {
            schema_version: SCHEMA_VERSION.into(),
            tool: format!("stackwright {}", env!("CARGO_PKG_VERSION")),
            app: tree.app_name().to_string(),
            environments,
            stacks,
            clusters: clusters.into_iter().map(|(entry, _)| entry).collect(),
            files: tree.files().keys().cloned().collect(),
            lookups: crate::lookup::requests(tree),
        };
        Ok(Assembly { manifest, files, warnings: Diagnostics::new() })
    }
}

/// Every environment of the app, in creation order. Other children of the app's node (a
/// construct a program added there with `add_child`) hold nothing to deploy — a resource needs
/// a stack — and are left out.
fn environments(tree: &TreeData) -> Vec<EnvironmentEntry> {
    tree.node(0)
        .children()
        .values()
        .filter_map(|&e| {
            let NodeKind::Environment(data) = tree.node(e).kind() else {
                return None;
            };
            Some(EnvironmentEntry {
                id: tree.node(e).id().to_string(),
                account: data.account.to_string(),
                region: data.region.to_string(),
                production: data.production,
            })
        })
        .collect()
}

/// A stack's template file: its name and pretty JSON. A template too large to send inline is
/// recorded in `oversized`.
fn template_file(tree: &TreeData, state: &StackState, oversized: &mut Diagnostics) -> Result<(String, Vec<u8>)> {
    let data = tree.stack_data(state.node);
    let template_file = format!("{}.template.json", state.artifact);
    let description =
        data.description.clone().unwrap_or_else(|| format!("{} {}", tree.app_name(), tree.path(state.node)));
    let template = TemplateJson {
        format_version: "2010-09-09",
        description: Some(description),
        parameters: &state.parameters,
        conditions: &state.conditions,
        resources: &state.resources,
        outputs: &state.outputs,
    };
    let compact = serde_json::to_vec(&template).map_or(0, |v| v.len());
    if compact > MAX_TEMPLATE_BODY_BYTES {
        oversized.push(
            tree.path(state.node),
            format!(
                "the template is {compact} bytes minified; CloudFormation accepts at most {MAX_TEMPLATE_BODY_BYTES} inline"
            ),
            "split the stack into several stacks",
        );
    }
    let mut json = serde_json::to_string_pretty(&template)
        .map_err(|e| Error::Serialize { what: template_file.clone(), message: e.to_string() })?;
    json.push('\n');
    Ok((template_file, json.into_bytes()))
}

/// A stack's manifest entry; `artifacts` maps stack positions to artifact ids.
fn stack_entry(tree: &TreeData, state: StackState, template_file: String, artifacts: &[String]) -> StackEntry {
    let data = tree.stack_data(state.node);
    let env = tree.environment_data(state.env);
    StackEntry {
        id: state.artifact.clone(),
        environment: tree.node(state.env).id().to_string(),
        stack_name: data.stack_name.clone().unwrap_or_else(|| format!("{}-{}", tree.app_name(), state.artifact)),
        template: template_file,
        dependencies: state
            .depends_on
            .keys()
            .map(|d| artifacts[*d].clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        parameters: state.parameter_bindings,
        termination_protection: data.termination_protection.unwrap_or(env.production),
        tags: data.tags.clone(),
        resources: state.resource_paths,
        moves: state.moves,
        imports: state.imports,
    }
}
