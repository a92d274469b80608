//! The gateway service: the Nginx image running the configuration [`crate::nginx`] renders,
//! the only service that publishes ports.
//!
//! - The rendered `nginx/` folder sits next to `compose/`; `nginx.conf` and `conf.d/` are
//!   mounted read-only from there.
//! - The unprivileged image runs as uid 101 and listens on 8080/8443 in the container; the
//!   host's 80/443 are published on `gateway.nginx.bind_address` only.
//! - The certificate and key come from host files named by `TLS_CERTIFICATE_FILE` and
//!   `TLS_CERTIFICATE_KEY_FILE` (listed in `.env.example`), mounted read-only at the paths
//!   the Nginx configuration reads.
//! - The configuration sets no `pid`, so the command moves it to the tmpfs `/tmp`.
//! - One container: two would fight over the published ports.
//! - Rendered for Nginx 1.27.3 or later, the configuration re-resolves upstream names through
//!   Docker's embedded DNS (see [`crate::nginx::context::DOCKER_RESOLVER`]), so a recreated
//!   routed service (a new image, a blue-green switch) is found without a restart; rendered
//!   for an older Nginx it resolves them at start: `docker compose restart gateway`.

use std::collections::BTreeMap;

use nexus_spec::catalog::{NGINX_IMAGE, NGINX_UID};
use nexus_spec::ir;

use super::health::{from_probe, http_test, http_test_for};
use super::interpolate::{literal, required};
use super::model::{Deploy, Mount, PortMapping, Service};
use super::network::{PUBLIC, Topology};
use super::resources::deploy_resources;
use super::service::RESTART;
use crate::nginx::NginxOptions;

/// The gateway's service name.
pub(super) const NAME: &str = nexus_spec::names::GATEWAY;
/// Variable naming the certificate file on the host.
pub(super) const CERT_VAR: &str = "TLS_CERTIFICATE_FILE";
/// Variable naming the key file on the host.
pub(super) const KEY_VAR: &str = "TLS_CERTIFICATE_KEY_FILE";

/// The gateway service.
pub(super) fn service(
    p: &ir::Platform,
    gw: &ir::Gateway,
    topology: &Topology,
    labels: &BTreeMap<String, String>,
) -> Service {
    let opts = NginxOptions::default();
    let bind = literal(&gw.nginx.bind_address.value);
    let mut ports = vec![PortMapping {
        target: opts.http_port,
        published: "80".into(),
        host_ip: bind.clone(),
        protocol: "tcp".into(),
    }];
    let mut volumes = vec![
        ro_bind("../nginx/nginx.conf", "/etc/nginx/nginx.conf"),
        ro_bind("../nginx/conf.d", "/etc/nginx/conf.d"),
    ];
    if let Some(tls) = &gw.tls {
        ports.push(PortMapping {
            target: opts.https_port,
            published: "443".into(),
            host_ip: bind,
            protocol: "tcp".into(),
        });
        volumes.push(ro_bind(&required(CERT_VAR), &literal(&tls.certificate)));
        volumes.push(ro_bind(&required(KEY_VAR), &literal(&tls.certificate_key)));
    }
    let depends_on = gw
        .routes
        .iter()
        .map(|r| super::wait_for(p, &r.workload.value))
        .collect();
    let mut networks = topology.outbound(NAME);
    networks.push(PUBLIC.to_owned());
    networks.sort();
    let probe = ir::Probe {
        action: ir::ProbeAction::Exec {
            command: Vec::new(),
        },
        initial_delay_seconds: 5,
        period_seconds: 10,
        timeout_seconds: 3,
        failure_threshold: 3,
        span: gw.span,
    };
    let mut l = labels.clone();
    l.insert("nexus.dev/workload".into(), NAME.into());
    Service {
        image: literal(&gw.nginx.image.value.to_string()),
        command: Some(vec![
            "nginx".into(),
            "-g".into(),
            "daemon off; pid /tmp/nginx.pid;".into(),
        ]),
        user: Some(format!("{NGINX_UID}:{NGINX_UID}")),
        restart: RESTART.into(),
        depends_on,
        healthcheck: Some(from_probe(
            &probe,
            // The image's own tools when it is the catalog's image; any other image gets
            // the portable wget-then-curl check.
            if gw.nginx.image.value.to_string().starts_with(NGINX_IMAGE) {
                http_test_for(nexus_spec::catalog::NGINX.tools, opts.http_port, "/healthz")
            } else {
                http_test(opts.http_port, "/healthz")
            },
            None,
        )),
        deploy: deploy_resources(&gw.nginx.resources).map(|r| Deploy {
            replicas: None,
            resources: Some(r),
        }),
        read_only: true,
        tmpfs: vec!["/tmp".into(), "/var/cache/nginx".into()],
        cap_drop: vec!["ALL".into()],
        security_opt: vec!["no-new-privileges:true".into()],
        networks,
        ports,
        volumes,
        labels: l,
        ..Service::default()
    }
}

fn ro_bind(source: &str, target: &str) -> Mount {
    Mount {
        kind: "bind".into(),
        source: source.into(),
        target: target.into(),
        read_only: true,
    }
}
