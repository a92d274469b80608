//! The Prometheus rule file nexus derives from the spec: nothing in it is written per
//! platform. For each workload Prometheus scrapes: down (no target answers) and not ready
//! (one target fails); for each engine watched through an exporter: down (the exporter
//! cannot reach it), and Redis' memory against its limit; for application services with a metrics endpoint: error rate,
//! latency, and memory and CPU saturation against their declared limits; for workloads with
//! storage whose metrics tell how full it is: volume filling against the declared size; for
//! RabbitMQ: a queue growing. On Kubernetes also, from the cluster's kube-state-metrics and
//! cert-manager: a backup job that failed, a last successful backup older than
//! [`backup_age_limit`], and the gateway's certificate near expiry. Then the escalation
//! rules of the routes that declare `escalateAfter`.
//!
//! Metric conventions the application rules assume (the Prometheus client libraries'
//! defaults): `http_requests_total` with a `code` label, the histogram
//! `http_request_duration_seconds`, and the process collector's
//! `process_resident_memory_bytes` and `process_cpu_seconds_total`.

use std::collections::BTreeMap;

use serde::Serialize;

use nexus_spec::ir::{self, WorkloadKind};
use nexus_spec::model::{Engine, Exposure, Severity};

use super::duration;

mod file;
pub(crate) use file::Shared;
pub use file::render;

/// The alert of a workload none of whose targets answers.
pub const DOWN: &str = "WorkloadDown";
/// The alert that raises a still-firing alert to the next severity.
pub const ESCALATED: &str = "AlertEscalated";
/// The alert of a last successful backup older than [`backup_age_limit`].
pub const BACKUP_TOO_OLD: &str = "BackupTooOld";

/// Share of 5xx responses above which a service's error rate alerts.
const ERROR_RATIO: f64 = 0.05;
/// 95th-percentile latency, in seconds, above which a service alerts.
const LATENCY_P95_SECONDS: f64 = 1.0;
/// Share of a declared limit (memory, CPU) or volume size above which a workload alerts.
const SATURATION: f64 = 0.9;
/// Share of a declared volume size above which a volume alerts.
const VOLUME_FULL: f64 = 0.85;
/// Messages ready in a queue above which a growing backlog alerts.
const QUEUE_BACKLOG: u64 = 1_000;
/// Days before expiry a certificate alerts.
const CERTIFICATE_DAYS: u64 = 14;

/// What the Kubernetes target adds: the namespace its cluster-wide metrics (kube-state-metrics,
/// cert-manager) are filtered on, the workloads whose backups it renders, and the Secrets of
/// the gateway's certificates.
pub struct Cluster<'a> {
    /// The platform's namespace.
    pub namespace: &'a str,
    /// Workloads with rendered backup CronJobs.
    pub backed_up: Vec<&'a ir::Workload>,
    /// cert-manager Certificates (named after their Secret).
    pub certificates: Vec<String>,
}

/// One alerting rule.
#[derive(Serialize)]
struct Rule {
    alert: &'static str,
    expr: String,
    #[serde(rename = "for")]
    hold: String,
    labels: BTreeMap<&'static str, String>,
    annotations: BTreeMap<&'static str, String>,
}

fn rule(
    alert: &'static str,
    workload: &str,
    severity: Severity,
    expr: String,
    hold_seconds: u64,
    summary: String,
    runbook: &str,
) -> Rule {
    Rule {
        alert,
        expr,
        hold: duration(hold_seconds),
        labels: BTreeMap::from([
            ("severity", severity.as_str().to_owned()),
            ("workload", workload.to_owned()),
        ]),
        annotations: BTreeMap::from([("summary", summary), ("runbook", runbook.to_owned())]),
    }
}

/// How old the last successful backup of `b` may be before [`BACKUP_TOO_OLD`] fires, in
/// seconds: the longest gap between two runs of its most frequent schedule (the recovery
/// point the schedules give), plus half of it for the run itself to finish.
///
/// When the spec declares a recovery point objective (`backup.rpo`) larger than that, the
/// objective is the limit: the alert fires when the newest backup is older than the
/// recovery point the platform promised. It never fires earlier than the schedule allows,
/// so a schedule that meets the objective (NX-AVL-020 checks it) does not page between
/// two runs. This is the one place the threshold is decided.
pub fn backup_age_limit(b: &ir::Backup) -> u64 {
    let gap_minutes = b
        .incremental
        .iter()
        .chain(std::iter::once(&b.full))
        .map(|c| c.value.max_gap_minutes())
        .min()
        .unwrap_or(u64::MAX);
    let schedule = gap_minutes.saturating_mul(60).saturating_mul(3) / 2;
    b.rpo_seconds
        .as_ref()
        .map_or(schedule, |rpo| schedule.max(rpo.value))
}

/// Whether a missing workload hurts users or data at once.
fn down_severity(w: &ir::Workload) -> Severity {
    match w.kind {
        WorkloadKind::Backing(_) => Severity::Critical,
        WorkloadKind::Service if w.exposure.value == Exposure::Public => Severity::Critical,
        _ => Severity::High,
    }
}

fn availability(w: &ir::Workload, interval: u64) -> Vec<Rule> {
    let name = &w.name.value;
    let job = format!("job=\"{name}\"");
    vec![
        rule(
            DOWN,
            name,
            down_severity(w),
            format!("absent(up{{{job}}} == 1)"),
            (interval * 4).max(120),
            format!("No replica of {name} answers its metrics endpoint."),
            "Check the workload's pods or containers and their events and logs; a failing readiness probe takes every replica out of DNS.",
        ),
        rule(
            "WorkloadNotReady",
            name,
            Severity::High,
            format!("up{{{job}}} == 0"),
            300,
            format!("A replica of {name} ({{{{ $labels.instance }}}}) fails its scrapes."),
            "Look at that replica's logs and readiness; restart it if it is stuck.",
        ),
    ]
}

fn service_health(w: &ir::Workload) -> Vec<Rule> {
    let name = &w.name.value;
    let job = format!("job=\"{name}\"");
    let mut out = vec![
        rule(
            "HighErrorRate",
            name,
            Severity::High,
            format!(
                "sum(rate(http_requests_total{{{job},code=~\"5..\"}}[5m])) / sum(rate(http_requests_total{{{job}}}[5m])) > {ERROR_RATIO}"
            ),
            600,
            format!(
                "More than {}% of {name}'s requests fail with 5xx.",
                ERROR_RATIO * 100.0
            ),
            "Read the service's error logs and traces in Jaeger; roll back the last release if it started with it.",
        ),
        rule(
            "HighLatency",
            name,
            Severity::Medium,
            format!(
                "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{job}}}[5m]))) > {LATENCY_P95_SECONDS}"
            ),
            600,
            format!("{name}'s 95th-percentile latency is above {LATENCY_P95_SECONDS}s."),
            "Find the slow endpoints in Jaeger; check the databases it waits on and its CPU saturation.",
        ),
    ];
    if let Some(limit) = &w.resources.memory_limit {
        out.push(rule(
            "MemorySaturation",
            name,
            Severity::High,
            format!(
                "max(process_resident_memory_bytes{{{job}}}) / {} > {SATURATION}",
                limit.value.ceil_units()
            ),
            900,
            format!("A replica of {name} uses over {}% of its {} memory limit.", SATURATION * 100.0, limit.value.as_str()),
            "The kernel kills the replica at its limit: look for a leak, or raise `resources.limits.memory` in the spec.",
        ));
    }
    if let Some(limit) = &w.resources.cpu_limit {
        out.push(rule(
            "CpuSaturation",
            name,
            Severity::Medium,
            format!(
                "max(rate(process_cpu_seconds_total{{{job}}}[5m])) / {} > {SATURATION}",
                limit.value.milli() as f64 / 1000.0
            ),
            900,
            format!("A replica of {name} uses over {}% of its {} CPU limit.", SATURATION * 100.0, limit.value.as_str()),
            "The replica is throttled: scale out (autoscaling), or raise `resources.limits.cpu` in the spec.",
        ));
    }
    out
}

/// The Prometheus job that carries a workload's metrics: its own, or its exporter's.
fn metrics_job<'a>(p: &'a ir::Platform, w: &'a ir::Workload) -> Option<&'a str> {
    if scraped(w) {
        return Some(&w.name.value);
    }
    p.workloads
        .iter()
        .find(|x| {
            matches!(x.kind, WorkloadKind::Exporter(_))
                && x.depends_on
                    .first()
                    .is_some_and(|d| d.value == w.name.value)
        })
        .map(|x| x.name.value.as_str())
}

/// How many bytes of its volume a workload uses, from its (or its exporter's) metrics, where
/// they tell.
fn used_bytes(w: &ir::Workload, job: &str, size: u128) -> Option<String> {
    let job = format!("job=\"{job}\"");
    match w.kind {
        WorkloadKind::Prometheus => Some(format!(
            "(sum(prometheus_tsdb_storage_blocks_bytes{{{job}}}) + sum(prometheus_tsdb_wal_storage_size_bytes{{{job}}}))"
        )),
        WorkloadKind::Backing(Engine::Rabbitmq) => Some(format!(
            "({size} - min(rabbitmq_disk_space_available_bytes{{{job}}}))"
        )),
        WorkloadKind::Backing(Engine::Postgres) => {
            Some(format!("sum(pg_database_size_bytes{{{job}}})"))
        }
        WorkloadKind::Backing(Engine::Elasticsearch) => Some(format!(
            "({size} - min(elasticsearch_filesystem_data_available_bytes{{{job}}}))"
        )),
        WorkloadKind::Backing(Engine::Minio) => Some(format!(
            "({size} - min(minio_cluster_capacity_usable_free_bytes{{{job}}}))"
        )),
        _ => None,
    }
}

fn volume(p: &ir::Platform, w: &ir::Workload) -> Option<Rule> {
    let storage = w.storage.as_ref()?;
    let size = storage.size.value.ceil_units();
    let used = used_bytes(w, metrics_job(p, w)?, size)?;
    let name = &w.name.value;
    Some(rule(
        "VolumeFilling",
        name,
        Severity::High,
        format!("{used} / {size} > {VOLUME_FULL}"),
        900,
        format!(
            "{name}'s data is over {}% of its {} volume.",
            VOLUME_FULL * 100.0,
            storage.size.value.as_str()
        ),
        "Free space (retention, old data) or raise `storage.size` in the spec and expand the volume before it fills.",
    ))
}

/// The metric by which an exporter says whether it reaches its engine.
fn engine_up(engine: Engine) -> Option<&'static str> {
    match engine {
        Engine::Postgres => Some("pg_up"),
        Engine::Redis => Some("redis_up"),
        Engine::Elasticsearch => Some("elasticsearch_cluster_health_up"),
        _ => None,
    }
}

/// Rules read through an exporter: the engine is down when its exporter cannot reach it;
/// Redis' memory against its limit.
fn through_exporter(p: &ir::Platform, x: &ir::Workload) -> Vec<Rule> {
    let WorkloadKind::Exporter(engine) = x.kind else {
        return Vec::new();
    };
    let Some(w) = x.depends_on.first().and_then(|d| p.workload(&d.value)) else {
        return Vec::new();
    };
    let (name, job) = (&w.name.value, &x.name.value);
    let mut out = Vec::new();
    if let Some(metric) = engine_up(engine) {
        out.push(rule(
            DOWN,
            name,
            Severity::Critical,
            format!("max({metric}{{job=\"{job}\"}}) == 0"),
            120,
            format!("{job} cannot reach {name}."),
            "Check the engine's pod or container, its logs and its volume; the exporter's log says why it cannot connect.",
        ));
    }
    if engine == Engine::Redis
        && let Some(limit) = &w.resources.memory_limit
    {
        out.push(rule(
            "MemorySaturation",
            name,
            Severity::High,
            format!(
                "max(redis_memory_used_bytes{{job=\"{job}\"}}) / {} > {SATURATION}",
                limit.value.ceil_units()
            ),
            900,
            format!("{name} uses over {}% of its {} memory limit.", SATURATION * 100.0, limit.value.as_str()),
            "Redis is killed at its limit: set a maxmemory policy, expire keys, or raise `resources.limits.memory` in the spec.",
        ));
    }
    out
}

fn queue(w: &ir::Workload) -> Option<Rule> {
    if w.kind != WorkloadKind::Backing(Engine::Rabbitmq) {
        return None;
    }
    let name = &w.name.value;
    let ready = format!("sum(rabbitmq_queue_messages_ready{{job=\"{name}\"}})");
    Some(rule(
        "QueueGrowing",
        name,
        Severity::Medium,
        format!(
            "{ready} > {QUEUE_BACKLOG} and sum(deriv(rabbitmq_queue_messages_ready{{job=\"{name}\"}}[15m])) > 0"
        ),
        900,
        format!("{name} holds over {QUEUE_BACKLOG} ready messages and the backlog grows."),
        "Check that the consumers run and keep up; scale them out (queue-depth autoscaling) or find the message they fail on.",
    ))
}

fn backups(c: &Cluster<'_>) -> Vec<Rule> {
    let ns = c.namespace;
    let mut out = Vec::new();
    for w in &c.backed_up {
        let Some(b) = &w.backup else { continue };
        let name = &w.name.value;
        let group = nexus_spec::names::derived(name, nexus_spec::names::BACKUP);
        out.push(rule(
            "BackupFailed",
            name,
            Severity::High,
            format!(
                "max(kube_job_status_failed{{namespace=\"{ns}\",job_name=~\"{group}-(full|incremental)-[0-9]+\"}}) > 0"
            ),
            0,
            format!("A backup job of {name} failed."),
            "Read the failed Job's logs (dump or upload step); run the CronJob by hand once fixed.",
        ));
        out.push(rule(
            BACKUP_TOO_OLD,
            name,
            Severity::Critical,
            format!(
                "time() - max(kube_cronjob_status_last_successful_time{{namespace=\"{ns}\",cronjob=~\"{group}-(full|incremental)\"}}) > {}",
                backup_age_limit(b)
            ),
            0,
            format!(
                "{name}'s last successful backup is older than {}, its recovery point.",
                duration(backup_age_limit(b))
            ),
            "Data written since the last backup would be lost: find why the backup CronJobs do not succeed and run one by hand.",
        ));
    }
    for cert in &c.certificates {
        out.push(rule(
            "CertificateExpiring",
            "gateway",
            Severity::High,
            format!(
                "certmanager_certificate_expiration_timestamp_seconds{{namespace=\"{ns}\",name=\"{cert}\"}} - time() < {}",
                CERTIFICATE_DAYS * 86_400
            ),
            3_600,
            format!("The certificate {cert} expires in less than {CERTIFICATE_DAYS} days."),
            "cert-manager has not renewed it: read the Certificate's and its CertificateRequest's events, and the issuer's.",
        ));
    }
    out
}

/// One rule per route with `escalateAfter`: an alert of that severity still firing after the
/// delay fires again as [`ESCALATED`] at the next severity (so it reaches that route's
/// receiver), carrying `escalated_alert` (its name) and `escalated_from` (its severity).
fn escalation(a: &ir::Alerting) -> Vec<Rule> {
    a.routes
        .iter()
        .filter_map(|r| {
            let after = r.escalate_after_seconds?;
            let to = r.severity.raised()?;
            let from = r.severity.as_str();
            let mut x = rule(
                ESCALATED,
                "{{ $labels.workload }}",
                to,
                format!(
                    "max without (alertstate) (label_replace(ALERTS{{alertstate=\"firing\",severity=\"{from}\",alertname!=\"{ESCALATED}\"}}, \"escalated_alert\", \"$1\", \"alertname\", \"(.*)\"))"
                ),
                after,
                format!("{{{{ $labels.escalated_alert }}}} ({from}) has fired for {} without being resolved.", duration(after)),
                "Take over the original alert's runbook; whoever holds the lower-severity route did not resolve it.",
            );
            // The workload label comes from the original alert.
            x.labels.remove("workload");
            x.labels.insert("escalated_from", from.to_owned());
            Some(x)
        })
        .collect()
}

/// Whether Prometheus scrapes `w` under a job named after it.
pub fn scraped(w: &ir::Workload) -> bool {
    w.metrics.is_some() || w.kind == WorkloadKind::Prometheus
}
