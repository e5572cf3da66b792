//! The README's program with one mistake chosen by `STACKWRIGHT_MISTAKE`, for `tests/mistakes.rs`:
//! what a user sees when a construct rejects its input, a `.parse()?` fails, or synth finds
//! problems. Without the variable it is the README's program and synthesizes.
//!
//! `STACKWRIGHT_MISTAKE=max-azs cargo run --example mistakes` prints the VPC's problem on
//! standard error and exits with status 1.

use stackwright::prelude::*;

fn main() -> std::process::ExitCode {
    stackwright::cli::exit_code(build().and_then(|app| app.run()))
}

/// The README's program; the mistake named by `STACKWRIGHT_MISTAKE` replaces one input.
fn build() -> stackwright::Result<App> {
    let mistake = std::env::var("STACKWRIGHT_MISTAKE").unwrap_or_default();
    let is = |name: &str| mistake == name;
    let pick = |name: &str, wrong: &'static str, right: &'static str| if is(name) { wrong } else { right };

    let app = App::new("flask-platform");
    let account = Account::new(pick("account", "12345678901", "123456789012"))?;
    let region: Region = pick("region", "us-east-7", "us-east-1").parse()?;
    let prod = app.environment("prod", account, region);

    let network = prod.stack(pick("stack-id", "net_work", "network"));
    let vpc = Vpc::new(&network, "Vpc", vpc_props(&mistake)?)?;

    let platform = prod.stack("cluster");
    let cluster = EksCluster::new(&platform, "Cluster", cluster_props(&vpc, &mistake)?)?;
    if !is("no-node-group") && !is("three-at-once") {
        NodeGroup::new(&cluster, "General", general_nodes(&mistake))?;
        NodeGroup::new(&cluster, "Spot", NodeGroupProps::spot(["t3.large", "t3a.large"], 0..=4))?;
    }

    let repo = EcrRepo::new(&prod.stack("registry"), "FlaskApp", repo_props(&mistake))?;
    if is("grant-pull") || is("three-at-once") {
        repo.grant_pull("arn:aws:s3:::not-a-principal");
    }
    let web = FlaskApp::new(&cluster, pick("app-id", "Flask_App", "flask-app"), app_props(&repo, &mistake))?;
    let monitoring = MonitoringProps::default().scrape(&web).billing_alarm_usd(500);
    let monitoring = match mistake.as_str() {
        "retention" => MonitoringProps { retention_days: 0, ..monitoring },
        "alert-email" => monitoring.alert_email("ops-at-example.com"),
        _ => monitoring,
    };
    Monitoring::new(&cluster, "monitoring", monitoring)?;
    if is("three-at-once") {
        // Three constructs, three mistakes that synth reports together: a stack id, a cluster
        // without a node group (above) and a repository grant naming no principal (above).
        prod.stack("bad stack");
    }
    Ok(app)
}

fn vpc_props(mistake: &str) -> stackwright::Result<VpcProps> {
    let cidr = match mistake {
        "cidr-parse" => "10.0.0.0/33",
        "cidr-too-small" => "10.0.0.0/29",
        _ => "10.0.0.0/16",
    };
    let mut props = VpcProps {
        cidr: cidr.parse()?,
        max_azs: if mistake == "max-azs" { 0 } else { 2 },
        nat_gateways: NatGateways::OnePerAz,
        ..Default::default()
    };
    match mistake {
        "subnets-overlap" => {
            props.subnets = vec![
                SubnetConfig::public(24).cidrs(["10.0.0.0/24".parse()?, "10.0.1.0/24".parse()?]),
                SubnetConfig::private(24).cidrs(["10.0.1.0/24".parse()?, "10.0.2.0/24".parse()?]),
            ];
        }
        "availability-zone" => props.availability_zones = vec!["us-east-1a".into(), "us-east-1z".into()],
        "no-private-subnets" => props.subnets = vec![SubnetConfig::public(24)],
        _ => {}
    }
    Ok(props)
}

fn cluster_props<'a>(vpc: &'a Vpc, mistake: &str) -> stackwright::Result<EksClusterProps<'a>> {
    let mut props = EksClusterProps::new(vpc, KubernetesVersion::V1_36);
    match mistake {
        "cluster-name" => props.name = Some("Flask_Cluster".into()),
        "private-access" => props.private_access_cidrs = vec!["0.0.0.0/0".parse()?],
        _ => {}
    }
    Ok(props)
}

fn general_nodes(mistake: &str) -> NodeGroupProps {
    match mistake {
        // A reversed range: clippy would flag `6..=2` itself, so the bounds are set apart.
        "scaling-bounds" => {
            NodeGroupProps { min_size: 6, max_size: 2, ..NodeGroupProps::on_demand(["t3.medium"], 2..=6) }
        }
        "max-size-zero" => NodeGroupProps::on_demand(["t3.medium"], 0..=0),
        "instance-type" => NodeGroupProps::on_demand(["t3medium"], 2..=6),
        "instance-type-typo" => NodeGroupProps::on_demand(["t3.mediun"], 2..=6),
        "instance-type-region" => NodeGroupProps::on_demand(["t3.medium", "hpc7a.12xlarge"], 2..=6),
        "spot-one-type" => NodeGroupProps::spot(["t3.large"], 2..=6),
        "disk-size" => NodeGroupProps { disk_size_gib: 8, ..NodeGroupProps::on_demand(["t3.medium"], 2..=6) },
        _ => NodeGroupProps::on_demand(["t3.medium"], 2..=6),
    }
}

fn repo_props(mistake: &str) -> EcrRepoProps {
    match mistake {
        "repository-name" => EcrRepoProps { repository_name: Some("Flask App".into()), ..Default::default() },
        _ => EcrRepoProps::default(),
    }
}

fn app_props(repo: &EcrRepo, mistake: &str) -> FlaskAppProps {
    let props = FlaskAppProps::new(repo.image_tag_from_env("IMAGE_TAG"));
    match mistake {
        "app-port" => FlaskAppProps { port: 80, ..props },
        "app-replicas" => FlaskAppProps { replicas: 0, ..props },
        "app-workers" => FlaskAppProps { workers: 0, ..props },
        "app-namespace" => props.namespace("kube-system"),
        _ => props,
    }
}
