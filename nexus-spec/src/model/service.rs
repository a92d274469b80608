//! Application services.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use super::common::{
    Autoscaling, DisruptionBudget, Exposure, Health, Metrics, Migration, Port, Resources, Rollout,
    Security, Tier,
};
use crate::span::Spanned;

/// A connection a service opens: `{workload: rabbitmq}` or
/// `{workload: rabbitmq, ports: [amqp, management]}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct TalksTo {
    /// The workload it connects to.
    pub workload: Name,
    /// The target's ports it uses, by name (default: the target's client ports; an
    /// engine's administration and clustering ports are opened only when named here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Spanned<String>>,
}

/// An application service: a stateless workload built by the platform's team.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The container image, with a tag or digest (`registry.example.com/team/api:1.4.0`).
    pub image: Spanned<String>,
    /// Tier, for network policy (default `backend`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Spanned<Tier>>,
    /// Replaces the image's entrypoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<Spanned<String>>>,
    /// Replaces the image's arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<Spanned<String>>>,
    /// Ports the service listens on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Environment variables. Values may use `${secrets.NAME}` and `${WORKLOAD.host}`,
    /// `${WORKLOAD.port}` or `${WORKLOAD.PORTNAME.port}` placeholders; `$${` is a literal `${`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<Name, Spanned<String>>,
    /// CPU and memory requests and limits.
    #[serde(default)]
    pub resources: Resources,
    /// Replicas when autoscaling is off (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Spanned<i64>>,
    /// Health checks.
    #[serde(default)]
    pub health: Health,
    /// Workloads this service needs before it starts. Each is also a connection (as if listed
    /// in `talksTo`, on its client ports). The graph of `dependsOn` must have no cycle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Name>,
    /// Workloads this service connects to without waiting for them: network rules open
    /// exactly these (and the `dependsOn` ones), on the target's client ports unless `ports`
    /// names others. Two services may talk to each other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub talks_to: Vec<TalksTo>,
    /// Horizontal autoscaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// Disruption budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption_budget: Option<DisruptionBudget>,
    /// Rollout strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// Migrations to run before a release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrations: Option<Migration>,
    /// Whether the gateway may route to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Spanned<Exposure>>,
    /// Metrics endpoint for Prometheus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    /// Security settings (hardened by default).
    #[serde(default)]
    pub security: Security,
}
