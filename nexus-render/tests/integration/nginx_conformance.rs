//! Conformance: Nginx's own `nginx -t` accepts every rendered configuration, rendered for
//! the host's Nginx (Debian's 1.22). See docs/conformance.md.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::{platform, tools};
use nexus_render::nginx::{NginxOptions, render};
use nexus_spec::ir::{self, NginxVersion};

/// Every platform the tests render: the hand-built fixture, its variants, and each
/// environment of `specs/nexus.yaml`.
fn platforms() -> Vec<(String, ir::Platform)> {
    let mut out = vec![("fixture".to_owned(), platform())];
    let mut plain = platform();
    if let Some(gw) = plain.gateway.as_mut() {
        gw.tls = None;
        gw.hsts = None;
        gw.hosts.clear();
    }
    out.push(("fixture-plain-http".to_owned(), plain));
    out.extend(compose_nginx_support::spec_platforms());
    out.extend(compose_nginx_support::fixture_platforms());
    out
}

fn check(test: &str, version: NginxVersion) {
    let Some(nginx) = tools::find(test, "NEXUS_NGINX", "nginx") else {
        return;
    };
    let Some(openssl) = tools::find(test, "NEXUS_OPENSSL", "openssl") else {
        return;
    };
    for (name, p) in platforms() {
        let opts = NginxOptions {
            version: Some(version),
            ..NginxOptions::default()
        };
        let plan = render(&p, &opts).expect("renders");
        let Some(gw) = p.gateway.as_ref() else {
            assert!(plan.is_empty(), "{name}: no gateway, no Nginx config");
            continue;
        };
        let certs: Vec<&str> = gw
            .tls
            .iter()
            .flat_map(|t| [t.certificate.as_str(), t.certificate_key.as_str()])
            .collect();
        let hosts: Vec<String> = gw.routes.iter().map(|r| r.workload.value.clone()).collect();
        let (ok, out) = tools::nginx_t(
            &nginx,
            &openssl,
            &plan,
            &certs,
            &hosts,
            &format!("{test}-{name}"),
        );
        assert!(
            ok,
            "nginx -t refused the {name} config rendered for {version}:\n{out}"
        );
    }
}

#[test]
fn nginx_accepts_configs_rendered_for_the_host_version() {
    check("nginx_1_22", NginxVersion::new(1, 22, 1));
}

/// The harness itself: a broken config must be refused, or the test above proves nothing.
#[test]
fn nginx_harness_refuses_a_broken_config() {
    let test = "nginx_harness";
    let Some(nginx) = tools::find(test, "NEXUS_NGINX", "nginx") else {
        return;
    };
    let Some(openssl) = tools::find(test, "NEXUS_OPENSSL", "openssl") else {
        return;
    };
    let p = platform();
    let opts = NginxOptions {
        version: Some(NginxVersion::new(1, 22, 1)),
        ..NginxOptions::default()
    };
    let plan = render(&p, &opts).expect("renders");
    let certs = ["/etc/nginx/tls/tls.crt", "/etc/nginx/tls/tls.key"];
    // Upstream names that do not resolve are refused.
    let (ok, out) = tools::nginx_t(&nginx, &openssl, &plan, &certs, &[], "nginx-harness-hosts");
    assert!(!ok && out.contains("host not found"), "{out}");
    // So is the `http2` directive on 1.22.
    let newer = render(&p, &NginxOptions::default()).expect("renders");
    let hosts = ["api".to_owned(), "web".to_owned()];
    let (ok, out) = tools::nginx_t(
        &nginx,
        &openssl,
        &newer,
        &certs,
        &hosts,
        "nginx-harness-http2",
    );
    assert!(!ok && out.contains("http2"), "{out}");
}
