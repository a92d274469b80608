//! The gateway as Ingress objects for the NGINX Ingress Controller (`nginx.org/`
//! annotations), the `ingress` edge (docs/decisions/0016-gateway-api-edge.md).
//!
//! The controller reads rate limits, body size, timeouts and WebSocket services from
//! annotations, and an annotation applies to every path of its Ingress. So routes are grouped
//! by those settings, one Ingress per group, in route order (longest path first); the
//! controller merges Ingresses of the same host into one server. Each Ingress is named
//! `<platform>-<slug of its first path>` (`/` is `root`).
//!
//! * Rate limits: `limit-req-rate` (`10r/m`), `limit-req-burst` (the declared burst, exactly),
//!   `limit-req-no-delay`, `limit-req-key` (the client address) and `limit-req-reject-code`
//!   429: the `limit_req` the Nginx target renders. Each Ingress has its own zone, so routes
//!   sharing a limit share its count only when they share an Ingress.
//! * Body size: `client-max-body-size`; timeouts: `proxy-read-timeout` and
//!   `proxy-send-timeout`; WebSocket routes: `websocket-services`.
//! * HSTS: `hsts`, `hsts-max-age`, `hsts-include-subdomains`.
//! * TLS: every Ingress lists the hosts and the certificate Secret. The cert-manager
//!   `cert-manager.io/cluster-issuer` annotation goes on one Ingress only — the one holding
//!   the most general (last) route — so cert-manager makes one Certificate for the Secret.
//! * The other security headers and the TLS floor are controller settings (its ConfigMap),
//!   not per-Ingress: lint says so (NX-NET-030, NX-NET-031).

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use nexus_spec::ir;

use super::meta::{Labels, Naming};

const PREFIX: &str = "nginx.org/";
/// The cert-manager annotation naming the ClusterIssuer.
pub(super) const CLUSTER_ISSUER_ANNOTATION: &str = "cert-manager.io/cluster-issuer";

#[derive(Debug, Clone, PartialEq, Eq)]
struct Settings {
    rate_limit: Option<String>,
    max_body_bytes: u64,
    timeout_seconds: u64,
    websocket: Option<String>,
}

/// An nginx size: the largest whole unit of `m` or `k`, else bytes.
fn nginx_size(bytes: u64) -> String {
    const K: u64 = 1024;
    if bytes != 0 && bytes.is_multiple_of(K * K) {
        format!("{}m", bytes / (K * K))
    } else if bytes != 0 && bytes.is_multiple_of(K) {
        format!("{}k", bytes / K)
    } else {
        bytes.to_string()
    }
}

/// A DNS-label slug of a route path.
pub(crate) fn slug(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "root".into()
    } else {
        out.into()
    }
}

fn annotations(g: &ir::Gateway, s: &Settings) -> Labels {
    let mut a = Labels::new();
    let mut set = |k: &str, v: String| {
        a.insert(format!("{PREFIX}{k}"), v);
    };
    set("client-max-body-size", nginx_size(s.max_body_bytes));
    set("proxy-read-timeout", format!("{}s", s.timeout_seconds));
    set("proxy-send-timeout", format!("{}s", s.timeout_seconds));
    if let Some(w) = &s.websocket {
        set("websocket-services", w.clone());
    }
    if let (Some(h), Some(_)) = (&g.hsts, &g.tls) {
        set("hsts", "true".into());
        set("hsts-max-age", h.max_age.value.to_string());
        set("hsts-include-subdomains", h.include_subdomains.to_string());
    }
    if let Some(l) = s
        .rate_limit
        .as_ref()
        .and_then(|n| g.rate_limits.iter().find(|l| &l.name.value == n))
    {
        set("limit-req-rate", l.rate.nginx());
        set("limit-req-burst", l.burst.to_string());
        set("limit-req-no-delay", "true".into());
        set("limit-req-key", "${binary_remote_addr}".into());
        set("limit-req-zone-size", "10m".into());
        set("limit-req-reject-code", "429".into());
    }
    a
}

/// The Ingress objects of the gateway, in the order they are written.
pub(crate) fn render(ctx: &Naming<'_>, g: &ir::Gateway) -> Vec<Ingress> {
    let mut groups: Vec<(Settings, Vec<&ir::Route>)> = Vec::new();
    for r in &g.routes {
        let s = Settings {
            rate_limit: r.rate_limit.as_ref().map(|l| l.value.clone()),
            max_body_bytes: r.max_body_bytes,
            timeout_seconds: r.timeout_seconds,
            websocket: r.websocket.then(|| r.workload.value.clone()),
        };
        match groups.iter_mut().find(|(k, _)| *k == s) {
            Some((_, routes)) => routes.push(r),
            None => groups.push((s, vec![r])),
        }
    }
    let last_path = g.routes.last().map(|r| r.path.value.as_str());
    let platform = &ctx.platform.name.value;
    let mut names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (settings, routes) in &groups {
        let first = routes.first().map_or("/", |r| r.path.value.as_str());
        let mut name = format!("{platform}-{}", slug(first));
        if names.contains(&name) {
            name = format!("{name}-{}", names.len());
        }
        names.push(name.clone());
        let mut annotations = annotations(g, settings);
        let tls = g.tls.as_ref().map(|t| {
            if let Some(issuer) = &t.issuer
                && routes
                    .iter()
                    .any(|r| Some(r.path.value.as_str()) == last_path)
            {
                annotations.insert(CLUSTER_ISSUER_ANNOTATION.into(), issuer.value.clone());
            }
            vec![IngressTLS {
                hosts: Some(g.hosts.iter().map(|h| h.value.clone()).collect()),
                secret_name: Some(t.secret_name.clone()),
            }]
        });
        let paths: Vec<HTTPIngressPath> = routes
            .iter()
            .map(|r| HTTPIngressPath {
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: r.workload.value.clone(),
                        port: Some(ServiceBackendPort {
                            name: Some(r.port_name.clone()),
                            ..ServiceBackendPort::default()
                        }),
                    }),
                    ..IngressBackend::default()
                },
                path: Some(r.path.value.clone()),
                path_type: "Prefix".to_owned(),
            })
            .collect();
        let rules = g
            .hosts
            .iter()
            .map(|h| IngressRule {
                host: Some(h.value.clone()),
                http: Some(HTTPIngressRuleValue {
                    paths: paths.clone(),
                }),
            })
            .collect();
        let mut meta = ctx.meta(&name, ctx.labels(&name, "gateway"));
        let mut all = ctx.annotations().unwrap_or_default();
        all.extend(annotations);
        meta.annotations = Some(all);
        out.push(Ingress {
            metadata: meta,
            spec: Some(IngressSpec {
                ingress_class_name: Some(g.ingress_class.clone()),
                rules: Some(rules),
                tls,
                ..IngressSpec::default()
            }),
            ..Ingress::default()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_slugs() {
        assert_eq!(nginx_size(64 * 1024), "64k");
        assert_eq!(nginx_size(50 * 1024 * 1024), "50m");
        assert_eq!(nginx_size(1000), "1000");
        assert_eq!(nginx_size(0), "0");
        assert_eq!(slug("/api/auth"), "api-auth");
        assert_eq!(slug("/"), "root");
        assert_eq!(slug("/Grafana/"), "grafana");
    }
}
