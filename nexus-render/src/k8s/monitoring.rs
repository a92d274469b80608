//! Configuration files of the monitoring stack, as typed structs serialized through the one
//! YAML emitter: Prometheus' scrape configuration and Grafana's provisioned data sources.
//!
//! Prometheus scrapes itself and every workload that declares `metrics`. Each workload is
//! found through DNS (`dns_sd_configs`, type A) on its headless Service, which has one
//! record per ready pod, so every replica (both slots of a blue-green workload) is scraped;
//! no Kubernetes API access, and so no service-account token, is needed.

use std::collections::BTreeMap;

use nexus_spec::ir;
use serde::Serialize;

use super::meta::Ctx;
use super::workload::MountedConfig;
use crate::error::RenderError;
use crate::yaml::to_yaml;

/// Where Prometheus reads `prometheus.yml` (its `--config.file` points here).
pub const PROMETHEUS_CONFIG_DIR: &str = "/etc/prometheus";
/// Where Grafana reads provisioned data sources.
pub const GRAFANA_DATASOURCES_DIR: &str = "/etc/grafana/provisioning/datasources";

#[derive(Serialize)]
struct PrometheusConfig {
    global: Global,
    scrape_configs: Vec<ScrapeConfig>,
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
    ctx: &Ctx<'_>,
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
    let config = PrometheusConfig {
        global: Global {
            scrape_interval: interval.clone(),
            evaluation_interval: interval,
        },
        scrape_configs,
    };
    Ok(MountedConfig {
        name: format!("{}-config", prometheus.name.value),
        data: BTreeMap::from([(
            "prometheus.yml".to_owned(),
            to_yaml(&config, "Prometheus configuration")?,
        )]),
        mount_path: PROMETHEUS_CONFIG_DIR,
    })
}

/// Grafana's data sources (Prometheus and Jaeger, when the platform runs them): the
/// ConfigMap `grafana-datasources` with `datasources.yaml`.
pub(crate) fn grafana(
    ctx: &Ctx<'_>,
    grafana: &ir::Workload,
) -> Result<Option<MountedConfig>, RenderError> {
    let Some(file) = crate::grafana::datasources(ctx.platform, &|name| ctx.host(name))? else {
        return Ok(None);
    };
    Ok(Some(MountedConfig {
        name: format!("{}-datasources", grafana.name.value),
        data: BTreeMap::from([("datasources.yaml".to_owned(), file)]),
        mount_path: GRAFANA_DATASOURCES_DIR,
    }))
}
