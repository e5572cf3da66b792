//! `context --refresh`: asks AWS the program's lookups (EC2 for VPCs, EKS for clusters) and
//! writes the answers into its context file, sorted and atomically, so that synth reads them
//! offline (see `stackwright_core::lookup`).
//!
//! Every lookup is asked again: the file is rewritten with exactly the entries the program
//! needs now, each listing the constructs that use it; entries no construct asks for any more
//! are dropped (and counted). Nothing is written unless every lookup was answered.

mod ec2;
mod vpc;
mod xml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use stackwright_core::App;

use stackwright_core::lookup::{
    ClusterAnswer, ClusterQuery, ContextEntry, ContextFile, LookupAnswer, LookupQuery, LookupRequest,
};

use crate::aws::{Aws, AwsOptions};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::retry::{Call, retry};

/// The options of `context`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Options {
    /// Ask AWS every lookup again and rewrite the context file (sorted, atomically); entries no
    /// construct asks for any more are dropped. Without it, list the lookups and whether each
    /// is answered.
    #[arg(long)]
    pub refresh: bool,
    /// The context file; default: the program's (`App::context_file`), or
    /// `stackwright.context.json` here for an assembly read with --app-dir.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Take the lookups from an assembly synthesized earlier (its manifest's `lookups`).
    #[arg(long, value_name = "DIR", alias = "assembly")]
    pub app_dir: Option<PathBuf>,
    /// Ask a local emulator at AWS_ENDPOINT_URL (on the loopback address), whatever its account.
    #[arg(long)]
    pub local: bool,
    /// Plain text even on a terminal.
    #[arg(long)]
    pub plain: bool,
}

/// `context [--refresh]`: the lookups of `app` (or of the assembly in `options.app_dir`),
/// listed with their state, or asked again and written to the context file.
///
/// # Errors
/// [`Error::Usage`] without a program or assembly, or when the file cannot be read or
/// written; the errors of [`refresh`].
pub async fn command(app: Option<&App>, options: Options, aws: AwsOptions, progress: &Arc<Progress>) -> Result<()> {
    let (requests, default_file) = match (&options.app_dir, app) {
        (Some(dir), _) => {
            let manifest = stackwright_core::Manifest::read(dir)
                .map_err(|e| Error::usage(format!("cannot read the assembly in {}: {e}", dir.display())))?;
            let here = stackwright_core::lookup::context_file_location(None, &|name| std::env::var(name).ok());
            (manifest.lookups, here)
        }
        (None, Some(app)) => (app.lookups(), app.context_file()),
        (None, None) => return Err(Error::usage("no program and no assembly: pass --app-dir DIR")),
    };
    let path = options.file.unwrap_or(default_file);
    let old = read(&path)?;
    if !options.refresh {
        for r in &requests {
            let state = match old.as_ref().and_then(|f| f.find(&r.account, &r.region, &r.query)) {
                Some(_) => "answered",
                None => "missing: run `context --refresh`",
            };
            println!("{}  {} in account {}, region {}  ({state})", r.path, r.query, r.account, r.region);
        }
        if requests.is_empty() {
            println!("the program looks nothing up");
        }
        return Ok(());
    }
    let aws = Aws::new(aws);
    let refreshed = refresh(&aws, &requests, old.as_ref(), progress).await?;
    write(&path, &refreshed.file)?;
    progress.clear_all();
    let dropped = match refreshed.dropped {
        0 => String::new(),
        n => format!("; dropped {n} no construct asks for any more"),
    };
    eprintln!(
        "wrote {} lookup answer{} to {}{dropped}; commit it: synth reads it offline",
        refreshed.file.entries.len(),
        if refreshed.file.entries.len() == 1 { "" } else { "s" },
        path.display()
    );
    Ok(())
}

/// What a refresh wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    /// The file's new contents.
    pub file: ContextFile,
    /// Entries of the old file no lookup asks for any more.
    pub dropped: usize,
}

/// Asks every lookup of `requests` (each distinct account, region and query once) and
/// returns the new file; `old` is the file it replaces, for the count of dropped entries.
/// Unless `aws.options.local`, the credentials must be for each lookup's account.
///
/// # Errors
/// [`Error::Usage`] for credentials of another account; [`Error::Aws`] when a call fails or
/// a query matches no VPC, several, or a cluster that does not exist.
pub async fn refresh(
    aws: &Aws,
    requests: &[LookupRequest],
    old: Option<&ContextFile>,
    progress: &Progress,
) -> Result<Refreshed> {
    let mut asked: BTreeMap<(String, String, LookupQuery), Vec<String>> = BTreeMap::new();
    for r in requests {
        asked.entry((r.account.clone(), r.region.clone(), r.query.clone())).or_default().push(r.path.clone());
    }
    let mut entries = Vec::new();
    for ((account, region, query), used_by) in asked {
        if !aws.options.local {
            let environment = format!("of {}", used_by.join(", "));
            aws.check_account(&environment, &region, &account, progress).await?;
        }
        progress.line(format!("context: looking up {query} in account {account}, region {region}"));
        let answer = match &query {
            LookupQuery::Vpc(q) => LookupAnswer::Vpc(vpc::look_up(aws, &region, q).await?),
            LookupQuery::Cluster(q) => LookupAnswer::Cluster(cluster(aws, &region, q).await?),
        };
        entries.push(ContextEntry { account, region, query, used_by, answer });
    }
    let file = ContextFile { entries, ..ContextFile::default() };
    let dropped = old
        .map_or(0, |old| old.entries.iter().filter(|e| file.find(&e.account, &e.region, &e.query).is_none()).count());
    Ok(Refreshed { file, dropped })
}

/// `DescribeCluster`, as the context file stores it.
async fn cluster(aws: &Aws, region: &str, query: &ClusterQuery) -> Result<ClusterAnswer> {
    let clients = aws.region(region).await;
    let fail = |message: String| Error::Aws { service: "EKS", operation: "DescribeCluster", message };
    let endpoint = clients.endpoint("eks");
    let call = Call { service: "EKS", operation: "DescribeCluster", endpoint: &endpoint };
    let out = retry(&aws.options.retry, &call, &|_| {}, || clients.eks.describe_cluster().name(&query.name).send())
        .await
        .map_err(|e| match e {
            // The one answer a user fixes in the program: a name that is not a cluster there.
            Error::Aws { message, .. } if message.contains("ResourceNotFoundException") => fail(format!(
                "there is no EKS cluster named '{}' in {region} for these credentials\n  \
                 hint: check the name given to ClusterLookup::new (`aws eks list-clusters --region {region}` \
                 lists them), and that the credentials are for the cluster's account",
                query.name
            )),
            other => other,
        })?;
    let c = out.cluster().ok_or_else(|| fail(format!("no cluster '{}' in {region}", query.name)))?;
    let missing = |what: &str| fail(format!("cluster '{}' in {region} has no {what} yet (is it ACTIVE?)", query.name));
    let vpc = c.resources_vpc_config();
    Ok(ClusterAnswer {
        name: c.name().unwrap_or(&query.name).to_string(),
        version: c.version().ok_or_else(|| missing("version"))?.to_string(),
        endpoint: c.endpoint().ok_or_else(|| missing("endpoint"))?.to_string(),
        certificate_authority: c
            .certificate_authority()
            .and_then(|ca| ca.data())
            .ok_or_else(|| missing("certificate authority"))?
            .to_string(),
        oidc_issuer: c
            .identity()
            .and_then(|i| i.oidc())
            .and_then(|o| o.issuer())
            .ok_or_else(|| missing("OIDC issuer"))?
            .to_string(),
        cluster_security_group_id: vpc
            .and_then(|v| v.cluster_security_group_id())
            .ok_or_else(|| missing("cluster security group"))?
            .to_string(),
        vpc_id: vpc.and_then(|v| v.vpc_id()).ok_or_else(|| missing("VPC"))?.to_string(),
    })
}

/// Reads the context file at `path`: `None` when there is none.
///
/// # Errors
/// [`Error::Usage`] when it cannot be read or is not a context file.
pub fn read(path: &Path) -> Result<Option<ContextFile>> {
    match std::fs::read_to_string(path) {
        Ok(text) => ContextFile::parse(&text).map(Some).map_err(|e| {
            Error::usage(format!(
                "the context file {} cannot be used: {e}\n  hint: restore it from version control, or delete it and refresh again",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::usage(format!("cannot read the context file {}: {e}", path.display()))),
    }
}

/// Writes `file` to `path` atomically: a temporary file beside it, then a rename, so that a
/// reader sees the old file or the new one, never half of one.
///
/// # Errors
/// [`Error::Usage`] naming the path when it cannot be written.
pub fn write(path: &Path, file: &ContextFile) -> Result<()> {
    let fail = |e: std::io::Error| Error::usage(format!("cannot write the context file {}: {e}", path.display()));
    let name = path.file_name().map_or_else(|| "context".into(), |n| n.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        use std::io::Write as _;
        let mut out = std::fs::File::create(&temporary)?;
        out.write_all(file.render().as_bytes())?;
        out.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackwright_core::lookup::{SubnetAnswer, SubnetTier, VpcAnswer, VpcQuery};

    fn file() -> ContextFile {
        let answer = VpcAnswer {
            vpc_id: "vpc-0a1b2c3d4e5f60718".into(),
            cidr: "10.1.0.0/16".into(),
            subnets: vec![SubnetAnswer {
                tier: SubnetTier::Private,
                availability_zone: "us-east-1a".into(),
                subnet_id: "subnet-0a1b2c3d4e5f61001".into(),
                cidr: "10.1.0.0/19".into(),
                route_table_id: "rtb-0a1b2c3d4e5f61001".into(),
            }],
            load_balancer_tags: false,
        };
        ContextFile {
            entries: vec![ContextEntry {
                account: "123456789012".into(),
                region: "us-east-1".into(),
                query: LookupQuery::Vpc(VpcQuery::default().name("shared")),
                used_by: vec!["prod/cluster/Vpc".into()],
                answer: LookupAnswer::Vpc(answer),
            }],
            ..ContextFile::default()
        }
    }

    #[test]
    fn the_file_is_written_whole_and_read_back_and_nothing_is_left_beside_it() {
        let dir = std::env::temp_dir().join(format!("stackwright-context-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stackwright.context.json");
        assert_eq!(read(&path).unwrap(), None, "no file yet is no entries, not an error");
        write(&path, &file()).unwrap();
        let first = std::fs::read(&path).unwrap();
        assert_eq!(read(&path).unwrap(), Some(file()));
        write(&path, &file()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), first, "the same entries, the same bytes");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["stackwright.context.json"], "no temporary file left");
        std::fs::write(&path, "{").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("cannot be used") && err.contains("restore it from version control"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
