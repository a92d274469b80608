//! What the chosen Kubernetes edge cannot honour of the declared gateway
//! (docs/decisions/0016-gateway-api-edge.md, docs/gateway-parity.md). The Nginx target and the
//! Gateway API edge (NGINX Gateway Fabric) render every gateway feature; the `ingress` edge
//! (NGINX Ingress Controller) and both Kubernetes edges for trusted proxies leave some to the
//! controller's own configuration, which nexus neither renders nor sees.

use nexus_spec::Severity::{Info, Warning};
use nexus_spec::ir::Route;
use nexus_spec::model::EdgeKind;

use crate::finding::Subject;
use crate::rule::{Compliance, Group, Rule};

pub(super) static RULES: &[&Rule] = &[
    &INGRESS_HEADERS,
    &EDGE_TRUSTED_PROXIES,
    &INGRESS_SHARED_LIMIT,
    &INGRESS_UNKNOWN_HOSTS,
];

pub(super) static INGRESS_HEADERS: Rule = Rule {
    id: "NX-NET-030",
    group: Group::Network,
    title: "Security headers the Ingress edge does not send",
    severity: Warning,
    enabled: true,
    rationale: "On the `ingress` edge nexus renders Ingress objects for the NGINX Ingress Controller, which sets HSTS from annotations but has no annotation for other response headers: `add_header` is reachable only through snippets, which the controller disables by default because they inject raw configuration. So `X-Frame-Options`, `Content-Security-Policy`, `X-Content-Type-Options`, `Referrer-Policy`, `Permissions-Policy` and the spec's extra headers are not sent by what nexus renders. The Nginx target and the Gateway API edge (a `ResponseHeaderModifier` filter on every HTTPRoute) send them all.",
    fix: "Use the default Gateway API edge (`gateway.kubernetes.edge: gatewayApi`), or set the headers in the controller's ConfigMap (`server-snippets`, enabled with `enable-snippets`) and waive this finding with that as the reason.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        if g.kubernetes.edge != EdgeKind::Ingress || g.headers.is_empty() {
            return;
        }
        let names: Vec<&str> = g.headers.iter().map(|h| h.name.as_str()).collect();
        out.add(
            &Subject::gateway(g),
            nonzero(g.kubernetes.edge_span, g.span),
            format!(
                "the Ingress edge does not send the declared headers {}",
                names.join(", ")
            ),
        )
        .label("headers not rendered on this edge");
    },
};

pub(super) static EDGE_TRUSTED_PROXIES: Rule = Rule {
    id: "NX-NET-031",
    group: Group::Network,
    title: "Trusted proxies the Kubernetes edge does not apply",
    severity: Warning,
    enabled: true,
    rationale: "`gateway.trustedProxies` makes the Nginx target take the client address from the `X-Forwarded-For` of those proxies (`set_real_ip_from`), so per-client rate limits count clients. On Kubernetes the client address is a setting of the edge's controller (NGINX Gateway Fabric's `NginxProxy` `rewriteClientIP`, the NGINX Ingress Controller's `set-real-ip-from`), not of the objects nexus renders, so behind a proxy every client shares the proxy's count unless the cluster's controller is configured.",
    fix: "Configure the controller (NGINX Gateway Fabric: `NginxProxy.spec.rewriteClientIP` with `trustedAddresses`; NGINX Ingress Controller: `set-real-ip-from` and `real-ip-header` in its ConfigMap) and waive this finding with that as the reason.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        let Some(first) = g.trusted_proxies.first() else {
            return;
        };
        out.add(
            &Subject::gateway(g),
            first.span,
            "the Kubernetes edge does not take the client address from the trusted proxies; per-client rate limits count the proxy",
        )
        .label("applied by the Nginx target only");
    },
};

/// The annotations that split routes into Ingress objects (see nexus-render's `k8s/ingress.rs`).
fn ingress_group(r: &Route) -> (Option<&str>, u64, u64, bool) {
    (
        r.rate_limit.as_ref().map(|l| l.value.as_str()),
        r.max_body_bytes,
        r.timeout_seconds,
        r.websocket,
    )
}

pub(super) static INGRESS_SHARED_LIMIT: Rule = Rule {
    id: "NX-NET-032",
    group: Group::Network,
    title: "Rate limit counted apart per Ingress",
    severity: Warning,
    enabled: true,
    rationale: "The Nginx target and the Gateway API edge keep one count per named rate limit, shared by every route that uses it. The NGINX Ingress Controller makes one zone per Ingress, and nexus puts routes with different body sizes, timeouts or WebSocket settings in different Ingresses; a limit shared by such routes is then counted once per Ingress, so a client gets the declared rate on each of them.",
    fix: "Give the routes that share the limit the same `maxBodySize`, `timeout` and `websocket`, give each its own limit, or use the Gateway API edge.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        if g.kubernetes.edge != EdgeKind::Ingress {
            return;
        }
        for l in &g.rate_limits {
            let mut groups: Vec<_> = g
                .routes
                .iter()
                .filter(|r| r.rate_limit.as_ref().map(|n| &n.value) == Some(&l.name.value))
                .map(ingress_group)
                .collect();
            groups.sort();
            groups.dedup();
            if groups.len() > 1 {
                out.add(
                    &Subject::gateway(g),
                    l.name.span,
                    format!(
                        "the rate limit `{}` is counted apart in {} Ingress objects",
                        l.name.value,
                        groups.len()
                    ),
                )
                .label("one zone per Ingress");
            }
        }
    },
};

pub(super) static INGRESS_UNKNOWN_HOSTS: Rule = Rule {
    id: "NX-NET-033",
    group: Group::Network,
    title: "Unknown host names answered by the Ingress controller",
    severity: Info,
    enabled: true,
    rationale: "The Nginx target refuses the TLS handshake for a name the gateway does not serve, and NGINX Gateway Fabric does the same for names no listener declares. On the `ingress` edge, what a name no Ingress declares gets is the controller's default server, configured outside nexus (with a default certificate it completes the handshake and answers 404).",
    fix: "Configure the controller's default server to reject handshakes (no default TLS secret), use the Gateway API edge, or waive this finding.",
    compliance: Compliance::NONE,
    check: |_, p, out| {
        let Some(g) = &p.gateway else { return };
        if g.kubernetes.edge == EdgeKind::Ingress && g.tls.is_some() {
            out.add(
                &Subject::gateway(g),
                nonzero(g.kubernetes.edge_span, g.span),
                "on the Ingress edge, names the gateway does not serve are answered by the controller's default server",
            )
            .label("left to the controller");
        }
    },
};

/// `span` unless it is detached, else `fallback`.
fn nonzero(span: nexus_spec::Span, fallback: nexus_spec::Span) -> nexus_spec::Span {
    if span == nexus_spec::Span::DETACHED {
        fallback
    } else {
        span
    }
}
