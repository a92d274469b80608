//! Secrets: references only. A spec never holds a secret value.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use crate::span::Spanned;

/// Which kind of External Secrets store a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum SecretStoreKind {
    /// A cluster-wide store (the default).
    #[default]
    ClusterSecretStore,
    /// A store in the platform's namespace.
    SecretStore,
}

/// Where an external secret store keeps the value.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretRef {
    /// The store's name.
    pub store: Name,
    /// The store's kind (default `ClusterSecretStore`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_kind: Option<Spanned<SecretStoreKind>>,
    /// The key in the store (`nexus/production/postgres`). `{environment}` is replaced by
    /// the environment's name (`nexus/{environment}/postgres`), so each environment reads
    /// its own key.
    pub key: Spanned<String>,
    /// The property of that key, where the store keeps several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<Spanned<String>>,
}

/// A secret the platform needs. Its value lives outside the spec: in the environment at
/// `docker compose up` time, in a Kubernetes Secret, or in an external store.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    /// What the secret is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Spanned<String>>,
    /// The environment variable that carries it in Compose and `.env` files
    /// (default: the name in UPPER_SNAKE_CASE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Spanned<String>>,
    /// Fetch it from an external secret store (renders an `ExternalSecret`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalSecretRef>,
}
