//! The gateway behaves as declared, on a running Nginx (issue 15): a spec is rendered through
//! the library, served by the host's Nginx on loopback (see
//! `compose_nginx_support::running`), its upstreams replaced by stubs that answer with their
//! own name (`compose_nginx_support::stubs`), and real requests check that
//!
//! * each route reaches its service, and a path that only shares a prefix does not;
//! * plain HTTP redirects to HTTPS;
//! * the TLS floor holds (an older handshake fails) and an unknown name gets no handshake;
//! * every declared header is present, also on refusals (429, 413);
//! * each rate limit answers 429 right after its declared burst;
//! * a body over a route's limit gets 413, one under it passes;
//! * a WebSocket upgrade passes where the route allows it (also Grafana Live, by default on
//!   a route to Grafana), and not elsewhere;
//! * behind a trusted proxy (the test client), each forwarded client has its own count.
//!
//! [`the_checks_catch_a_broken_gateway`] breaks a rendered route, limit and header on
//! purpose and requires the same checks to report each one.

use crate::support::compose_nginx as compose_nginx_support;

use std::path::{Path, PathBuf};

use compose_nginx_support::running::{self, RunningNginx};
use compose_nginx_support::stubs::{self, Response};
use compose_nginx_support::tools;
use nexus_render::OutputPlan;
use nexus_render::nginx::{NginxOptions, render};
use nexus_spec::Spec;

const HOST: &str = "behave.example.com";
/// The services of the spec, each a stub answering with its name.
const SERVICES: &[(&str, u16)] = &[("auth", 8001), ("api", 8002), ("live", 8003), ("web", 8004)];
/// Rate limits: (route path, burst).
const LIMITS: &[(&str, u32)] = &[("/api/auth", 2), ("/api", 3)];
/// The body limit of `/upload`.
const UPLOAD_LIMIT: usize = 1024;

fn spec(cert_dir: &str) -> Spec {
    let services: String = SERVICES
        .iter()
        .map(|(name, port)| {
            format!(
                "    {name}:\n      image: registry.example.com/behave/{name}:0.0.1\n      ports:\n        - {{ name: http, port: {port} }}\n      exposure: public\n"
            )
        })
        .collect();
    let text = format!(
        r#"apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata:
  name: behave
  version: 0.0.1
spec:
  secrets:
    grafana-password: {{}}
  services:
{services}  monitoring:
    grafana:
      version: 11.1.0
      adminPasswordSecret: grafana-password
      subPath: /grafana
  gateway:
    hosts: [{HOST}]
    trustedProxies: [127.0.0.1]
    tls:
      minVersion: TLSv1.2
      certificate: {cert_dir}/tls.crt
      certificateKey: {cert_dir}/tls.key
    headers:
      permissionsPolicy: "camera=()"
      extra:
        X-Robots-Tag: noindex
    rateLimits:
      login: {{ requestsPerMinute: 6, burst: {auth_burst} }}
      api: {{ requestsPerMinute: 6, burst: {api_burst} }}
    routes:
      - {{ path: /api/auth, service: auth, rateLimit: login }}
      - {{ path: /api, service: api, rateLimit: api }}
      - {{ path: /ws, service: live, websocket: true }}
      - {{ path: /upload, service: web, maxBodySize: {UPLOAD_LIMIT} }}
      - {{ path: /grafana, service: grafana }}
      - {{ path: /, service: web }}
  environments:
    test:
      namespace: behave
"#,
        auth_burst = LIMITS[0].1,
        api_burst = LIMITS[1].1,
    );
    Spec::from_str("behave.yaml", &text).unwrap_or_else(|d| panic!("the test spec loads: {d:?}"))
}

/// The tools, or `None` (SKIPPED) when one is missing.
struct Tools {
    nginx: PathBuf,
    openssl: PathBuf,
    curl: PathBuf,
}

fn tools(test: &str) -> Option<Tools> {
    Some(Tools {
        nginx: tools::find(test, "NEXUS_NGINX", "nginx")?,
        openssl: tools::find(test, "NEXUS_OPENSSL", "openssl")?,
        curl: tools::find(test, "NEXUS_CURL", "curl")?,
    })
}

/// The rendered gateway of the test spec, for `ports` (HTTPS, HTTP).
fn rendered(t: &Tools, name: &str, ports: &[u16]) -> OutputPlan {
    let certs = tools::scratch(&format!("{name}-certs"));
    tools::throwaway_cert(&t.openssl, &certs);
    let p = spec(&certs.display().to_string())
        .resolve("test")
        .unwrap_or_else(|d| panic!("resolves: {d:?}"));
    let opts = NginxOptions {
        version: None,
        https_port: ports[0],
        http_port: ports[1],
    };
    render(&p, &opts).expect("renders")
}

/// The declared headers (the Nginx target's defaults and the spec's), lower-cased name and
/// value.
fn declared_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("content-security-policy", "default-src 'self'"),
        ("permissions-policy", "camera=()"),
        ("x-robots-tag", "noindex"),
    ]
}

/// A running gateway with its stubs.
struct Gateway<'a> {
    t: &'a Tools,
    ports: Vec<u16>,
    server: RunningNginx,
}

impl Gateway<'_> {
    fn https(&self, path: &str, extra: &[&str]) -> Response {
        stubs::request(&self.t.curl, "https", HOST, self.ports[0], path, extra)
    }
}

fn serve<'a>(t: &'a Tools, plan: &OutputPlan, ports: Vec<u16>, name: &str) -> Gateway<'a> {
    let upstreams: Vec<(String, String)> = SERVICES
        .iter()
        .chain(&[("grafana", 3000)])
        .map(|(svc, port)| {
            (
                format!("{svc}:{port}"),
                format!("127.0.0.1:{}", stubs::stub(svc)),
            )
        })
        .collect();
    let server = running::start_with(&t.nginx, plan, &ports, name, &upstreams);
    Gateway { t, ports, server }
}

fn check_headers(what: &str, r: &Response, failures: &mut Vec<String>) {
    for (name, value) in declared_headers() {
        if r.header(name) != Some(value) {
            failures.push(format!(
                "{what}: header {name} should be {value:?}, got {:?}",
                r.header(name)
            ));
        }
    }
}

/// Routing, redirect, TLS, headers, body size and WebSocket checks.
fn check_routes(g: &Gateway<'_>) -> Vec<String> {
    let mut failures = Vec::new();
    let expect = [
        ("/api/auth", "auth"),
        ("/api/auth/login", "auth"),
        ("/api/authx", "api"),
        ("/api/v1/items", "api"),
        ("/apix", "web"),
        ("/ws", "live"),
        ("/upload", "web"),
        ("/", "web"),
        ("/wsx", "web"),
        ("/grafana/api/live/ws", "grafana"),
    ];
    for (path, service) in expect {
        let r = g.https(path, &[]);
        let want = format!("{service} {path}");
        if r.status != 200 || r.body != want {
            failures.push(format!(
                "GET {path} should reach {service}: got {} {:?}",
                r.status, r.body
            ));
        }
        check_headers(&format!("GET {path}"), &r, &mut failures);
    }
    let r = stubs::request(&g.t.curl, "http", HOST, g.ports[1], "/api?x=1", &[]);
    let location = format!("https://{HOST}/api?x=1");
    if r.status != 301 || r.header("location") != Some(location.as_str()) {
        failures.push(format!(
            "plain HTTP should redirect to {location}: got {} {:?}",
            r.outcome(),
            r.header("location")
        ));
    }
    for (flag, accepted) in [("-tls1_1", false), ("-tls1_2", true), ("-tls1_3", true)] {
        let got = running::handshake(&g.t.openssl, g.ports[0], HOST, flag);
        if got.is_ok() != accepted {
            failures.push(format!("TLS {flag} should be accepted={accepted}: {got:?}"));
        }
    }
    if running::handshake(&g.t.openssl, g.ports[0], "unknown.example.com", "-tls1_3").is_ok() {
        failures.push("an unknown host name got a TLS handshake".into());
    }
    let big = "x".repeat(UPLOAD_LIMIT + 1);
    let small = "x".repeat(UPLOAD_LIMIT / 2);
    let r = g.https("/upload", &["-X", "POST", "--data-binary", &big]);
    if r.status != 413 {
        failures.push(format!(
            "a body over /upload's limit should get 413: {}",
            r.outcome()
        ));
    }
    check_headers("413", &r, &mut failures);
    let r = g.https("/upload", &["-X", "POST", "--data-binary", &small]);
    if r.status != 200 {
        failures.push(format!(
            "a body under /upload's limit should pass: {}",
            r.outcome()
        ));
    }
    let ws = [
        "-H",
        "Connection: Upgrade",
        "-H",
        "Upgrade: websocket",
        "-H",
        "Sec-WebSocket-Version: 13",
        "-H",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ];
    let r = g.https("/ws", &ws);
    if r.status != 101 {
        failures.push(format!(
            "a WebSocket upgrade on /ws should pass: {}",
            r.outcome()
        ));
    }
    // Grafana Live: a route to Grafana carries upgrades without saying so.
    let r = g.https("/grafana/api/live/ws", &ws);
    if r.status != 101 {
        failures.push(format!(
            "a WebSocket upgrade to Grafana Live should pass: {}",
            r.outcome()
        ));
    }
    let r = g.https("/", &ws);
    if r.status != 200 {
        failures.push(format!(
            "a WebSocket upgrade on / should not reach the stub: {}",
            r.outcome()
        ));
    }
    failures
}

/// Each rate limit lets exactly burst + 1 requests through at once, then answers 429 with
/// the declared headers. The limits count per minute, so no request of the run is refilled.
fn check_limits(g: &Gateway<'_>) -> Vec<String> {
    let mut failures = Vec::new();
    for (path, burst) in LIMITS {
        let statuses: Vec<u16> = (0..burst + 3)
            .map(|_| {
                let r = g.https(path, &[]);
                if r.status == 429 {
                    check_headers(&format!("429 on {path}"), &r, &mut failures);
                }
                r.status
            })
            .collect();
        let passed = statuses.iter().take_while(|s| **s == 200).count();
        if passed != *burst as usize + 1 || statuses[passed..].iter().any(|s| *s != 429) {
            failures.push(format!(
                "{path} (burst {burst}) should pass {} requests then answer 429: {statuses:?}",
                burst + 1
            ));
        }
        // The test client is a trusted proxy: another client behind it has its own count.
        let r = g.https(path, &["-H", "X-Forwarded-For: 203.0.113.7"]);
        if r.status != 200 {
            failures.push(format!(
                "{path}: a client behind the trusted proxy should be counted apart: {}",
                r.outcome()
            ));
        }
    }
    failures
}

/// Every check against a plan, on a fresh gateway per group (the limits' counts are not
/// shared with the routing checks).
fn check_all(t: &Tools, name: &str, plan: impl Fn(&[u16]) -> OutputPlan) -> Vec<String> {
    let mut failures = Vec::new();
    for (i, check) in [
        check_routes as fn(&Gateway<'_>) -> Vec<String>,
        check_limits,
    ]
    .iter()
    .enumerate()
    {
        let ports = running::free_ports(2);
        let p = plan(&ports);
        let g = serve(t, &p, ports, &format!("{name}-{i}"));
        let f = check(&g);
        if !f.is_empty() {
            eprintln!("error log of {name}-{i}:\n{}", g.server.error_log());
        }
        failures.extend(f);
    }
    failures
}

#[test]
fn the_gateway_behaves_as_declared_on_a_running_nginx() {
    let Some(t) = tools("nginx_behaviour") else {
        return;
    };
    let failures = check_all(&t, "nginx-behaviour", |ports| {
        rendered(&t, "nginx-behaviour", ports)
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A plan with every occurrence of `from` replaced in one file (there must be one).
fn broken(plan: &OutputPlan, file: &str, from: &str, to: &str) -> OutputPlan {
    let mut out = OutputPlan::new();
    for (path, bytes) in plan.files() {
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        if Path::new(path).ends_with(file) {
            assert!(text.contains(from), "{file} holds {from:?}");
            text = text.replace(from, to);
        }
        out.add(path.to_owned(), text).expect("add");
    }
    out
}

#[test]
fn the_checks_catch_a_broken_gateway() {
    let Some(t) = tools("nginx_behaviour") else {
        return;
    };
    let breakages: &[(&str, &str, &str, &str, &str)] = &[
        // A route sent to the wrong upstream.
        (
            "route",
            "40-https.conf",
            "proxy_pass http://auth_http;",
            "proxy_pass http://api_http;",
            "GET /api/auth should reach auth",
        ),
        // A prefix location without its trailing slash: `/api` would match `/apix`.
        (
            "prefix",
            "40-https.conf",
            "location /api/ {",
            "location /api {",
            "GET /apix should reach web",
        ),
        // A burst one higher than declared.
        (
            "limit",
            "40-https.conf",
            "burst=2 nodelay",
            "burst=3 nodelay",
            "/api/auth (burst 2)",
        ),
        // A header dropped.
        (
            "header",
            "40-https.conf",
            "    add_header X-Robots-Tag noindex always;\n",
            "",
            "header x-robots-tag",
        ),
        // The trusted proxy forgotten: every client behind it shares one count.
        (
            "real-ip",
            "10-limits.conf",
            "real_ip_header X-Forwarded-For;",
            "real_ip_header X-Real-IP;",
            "counted apart",
        ),
        // Upgrades not passed on the WebSocket routes.
        (
            "websocket",
            "40-https.conf",
            "proxy_set_header Connection $connection_upgrade;",
            "proxy_set_header Connection \"\";",
            "WebSocket upgrade on /ws",
        ),
    ];
    let mut missed = Vec::new();
    for (what, file, from, to, expected) in breakages {
        let failures = check_all(&t, &format!("nginx-broken-{what}"), |ports| {
            broken(&rendered(&t, "nginx-broken", ports), file, from, to)
        });
        if let Some(caught) = failures.iter().find(|f| f.contains(expected)) {
            eprintln!("broken {what}: caught: {caught}");
        } else {
            missed.push(format!(
                "{what}: no failure mentions {expected:?}: {failures:#?}"
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

/// The client's retry (`stubs::request`): a request that gets no response at all is made
/// three times, then fails with curl's own message rather than an empty body. Port 1 of
/// the loopback (TCP port multiplexer, a privileged port no test uses) refuses.
#[test]
fn a_request_without_a_response_is_retried_and_explained() {
    let Some(t) = tools("nginx_behaviour") else {
        return;
    };
    let r = stubs::request(&t.curl, "http", HOST, 1, "/", &[]);
    assert_eq!(r.status, 0, "{r:?}");
    assert!(
        r.body.contains("after 3 attempt(s); curl exit 7:"),
        "{}",
        r.outcome()
    );
}
