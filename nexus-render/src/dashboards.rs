//! Grafana dashboards, generated from the spec and provisioned from files, shared by every
//! target: a platform overview (what is up, alerts firing by severity, and each application
//! service's requests, errors and latency), and one dashboard per engine kind the platform
//! runs whose metrics Prometheus scrapes (from the engine itself or its exporter). Neo4j
//! Community serves no Prometheus metrics, so it has none.
//!
//! Every panel reads the data source `prometheus` (the provisioned one, see
//! [`crate::grafana`]), and every query names the scrape jobs nexus renders, so a dashboard
//! cannot point at a job that does not exist.

use std::collections::BTreeMap;

use serde::Serialize;

use nexus_spec::ir::{self, WorkloadKind};
use nexus_spec::model::Engine;

use crate::error::RenderError;

/// Where the dashboard files are read from in the Grafana container.
pub(crate) const DASHBOARDS_DIR: &str = "/etc/grafana/dashboards";
/// Where Grafana reads dashboard providers.
pub(crate) const PROVIDERS_DIR: &str = "/etc/grafana/provisioning/dashboards";
/// The provider file's name.
pub(crate) const PROVIDER_FILE: &str = "nexus.yaml";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Providers {
    api_version: u32,
    providers: Vec<Provider>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provider {
    name: &'static str,
    folder: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    disable_deletion: bool,
    allow_ui_updates: bool,
    options: ProviderOptions,
}

#[derive(Serialize)]
struct ProviderOptions {
    path: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dashboard {
    uid: String,
    title: String,
    tags: Vec<&'static str>,
    schema_version: u32,
    editable: bool,
    refresh: &'static str,
    time: TimeRange,
    panels: Vec<Panel>,
}

#[derive(Serialize)]
struct TimeRange {
    from: &'static str,
    to: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Panel {
    id: u32,
    title: String,
    #[serde(rename = "type")]
    kind: &'static str,
    grid_pos: GridPos,
    datasource: DataSource,
    field_config: FieldConfig,
    targets: Vec<Target>,
}

#[derive(Serialize)]
struct GridPos {
    h: u32,
    w: u32,
    x: u32,
    y: u32,
}

#[derive(Serialize, Clone)]
struct DataSource {
    #[serde(rename = "type")]
    kind: &'static str,
    uid: &'static str,
}

#[derive(Serialize)]
struct FieldConfig {
    defaults: FieldDefaults,
}

#[derive(Serialize)]
struct FieldDefaults {
    unit: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    expr: String,
    legend_format: String,
    ref_id: &'static str,
    datasource: DataSource,
}

const PROMETHEUS: DataSource = DataSource {
    kind: "prometheus",
    uid: "prometheus",
};

/// One panel to draw: title, query, legend, unit.
type Query = (String, String, &'static str, &'static str);

/// The queries of an engine's dashboard; `jobs` selects its scrape jobs.
fn engine_queries(engine: Engine, jobs: &str) -> Vec<Query> {
    let q = |title: &str, expr: String, legend: &'static str, unit: &'static str| {
        (title.to_owned(), expr, legend, unit)
    };
    match engine {
        Engine::Postgres => vec![
            q("Up", format!("pg_up{{{jobs}}}"), "{{job}}", "none"),
            q(
                "Connections",
                format!("sum by (job, datname) (pg_stat_database_numbackends{{{jobs}}})"),
                "{{datname}}",
                "short",
            ),
            q(
                "Commits per second",
                format!("sum by (job, datname) (rate(pg_stat_database_xact_commit{{{jobs}}}[5m]))"),
                "{{datname}}",
                "ops",
            ),
            q(
                "Database size",
                format!("sum by (job, datname) (pg_database_size_bytes{{{jobs}}})"),
                "{{datname}}",
                "bytes",
            ),
        ],
        Engine::Redis => vec![
            q("Up", format!("redis_up{{{jobs}}}"), "{{job}}", "none"),
            q(
                "Memory used",
                format!("redis_memory_used_bytes{{{jobs}}}"),
                "{{job}}",
                "bytes",
            ),
            q(
                "Connected clients",
                format!("redis_connected_clients{{{jobs}}}"),
                "{{job}}",
                "short",
            ),
            q(
                "Commands per second",
                format!("rate(redis_commands_processed_total{{{jobs}}}[5m])"),
                "{{job}}",
                "ops",
            ),
        ],
        Engine::Elasticsearch => vec![
            q(
                "Cluster reachable",
                format!("elasticsearch_cluster_health_up{{{jobs}}}"),
                "{{job}}",
                "none",
            ),
            q(
                "Cluster status",
                format!("elasticsearch_cluster_health_status{{{jobs}}} == 1"),
                "{{color}}",
                "none",
            ),
            q(
                "Documents",
                format!("sum by (job) (elasticsearch_indices_docs{{{jobs}}})"),
                "{{job}}",
                "short",
            ),
            q(
                "Data disk free",
                format!("min by (job) (elasticsearch_filesystem_data_available_bytes{{{jobs}}})"),
                "{{job}}",
                "bytes",
            ),
        ],
        Engine::Rabbitmq => vec![
            q(
                "Ready messages",
                format!("sum by (job) (rabbitmq_queue_messages_ready{{{jobs}}})"),
                "{{job}}",
                "short",
            ),
            q(
                "Unacknowledged messages",
                format!("sum by (job) (rabbitmq_queue_messages_unacked{{{jobs}}})"),
                "{{job}}",
                "short",
            ),
            q(
                "Messages received per second",
                format!(
                    "sum by (job) (rate(rabbitmq_global_messages_received_total{{{jobs}}}[5m]))"
                ),
                "{{job}}",
                "ops",
            ),
            q(
                "Connections",
                format!("sum by (job) (rabbitmq_connections{{{jobs}}})"),
                "{{job}}",
                "short",
            ),
        ],
        Engine::Minio => vec![
            q(
                "Usable free",
                format!("min by (job) (minio_cluster_capacity_usable_free_bytes{{{jobs}}})"),
                "{{job}}",
                "bytes",
            ),
            q(
                "S3 requests per second",
                format!("sum by (job, api) (rate(minio_s3_requests_total{{{jobs}}}[5m]))"),
                "{{api}}",
                "reqps",
            ),
            q(
                "S3 errors per second",
                format!("sum by (job) (rate(minio_s3_requests_errors_total{{{jobs}}}[5m]))"),
                "{{job}}",
                "reqps",
            ),
        ],
        Engine::Neo4j => Vec::new(),
    }
}

fn overview_queries(p: &ir::Platform) -> Vec<Query> {
    let mut out: Vec<Query> = vec![
        (
            "Targets up".into(),
            "sum by (job) (up)".into(),
            "{{job}}",
            "short",
        ),
        (
            "Alerts firing by severity".into(),
            "count by (severity) (ALERTS{alertstate=\"firing\"})".into(),
            "{{severity}}",
            "short",
        ),
    ];
    for w in p
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::Service && w.metrics.is_some())
    {
        let job = format!("job=\"{}\"", w.name.value);
        let name = &w.name.value;
        out.push((
            format!("{name}: requests per second"),
            format!("sum by (code) (rate(http_requests_total{{{job}}}[5m]))"),
            "{{code}}",
            "reqps",
        ));
        out.push((format!("{name}: 5xx share"), format!("sum(rate(http_requests_total{{{job},code=~\"5..\"}}[5m])) / sum(rate(http_requests_total{{{job}}}[5m]))"), "5xx", "percentunit"));
        out.push((format!("{name}: p95 latency"), format!("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{job}}}[5m])))"), "p95", "s"));
    }
    out
}

fn dashboard(uid: String, title: String, queries: Vec<Query>) -> Dashboard {
    let panels = queries
        .into_iter()
        .zip(1u32..)
        .map(|((title, expr, legend, unit), id)| Panel {
            id,
            title,
            kind: "timeseries",
            grid_pos: GridPos {
                h: 8,
                w: 12,
                x: ((id - 1) % 2) * 12,
                y: ((id - 1) / 2) * 8,
            },
            datasource: PROMETHEUS,
            field_config: FieldConfig {
                defaults: FieldDefaults { unit },
            },
            targets: vec![Target {
                expr,
                legend_format: legend.to_owned(),
                ref_id: "A",
                datasource: PROMETHEUS,
            }],
        })
        .collect();
    Dashboard {
        uid,
        title,
        tags: vec!["nexus"],
        schema_version: 39,
        editable: false,
        refresh: "30s",
        time: TimeRange {
            from: "now-6h",
            to: "now",
        },
        panels,
    }
}

impl Dashboard {
    /// Bytes enough for the dashboard's JSON, generously: a panel is about 600 bytes
    /// besides its texts.
    fn size_estimate(&self) -> usize {
        let texts: usize = self
            .panels
            .iter()
            .map(|p| {
                p.title.len()
                    + p.targets
                        .iter()
                        .map(|t| t.expr.len() + t.legend_format.len())
                        .sum::<usize>()
            })
            .sum();
        4096 + 1024 * self.panels.len() + 2 * texts
    }
}

/// The scrape jobs of each engine kind: the engine's own job, or its exporter's.
fn engine_jobs(p: &ir::Platform) -> BTreeMap<&'static str, (Engine, Vec<String>)> {
    let mut out: BTreeMap<&'static str, (Engine, Vec<String>)> = BTreeMap::new();
    for w in &p.workloads {
        let engine = match w.kind {
            WorkloadKind::Backing(e) if w.metrics.is_some() => e,
            WorkloadKind::Exporter(e) => e,
            _ => continue,
        };
        out.entry(engine.as_str())
            .or_insert_with(|| (engine, Vec::new()))
            .1
            .push(w.name.value.clone());
    }
    out
}

/// The dashboard files, by file name (`platform.json`, `postgres.json`, ...), when the
/// platform runs Prometheus. Made once when both targets render the environment inside
/// [`crate::shared::scope`].
pub(crate) fn dashboards(p: &ir::Platform) -> Result<BTreeMap<String, String>, RenderError> {
    match crate::shared::derived(p) {
        Some(d) => d.dashboards.take(|| render(p)).map(crate::shared::owned),
        None => render(p),
    }
}

/// [`dashboards`], rendered.
fn render(p: &ir::Platform) -> Result<BTreeMap<String, String>, RenderError> {
    let mut out = BTreeMap::new();
    if !p
        .workloads
        .iter()
        .any(|w| w.kind == WorkloadKind::Prometheus)
    {
        return Ok(out);
    }
    let mut all = vec![(
        "platform".to_owned(),
        dashboard(
            format!("{}-overview", p.name.value),
            format!("{} overview", p.name.value),
            overview_queries(p),
        ),
    )];
    for (kind, (engine, jobs)) in engine_jobs(p) {
        let selector = format!("job=~\"{}\"", jobs.join("|"));
        let queries = engine_queries(engine, &selector);
        if queries.is_empty() {
            continue;
        }
        all.push((
            kind.to_owned(),
            dashboard(
                format!("{}-{kind}", p.name.value),
                format!("{} {kind}", p.name.value),
                queries,
            ),
        ));
    }
    for (name, d) in all {
        // Sized up front (see `crate::yaml::to_yaml_sized`): the overview of 5,000
        // services is 10 MB of JSON.
        let mut text = Vec::with_capacity(crate::yaml::room(d.size_estimate()));
        serde_json::to_writer_pretty(&mut text, &d)
            .map_err(|e| RenderError::Unrenderable(format!("dashboard {name}: {e}")))?;
        text.push(b'\n');
        let text = String::from_utf8(text)
            .map_err(|e| RenderError::Unrenderable(format!("dashboard {name}: {e}")))?;
        out.insert(format!("{name}.json"), text);
    }
    Ok(out)
}

/// The provider file: Grafana loads every dashboard in [`DASHBOARDS_DIR`], read-only.
pub(crate) fn provider() -> Result<String, RenderError> {
    crate::yaml::to_yaml(
        &Providers {
            api_version: 1,
            providers: vec![Provider {
                name: "nexus",
                folder: "nexus",
                kind: "file",
                disable_deletion: true,
                allow_ui_updates: false,
                options: ProviderOptions {
                    path: DASHBOARDS_DIR,
                },
            }],
        },
        "Grafana dashboard provider",
    )
}
