//! The resolved platform: one environment's overlay applied, defaults filled, every value
//! parsed, references checked and `${...}` placeholders turned into [`Template`]s. This is
//! what `nexus-lint` and `nexus-render` consume. Every value keeps the span of the spec text
//! it came from (base spec or overlay); values nexus filled in carry [`Span::DETACHED`].
//!
//! Placeholders for hosts and secrets stay symbolic ([`Segment::Host`], [`Segment::Secret`]):
//! each target resolves them its own way.

mod alerting;
mod destination;
mod gateway;
mod workload;

pub use alerting::{Alerting, Receiver, SeverityRoute};
pub use destination::{AccessKey, AppBucket, Destination, Place, SnapshotUser};
pub use gateway::{
    Gateway, GatewayTls, Header, Hsts, KubernetesEdge, NginxGateway, Rate, RateLimit, Route,
};
pub use workload::{
    Autoscaling, Backup, Credentials, DisruptionBudget, EnvVar, Health, HostPath, Metrics,
    Migration, Port, Probe, ProbeAction, QueueTrigger, Resources, Rollout, SecretFile, Security,
    Storage, Talk, Wait, Workload, WorkloadKind,
};

use std::collections::BTreeMap;

pub use crate::catalog::PortRole;
use crate::model::{SecretStoreKind, Waiver};
use crate::span::{Span, Spanned};
pub use crate::values::{Cron, ImageRef, NginxVersion, Quantity, Segment, Template};

/// One environment of a platform, resolved.
#[derive(Debug, Clone)]
pub struct Platform {
    /// The platform's name.
    pub name: Spanned<String>,
    /// The platform release.
    pub version: Spanned<semver::Version>,
    /// What the platform is.
    pub description: Option<String>,
    /// The environment this is (`staging`).
    pub environment: Spanned<String>,
    /// Namespace (Kubernetes) and project name (Compose).
    pub namespace: Spanned<String>,
    /// Extra labels for every object.
    pub labels: BTreeMap<String, String>,
    /// Extra annotations for every object.
    pub annotations: BTreeMap<String, String>,
    /// Every workload (services, backing services, monitoring), sorted by name.
    pub workloads: Vec<Workload>,
    /// Secrets, sorted by name.
    pub secrets: Vec<Secret>,
    /// Backup destinations the backups name, sorted by name (declared ones, and a MinIO
    /// workload a backup names directly).
    pub backup_destinations: Vec<Destination>,
    /// The gateway.
    pub gateway: Option<Gateway>,
    /// How often Prometheus scrapes, in seconds (when Prometheus is part of the platform).
    pub scrape_interval_seconds: u64,
    /// Alerting (when the platform runs Alertmanager).
    pub alerting: Option<Alerting>,
    /// Pull secrets by registry host (`registry.example.com` → `registry-credentials`).
    pub pull_secrets: BTreeMap<String, String>,
    /// Waivers that apply to this environment.
    pub waivers: Vec<Waiver>,
    /// The namespace quota the environment declares (figures it leaves out are derived from
    /// the workloads, see [`crate::placement`]).
    pub quota: Quota,
    /// The span of the spec file's `spec` mapping key (for platform-wide findings).
    pub span: Span,
}

/// A declared namespace quota; each figure is optional.
#[derive(Debug, Clone, Default)]
pub struct Quota {
    /// Total CPU requests.
    pub requests_cpu: Option<Spanned<Quantity>>,
    /// Total memory requests.
    pub requests_memory: Option<Spanned<Quantity>>,
    /// Total CPU limits.
    pub limits_cpu: Option<Spanned<Quantity>>,
    /// Total memory limits.
    pub limits_memory: Option<Spanned<Quantity>>,
    /// Total storage of volume claims.
    pub storage: Option<Spanned<Quantity>>,
    /// Most pods at once.
    pub pods: Option<Spanned<u32>>,
}

impl Platform {
    /// The backup destination with this name.
    pub fn backup_destination(&self, name: &str) -> Option<&Destination> {
        self.backup_destinations
            .iter()
            .find(|d| d.name.value == name)
    }

    /// The workload with this name.
    pub fn workload(&self, name: &str) -> Option<&Workload> {
        workload_named(&self.workloads, name)
    }

    /// The secret with this name.
    pub fn secret(&self, name: &str) -> Option<&Secret> {
        self.secrets
            .binary_search_by(|s| s.name.value.as_str().cmp(name))
            .ok()
            .map(|i| &self.secrets[i])
    }

    /// The workloads that depend on `name`.
    pub fn dependents<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Workload> + 'a {
        self.workloads
            .iter()
            .filter(move |w| w.depends_on.iter().any(|d| d.value == name))
    }
}

/// A secret, resolved.
#[derive(Debug, Clone)]
pub struct Secret {
    /// Its name.
    pub name: Spanned<String>,
    /// The environment variable that carries it in Compose and `.env` files.
    pub env_var: String,
    /// What it is for.
    pub description: Option<String>,
    /// Where an external store keeps it.
    pub external: Option<ExternalSecret>,
}

/// An external secret store reference, resolved.
#[derive(Debug, Clone)]
pub struct ExternalSecret {
    /// Store name.
    pub store: Spanned<String>,
    /// Store kind.
    pub store_kind: SecretStoreKind,
    /// Key in the store, for this environment (`{environment}` replaced).
    pub key: String,
    /// Where the key is written.
    pub key_span: crate::span::Span,
    /// The other environments that read some secret from this same store key (sorted):
    /// empty when each environment has its own key (lint rule NX-SEC-031).
    pub shared_with: Vec<String>,
    /// Property of the key.
    pub property: Option<String>,
}

/// The workload named `name` among `workloads`, which are sorted by name (as a
/// [`Platform`]'s are, and resolution's once their names are checked).
pub(crate) fn workload_named<'a>(workloads: &'a [Workload], name: &str) -> Option<&'a Workload> {
    workloads
        .binary_search_by(|w| w.name.value.as_str().cmp(name))
        .ok()
        .map(|i| &workloads[i])
}
