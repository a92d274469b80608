//! `prometheus/prometheus.yml` for Compose: one scrape job per workload with a metrics
//! endpoint. Targets are found through Docker's DNS (`dns_sd_configs` of type `A`), so every
//! replica of a scaled service is scraped, not one at random.

use serde::Serialize;

use nexus_spec::ir;

use crate::error::RenderError;

/// Where the file is, relative to the Compose folder.
pub(super) const PATH: &str = "prometheus/prometheus.yml";
/// Where Prometheus reads it (matches the `--config.file` argument the IR gives Prometheus).
pub(super) const TARGET: &str = "/etc/prometheus/prometheus.yml";

/// Where the rule file is, relative to the Compose folder (beside `prometheus.yml`).
pub(super) const RULES_PATH: &str = "prometheus/rules.yml";
/// Where Prometheus reads it.
pub(super) const RULES_TARGET: &str = "/etc/prometheus/rules.yml";

#[derive(Serialize)]
struct Config {
    global: Global,
    #[serde(skip_serializing_if = "Option::is_none")]
    alerting: Option<Alerting>,
    rule_files: Vec<&'static str>,
    scrape_configs: Vec<Job>,
}

#[derive(Serialize)]
struct Alerting {
    alertmanagers: Vec<Targets>,
}

#[derive(Serialize)]
struct Targets {
    static_configs: Vec<Static>,
}

#[derive(Serialize)]
struct Global {
    scrape_interval: String,
    evaluation_interval: String,
}

#[derive(Serialize)]
struct Job {
    job_name: String,
    metrics_path: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    static_configs: Vec<Static>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dns_sd_configs: Vec<DnsSd>,
}

#[derive(Serialize)]
struct Static {
    targets: Vec<String>,
}

#[derive(Serialize)]
struct DnsSd {
    names: Vec<String>,
    #[serde(rename = "type")]
    kind: String,
    port: u16,
}

/// The configuration file of `prometheus`.
pub(super) fn render(p: &ir::Platform, prometheus: &ir::Workload) -> Result<String, RenderError> {
    let self_port = prometheus.main_port().map_or(9090, |port| port.port.value);
    let mut jobs = vec![Job {
        job_name: prometheus.name.value.clone(),
        metrics_path: "/metrics".into(),
        static_configs: vec![Static {
            targets: vec![format!("127.0.0.1:{self_port}")],
        }],
        dns_sd_configs: Vec::new(),
    }];
    for w in &p.workloads {
        let Some(m) = &w.metrics else { continue };
        if w.name.value == prometheus.name.value {
            continue;
        }
        jobs.push(Job {
            job_name: w.name.value.clone(),
            metrics_path: m.path.clone(),
            static_configs: Vec::new(),
            dns_sd_configs: vec![DnsSd {
                names: vec![w.name.value.clone()],
                kind: "A".into(),
                port: m.port,
            }],
        });
    }
    let interval = format!("{}s", p.scrape_interval_seconds);
    let alertmanager = p
        .alerting
        .as_ref()
        .and_then(|a| p.workload(&a.workload))
        .and_then(|w| Some(format!("{}:{}", w.name.value, w.main_port()?.port.value)));
    let config = Config {
        global: Global {
            scrape_interval: interval.clone(),
            evaluation_interval: interval,
        },
        alerting: alertmanager.map(|target| Alerting {
            alertmanagers: vec![Targets {
                static_configs: vec![Static {
                    targets: vec![target],
                }],
            }],
        }),
        rule_files: vec![crate::alerts::RULES_FILE],
        scrape_configs: jobs,
    };
    crate::yaml::to_yaml(&config, "prometheus.yml")
}

/// The rule file: what the Kubernetes target derives, without the rules that read cluster
/// metrics (Compose renders no CronJobs and no cert-manager certificates).
pub(super) fn rules(p: &ir::Platform) -> Result<String, RenderError> {
    crate::alerts::rules::render(p, None)
}
