//! Alerting: Alertmanager, its receivers and one route per alert severity.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use super::common::{Resources, Security};
use crate::span::Spanned;

/// How bad an alert is. Every rule nexus derives carries one, and Alertmanager routes on it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Users are affected now or data is at risk: page at once.
    Critical,
    /// The platform is degraded and will fail if nobody acts soon.
    High,
    /// Something needs attention within the working day.
    Medium,
    /// Worth a ticket.
    Low,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// The label value (`critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// The next severity up (`medium` → `high`), `None` for `critical`.
    pub fn raised(self) -> Option<Severity> {
        match self {
            Severity::Critical => None,
            Severity::High => Some(Severity::Critical),
            Severity::Medium => Some(Severity::High),
            Severity::Low => Some(Severity::Medium),
        }
    }
}

/// Alertmanager: receives the alerts Prometheus evaluates from the rules nexus derives, and
/// notifies receivers by severity.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alertmanager {
    /// Version, as the image tag (`v0.27.0`).
    pub version: Spanned<String>,
    /// Image to use instead of the official one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
    /// Where notifications go, by name.
    #[serde(default)]
    pub receivers: BTreeMap<Name, Receiver>,
    /// How each severity is notified; every severity needs a route.
    pub routes: SeverityRoutes,
    /// CPU and memory.
    #[serde(default)]
    pub resources: Resources,
    /// Security settings (hardened by default).
    #[serde(default)]
    pub security: Security,
}

/// The kind of a receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReceiverKind {
    /// A Slack incoming webhook; the secret holds the webhook URL.
    Slack,
    /// PagerDuty Events API v2; the secret holds the integration's routing key.
    Pagerduty,
}

/// A place notifications go. Its credential is a secret reference: the URL or key never
/// appears in the spec or in the rendered files.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Receiver {
    /// What it is.
    pub kind: Spanned<ReceiverKind>,
    /// The secret that holds the webhook URL (Slack) or the routing key (PagerDuty);
    /// mounted into Alertmanager as a file.
    pub secret: Name,
    /// The Slack channel (`#nexus-alerts`), for Slack receivers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Spanned<String>>,
}

/// One route per severity.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeverityRoutes {
    /// Alerts with `severity: critical`.
    pub critical: SeverityRoute,
    /// Alerts with `severity: high`.
    pub high: SeverityRoute,
    /// Alerts with `severity: medium`.
    pub medium: SeverityRoute,
    /// Alerts with `severity: low`.
    pub low: SeverityRoute,
}

impl SeverityRoutes {
    /// The route of `severity`.
    pub fn get(&self, severity: Severity) -> &SeverityRoute {
        match severity {
            Severity::Critical => &self.critical,
            Severity::High => &self.high,
            Severity::Medium => &self.medium,
            Severity::Low => &self.low,
        }
    }
}

/// How alerts of one severity are notified.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeverityRoute {
    /// The receiver notified first.
    pub receiver: Name,
    /// How long to wait to group the first alerts of a group (`30s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_wait: Option<Spanned<String>>,
    /// How long to wait before notifying about new alerts of a group already notified (`5m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_interval: Option<Spanned<String>>,
    /// How often a still-firing alert is notified again (`4h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<Spanned<String>>,
    /// The escalation path: an alert of this severity still firing after this long is raised
    /// to the next severity (and so reaches its receiver). Not allowed on `critical`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_after: Option<Spanned<String>>,
}
