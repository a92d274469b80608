//! The engines' rows: one image contract per backing-service engine. Sources (the upstream
//! files each fact was read from, with their versions) are cited in `docs/engines.md`.

use super::{
    Archive, BackupMethod, BackupSupport, BuiltinProbe, Component, CredentialEnv, DumpTool,
    MemorySetting, PortSpec,
};
use crate::model::Engine;

/// The catalog row of an engine.
pub fn engine(engine: Engine) -> &'static Component {
    match engine {
        Engine::Postgres => &POSTGRES,
        Engine::Redis => &REDIS,
        Engine::Elasticsearch => &ELASTICSEARCH,
        Engine::Neo4j => &NEO4J,
        Engine::Rabbitmq => &RABBITMQ,
        Engine::Minio => &MINIO,
    }
}

/// `pg_isready` over the local socket: needs no password.
const PG_READY: &[&str] = &[
    "sh",
    "-c",
    "pg_isready -q -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\"",
];

const POSTGRES: Component = Component {
    image: "docker.io/library/postgres",
    tag_suffix: "",
    releases: &["18.6", "17.11", "16.15", "15.19", "14.24"],
    ports: &[PortSpec::client("postgres", 5432)],
    data_path: Some("/var/lib/postgresql/data"),
    uid: 999,
    gid: 999,
    readiness: BuiltinProbe::Exec(PG_READY),
    liveness: BuiltinProbe::Exec(PG_READY),
    writable_paths: &["/var/run/postgresql"],
    seeded_paths: &[],
    tools: &[
        "sh",
        "bash",
        "cat",
        "pg_isready",
        "psql",
        "pg_basebackup",
        "pg_ctl",
        "postgres",
        "tar",
    ],
    env: &[("PGDATA", "/var/lib/postgresql/data/pgdata")],
    memory: &[MemorySetting::Args {
        args: &["-c", "shared_buffers={mib}MB"],
        percent: 25,
        max_mib: 16384,
    }],
    shm_percent: 25,
    metrics: None,
    credentials: Some(CredentialEnv {
        user: Some("POSTGRES_USER"),
        password: "POSTGRES_PASSWORD",
        password_format: "{password}",
        password_file: Some("POSTGRES_PASSWORD_FILE"),
        database: Some("POSTGRES_DB"),
        default_user: "postgres",
    }),
    args: &["postgres"],
    wait: Some(&["pg_isready", "-q", "-h", "{host}", "-p", "{port}"]),
    backup: BackupSupport::Dump(BackupMethod {
        tool: DumpTool::PgBasebackup,
        port: "postgres",
        password_var: "PGPASSWORD",
        archive: Some(Archive {
            timeout_seconds: 60,
            ship_seconds: 30,
            spool: "wal-spool",
        }),
    }),
};

/// Redis reads its password from a configuration file, never from its command line: the
/// start step writes `requirepass "..."` (quotes and backslashes escaped as redis.conf reads
/// them) from the mounted secret file into a private file, then runs the server with it and
/// the non-secret settings as arguments (`$@`, after `$0`).
const REDIS_START: &str = "set -eu; umask 077; \
{ printf 'requirepass \"'; sed 's/[\\\\\"]/\\\\&/g' \"$REDIS_PASSWORD_FILE\" | head -n 1 | tr -d '\\r\\n'; printf '\"\\n'; } > /run/redis/redis.conf; \
exec redis-server /run/redis/redis.conf \"$@\"";

/// A `PING` with the password from the secret file (in the environment of `redis-cli`
/// only, never on its command line).
const REDIS_PING: &[&str] = &[
    "sh",
    "-c",
    "REDISCLI_AUTH=\"$(cat \"$REDIS_PASSWORD_FILE\")\" redis-cli -p 6379 ping | grep -q PONG",
];

const REDIS: Component = Component {
    image: "docker.io/library/redis",
    tag_suffix: "",
    releases: &[
        "8.10.1", "8.8.2", "8.6.6", "8.4.6", "8.2.9", "7.4.11", "7.2.16", "6.2.24",
    ],
    ports: &[PortSpec::client("redis", 6379)],
    data_path: Some("/data"),
    uid: 999,
    gid: 999,
    readiness: BuiltinProbe::Exec(REDIS_PING),
    // Not a PING: while Redis loads its append-only file it answers `-LOADING`, and a
    // liveness check must not kill it for that.
    liveness: BuiltinProbe::Tcp("redis"),
    writable_paths: &["/run/redis"],
    seeded_paths: &[],
    tools: &[
        "sh",
        "cat",
        "sed",
        "head",
        "tr",
        "grep",
        "redis-cli",
        "redis-server",
    ],
    env: &[],
    memory: &[MemorySetting::Args {
        args: &[
            "--maxmemory",
            "{mib}mb",
            "--maxmemory-policy",
            "allkeys-lru",
        ],
        percent: 75,
        max_mib: u64::MAX,
    }],
    shm_percent: 0,
    metrics: None,
    credentials: Some(CredentialEnv {
        user: None,
        password: "REDIS_PASSWORD",
        password_format: "{password}",
        password_file: Some("REDIS_PASSWORD_FILE"),
        database: None,
        default_user: "default",
    }),
    args: &[
        "sh",
        "-c",
        REDIS_START,
        "redis-server",
        "--appendonly",
        "yes",
    ],
    wait: Some(&["redis-cli", "-h", "{host}", "-p", "{port}", "ping"]),
    backup: BackupSupport::Dump(BackupMethod {
        tool: DumpTool::RedisCliRdb,
        port: "redis",
        password_var: "REDISCLI_AUTH",
        archive: None,
    }),
};

/// Elasticsearch's HTTP layer answers: 401 to a request without credentials (security is on),
/// 200 with them. `curl` is in the image; no password is needed, so none is on a command line.
const ES_READY: &[&str] = &[
    "sh",
    "-c",
    "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9200/ | grep -qE '^(200|401)$'",
];

const ELASTICSEARCH: Component = Component {
    image: "docker.elastic.co/elasticsearch/elasticsearch",
    tag_suffix: "",
    releases: &["8.19.20", "8.14.3"],
    ports: &[
        PortSpec::client("http", 9200),
        PortSpec::cluster("transport", 9300),
    ],
    data_path: Some("/usr/share/elasticsearch/data"),
    uid: 1000,
    gid: 1000,
    readiness: BuiltinProbe::Exec(ES_READY),
    liveness: BuiltinProbe::Tcp("http"),
    writable_paths: &["/usr/share/elasticsearch/logs"],
    seeded_paths: &["/usr/share/elasticsearch/config"],
    tools: &["sh", "bash", "cat", "cp", "curl", "grep"],
    env: &[
        ("discovery.type", "single-node"),
        ("xpack.security.enabled", "true"),
    ],
    memory: &[MemorySetting::Env {
        var: "ES_JAVA_OPTS",
        value: "-Xms{mib}m -Xmx{mib}m",
        percent: 50,
        max_mib: 31744,
    }],
    shm_percent: 0,
    metrics: None,
    credentials: Some(CredentialEnv {
        user: None,
        password: "ELASTIC_PASSWORD",
        password_format: "{password}",
        // The image accepts ELASTIC_PASSWORD_FILE only with mode 0400 or 0600, which a
        // Kubernetes secret volume with an fsGroup and a Compose secret do not give.
        password_file: None,
        database: None,
        default_user: "elastic",
    }),
    args: &[],
    wait: None,
    backup: BackupSupport::Snapshots,
};

const NEO4J: Component = Component {
    image: "docker.io/library/neo4j",
    tag_suffix: "-community",
    releases: &["5.26.29"],
    ports: &[
        PortSpec::client("bolt", 7687),
        PortSpec::admin("http", 7474),
    ],
    data_path: Some("/data"),
    uid: 7474,
    gid: 7474,
    readiness: BuiltinProbe::Http("/", "http"),
    liveness: BuiltinProbe::Tcp("bolt"),
    writable_paths: &["/logs", "/var/lib/neo4j/run"],
    seeded_paths: &["/var/lib/neo4j/conf"],
    tools: &["sh", "bash", "cp", "wget"],
    env: &[],
    memory: &[
        MemorySetting::Env {
            var: "NEO4J_server_memory_heap_initial__size",
            value: "{mib}m",
            percent: 40,
            max_mib: 31744,
        },
        MemorySetting::Env {
            var: "NEO4J_server_memory_heap_max__size",
            value: "{mib}m",
            percent: 40,
            max_mib: 31744,
        },
        MemorySetting::Env {
            var: "NEO4J_server_memory_pagecache_size",
            value: "{mib}m",
            percent: 30,
            max_mib: u64::MAX,
        },
    ],
    shm_percent: 0,
    metrics: None,
    credentials: Some(CredentialEnv {
        user: None,
        password: "NEO4J_AUTH",
        password_format: "{user}/{password}",
        password_file: None,
        database: None,
        default_user: "neo4j",
    }),
    args: &[],
    wait: None,
    backup: BackupSupport::Unsupported(
        "Neo4j Community has no online backup (`neo4j-admin database backup` is Enterprise \
         only) and `neo4j-admin database dump` runs on Community only while the whole DBMS \
         is stopped, so a scheduled dump would stop the graph for its duration",
    ),
};

const RABBITMQ: Component = Component {
    image: "docker.io/library/rabbitmq",
    tag_suffix: "-management",
    releases: &["4.3.5", "4.2.9", "4.1.8", "4.0.9", "3.13.7"],
    ports: &[
        PortSpec::client("amqp", 5672),
        PortSpec::admin("management", 15672),
        // The image enables the rabbitmq_prometheus plugin (docker-library/rabbitmq).
        PortSpec::admin("prometheus", 15692),
    ],
    data_path: Some("/var/lib/rabbitmq"),
    uid: 999,
    gid: 999,
    readiness: BuiltinProbe::Exec(&["rabbitmq-diagnostics", "-q", "check_port_connectivity"]),
    liveness: BuiltinProbe::Exec(&["rabbitmq-diagnostics", "-q", "ping"]),
    writable_paths: &["/var/log/rabbitmq"],
    seeded_paths: &[],
    tools: &[
        "sh",
        "bash",
        "rabbitmq-diagnostics",
        "rabbitmqctl",
        "rabbitmqadmin",
        "python3",
    ],
    env: &[],
    memory: &[],
    shm_percent: 0,
    metrics: Some(("/metrics", "prometheus")),
    credentials: Some(CredentialEnv {
        user: Some("RABBITMQ_DEFAULT_USER"),
        password: "RABBITMQ_DEFAULT_PASS",
        password_format: "{password}",
        password_file: None,
        database: Some("RABBITMQ_DEFAULT_VHOST"),
        default_user: "guest",
    }),
    args: &[],
    wait: None,
    backup: BackupSupport::Dump(BackupMethod {
        tool: DumpTool::RabbitmqadminExport,
        port: "management",
        password_var: "BACKUP_PASSWORD",
        archive: None,
    }),
};

const MINIO: Component = Component {
    image: "quay.io/minio/minio",
    tag_suffix: "",
    releases: &["RELEASE.2024-06-13T22-53-53Z"],
    ports: &[
        PortSpec::client("api", 9000),
        PortSpec::admin("console", 9001),
    ],
    data_path: Some("/data"),
    uid: 1000,
    gid: 1000,
    readiness: BuiltinProbe::Http("/minio/health/ready", "api"),
    liveness: BuiltinProbe::Http("/minio/health/live", "api"),
    writable_paths: &["/.minio"],
    seeded_paths: &[],
    tools: &["sh", "mc"],
    // Cluster metrics without a bearer token: only workloads the network rules admit reach
    // the port, and Prometheus holds no MinIO credentials.
    env: &[("MINIO_PROMETHEUS_AUTH_TYPE", "public")],
    memory: &[],
    shm_percent: 0,
    metrics: Some(("/minio/v2/metrics/cluster", "api")),
    credentials: Some(CredentialEnv {
        user: Some("MINIO_ROOT_USER"),
        password: "MINIO_ROOT_PASSWORD",
        password_format: "{password}",
        password_file: Some("MINIO_ROOT_PASSWORD_FILE"),
        database: None,
        default_user: "minio",
    }),
    args: &["server", "/data", "--console-address", ":9001"],
    wait: None,
    backup: BackupSupport::Unsupported(
        "it is where the other engines' backups go; replicate it to another site instead",
    ),
};
