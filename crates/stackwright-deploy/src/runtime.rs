//! A run over an assembly: deploy the selected stacks in dependency order (independent ones
//! concurrently), then apply the objects of the clusters they create.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde::Serialize;
use stackwright_core::assembly::{ClusterEntry, StackEntry};

use crate::aws::{Aws, AwsOptions};
use crate::cfn::{Action, Approver, CfnOptions, Deployed, Engine};
use crate::eks::{self, ClusterAccess};
use crate::error::{Error, Result};
use crate::interrupt::Ledger;
use crate::kubernetes::{self, Applier, ApplyReport, KubeOptions};
use crate::no_resources;
use crate::plan::{self, Assembly, Extend, NodeResult, Outputs};
use crate::preflight::{Checked, Plan};
use crate::progress::{Progress, ProgressMode};

/// Reads environment variables for `((stackwright:env:…))` placeholders.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Everything a run needs; cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    /// The AWS clients, per region, shared by every task.
    pub aws: Arc<Aws>,
    /// The CloudFormation engine's timing and approval. Default [`CfnOptions::default`] with
    /// the retry policy of the AWS options.
    pub cfn: CfnOptions,
    /// The applier's timing and policy. Default [`KubeOptions::default`].
    pub kube: KubeOptions,
    /// Stacks deployed (or destroyed) at once, at most. Default 4.
    pub concurrency: usize,
    /// The progress display of the run.
    pub progress: Arc<Progress>,
    /// Asks for approval, one question at a time across the stacks.
    pub approver: Arc<Approver>,
    /// Check that the credentials are for each environment's account before changing it.
    /// Default `true`.
    pub check_account: bool,
    /// Apply (and on destroy, delete) the Kubernetes objects of the clusters. Default `true`.
    pub kubernetes: bool,
    /// On destroy outside production, turn off the deletion protection of RDS instances (a
    /// stack update) before deleting their stack; without it such a stack is refused. Never in
    /// production. Default `false` (docs/recovery.md, "Destroy").
    pub lift_deletion_protection: bool,
    /// Where `((stackwright:env:…))` placeholders are read. Default the process environment.
    pub env: EnvLookup,
    /// The change sets of this run not yet executed or deleted, for an interrupt to clean up.
    pub ledger: Arc<Ledger>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("cfn", &self.cfn)
            .field("kube", &self.kube)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// A runtime with the defaults above, reaching AWS as `aws` says and showing progress as
    /// `progress` says.
    #[must_use]
    pub fn new(aws: AwsOptions, progress: ProgressMode) -> Runtime {
        Runtime {
            cfn: CfnOptions { retry: aws.retry, ..CfnOptions::default() },
            aws: Arc::new(Aws::new(aws)),
            kube: KubeOptions::default(),
            concurrency: 4,
            progress: Arc::new(Progress::new(progress)),
            approver: Arc::new(Approver::default()),
            check_account: true,
            kubernetes: true,
            lift_deletion_protection: false,
            env: Arc::new(|name| std::env::var(name).ok()),
            ledger: Arc::new(Ledger::default()),
        }
    }
}

/// A failure of one stack or cluster, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The stack or cluster id (or the step, e.g. `selection`, `account`).
    pub target: String,
    /// The error, as printed.
    pub message: String,
}

/// A stack not started because one it needs failed.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The stack's id.
    pub stack: String,
    /// The id of the stack whose failure kept it from starting.
    pub because: String,
}

/// What a deploy did (printed as JSON with `--json`).
#[derive(Debug, Default, Serialize)]
pub struct DeployReport {
    /// The stacks deployed, in manifest order.
    pub stacks: Vec<Deployed>,
    /// The clusters applied, after their stacks.
    pub clusters: Vec<ApplyReport>,
    /// What failed, one line each.
    pub failed: Vec<Failure>,
    /// Stacks not started because one they need failed.
    pub skipped: Vec<Skipped>,
    /// How long the whole deploy took, in seconds (preflight included).
    pub seconds: f64,
    /// The errors behind `failed`, taken by [`DeployReport::result`].
    #[serde(skip)]
    pub errors: Vec<Error>,
}

impl DeployReport {
    /// The end of a deploy as people read it: a line per stack (what happened, how many
    /// resources, how long, its outputs), per cluster, per failure and skipped stack, then the
    /// total: stacks, resources changed and time. Coloured when `styled`.
    #[must_use]
    pub fn summary(&self, styled: bool) -> String {
        use crate::progress::style::{self, duration, paint};
        let mut out = String::new();
        let ok = paint(style::GOOD, "✓", styled);
        for d in &self.stacks {
            let took = duration(std::time::Duration::from_secs_f64(d.seconds));
            let what = match d.action {
                crate::cfn::Action::Unchanged => format!("unchanged in {took}"),
                action => format!(
                    "{}, {} resource change(s) in {took}",
                    format!("{action:?}").to_lowercase(),
                    d.changes.len()
                ),
            };
            let outputs: Vec<String> = d.outputs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let outputs = if outputs.is_empty() { String::new() } else { format!(": {}", outputs.join(", ")) };
            out.push_str(&format!("{ok} {}: {what}{outputs}\n", paint(style::NAME, &d.stack, styled)));
        }
        for c in &self.clusters {
            let name = paint(style::NAME, &c.cluster, styled);
            out.push_str(&format!("{ok} {name}: {} object(s) applied, {} pruned\n", c.applied.len(), c.pruned.len()));
        }
        for f in &self.failed {
            out.push_str(&format!(
                "{} {}: failed\n",
                paint(style::BAD, "✗", styled),
                paint(style::NAME, &f.target, styled)
            ));
        }
        for s in &self.skipped {
            out.push_str(&format!("- {}: not deployed because {} failed\n", s.stack, s.because));
        }
        let count = |a: crate::cfn::Action| self.stacks.iter().filter(|d| d.action == a).count();
        let changed: usize = self.stacks.iter().map(|d| d.changes.len()).sum();
        let all =
            self.stacks.len() + self.failed.iter().filter(|f| f.target != "preflight").count() + self.skipped.len();
        let total = format!(
            "{} of {all} stack(s) deployed ({} created, {} updated, {} unchanged), {changed} resource change(s), in {}",
            self.stacks.len(),
            count(crate::cfn::Action::Created),
            count(crate::cfn::Action::Updated),
            count(crate::cfn::Action::Unchanged),
            duration(std::time::Duration::from_secs_f64(self.seconds))
        );
        out.push_str(&format!(
            "{}\n",
            paint(if self.failed.is_empty() { style::NAME } else { style::BAD }, &total, styled)
        ));
        out
    }

    /// `Err` with every failure when something failed.
    ///
    /// # Errors
    ///
    /// Every recorded error, as one [`Error::Many`] (or itself when there is one).
    pub fn result(&mut self) -> Result<()> {
        take_errors(&mut self.errors)
    }

    fn fail(&mut self, target: &str, error: Error) {
        record_failure(&mut self.failed, &mut self.errors, target, error);
    }
}

/// Records a failure twice: as a line of the report's JSON, and as the error the run ends with.
pub(crate) fn record_failure(failed: &mut Vec<Failure>, errors: &mut Vec<Error>, target: &str, error: Error) {
    failed.push(Failure { target: target.to_string(), message: error.to_string() });
    errors.push(error);
}

/// A report's `result()`: `Err` with every recorded error (taken out of the report), if any.
pub(crate) fn take_errors(errors: &mut Vec<Error>) -> Result<()> {
    if errors.is_empty() { Ok(()) } else { Err(Error::many(std::mem::take(errors))) }
}

impl Runtime {
    /// Checks the account of every environment the stacks deploy to (unless
    /// `check_account` is off).
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] for a stack or environment the assembly lacks, or credentials for
    /// another account; the errors of STS.
    pub async fn check_accounts(&self, assembly: &Assembly, stacks: &[String]) -> Result<()> {
        if !self.check_account {
            return Ok(());
        }
        let mut seen = BTreeSet::new();
        for id in stacks {
            let entry = assembly.stack(id)?;
            if seen.insert(entry.environment.clone()) {
                let env = assembly.environment(&entry.environment)?;
                if self.aws.options.local {
                    self.progress
                        .line(self.aws.emulator_account(&env.id, &env.region, &env.account, &self.progress).await?);
                    continue;
                }
                self.aws.check_account(&env.id, &env.region, &env.account, &self.progress).await?;
            }
        }
        Ok(())
    }

    /// Runs `f` with an engine for one stack (borrowing what it needs).
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] for a stack or environment the assembly lacks; what `f` returns.
    pub async fn with_engine<T>(
        &self,
        assembly: &Assembly,
        stack: &str,
        f: impl AsyncFnOnce(&Engine<'_>) -> Result<T>,
    ) -> Result<T> {
        let entry = assembly.stack(stack)?;
        let env = assembly.environment(&entry.environment)?;
        let clients = self.aws.region(&env.region).await;
        let engine =
            Engine { clients: &clients, entry, options: &self.cfn, progress: &self.progress, ledger: &self.ledger };
        let result = f(&engine).await;
        if result.is_err() {
            // The error says what happened; a spinner left behind would say something else.
            self.progress.clear(&entry.id);
        }
        result
    }

    /// Outputs of deployed stacks (those that exist), by stack id.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] for a stack the assembly lacks; the errors of `DescribeStacks`.
    pub async fn deployed_outputs(&self, assembly: &Assembly, stacks: &[String]) -> Result<Outputs> {
        let mut outputs = Outputs::new();
        for id in stacks {
            // A stack without resources is never in CloudFormation: its outputs are in its template.
            let entry = assembly.stack(id)?;
            if let Ok(template) = serde_json::from_str::<serde_json::Value>(&assembly.template(entry)?)
                && no_resources::has_no_resources(&template)
            {
                let parameters = plan::parameters(entry, &outputs).unwrap_or_default().into_iter().collect();
                if let Ok(values) = no_resources::outputs(&template, &parameters) {
                    outputs.insert(id.clone(), values);
                }
                continue;
            }
            let info = self.with_engine(assembly, id, async |e| e.describe(&e.entry.stack_name).await).await?;
            if let Some(info) = info {
                outputs.insert(id.clone(), info.outputs);
            }
        }
        Ok(outputs)
    }

    /// Preflight for deploying the stacks matching `patterns` (with what they depend on unless
    /// `exactly`): the offline checks, then the read-only calls ([`crate::preflight`]).
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when a pattern matches no stack; [`Error::Preflight`] with every
    /// problem of the phase that found some; the errors of the read-only calls.
    pub async fn preflight(&self, assembly: Arc<Assembly>, patterns: &[String], exactly: bool) -> Result<Checked> {
        let extend = if exactly { Extend::Exactly } else { Extend::Upstream };
        let plan = Plan::offline(assembly, patterns, extend, self.kubernetes, &*self.env)?;
        plan.read(&self.aws, &self.cfn, &self.progress, self.check_account).await
    }

    /// Deploys the stacks matching `patterns` (with what they depend on unless `exactly`),
    /// then the objects of the clusters whose stacks were deployed: [`Runtime::preflight`],
    /// then [`Runtime::deploy_checked`].
    pub async fn deploy(&self, assembly: Arc<Assembly>, patterns: &[String], exactly: bool) -> DeployReport {
        let start = std::time::Instant::now();
        let mut report = match self.preflight(assembly, patterns, exactly).await {
            Ok(plan) => self.deploy_checked(plan).await,
            Err(e) => {
                let mut report = DeployReport::default();
                report.fail("preflight", e);
                report
            }
        };
        report.seconds = start.elapsed().as_secs_f64();
        self.progress.clear_all();
        report
    }

    /// Deploys a plan that passed preflight: its stacks in dependency order (independent ones
    /// concurrently), then the objects of the clusters whose stacks were deployed.
    pub async fn deploy_checked(&self, plan: Checked) -> DeployReport {
        let start = std::time::Instant::now();
        let mut report = DeployReport::default();
        let plan = Arc::new(plan);
        let assembly = plan.assembly().clone();
        if let Err(e) = self.check_imports(&assembly, plan.stacks()).await {
            report.fail("import", e);
            report.seconds = start.elapsed().as_secs_f64();
            return report;
        }
        match self.refactor_moves(&assembly, plan.stacks()).await {
            Ok(lines) => lines.into_iter().for_each(|l| self.progress.line(l)),
            Err(e) => {
                report.fail("refactor", e);
                report.seconds = start.elapsed().as_secs_f64();
                return report;
            }
        }
        let outputs = Arc::new(Mutex::new(plan.outputs().clone()));
        let results = plan::run_dag(
            plan.stacks(),
            |id| assembly.manifest.stack(id).map(|s| s.dependencies.clone()).unwrap_or_default(),
            self.concurrency,
            |id| {
                let (rt, plan, outputs) = (self.clone(), plan.clone(), outputs.clone());
                async move { rt.deploy_one(&plan, &id, &outputs).await }
            },
        )
        .await;
        let mut done = BTreeSet::new();
        for (id, r) in results {
            match r {
                NodeResult::Done(d) => {
                    done.insert(id);
                    report.stacks.push(d);
                }
                NodeResult::Failed(e) => report.fail(&id, e.in_stack(&id)),
                NodeResult::Skipped { because } => {
                    self.progress
                        .line(format!("{id}: not deployed because {because} failed (deploy again once it is fixed)"));
                    report.skipped.push(Skipped { stack: id, because });
                }
            }
        }
        let outputs = outputs.lock().map(|o| o.clone()).unwrap_or_default();
        for cluster in assembly.manifest.clusters.iter().filter(|c| plan.clusters().contains(&c.id)) {
            if !done.contains(&cluster.stack) {
                continue;
            }
            // Objects after the node groups: not while a stack with the cluster's node groups
            // failed or was skipped (their pods would have nowhere, or the old nodes, to run).
            if let Some(stack) = plan.stacks().iter().find(|s| {
                !done.contains(*s)
                    && plan
                        .template(s)
                        .and_then(|t| serde_json::from_str(t).ok())
                        .is_some_and(|t| crate::upgrade::has_node_groups_of(&t, &cluster.name))
            }) {
                self.progress.line(format!(
                    "{}: objects not applied because {stack}, with the cluster's node groups, was not deployed \
                     (deploy again once it is fixed)",
                    cluster.id
                ));
                continue;
            }
            match self.apply_cluster(&assembly, cluster, &outputs).await {
                Ok(r) => report.clusters.push(r),
                Err(e) => report.fail(&cluster.id, e),
            }
        }
        report.seconds = start.elapsed().as_secs_f64();
        report
    }

    async fn deploy_one(&self, plan: &Checked, id: &str, outputs: &Mutex<Outputs>) -> Result<Deployed> {
        let assembly = plan.assembly();
        let entry = assembly.stack(id)?;
        let template = plan.template(id).ok_or_else(|| Error::usage(format!("internal: no template for {id}")))?;
        let parameters: BTreeMap<String, String> = {
            let outputs = outputs.lock().map_err(|_| Error::usage("internal: poisoned lock"))?;
            plan::parameters(entry, &outputs)?.into_iter().collect()
        };
        if let Some(deployed) = self.without_resources(entry, template, &parameters)? {
            if let Ok(mut o) = outputs.lock() {
                o.insert(id.to_string(), deployed.outputs.clone());
            }
            return Ok(deployed);
        }
        let approver = self.approver.clone();
        let deployed =
            self.with_engine(assembly, id, async |e| e.deploy(template, &parameters, &approver).await).await?;
        if let Ok(mut o) = outputs.lock() {
            o.insert(id.to_string(), deployed.outputs.clone());
        }
        Ok(deployed)
    }

    /// A stack whose template has no resources ([`crate::no_resources`]): not sent to
    /// CloudFormation, its outputs read from the template; `None` for any other stack.
    fn without_resources(
        &self,
        entry: &StackEntry,
        template: &str,
        parameters: &BTreeMap<String, String>,
    ) -> Result<Option<Deployed>> {
        let parsed: serde_json::Value = serde_json::from_str(template)
            .map_err(|e| Error::Stack { stack: entry.id.clone(), message: format!("the template is not JSON: {e}") })?;
        if !no_resources::has_no_resources(&parsed) {
            return Ok(None);
        }
        let outputs = no_resources::outputs(&parsed, parameters)
            .map_err(|message| Error::Stack { stack: entry.id.clone(), message })?;
        let note = "no CloudFormation resources: nothing sent to CloudFormation (its cluster's objects are applied)";
        self.progress.finish(&entry.id, note);
        Ok(Some(Deployed {
            stack: entry.id.clone(),
            stack_name: entry.stack_name.clone(),
            action: Action::Unchanged,
            changes: Vec::new(),
            seconds: 0.0,
            outputs,
            notes: vec![note.to_string()],
        }))
    }

    /// How to reach a cluster: its stack's outputs, else the EKS API.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] for an environment the assembly lacks; the errors of
    /// [`ClusterAccess::describe`].
    pub async fn cluster_access(
        &self,
        assembly: &Assembly,
        cluster: &ClusterEntry,
        outputs: &Outputs,
    ) -> Result<ClusterAccess> {
        let env = assembly.environment(&cluster.environment)?;
        let of_stack = outputs.get(&cluster.stack);
        let get = |name: &str| of_stack.and_then(|o| o.get(name)).cloned();
        let name = get(&cluster.outputs.cluster_name).unwrap_or_else(|| cluster.name.clone());
        match get(&cluster.outputs.endpoint) {
            Some(endpoint) => Ok(ClusterAccess {
                name,
                region: env.region.clone(),
                endpoint,
                certificate_authority: get(&cluster.outputs.certificate_authority).unwrap_or_default(),
            }),
            None => {
                let clients = self.aws.region(&env.region).await;
                ClusterAccess::describe(&clients, &self.cfn.retry, &self.progress, &name).await
            }
        }
    }

    /// A Kubernetes connection to the cluster: EKS tokens signed with the current credentials,
    /// renewed before they expire.
    ///
    /// # Errors
    ///
    /// The errors of loading the credentials and of building the first client.
    pub async fn kube_connection(&self, access: &ClusterAccess) -> Result<kubernetes::Connection> {
        let credentials = self.aws.credentials(&access.region).await?;
        let access = access.clone();
        kubernetes::Connection::renewing(Arc::new(move || {
            let token = eks::token(&credentials, &access.region, &access.name, SystemTime::now())?;
            access.client(&token)
        }))
    }

    /// Resolves, applies, waits for and prunes the objects of one cluster.
    ///
    /// # Errors
    ///
    /// [`Error::Kubernetes`] for late-bound values that are missing and for every failure of
    /// the apply; [`Error::Usage`] for manifests that cannot be read.
    pub async fn apply_cluster(
        &self,
        assembly: &Assembly,
        cluster: &ClusterEntry,
        outputs: &Outputs,
    ) -> Result<ApplyReport> {
        let values = kubernetes::binding_values(cluster, outputs, &*self.env)?;
        let objects = kubernetes::load_objects(assembly, cluster, &values)?;
        let access = self.cluster_access(assembly, cluster, outputs).await?;
        self.progress.line(format!(
            "{}: applying {} object(s) to {} ({})",
            cluster.id,
            objects.len(),
            access.name,
            access.endpoint
        ));
        let applied = self.applier(assembly, cluster, &access).await?.apply(&objects).await;
        applied.map_err(|e| at_api_server(e, &access))
    }

    /// An applier for the objects this app owns on a cluster.
    ///
    /// # Errors
    ///
    /// The errors of [`Runtime::kube_connection`].
    pub async fn applier(
        &self,
        assembly: &Assembly,
        cluster: &ClusterEntry,
        access: &ClusterAccess,
    ) -> Result<Applier<'_>> {
        Ok(Applier {
            connection: self.kube_connection(access).await?,
            cluster: cluster.id.clone(),
            owner: kubernetes::owner(&assembly.manifest.app, cluster),
            options: &self.kube,
            progress: &self.progress,
        })
    }
}

/// Whether a Kubernetes error says the API server could not be reached (not its answer).
fn unreachable(message: &str) -> bool {
    !message.contains("(HTTP ")
        && !message.contains("hint: ")
        && ["connect", "Connect", "dns error", "timed out", "broken pipe", "connection"]
            .iter()
            .any(|m| message.contains(m))
}

/// Names the API server in a Kubernetes error that is not the server's own answer (a
/// connection that failed, a timeout), with what to check.
pub(crate) fn at_api_server(e: Error, access: &ClusterAccess) -> Error {
    match e {
        Error::Kubernetes { cluster, message } if unreachable(&message) => Error::Kubernetes {
            cluster,
            message: format!(
                "{message} (API server {})\n  hint: check that the cluster's API server can be reached from \
                     here (its endpoint access, the network), then run again: the apply converges",
                access.endpoint
            ),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kubernetes_connection_error_names_the_api_server_and_an_answer_does_not() {
        let access = ClusterAccess {
            name: "main".into(),
            region: "us-east-1".into(),
            endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com".into(),
            certificate_authority: String::new(),
        };
        let refused = Error::kube("dev-main", "cannot read Namespace/web: client error (Connect): Connection refused");
        assert_eq!(
            at_api_server(refused, &access).to_string(),
            "kubernetes (dev-main): cannot read Namespace/web: client error (Connect): Connection refused (API server \
             https://ABC.gr7.us-east-1.eks.amazonaws.com)\n  hint: check that the cluster's API server can be reached \
             from here (its endpoint access, the network), then run again: the apply converges"
        );
        let answered = Error::kube("dev-main", "cannot apply Deployment/web: forbidden (HTTP 403, Forbidden)");
        assert!(!at_api_server(answered, &access).to_string().contains("API server"));
    }
}
