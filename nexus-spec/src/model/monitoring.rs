//! The monitoring stack: Prometheus, Grafana, Jaeger and Alertmanager.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use super::common::{Exposure, Resources, Security, Storage};
use crate::span::Spanned;

/// The monitoring stack. Each part is a workload named after its component
/// (`prometheus`, `grafana`, `jaeger`), so routes and placeholders can name it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Monitoring {
    /// Metrics collection; scrapes every workload that declares `metrics`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Prometheus>,
    /// Dashboards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grafana: Option<Grafana>,
    /// Distributed tracing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jaeger: Option<Jaeger>,
    /// Alerting: notifies receivers of the alerts Prometheus evaluates from the rules nexus
    /// derives from the spec (needs `prometheus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alertmanager: Option<super::Alertmanager>,
}

/// Prometheus.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Prometheus {
    /// Version, as the image tag (`v2.53.0`).
    pub version: Spanned<String>,
    /// Image to use instead of the official one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
    /// How long samples are kept (`15d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Spanned<String>>,
    /// How often targets are scraped (`30s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_interval: Option<Spanned<String>>,
    /// CPU and memory.
    #[serde(default)]
    pub resources: Resources,
    /// Persistent storage for the time-series database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// Security settings (hardened by default).
    #[serde(default)]
    pub security: Security,
}

/// Grafana.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Grafana {
    /// Version, as the image tag (`11.1.0`).
    pub version: Spanned<String>,
    /// Image to use instead of the official one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
    /// The secret that holds the admin password.
    pub admin_password_secret: Name,
    /// CPU and memory.
    #[serde(default)]
    pub resources: Resources,
    /// Persistent storage for dashboards and users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// Whether the gateway may route to it (default internal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Spanned<Exposure>>,
    /// The sub-path Grafana is served under behind the gateway (`/grafana`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<Spanned<String>>,
    /// Security settings (hardened by default).
    #[serde(default)]
    pub security: Security,
}

/// Jaeger (all-in-one).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Jaeger {
    /// Version, as the image tag (`1.57`).
    pub version: Spanned<String>,
    /// Image to use instead of the official one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
    /// CPU and memory.
    #[serde(default)]
    pub resources: Resources,
    /// Security settings (hardened by default).
    #[serde(default)]
    pub security: Security,
}
