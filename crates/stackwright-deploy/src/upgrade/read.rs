//! The read-only phase of preflight for cluster upgrades: the deployed templates of the plan's
//! stacks with EKS resources (`DescribeStacks`, `GetTemplate`), and the version of a cluster no
//! template of the plan has, for the node groups that name it (`DescribeCluster`).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use super::{EksVersions, named_clusters_of_node_groups, named_control_planes, node_groups_ahead_of_named, problems};
use crate::aws::Aws;
use crate::cfn::{CfnOptions, Engine};
use crate::error::Result;
use crate::interrupt::Ledger;
use crate::plan::Assembly;
use crate::progress::Progress;

/// What the reading needs of the runtime.
pub struct Reading<'a> {
    /// The plan's assembly.
    pub assembly: &'a Assembly,
    /// The AWS clients.
    pub aws: &'a Aws,
    /// CloudFormation options (for the engine's calls).
    pub options: &'a CfnOptions,
    /// Where retries are shown.
    pub progress: &'a Progress,
    /// The ledger (nothing is created here; the engine wants one).
    pub ledger: &'a Ledger,
}

impl Reading<'_> {
    /// For each of `stacks` with EKS resources that is deployed, the upgrade from its deployed
    /// template to the new one (`templates`, by stack id) is one EKS can make ([`problems`];
    /// those the new template alone shows were reported offline); node groups on a cluster
    /// outside the plan are not newer than it.
    ///
    /// # Errors
    ///
    /// The errors of the read-only calls.
    pub async fn refuse_unsafe_upgrades(
        &self,
        stacks: &[String],
        templates: &HashMap<String, String>,
        found: &mut Vec<String>,
    ) -> Result<()> {
        let parsed: Vec<(String, Json)> =
            stacks.iter().filter_map(|s| Some((s.clone(), serde_json::from_str(templates.get(s)?).ok()?))).collect();
        for (stack, new) in &parsed {
            if EksVersions::of(new).is_empty() {
                continue;
            }
            let entry = self.assembly.stack(stack)?;
            let env = self.assembly.environment(&entry.environment)?;
            let clients = self.aws.region(&env.region).await;
            let engine = Engine {
                clients: &clients,
                entry,
                options: self.options,
                progress: self.progress,
                ledger: self.ledger,
            };
            let Some(info) = engine.describe(&entry.stack_name).await? else { continue };
            let Some(deployed) = engine.deployed_template(&info.stack_id).await? else { continue };
            let offline = problems(stack, None, new);
            found.extend(problems(stack, Some(&deployed), new).into_iter().filter(|p| !offline.contains(p)));
        }
        self.outside_clusters(&parsed, found).await
    }

    /// Node groups on a cluster no template of the plan has (a referenced one): its version from
    /// EKS. A cluster EKS does not know is left to the deploy (creating the group names it).
    async fn outside_clusters(&self, parsed: &[(String, Json)], found: &mut Vec<String>) -> Result<()> {
        let inside: BTreeMap<String, String> = parsed.iter().flat_map(|(_, t)| named_control_planes(t)).collect();
        for (stack, template) in parsed {
            let outside: Vec<String> =
                named_clusters_of_node_groups(template).into_iter().filter(|n| !inside.contains_key(n)).collect();
            if outside.is_empty() {
                continue;
            }
            let entry = self.assembly.stack(stack)?;
            let env = self.assembly.environment(&entry.environment)?;
            let clients = self.aws.region(&env.region).await;
            let mut versions = BTreeMap::new();
            for name in outside {
                if let Some(version) =
                    crate::eks::cluster_version(&clients, &self.aws.options.retry, self.progress, &name).await?
                {
                    versions.insert(name, version);
                }
            }
            found.extend(node_groups_ahead_of_named(stack, template, &versions));
        }
        Ok(())
    }
}
