//! Secrets. nexus never renders a Secret object: pods read each nexus secret from the
//! Kubernetes Secret named after it, under the key [`SECRET_KEY`] (`value`).
//!
//! When the spec names an external store, an `ExternalSecret` (External Secrets Operator,
//! API `external-secrets.io/v1`, served since ESO v0.16 — `v1beta1` is deprecated) has the
//! operator create and refresh that Secret from the store. Otherwise whoever deploys creates
//! it, for example `kubectl create secret generic postgres-password --from-literal=value=...`.
//!
//! k8s-openapi has no types for custom resources, so the object is a small typed struct
//! whose fields serialize in the order written here.

use nexus_spec::ir;
use nexus_spec::model::SecretStoreKind;
use serde::Serialize;

use super::custom_resource::custom_resource;
use super::meta::{Naming, SECRET_KEY};

/// The API version of rendered ExternalSecrets.
pub const EXTERNAL_SECRET_API_VERSION: &str =
    <ExternalSecret as k8s_openapi::Resource>::API_VERSION;
/// How often the operator refreshes a Secret from its store.
pub(super) const REFRESH_INTERVAL: &str = "1h";

custom_resource! {
    /// An External Secrets Operator `ExternalSecret`.
    ExternalSecret {
        spec: ExternalSecretSpec,
        group: "external-secrets.io",
        version: "v1",
        kind: "ExternalSecret",
        plural: "externalsecrets",
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalSecretSpec {
    refresh_interval: &'static str,
    secret_store_ref: StoreRef,
    target: Target,
    data: Vec<Data>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StoreRef {
    kind: &'static str,
    name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    name: String,
    creation_policy: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    secret_key: &'static str,
    remote_ref: RemoteRef,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RemoteRef {
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    property: Option<String>,
}

/// The ExternalSecret of a secret kept in an external store, if it is.
pub(crate) fn external_secret(ctx: &Naming<'_>, s: &ir::Secret) -> Option<ExternalSecret> {
    let x = s.external.as_ref()?;
    let name = &s.name.value;
    Some(ExternalSecret {
        metadata: ctx.meta(name, ctx.labels(name, "secret")),
        spec: ExternalSecretSpec {
            refresh_interval: REFRESH_INTERVAL,
            secret_store_ref: StoreRef {
                kind: match x.store_kind {
                    SecretStoreKind::ClusterSecretStore => "ClusterSecretStore",
                    SecretStoreKind::SecretStore => "SecretStore",
                },
                name: x.store.value.clone(),
            },
            target: Target {
                name: name.clone(),
                creation_policy: "Owner",
            },
            data: vec![Data {
                secret_key: SECRET_KEY,
                remote_ref: RemoteRef {
                    key: x.key.clone(),
                    property: x.property.clone(),
                },
            }],
        },
    })
}
