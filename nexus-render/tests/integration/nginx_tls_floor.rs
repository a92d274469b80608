//! The declared TLS floor holds on the running Nginx (issue 21): for each Nginx version
//! setting nexus renders differently for (before the catch-all server, 1.19.4; before
//! `http2 on`, 1.25.1; current), a spec whose floor is TLSv1.2 and an environment that raises
//! it to TLSv1.3 are rendered through the library, served by the host's Nginx on loopback
//! (see `compose_nginx_support::running` for the little the harness changes), and
//! `openssl s_client` offers one TLS version at a time: exactly the declared versions are
//! accepted, and a name the gateway does not serve gets no handshake.
//!
//! Nginx before 1.29.2 (the host's is 1.22) picks the TLS version with the settings of the
//! port's default server, before SNI selects the named one: with the catch-all server's TLS
//! settings removed, the TLSv1.3 environment accepts TLS 1.2, and since Nginx before 1.23.4
//! leaves TLS 1.3 out of its default, both environments refuse TLS 1.3.

use crate::support::compose_nginx as compose_nginx_support;

use compose_nginx_support::running::{self, RunningNginx};
use compose_nginx_support::tools;
use nexus_render::nginx::{NginxOptions, render};
use nexus_spec::Spec;
use nexus_spec::ir::NginxVersion;
use nexus_spec::model::TlsVersion;

const HOST: &str = "floor.example.com";

/// The Nginx version settings of the test, one per branch of the templates.
const VERSIONS: &[&str] = &["1.18", "1.22", "1.27"];

/// Each offered version: the `s_client` flag and the name Nginx reports.
const PROBES: &[(TlsVersion, &str)] = &[
    (TlsVersion::V1_1, "-tls1_1"),
    (TlsVersion::V1_2, "-tls1_2"),
    (TlsVersion::V1_3, "-tls1_3"),
];

/// The test spec: floor TLSv1.2, raised to TLSv1.3 by the `strict` environment; certificate
/// files in `dir`. The routed service is named `localhost` so that its upstream resolves
/// without a hosts file.
fn spec(dir: &str, version: &str) -> Spec {
    let text = format!(
        r#"apiVersion: nexus.dev/v1alpha1
kind: Platform
metadata:
  name: floor
  version: 0.0.1
spec:
  services:
    localhost:
      image: registry.example.com/floor/app:0.0.1
      ports:
        - {{ name: http, port: 8000 }}
      exposure: public
  gateway:
    hosts: [{HOST}]
    tls:
      minVersion: TLSv1.2
      certificate: {dir}/tls.crt
      certificateKey: {dir}/tls.key
    routes:
      - {{ path: /, service: localhost }}
    nginx:
      version: "{version}"
  environments:
    relaxed:
      namespace: floor-relaxed
    strict:
      namespace: floor-strict
      gateway:
        tls:
          minVersion: TLSv1.3
          certificate: {dir}/tls.crt
          certificateKey: {dir}/tls.key
"#
    );
    Spec::from_str("floor.yaml", &text).unwrap_or_else(|d| panic!("the test spec loads: {d:?}"))
}

/// Every probe against one running gateway: (offered, accepted as).
fn probe(openssl: &std::path::Path, port: u16) -> Vec<(TlsVersion, Result<String, String>)> {
    PROBES
        .iter()
        .map(|(v, flag)| (*v, running::handshake(openssl, port, HOST, flag)))
        .collect()
}

#[test]
fn the_declared_tls_floor_holds_on_the_running_nginx() {
    let test = "nginx_tls_floor";
    let Some(nginx) = tools::find(test, "NEXUS_NGINX", "nginx") else {
        return;
    };
    let Some(openssl) = tools::find(test, "NEXUS_OPENSSL", "openssl") else {
        return;
    };
    let certs = tools::scratch("nginx-tls-floor-certs");
    let (cert, _) = tools::throwaway_cert(&openssl, &certs);
    let cert_dir = cert.parent().expect("cert dir").display().to_string();
    let mut failures = Vec::new();
    for version in VERSIONS {
        let spec = spec(&cert_dir, version);
        for (env, floor) in [("relaxed", TlsVersion::V1_2), ("strict", TlsVersion::V1_3)] {
            let p = spec.resolve(env).unwrap_or_else(|d| panic!("{env}: {d:?}"));
            let gw = p.gateway.as_ref().expect("gateway");
            let tls = gw.tls.as_ref().expect("tls");
            assert_eq!(tls.min_version.value, floor, "{env}: the spec's own floor");
            assert_eq!(
                gw.nginx.version.value,
                NginxVersion::parse(version).expect("version"),
            );
            let ports = running::free_ports(2);
            let opts = NginxOptions {
                version: None,
                https_port: ports[0],
                http_port: ports[1],
            };
            let plan = render(&p, &opts).expect("renders");
            let name = format!("nginx-tls-floor-{version}-{env}");
            let server: RunningNginx = running::start(&nginx, &plan, &ports, &name);
            for (offered, result) in probe(&openssl, ports[0]) {
                let expected = offered >= floor;
                let ok = match &result {
                    Ok(proto) => expected && proto == offered.as_str(),
                    Err(_) => !expected,
                };
                if !ok {
                    failures.push(format!(
                        "Nginx {version}, floor {floor}: {offered} should be {} but got {result:?}",
                        if expected { "accepted" } else { "refused" },
                    ));
                }
            }
            let catch_all =
                NginxVersion::parse(version).expect("version") >= NginxVersion::new(1, 19, 4);
            if catch_all {
                let other = running::handshake(&openssl, ports[0], "other.example.com", "-tls1_3");
                if other.is_ok() {
                    failures.push(format!(
                        "Nginx {version}, floor {floor}: an unknown name got a handshake"
                    ));
                }
            }
            if !failures.is_empty() {
                eprintln!("error log of {name}:\n{}", server.error_log());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the declared TLS floor does not hold:\n{}",
        failures.join("\n")
    );
}
