//! Alerting, resolved: Alertmanager's receivers and its route per severity.

use crate::model::{ReceiverKind, Severity};
use crate::span::Spanned;

/// The platform's alerting (present when the spec declares Alertmanager).
#[derive(Debug, Clone)]
pub struct Alerting {
    /// The Alertmanager workload's name.
    pub workload: String,
    /// Receivers, sorted by name.
    pub receivers: Vec<Receiver>,
    /// One route per severity, most severe first.
    pub routes: Vec<SeverityRoute>,
}

/// A receiver, resolved.
#[derive(Debug, Clone)]
pub struct Receiver {
    /// Name.
    pub name: Spanned<String>,
    /// Kind.
    pub kind: ReceiverKind,
    /// The secret holding its URL or key.
    pub secret: Spanned<String>,
    /// The file Alertmanager reads the secret from.
    pub secret_path: String,
    /// Slack channel.
    pub channel: Option<String>,
}

/// The route of one severity, with every interval in seconds.
#[derive(Debug, Clone)]
pub struct SeverityRoute {
    /// The severity.
    pub severity: Severity,
    /// The receiver.
    pub receiver: Spanned<String>,
    /// Group wait.
    pub group_wait_seconds: u64,
    /// Group interval.
    pub group_interval_seconds: u64,
    /// Repeat interval.
    pub repeat_interval_seconds: u64,
    /// After how long a firing alert is raised to the next severity.
    pub escalate_after_seconds: Option<u64>,
}
