//! The Nginx generator: the gateway's configuration, rendered with minijinja templates whose
//! every interpolated value is escaped or refused (see `nginx/escape.rs`).
//!
//! [`render`] writes, relative to the environment's `nginx/` folder:
//! - `nginx.conf`: the main context and the `http` defaults (`server_tokens off`, timeouts);
//! - `conf.d/10-limits.conf`: one `limit_req_zone` per rate limit, the WebSocket map;
//! - `conf.d/20-upstreams.conf`: one upstream per routed workload and port;
//! - `conf.d/30-http.conf`: the plain-HTTP server: `/healthz` and a 301 to HTTPS (or the
//!   routes, when TLS is off);
//! - `conf.d/40-https.conf` (with TLS): Mozilla's intermediate profile, HSTS and security
//!   headers with `always`, `/healthz` and the routes (see `nginx/context.rs` for path matching).
//!
//! The syntax follows the target version: `http2 on;` from 1.25.1, `listen ... ssl http2`
//! before; the catch-all server refusing unknown host names needs 1.19.4.
//!
//! Every server of the HTTPS port carries the same TLS profile (`partials/tls.conf`): Nginx
//! before 1.29.2 negotiates the protocol version with the settings of the port's default
//! server (the catch-all, from 1.19.4) before it switches to the server the client names by
//! SNI, so a floor set on the named server alone would not hold; from 1.29.2 the named
//! server's settings apply. Identical settings hold either way (docs/decisions/0011).

pub(crate) mod context;
mod escape;
mod templates;

use nexus_spec::ir::{self, NginxVersion};

use crate::error::RenderError;
use crate::plan::OutputPlan;

/// Settings of a rendering that are not in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NginxOptions {
    /// Version to render for; `None` means `gateway.nginx.version` of the spec.
    pub version: Option<NginxVersion>,
    /// Port of the plain-HTTP server (8080: the unprivileged image cannot bind 80).
    pub http_port: u16,
    /// Port of the HTTPS server (8443).
    pub https_port: u16,
}

impl Default for NginxOptions {
    fn default() -> Self {
        NginxOptions {
            version: None,
            http_port: 8080,
            https_port: 8443,
        }
    }
}

/// Renders the gateway's Nginx configuration. A platform without a gateway renders nothing.
pub fn render(p: &ir::Platform, opts: &NginxOptions) -> Result<OutputPlan, RenderError> {
    let mut plan = OutputPlan::new();
    let Some(gw) = &p.gateway else {
        return Ok(plan);
    };
    let version = opts.version.unwrap_or(gw.nginx.version.value);
    let ctx = context::build(p, gw, version, opts.http_port, opts.https_port)?;
    let env = templates::environment()?;
    let mut files = vec![
        ("nginx.conf", "nginx.conf"),
        ("conf.d/10-limits.conf", "limits.conf"),
        ("conf.d/20-upstreams.conf", "upstreams.conf"),
        ("conf.d/30-http.conf", "http.conf"),
    ];
    if ctx.tls.is_some() {
        files.push(("conf.d/40-https.conf", "https.conf"));
    }
    for (path, template) in files {
        plan.add(path, templates::render(&env, template, &ctx)?)?;
    }
    Ok(plan)
}
