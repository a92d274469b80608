//! The hardening the Nginx output promises, checked on the parsed directives of every
//! rendered configuration (fixtures and `specs/nexus.yaml`, every version we render for):
//! gixy's add_header_redefinition, host_spoofing and version_disclosure, and Mozilla's
//! intermediate TLS profile on every server of the HTTPS port.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::nginx_parse::{Directive, parse};
use compose_nginx_support::{fixture_platforms, platform, spec_platforms};
use nexus_render::nginx::{NginxOptions, render};
use nexus_spec::ir::NginxVersion;

const CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// The parsed files of one rendering: (path, directives).
type Files = Vec<(String, Vec<Directive>)>;

/// Every rendering: (name, TLS on, files).
fn configs() -> Vec<(String, bool, Files)> {
    let mut platforms = vec![("fixture".to_owned(), platform())];
    platforms.extend(spec_platforms());
    platforms.extend(fixture_platforms());
    let mut out = Vec::new();
    for (name, p) in platforms {
        let Some(gw) = &p.gateway else { continue };
        for v in [None, Some(NginxVersion::new(1, 22, 1))] {
            let opts = NginxOptions {
                version: v,
                ..NginxOptions::default()
            };
            let plan = render(&p, &opts).expect("renders");
            let files = plan
                .files()
                .map(|(path, b)| {
                    (
                        path.to_owned(),
                        parse(std::str::from_utf8(b).expect("utf-8")),
                    )
                })
                .collect();
            out.push((format!("{name} ({v:?})"), gw.tls.is_some(), files));
        }
    }
    out
}

fn all(files: &[(String, Vec<Directive>)]) -> impl Iterator<Item = &Directive> {
    files.iter().flat_map(|(_, d)| d.iter())
}

/// Servers: their directives, in order, one list per `server` block.
fn servers(files: &[(String, Vec<Directive>)]) -> Vec<Vec<&Directive>> {
    let mut out: Vec<Vec<&Directive>> = Vec::new();
    for (_, ds) in files {
        for d in ds {
            if d.name == "server" && d.depth == 0 {
                out.push(Vec::new());
            } else if d.context.first().is_some_and(|c| c == "server")
                && let Some(last) = out.last_mut()
            {
                last.push(d);
            }
        }
    }
    out
}

#[test]
fn security_headers_are_never_dropped_by_a_nested_add_header() {
    for (name, _, files) in configs() {
        for d in all(&files).filter(|d| d.name == "add_header") {
            assert_eq!(
                d.context,
                ["server"],
                "{name}: add_header inside {:?}",
                d.context
            );
            assert_eq!(
                d.args.last().map(String::as_str),
                Some("always"),
                "{name}: {d:?}"
            );
        }
    }
}

#[test]
fn https_servers_use_the_mozilla_intermediate_profile_and_hsts() {
    for (name, tls, files) in configs() {
        let https: Vec<_> = servers(&files)
            .into_iter()
            .filter(|s| s.iter().any(|d| d.name == "ssl_certificate"))
            .collect();
        assert_eq!(https.len(), usize::from(tls), "{name}");
        for s in https {
            let get = |n: &str| {
                s.iter()
                    .find(|d| d.name == n)
                    .map(|d| d.args.join(" "))
                    .unwrap_or_default()
            };
            assert!(
                ["TLSv1.2 TLSv1.3", "TLSv1.3"].contains(&get("ssl_protocols").as_str()),
                "{name}"
            );
            assert_eq!(get("ssl_ciphers"), CIPHERS, "{name}");
            assert_eq!(get("ssl_prefer_server_ciphers"), "off", "{name}");
            assert_eq!(get("ssl_session_timeout"), "1d", "{name}");
            assert!(get("ssl_session_cache").starts_with("shared:"), "{name}");
            assert_eq!(get("ssl_session_tickets"), "off", "{name}");
            let hsts = s
                .iter()
                .find(|d| d.name == "add_header" && d.args[0] == "Strict-Transport-Security");
            let max_age: u64 = hsts
                .and_then(|d| d.args[1].strip_prefix("max-age="))
                .and_then(|v| v.split(';').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            assert!(max_age >= 15_768_000, "{name}: HSTS missing or short");
        }
    }
}

/// Nginx before 1.29.2 negotiates the TLS version with the settings of the port's default
/// server (the catch-all refusing unknown names) before SNI picks the named server (issue
/// 21): every server of the HTTPS port carries the same handshake settings, the floor included.
#[test]
fn every_server_of_the_https_port_has_the_same_tls_profile() {
    for (name, tls, files) in configs() {
        let profiles: Vec<Vec<String>> = servers(&files)
            .into_iter()
            .filter(|s| {
                s.iter()
                    .any(|d| d.name == "listen" && d.args.iter().any(|a| a == "ssl"))
            })
            .map(|s| {
                s.iter()
                    .filter(|d| d.context == ["server"] && d.name.starts_with("ssl_"))
                    .filter(|d| {
                        ![
                            "ssl_certificate",
                            "ssl_certificate_key",
                            "ssl_reject_handshake",
                        ]
                        .contains(&d.name.as_str())
                    })
                    .map(|d| format!("{} {}", d.name, d.args.join(" ")))
                    .collect()
            })
            .collect();
        assert_eq!(!profiles.is_empty(), tls, "{name}");
        for p in &profiles {
            assert_eq!(p, &profiles[0], "{name}: servers of one port differ");
            assert!(
                p.iter().any(|d| d.starts_with("ssl_protocols ")),
                "{name}: a server of the HTTPS port without ssl_protocols"
            );
        }
    }
}

#[test]
fn plain_http_redirects_when_tls_is_on_and_every_server_has_a_health_endpoint() {
    for (name, tls, files) in configs() {
        for s in servers(&files)
            .into_iter()
            .filter(|s| !s.iter().any(|d| d.name == "ssl_reject_handshake"))
        {
            let health = s
                .iter()
                .any(|d| d.name == "location" && d.args == ["=", "/healthz"]);
            assert!(health, "{name}: a server without /healthz");
            let plain = !s.iter().any(|d| d.name == "ssl_certificate");
            if tls && plain {
                let redirect = s
                    .iter()
                    .any(|d| d.name == "return" && d.args == ["301", "https://$host$request_uri"]);
                assert!(redirect, "{name}: the HTTP server does not redirect");
                assert!(
                    !s.iter().any(|d| d.name == "proxy_pass"),
                    "{name}: the HTTP server proxies"
                );
            }
        }
    }
}

#[test]
fn no_host_spoofing_no_version_disclosure_no_pid() {
    for (name, _, files) in configs() {
        let ds: Vec<&Directive> = all(&files).collect();
        assert!(
            ds.iter()
                .any(|d| d.name == "server_tokens" && d.args == ["off"]),
            "{name}"
        );
        assert!(
            !ds.iter().any(|d| d.name == "pid" || d.name == "user"),
            "{name}"
        );
        for d in ds.iter().filter(|d| d.name == "proxy_set_header") {
            assert!(
                !d.args.iter().any(|a| a.contains("$http_host")),
                "{name}: {d:?}"
            );
        }
        for loc in ds.iter().filter(|d| d.name == "proxy_pass") {
            // No URI part: the path goes upstream as the client sent it (gixy proxy_pass_normalized).
            let target = loc.args[0].trim_start_matches("http://");
            assert!(!target.contains('/'), "{name}: {loc:?}");
        }
        let hosts = ds
            .iter()
            .filter(|d| d.name == "proxy_set_header" && d.args[0] == "Host")
            .count();
        let passes = ds.iter().filter(|d| d.name == "proxy_pass").count();
        assert_eq!(
            hosts, passes,
            "{name}: every proxied location sets Host $host"
        );
    }
}

#[test]
fn every_rate_limited_zone_is_keyed_by_the_client_address() {
    for (name, _, files) in configs() {
        for d in all(&files).filter(|d| d.name == "limit_req_zone") {
            assert_eq!(d.args[0], "$binary_remote_addr", "{name}");
        }
        let zones: Vec<String> = all(&files)
            .filter(|d| d.name == "limit_req_zone")
            .map(|d| {
                d.args[1]
                    .trim_start_matches("zone=")
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        for d in all(&files).filter(|d| d.name == "limit_req") {
            let zone = d.args[0].trim_start_matches("zone=");
            assert!(
                zones.iter().any(|z| z == zone),
                "{name}: limit_req on an undeclared zone {zone}"
            );
        }
    }
}
