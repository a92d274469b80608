//! Which Kubernetes edge serves the gateway, and where its controller runs
//! (docs/decisions/0016-gateway-api-edge.md).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::span::Spanned;

/// The kind of Kubernetes edge the gateway renders as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum EdgeKind {
    /// Gateway API (`Gateway`, `HTTPRoute`) with NGINX Gateway Fabric's policies (the
    /// default).
    #[default]
    #[serde(rename = "gatewayApi")]
    GatewayApi,
    /// `Ingress` objects for the NGINX Ingress Controller (`nginx.org/` annotations), for
    /// clusters that still run an Ingress controller.
    #[serde(rename = "ingress")]
    Ingress,
}

/// The gateway on Kubernetes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesEdge {
    /// `gatewayApi` (default) or `ingress`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<Spanned<EdgeKind>>,
    /// The GatewayClass of the `Gateway` (default `nginx`, NGINX Gateway Fabric's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_class: Option<Spanned<String>>,
    /// Where the edge's controller runs.
    #[serde(default)]
    pub controller: EdgeController,
}

/// The controller of the Kubernetes edge, for network policies.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EdgeController {
    /// Namespace of the controller (default `nginx-gateway` for Gateway API, whose proxy pods
    /// run in the platform's namespace and call it; `nginx-ingress` for Ingress, whose proxy
    /// pods run there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Spanned<String>>,
    /// Labels of the controller's pods (default `app.kubernetes.io/name: nginx-gateway` or
    /// `nginx-ingress`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<Spanned<String>, Spanned<String>>,
}
