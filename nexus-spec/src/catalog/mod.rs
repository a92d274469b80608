//! What nexus knows about the engines and monitoring components it runs: each official
//! image's contract. Data, not code: one row per component, written from the image's upstream
//! source (the files and versions are cited in `docs/engines.md`).
//!
//! A row says which exact release nexus renders for a declared series, the user and group the
//! image runs as, every path its entrypoint writes at start (and which of them must start
//! with the image's own files in them), how configuration and credentials reach it, the
//! programs its health checks may call, the settings that follow the memory limit, and
//! whether (and how) nexus can back the data up.
//!
//! The generators and the lint rules both read this catalog, so what one renders and what the
//! other reports cannot drift apart: an engine whose row has no [`BackupMethod`] gets no
//! backup job from the Kubernetes target, and the lint reports its `backup` block as not
//! carried out.

mod engines;
mod exporters;
mod monitoring;

pub use engines::engine;
pub use exporters::{ELASTICSEARCH_EXPORTER, POSTGRES_EXPORTER, REDIS_EXPORTER, exporter_for};
pub use monitoring::{
    ALERTMANAGER, DEFAULT_NGINX_VERSION, GRAFANA, JAEGER, NGINX, NGINX_IMAGE, NGINX_UID, PROMETHEUS,
};

/// Who a port is for. A workload that declares a dependency on a component reaches its
/// client ports only; an administration or clustering port is opened only when the spec names
/// it (`talksTo: [{workload: rabbitmq, ports: [management]}]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortRole {
    /// The protocol applications speak (SQL, AMQP, S3, Bolt, OTLP).
    Client,
    /// A console or management API for operators and tools.
    Admin,
    /// Traffic between the component's own nodes (Elasticsearch transport).
    Cluster,
}

impl PortRole {
    /// The role's name, as messages and documents write it.
    pub fn as_str(self) -> &'static str {
        match self {
            PortRole::Client => "client",
            PortRole::Admin => "admin",
            PortRole::Cluster => "cluster",
        }
    }
}

/// A port of a component's contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortSpec {
    /// Name (the Kubernetes port name and the placeholder's `${WORKLOAD.NAME.port}`).
    pub name: &'static str,
    /// Number.
    pub port: u16,
    /// Who it is for.
    pub role: PortRole,
}

impl PortSpec {
    /// A port for clients.
    pub const fn client(name: &'static str, port: u16) -> PortSpec {
        PortSpec {
            name,
            port,
            role: PortRole::Client,
        }
    }

    /// A console or management port.
    pub const fn admin(name: &'static str, port: u16) -> PortSpec {
        PortSpec {
            name,
            port,
            role: PortRole::Admin,
        }
    }

    /// A port for the component's own nodes.
    pub const fn cluster(name: &'static str, port: u16) -> PortSpec {
        PortSpec {
            name,
            port,
            role: PortRole::Cluster,
        }
    }
}

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
    /// The variable naming a file that holds the password, where the image reads one
    /// (`POSTGRES_PASSWORD_FILE`). When set, nexus mounts the secret as a file under
    /// [`SECRET_FILES_DIR`] and sets this variable to its path instead of putting the password
    /// into the environment, so no listing of the container's environment shows it.
    pub password_file: Option<&'static str>,
    /// Variable for the database (or vhost) to create.
    pub database: Option<&'static str>,
    /// Default user when the spec names none.
    pub default_user: &'static str,
}

/// The dump tool a backup job runs. A generator that renders backups maps each tool to the
/// script it runs, matching exhaustively, so no row can claim a backup it has no script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpTool {
    /// `pg_basebackup` of the whole cluster over the replication protocol, with the WAL
    /// it needs; restore by unpacking it into an empty data folder and replaying the
    /// archived WAL up to a point in time.
    PgBasebackup,
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
/// the same complete dump, more often. Where the engine has an [`Archive`], the changes
/// between two dumps are shipped continuously as well.
#[derive(Debug, Clone, Copy)]
pub struct BackupMethod {
    /// The dump tool (shipped in the engine's own image).
    pub tool: DumpTool,
    /// The port, by name, the tool connects to.
    pub port: &'static str,
    /// The variable the tool reads the password from.
    pub password_var: &'static str,
    /// Continuous archiving between dumps, when the engine has it.
    pub archive: Option<Archive>,
}

/// Continuous archiving (PostgreSQL's WAL archiving): the server hands each finished log
/// segment to `archive_command`, which copies it into a spool folder on the data volume; a
/// shipper beside the server moves the spool to the backup destination every
/// `ship_seconds`. A segment is finished when full or after `timeout_seconds` with writes
/// (`archive_timeout`), so the newest data not yet off the volume is at most
/// `timeout_seconds + ship_seconds` old.
#[derive(Debug, Clone, Copy)]
pub struct Archive {
    /// The server's segment switch timeout (`archive_timeout`), in seconds.
    pub timeout_seconds: u64,
    /// How often the shipper moves the spool to the destination, in seconds.
    pub ship_seconds: u64,
    /// The spool folder, under the engine's data path (a sibling of the data folder).
    pub spool: &'static str,
}

impl Archive {
    /// The worst-case recovery point archiving gives, in seconds.
    pub fn recovery_point_seconds(self) -> u64 {
        self.timeout_seconds + self.ship_seconds
    }
}

/// Whether nexus can back up a component's data.
#[derive(Debug, Clone, Copy)]
pub enum BackupSupport {
    /// It renders backup jobs that work this way.
    Dump(BackupMethod),
    /// The engine takes its own snapshots into an S3 repository on the in-cluster MinIO,
    /// on the spec's schedules (Elasticsearch's snapshot lifecycle policies; decision
    /// 0023): nexus renders the repository's setup, its credentials and the restore, no
    /// dump. The recovery point is the longest gap between two scheduled snapshots.
    Snapshots,
    /// It renders none: a `backup` block is not carried out. The text says why, as a
    /// clause that reads after "`nexus cannot back up ENGINE yet`" (no full stop).
    Unsupported(&'static str),
}

impl BackupSupport {
    /// The method, when nexus can back the component up.
    pub fn method(self) -> Option<BackupMethod> {
        match self {
            BackupSupport::Dump(m) => Some(m),
            BackupSupport::Snapshots | BackupSupport::Unsupported(_) => None,
        }
    }

    /// Whether the engine takes its own snapshots (no dump job).
    pub fn snapshots(self) -> bool {
        matches!(self, BackupSupport::Snapshots)
    }

    /// Why nexus cannot back the component up, when it cannot.
    pub fn gap(self) -> Option<&'static str> {
        match self {
            BackupSupport::Dump(_) | BackupSupport::Snapshots => None,
            BackupSupport::Unsupported(why) => Some(why),
        }
    }
}

/// Monitoring components take no `backup` block.
pub(crate) const NOT_A_BACKING_SERVICE: BackupSupport =
    BackupSupport::Unsupported("only backing services are backed up");

/// Where secrets delivered as files appear in a container: one file per secret, named after
/// it (`/run/secrets/nexus/redis-password`).
pub const SECRET_FILES_DIR: &str = "/run/secrets/nexus";

/// A setting derived from the container's memory limit: `percent` of the limit, in MiB
/// (rounded down, at most `max_mib`), substituted for `{mib}` in the text. Without a memory
/// limit the setting is left out and the engine's own default applies.
#[derive(Debug, Clone, Copy)]
pub enum MemorySetting {
    /// An environment variable.
    Env {
        /// Variable name.
        var: &'static str,
        /// Value, with `{mib}`.
        value: &'static str,
        /// Share of the memory limit, in percent.
        percent: u64,
        /// Upper bound in MiB.
        max_mib: u64,
    },
    /// Command-line arguments appended to the component's own.
    Args {
        /// Arguments, with `{mib}`.
        args: &'static [&'static str],
        /// Share of the memory limit, in percent.
        percent: u64,
        /// Upper bound in MiB.
        max_mib: u64,
    },
}

impl MemorySetting {
    /// The size in MiB this setting takes for a memory limit of `limit_bytes`.
    ///
    /// ```
    /// use nexus_spec::catalog::MemorySetting;
    /// let heap = MemorySetting::Env { var: "ES_JAVA_OPTS", value: "-Xmx{mib}m", percent: 50, max_mib: 31744 };
    /// assert_eq!(heap.mib(4 << 30), 2048);
    /// assert_eq!(heap.mib(128 << 30), 31744);
    /// ```
    pub fn mib(self, limit_bytes: u128) -> u64 {
        let (percent, max) = match self {
            MemorySetting::Env {
                percent, max_mib, ..
            }
            | MemorySetting::Args {
                percent, max_mib, ..
            } => (percent, max_mib),
        };
        share_mib(limit_bytes, percent).min(max).max(1)
    }
}

/// `percent` of a memory limit of `limit_bytes`, in whole MiB (rounded down).
///
/// ```
/// assert_eq!(nexus_spec::catalog::share_mib(4 << 30, 25), 1024);
/// ```
pub fn share_mib(limit_bytes: u128, percent: u64) -> u64 {
    let mib = limit_bytes / (1 << 20) * u128::from(percent) / 100;
    u64::try_from(mib).unwrap_or(u64::MAX)
}

/// One component: an engine or a monitoring tool.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// Image repository, with its registry.
    pub image: &'static str,
    /// Appended to the version to form the tag (`-management` for RabbitMQ).
    pub tag_suffix: &'static str,
    /// The exact releases nexus renders, one per series it knows, newest series first. A
    /// spec that names a series (`"15"`) gets that series' release here (`15.x.y`), so two
    /// nodes never run different releases of one declaration; a spec that names an exact
    /// release gets it as written.
    pub releases: &'static [&'static str],
    /// Ports, with what each is for. The first is the main one.
    pub ports: &'static [PortSpec],
    /// Where data lives, for the volume.
    pub data_path: Option<&'static str>,
    /// The image's own non-root user.
    pub uid: u32,
    /// The group nexus runs it as: the image's own group, except where the image's group is
    /// root (0), which nexus never uses; every path such an image writes is then a nexus
    /// mount owned by the pod's group (`docs/engines.md` names the image's own user line).
    pub gid: u32,
    /// Readiness check.
    pub readiness: BuiltinProbe,
    /// Liveness check.
    pub liveness: BuiltinProbe,
    /// Paths the entrypoint or server writes at start besides the data path and the
    /// [`seeded_paths`](Self::seeded_paths) (each gets an empty emptyDir / tmpfs).
    pub writable_paths: &'static [&'static str],
    /// Folders of the image's own files that the entrypoint edits at start (a keystore
    /// written into the configuration folder): each is made writable and filled with the
    /// image's files by a step that runs before the component (an init container in
    /// Kubernetes; in Compose a named volume, which Docker fills from the image when it is
    /// created).
    pub seeded_paths: &'static [&'static str],
    /// Programs the image has that nexus's health checks, seed steps and waits may call.
    pub tools: &'static [&'static str],
    /// Fixed environment the component needs.
    pub env: &'static [(&'static str, &'static str)],
    /// Settings derived from the memory limit.
    pub memory: &'static [MemorySetting],
    /// Percent of the memory limit given to a memory-backed `/dev/shm` (PostgreSQL's
    /// parallel queries use it; a container's default is 64 MiB); 0 for none.
    pub shm_percent: u64,
    /// The metrics endpoint the image serves by itself, as (path, port name): Prometheus
    /// scrapes it without a `metrics` block in the spec.
    pub metrics: Option<(&'static str, &'static str)>,
    /// Credential variables, for engines that take credentials.
    pub credentials: Option<CredentialEnv>,
    /// Command-line arguments (may use `$(VAR)` for variables set above).
    pub args: &'static [&'static str],
    /// A command that exits 0 once the component accepts clients, run from another
    /// container with the component's image: `{host}` and `{port}` are replaced. Jobs that
    /// need the component (migrations) wait on it.
    pub wait: Option<&'static [&'static str]>,
    /// Whether nexus can back the data up, and how.
    pub backup: BackupSupport,
}

impl Component {
    /// The release nexus renders for a declared `version`: the catalog's release of that
    /// series, the version itself when it is exact (as many parts as the catalog's releases),
    /// or `None` for a series the catalog does not know (a floating tag).
    ///
    /// ```
    /// let pg = nexus_spec::catalog::engine(nexus_spec::model::Engine::Postgres);
    /// let pinned = pg.release("15").unwrap();
    /// assert!(pinned.starts_with("15."));
    /// assert_eq!(pg.release("15.3"), Some("15.3".to_owned()));
    /// assert_eq!(pg.release("9"), None);
    /// ```
    pub fn release(&self, version: &str) -> Option<String> {
        if let Some(r) = self.releases.iter().find(|r| {
            **r == version
                || r.strip_prefix(version)
                    .is_some_and(|rest| rest.starts_with('.'))
        }) {
            return Some((*r).to_owned());
        }
        let parts = |v: &str| v.split('.').count();
        let exact = self
            .releases
            .first()
            .is_some_and(|r| parts(version) >= parts(r));
        exact.then(|| version.to_owned())
    }

    /// The series nexus pins a release of, for messages (`15, 16, 17`).
    pub fn series(&self) -> String {
        let series: Vec<&str> = self
            .releases
            .iter()
            .map(|r| r.rsplit_once('.').map_or(*r, |(s, _)| s))
            .collect();
        series.join(", ")
    }
}

/// The catalog row of a workload kind; application services have none (their image is the
/// team's own, with no contract nexus knows).
pub fn component(kind: crate::ir::WorkloadKind) -> Option<&'static Component> {
    use crate::ir::WorkloadKind;
    match kind {
        WorkloadKind::Service => None,
        WorkloadKind::Backing(e) => Some(engine(e)),
        WorkloadKind::Prometheus => Some(&PROMETHEUS),
        WorkloadKind::Grafana => Some(&GRAFANA),
        WorkloadKind::Jaeger => Some(&JAEGER),
        WorkloadKind::Alertmanager => Some(&ALERTMANAGER),
        WorkloadKind::Exporter(e) => exporter_for(e),
    }
}

/// Default non-root user of application services whose spec names none.
pub const DEFAULT_SERVICE_UID: u32 = 10001;
