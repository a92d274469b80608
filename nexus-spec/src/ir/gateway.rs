//! The gateway, resolved.

use std::collections::BTreeMap;

use crate::model::{EdgeKind, TlsVersion};
use crate::span::{Span, Spanned};
use crate::values::{ImageRef, NginxVersion, Quantity};

use super::workload::Resources;

/// The platform's front door, resolved.
#[derive(Debug, Clone)]
pub struct Gateway {
    /// Host names.
    pub hosts: Vec<Spanned<String>>,
    /// TLS, when on.
    pub tls: Option<GatewayTls>,
    /// HSTS, when TLS is on and HSTS not switched off.
    pub hsts: Option<Hsts>,
    /// Security headers to send, sorted by name.
    pub headers: Vec<Header>,
    /// Rate limits, sorted by name.
    pub rate_limits: Vec<RateLimit>,
    /// Routes, longest path first (so prefix matching is unambiguous), then by path.
    pub routes: Vec<Route>,
    /// The Nginx workload that serves the gateway outside Kubernetes.
    pub nginx: NginxGateway,
    /// Kubernetes ingress class (the `ingress` edge).
    pub ingress_class: String,
    /// The Kubernetes edge and its controller.
    pub kubernetes: KubernetesEdge,
    /// Addresses (or CIDR ranges) of trusted proxies in front of the gateway.
    pub trusted_proxies: Vec<Spanned<String>>,
    /// Where the gateway block is written.
    pub span: Span,
}

/// The gateway on Kubernetes, resolved (docs/decisions/0016-gateway-api-edge.md).
#[derive(Debug, Clone)]
pub struct KubernetesEdge {
    /// Gateway API or Ingress.
    pub edge: EdgeKind,
    /// Where `edge` was chosen (detached when defaulted).
    pub edge_span: Span,
    /// The GatewayClass of the `Gateway`.
    pub gateway_class: String,
    /// Namespace of the edge's controller.
    pub controller_namespace: String,
    /// Labels of the controller's pods, sorted by key.
    pub controller_labels: BTreeMap<String, String>,
}

/// TLS termination.
#[derive(Debug, Clone)]
pub struct GatewayTls {
    /// cert-manager ClusterIssuer, when certificates are issued in-cluster.
    pub issuer: Option<Spanned<String>>,
    /// Kubernetes Secret holding the certificate.
    pub secret_name: String,
    /// Oldest TLS version accepted.
    pub min_version: Spanned<TlsVersion>,
    /// Certificate path for Nginx.
    pub certificate: String,
    /// Key path for Nginx.
    pub certificate_key: String,
    /// Where the TLS block is written.
    pub span: Span,
}

/// HSTS.
#[derive(Debug, Clone)]
pub struct Hsts {
    /// Seconds.
    pub max_age: Spanned<u64>,
    /// Include subdomains.
    pub include_subdomains: bool,
    /// Preload.
    pub preload: bool,
}

impl Hsts {
    /// The header value.
    pub fn header_value(&self) -> String {
        let mut v = format!("max-age={}", self.max_age.value);
        if self.include_subdomains {
            v.push_str("; includeSubDomains");
        }
        if self.preload {
            v.push_str("; preload");
        }
        v
    }
}

/// A response header.
#[derive(Debug, Clone)]
pub struct Header {
    /// Header name.
    pub name: String,
    /// Header value (validated: printable, single line).
    pub value: Spanned<String>,
}

/// A request rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    /// Requests per second.
    PerSecond(u32),
    /// Requests per minute.
    PerMinute(u32),
}

impl Rate {
    /// Nginx's notation (`10r/s`).
    pub fn nginx(&self) -> String {
        match self {
            Rate::PerSecond(n) => format!("{n}r/s"),
            Rate::PerMinute(n) => format!("{n}r/m"),
        }
    }
}

/// A named rate limit.
#[derive(Debug, Clone)]
pub struct RateLimit {
    /// Name (a DNS-1123 label).
    pub name: Spanned<String>,
    /// Rate per client address.
    pub rate: Rate,
    /// Burst.
    pub burst: u32,
}

/// A route.
#[derive(Debug, Clone)]
pub struct Route {
    /// Path prefix (validated: URL-safe characters only).
    pub path: Spanned<String>,
    /// Target workload.
    pub workload: Spanned<String>,
    /// Target port name.
    pub port_name: String,
    /// Target port number.
    pub port: u16,
    /// Rate limit name.
    pub rate_limit: Option<Spanned<String>>,
    /// WebSocket upgrades.
    pub websocket: bool,
    /// Largest request body in bytes.
    pub max_body_bytes: u64,
    /// Upstream read timeout in seconds.
    pub timeout_seconds: u64,
    /// Where the route is written.
    pub span: Span,
}

/// The Nginx workload that serves the gateway in Compose.
#[derive(Debug, Clone)]
pub struct NginxGateway {
    /// Version rendered for.
    pub version: Spanned<NginxVersion>,
    /// Image.
    pub image: Spanned<ImageRef>,
    /// Replicas.
    pub replicas: u32,
    /// Resources.
    pub resources: Resources,
    /// Host address published ports bind to.
    pub bind_address: Spanned<String>,
}

/// A body size written as a quantity, in bytes.
#[allow(dead_code)]
pub(super) fn body_bytes(q: &Quantity) -> u64 {
    u64::try_from(q.ceil_units()).unwrap_or(u64::MAX)
}
