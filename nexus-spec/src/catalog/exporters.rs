//! Prometheus exporters for the engines that serve no metrics themselves: PostgreSQL, Redis
//! and Elasticsearch. (RabbitMQ's image serves its own through the built-in
//! `rabbitmq_prometheus` plugin, MinIO's through its cluster metrics endpoint.) Each exporter
//! runs as its own workload beside the engine, connects to the engine's client port and is
//! scraped by Prometheus. Sources are cited in `docs/engines.md`.
//!
//! The images are built `FROM scratch` or busybox with only the exporter in them: the
//! contract lists no tools, so no health check or script may count on a shell.

use super::{BuiltinProbe, Component, NOT_A_BACKING_SERVICE, PortSpec};
use crate::model::Engine;

/// `prometheus-community/postgres_exporter`: runs as `nobody` (65534), serves 9187.
pub const POSTGRES_EXPORTER: Component = exporter(
    "quay.io/prometheuscommunity/postgres-exporter",
    &["v0.15.0"],
    &[PortSpec::client("metrics", 9187)],
    65534,
);

/// `oliver006/redis_exporter`: the scratch image runs as `59000:59000`, serves 9121.
pub const REDIS_EXPORTER: Component = exporter(
    "docker.io/oliver006/redis_exporter",
    &["v1.62.0"],
    &[PortSpec::client("metrics", 9121)],
    59000,
);

/// `prometheus-community/elasticsearch_exporter`: runs as `nobody` (65534), serves 9114.
pub const ELASTICSEARCH_EXPORTER: Component = exporter(
    "quay.io/prometheuscommunity/elasticsearch-exporter",
    &["v1.7.0"],
    &[PortSpec::client("metrics", 9114)],
    65534,
);

const fn exporter(
    image: &'static str,
    releases: &'static [&'static str],
    ports: &'static [PortSpec],
    uid: u32,
) -> Component {
    Component {
        image,
        tag_suffix: "",
        releases,
        ports,
        data_path: None,
        uid,
        gid: uid,
        readiness: BuiltinProbe::Http("/", "metrics"),
        liveness: BuiltinProbe::Http("/", "metrics"),
        writable_paths: &[],
        seeded_paths: &[],
        tools: &[],
        env: &[],
        memory: &[],
        shm_percent: 0,
        metrics: Some(("/metrics", "metrics")),
        credentials: None,
        args: &[],
        wait: None,
        backup: NOT_A_BACKING_SERVICE,
    }
}

/// The exporter of an engine, when it needs one.
pub fn exporter_for(engine: Engine) -> Option<&'static Component> {
    match engine {
        Engine::Postgres => Some(&POSTGRES_EXPORTER),
        Engine::Redis => Some(&REDIS_EXPORTER),
        Engine::Elasticsearch => Some(&ELASTICSEARCH_EXPORTER),
        _ => None,
    }
}
