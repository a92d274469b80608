//! The lint policy: thresholds, budgets, allowed registries and rule settings.
//!
//! A policy lives in its own file (`nexus-policy.yaml`), not in the spec: one policy serves
//! every spec of an organisation, the team that owns the policy is not the team that owns a
//! spec, and a spec cannot quietly loosen the rules it is judged by. What a spec may do is
//! waive single findings, with a reason, where reviewers see it (`spec.waivers`).
//!
//! [`Policy::default`] is the built-in policy used when no file is given; [`load`] reads a
//! file (see `docs/rules.md` for the format).

mod file;
mod load;

pub use load::{load, parse};

use std::collections::BTreeMap;

use nexus_spec::Severity;
use nexus_spec::model::{Tier, TlsVersion};
use nexus_spec::values::{NginxVersion, Quantity};

/// What the policy says about one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    /// The rule does not run.
    Off,
    /// The rule runs, and its findings have this severity.
    On(Severity),
}

/// Lower and upper bounds of a quantity.
#[derive(Debug, Clone, Default)]
pub struct Bounds {
    /// Smallest allowed value.
    pub min: Option<Quantity>,
    /// Largest allowed value.
    pub max: Option<Quantity>,
}

/// Resource rules' thresholds.
#[derive(Debug, Clone)]
pub struct ResourcePolicy {
    /// Largest CPU limit / request ratio.
    pub max_cpu_ratio: Option<f64>,
    /// Largest memory limit / request ratio.
    pub max_memory_ratio: Option<f64>,
    /// Bounds of a container's CPU request.
    pub cpu_request: Bounds,
    /// Bounds of a container's memory request.
    pub memory_request: Bounds,
}

impl Default for ResourcePolicy {
    fn default() -> Self {
        ResourcePolicy {
            max_cpu_ratio: Some(4.0),
            max_memory_ratio: Some(2.0),
            cpu_request: Bounds {
                min: Some(q("10m")),
                max: Some(q("16")),
            },
            memory_request: Bounds {
                min: Some(q("16Mi")),
                max: Some(q("64Gi")),
            },
        }
    }
}

/// A namespace quota: what all workloads of one environment may reserve together. Each
/// figure that is set is checked.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// Sum of CPU requests.
    pub requests_cpu: Option<Quantity>,
    /// Sum of memory requests.
    pub requests_memory: Option<Quantity>,
    /// Sum of CPU limits.
    pub limits_cpu: Option<Quantity>,
    /// Sum of memory limits.
    pub limits_memory: Option<Quantity>,
    /// Sum of persistent volume sizes.
    pub storage: Option<Quantity>,
}

/// Availability thresholds.
#[derive(Debug, Clone)]
pub struct AvailabilityPolicy {
    /// Fewest replicas per tier.
    pub min_replicas: BTreeMap<Tier, u32>,
    /// Recovery point objective: the longest acceptable gap between backups, in seconds.
    pub rpo_seconds: u64,
    /// How far back backups must reach, in seconds.
    pub min_backup_retention_seconds: u64,
}

impl Default for AvailabilityPolicy {
    fn default() -> Self {
        AvailabilityPolicy {
            min_replicas: BTreeMap::from([
                (Tier::Frontend, 2),
                (Tier::Backend, 2),
                (Tier::Data, 1),
                (Tier::Monitoring, 1),
            ]),
            rpo_seconds: 24 * 3600,
            min_backup_retention_seconds: 7 * 86_400,
        }
    }
}

/// Image rules' settings.
#[derive(Debug, Clone, Default)]
pub struct ImagePolicy {
    /// Registries images may come from (`docker.io`, `registry.example.com`); empty: any.
    /// An entry matches the registry host exactly, or with `*.` any subdomain of it.
    pub allowed_registries: Vec<String>,
}

/// A dependency edge between tiers that the policy forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TierEdge {
    /// The tier of the workload that depends.
    pub from: Tier,
    /// The tier of the workload depended on.
    pub to: Tier,
}

/// Network rules' settings.
#[derive(Debug, Clone)]
pub struct NetworkPolicy {
    /// Dependency edges that must not exist.
    pub forbidden_tier_edges: Vec<TierEdge>,
}

impl Default for NetworkPolicy {
    fn default() -> Self {
        NetworkPolicy {
            forbidden_tier_edges: vec![TierEdge {
                from: Tier::Frontend,
                to: Tier::Data,
            }],
        }
    }
}

/// TLS rules' thresholds.
#[derive(Debug, Clone)]
pub struct TlsPolicy {
    /// Oldest acceptable TLS version.
    pub min_version: TlsVersion,
    /// Shortest acceptable HSTS max-age, in seconds.
    pub hsts_min_age: u64,
}

impl Default for TlsPolicy {
    fn default() -> Self {
        TlsPolicy {
            min_version: TlsVersion::V1_2,
            hsts_min_age: 15_768_000,
        }
    }
}

/// Nginx rules' thresholds.
#[derive(Debug, Clone)]
pub struct NginxPolicy {
    /// Oldest acceptable Nginx version.
    pub min_version: NginxVersion,
}

impl Default for NginxPolicy {
    fn default() -> Self {
        NginxPolicy {
            min_version: NginxVersion::new(1, 26, 0),
        }
    }
}

/// Settings that differ per environment.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentPolicy {
    /// The namespace quota.
    pub budget: Option<Budget>,
    /// Fewest replicas per tier, overriding the policy-wide figure.
    pub min_replicas: BTreeMap<Tier, u32>,
    /// Recovery point objective in seconds, overriding the policy-wide figure.
    pub rpo_seconds: Option<u64>,
}

/// A whole lint policy.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Rules turned off, on, or to another severity, by id.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Resource thresholds.
    pub resources: ResourcePolicy,
    /// Availability thresholds.
    pub availability: AvailabilityPolicy,
    /// Image settings.
    pub images: ImagePolicy,
    /// Network settings.
    pub network: NetworkPolicy,
    /// TLS thresholds.
    pub tls: TlsPolicy,
    /// Nginx thresholds.
    pub nginx: NginxPolicy,
    /// Per-environment settings, by environment name.
    pub environments: BTreeMap<String, EnvironmentPolicy>,
}

impl Policy {
    /// The setting of a rule: the policy's, or the rule's default.
    pub fn setting(&self, rule: &crate::Rule) -> RuleSetting {
        match self.rules.get(rule.id) {
            Some(s) => *s,
            None if rule.enabled => RuleSetting::On(rule.severity),
            None => RuleSetting::Off,
        }
    }
}

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap_or_else(|e| unreachable!("built-in quantity {text}: {e}"))
}
