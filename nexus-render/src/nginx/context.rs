//! What the Nginx templates see: the gateway of the IR, checked and turned into whole
//! argument tokens (`zone=api`, `backend:8000`, `50m`), so templates only place them.
//!
//! Routes follow the Kubernetes Ingress `Prefix` semantics, so both targets route the same
//! requests: a route `/api` matches `/api` and `/api/...` but not `/apix`. It becomes two
//! locations, `location = /api` and `location /api/`, with one body; `/` is `location /`.
//! A trailing `/` in the spec is ignored (`/api/` is `/api`). Nginx then picks the longest
//! matching prefix, as the Ingress does.

use std::collections::BTreeSet;

use serde::Serialize;

use nexus_spec::ir::{self, NginxVersion};
use nexus_spec::model::TlsVersion;

use super::escape;
use crate::error::RenderError;

/// The path of the gateway's own health endpoint.
pub(crate) const HEALTH_PATH: &str = "/healthz";

/// Everything the templates use.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TemplateData {
    /// `platform environment` for the header comment.
    pub title: String,
    /// Version rendered for (`1.27.0`).
    pub version: String,
    /// `http2 on;` (1.25.1 and later) instead of `listen ... http2`.
    pub http2_directive: bool,
    /// `ssl_reject_handshake` exists (1.19.4 and later).
    pub reject_handshake: bool,
    /// Port of the HTTP server.
    pub http_port: u16,
    /// Port of the HTTPS server.
    pub https_port: u16,
    /// Host names (`server_name`); empty means any.
    pub server_names: Vec<String>,
    /// TLS, when on.
    pub tls: Option<Tls>,
    /// Response headers, HSTS first.
    pub headers: Vec<Header>,
    /// Rate-limit zones.
    pub zones: Vec<Zone>,
    /// Upstreams.
    pub upstreams: Vec<Upstream>,
    /// Some route takes WebSocket upgrades.
    pub websocket: bool,
    /// Routes, longest path first.
    pub routes: Vec<Route>,
    /// The health endpoint's path.
    pub health_path: String,
    /// Upstream names are re-resolved at run time (`server ... resolve`, Nginx 1.27.3 and
    /// later) through [`resolver`](Self::resolver).
    pub resolve: bool,
    /// The DNS server upstream names are re-resolved with: Docker's embedded one.
    pub resolver: String,
    /// Trusted proxies (`set_real_ip_from`): the client address is taken from their
    /// `X-Forwarded-For`.
    pub trusted_proxies: Vec<String>,
}

/// Docker's embedded DNS server, which every container on a user-defined network reaches.
pub(crate) const DOCKER_RESOLVER: &str = "127.0.0.11";

/// TLS settings.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Tls {
    /// Certificate path.
    pub certificate: String,
    /// Key path.
    pub certificate_key: String,
    /// Protocols, oldest first.
    pub protocols: Vec<String>,
}

/// A response header.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Header {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A `limit_req_zone`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Zone {
    /// `zone=NAME:10m`.
    pub zone: String,
    /// `rate=20r/s`.
    pub rate: String,
}

/// An upstream.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Upstream {
    /// Name (`backend_http`).
    pub name: String,
    /// `host:port`.
    pub server: String,
}

/// One route's locations and shared body.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Route {
    /// Locations (exact, then prefix).
    pub locations: Vec<Location>,
    /// `http://UPSTREAM`.
    pub proxy_pass: String,
    /// `zone=NAME`, when rate limited.
    pub limit_zone: Option<String>,
    /// `burst=N`.
    pub limit_burst: String,
    /// Body size limit (`50m`).
    pub max_body: String,
    /// Read and send timeout (`60s`).
    pub timeout: String,
    /// WebSocket upgrades.
    pub websocket: bool,
}

/// A `location`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Location {
    /// `location = PATH` rather than a prefix.
    pub exact: bool,
    /// The path.
    pub path: String,
}

fn unrenderable(msg: String) -> RenderError {
    RenderError::Unrenderable(msg)
}

/// Builds the context; `version`, `http_port` and `https_port` come from the options.
pub(crate) fn build(
    p: &ir::Platform,
    gw: &ir::Gateway,
    version: NginxVersion,
    http_port: u16,
    https_port: u16,
) -> Result<TemplateData, RenderError> {
    let tls = gw.tls.as_ref().map(|t| Tls {
        certificate: t.certificate.clone(),
        certificate_key: t.certificate_key.clone(),
        protocols: [
            TlsVersion::V1_0,
            TlsVersion::V1_1,
            TlsVersion::V1_2,
            TlsVersion::V1_3,
        ]
        .into_iter()
        .filter(|v| *v >= t.min_version.value)
        .map(|v| v.as_str().to_owned())
        .collect(),
    });
    let mut headers = Vec::new();
    if let (Some(h), Some(_)) = (&gw.hsts, &gw.tls) {
        headers.push(Header {
            name: "Strict-Transport-Security".into(),
            value: h.header_value(),
        });
    }
    for h in &gw.headers {
        if h.name.is_empty()
            || !h
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(unrenderable(format!(
                "`{}` is not a header name Nginx can send",
                h.name.escape_debug()
            )));
        }
        headers.push(Header {
            name: h.name.clone(),
            value: h.value.value.clone(),
        });
    }
    let zones = gw
        .rate_limits
        .iter()
        .map(|r| Zone {
            zone: format!("zone={}:10m", r.name.value),
            rate: format!("rate={}", r.rate.nginx()),
        })
        .collect();
    let mut upstreams: Vec<Upstream> = Vec::new();
    let mut routes = Vec::new();
    let mut seen_paths = BTreeSet::from([HEALTH_PATH.to_owned()]);
    for r in &gw.routes {
        if p.workload(&r.workload.value).is_none() {
            return Err(unrenderable(format!(
                "the route `{}` targets the unknown workload `{}`",
                r.path.value, r.workload.value
            )));
        }
        let name = format!("{}_{}", r.workload.value, r.port_name);
        if !upstreams.iter().any(|u| u.name == name) {
            upstreams.push(Upstream {
                name: name.clone(),
                server: format!("{}:{}", r.workload.value, r.port),
            });
        }
        let locations = locations(&r.path.value)?;
        for l in &locations {
            let key = if l.exact {
                l.path.clone()
            } else {
                format!("{} prefix", l.path)
            };
            if !seen_paths.insert(key) {
                return Err(unrenderable(format!(
                    "the route `{}` matches the same path as another route or the gateway's `{HEALTH_PATH}`",
                    r.path.value
                )));
            }
        }
        let limit = match &r.rate_limit {
            Some(n) => Some(
                gw.rate_limits
                    .iter()
                    .find(|z| z.name.value == n.value)
                    .ok_or_else(|| {
                        unrenderable(format!(
                            "the route `{}` uses the unknown rate limit `{}`",
                            r.path.value, n.value
                        ))
                    })?,
            ),
            None => None,
        };
        routes.push(Route {
            locations,
            proxy_pass: format!("http://{name}"),
            limit_zone: limit.map(|z| format!("zone={}", z.name.value)),
            limit_burst: format!("burst={}", limit.map_or(0, |z| z.burst)),
            max_body: size(r.max_body_bytes),
            timeout: format!("{}s", r.timeout_seconds.max(1)),
            websocket: r.websocket,
        });
    }
    upstreams.sort_by(|a, b| a.name.cmp(&b.name));
    let mut trusted_proxies = Vec::new();
    for t in &gw.trusted_proxies {
        escape::check(&t.value).map_err(|why| {
            unrenderable(format!(
                "the trusted proxy `{}` {why}",
                t.value.escape_debug()
            ))
        })?;
        trusted_proxies.push(t.value.clone());
    }
    Ok(TemplateData {
        title: format!(
            "{} {} ({})",
            p.name.value, p.version.value, p.environment.value
        ),
        version: version.to_string(),
        http2_directive: version >= NginxVersion::new(1, 25, 1),
        reject_handshake: version >= NginxVersion::new(1, 19, 4),
        http_port,
        https_port,
        server_names: gw.hosts.iter().map(|h| h.value.clone()).collect(),
        tls,
        headers,
        zones,
        upstreams,
        websocket: gw.routes.iter().any(|r| r.websocket),
        routes,
        health_path: HEALTH_PATH.into(),
        resolve: version >= NginxVersion::new(1, 27, 3),
        resolver: DOCKER_RESOLVER.into(),
        trusted_proxies,
    })
}

/// The locations of a route path (see the module docs).
pub(crate) fn locations(path: &str) -> Result<Vec<Location>, RenderError> {
    if !path.starts_with('/') {
        return Err(unrenderable(format!(
            "the route path `{}` does not start with `/`",
            path.escape_debug()
        )));
    }
    escape::check(path)
        .map_err(|why| unrenderable(format!("the route path `{}` {why}", path.escape_debug())))?;
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(vec![Location {
            exact: false,
            path: "/".into(),
        }]);
    }
    Ok(vec![
        Location {
            exact: true,
            path: trimmed.to_owned(),
        },
        Location {
            exact: false,
            path: format!("{trimmed}/"),
        },
    ])
}

/// A size in Nginx's units (`k`, `m`, `g` are 1024-based).
pub(crate) fn size(bytes: u64) -> String {
    for (unit, n) in [("g", 1u64 << 30), ("m", 1 << 20), ("k", 1 << 10)] {
        if bytes >= n && bytes.is_multiple_of(n) {
            return format!("{}{unit}", bytes / n);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_nginx_units() {
        assert_eq!(size(50 * 1024 * 1024), "50m");
        assert_eq!(size(64 * 1024), "64k");
        assert_eq!(size(1000), "1000");
    }

    fn paths(p: &str) -> Vec<(bool, String)> {
        locations(p)
            .unwrap()
            .into_iter()
            .map(|l| (l.exact, l.path))
            .collect()
    }

    #[test]
    fn routes_follow_ingress_prefix_semantics() {
        assert_eq!(paths("/"), [(false, "/".to_owned())]);
        assert_eq!(
            paths("/api"),
            [(true, "/api".to_owned()), (false, "/api/".to_owned())]
        );
        assert_eq!(paths("/api/"), paths("/api"));
        assert_eq!(paths("//"), paths("/"));
        for bad in ["api", "", "~", "=", "@x", "/a\nb", "/$uri"] {
            assert!(locations(bad).is_err(), "{bad:?}");
        }
    }
}
