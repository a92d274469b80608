//! Environments: typed overlays on the base spec.
//!
//! An overlay may only change what the base spec has: naming a service, backing service,
//! environment variable or rate limit that does not exist is an error, so a typo in an
//! override never silently adds something new.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use super::backing::Backup;
use super::common::{Autoscaling, DisruptionBudget, Resources, Rollout, Storage};
use super::gateway::{RateLimit, Tls};
use crate::span::Spanned;

/// One environment (`staging`, `production`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    /// Kubernetes namespace and Compose project name (default `<platform>-<environment>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Name>,
    /// What the environment is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Spanned<String>>,
    /// Overrides per application service.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<Name, WorkloadOverlay>,
    /// Overrides per backing service.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub backing_services: BTreeMap<Name, WorkloadOverlay>,
    /// Overrides of the monitoring stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<MonitoringOverlay>,
    /// Overrides of the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayOverlay>,
    /// Another pull secret per registry the spec declares (each environment its own
    /// registry credentials).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub registries: BTreeMap<Name, super::Registry>,
    /// What the cluster grants the environment's namespace. Each figure given here is the
    /// namespace's ResourceQuota instead of the one nexus derives from the workloads, and
    /// `nexus lint` reports a figure the workloads would exceed at full scale (NX-RES-010).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
}

/// A namespace quota: the most the environment's pods may request and use together.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    /// Total CPU and memory requests.
    #[serde(default)]
    pub requests: super::ResourceFigures,
    /// Total CPU and memory limits.
    #[serde(default)]
    pub limits: super::ResourceFigures,
    /// Total storage requested by volume claims (`500Gi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Spanned<super::QuantityText>>,
    /// The most pods that may exist at once (running or pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<Spanned<i64>>,
}

/// What an environment may change on a workload. Fields that do not apply to the workload's
/// kind (a rollout on a database, say) are errors.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadOverlay {
    /// Another image (services and monitoring).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
    /// Another engine version (backing services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Spanned<String>>,
    /// Replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Spanned<i64>>,
    /// Requests and limits; each figure given replaces the base one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Values of environment variables the base spec declares.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<Name, Spanned<String>>,
    /// Autoscaling (replaces the base block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// Disruption budget (replaces the base block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption_budget: Option<DisruptionBudget>,
    /// Rollout; each field given replaces the base one (`activeSlot: green`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// Storage (replaces the base block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// Backups (replaces the base block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Backup>,
}

/// Overrides of the monitoring stack.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringOverlay {
    /// Prometheus overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<WorkloadOverlay>,
    /// Grafana overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grafana: Option<WorkloadOverlay>,
    /// Jaeger overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jaeger: Option<WorkloadOverlay>,
}

/// Overrides of the gateway.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewayOverlay {
    /// Host names (replace the base list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Vec<Spanned<String>>>,
    /// TLS settings (replace the base block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// Rate limits the base spec declares, with new figures.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rate_limits: BTreeMap<Name, RateLimit>,
    /// Gateway replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Spanned<i64>>,
}
