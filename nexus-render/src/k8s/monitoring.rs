//! Configuration files of the monitoring stack, as typed structs serialized through the one
//! YAML emitter: Prometheus' scrape configuration and rule file (see [`crate::alerts`]),
//! Alertmanager's configuration and Grafana's provisioned data sources.
//!
//! Prometheus also scrapes the cluster's add-ons whose metrics the derived rules read (see
//! [`ADDONS`]): kube-state-metrics (backup CronJobs and Jobs) and, when the gateway has a
//! cert-manager issuer, cert-manager (certificate expiry).
//!
//! Prometheus scrapes itself and every workload that declares `metrics`. Each workload is
//! found through DNS (`dns_sd_configs`, type A) on its headless Service, which has one
//! record per ready pod, so every replica (both slots of a blue-green workload) is scraped;
//! no Kubernetes API access, and so no service-account token, is needed.

use std::collections::BTreeMap;

use nexus_spec::ir;
use serde::Serialize;

use super::meta::Naming;
use super::workload::MountedConfig;
use crate::error::RenderError;
use crate::yaml::to_yaml;

/// Where Prometheus reads `prometheus.yml` (its `--config.file` points here).
pub(super) const PROMETHEUS_CONFIG_DIR: &str = "/etc/prometheus";
/// Where Grafana reads provisioned data sources.
pub(super) const GRAFANA_DATASOURCES_DIR: &str = "/etc/grafana/provisioning/datasources";

/// Where Alertmanager reads `alertmanager.yml`.
pub(super) const ALERTMANAGER_CONFIG_DIR: &str = "/etc/alertmanager";

/// A cluster add-on Prometheus scrapes: its Service's name and namespace, and its metrics
/// port (the upstream Helm charts' and manifests' defaults).
pub(crate) struct Addon {
    /// Service name (also the pods' `app.kubernetes.io/name`).
    pub name: &'static str,
    /// Namespace.
    pub namespace: &'static str,
    /// Metrics port.
    pub port: u16,
}

/// kube-state-metrics: `kube_cronjob_status_last_successful_time`, `kube_job_status_failed`.
pub(crate) const KUBE_STATE_METRICS: Addon = Addon {
    name: "kube-state-metrics",
    namespace: "kube-system",
    port: 8080,
};
/// cert-manager: `certmanager_certificate_expiration_timestamp_seconds`.
pub(crate) const CERT_MANAGER: Addon = Addon {
    name: "cert-manager",
    namespace: "cert-manager",
    port: 9402,
};

/// The add-ons Prometheus scrapes for `p`: kube-state-metrics when a backup is rendered,
/// cert-manager when the gateway's certificate comes from an issuer.
pub(crate) fn addons(p: &ir::Platform) -> Vec<&'static Addon> {
    let mut out = Vec::new();
    if p.workloads.iter().any(|w| super::backup::rendered(p, w)) {
        out.push(&KUBE_STATE_METRICS);
    }
    if !certificates(p).is_empty() {
        out.push(&CERT_MANAGER);
    }
    out
}

/// The cert-manager Certificates of the gateway (named after their Secret).
fn certificates(p: &ir::Platform) -> Vec<String> {
    p.gateway
        .iter()
        .filter_map(|g| g.tls.as_ref())
        .filter(|t| t.issuer.is_some())
        .map(|t| t.secret_name.clone())
        .collect()
}

/// The rule file of the Kubernetes target.
fn rules(ctx: &Naming<'_>) -> Result<String, RenderError> {
    let p = ctx.platform;
    let cluster = crate::alerts::rules::Cluster {
        namespace: &p.namespace.value,
        backed_up: p
            .workloads
            .iter()
            .filter(|w| super::backup::rendered(p, w))
            .collect(),
        certificates: certificates(p),
    };
    crate::alerts::rules::render(p, Some(&cluster))
}

#[derive(Serialize)]
struct PrometheusConfig {
    global: Global,
    #[serde(skip_serializing_if = "Option::is_none")]
    alerting: Option<Alerting>,
    rule_files: Vec<&'static str>,
    scrape_configs: Vec<ScrapeConfig>,
}

#[derive(Serialize)]
struct Alerting {
    alertmanagers: Vec<AlertmanagerTargets>,
}

#[derive(Serialize)]
struct AlertmanagerTargets {
    static_configs: Vec<StaticConfig>,
}

#[derive(Serialize)]
struct Global {
    scrape_interval: String,
    evaluation_interval: String,
}

#[derive(Serialize)]
struct ScrapeConfig {
    job_name: String,
    metrics_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    static_configs: Option<Vec<StaticConfig>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_sd_configs: Option<Vec<DnsSdConfig>>,
}

#[derive(Serialize)]
struct StaticConfig {
    targets: Vec<String>,
}

#[derive(Serialize)]
struct DnsSdConfig {
    names: Vec<String>,
    #[serde(rename = "type")]
    record_type: &'static str,
    port: u16,
}

/// Prometheus' configuration: the ConfigMap `prometheus-config` with `prometheus.yml`.
pub(crate) fn prometheus(
    ctx: &Naming<'_>,
    prometheus: &ir::Workload,
) -> Result<MountedConfig, RenderError> {
    let p = ctx.platform;
    let interval = format!("{}s", p.scrape_interval_seconds);
    let self_port = prometheus.main_port().map_or(9090, |port| port.port.value);
    let mut scrape_configs = vec![ScrapeConfig {
        job_name: prometheus.name.value.clone(),
        metrics_path: "/metrics".into(),
        static_configs: Some(vec![StaticConfig {
            targets: vec![format!("localhost:{self_port}")],
        }]),
        dns_sd_configs: None,
    }];
    for w in &p.workloads {
        let Some(m) = &w.metrics else { continue };
        scrape_configs.push(ScrapeConfig {
            job_name: w.name.value.clone(),
            metrics_path: m.path.clone(),
            static_configs: None,
            dns_sd_configs: Some(vec![DnsSdConfig {
                names: vec![ctx.host(&format!("{}-headless", w.name.value))],
                record_type: "A",
                port: m.port,
            }]),
        });
    }
    for a in addons(p) {
        scrape_configs.push(ScrapeConfig {
            job_name: a.name.to_owned(),
            metrics_path: "/metrics".into(),
            static_configs: None,
            dns_sd_configs: Some(vec![DnsSdConfig {
                names: vec![format!(
                    "{}.{}.svc.{}",
                    a.name,
                    a.namespace,
                    super::meta::CLUSTER_DOMAIN
                )],
                record_type: "A",
                port: a.port,
            }]),
        });
    }
    let alerting = alertmanager_target(p, &|name| ctx.host(name));
    let config = PrometheusConfig {
        global: Global {
            scrape_interval: interval.clone(),
            evaluation_interval: interval,
        },
        alerting: alerting.map(|target| Alerting {
            alertmanagers: vec![AlertmanagerTargets {
                static_configs: vec![StaticConfig {
                    targets: vec![target],
                }],
            }],
        }),
        rule_files: vec![crate::alerts::RULES_FILE],
        scrape_configs,
    };
    Ok(MountedConfig {
        name: format!("{}-config", prometheus.name.value),
        data: BTreeMap::from([
            (
                "prometheus.yml".to_owned(),
                to_yaml(&config, "Prometheus configuration")?,
            ),
            (crate::alerts::RULES_FILE.to_owned(), rules(ctx)?),
        ]),
        mount_path: PROMETHEUS_CONFIG_DIR,
    })
}

/// `host:port` of the platform's Alertmanager, when it has one.
pub(crate) fn alertmanager_target(
    p: &ir::Platform,
    host: &dyn Fn(&str) -> String,
) -> Option<String> {
    let a = p.alerting.as_ref()?;
    let w = p.workload(&a.workload)?;
    let port = w.main_port()?.port.value;
    Some(format!("{}:{port}", host(&w.name.value)))
}

/// Alertmanager's configuration: the ConfigMap `alertmanager-config` with `alertmanager.yml`.
pub(crate) fn alertmanager(
    ctx: &Naming<'_>,
    alertmanager: &ir::Workload,
) -> Result<Option<MountedConfig>, RenderError> {
    let Some(a) = &ctx.platform.alerting else {
        return Ok(None);
    };
    Ok(Some(MountedConfig {
        name: format!("{}-config", alertmanager.name.value),
        data: BTreeMap::from([(
            crate::alerts::ALERTMANAGER_FILE.to_owned(),
            crate::alerts::alertmanager::render(a)?,
        )]),
        mount_path: ALERTMANAGER_CONFIG_DIR,
    }))
}

/// Grafana's provisioned files: its data sources (Prometheus and Jaeger, when the platform
/// runs them; the ConfigMap `grafana-datasources`), and, with Prometheus, the dashboard
/// provider (`grafana-dashboard-provider`) and the dashboards (`grafana-dashboards`).
pub(crate) fn grafana(
    ctx: &Naming<'_>,
    grafana: &ir::Workload,
) -> Result<Vec<MountedConfig>, RenderError> {
    let mut out = Vec::new();
    if let Some(file) = crate::grafana::datasources(ctx.platform, &|name| ctx.host(name))? {
        out.push(MountedConfig {
            name: format!("{}-datasources", grafana.name.value),
            data: BTreeMap::from([("datasources.yaml".to_owned(), file)]),
            mount_path: GRAFANA_DATASOURCES_DIR,
        });
    }
    let dashboards = crate::dashboards::dashboards(ctx.platform)?;
    if !dashboards.is_empty() {
        out.push(MountedConfig {
            name: format!("{}-dashboard-provider", grafana.name.value),
            data: BTreeMap::from([(
                crate::dashboards::PROVIDER_FILE.to_owned(),
                crate::dashboards::provider()?,
            )]),
            mount_path: crate::dashboards::PROVIDERS_DIR,
        });
        out.push(MountedConfig {
            name: format!("{}-dashboards", grafana.name.value),
            data: dashboards,
            mount_path: crate::dashboards::DASHBOARDS_DIR,
        });
    }
    Ok(out)
}
