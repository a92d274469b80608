//! The spec as written: the types a spec file deserializes into.
//!
//! Leaf values that need parsing (quantities, images, versions, schedules, durations, names)
//! are kept as spanned text here and parsed by [`crate::resolve`], so that every problem of a
//! file is reported in one run with its exact position. The resolved, parsed form is
//! [`crate::ir`].

mod alerting;
mod backing;
mod common;
mod destination;
mod edge;
mod environment;
mod gateway;
mod monitoring;
mod refill;
mod secret;
mod service;
mod waiver;

pub use alerting::{Alertmanager, Receiver, ReceiverKind, Severity, SeverityRoute, SeverityRoutes};
pub use backing::{BackingService, Backup, Credentials, Engine, Retention};
pub use common::{
    Autoscaling, Capabilities, DisruptionBudget, ExecProbe, Exposure, Health, HostPathMount,
    HttpProbe, Metrics, Migration, Port, Probe, Protocol, QuantityText, QueueScaling,
    ResourceFigures, Resources, Rollout, RolloutStrategy, Seccomp, Security, Slot, SlotSpec,
    Storage, TcpProbe, Tier,
};
pub use destination::{AppBucket, BackupDestination, DestinationCredentials, SnapshotUser};
pub use edge::{EdgeController, EdgeKind, KubernetesEdge};
pub use environment::{Environment, GatewayOverlay, MonitoringOverlay, Quota, WorkloadOverlay};
pub use gateway::{Gateway, Headers, Hsts, NginxSettings, RateLimit, Route, Tls, TlsVersion};
pub use monitoring::{Grafana, Jaeger, Monitoring, Prometheus};
pub use secret::{ExternalSecretRef, Secret, SecretStoreKind};
pub use service::{Service, TalksTo};
pub use waiver::Waiver;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::span::Spanned;

/// A name used as a map key (a service, secret, environment...): spanned text.
pub type Name = Spanned<String>;

/// The API version this build of nexus reads.
pub const API_VERSION: &str = "nexus.dev/v1alpha1";
/// The only kind of document nexus reads today.
pub const KIND_PLATFORM: &str = "Platform";

/// A spec file: a Kubernetes-style envelope around a [`PlatformSpec`].
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    title = "nexus Platform",
    description = "A whole platform for nexus to validate, lint and render."
)]
pub struct PlatformFile {
    /// Must be `nexus.dev/v1alpha1`.
    #[schemars(extend("const" = "nexus.dev/v1alpha1"))]
    pub api_version: Spanned<String>,
    /// Must be `Platform`.
    #[schemars(extend("const" = "Platform"))]
    pub kind: Spanned<String>,
    /// Name and release of the platform.
    pub metadata: Metadata,
    /// The platform itself.
    pub spec: PlatformSpec,
}

/// Name and release of a platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// The platform's name (a DNS-1123 label); prefixes namespaces and labels.
    pub name: Name,
    /// The platform release, a semantic version such as `1.4.0`.
    pub version: Spanned<String>,
    /// What the platform is, for humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Spanned<String>>,
    /// Extra labels put on every rendered object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<Name, Spanned<String>>,
    /// Extra annotations put on every rendered object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<Name, Spanned<String>>,
}

/// Everything the platform is made of.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformSpec {
    /// Secrets the platform uses, by name. Only references: values never appear in a spec.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<Name, Secret>,
    /// Application services (stateless workloads built by the platform's team), by name.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "refill::deserialize"
    )]
    pub services: BTreeMap<Name, Service>,
    /// Typed backing services (databases, caches, queues, object storage), by name.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "refill::deserialize"
    )]
    pub backing_services: BTreeMap<Name, BackingService>,
    /// Object stores backups are copied to, by name (`backup.destinations` names them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub backup_destinations: BTreeMap<Name, BackupDestination>,
    /// The monitoring stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<Monitoring>,
    /// The gateway in front of the platform (Nginx / Ingress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Gateway>,
    /// Private image registries, by host (`registry.example.com`): every Kubernetes pod
    /// with an image from one of them gets its pull secret.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub registries: BTreeMap<Name, Registry>,
    /// Environments (at least one), each a typed overlay on this spec.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "refill::deserialize"
    )]
    pub environments: BTreeMap<Name, Environment>,
    /// Lint findings accepted on purpose, each with a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<Waiver>,
}

/// A private image registry.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Registry {
    /// The Kubernetes Secret (type `kubernetes.io/dockerconfigjson`) in the platform's
    /// namespace that holds the registry's credentials; rendered as `imagePullSecrets` of
    /// every pod that pulls from the registry. nexus references it and never writes it.
    pub pull_secret: Name,
}
