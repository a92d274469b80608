//! Typed backing services: the engines nexus knows how to run.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use super::common::{DisruptionBudget, Health, Resources, Security, Storage};
use crate::span::Spanned;

/// A database, cache, queue or object store engine.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// PostgreSQL.
    Postgres,
    /// Redis.
    Redis,
    /// Elasticsearch.
    Elasticsearch,
    /// Neo4j.
    Neo4j,
    /// RabbitMQ.
    Rabbitmq,
    /// MinIO.
    Minio,
}

impl Engine {
    /// Every engine, in a fixed order.
    pub const ALL: [Engine; 6] = [
        Engine::Postgres,
        Engine::Redis,
        Engine::Elasticsearch,
        Engine::Neo4j,
        Engine::Rabbitmq,
        Engine::Minio,
    ];

    /// The engine's name as written in a spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Redis => "redis",
            Engine::Elasticsearch => "elasticsearch",
            Engine::Neo4j => "neo4j",
            Engine::Rabbitmq => "rabbitmq",
            Engine::Minio => "minio",
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long backups are kept.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// Incremental backups kept (a count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental: Option<Spanned<i64>>,
    /// Full backups kept (a count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<Spanned<i64>>,
}

/// Backups of a stateful backing service.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Backup {
    /// Cron schedule of incremental backups (`0 * * * *`: hourly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental: Option<Spanned<String>>,
    /// Cron schedule of full backups (`0 2 * * *`: daily at 02:00).
    pub full: Spanned<String>,
    /// How many of each to keep.
    #[serde(default)]
    pub retention: Retention,
    /// Where backups go: a declared backup destination (`spec.backupDestinations`), or a
    /// MinIO backing service of this platform, written to with its root user (prefer a
    /// declared destination: its setup creates a backup user that cannot delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Name>,
    /// More destinations every backup is copied to (at most two in all, with
    /// `destination`), such as an off-site store: `[minio, offsite]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<Name>,
    /// Continuous archiving between the scheduled backups, where the engine has it
    /// (PostgreSQL: every WAL segment shipped to the destination within minutes, so a
    /// restore reaches any point in time inside retention). On by default; `false` leaves
    /// only the scheduled backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuous: Option<Spanned<bool>>,
    /// Recovery point objective: the most recent data, as a time span, that a restore may
    /// lose (`1h`). Lint reports an error when the backups cannot meet it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo: Option<Spanned<String>>,
    /// Recovery time objective: how long a restore may take, from the decision to restore
    /// to the engine serving again (`4h`). The environment README's runbook states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto: Option<Spanned<String>>,
}

/// Credentials of a backing service: a user name and a secret holding its password.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    /// The user (or access key) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Spanned<String>>,
    /// The name of the secret that holds the password.
    pub password_secret: Name,
}

/// A typed backing service.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackingService {
    /// Which engine.
    pub engine: Spanned<Engine>,
    /// The engine version, as the image tag (`"15"`, `"7.2"`); quote it.
    pub version: Spanned<String>,
    /// Image to use instead of the engine's official one (must match the version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
    /// Replicas (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Spanned<i64>>,
    /// CPU and memory.
    #[serde(default)]
    pub resources: Resources,
    /// Persistent storage (required for every engine but Redis used as a cache).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// Credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// The database (or vhost, or bucket) to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<Spanned<String>>,
    /// Backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Backup>,
    /// Health checks (default: the engine's own).
    #[serde(default)]
    pub health: Health,
    /// Disruption budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption_budget: Option<DisruptionBudget>,
    /// Security settings (hardened by default, with the engine's own non-root user).
    #[serde(default)]
    pub security: Security,
}
