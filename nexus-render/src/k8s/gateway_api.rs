//! The gateway as Gateway API objects (`gateway.networking.k8s.io/v1`, standard channel),
//! served by NGINX Gateway Fabric (docs/decisions/0016-gateway-api-edge.md).
//!
//! * One `Gateway` named after the platform, of the spec's GatewayClass, with an HTTP
//!   listener (`http-<n>`, port 80) and, with TLS, an HTTPS listener (`https-<n>`, port 443)
//!   per host. An HTTPS listener terminates TLS with the certificate Secret, takes the TLS
//!   floor through NGINX Gateway Fabric's `nginx.org/ssl-protocols` listener option, and the
//!   Gateway carries `cert-manager.io/cluster-issuer` so cert-manager's Gateway support
//!   issues the certificate for the listeners' hosts.
//! * With TLS, the HTTPRoute `<platform>-https-redirect` answers every request on the HTTP
//!   listeners with a 301 to HTTPS.
//! * One HTTPRoute per route (`<platform>-<slug of its path>`), on the HTTPS listeners (HTTP
//!   without TLS): a `PathPrefix` match (the same prefix semantics as the Nginx target), the
//!   security headers and HSTS set by a `ResponseHeaderModifier` filter, one backend.
//! * What the standard API cannot say goes into NGINX Gateway Fabric's policies
//!   ([`super::gateway_policies`]), each attached to the HTTPRoutes it governs.

use nexus_spec::ir;
use nexus_spec::model::TlsVersion;
use serde::Serialize;

use super::custom_resource::custom_resource;
use super::ingress::{CLUSTER_ISSUER_ANNOTATION, slug};
use super::meta::Naming;
use crate::error::RenderError;

/// The API version of the Gateway API objects nexus renders.
pub const GATEWAY_API_VERSION: &str = <Gateway as k8s_openapi::Resource>::API_VERSION;
/// NGINX Gateway Fabric's listener option that sets `ssl_protocols`.
pub(super) const SSL_PROTOCOLS_OPTION: &str = "nginx.org/ssl-protocols";
/// The label NGINX Gateway Fabric puts on the proxy pods of a Gateway.
pub(super) const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";
/// Listener ports: the proxy pods listen on these.
pub(super) const HTTP_PORT: u16 = 80;
/// See [`HTTP_PORT`].
pub(super) const HTTPS_PORT: u16 = 443;
/// The most headers a `ResponseHeaderModifier` may set (the CRD's `maxItems`).
const MAX_SET_HEADERS: usize = 16;

custom_resource! {
    /// A Gateway API `Gateway`.
    Gateway {
        spec: GatewaySpec,
        group: "gateway.networking.k8s.io",
        version: "v1",
        kind: "Gateway",
        plural: "gateways",
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GatewaySpec {
    gateway_class_name: String,
    listeners: Vec<Listener>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Listener {
    name: String,
    hostname: String,
    port: u16,
    protocol: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls: Option<ListenerTls>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListenerTls {
    mode: &'static str,
    certificate_refs: Vec<SecretRef>,
    options: std::collections::BTreeMap<&'static str, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretRef {
    kind: &'static str,
    name: String,
}

custom_resource! {
    /// A Gateway API `HTTPRoute`.
    HttpRoute {
        spec: HttpRouteSpec,
        group: "gateway.networking.k8s.io",
        version: "v1",
        kind: "HTTPRoute",
        plural: "httproutes",
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpRouteSpec {
    parent_refs: Vec<ParentRef>,
    hostnames: Vec<String>,
    rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ParentRef {
    name: String,
    section_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    matches: Vec<Match>,
    filters: Vec<Filter>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    backend_refs: Vec<BackendRef>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Match {
    path: PathMatch,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PathMatch {
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Filter {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_redirect: Option<Redirect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_header_modifier: Option<HeaderModifier>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Redirect {
    scheme: &'static str,
    status_code: u16,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HeaderModifier {
    set: Vec<HeaderValue>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HeaderValue {
    name: String,
    value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct BackendRef {
    name: String,
    port: u16,
}

/// The Gateway and its HTTPRoutes (the redirect first, then the routes in route order),
/// with the name of each route's HTTPRoute.
pub(crate) struct Rendered {
    pub gateway: Gateway,
    pub routes: Vec<HttpRoute>,
    /// The HTTPRoute name of each gateway route, in route order.
    pub route_names: Vec<String>,
}

/// The TLS versions from `floor` up, as `ssl_protocols` lists them.
pub(crate) fn protocols(floor: TlsVersion) -> String {
    use TlsVersion as V;
    [V::V1_0, V::V1_1, V::V1_2, V::V1_3]
        .into_iter()
        .filter(|v| *v >= floor)
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The response headers every route sets: HSTS first (with TLS), then the declared ones.
pub(crate) fn response_headers(g: &ir::Gateway) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let (Some(h), Some(_)) = (&g.hsts, &g.tls) {
        out.push(("Strict-Transport-Security".to_owned(), h.header_value()));
    }
    out.extend(
        g.headers
            .iter()
            .map(|h| (h.name.clone(), h.value.value.clone())),
    );
    out
}

/// Renders the gateway's Gateway and HTTPRoutes.
pub(crate) fn render(ctx: &Naming<'_>, g: &ir::Gateway) -> Result<Rendered, RenderError> {
    let platform = ctx.platform.name.value.clone();
    let hosts: Vec<String> = g.hosts.iter().map(|h| h.value.clone()).collect();
    let mut listeners = Vec::new();
    for (i, host) in hosts.iter().enumerate() {
        listeners.push(Listener {
            name: format!("http-{i}"),
            hostname: host.clone(),
            port: HTTP_PORT,
            protocol: "HTTP",
            tls: None,
        });
        if let Some(t) = &g.tls {
            listeners.push(Listener {
                name: format!("https-{i}"),
                hostname: host.clone(),
                port: HTTPS_PORT,
                protocol: "HTTPS",
                tls: Some(ListenerTls {
                    mode: "Terminate",
                    certificate_refs: vec![SecretRef {
                        kind: "Secret",
                        name: t.secret_name.clone(),
                    }],
                    options: [(SSL_PROTOCOLS_OPTION, protocols(t.min_version.value))].into(),
                }),
            });
        }
    }
    let mut meta = ctx.meta(&platform, ctx.labels(&platform, "gateway"));
    if let Some(issuer) = g.tls.as_ref().and_then(|t| t.issuer.as_ref()) {
        let mut a = meta.annotations.take().unwrap_or_default();
        a.insert(CLUSTER_ISSUER_ANNOTATION.into(), issuer.value.clone());
        meta.annotations = Some(a);
    }
    let gateway = Gateway {
        metadata: meta,
        spec: GatewaySpec {
            gateway_class_name: g.kubernetes.gateway_class.clone(),
            listeners,
        },
    };
    let parents = |prefix: &str| -> Vec<ParentRef> {
        (0..hosts.len())
            .map(|i| ParentRef {
                name: platform.clone(),
                section_name: format!("{prefix}-{i}"),
            })
            .collect()
    };
    let mut routes = Vec::new();
    let mut names: Vec<String> = Vec::new();
    if g.tls.is_some() {
        let name = format!("{platform}-https-redirect");
        names.push(name.clone());
        routes.push(HttpRoute {
            metadata: ctx.meta(&name, ctx.labels(&name, "gateway")),
            spec: HttpRouteSpec {
                parent_refs: parents("http"),
                hostnames: hosts.clone(),
                rules: vec![Rule {
                    matches: Vec::new(),
                    filters: vec![Filter {
                        kind: "RequestRedirect",
                        request_redirect: Some(Redirect {
                            scheme: "https",
                            status_code: 301,
                        }),
                        response_header_modifier: None,
                    }],
                    backend_refs: Vec::new(),
                }],
            },
        });
    }
    let headers = response_headers(g);
    if headers.len() > MAX_SET_HEADERS {
        return Err(RenderError::Unrenderable(format!(
            "the gateway sets {} response headers; an HTTPRoute filter sets at most {MAX_SET_HEADERS}",
            headers.len()
        )));
    }
    let listener = if g.tls.is_some() { "https" } else { "http" };
    let mut route_names = Vec::new();
    for r in &g.routes {
        let mut name = format!("{platform}-{}", slug(&r.path.value));
        if names.contains(&name) {
            name = format!("{name}-{}", names.len());
        }
        names.push(name.clone());
        route_names.push(name.clone());
        routes.push(HttpRoute {
            metadata: ctx.meta(&name, ctx.labels(&name, "gateway")),
            spec: HttpRouteSpec {
                parent_refs: parents(listener),
                hostnames: hosts.clone(),
                rules: vec![Rule {
                    matches: vec![Match {
                        path: PathMatch {
                            kind: "PathPrefix",
                            value: r.path.value.clone(),
                        },
                    }],
                    filters: vec![Filter {
                        kind: "ResponseHeaderModifier",
                        request_redirect: None,
                        response_header_modifier: Some(HeaderModifier {
                            set: headers
                                .iter()
                                .map(|(n, v)| HeaderValue {
                                    name: n.clone(),
                                    value: v.clone(),
                                })
                                .collect(),
                        }),
                    }],
                    backend_refs: vec![BackendRef {
                        name: r.workload.value.clone(),
                        port: r.port,
                    }],
                }],
            },
        });
    }
    Ok(Rendered {
        gateway,
        routes,
        route_names,
    })
}
