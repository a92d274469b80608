//! Workloads, resolved: services, backing services and the monitoring stack in one shape.

use crate::catalog::PortRole;
use crate::model::{Engine, Exposure, Protocol, Seccomp, Slot, Tier};
use crate::span::{Span, Spanned};
use crate::values::{Cron, ImageRef, Quantity, Template};

/// What a workload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadKind {
    /// An application service (stateless).
    Service,
    /// A backing service of this engine (stateful).
    Backing(Engine),
    /// Prometheus.
    Prometheus,
    /// Grafana.
    Grafana,
    /// Jaeger.
    Jaeger,
    /// Alertmanager.
    Alertmanager,
    /// The Prometheus exporter of a backing service of this engine.
    Exporter(Engine),
}

impl WorkloadKind {
    /// Whether the workload keeps data (rendered as a StatefulSet with volumes).
    pub fn is_stateful(self) -> bool {
        matches!(
            self,
            WorkloadKind::Backing(_) | WorkloadKind::Prometheus | WorkloadKind::Grafana
        )
    }

    /// A short name for the kind (`service`, `postgres`, `prometheus`).
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Service => "service",
            WorkloadKind::Backing(e) => e.as_str(),
            WorkloadKind::Prometheus => "prometheus",
            WorkloadKind::Grafana => "grafana",
            WorkloadKind::Jaeger => "jaeger",
            WorkloadKind::Alertmanager => "alertmanager",
            WorkloadKind::Exporter(_) => "exporter",
        }
    }
}

/// A port.
#[derive(Debug, Clone)]
pub struct Port {
    /// Name.
    pub name: Spanned<String>,
    /// Number.
    pub port: Spanned<u16>,
    /// Protocol.
    pub protocol: Protocol,
    /// Node port binding, if any.
    pub host_port: Option<Spanned<u16>>,
    /// Who it is for: a dependency opens only client ports (an application service's own
    /// ports are all client ports).
    pub role: PortRole,
}

/// A connection a workload opens to another (from `talksTo`).
#[derive(Debug, Clone)]
pub struct Talk {
    /// The target workload.
    pub workload: Spanned<String>,
    /// The target's ports, by name; empty means its client ports.
    pub ports: Vec<Spanned<String>>,
}

/// An environment variable.
#[derive(Debug, Clone)]
pub struct EnvVar {
    /// Name.
    pub name: Spanned<String>,
    /// Value, with placeholders resolved to segments.
    pub value: Spanned<Template>,
}

/// Requests and limits, parsed.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// CPU request.
    pub cpu_request: Option<Spanned<Quantity>>,
    /// Memory request.
    pub memory_request: Option<Spanned<Quantity>>,
    /// CPU limit.
    pub cpu_limit: Option<Spanned<Quantity>>,
    /// Memory limit.
    pub memory_limit: Option<Spanned<Quantity>>,
}

/// What a health check does.
#[derive(Debug, Clone)]
pub enum ProbeAction {
    /// HTTP GET `path` on the named port.
    Http {
        /// Path.
        path: String,
        /// Port name.
        port_name: String,
        /// Port number.
        port: u16,
    },
    /// TCP connect to the named port.
    Tcp {
        /// Port name.
        port_name: String,
        /// Port number.
        port: u16,
    },
    /// Run a command.
    Exec {
        /// Command and arguments.
        command: Vec<String>,
    },
}

/// A health check.
#[derive(Debug, Clone)]
pub struct Probe {
    /// What it does.
    pub action: ProbeAction,
    /// Seconds before the first check.
    pub initial_delay_seconds: u32,
    /// Seconds between checks.
    pub period_seconds: u32,
    /// Seconds before a check times out.
    pub timeout_seconds: u32,
    /// Failures in a row that count as unhealthy.
    pub failure_threshold: u32,
    /// Where it is written (detached for an engine's built-in check).
    pub span: Span,
}

/// Health checks.
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// Readiness.
    pub readiness: Option<Probe>,
    /// Liveness.
    pub liveness: Option<Probe>,
    /// Startup.
    pub startup: Option<Probe>,
}

/// Autoscaling.
#[derive(Debug, Clone)]
pub struct Autoscaling {
    /// Fewest replicas.
    pub min_replicas: Spanned<u32>,
    /// Most replicas.
    pub max_replicas: Spanned<u32>,
    /// CPU target, percent.
    pub target_cpu: Option<Spanned<u32>>,
    /// Memory target, percent.
    pub target_memory: Option<Spanned<u32>>,
    /// Queue-depth target.
    pub queue: Option<QueueTrigger>,
    /// Where the block is written.
    pub span: Span,
}

/// Queue-depth autoscaling, resolved.
#[derive(Debug, Clone)]
pub struct QueueTrigger {
    /// The RabbitMQ workload.
    pub workload: Spanned<String>,
    /// The queue.
    pub queue: String,
    /// Ready messages per replica.
    pub target_length: u32,
    /// The service's environment variable holding the AMQP URL.
    pub host_env: String,
    /// Where the block is written.
    pub span: Span,
}

/// Disruption budget.
#[derive(Debug, Clone)]
pub enum DisruptionBudget {
    /// At least this many stay available.
    MinAvailable(Spanned<u32>),
    /// At most this many may be down.
    MaxUnavailable(Spanned<u32>),
}

/// Rollout.
// One per workload, built once per resolution: the blue-green variant's two images cost
// nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Rollout {
    /// Rolling update.
    Rolling {
        /// Max surge (`25%` or a count).
        max_surge: String,
        /// Max unavailable (`0` or a percentage).
        max_unavailable: String,
    },
    /// Blue-green: two slots, each with its own image; traffic on the active one.
    BlueGreen {
        /// The slot that takes traffic.
        active: Spanned<Slot>,
        /// The image of the blue slot.
        blue: Spanned<ImageRef>,
        /// The image of the green slot.
        green: Spanned<ImageRef>,
    },
}

impl Rollout {
    /// The image `slot` runs, for a blue-green rollout.
    pub fn slot_image(&self, slot: Slot) -> Option<&Spanned<ImageRef>> {
        match self {
            Rollout::BlueGreen { blue, green, .. } => Some(match slot {
                Slot::Blue => blue,
                Slot::Green => green,
            }),
            Rollout::Rolling { .. } => None,
        }
    }
}

/// A migration job.
#[derive(Debug, Clone)]
pub struct Migration {
    /// Image.
    pub image: Spanned<ImageRef>,
    /// Command.
    pub command: Vec<String>,
    /// Retries.
    pub backoff_limit: u32,
    /// Seconds it may run.
    pub timeout_seconds: u32,
    /// Seconds a finished Job is kept before the cluster deletes it.
    pub ttl_seconds: u32,
    /// The workloads the migration connects to (sorted): by default the service's
    /// dependencies that are databases. Its network rules open only these.
    pub depends_on: Vec<Spanned<String>>,
    /// Waits run before the migration, one per dependency that has a readiness command.
    pub waits: Vec<Wait>,
    /// Where it is written.
    pub span: Span,
}

/// A step that waits until a dependency accepts clients: `command` run in `image` (the
/// dependency's own image, which has the client tool) until it exits 0.
#[derive(Debug, Clone)]
pub struct Wait {
    /// The dependency waited for.
    pub workload: String,
    /// Its image.
    pub image: ImageRef,
    /// The check, with the dependency's host and port filled in for each target.
    pub command: Vec<Template>,
    /// The image's user.
    pub uid: u32,
}

/// A secret mounted as a file (never in the environment).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretFile {
    /// The secret's name in the spec.
    pub secret: String,
    /// The file's path in the container.
    pub path: String,
}

/// Backups.
#[derive(Debug, Clone)]
pub struct Backup {
    /// Incremental schedule.
    pub incremental: Option<Spanned<Cron>>,
    /// Full schedule.
    pub full: Spanned<Cron>,
    /// Incremental backups kept.
    pub keep_incremental: u32,
    /// Full backups kept.
    pub keep_full: u32,
    /// The first destination (`destinations[0]`), kept for code that reads one.
    pub destination: Option<Spanned<String>>,
    /// Every destination a backup is copied to, in the spec's order: `destination`, then
    /// `destinations` (names of [`crate::ir::Platform::backup_destinations`]).
    pub destinations: Vec<Spanned<String>>,
    /// Continuous archiving asked for (the spec's `continuous`, default on). It is carried
    /// out only where the engine catalog has an archive ([`crate::catalog::BackupMethod`]);
    /// [`Backup::recovery_point_seconds`] says what it gives.
    pub continuous: Spanned<bool>,
    /// The declared recovery point objective, in seconds (`rpo: 1h` is 3600): the most
    /// recent data a restore may lose. Alerts on a backup's age compare against it.
    pub rpo_seconds: Option<Spanned<u64>>,
    /// The declared recovery time objective, in seconds (`rto: 4h` is 14400).
    pub rto_seconds: Option<Spanned<u64>>,
    /// Where the block is written.
    pub span: Span,
}

impl Backup {
    /// The worst-case recovery point of these backups of `engine`, in seconds: how much of
    /// the newest data a restore can lose at the worst moment. With continuous archiving
    /// that the engine has, the archive's bound (the engine's segment timeout plus the
    /// shipping interval); otherwise the longest gap between two scheduled runs (full and
    /// incremental together) plus the run itself, counted as one minute (cron's
    /// resolution); an engine's own snapshots likewise. `None` when the engine cannot be
    /// backed up; `u64::MAX` when the
    /// schedules fire at most once a year.
    pub fn recovery_point_seconds(&self, engine: crate::model::Engine) -> Option<u64> {
        let support = crate::catalog::engine(engine).backup;
        if support.gap().is_some() {
            return None;
        }
        if self.continuous.value
            && let Some(a) = support.method().and_then(|m| m.archive)
        {
            return Some(a.recovery_point_seconds());
        }
        let schedules: Vec<&Cron> = std::iter::once(&self.full.value)
            .chain(self.incremental.as_ref().map(|i| &i.value))
            .collect();
        let gap = Cron::max_gap_minutes_of(&schedules);
        Some(if gap == u64::MAX {
            u64::MAX
        } else {
            gap.saturating_add(1).saturating_mul(60)
        })
    }

    /// The schedule that bounds the recovery point when nothing archives continuously:
    /// the one that runs more often.
    pub fn tightest_schedule(&self) -> &Spanned<Cron> {
        match &self.incremental {
            Some(i) if i.value.max_gap_minutes() < self.full.value.max_gap_minutes() => i,
            _ => &self.full,
        }
    }
}

/// Persistent storage.
#[derive(Debug, Clone)]
pub struct Storage {
    /// Size.
    pub size: Spanned<Quantity>,
    /// Storage class.
    pub storage_class: Option<String>,
    /// Mount path in the container.
    pub mount_path: String,
}

/// Metrics endpoint.
#[derive(Debug, Clone)]
pub struct Metrics {
    /// Path.
    pub path: String,
    /// Port name.
    pub port_name: String,
    /// Port number.
    pub port: u16,
}

/// Credentials of a backing service or Grafana.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// User name.
    pub user: String,
    /// Secret holding the password.
    pub password_secret: Spanned<String>,
}

/// A node directory mount.
#[derive(Debug, Clone)]
pub struct HostPath {
    /// Node path.
    pub host_path: Spanned<String>,
    /// Container path.
    pub mount_path: String,
    /// Read-only.
    pub read_only: bool,
}

/// Security settings, resolved: every field concrete. Spans point at the spec where the
/// value was set, or are detached where nexus's hardened default applies.
#[derive(Debug, Clone)]
pub struct Security {
    /// User id.
    pub run_as_user: Spanned<i64>,
    /// Group id.
    pub run_as_group: Spanned<i64>,
    /// Volume group.
    pub fs_group: i64,
    /// Refuse root.
    pub run_as_non_root: Spanned<bool>,
    /// Read-only root filesystem.
    pub read_only_root_filesystem: Spanned<bool>,
    /// Privilege escalation.
    pub allow_privilege_escalation: Spanned<bool>,
    /// Privileged.
    pub privileged: Spanned<bool>,
    /// Capabilities added.
    pub capabilities_add: Vec<Spanned<String>>,
    /// Capabilities dropped.
    pub capabilities_drop: Vec<Spanned<String>>,
    /// Where `capabilities.drop` is written, if it is.
    pub capabilities_drop_span: Span,
    /// Seccomp profile.
    pub seccomp: Spanned<Seccomp>,
    /// Host network.
    pub host_network: Spanned<bool>,
    /// Host PID namespace.
    pub host_pid: Spanned<bool>,
    /// Host IPC namespace.
    pub host_ipc: Spanned<bool>,
    /// Node directories.
    pub host_paths: Vec<HostPath>,
    /// Paths kept writable (emptyDir / tmpfs), sorted, always including `/tmp`.
    pub writable_paths: Vec<String>,
    /// Folders made writable and filled with the image's own files before the workload
    /// starts (the entrypoint edits them), sorted.
    pub seeded_paths: Vec<String>,
}

/// One workload of the platform.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Name (a DNS-1123 label, unique across the platform).
    pub name: Spanned<String>,
    /// What it is.
    pub kind: WorkloadKind,
    /// Tier.
    pub tier: Tier,
    /// Image.
    pub image: Spanned<ImageRef>,
    /// Entrypoint override.
    pub command: Option<Vec<String>>,
    /// Arguments override.
    pub args: Option<Vec<String>>,
    /// Ports (the first is the main one).
    pub ports: Vec<Port>,
    /// Environment, sorted by name.
    pub env: Vec<EnvVar>,
    /// Resources.
    pub resources: Resources,
    /// Replicas (the minimum when autoscaling).
    pub replicas: Spanned<u32>,
    /// Health checks.
    pub health: Health,
    /// Dependencies (start order, and a connection on client ports), sorted.
    pub depends_on: Vec<Spanned<String>>,
    /// Connections that imply no start order, sorted by target.
    pub talks_to: Vec<Talk>,
    /// Autoscaling.
    pub autoscaling: Option<Autoscaling>,
    /// Disruption budget.
    pub disruption_budget: Option<DisruptionBudget>,
    /// Rollout.
    pub rollout: Rollout,
    /// Migration job.
    pub migration: Option<Migration>,
    /// Backups.
    pub backup: Option<Backup>,
    /// Storage.
    pub storage: Option<Storage>,
    /// Credentials.
    pub credentials: Option<Credentials>,
    /// Database (or vhost, or bucket) to create.
    pub database: Option<String>,
    /// Exposure.
    pub exposure: Spanned<Exposure>,
    /// Metrics endpoint.
    pub metrics: Option<Metrics>,
    /// Security.
    pub security: Security,
    /// Secrets the container reads from files, sorted.
    pub secret_files: Vec<SecretFile>,
    /// Size of a memory-backed `/dev/shm`, in MiB, when the engine uses shared memory.
    pub shm_mib: Option<u64>,
    /// Where the workload is defined (its name).
    pub span: Span,
}

impl Workload {
    /// The port with this name.
    pub fn port(&self, name: &str) -> Option<&Port> {
        self.ports.iter().find(|p| p.name.value == name)
    }

    /// Every workload this one connects to: its `dependsOn` and then its `talksTo` targets
    /// (a target may appear in both).
    pub fn connections(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.depends_on
            .iter()
            .chain(self.talks_to.iter().map(|t| &t.workload))
    }

    /// The main port, if any.
    pub fn main_port(&self) -> Option<&Port> {
        self.ports.first()
    }

    /// The secrets the workload uses (in its environment or as files), sorted and
    /// deduplicated.
    pub fn secrets(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .env
            .iter()
            .flat_map(|e| e.value.value.secrets())
            .chain(self.secret_files.iter().map(|f| f.secret.as_str()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}
