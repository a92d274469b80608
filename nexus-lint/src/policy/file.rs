//! The policy file as written: every leaf spanned, so a bad value is reported at its line.
//! Unknown keys are errors (the loader reports them with a "did you mean").

use std::collections::BTreeMap;

use nexus_spec::Spanned;
use nexus_spec::model::{QuantityText, Tier, TlsVersion};
use serde::Deserialize;

/// `nexus-policy.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PolicyFile {
    /// Must be `nexus.dev/v1alpha1`.
    pub api_version: Spanned<String>,
    /// Must be `LintPolicy`.
    pub kind: Spanned<String>,
    /// Rule id → `off`, `info`, `warning` or `error`.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub resources: Option<ResourcesFile>,
    #[serde(default)]
    pub availability: Option<AvailabilityFile>,
    #[serde(default)]
    pub images: Option<ImagesFile>,
    #[serde(default)]
    pub network: Option<NetworkFile>,
    #[serde(default)]
    pub tls: Option<TlsFile>,
    #[serde(default)]
    pub nginx: Option<NginxFile>,
    /// Environment name → its settings.
    #[serde(default)]
    pub environments: BTreeMap<Spanned<String>, EnvironmentFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RatioFile {
    #[serde(default)]
    pub cpu: Option<Spanned<f64>>,
    #[serde(default)]
    pub memory: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BoundsFile {
    #[serde(default)]
    pub min: Option<Spanned<QuantityText>>,
    #[serde(default)]
    pub max: Option<Spanned<QuantityText>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestBoundsFile {
    #[serde(default)]
    pub cpu: Option<BoundsFile>,
    #[serde(default)]
    pub memory: Option<BoundsFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResourcesFile {
    #[serde(default)]
    pub max_limit_request_ratio: Option<RatioFile>,
    #[serde(default)]
    pub requests: Option<RequestBoundsFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TierCounts {
    #[serde(default)]
    pub frontend: Option<Spanned<i64>>,
    #[serde(default)]
    pub backend: Option<Spanned<i64>>,
    #[serde(default)]
    pub data: Option<Spanned<i64>>,
    #[serde(default)]
    pub monitoring: Option<Spanned<i64>>,
}

impl TierCounts {
    pub(super) fn entries(&self) -> [(Tier, Option<&Spanned<i64>>); 4] {
        [
            (Tier::Frontend, self.frontend.as_ref()),
            (Tier::Backend, self.backend.as_ref()),
            (Tier::Data, self.data.as_ref()),
            (Tier::Monitoring, self.monitoring.as_ref()),
        ]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AvailabilityFile {
    #[serde(default)]
    pub min_replicas: Option<TierCounts>,
    #[serde(default)]
    pub rpo: Option<Spanned<String>>,
    #[serde(default)]
    pub min_backup_retention: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImagesFile {
    #[serde(default)]
    pub allowed_registries: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EdgeFile {
    pub from: Spanned<Tier>,
    pub to: Spanned<Tier>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NetworkFile {
    #[serde(default)]
    pub forbidden_tier_edges: Option<Vec<EdgeFile>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TlsFile {
    #[serde(default)]
    pub min_version: Option<Spanned<TlsVersion>>,
    #[serde(default)]
    pub hsts_min_age: Option<Spanned<i64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NginxFile {
    #[serde(default)]
    pub min_version: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FiguresFile {
    #[serde(default)]
    pub cpu: Option<Spanned<QuantityText>>,
    #[serde(default)]
    pub memory: Option<Spanned<QuantityText>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BudgetFile {
    #[serde(default)]
    pub requests: Option<FiguresFile>,
    #[serde(default)]
    pub limits: Option<FiguresFile>,
    #[serde(default)]
    pub storage: Option<Spanned<QuantityText>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EnvironmentFile {
    #[serde(default)]
    pub budget: Option<BudgetFile>,
    #[serde(default)]
    pub min_replicas: Option<TierCounts>,
    #[serde(default)]
    pub rpo: Option<Spanned<String>>,
}
