//! The gateway: one description that drives both the Kubernetes edge (Gateway API or
//! Ingress) and Nginx.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Name;
use super::common::{QuantityText, Resources};
use crate::span::Spanned;

/// The platform's front door.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gateway {
    /// Host names served (`nexus.example.com`).
    pub hosts: Vec<Spanned<String>>,
    /// TLS settings; absent means plain HTTP (lint reports it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// HTTP Strict Transport Security (default: two years, with subdomains, when TLS is on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hsts: Option<Hsts>,
    /// Security headers sent on every response.
    #[serde(default)]
    pub headers: Headers,
    /// Named rate limits that routes refer to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rate_limits: BTreeMap<Name, RateLimit>,
    /// Routes: which path goes to which workload.
    pub routes: Vec<Route>,
    /// Settings of the Nginx gateway itself.
    #[serde(default)]
    pub nginx: NginxSettings,
    /// Kubernetes ingress class (default `nginx`), for the `ingress` edge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_class: Option<Spanned<String>>,
    /// The Kubernetes edge: Gateway API (default) or Ingress, and its controller.
    #[serde(default)]
    pub kubernetes: super::KubernetesEdge,
    /// Addresses of proxies in front of the gateway (`10.0.0.0/8`, `192.0.2.1`): a request
    /// from one of them is attributed to the client address in its `X-Forwarded-For`, so
    /// per-client rate limits count clients, not the proxy (default none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_proxies: Vec<Spanned<String>>,
}

/// A TLS protocol version.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum TlsVersion {
    /// TLS 1.0 (obsolete).
    #[serde(rename = "TLSv1")]
    V1_0,
    /// TLS 1.1 (obsolete).
    #[serde(rename = "TLSv1.1")]
    V1_1,
    /// TLS 1.2.
    #[serde(rename = "TLSv1.2")]
    V1_2,
    /// TLS 1.3.
    #[serde(rename = "TLSv1.3")]
    V1_3,
}

impl TlsVersion {
    /// The name Nginx and OpenSSL use.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsVersion::V1_0 => "TLSv1",
            TlsVersion::V1_1 => "TLSv1.1",
            TlsVersion::V1_2 => "TLSv1.2",
            TlsVersion::V1_3 => "TLSv1.3",
        }
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// TLS termination at the gateway.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tls {
    /// cert-manager ClusterIssuer that issues the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Name>,
    /// Kubernetes Secret holding the certificate (default `<platform>-tls`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<Name>,
    /// Oldest TLS version accepted (default `TLSv1.2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<Spanned<TlsVersion>>,
    /// Certificate file for Nginx (default `/etc/nginx/tls/tls.crt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Spanned<String>>,
    /// Private key file for Nginx (default `/etc/nginx/tls/tls.key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_key: Option<Spanned<String>>,
}

/// HTTP Strict Transport Security.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Hsts {
    /// Seconds browsers remember to use HTTPS (default 63072000, two years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<Spanned<i64>>,
    /// Apply to subdomains too (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_subdomains: Option<Spanned<bool>>,
    /// Ask to be preloaded into browsers (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preload: Option<Spanned<bool>>,
}

/// Security headers. Each has a safe default; set one to change it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Headers {
    /// `X-Frame-Options` (default `DENY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_options: Option<Spanned<String>>,
    /// `Referrer-Policy` (default `strict-origin-when-cross-origin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_policy: Option<Spanned<String>>,
    /// `Content-Security-Policy` (default `default-src 'self'`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_security_policy: Option<Spanned<String>>,
    /// `Permissions-Policy` (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_policy: Option<Spanned<String>>,
    /// Further headers by name (`X-Robots-Tag: noindex`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// A rate limit per client address: exactly one of the two rates, and a burst.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// Requests per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<Spanned<i64>>,
    /// Requests per minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_minute: Option<Spanned<i64>>,
    /// Requests allowed above the rate before refusing (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<Spanned<i64>>,
}

/// One route: a path prefix sent to a workload's port.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// Path prefix, starting with `/`.
    pub path: Spanned<String>,
    /// The workload that serves it (a service or monitoring component).
    pub service: Name,
    /// The workload's port name (default: its first port).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<Name>,
    /// A rate limit from `rateLimits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<Name>,
    /// Allow WebSocket upgrades (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket: Option<Spanned<bool>>,
    /// Largest request body (`10Mi`; default `1Mi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_body_size: Option<Spanned<QuantityText>>,
    /// Upstream read timeout (`60s`; default `60s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Spanned<String>>,
}

/// Settings of the Nginx gateway workload.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NginxSettings {
    /// Nginx version rendered for (default `1.27`); changes the syntax emitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Spanned<String>>,
    /// Image (default `nginxinc/nginx-unprivileged:<version>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Spanned<String>>,
    /// Replicas of the gateway in Compose-less deployments (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Spanned<i64>>,
    /// CPU and memory.
    #[serde(default)]
    pub resources: Resources,
    /// Host address published ports bind to in Compose (default `127.0.0.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_address: Option<Spanned<String>>,
}
