//! Building blocks shared by services, backing services and the monitoring stack.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use crate::span::Spanned;

/// Which tier a workload belongs to; network rules between tiers are a lint policy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// User-facing web front ends.
    Frontend,
    /// Application back ends and APIs.
    Backend,
    /// Databases, caches, queues, object storage.
    Data,
    /// Metrics, dashboards, tracing.
    Monitoring,
}

impl Tier {
    /// The tier's name as written in a spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Frontend => "frontend",
            Tier::Backend => "backend",
            Tier::Data => "data",
            Tier::Monitoring => "monitoring",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who may reach a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    /// Only other workloads of the platform that declare a dependency on it.
    #[default]
    Internal,
    /// Also the outside world, through the gateway's routes.
    Public,
}

/// Transport protocol of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    /// TCP (the default).
    #[default]
    Tcp,
    /// UDP.
    Udp,
}

/// A port a workload listens on.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Port {
    /// The port's name (a DNS-1123 label of at most 15 characters), used by routes and probes.
    pub name: Spanned<String>,
    /// The port number inside the container, 1 to 65535.
    pub port: Spanned<i64>,
    /// TCP or UDP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Spanned<Protocol>>,
    /// A port on the node to bind (discouraged; lint reports it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<Spanned<i64>>,
}

/// A Kubernetes quantity as written: `500m`, `1Gi`, `2`, or a plain number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct QuantityText(pub String);

/// A quantity written in code (`"500m".into()`), for [`crate::Spec::builder`].
impl From<&str> for Spanned<QuantityText> {
    fn from(text: &str) -> Self {
        Spanned::detached(QuantityText(text.to_owned()))
    }
}

impl Serialize for QuantityText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for QuantityText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = QuantityText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kubernetes quantity such as `500m`, `1Gi` or `2`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_owned()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for QuantityText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Kubernetes quantity: `500m`, `1`, `1Gi`, `512Mi`, `2G`.",
            "anyOf": [
                { "type": "string", "pattern": "^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$" },
                { "type": "number", "minimum": 0 }
            ]
        })
    }
}

/// CPU and memory figures.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceFigures {
    /// CPU in cores or millicores (`500m`, `1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Spanned<QuantityText>>,
    /// Memory in bytes with a suffix (`512Mi`, `2Gi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Spanned<QuantityText>>,
}

/// Requests and limits of a workload's main container.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves.
    #[serde(default)]
    pub requests: ResourceFigures,
    /// The most the container may use.
    #[serde(default)]
    pub limits: ResourceFigures,
}

/// A health check over HTTP.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpProbe {
    /// The path to request, starting with `/`.
    pub path: Spanned<String>,
    /// The name of one of the workload's ports.
    pub port: Spanned<String>,
}

/// A health check that opens a TCP connection.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcpProbe {
    /// The name of one of the workload's ports.
    pub port: Spanned<String>,
}

/// A health check that runs a command in the container.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExecProbe {
    /// The command and its arguments (no shell unless you name one).
    pub command: Vec<Spanned<String>>,
}

/// One health check: exactly one of `http`, `tcp` or `exec`, and its timing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    /// Check over HTTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpProbe>,
    /// Check by opening a TCP connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpProbe>,
    /// Check by running a command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecProbe>,
    /// Seconds to wait before the first check (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<Spanned<i64>>,
    /// Seconds between checks (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<Spanned<i64>>,
    /// Seconds before a check times out (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<Spanned<i64>>,
    /// Failed checks in a row before the workload counts as unhealthy (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<Spanned<i64>>,
}

/// Health checks of a workload. Backing services and the monitoring stack get their engine's
/// own checks when none are given.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Whether the workload may receive traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Probe>,
    /// Whether the workload must be restarted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Probe>,
    /// Whether a slow-starting workload has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Probe>,
}

/// Horizontal autoscaling bounds and targets.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Autoscaling {
    /// Fewest replicas.
    pub min_replicas: Spanned<i64>,
    /// Most replicas.
    pub max_replicas: Spanned<i64>,
    /// Target average CPU utilisation, in percent of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_cpu_utilization: Option<Spanned<i64>>,
    /// Target average memory utilisation, in percent of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_memory_utilization: Option<Spanned<i64>>,
    /// Scale on the depth of a RabbitMQ queue the service consumes (Kubernetes: a KEDA
    /// ScaledObject; Compose cannot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueScaling>,
}

/// Queue-depth autoscaling: enough replicas that each has about `targetLength` ready
/// messages of `queue` to work through.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueScaling {
    /// The RabbitMQ backing service. The service's environment must hold its AMQP URL
    /// (`amqp://${rabbitmq.user}:${secrets...}@${rabbitmq.host}:...`): the autoscaler reads
    /// the connection from it.
    pub workload: Name,
    /// The queue's name.
    pub queue: Spanned<String>,
    /// Ready messages per replica.
    pub target_length: Spanned<i64>,
}

/// How many replicas must stay up during voluntary disruptions: exactly one of the two.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DisruptionBudget {
    /// At least this many replicas stay available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_available: Option<Spanned<i64>>,
    /// At most this many replicas may be down at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<Spanned<i64>>,
}

/// Rollout strategy names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RolloutStrategy {
    /// Replace pods a few at a time (the default).
    #[default]
    Rolling,
    /// Run two full copies (blue and green) and switch traffic between them at once.
    BlueGreen,
}

/// One of the two copies of a blue-green workload.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Slot {
    /// The blue copy.
    #[default]
    Blue,
    /// The green copy.
    Green,
}

impl Slot {
    /// The slot's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Blue => "blue",
            Slot::Green => "green",
        }
    }
}

/// How new versions of a service replace old ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rollout {
    /// `rolling` (default) or `blue-green`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Spanned<RolloutStrategy>>,
    /// For blue-green: which slot receives traffic. Switching changes only where traffic
    /// goes: each slot keeps its own image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_slot: Option<Spanned<Slot>>,
    /// For blue-green: the blue slot (its image defaults to the service's image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blue: Option<SlotSpec>,
    /// For blue-green: the green slot (its image defaults to the service's image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub green: Option<SlotSpec>,
    /// Refused: the image of whichever slot was idle, so switching `activeSlot` swapped the
    /// images of both slots. Give the slot its own image instead (`green: { image: ... }`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_image: Option<Spanned<String>>,
    /// For rolling: extra pods allowed during a rollout (default 25%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<Spanned<String>>,
    /// For rolling: pods allowed to be unavailable during a rollout (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<Spanned<String>>,
}

/// One slot of a blue-green service: what differs per release.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlotSpec {
    /// The image this slot runs (default: the service's image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
}

/// A database migration run before a new release takes traffic.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Migration {
    /// The command to run (in the service's image unless `image` is given).
    pub command: Vec<Spanned<String>>,
    /// Another image to run it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
    /// Retries before the migration counts as failed (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_limit: Option<Spanned<i64>>,
    /// Seconds the migration may run (default 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<Spanned<i64>>,
    /// What the migration connects to, a subset of the service's `dependsOn` (default: the
    /// service's dependencies that are databases). It waits for each before it starts, and
    /// its network rules open only these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<Name>>,
    /// How long a finished migration Job is kept before the cluster deletes it (default
    /// `7d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_for: Option<Spanned<String>>,
}

/// Persistent storage of a stateful workload.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Storage {
    /// Size of the volume (`20Gi`).
    pub size: Spanned<QuantityText>,
    /// Storage class; the cluster default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<Spanned<String>>,
}

/// Where a service publishes metrics for Prometheus.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// HTTP path (default `/metrics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Spanned<String>>,
    /// Name of the port that serves it.
    pub port: Spanned<String>,
}

/// Seccomp profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Seccomp {
    /// The container runtime's default profile (the default).
    #[default]
    RuntimeDefault,
    /// No seccomp filtering (lint reports it).
    Unconfined,
}

/// Linux capabilities to add or drop.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Capabilities to add (such as `NET_BIND_SERVICE`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<Spanned<String>>,
    /// Capabilities to drop (default `[ALL]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop: Option<Vec<Spanned<String>>>,
}

/// A directory of the node mounted into the container (discouraged; lint reports it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostPathMount {
    /// Path on the node.
    pub host_path: Spanned<String>,
    /// Path in the container.
    pub mount_path: Spanned<String>,
    /// Mount read-only (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<Spanned<bool>>,
}

/// Security settings of a workload. Every field defaults to the hardened choice; set one
/// only to loosen it on purpose (lint judges what you loosen).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Security {
    /// User id to run as (default: the engine's own non-root user, or 10001).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<Spanned<i64>>,
    /// Group id to run as (default: same as the user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<Spanned<i64>>,
    /// Group that owns mounted volumes (default: same as the group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<Spanned<i64>>,
    /// Refuse to start as root (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<Spanned<bool>>,
    /// Mount the root filesystem read-only (default true); list writable paths below.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_root_filesystem: Option<Spanned<bool>>,
    /// Let processes gain privileges (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_privilege_escalation: Option<Spanned<bool>>,
    /// Run privileged (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<Spanned<bool>>,
    /// Capabilities (default: drop ALL, add none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
    /// Seccomp profile (default runtime-default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seccomp: Option<Spanned<Seccomp>>,
    /// Share the node's network namespace (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_network: Option<Spanned<bool>>,
    /// Share the node's process namespace (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_pid: Option<Spanned<bool>>,
    /// Share the node's IPC namespace (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_ipc: Option<Spanned<bool>>,
    /// Node directories to mount (default none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_paths: Vec<HostPathMount>,
    /// Paths that must stay writable under a read-only root filesystem (each gets an
    /// emptyDir in Kubernetes and a tmpfs in Compose). `/tmp` is always writable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writable_paths: Vec<Spanned<String>>,
}
