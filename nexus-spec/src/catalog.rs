//! What nexus knows about the engines and monitoring components it runs: official images,
//! ports, data paths, non-root users, health checks, writable paths, credential variables and
//! whether (and how) nexus can back the data up. Data, not code: one row per component.
//!
//! The generators and the lint rules both read this catalog, so what one renders and what the
//! other reports cannot drift apart: an engine whose row has no [`BackupMethod`] gets no
//! backup job from the Kubernetes target, and the lint reports its `backup` block as not
//! carried out.

use crate::model::Engine;

/// A health check a component ships with.
#[derive(Debug, Clone, Copy)]
pub enum BuiltinProbe {
    /// HTTP GET of a path on a named port.
    Http(&'static str, &'static str),
    /// A TCP connect to a named port.
    Tcp(&'static str),
    /// A command.
    Exec(&'static [&'static str]),
}

/// How a credential reaches a component's container.
#[derive(Debug, Clone, Copy)]
pub struct CredentialEnv {
    /// Variable for the user name, if the engine takes one.
    pub user: Option<&'static str>,
    /// Variable for the password; its value is `password_format` with `{user}` and
    /// `{password}` substituted (the password stays a secret reference).
    pub password: &'static str,
    /// Format of the password variable.
    pub password_format: &'static str,
    /// Variable for the database (or vhost) to create.
    pub database: Option<&'static str>,
    /// Default user when the spec names none.
    pub default_user: &'static str,
}

/// The dump tool a backup job runs. A generator that renders backups maps each tool to the
/// script it runs, matching exhaustively, so no row can claim a backup it has no script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpTool {
    /// `pg_dump --format=custom` of the database; restore with `pg_restore`.
    PgDump,
    /// `redis-cli --rdb`: a snapshot of the whole data set; restore by copying it to the
    /// data volume.
    RedisCliRdb,
    /// `rabbitmqadmin export`: the broker's definitions (users, vhosts, queues, bindings,
    /// policies), not messages; restore with `rabbitmqadmin import`.
    RabbitmqadminExport,
}

/// How nexus backs up an engine: a scheduled job whose first step runs `tool` from the
/// engine's own image against the live service (no downtime, no access to its volume) and
/// writes one complete dump, which the second step uploads to the MinIO named in the spec.
/// None of the tools takes an incremental backup from a client, so the incremental schedule takes
/// the same complete dump, more often.
#[derive(Debug, Clone, Copy)]
pub struct BackupMethod {
    /// The dump tool (shipped in the engine's own image).
    pub tool: DumpTool,
    /// The port, by name, the tool connects to.
    pub port: &'static str,
    /// The variable the tool reads the password from.
    pub password_var: &'static str,
}

/// Whether nexus can back up a component's data.
#[derive(Debug, Clone, Copy)]
pub enum BackupSupport {
    /// It renders backup jobs that work this way.
    Dump(BackupMethod),
    /// It renders none: a `backup` block is not carried out. The text says why, as a
    /// clause that reads after "`nexus cannot back up ENGINE yet`" (no full stop).
    Unsupported(&'static str),
}

impl BackupSupport {
    /// The method, when nexus can back the component up.
    pub fn method(self) -> Option<BackupMethod> {
        match self {
            BackupSupport::Dump(m) => Some(m),
            BackupSupport::Unsupported(_) => None,
        }
    }

    /// Why nexus cannot back the component up, when it cannot.
    pub fn gap(self) -> Option<&'static str> {
        match self {
            BackupSupport::Dump(_) => None,
            BackupSupport::Unsupported(why) => Some(why),
        }
    }
}

/// Monitoring components take no `backup` block.
const NOT_A_BACKING_SERVICE: BackupSupport =
    BackupSupport::Unsupported("only backing services are backed up");

/// One component: an engine or a monitoring tool.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// Image repository, with its registry.
    pub image: &'static str,
    /// Appended to the version to form the tag (`-management` for RabbitMQ).
    pub tag_suffix: &'static str,
    /// Ports: (name, number). The first is the main one.
    pub ports: &'static [(&'static str, u16)],
    /// Where data lives, for the volume.
    pub data_path: Option<&'static str>,
    /// The image's own non-root user and group.
    pub uid: u32,
    /// Readiness check.
    pub readiness: BuiltinProbe,
    /// Liveness check.
    pub liveness: BuiltinProbe,
    /// Paths the process writes besides the data path (each gets an emptyDir / tmpfs).
    pub writable_paths: &'static [&'static str],
    /// Fixed environment the component needs.
    pub env: &'static [(&'static str, &'static str)],
    /// Credential variables, for engines that take credentials.
    pub credentials: Option<CredentialEnv>,
    /// Command-line arguments (may use `$(VAR)` for variables set above).
    pub args: &'static [&'static str],
    /// Whether nexus can back the data up, and how.
    pub backup: BackupSupport,
}

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

const POSTGRES: Component = Component {
    image: "docker.io/library/postgres",
    tag_suffix: "",
    ports: &[("postgres", 5432)],
    data_path: Some("/var/lib/postgresql/data"),
    uid: 999,
    readiness: BuiltinProbe::Exec(&[
        "sh",
        "-c",
        "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\"",
    ]),
    liveness: BuiltinProbe::Exec(&[
        "sh",
        "-c",
        "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\"",
    ]),
    writable_paths: &["/var/run/postgresql"],
    env: &[("PGDATA", "/var/lib/postgresql/data/pgdata")],
    credentials: Some(CredentialEnv {
        user: Some("POSTGRES_USER"),
        password: "POSTGRES_PASSWORD",
        password_format: "{password}",
        database: Some("POSTGRES_DB"),
        default_user: "postgres",
    }),
    args: &[],
    backup: BackupSupport::Dump(BackupMethod {
        tool: DumpTool::PgDump,
        port: "postgres",
        password_var: "PGPASSWORD",
    }),
};

const REDIS: Component = Component {
    image: "docker.io/library/redis",
    tag_suffix: "",
    ports: &[("redis", 6379)],
    data_path: Some("/data"),
    uid: 999,
    readiness: BuiltinProbe::Exec(&[
        "sh",
        "-c",
        "redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG",
    ]),
    liveness: BuiltinProbe::Tcp("redis"),
    writable_paths: &[],
    env: &[],
    credentials: Some(CredentialEnv {
        user: None,
        password: "REDIS_PASSWORD",
        password_format: "{password}",
        database: None,
        default_user: "default",
    }),
    args: &[
        "redis-server",
        "--requirepass",
        "$(REDIS_PASSWORD)",
        "--appendonly",
        "yes",
    ],
    backup: BackupSupport::Dump(BackupMethod {
        tool: DumpTool::RedisCliRdb,
        port: "redis",
        password_var: "REDISCLI_AUTH",
    }),
};

const ELASTICSEARCH: Component = Component {
    image: "docker.elastic.co/elasticsearch/elasticsearch",
    tag_suffix: "",
    ports: &[("http", 9200), ("transport", 9300)],
    data_path: Some("/usr/share/elasticsearch/data"),
    uid: 1000,
    readiness: BuiltinProbe::Tcp("http"),
    liveness: BuiltinProbe::Tcp("transport"),
    writable_paths: &[
        "/usr/share/elasticsearch/logs",
        "/usr/share/elasticsearch/config/tmp",
    ],
    env: &[
        ("discovery.type", "single-node"),
        ("ES_JAVA_OPTS", "-Xms1g -Xmx1g"),
        ("xpack.security.enabled", "true"),
    ],
    credentials: Some(CredentialEnv {
        user: None,
        password: "ELASTIC_PASSWORD",
        password_format: "{password}",
        database: None,
        default_user: "elastic",
    }),
    args: &[],
    backup: BackupSupport::Unsupported(
        "its snapshots need an S3 repository with keystore credentials on every node",
    ),
};

const NEO4J: Component = Component {
    image: "docker.io/library/neo4j",
    tag_suffix: "",
    ports: &[("bolt", 7687), ("http", 7474)],
    data_path: Some("/data"),
    uid: 7474,
    readiness: BuiltinProbe::Http("/", "http"),
    liveness: BuiltinProbe::Tcp("bolt"),
    writable_paths: &["/logs", "/var/lib/neo4j/run"],
    env: &[],
    credentials: Some(CredentialEnv {
        user: None,
        password: "NEO4J_AUTH",
        password_format: "{user}/{password}",
        database: None,
        default_user: "neo4j",
    }),
    args: &[],
    backup: BackupSupport::Unsupported("Neo4j Community can only dump a stopped database"),
};

const RABBITMQ: Component = Component {
    image: "docker.io/library/rabbitmq",
    tag_suffix: "-management",
    ports: &[("amqp", 5672), ("management", 15672)],
    data_path: Some("/var/lib/rabbitmq"),
    uid: 999,
    readiness: BuiltinProbe::Exec(&["rabbitmq-diagnostics", "-q", "check_port_connectivity"]),
    liveness: BuiltinProbe::Exec(&["rabbitmq-diagnostics", "-q", "ping"]),
    writable_paths: &["/var/log/rabbitmq", "/etc/rabbitmq/conf.d"],
    env: &[],
    credentials: Some(CredentialEnv {
        user: Some("RABBITMQ_DEFAULT_USER"),
        password: "RABBITMQ_DEFAULT_PASS",
        password_format: "{password}",
        database: Some("RABBITMQ_DEFAULT_VHOST"),
        default_user: "guest",
    }),
    args: &[],
    backup: BackupSupport::Dump(BackupMethod {
        tool: DumpTool::RabbitmqadminExport,
        port: "management",
        password_var: "BACKUP_PASSWORD",
    }),
};

const MINIO: Component = Component {
    image: "quay.io/minio/minio",
    tag_suffix: "",
    ports: &[("api", 9000), ("console", 9001)],
    data_path: Some("/data"),
    uid: 1000,
    readiness: BuiltinProbe::Http("/minio/health/ready", "api"),
    liveness: BuiltinProbe::Http("/minio/health/live", "api"),
    writable_paths: &["/.minio"],
    env: &[],
    credentials: Some(CredentialEnv {
        user: Some("MINIO_ROOT_USER"),
        password: "MINIO_ROOT_PASSWORD",
        password_format: "{password}",
        database: None,
        default_user: "minio",
    }),
    args: &["server", "/data", "--console-address", ":9001"],
    backup: BackupSupport::Unsupported(
        "it is where the other engines' backups go; replicate it to another site instead",
    ),
};

/// Prometheus.
pub const PROMETHEUS: Component = Component {
    image: "docker.io/prom/prometheus",
    tag_suffix: "",
    ports: &[("web", 9090)],
    data_path: Some("/prometheus"),
    uid: 65534,
    readiness: BuiltinProbe::Http("/-/ready", "web"),
    liveness: BuiltinProbe::Http("/-/healthy", "web"),
    writable_paths: &[],
    env: &[],
    credentials: None,
    args: &[],
    backup: NOT_A_BACKING_SERVICE,
};

/// Grafana.
pub const GRAFANA: Component = Component {
    image: "docker.io/grafana/grafana",
    tag_suffix: "",
    ports: &[("http", 3000)],
    data_path: Some("/var/lib/grafana"),
    uid: 472,
    readiness: BuiltinProbe::Http("/api/health", "http"),
    liveness: BuiltinProbe::Http("/api/health", "http"),
    writable_paths: &["/var/log/grafana"],
    env: &[
        ("GF_AUTH_ANONYMOUS_ENABLED", "false"),
        ("GF_USERS_ALLOW_SIGN_UP", "false"),
    ],
    credentials: Some(CredentialEnv {
        user: Some("GF_SECURITY_ADMIN_USER"),
        password: "GF_SECURITY_ADMIN_PASSWORD",
        password_format: "{password}",
        database: None,
        default_user: "admin",
    }),
    args: &[],
    backup: NOT_A_BACKING_SERVICE,
};

/// Jaeger all-in-one.
pub const JAEGER: Component = Component {
    image: "docker.io/jaegertracing/all-in-one",
    tag_suffix: "",
    ports: &[
        ("ui", 16686),
        ("otlp-grpc", 4317),
        ("otlp-http", 4318),
        ("admin", 14269),
    ],
    data_path: None,
    uid: 10001,
    readiness: BuiltinProbe::Http("/", "admin"),
    liveness: BuiltinProbe::Http("/", "admin"),
    writable_paths: &[],
    env: &[("COLLECTOR_OTLP_ENABLED", "true")],
    credentials: None,
    args: &[],
    backup: NOT_A_BACKING_SERVICE,
};

/// Default non-root user of application services whose spec names none.
pub const DEFAULT_SERVICE_UID: u32 = 10001;

/// Default Nginx version the gateway is rendered for.
pub const DEFAULT_NGINX_VERSION: &str = "1.27";
/// Default Nginx image repository (the unprivileged build: runs as uid 101, listens on 8080).
pub const NGINX_IMAGE: &str = "docker.io/nginxinc/nginx-unprivileged";
/// Non-root uid of the unprivileged Nginx image.
pub const NGINX_UID: u32 = 101;
