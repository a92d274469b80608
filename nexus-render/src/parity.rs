//! What each edge renders of the declared gateway: the table behind `docs/gateway-parity.md`.
//!
//! Each feature, for each edge (the Nginx target, the Gateway API edge with NGINX Gateway
//! Fabric, the Ingress edge with the NGINX Ingress Controller), is rendered exactly,
//! approximately (a lint rule says how) or not at all (a lint rule says so). The table is
//! data, held to the code by `tests/integration/gateway_parity.rs`: the document is generated from it,
//! each exact or approximate entry names text the edge's rendering of a spec that declares
//! every feature must contain, and each rule named must fire on that spec for that edge.

/// An edge that serves the declared gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Edge {
    /// The Nginx configuration (Compose, or any host running Nginx).
    Nginx,
    /// Kubernetes, Gateway API objects and NGINX Gateway Fabric's policies (the default).
    GatewayApi,
    /// Kubernetes, Ingress objects for the NGINX Ingress Controller.
    Ingress,
}

impl Edge {
    /// Every edge, in the table's column order.
    pub const ALL: [Edge; 3] = [Edge::Nginx, Edge::GatewayApi, Edge::Ingress];

    /// The column heading.
    pub fn title(self) -> &'static str {
        match self {
            Edge::Nginx => "Nginx (Compose)",
            Edge::GatewayApi => "Gateway API (NGINX Gateway Fabric)",
            Edge::Ingress => "Ingress (NGINX Ingress Controller)",
        }
    }
}

/// How an edge renders a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Support {
    /// Rendered as declared; the rendering contains this text.
    Exact(&'static str),
    /// Rendered with a difference the lint rule reports; the rendering contains this text.
    Approximate(&'static str, &'static str),
    /// Not rendered; the lint rule reports it.
    Absent(&'static str),
}

/// One feature of the gateway.
#[derive(Debug, Clone, Copy)]
pub struct Feature {
    /// What the spec declares.
    pub name: &'static str,
    /// How each edge renders it, in [`Edge::ALL`] order.
    pub support: [Support; 3],
    /// What to know beyond the table.
    pub note: &'static str,
}

use Support::{Absent, Approximate, Exact};

/// Every gateway feature, by edge.
pub const FEATURES: &[Feature] = &[
    Feature {
        name: "host names",
        support: [Exact("server_name"), Exact("hostname: "), Exact("host: ")],
        note: "",
    },
    Feature {
        name: "path-prefix routes (`/api` matches `/api/x`, not `/apix`)",
        support: [
            Exact("location /api/ {"),
            Exact("type: PathPrefix"),
            Exact("pathType: Prefix"),
        ],
        note: "Gateway API `PathPrefix` and Ingress `Prefix` match whole path segments, as the Nginx target's exact-plus-slash locations do.",
    },
    Feature {
        name: "HTTP redirected to HTTPS",
        support: [
            Exact("return 301 https://"),
            Exact("type: RequestRedirect"),
            Exact("secretName:"),
        ],
        note: "The NGINX Ingress Controller redirects HTTP to HTTPS for every host with a TLS secret (its `ssl-redirect` default).",
    },
    Feature {
        name: "certificate from a cert-manager issuer",
        support: [
            Exact("ssl_certificate "),
            Exact("cert-manager.io/cluster-issuer"),
            Exact("cert-manager.io/cluster-issuer"),
        ],
        note: "Nginx reads certificate files; on Kubernetes cert-manager issues them (for a Gateway, with its Gateway support enabled).",
    },
    Feature {
        name: "TLS floor (`tls.minVersion`)",
        support: [
            Exact("ssl_protocols TLSv1.3;"),
            Exact("nginx.org/ssl-protocols: TLSv1.3"),
            Absent("NX-NET-021"),
        ],
        note: "Every HTTPS server of the Nginx port carries the floor (decision 0011); NGINX Gateway Fabric's Nginx (1.31) applies a listener's `ssl_protocols` per host name.",
    },
    Feature {
        name: "unknown host names refused",
        support: [
            Exact("ssl_reject_handshake on;"),
            Exact("hostname: "),
            Approximate("NX-NET-033", "host: "),
        ],
        note: "NGINX Gateway Fabric refuses names no listener declares; the Ingress controller answers them with its default server.",
    },
    Feature {
        name: "HSTS",
        support: [
            Exact("add_header Strict-Transport-Security"),
            Exact("name: Strict-Transport-Security"),
            Exact("nginx.org/hsts-max-age"),
        ],
        note: "",
    },
    Feature {
        name: "security headers (also on refusals)",
        support: [
            Exact("add_header X-Frame-Options DENY always;"),
            Exact("type: ResponseHeaderModifier"),
            Absent("NX-NET-030"),
        ],
        note: "NGINX Gateway Fabric renders the filter as `add_header ... always`.",
    },
    Feature {
        name: "rate limit per client, rate and burst",
        support: [
            Exact("burst=5 nodelay"),
            Exact("burst: 5"),
            Approximate("NX-NET-032", "nginx.org/limit-req-burst: \"5\""),
        ],
        note: "One count per named limit, shared by its routes; the Ingress controller keeps one per Ingress.",
    },
    Feature {
        name: "429 when a rate limit refuses",
        support: [
            Exact("limit_req_status 429;"),
            Exact("rejectCode: 429"),
            Exact("nginx.org/limit-req-reject-code: \"429\""),
        ],
        note: "",
    },
    Feature {
        name: "largest request body (413 above it)",
        support: [
            Exact("client_max_body_size 64k;"),
            Exact("maxSize: 64k"),
            Exact("nginx.org/client-max-body-size: 64k"),
        ],
        note: "",
    },
    Feature {
        name: "upstream timeout",
        support: [
            Exact("proxy_read_timeout 3600s;"),
            Exact("read: 3600s"),
            Exact("nginx.org/proxy-read-timeout: 3600s"),
        ],
        note: "",
    },
    Feature {
        name: "WebSocket upgrades where declared",
        support: [
            Exact("proxy_set_header Upgrade $http_upgrade;"),
            Exact("type: PathPrefix"),
            Exact("nginx.org/websocket-services: live"),
        ],
        note: "NGINX Gateway Fabric passes upgrades on every route; the Nginx target only on routes that declare them.",
    },
    Feature {
        name: "trusted proxies (client address from `X-Forwarded-For`)",
        support: [
            Exact("set_real_ip_from 10.0.0.0/8;"),
            Absent("NX-NET-031"),
            Absent("NX-NET-031"),
        ],
        note: "On Kubernetes the client address is a setting of the controller.",
    },
];

/// The Markdown document of the table (`docs/gateway-parity.md`).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Gateway parity: what each edge renders\n\n\
         Generated from `nexus-render/src/parity.rs` (`NEXUS_UPDATE_DOCS=1 cargo test --test integration gateway_parity`\n\
         rewrites it); `tests/integration/gateway_parity.rs` holds the table to the renderers and the lint catalog.\n\
         **exact**: rendered as declared. **approximate** / **absent**: the named lint rule reports the\n\
         difference for specs on that edge, so no edge drops a declared feature silently.\n\
         The edges are chosen in docs/decisions/0016-gateway-api-edge.md.\n\n",
    );
    out.push_str("| feature |");
    for e in Edge::ALL {
        out.push_str(&format!(" {} |", e.title()));
    }
    out.push_str(" note |\n| --- | --- | --- | --- | --- |\n");
    for f in FEATURES {
        out.push_str(&format!("| {} |", f.name));
        for s in f.support {
            let cell = match s {
                Exact(_) => "exact".to_owned(),
                Approximate(rule, _) => format!("approximate ({rule})"),
                Absent(rule) => format!("absent ({rule})"),
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push_str(&format!(" {} |\n", f.note));
    }
    out
}
