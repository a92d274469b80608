//! Resolving the gateway.

use std::collections::BTreeMap;

use super::ctx::Resolver;
use super::parts;
use crate::catalog;
use crate::codes;
use crate::ir;
use crate::model::{self, EdgeKind, TlsVersion};
use crate::span::{Span, Spanned};
use crate::values::{self, ImageRef, NginxVersion, Quantity};

const DEFAULT_BODY: u64 = 1024 * 1024;
const DEFAULT_TIMEOUT: u64 = 60;

/// The gateway, resolved against the platform's workloads.
pub(crate) fn gateway(
    ctx: &mut Resolver,
    platform: &str,
    g: &model::Gateway,
    workloads: &[ir::Workload],
) -> Option<ir::Gateway> {
    if g.hosts.is_empty() {
        ctx.error(
            codes::MISSING_KEY,
            g.routes.first().map_or(Span::DETACHED, |r| r.path.span),
            "the gateway needs at least one host",
            "no hosts",
            "add `hosts: [platform.example.com]`",
        );
    }
    for h in &g.hosts {
        ctx.name(h, "host name", values::name::host_name);
    }
    let tls = g.tls.as_ref().map(|t| tls(ctx, platform, t));
    let hsts = tls.as_ref().map(|_| {
        let h = g.hsts.clone().unwrap_or_default();
        let max_age = match &h.max_age {
            Some(v) if v.value >= 0 => Spanned::new(v.value as u64, v.span),
            Some(v) => {
                ctx.error(
                    codes::INVALID_VALUE,
                    v.span,
                    "HSTS maxAge cannot be negative",
                    "negative",
                    "use seconds, such as 63072000 (two years)",
                );
                Spanned::new(0, v.span)
            }
            None => Spanned::detached(63_072_000),
        };
        ir::Hsts {
            max_age,
            include_subdomains: h.include_subdomains.is_none_or(|v| v.value),
            preload: h.preload.is_some_and(|v| v.value),
        }
    });
    let headers = headers(ctx, &g.headers);
    let rate_limits = rate_limits(ctx, g);
    let routes = routes(ctx, g, workloads, &rate_limits);
    let nginx = nginx(ctx, &g.nginx);
    let ingress_class = match &g.ingress_class {
        Some(c) => {
            ctx.name(c, "ingress class", values::name::dns1123_label);
            c.value.clone()
        }
        None => "nginx".to_owned(),
    };
    Some(ir::Gateway {
        hosts: g.hosts.clone(),
        tls,
        hsts,
        headers,
        rate_limits,
        routes,
        nginx: nginx?,
        ingress_class,
        kubernetes: edge(ctx, &g.kubernetes),
        trusted_proxies: trusted_proxies(ctx, &g.trusted_proxies),
        span: g.hosts.first().map_or(Span::DETACHED, |h| h.span),
    })
}

/// The controller of each edge by default: its namespace and its pods' name label.
const DEFAULT_CONTROLLERS: [(EdgeKind, &str, &str); 2] = [
    (EdgeKind::GatewayApi, "nginx-gateway", "nginx-gateway"),
    (EdgeKind::Ingress, "nginx-ingress", "nginx-ingress"),
];

fn edge(ctx: &mut Resolver, k: &model::KubernetesEdge) -> ir::KubernetesEdge {
    let kind = k.edge.map_or(EdgeKind::default(), |e| e.value);
    let (_, namespace, name) = DEFAULT_CONTROLLERS
        .iter()
        .find(|(e, _, _)| *e == kind)
        .copied()
        .unwrap_or(DEFAULT_CONTROLLERS[0]);
    let gateway_class = match &k.gateway_class {
        Some(c) if ctx.name(c, "gateway class", values::name::dns1123_label) => c.value.clone(),
        _ => "nginx".to_owned(),
    };
    let controller_namespace = match &k.controller.namespace {
        Some(n) if ctx.name(n, "controller namespace", values::name::dns1123_label) => {
            n.value.clone()
        }
        _ => namespace.to_owned(),
    };
    let mut controller_labels = std::collections::BTreeMap::new();
    for (key, value) in &k.controller.labels {
        if ctx.checked(key, "label key", super::label_key)
            && ctx.checked(value, "label value", label_value)
        {
            controller_labels.insert(key.value.clone(), value.value.clone());
        }
    }
    if k.controller.labels.is_empty() {
        controller_labels.insert("app.kubernetes.io/name".to_owned(), name.to_owned());
    }
    ir::KubernetesEdge {
        edge: kind,
        edge_span: k.edge.map_or(Span::DETACHED, |e| e.span),
        gateway_class,
        controller_namespace,
        controller_labels,
    }
}

fn label_value(s: &str) -> Result<(), String> {
    let ok = s.is_empty()
        || (s.len() <= 63
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.ends_with(|c: char| c.is_ascii_alphanumeric()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a Kubernetes label value",
            values::name::shorten(s)
        ))
    }
}

/// Trusted proxies: IP addresses or CIDR ranges (`10.0.0.0/8`).
fn trusted_proxies(ctx: &mut Resolver, list: &[Spanned<String>]) -> Vec<Spanned<String>> {
    fn cidr(s: &str) -> Result<(), String> {
        let (addr, bits) = s.split_once('/').map_or((s, None), |(a, b)| (a, Some(b)));
        let ip: std::net::IpAddr = addr.parse().map_err(|_| {
            format!(
                "`{}` is not an IP address or CIDR range",
                values::name::shorten(s)
            )
        })?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        match bits.map(str::parse::<u8>) {
            None => Ok(()),
            Some(Ok(b)) if b <= max => Ok(()),
            Some(_) => Err(format!(
                "`{}` has no valid prefix length",
                values::name::shorten(s)
            )),
        }
    }
    list.iter()
        .filter(|p| ctx.checked(p, "trusted proxy", cidr))
        .cloned()
        .collect()
}

fn tls(ctx: &mut Resolver, platform: &str, t: &model::Tls) -> ir::GatewayTls {
    if let Some(i) = &t.issuer {
        ctx.name(i, "issuer name", values::name::dns1123_label);
    }
    if let Some(s) = &t.secret_name {
        ctx.name(s, "TLS secret name", values::name::dns1123_label);
    }
    let path = |ctx: &mut Resolver, v: &Option<Spanned<String>>, default: &str| match v {
        Some(p) if ctx.checked(p, "certificate path", values::name::container_path) => {
            p.value.clone()
        }
        _ => default.to_owned(),
    };
    ir::GatewayTls {
        issuer: t.issuer.clone(),
        secret_name: t
            .secret_name
            .as_ref()
            .map_or_else(|| format!("{platform}-tls"), |s| s.value.clone()),
        min_version: t.min_version.unwrap_or(Spanned::detached(TlsVersion::V1_2)),
        certificate: path(ctx, &t.certificate, "/etc/nginx/tls/tls.crt"),
        certificate_key: path(ctx, &t.certificate_key, "/etc/nginx/tls/tls.key"),
        span: t
            .issuer
            .as_ref()
            .map(|i| i.span)
            .or(t.min_version.map(|m| m.span))
            .unwrap_or(Span::DETACHED),
    }
}

fn headers(ctx: &mut Resolver, h: &model::Headers) -> Vec<ir::Header> {
    type Default<'a> = (&'a str, &'a Option<Spanned<String>>, Option<&'a str>);
    let defaults: [Default<'_>; 4] = [
        ("X-Frame-Options", &h.frame_options, Some("DENY")),
        (
            "Referrer-Policy",
            &h.referrer_policy,
            Some("strict-origin-when-cross-origin"),
        ),
        (
            "Content-Security-Policy",
            &h.content_security_policy,
            Some("default-src 'self'"),
        ),
        ("Permissions-Policy", &h.permissions_policy, None),
    ];
    let mut out: Vec<ir::Header> = vec![ir::Header {
        name: "X-Content-Type-Options".into(),
        value: Spanned::detached("nosniff".into()),
    }];
    for (name, value, default) in defaults {
        let value = match (value, default) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => Spanned::detached(d.to_owned()),
            (None, None) => continue,
        };
        if ctx.checked(
            &value,
            &format!("{name} header"),
            values::name::header_value,
        ) {
            out.push(ir::Header {
                name: name.into(),
                value,
            });
        }
    }
    for (name, value) in &h.extra {
        let token = |s: &str| {
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                Ok(())
            } else {
                Err(format!(
                    "`{}` is not a header name (letters, digits and `-`)",
                    values::name::shorten(s)
                ))
            }
        };
        if ctx.checked(name, "header name", token)
            && ctx.checked(value, "header value", values::name::header_value)
        {
            if out.iter().any(|h| h.name.eq_ignore_ascii_case(&name.value)) {
                ctx.error(
                    codes::DUPLICATE_NAME,
                    name.span,
                    format!("the header `{}` is set twice", name.value),
                    "set again here",
                    "set each header once; the typed fields cover the common security headers",
                );
                continue;
            }
            out.push(ir::Header {
                name: name.value.clone(),
                value: value.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn rate_limits(ctx: &mut Resolver, g: &model::Gateway) -> Vec<ir::RateLimit> {
    let mut out = Vec::new();
    for (name, l) in &g.rate_limits {
        ctx.name(name, "rate limit name", values::name::dns1123_label);
        let rate = match (&l.requests_per_second, &l.requests_per_minute) {
            (Some(r), None) => ctx
                .int(r, 1, 1_000_000, "requestsPerSecond")
                .map(|r| ir::Rate::PerSecond(r.value)),
            (None, Some(r)) => ctx
                .int(r, 1, 1_000_000, "requestsPerMinute")
                .map(|r| ir::Rate::PerMinute(r.value)),
            _ => {
                ctx.error(codes::INVALID_VALUE, name.span, format!("rate limit `{}` needs exactly one of `requestsPerSecond` or `requestsPerMinute`", name.value), "ambiguous or missing rate", "keep one of the two");
                None
            }
        };
        let burst = ctx.int_or(l.burst.as_ref(), 0, 0, 1_000_000, "burst").value;
        if let Some(rate) = rate {
            out.push(ir::RateLimit {
                name: name.clone(),
                rate,
                burst,
            });
        }
    }
    out
}

fn routes(
    ctx: &mut Resolver,
    g: &model::Gateway,
    workloads: &[ir::Workload],
    limits: &[ir::RateLimit],
) -> Vec<ir::Route> {
    let mut out: Vec<ir::Route> = Vec::new();
    // Each path claimed so far, with where: a route per service made this check, and the
    // search for each route's workload, quadratic in the number of services.
    let mut claimed: BTreeMap<&str, Span> = BTreeMap::new();
    debug_assert!(
        workloads.is_sorted_by(|a, b| a.name.value <= b.name.value),
        "routes are resolved after the workloads are sorted by name"
    );
    for r in &g.routes {
        let path_ok = ctx.checked(&r.path, "route path", values::name::url_path);
        // The workloads are sorted by name (see `unique_names`).
        let Some(w) = ir::workload_named(workloads, &r.service.value) else {
            ctx.unresolved(
                codes::UNRESOLVED_REFERENCE,
                &r.service,
                "workload",
                workloads.iter().map(|w| w.name.value.as_str()),
            );
            continue;
        };
        let port = match &r.port {
            Some(p) => w.port(&p.value).or_else(|| {
                ctx.unresolved(
                    codes::UNRESOLVED_REFERENCE,
                    p,
                    "port",
                    w.ports.iter().map(|q| q.name.value.as_str()),
                );
                None
            }),
            None => w.main_port().or_else(|| {
                ctx.error(
                    codes::UNRESOLVED_REFERENCE,
                    r.service.span,
                    format!("`{}` has no ports to route to", r.service.value),
                    "no ports",
                    "declare a port on the workload",
                );
                None
            }),
        };
        if let Some(l) = &r.rate_limit
            && !limits.iter().any(|x| x.name.value == l.value)
            && !g.rate_limits.contains_key(l.value.as_str())
        {
            ctx.unresolved(
                codes::UNRESOLVED_REFERENCE,
                l,
                "rate limit",
                g.rate_limits.keys().map(|k| k.value.as_str()),
            );
        }
        let max_body_bytes = match &r.max_body_size {
            Some(q) => ctx.quantity(q, "maxBodySize").map_or(DEFAULT_BODY, |q| {
                u64::try_from(Quantity::ceil_units(&q.value)).unwrap_or(u64::MAX)
            }),
            None => DEFAULT_BODY,
        };
        let timeout_seconds = r
            .timeout
            .as_ref()
            .and_then(|t| ctx.duration(t, "route timeout"))
            .unwrap_or(DEFAULT_TIMEOUT);
        if let Some(first) = claimed.get(r.path.value.as_str()) {
            ctx.push(
                crate::Diagnostic::error(
                    codes::ROUTE_CLASH,
                    format!("two routes claim the path `{}`", r.path.value),
                )
                .with_label(r.path.span, "claimed again here")
                .with_label(*first, "first claimed here")
                .with_help("give each route its own path"),
            );
            continue;
        }
        let (Some(port), true) = (port, path_ok) else {
            continue;
        };
        claimed.insert(r.path.value.as_str(), r.path.span);
        out.push(ir::Route {
            path: r.path.clone(),
            workload: r.service.clone(),
            port_name: port.name.value.clone(),
            port: port.port.value,
            rate_limit: r.rate_limit.clone(),
            // Grafana Live (dashboards that update themselves) runs over a websocket on
            // the same path: a route to Grafana carries upgrades unless the spec says no.
            websocket: r
                .websocket
                .map_or(w.kind == ir::WorkloadKind::Grafana, |ws| ws.value),
            max_body_bytes,
            timeout_seconds,
            span: r.path.span,
        });
    }
    out.sort_by(|a, b| {
        b.path
            .value
            .len()
            .cmp(&a.path.value.len())
            .then(a.path.value.cmp(&b.path.value))
    });
    out
}

fn nginx(ctx: &mut Resolver, n: &model::NginxSettings) -> Option<ir::NginxGateway> {
    let version_text = n
        .version
        .clone()
        .unwrap_or(Spanned::detached(catalog::DEFAULT_NGINX_VERSION.to_owned()));
    let version = match NginxVersion::parse(&version_text.value) {
        Ok(v) => Spanned::new(v, version_text.span),
        Err(msg) => {
            ctx.error(
                codes::INVALID_VALUE,
                version_text.span,
                msg,
                "not an Nginx version",
                "write the version as `\"1.27\"` or `\"1.25.1\"`",
            );
            return None;
        }
    };
    let image = match &n.image {
        Some(i) => ctx.image(i)?,
        None => {
            // The catalog's release of the declared series, so every replica runs the same
            // build; a series nexus has not checked keeps the tag as declared.
            let release = catalog::NGINX
                .release(&version_text.value)
                .unwrap_or_else(|| version_text.value.clone());
            let text = format!("{}:{}", catalog::NGINX_IMAGE, release);
            Spanned::new(ImageRef::parse(&text).ok()?, version_text.span)
        }
    };
    let bind = n
        .bind_address
        .clone()
        .unwrap_or(Spanned::detached("127.0.0.1".to_owned()));
    if bind.value.parse::<std::net::IpAddr>().is_err() {
        ctx.error(
            codes::INVALID_VALUE,
            bind.span,
            format!(
                "`{}` is not an IP address",
                values::name::shorten(&bind.value)
            ),
            "not an address",
            "write the host address to publish on, such as `127.0.0.1` or `0.0.0.0`",
        );
    }
    Some(ir::NginxGateway {
        version,
        image,
        replicas: parts::replicas(ctx, n.replicas.as_ref(), 2).value,
        resources: parts::resources(ctx, &n.resources),
        bind_address: bind,
    })
}

#[cfg(test)]
mod tests {
    use crate::Spec;

    /// Services `a`, `b` and `c` (`c` without ports) behind a gateway with `routes`.
    fn spec(routes: &str) -> Spec {
        let text = format!(
            "apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata: {{ name: demo, version: 1.0.0 }}
spec:
  services:
    a: {{ image: registry.example.com/demo/a:1.0.0, ports: [{{ name: http, port: 8080 }}] }}
    b: {{ image: registry.example.com/demo/b:1.0.0, ports: [{{ name: http, port: 8080 }}] }}
    c: {{ image: registry.example.com/demo/c:1.0.0 }}
  gateway:
    hosts: [demo.example.com]
    routes:
{routes}  environments:
    staging: {{}}
"
        );
        Spec::from_str("demo.yaml", &text).expect("loads")
    }

    /// Each problem as `code: message @ line of each label`.
    fn problems(spec: &Spec) -> Vec<String> {
        let diags = spec.validate();
        diags
            .iter()
            .map(|d| {
                let lines: Vec<String> = d.labels.iter().map(|l| l.span.line.to_string()).collect();
                format!("{}: {} @ {}", d.code, d.message, lines.join(","))
            })
            .collect()
    }

    #[test]
    fn each_route_finds_its_workload_by_name() {
        let s = spec(
            "      - { path: /b, service: b }\n      - { path: /a, service: a }\n      - { path: /x, service: x }\n",
        );
        let problems = problems(&s);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].starts_with("nexus::spec::unresolved_reference")
                && problems[0].contains("`x`"),
            "{problems:#?}"
        );
        let fixed = spec("      - { path: /b, service: b }\n      - { path: /a, service: a }\n");
        let p = fixed.resolve("staging").expect("resolves");
        let routes: Vec<(&str, &str)> = p
            .gateway
            .as_ref()
            .expect("a gateway")
            .routes
            .iter()
            .map(|r| (r.path.value.as_str(), r.workload.value.as_str()))
            .collect();
        assert_eq!(routes, [("/a", "a"), ("/b", "b")]);
    }

    #[test]
    fn a_path_claimed_twice_names_both_claims() {
        // Lines 12, 13 and 14 of the spec.
        let s = spec(
            "      - { path: /api, service: a }\n      - { path: /web, service: b }\n      - { path: /api, service: b }\n",
        );
        assert_eq!(
            problems(&s),
            ["nexus::spec::route_clash: two routes claim the path `/api` @ 14,12"]
        );
    }

    #[test]
    fn a_route_that_does_not_resolve_claims_no_path() {
        // `c` has no port to route to: its route is refused, and the path stays free.
        let s = spec("      - { path: /api, service: c }\n      - { path: /api, service: a }\n");
        let problems = problems(&s);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains("has no ports"), "{problems:#?}");
    }
}
