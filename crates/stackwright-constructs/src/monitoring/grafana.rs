//! Grafana with its Prometheus data source and dashboards provisioned from ConfigMaps, and the
//! admin credentials in a Secret whose password is never in the output.
//!
//! # The admin password
//! The Secret `grafana-admin` holds the password as a late-bound placeholder,
//! `((stackwright:env:GRAFANA_ADMIN_PASSWORD))`: the runtime fills it from the deploying
//! process's environment when it applies the Secret, so the assembly (and the repository, and
//! CI logs of `synth`) never contain it. Grafana reads it from a mounted file
//! (`GF_SECURITY_ADMIN_PASSWORD__FILE`), never from an environment variable. Its database lives
//! in the pod (dashboards and the data source are provisioned, so nothing is lost), so each new
//! pod starts with the password of the Secret.
//!
//! Rotation: set a new value where CI keeps the variable (a GitHub Actions secret, or
//! `aws secretsmanager get-secret-value` in the job), run `deploy`, then
//! `kubectl -n monitoring rollout restart deployment/grafana`.

use std::collections::BTreeMap;

use serde_json::json;
use stackwright_core::k8s_openapi::api::core::v1::{ConfigMap, Secret, SecretVolumeSource, Volume};

use super::workload::{Pod, config_map_volume, empty_dir};
use super::{Ctx, GrafanaProps, NAMESPACE, dashboards, encode};
use crate::internal::config_hash;
use crate::workload::meta::string_map;
use crate::workload::resources::{ComputeResources, Cpu, Memory};

pub(crate) const PORT: i32 = 3000;
const DASHBOARDS_DIR: &str = "/var/lib/grafana-dashboards";

/// Grafana's objects; `scrape_interval_seconds` is Prometheus' (the data source's step).
pub(crate) fn add(cx: &Ctx<'_>, props: &GrafanaProps, scrape_interval_seconds: u32) -> stackwright_core::Result<()> {
    let labels = string_map([("app.kubernetes.io/name", "grafana"), ("app.kubernetes.io/instance", "grafana")]);
    let image = &cx.props.images.grafana;
    let mut pod = Pod::new("grafana", NAMESPACE, labels, image.render(cx.kube)?, image.pull_policy());

    let provisioning = provisioning(scrape_interval_seconds)?;
    let mut boards =
        string_map([("cluster.json", encode::pretty_json("the cluster's Grafana dashboard", &dashboards::cluster())?)]);
    for t in &cx.props.targets {
        let what = format!("the Grafana dashboard of {}/{}", t.namespace, t.name);
        boards.insert(format!("{}-{}.json", t.namespace, t.name), encode::pretty_json(&what, &dashboards::app(t))?);
    }
    for d in &cx.props.dashboards {
        let what = format!("the Grafana dashboard '{}'", d.uid);
        boards.insert(d.file_name(), encode::pretty_json(&what, &d.render())?);
    }

    pod.env = environment();
    pod.ports = vec![("http".into(), PORT)];
    pod.liveness = ("/api/health".into(), "http".into());
    pod.readiness = ("/api/health".into(), "http".into());
    pod.resources = ComputeResources::new(Cpu::millicores(100), Memory::mebibytes(256))
        .limits(Cpu::millicores(500), Memory::mebibytes(512));
    let mut hashed = provisioning.clone();
    hashed.extend(boards.clone());
    pod.annotations.insert(config_hash::ANNOTATION.into(), config_hash::of_map(&hashed));
    mount_volumes(&mut pod);

    cx.add(&pod.service_account())?;
    cx.add(&Secret {
        metadata: pod.meta("grafana-admin"),
        type_: Some("Opaque".into()),
        string_data: Some(string_map([
            ("admin-user", "admin".to_string()),
            ("admin-password", cx.kube.from_environment(&props.admin_password_env)?),
        ])),
        ..Default::default()
    })?;
    cx.add(&ConfigMap { metadata: pod.meta("grafana-provisioning"), data: Some(provisioning), ..Default::default() })?;
    cx.add(&ConfigMap { metadata: pod.meta("grafana-dashboards"), data: Some(boards), ..Default::default() })?;
    cx.add(&pod.deployment(false))?;
    cx.add(&pod.service())
}

/// The provisioning files: Prometheus as the data source, and the dashboards directory.
fn provisioning(scrape_interval_seconds: u32) -> stackwright_core::Result<BTreeMap<String, String>> {
    let datasources = json!({
        "apiVersion": 1,
        "datasources": [{
            "name": "Prometheus",
            "uid": dashboards::DATASOURCE_UID,
            "type": "prometheus",
            "access": "proxy",
            "url": format!("http://prometheus.{NAMESPACE}.svc:{}", super::prometheus::PORT),
            "isDefault": true,
            "editable": false,
            "jsonData": { "timeInterval": format!("{scrape_interval_seconds}s") },
        }],
    });
    let providers = json!({
        "apiVersion": 1,
        "providers": [{
            "name": "stackwright",
            "type": "file",
            "disableDeletion": true,
            "allowUiUpdates": false,
            "options": { "path": DASHBOARDS_DIR },
        }],
    });
    Ok(string_map([
        ("datasources.yaml", encode::yaml("Grafana's data sources", &datasources)?),
        ("dashboards.yaml", encode::yaml("Grafana's dashboard providers", &providers)?),
    ]))
}

/// Grafana's settings: credentials from the Secret, everything written on the data volume,
/// no anonymous access, sign-up, telemetry or plugin downloads.
fn environment() -> Vec<(String, String)> {
    [
        ("GF_SECURITY_ADMIN_USER__FILE", "/etc/grafana/admin/admin-user"),
        ("GF_SECURITY_ADMIN_PASSWORD__FILE", "/etc/grafana/admin/admin-password"),
        ("GF_PATHS_DATA", "/var/lib/grafana"),
        ("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning"),
        // Everything Grafana writes stays on its data volume (the root filesystem is read-only).
        ("GF_PATHS_LOGS", "/var/lib/grafana/logs"),
        ("GF_PATHS_PLUGINS", "/var/lib/grafana/plugins"),
        ("GF_LOG_MODE", "console"),
        ("GF_AUTH_ANONYMOUS_ENABLED", "false"),
        ("GF_USERS_ALLOW_SIGN_UP", "false"),
        ("GF_SECURITY_DISABLE_GRAVATAR", "true"),
        ("GF_SECURITY_COOKIE_SAMESITE", "strict"),
        ("GF_ANALYTICS_REPORTING_ENABLED", "false"),
        ("GF_ANALYTICS_CHECK_FOR_UPDATES", "false"),
        ("GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", "false"),
        ("GF_NEWS_NEWS_FEED_ENABLED", "false"),
        // No plugin downloads at start: the pod has no route to the internet.
        ("GF_PLUGINS_PREINSTALL_DISABLED", "true"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .to_vec()
}

/// The admin Secret, the dashboards, the data and `/tmp` scratch space, and the two
/// provisioning directories.
fn mount_volumes(pod: &mut Pod) {
    pod.mount(
        Volume {
            name: "admin".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some("grafana-admin".into()),
                default_mode: Some(0o440),
                ..Default::default()
            }),
            ..Default::default()
        },
        "/etc/grafana/admin",
        true,
    );
    pod.mount(config_map_volume("dashboards", "grafana-dashboards"), DASHBOARDS_DIR, true);
    pod.mount(empty_dir("data", "1Gi", false), "/var/lib/grafana", false);
    pod.mount(empty_dir("tmp", "64Mi", true), "/tmp", false);
    // Grafana expects datasources/ and dashboards/ under its provisioning path: two mounts of
    // the one ConfigMap, each with its own file.
    let provisioning_dir = |dir: &str, key: &str| {
        let mut v = config_map_volume(&format!("provisioning-{dir}"), "grafana-provisioning");
        if let Some(cm) = v.config_map.as_mut() {
            cm.items = Some(vec![stackwright_core::k8s_openapi::api::core::v1::KeyToPath {
                key: key.into(),
                path: key.into(),
                mode: None,
            }]);
        }
        v
    };
    pod.mount(provisioning_dir("datasources", "datasources.yaml"), "/etc/grafana/provisioning/datasources", true);
    pod.mount(provisioning_dir("dashboards", "dashboards.yaml"), "/etc/grafana/provisioning/dashboards", true);
}
